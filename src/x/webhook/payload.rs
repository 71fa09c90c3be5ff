//! What a webhook delivery holds: an Account Activity payload
//! (`for_user_id` with `direct_message_events` and the like), or an X
//! Activity API event (`data.event_uuid`, `data.event_type`, `payload`).
//! Every type keeps the fields it does not name in `other`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::x::activity::{ActivityEvent, LegacyDmEvent, MessageCreate, MessageData, Target};

/// One delivery, decoded.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Delivery {
    /// An Account Activity API payload.
    AccountActivity(AccountActivity),
    /// An X Activity API event.
    Activity(ActivityEvent),
    /// JSON of neither shape, kept whole.
    Other(Value),
}

impl Delivery {
    /// Decodes a delivery's body: by its shape, not by trying each type, so
    /// that a bad field of a known shape is an error naming it.
    pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        let value: Value = serde_json::from_slice(body)?;
        if value.get("for_user_id").is_some() {
            return serde_json::from_value(value).map(Delivery::AccountActivity);
        }
        if let Some(data) = value.get("data")
            && data.get("event_uuid").is_some()
        {
            #[derive(Deserialize)]
            struct Envelope {
                data: ActivityEvent,
            }
            return serde_json::from_value::<Envelope>(value).map(|e| Delivery::Activity(e.data));
        }
        Ok(Delivery::Other(value))
    }

    /// What identifies the delivery when X sends it again: the Activity
    /// event's `event_uuid`, or the ids of an Account Activity payload's DM
    /// events. `None` when it carries no id.
    pub fn id(&self) -> Option<String> {
        match self {
            Delivery::Activity(event) => Some(format!("activity:{}", event.event_uuid)),
            Delivery::AccountActivity(activity) if !activity.direct_message_events.is_empty() => {
                let ids: Vec<&str> = activity
                    .direct_message_events
                    .iter()
                    .map(|event| event.id.as_str())
                    .collect();
                Some(format!("dm:{}", ids.join(",")))
            }
            _ => None,
        }
    }
}

/// An Account Activity API payload: what happened for one subscribed user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountActivity {
    /// The subscribed user the events are for.
    pub for_user_id: String,
    /// Messages sent or received.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub direct_message_events: Vec<LegacyDmEvent>,
    /// Typing indicators, as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub direct_message_indicate_typing_events: Vec<Value>,
    /// Read receipts, as sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub direct_message_mark_read_events: Vec<Value>,
    /// The users the events name, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub users: BTreeMap<String, Value>,
    /// Every other field (`apps`, `tweet_create_events`, …).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_activity_and_activity_payloads_decode_keeping_unknown_fields() {
        let aaa = br#"{"for_user_id":"4337869213","direct_message_events":[{"type":"message_create","id":"954491830116155396","created_timestamp":"1516403560557","message_create":{"target":{"recipient_id":"4337869213"},"sender_id":"3001969357","source_app_id":"13090192","message_data":{"text":"Hello World!","entities":{"hashtags":[]},"future":1}}}],"apps":{"13090192":{"id":"13090192"}}}"#;
        let Delivery::AccountActivity(activity) = Delivery::parse(aaa).unwrap() else {
            panic!("an Account Activity payload");
        };
        let event = &activity.direct_message_events[0];
        assert_eq!(event.text(), Some("Hello World!"));
        assert_eq!(event.sender_id(), Some("3001969357"));
        let data = &event.message_create.as_ref().unwrap().message_data;
        assert_eq!(data.other["future"], 1);
        assert!(activity.other.contains_key("apps"));

        let stream = br#"{"data":{"event_uuid":"-3577827201104920132","filter":{"user_id":"1"},"event_type":"dm.sent","tag":"dm-outbound","payload":{"direct_message_events":[{"type":"message_create","id":"2080763914820927863","message_create":{"target":{"recipient_id":"2"},"sender_id":"1","message_data":{"text":"Thanks"}}}]},"new_field":true}}"#;
        let Delivery::Activity(event) = Delivery::parse(stream).unwrap() else {
            panic!("an Activity event");
        };
        assert_eq!(event.event_type, "dm.sent");
        assert_eq!(event.other["new_field"], true);
        assert_eq!(event.dm_events().unwrap()[0].text(), Some("Thanks"));
        assert_eq!(
            Delivery::parse(stream).unwrap().id().as_deref(),
            Some("activity:-3577827201104920132")
        );
        assert!(matches!(
            Delivery::parse(b"[1]").unwrap(),
            Delivery::Other(_)
        ));
        let bad = Delivery::parse(br#"{"for_user_id":1}"#).unwrap_err();
        assert!(bad.to_string().contains("invalid type"), "{bad}");
    }
}
