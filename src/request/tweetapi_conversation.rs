//! TweetAPI's `GET /tw-v2/interaction/conversation`.

use futures::StreamExt;
use futures::stream::BoxStream;

use crate::Error;
use crate::join::Item;
use crate::paginate::{self, Token};
use crate::tweetapi::types::{ConversationResponse, Message, User};
use crate::tweetapi_client::TweetApiClient;
use crate::tweetapi_page::TweetApiPage;

const METHOD: &str = "get_tweet_api_conversation";

/// The messages of one conversation through TweetAPI. Built by
/// [`TweetApiClient::conversation`].
#[derive(Clone, Debug)]
#[must_use]
pub struct TweetApiConversationRequest<'c> {
    client: &'c TweetApiClient,
    conversation_id: String,
    cursor: Option<String>,
}

impl<'c> TweetApiConversationRequest<'c> {
    pub(crate) fn new(client: &'c TweetApiClient, conversation_id: String) -> Self {
        Self {
            client,
            conversation_id,
            cursor: None,
        }
    }

    /// Start from this page: a cursor saved from [`TweetApiPage::next_cursor`].
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Fetches one page.
    pub async fn send(&self) -> Result<TweetApiPage, Error> {
        self.fetch(self.cursor.clone().map(Token::Caller)).await
    }

    /// Every page, until `hasMore` is false or no cursor comes back.
    pub fn pages(self) -> BoxStream<'c, Result<TweetApiPage, Error>> {
        let start = self.cursor.clone();
        paginate::pages(
            start,
            move |cursor| {
                let request = self.clone();
                async move { request.fetch(cursor).await }
            },
            TweetApiPage::continuation,
        )
        .boxed()
    }

    /// Every message, one by one, joined to its sender and recipient.
    pub fn items(self) -> BoxStream<'c, Result<Item<Message, User>, Error>> {
        paginate::items(self.pages(), TweetApiPage::merge_into).boxed()
    }

    async fn fetch(&self, cursor: Option<Token>) -> Result<TweetApiPage, Error> {
        let issued = Token::issued(cursor.as_ref(), "cursor");
        let mut query = self.client.session_query();
        query.push(("conversationId", self.conversation_id.clone()));
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.into_string()));
        }
        let url = self
            .client
            .url(&["tw-v2", "interaction", "conversation"], &query);
        let fetched = self
            .client
            .fetch::<ConversationResponse>(METHOD, url, issued.as_slice())
            .await?;
        Ok(TweetApiPage::from_response(fetched))
    }
}
