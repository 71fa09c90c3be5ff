//! Conversation ids as types, checked against the spec's patterns.

use std::fmt;
use std::str::FromStr;

use super::generated::operations::{GetChatConversation, GetDirectMessagesEventsByConversationId};
use crate::engine::{InvalidParameter, Operation, validate};

/// The id of a DM conversation: a group's numeric id, or two user ids joined
/// by `-` for a one-to-one conversation.
///
/// ```
/// use x_dm::DmConversationId;
///
/// let id = DmConversationId::between("9876543210", "1234567890").unwrap();
/// assert_eq!(id.as_str(), "1234567890-9876543210");
/// assert!(!id.is_group());
/// assert!("not-an-id".parse::<DmConversationId>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DmConversationId(String);

impl DmConversationId {
    /// Checks `id` against the pattern of the DM events endpoint's `id`.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidParameter> {
        let id = id.into();
        check_id(GetDirectMessagesEventsByConversationId::operation(), &id)?;
        Ok(Self(id))
    }

    /// The one-to-one conversation between two users, in X's canonical order:
    /// the smaller user id first.
    pub fn between(
        user: impl AsRef<str>,
        other: impl AsRef<str>,
    ) -> Result<Self, InvalidParameter> {
        let (a, b) = canonical_pair(user.as_ref(), other.as_ref());
        Self::new(format!("{a}-{b}"))
    }

    /// Whether this is a group conversation (a single numeric id).
    pub fn is_group(&self) -> bool {
        !self.0.contains('-')
    }

    /// The id as the API spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The id of a Chat conversation: the other user's id or `uid-uid` for a
/// one-to-one conversation, or a `g`-prefixed group id.
///
/// The `uid:uid` form that Chat events carry is accepted and sent as `uid-uid`.
///
/// ```
/// use x_dm::ChatConversationId;
///
/// let id: ChatConversationId = "1234567890:9876543210".parse().unwrap();
/// assert_eq!(id.as_str(), "1234567890-9876543210");
/// assert!("g1690000000000000001".parse::<ChatConversationId>().unwrap().is_group());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatConversationId(String);

impl ChatConversationId {
    /// Checks `id` against the pattern of the Chat conversation endpoint's `id`.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidParameter> {
        let id = chat_path_form(&id.into());
        check_id(GetChatConversation::operation(), &id)?;
        Ok(Self(id))
    }

    /// The one-to-one conversation between two users, smaller user id first.
    pub fn between(
        user: impl AsRef<str>,
        other: impl AsRef<str>,
    ) -> Result<Self, InvalidParameter> {
        let (a, b) = canonical_pair(user.as_ref(), other.as_ref());
        Self::new(format!("{a}-{b}"))
    }

    /// Whether this is a group conversation (a `g`-prefixed id).
    pub fn is_group(&self) -> bool {
        self.0.starts_with('g')
    }

    /// The id as the API spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Orders two user ids numerically; ids that are not numbers keep their order
/// and are refused by the pattern check that follows.
fn canonical_pair<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) if y < x => (b, a),
        _ => (a, b),
    }
}

macro_rules! id_traits {
    ($($id:ident),*) => {$(
        impl FromStr for $id {
            type Err = InvalidParameter;
            fn from_str(id: &str) -> Result<Self, Self::Err> {
                Self::new(id)
            }
        }

        impl TryFrom<String> for $id {
            type Error = InvalidParameter;
            fn try_from(id: String) -> Result<Self, Self::Error> {
                Self::new(id)
            }
        }

        impl TryFrom<&str> for $id {
            type Error = InvalidParameter;
            fn try_from(id: &str) -> Result<Self, Self::Error> {
                Self::new(id)
            }
        }

        impl fmt::Display for $id {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $id {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$id> for String {
            fn from(id: $id) -> String {
                id.0
            }
        }
    )*};
}

id_traits!(DmConversationId, ChatConversationId);

/// A Chat conversation id as paths take it: the `uid:uid` form that Chat
/// events carry is sent as `uid-uid`.
pub(crate) fn chat_path_form(id: &str) -> String {
    id.replacen(':', "-", 1)
}

/// Checks `id` against the rules of the operation's one path parameter, the
/// conversation id, as the spec declares them.
fn check_id(operation: &Operation, id: &str) -> Result<(), InvalidParameter> {
    match operation.path_params().next() {
        Some(param) => validate::check_value(param, id),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dm_id_is_canonical_whatever_order_the_users_come_in() {
        let a = DmConversationId::between("1613565123466371072", "1582103724607971328").unwrap();
        let b = DmConversationId::between("1582103724607971328", "1613565123466371072").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "1582103724607971328-1613565123466371072");
        // Numeric, not lexicographic: 9 < 10.
        assert_eq!(
            DmConversationId::between("10", "9").unwrap().as_str(),
            "9-10"
        );
    }

    #[test]
    fn group_ids_are_told_apart() {
        assert!(DmConversationId::new("158210372460797").unwrap().is_group());
        assert!(!DmConversationId::new("1-2").unwrap().is_group());
        assert!(ChatConversationId::new("g1").unwrap().is_group());
        assert!(
            !ChatConversationId::new("1582103724607971328")
                .unwrap()
                .is_group()
        );
        assert!(!ChatConversationId::new("1-2").unwrap().is_group());
    }

    #[test]
    fn ids_outside_the_pattern_are_refused_naming_it() {
        let error = DmConversationId::new("g123").unwrap_err();
        assert_eq!(error.parameter, "id");
        assert_eq!(
            error.rule,
            "must match the pattern `^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$`"
        );
        // A short numeric id is a user id, which DM conversations do not take.
        assert!(DmConversationId::new("12345").is_err());
        let error = ChatConversationId::new("group-1").unwrap_err();
        assert!(error.rule.contains("g[0-9]{1,19}"), "{}", error.rule);
        assert!(ChatConversationId::between("a", "1").is_err());
    }

    #[test]
    fn the_colon_form_of_chat_events_is_accepted() {
        let id = ChatConversationId::new("1613565123466371072:1582103724607971328").unwrap();
        assert_eq!(id.to_string(), "1613565123466371072-1582103724607971328");
    }
}
