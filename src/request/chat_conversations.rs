//! `GET /2/chat/conversations`.

use std::borrow::Borrow;

use futures::StreamExt;
use futures::stream::BoxStream;

use super::{Query, list, require_expansion};
use crate::client::Client;
use crate::join::Item;
use crate::page::Page;
use crate::wire::CommaList;
use crate::x::types::{
    ChatConversation, ChatConversationExpansion, ChatConversationField, ChatConversationsResponse,
    UserField,
};
use crate::{Error, paginate};

const METHOD: &str = "get_chat_conversations";

/// The Chat conversations in the user's inbox. Built by
/// [`Client::conversations`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ChatConversationsRequest<'c> {
    client: &'c Client,
    max_results: Option<i32>,
    pagination_token: Option<String>,
    fields: Option<CommaList<ChatConversationField>>,
    expansions: Option<CommaList<ChatConversationExpansion>>,
    user_fields: Option<CommaList<UserField>>,
}

impl<'c> ChatConversationsRequest<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self {
            client,
            max_results: None,
            pagination_token: None,
            fields: None,
            expansions: None,
            user_fields: None,
        }
    }

    /// Conversations per page, 1 to 100 (X's default is 10).
    pub fn max_results(mut self, max_results: i32) -> Self {
        self.max_results = Some(max_results);
        self
    }

    /// Start from this page: a token saved from [`Page::next_token`].
    pub fn pagination_token(mut self, token: impl Into<String>) -> Self {
        self.pagination_token = Some(token.into());
        self
    }

    /// Conversation fields to return (`chat_conversation.fields`).
    pub fn fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<ChatConversationField>,
    {
        self.fields = Some(list(fields));
        self
    }

    /// Id lists to expand into users in `includes`.
    pub fn expansions<I>(mut self, expansions: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<ChatConversationExpansion>,
    {
        self.expansions = Some(list(expansions));
        self
    }

    /// User fields to return. Needs an expansion (`admin_ids`, `member_ids`
    /// or `participant_ids`); without one the request is refused.
    pub fn user_fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Borrow<UserField>,
    {
        self.user_fields = Some(list(fields));
        self
    }

    /// Fetches one page.
    pub async fn send(&self) -> Result<Page<ChatConversation>, Error> {
        self.fetch(self.pagination_token.clone()).await
    }

    /// Every page, until `has_more` is false or no token comes back.
    pub fn pages(self) -> BoxStream<'c, Result<Page<ChatConversation>, Error>> {
        let start = self.pagination_token.clone();
        paginate::pages(
            start,
            move |token| {
                let request = self.clone();
                async move { request.fetch(token).await }
            },
            |page: &Page<ChatConversation>| match page.meta().has_more {
                Some(false) => None,
                _ => page.next_token().map(str::to_owned),
            },
        )
        .boxed()
    }

    /// Every conversation, one by one, joined to its admins, members and
    /// participants.
    pub fn items(self) -> BoxStream<'c, Result<Item<ChatConversation>, Error>> {
        paginate::items(self.pages(), Page::merge_into).boxed()
    }

    async fn fetch(&self, token: Option<String>) -> Result<Page<ChatConversation>, Error> {
        use ChatConversationExpansion as E;
        let all_users = [E::AdminIds, E::MemberIds, E::ParticipantIds];
        require_expansion(
            "user.fields",
            self.user_fields.is_some(),
            self.expansions.as_ref(),
            &all_users,
        )?;
        let mut query = Query::default();
        query.value("chat_conversation.fields", self.fields.as_ref());
        query.value("expansions", self.expansions.as_ref());
        query.value("max_results", self.max_results);
        query.value("pagination_token", token);
        query.value("user.fields", self.user_fields.as_ref());
        let url = self
            .client
            .url(&["2", "chat", "conversations"], &query.into_pairs());
        let fetched = self
            .client
            .fetch::<ChatConversationsResponse>(METHOD, url)
            .await?;
        Ok(Page::from_list(fetched))
    }
}
