//! The Chat side of the fake's dataset: each conversation's events, the
//! pending message requests, the user's Chat settings, public keys, DM
//! blocks, admin requests, pinned messages and media uploads.
//!
//! A conversation's own state (muted, archived, read state, members, admins,
//! invite link, message TTL) lives on its ChatConversation object, so that a
//! write shows in the next `getChatConversation`. Event contents are sealed
//! with [`toy_seal`]: opaque to a client that cannot open them, readable by a
//! toy decryptor in tests.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

/// What the fake's envelopes start with, so a toy decryptor can tell them.
pub const TOY_MAGIC: &[u8] = b"TOY1";

/// The byte the toy cipher mixes into each plaintext byte.
pub const TOY_KEY: u8 = 0x2a;

/// The fake's stand-in for an encrypted, encoded event: `TOY1`, then each
/// byte of `plaintext` XORed with [`TOY_KEY`], in standard Base64. Opaque to
/// a client, readable by a toy decryptor that knows the scheme.
pub fn toy_seal(plaintext: &[u8]) -> String {
    let mut bytes = TOY_MAGIC.to_vec();
    bytes.extend(plaintext.iter().map(|b| b ^ TOY_KEY));
    STANDARD.encode(bytes)
}

/// The key version every seeded conversation is encrypted with.
pub(crate) const SEED_KEY_VERSION: &str = "1700000000000";

/// One upload session of encrypted Chat media.
#[derive(Clone, Debug)]
pub(crate) struct Upload {
    pub conversation_id: String,
    pub media_hash_key: String,
    pub total_bytes: u64,
    pub segments: BTreeMap<u16, Vec<u8>>,
}

/// Everything Chat holds beyond the conversations' own objects.
#[derive(Clone, Debug, Default)]
pub(crate) struct ChatState {
    /// Inbox conversations, in inbox order (newest activity first).
    pub conversations: Vec<Value>,
    /// Each conversation's events, newest first.
    pub events: BTreeMap<String, Vec<Value>>,
    /// Each conversation's encoded key change events, oldest first.
    pub key_events: BTreeMap<String, Vec<String>>,
    /// Each conversation's pinned messages.
    pub pinned: BTreeMap<String, Vec<Value>>,
    /// Pending message requests, newest first, each with its `inbox_type`.
    pub requests: Vec<Value>,
    /// The user's Chat privacy settings.
    pub settings: Value,
    /// Registered public keys, by user.
    pub public_keys: BTreeMap<String, Vec<Value>>,
    /// Users the account has DM-blocked.
    pub blocked: BTreeSet<String>,
    /// Users asking for admin rights, by group.
    pub admin_requests: BTreeMap<String, Vec<String>>,
    /// Group ids handed out by `initializeChatGroup` and not yet created.
    pub reserved: BTreeSet<String>,
    /// Open upload sessions, by session id.
    pub uploads: BTreeMap<String, Upload>,
    /// Finished uploads' bytes, by conversation and media hash key.
    pub media: BTreeMap<(String, String), Vec<u8>>,
}

impl ChatState {
    pub fn conversation(&self, id: &str) -> Option<&Value> {
        self.conversations
            .iter()
            .find(|c| c.get("id").and_then(Value::as_str) == Some(id))
    }

    pub fn conversation_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.conversations
            .iter_mut()
            .find(|c| c.get("id").and_then(Value::as_str) == Some(id))
    }

    /// Whether `user` is an admin of the group `id`.
    pub fn is_admin(&self, id: &str, user: &str) -> bool {
        self.conversation(id)
            .and_then(|c| c.get("admin_ids"))
            .and_then(Value::as_array)
            .is_some_and(|admins| admins.iter().any(|a| a.as_str() == Some(user)))
    }

    /// The pending request of the 1:1 conversation `id`, by position.
    pub fn request_position(&self, id: &str) -> Option<usize> {
        self.requests
            .iter()
            .position(|r| r.get("conversation_id").and_then(Value::as_str) == Some(id))
    }

    /// Points the conversation's read state at its newest event.
    pub fn refresh_newest(&mut self, id: &str) {
        let newest = self
            .events
            .get(id)
            .and_then(|events| events.first())
            .and_then(|event| event.get("id"))
            .cloned();
        if let (Some(conversation), Some(newest)) = (self.conversation_mut(id), newest) {
            conversation["newest_event_id"] = newest;
        }
    }
}

/// A seeded conversation's events: its DM messages, newest first, sealed
/// as Chat events. `messages` are (id, sender, created_at, text).
pub(crate) fn sealed_events(
    conversation_id: &str,
    messages: &[(String, String, Value, String)],
) -> Vec<Value> {
    messages
        .iter()
        .enumerate()
        .map(|(at, (id, sender, created_at, text))| {
            let mut event = json!({
                "id": id,
                "conversation_id": conversation_id,
                "sender_id": sender,
                "created_at": created_at,
                "encoded_event": toy_seal(text.as_bytes()),
                "conversation_key_version": SEED_KEY_VERSION,
                "conversation_token": toy_seal(conversation_id.as_bytes()),
                "is_trusted": true,
                "message_event_signature": {
                    "signature": toy_seal(id.as_bytes()),
                    "public_key_version": "1",
                    "signature_version": "1",
                    "signing_public_key": toy_seal(sender.as_bytes()),
                },
            });
            if let Some((previous, ..)) = messages.get(at + 1) {
                event["previous_id"] = json!(previous);
            }
            event
        })
        .collect()
}

/// The user's settings before any write.
pub(crate) fn default_settings() -> Value {
    json!({
        "allow_dms_from": "all",
        "always_allow_dms_from_subscribers": true,
        "dm_quality_filter": "enabled",
        "dm_receipt_settings": "all_enabled",
        "av_settings": {
            "has_av_calls_enabled": true,
            "has_enhanced_call_privacy_enabled": false,
            "av_call_permissions": {
                "accept_calls_from_addressbook": true,
                "accept_calls_from_everyone": false,
                "accept_calls_from_following": true,
                "accept_calls_from_verified": true,
            },
        },
    })
}

/// A user's seeded public key.
pub(crate) fn public_key(user: &str, version: u32) -> Value {
    json!({
        "public_key": toy_seal(format!("identity:{user}:{version}").as_bytes()),
        "public_key_version": version.to_string(),
        "signing_public_key": toy_seal(format!("signing:{user}:{version}").as_bytes()),
        "identity_public_key_signature": toy_seal(format!("signature:{user}:{version}").as_bytes()),
        "juicebox_config": { "realms": [{ "id": "fake-realm", "address": "https://juicebox.invalid" }] },
    })
}

/// Merges `change` into `target`, object by object: what `change` leaves
/// out keeps its value.
pub(crate) fn merge(target: &mut Value, change: &Value) {
    match (target, change) {
        (Value::Object(target), Value::Object(change)) => {
            for (key, value) in change {
                merge(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (target, change) => *target = change.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toy_seal_hides_the_plaintext_and_keeps_it_recoverable() {
        let sealed = toy_seal(b"hello");
        let bytes = STANDARD.decode(&sealed).unwrap();
        assert_eq!(&bytes[..4], TOY_MAGIC);
        assert!(!sealed.contains("hello"));
        let opened: Vec<u8> = bytes[4..].iter().map(|b| b ^ TOY_KEY).collect();
        assert_eq!(opened, b"hello");
    }

    #[test]
    fn merge_keeps_what_the_change_leaves_out() {
        let mut settings = default_settings();
        merge(
            &mut settings,
            &json!({ "allow_dms_from": "verified", "av_settings": { "av_call_permissions": { "accept_calls_from_everyone": true } } }),
        );
        assert_eq!(settings["allow_dms_from"], "verified");
        assert_eq!(settings["dm_receipt_settings"], "all_enabled");
        let permissions = &settings["av_settings"]["av_call_permissions"];
        assert_eq!(permissions["accept_calls_from_everyone"], true);
        assert_eq!(permissions["accept_calls_from_following"], true);
    }
}
