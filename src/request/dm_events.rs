//! `GET /2/dm_conversations/{id}/dm_events`.

use std::borrow::Borrow;

use futures::StreamExt;
use futures::stream::BoxStream;

use super::{Query, list, require_expansion};
use crate::Error;
use crate::client::Client;
use crate::join::Item;
use crate::page::Page;
use crate::paginate::{self, Token};
use crate::wire::CommaList;
use crate::x::types::{
    DmEvent, DmEventExpansion, DmEventField, DmEventType, DmEventsResponse, MediaField, TweetField,
    UserField,
};

const METHOD: &str = "get_direct_messages_events_by_conversation_id";

/// Which way a walk through a conversation goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Towards older events, following `next_token` (the default).
    #[default]
    Older,
    /// Towards newer events, following `previous_token`.
    Newer,
}

/// The DM events of one conversation. Built by [`Client::dm_events`].
///
/// Field setters take any iterable of values (`[DmEventField::Text]`,
/// `DmEventField::all()`); a value given twice is sent once.
#[derive(Clone, Debug)]
#[must_use]
pub struct DmEventsRequest<'c> {
    client: &'c Client,
    conversation_id: String,
    max_results: Option<i32>,
    pagination_token: Option<String>,
    direction: Direction,
    event_types: Option<CommaList<DmEventType>>,
    fields: Option<CommaList<DmEventField>>,
    expansions: Option<CommaList<DmEventExpansion>>,
    media_fields: Option<CommaList<MediaField>>,
    user_fields: Option<CommaList<UserField>>,
    tweet_fields: Option<CommaList<TweetField>>,
}

impl<'c> DmEventsRequest<'c> {
    pub(crate) fn new(client: &'c Client, conversation_id: String) -> Self {
        Self {
            client,
            conversation_id,
            max_results: None,
            pagination_token: None,
            direction: Direction::Older,
            event_types: None,
            fields: None,
            expansions: None,
            media_fields: None,
            user_fields: None,
            tweet_fields: None,
        }
    }

    /// Events per page, 1 to 100 (X's default is 100).
    pub fn max_results(mut self, max_results: i32) -> Self {
        self.max_results = Some(max_results);
        self
    }

    /// Start from this page: a token saved from [`Page::next_token`] (or
    /// [`Page::previous_token`] when walking [`Direction::Newer`]). It is
    /// checked against the documented rules (at least 16 characters) before
    /// it is sent; the tokens a walk then takes from its pages are followed
    /// as the API sent them.
    pub fn pagination_token(mut self, token: impl Into<String>) -> Self {
        self.pagination_token = Some(token.into());
        self
    }

    /// Which token [`pages`](Self::pages) and [`items`](Self::items) follow.
    pub fn direction(mut self, direction: Direction) -> Self {
        self.direction = direction;
        self
    }

    /// Only events of these types (all types by default).
    pub fn event_types<I>(mut self, types: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<DmEventType>,
    {
        self.event_types = Some(list(types));
        self
    }

    /// Event fields to return (`dm_event.fields`). `id` and `event_type` always
    /// come back.
    pub fn fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<DmEventField>,
    {
        self.fields = Some(list(fields));
        self
    }

    /// Fields to expand into objects in `includes`.
    pub fn expansions<I>(mut self, expansions: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<DmEventExpansion>,
    {
        self.expansions = Some(list(expansions));
        self
    }

    /// Media fields to return. Needs the `attachments.media_keys` expansion;
    /// without it the request is refused before it is sent.
    pub fn media_fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<MediaField>,
    {
        self.media_fields = Some(list(fields));
        self
    }

    /// User fields to return. Needs the `sender_id` or `participant_ids`
    /// expansion; without one the request is refused before it is sent.
    pub fn user_fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<UserField>,
    {
        self.user_fields = Some(list(fields));
        self
    }

    /// Tweet fields to return. Needs the `referenced_tweets.id` (or 2.167's
    /// `referenced_posts`) expansion; without one the request is refused.
    pub fn tweet_fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<TweetField>,
    {
        self.tweet_fields = Some(list(fields));
        self
    }

    /// Fetches one page: the one [`pagination_token`](Self::pagination_token)
    /// names, or the newest.
    pub async fn send(&self) -> Result<Page<DmEvent>, Error> {
        self.fetch(self.pagination_token.clone().map(Token::Caller))
            .await
    }

    /// Every page from the starting one on, in [`direction`](Self::direction).
    /// Nothing is requested before the stream is polled.
    pub fn pages(self) -> BoxStream<'c, Result<Page<DmEvent>, Error>> {
        let start = self.pagination_token.clone();
        let direction = self.direction;
        paginate::pages(
            start,
            move |token| {
                let request = self.clone();
                async move { request.fetch(token).await }
            },
            move |page: &Page<DmEvent>| match direction {
                Direction::Older => page.next_token().map(str::to_owned),
                Direction::Newer => page.previous_token().map(str::to_owned),
            },
        )
        .boxed()
    }

    /// Every event, one by one, each joined to its sender, participants,
    /// media and referenced Tweets. Only the pages the taken events need are
    /// fetched.
    pub fn items(self) -> BoxStream<'c, Result<Item<DmEvent>, Error>> {
        paginate::items(self.pages(), Page::merge_into).boxed()
    }

    async fn fetch(&self, token: Option<Token>) -> Result<Page<DmEvent>, Error> {
        self.check()?;
        let issued = Token::issued(token.as_ref(), "pagination_token");
        let mut query = Query::default();
        query.value("dm_event.fields", self.fields.as_ref());
        query.value("event_types", self.event_types.as_ref());
        query.value("expansions", self.expansions.as_ref());
        query.value("max_results", self.max_results);
        query.value("media.fields", self.media_fields.as_ref());
        query.value("pagination_token", token.map(Token::into_string));
        query.value("tweet.fields", self.tweet_fields.as_ref());
        query.value("user.fields", self.user_fields.as_ref());
        let path = [
            "2",
            "dm_conversations",
            self.conversation_id.as_str(),
            "dm_events",
        ];
        let url = self.client.url(&path, &query.into_pairs());
        let fetched = self
            .client
            .fetch::<DmEventsResponse>(METHOD, url, issued.as_slice())
            .await?;
        Ok(Page::from_response(fetched))
    }

    fn check(&self) -> Result<(), Error> {
        use DmEventExpansion as E;
        let expansions = self.expansions.as_ref();
        require_expansion(
            "user.fields",
            self.user_fields.is_some(),
            expansions,
            &[E::SenderId, E::ParticipantIds],
        )?;
        require_expansion(
            "media.fields",
            self.media_fields.is_some(),
            expansions,
            &[E::AttachmentsMediaKeys],
        )?;
        require_expansion(
            "tweet.fields",
            self.tweet_fields.is_some(),
            expansions,
            &[E::ReferencedTweetsId, E::ReferencedPosts],
        )?;
        Ok(())
    }
}
