//! `GET /2/chat/conversations`.

use futures::StreamExt;
use futures::stream::BoxStream;

use super::{ChatSelection, Query, chat_selection_setters};
use crate::Error;
use crate::client::Client;
use crate::join::Item;
use crate::page::Page;
use crate::paginate::{self, Token};
use crate::x::types::{ChatConversation, ChatConversationsResponse};

const METHOD: &str = "get_chat_conversations";

/// The Chat conversations in the user's inbox. Built by
/// [`Client::conversations`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ChatConversationsRequest<'c> {
    client: &'c Client,
    max_results: Option<i32>,
    pagination_token: Option<String>,
    selection: ChatSelection,
}

impl<'c> ChatConversationsRequest<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self {
            client,
            max_results: None,
            pagination_token: None,
            selection: ChatSelection::default(),
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

    chat_selection_setters!();

    /// Fetches one page.
    pub async fn send(&self) -> Result<Page<ChatConversation>, Error> {
        self.fetch(self.pagination_token.clone().map(Token::Caller))
            .await
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

    async fn fetch(&self, token: Option<Token>) -> Result<Page<ChatConversation>, Error> {
        self.selection.check()?;
        let issued = Token::issued(token.as_ref(), "pagination_token");
        let mut query = Query::default();
        self.selection.fields_and_expansions(&mut query);
        query.value("max_results", self.max_results);
        query.value("pagination_token", token.map(Token::into_string));
        self.selection.users(&mut query);
        let url = self
            .client
            .url(&["2", "chat", "conversations"], &query.into_pairs());
        let fetched = self
            .client
            .fetch::<ChatConversationsResponse>(METHOD, url, issued.as_slice())
            .await?;
        Ok(Page::from_list(fetched))
    }
}
