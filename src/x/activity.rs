//! What the X Activity API delivers, on its stream or to a webhook: an
//! event's envelope (`event_uuid`, `event_type`, `filter`, `tag`,
//! `payload`, `includes`), and the v1.1 DM events that `dm.*` payloads and
//! Account Activity carry. Every type keeps the fields it does not name in
//! `other`, so that what X adds is not lost.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A DM event in the v1.1 shape that Account Activity and the Activity
/// API's `dm.*` payloads use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LegacyDmEvent {
    /// `message_create`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The event's id, the same as `GET /2/dm_events` gives it.
    pub id: String,
    /// Unix milliseconds, as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_timestamp: Option<String>,
    /// The message, for a `message_create`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_create: Option<MessageCreate>,
    /// Every other field.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl LegacyDmEvent {
    /// The message's text, if it has one.
    pub fn text(&self) -> Option<&str> {
        self.message_create.as_ref()?.message_data.text.as_deref()
    }

    /// The sender's user id, if it is a message.
    pub fn sender_id(&self) -> Option<&str> {
        Some(self.message_create.as_ref()?.sender_id.as_str())
    }
}

/// Who sent a message to whom, and what it says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageCreate {
    /// The recipient.
    pub target: Target,
    /// The sender's user id.
    pub sender_id: String,
    /// The app that sent it, a key of the payload's `apps`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_app_id: Option<String>,
    /// The message.
    pub message_data: MessageData,
    /// Every other field.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A message's recipient.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The recipient's user id.
    pub recipient_id: String,
    /// Every other field.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A message's text, entities and attachment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageData {
    /// The text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Hashtags, symbols, mentions and URLs, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Value>,
    /// Every other field (`attachment`, `quick_reply_response`, …).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// One X Activity API event: the `data` of a stream line or a delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityEvent {
    /// The delivery's id, the same on every repeat. The docs show signed
    /// values, so it is kept as sent.
    pub event_uuid: String,
    /// The subscribed event type: `dm.received`, `dm.sent`, `chat.received`…
    pub event_type: String,
    /// The filter that matched (`{"user_id": …}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Value>,
    /// The subscription's tag, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The event's own data.
    #[serde(default)]
    pub payload: Value,
    /// Expanded objects, when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes: Option<Value>,
    /// Every other field.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl ActivityEvent {
    /// The DM events of a `dm.sent` or `dm.received` payload; empty for
    /// other events.
    pub fn dm_events(&self) -> Result<Vec<LegacyDmEvent>, serde_json::Error> {
        match self.payload.get("direct_message_events") {
            Some(events) => serde_json::from_value(events.clone()),
            None => Ok(Vec::new()),
        }
    }
}
