//! What the XChat handlers share: conversation ids in XChat's `uid:uid` form,
//! the lock a PIN opens, and messages as XChat words them.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::error;
use crate::testing::data::{Conversation, Dataset};
use crate::testing::x::shape::str_of;

/// The `uid:uid` id of a one-to-one conversation.
pub(super) fn xchat_id(conversation: &Conversation) -> String {
    conversation.id.replace('-', ":")
}

/// The legacy conversation an XChat id names, in either order.
pub(super) fn legacy<'a>(data: &'a Dataset, id: &str) -> Option<&'a Conversation> {
    let (a, b) = id.split_once(':')?;
    data.conversation(&format!("{a}-{b}"))
        .or_else(|| data.conversation(&format!("{b}-{a}")))
        .filter(|c| !c.group)
}

/// TweetAPI's refusal of an XChat read before the PIN was given.
pub(super) fn locked() -> Response {
    error(
        StatusCode::FORBIDDEN,
        json!("XCHAT_NOT_SETUP"),
        "XChat is locked: call /tw-v2/xchat/setup with the account's PIN first",
    )
}

/// Unix milliseconds of an RFC 3339 time.
pub(super) fn millis(at: Option<&str>) -> i64 {
    at.and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
        .map_or(0, |at| at.timestamp_millis())
}

/// A DM event as XChat's decrypted message.
pub(super) fn message(event: &Value) -> Value {
    let id = str_of(event, "id").unwrap_or_default();
    json!({
        "id": id,
        "messageId": format!("00000000-0000-4000-8000-{:0>12}", &id[id.len().saturating_sub(12)..]),
        "senderId": str_of(event, "sender_id"),
        "text": str_of(event, "text"),
        "timestamp": millis(str_of(event, "created_at")),
        "conversationKeyVersion": "1",
    })
}
