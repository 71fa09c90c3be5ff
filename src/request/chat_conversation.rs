//! `GET /2/chat/conversations/{id}`.

use super::{ChatSelection, Query, chat_selection_setters};
use crate::Error;
use crate::client::Client;
use crate::page::Page;
use crate::x::types::{ChatConversation, ChatConversationResponse};

const METHOD: &str = "get_chat_conversation";

/// One Chat conversation. Built by [`Client::conversation`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ChatConversationRequest<'c> {
    client: &'c Client,
    conversation_id: String,
    selection: ChatSelection,
}

impl<'c> ChatConversationRequest<'c> {
    pub(crate) fn new(client: &'c Client, conversation_id: String) -> Self {
        // The `uid:uid` form that Chat events carry is sent as `uid-uid`.
        let conversation_id = match conversation_id.split_once(':') {
            Some((a, b)) => format!("{a}-{b}"),
            None => conversation_id,
        };
        Self {
            client,
            conversation_id,
            selection: ChatSelection::default(),
        }
    }

    chat_selection_setters!();

    /// Fetches the conversation: a page of one item, with its includes and any
    /// partial errors. [`Page::joined`] resolves its admins and members.
    pub async fn send(&self) -> Result<Page<ChatConversation>, Error> {
        self.selection.check()?;
        let mut query = Query::default();
        self.selection.fields_and_expansions(&mut query);
        self.selection.users(&mut query);
        let path = ["2", "chat", "conversations", self.conversation_id.as_str()];
        let url = self.client.url(&path, &query.into_pairs());
        let fetched = self
            .client
            .fetch::<ChatConversationResponse>(METHOD, url, &[])
            .await?;
        Ok(Page::from_one(fetched))
    }
}
