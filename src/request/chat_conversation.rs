//! `GET /2/chat/conversations/{id}`.

use std::borrow::Borrow;

use super::{Query, list, require_expansion};
use crate::Error;
use crate::client::Client;
use crate::page::Page;
use crate::wire::CommaList;
use crate::x::types::{
    ChatConversation, ChatConversationExpansion, ChatConversationField, ChatConversationResponse,
    UserField,
};

const METHOD: &str = "get_chat_conversation";

/// One Chat conversation. Built by [`Client::conversation`].
#[derive(Clone, Debug)]
#[must_use]
pub struct ChatConversationRequest<'c> {
    client: &'c Client,
    conversation_id: String,
    fields: Option<CommaList<ChatConversationField>>,
    expansions: Option<CommaList<ChatConversationExpansion>>,
    user_fields: Option<CommaList<UserField>>,
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
            fields: None,
            expansions: None,
            user_fields: None,
        }
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

    /// Fetches the conversation: a page of one item, with its includes and any
    /// partial errors. [`Page::joined`] resolves its admins and members.
    pub async fn send(&self) -> Result<Page<ChatConversation>, Error> {
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
        query.value("user.fields", self.user_fields.as_ref());
        let path = ["2", "chat", "conversations", self.conversation_id.as_str()];
        let url = self.client.url(&path, &query.into_pairs());
        let fetched = self
            .client
            .fetch::<ChatConversationResponse>(METHOD, url)
            .await?;
        Ok(Page::from_one(fetched))
    }
}
