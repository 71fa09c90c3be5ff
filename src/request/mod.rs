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
