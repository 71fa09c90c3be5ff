//! One request builder per operation.

mod chat_conversation;
mod chat_conversations;
mod dm_events;
mod tweetapi_conversation;

use std::borrow::Borrow;
use std::fmt::Display;

pub use chat_conversation::ChatConversationRequest;
pub use chat_conversations::ChatConversationsRequest;
pub use dm_events::{Direction, DmEventsRequest};
pub use tweetapi_conversation::TweetApiConversationRequest;

use crate::validate::InvalidParameter;
use crate::wire::CommaList;
use crate::x::types::{ChatConversationExpansion, ChatConversationField, UserField};

/// Collects a setter's values; a value given twice is kept once.
fn list<T, I>(values: I) -> CommaList<T>
where
    T: Clone + PartialEq,
    I: IntoIterator,
    I::Item: Borrow<T>,
{
    values
        .into_iter()
        .map(|value| value.borrow().clone())
        .collect()
}

/// A query string under construction, in the order parameters are added.
#[derive(Default)]
struct Query(Vec<(&'static str, String)>);

impl Query {
    fn value(&mut self, name: &'static str, value: Option<impl Display>) {
        if let Some(value) = value {
            self.0.push((name, value.to_string()));
        }
    }

    fn into_pairs(self) -> Vec<(&'static str, String)> {
        self.0
    }
}

/// Refuses `fields` without one of the expansions that return the objects
/// they select: X would silently return nothing for them.
fn require_expansion<E: PartialEq + Display>(
    parameter: &'static str,
    fields_set: bool,
    expansions: Option<&CommaList<E>>,
    needed: &[E],
) -> Result<(), InvalidParameter> {
    let expanded = expansions.is_some_and(|set| needed.iter().any(|e| set.as_slice().contains(e)));
    if !fields_set || expanded {
        return Ok(());
    }
    let names: Vec<String> = needed.iter().map(|e| format!("`{e}`")).collect();
    Err(InvalidParameter {
        parameter,
        rule: format!(
            "selects fields of objects that only an expansion returns: add {} to `expansions`",
            names.join(" or ")
        ),
        value: None,
    })
}

/// What both Chat requests select: conversation fields, expansions and the
/// expanded users' fields.
#[derive(Clone, Debug, Default)]
struct ChatSelection {
    fields: Option<CommaList<ChatConversationField>>,
    expansions: Option<CommaList<ChatConversationExpansion>>,
    user_fields: Option<CommaList<UserField>>,
}

impl ChatSelection {
    /// Refuses user fields that no expansion would return.
    fn check(&self) -> Result<(), InvalidParameter> {
        use ChatConversationExpansion as E;
        let all_users = [E::AdminIds, E::MemberIds, E::ParticipantIds];
        require_expansion(
            "user.fields",
            self.user_fields.is_some(),
            self.expansions.as_ref(),
            &all_users,
        )
    }

    /// Adds the selection to a query, in the spec's parameter order around
    /// `max_results` and `pagination_token`.
    fn fields_and_expansions(&self, query: &mut Query) {
        query.value("chat_conversation.fields", self.fields.as_ref());
        query.value("expansions", self.expansions.as_ref());
    }

    fn users(&self, query: &mut Query) {
        query.value("user.fields", self.user_fields.as_ref());
    }
}

/// The setters of a request with a `selection: ChatSelection` field.
macro_rules! chat_selection_setters {
    () => {
        /// Conversation fields to return (`chat_conversation.fields`).
        pub fn fields<I>(mut self, fields: I) -> Self
        where
            I: IntoIterator,
            I::Item: std::borrow::Borrow<crate::x::types::ChatConversationField>,
        {
            self.selection.fields = Some(super::list(fields));
            self
        }

        /// Id lists to expand into users in `includes`.
        pub fn expansions<I>(mut self, expansions: I) -> Self
        where
            I: IntoIterator,
            I::Item: std::borrow::Borrow<crate::x::types::ChatConversationExpansion>,
        {
            self.selection.expansions = Some(super::list(expansions));
            self
        }

        /// User fields to return. Needs an expansion (`admin_ids`,
        /// `member_ids` or `participant_ids`); without one the request is
        /// refused before it is sent.
        pub fn user_fields<I>(mut self, fields: I) -> Self
        where
            I: IntoIterator,
            I::Item: std::borrow::Borrow<crate::x::types::UserField>,
        {
            self.selection.user_fields = Some(super::list(fields));
            self
        }
    };
}

use chat_selection_setters;
