//! X Chat's encrypted content, typed: the Base64 envelopes of events as
//! bytes, the readings of fields 2.166 named differently, and the seam a
//! decryptor plugs into.
//!
//! Chat is end-to-end encrypted. X's own decryption code, the Chat XDK
//! (`chat-xdk-core`), is not published on crates.io, so this crate cannot
//! depend on it and bundles no decryptor: it hands out each event's envelope
//! exactly as X sent it, with the key change events its page carried, and a
//! [`Decryptor`] of the caller's (X's XDK behind a small adapter, or their
//! own key store) turns envelopes into plaintext.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::Page;
use super::join::References;
use super::operations::GetChatConversationEvents;
use super::types::User;
use super::types::{ChatMessageEvent, ChatMessageRequest};
use crate::Error;
use crate::engine::{Keyed, Request};

/// Why an envelope could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The envelope is not Base64 (standard or URL-safe).
    #[error("the event's envelope is not Base64: {0}")]
    Base64(#[from] base64::DecodeError),
    /// The decryptor could not open it (no key for its version, a bad
    /// signature, a corrupt ciphertext...), in its own words.
    #[error("the event could not be decrypted: {0}")]
    Decrypt(String),
}

/// What a decryptor needs to open one event.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Envelope<'a> {
    /// The conversation, when the event names it.
    pub conversation_id: Option<&'a str>,
    /// The key version that encrypts it. `None` when X named none: 2.173
    /// leaves it out of unencrypted events, and every event lacks it unless
    /// `chat_message_event.fields` asks for it. The decryptor tells the
    /// difference from the envelope itself.
    pub key_version: Option<&'a str>,
    /// The encoded event's bytes, decoded from Base64.
    pub bytes: &'a [u8],
    /// The encoded key change events its page carried, as X sent them.
    pub key_events: &'a [String],
}

/// What an event does to an earlier message, as its decrypted contents say.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Relation {
    /// It edits the message with this id.
    Edits(String),
    /// It deletes the message with this id.
    Deletes(String),
}

/// An opened envelope: its plaintext and, for an edit or a deletion, the
/// message it acts on (which only the decrypted contents say).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Opened {
    /// The decrypted contents.
    pub plaintext: Vec<u8>,
    /// What the event does to an earlier message, if anything.
    pub relation: Option<Relation>,
}

impl Opened {
    /// Contents that act on no earlier message.
    pub fn new(plaintext: impl Into<Vec<u8>>) -> Self {
        Self {
            plaintext: plaintext.into(),
            relation: None,
        }
    }

    /// These contents, as an event that does `relation`.
    #[must_use]
    pub fn with_relation(mut self, relation: Relation) -> Self {
        self.relation = Some(relation);
        self
    }
}

impl From<Vec<u8>> for Opened {
    fn from(plaintext: Vec<u8>) -> Self {
        Self::new(plaintext)
    }
}

/// Opens Chat envelopes: X's Chat XDK behind an adapter, or a key store of
/// the caller's. Plugged into [`DecryptedEvents`] streams.
pub trait Decryptor: Send + Sync {
    /// The contents of one envelope, and what it does to an earlier
    /// message when it is an edit or a deletion.
    fn decrypt(&self, envelope: &Envelope<'_>) -> Result<Opened, EnvelopeError>;
}

/// Base64 as X writes it in Chat; some payloads use the URL-safe alphabet.
fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    STANDARD.decode(text).or_else(|_| URL_SAFE.decode(text))
}

impl ChatMessageEvent {
    /// The encoded event's bytes (a Thrift MessageEvent, usually
    /// encrypted), decoded from the Base64 X sent.
    pub fn envelope(&self) -> Result<Vec<u8>, EnvelopeError> {
        Ok(decode(&self.encoded_event)?)
    }

    /// Whether the event is encrypted: 2.173 names a key version for each
    /// encrypted event.
    pub fn is_encrypted(&self) -> bool {
        self.conversation_key_version.is_some()
    }

    /// The event's id under either name (2.166 sent `sequence_id`).
    pub fn event_id(&self) -> Option<&str> {
        self.id.as_deref().or(self.sequence_id.as_deref())
    }

    /// The previous event's id under either name (2.166 sent
    /// `previous_sequence_id`).
    pub fn previous_event_id(&self) -> Option<&str> {
        self.previous_id
            .as_deref()
            .or(self.previous_sequence_id.as_deref())
    }

    /// When the event was created, in Unix milliseconds, from 2.173's
    /// `created_at` or 2.166's `created_at_msec`.
    pub fn created_at_ms(&self) -> Option<i64> {
        if let Some(ms) = self.created_at_msec.as_deref() {
            return ms.parse().ok();
        }
        let at = self.created_at.as_deref()?;
        chrono::DateTime::parse_from_rfc3339(at)
            .ok()
            .map(|at| at.timestamp_millis())
    }

    /// The event opened by `decryptor` with the page's key change events.
    /// Every event goes to the decryptor, unencrypted ones too: only the
    /// envelope says for sure what it holds.
    pub fn decrypt(
        &self,
        decryptor: &dyn Decryptor,
        key_events: &[String],
    ) -> Result<Opened, EnvelopeError> {
        let bytes = self.envelope()?;
        decryptor.decrypt(&Envelope {
            conversation_id: self.conversation_id.as_deref(),
            key_version: self.conversation_key_version.as_deref(),
            bytes: &bytes,
            key_events,
        })
    }
}

impl Keyed for ChatMessageEvent {
    fn key(&self) -> &str {
        self.event_id().unwrap_or_default()
    }
}

impl References for ChatMessageEvent {
    fn user_ids(&self) -> Vec<&str> {
        self.sender_id.iter().map(String::as_str).collect()
    }
}

impl Keyed for ChatMessageRequest {
    fn key(&self) -> &str {
        self.conversation_id.as_deref().unwrap_or_default()
    }
}

impl References for ChatMessageRequest {
    fn user_ids(&self) -> Vec<&str> {
        self.sender_id
            .iter()
            .chain(&self.social_proof_user_ids)
            .map(String::as_str)
            .collect()
    }
}

impl Keyed for User {
    fn key(&self) -> &str {
        &self.id
    }
}

impl References for User {
    fn user_ids(&self) -> Vec<&str> {
        Vec::new()
    }
}

impl ChatMessageRequest {
    /// The bytes of each of the request's newest encoded events, newest
    /// first.
    pub fn envelopes(&self) -> Result<Vec<Vec<u8>>, EnvelopeError> {
        self.message_events
            .iter()
            .map(|event| Ok(decode(event)?))
            .collect()
    }
}

impl<T> Page<T> {
    /// The encoded key change events of a Chat events page, as X sent
    /// them, each as bytes.
    pub fn key_event_envelopes(&self) -> Result<Vec<Vec<u8>>, EnvelopeError> {
        self.meta()
            .conversation_key_events
            .iter()
            .map(|event| Ok(decode(event)?))
            .collect()
    }
}

/// One Chat event with what its decryptor made of it, and the later
/// events of the walk that edit or delete it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Decrypted {
    /// The event as X sent it: envelope, signature, token and all.
    pub event: ChatMessageEvent,
    /// Its contents, or why it could not be opened. Failing to open one
    /// event does not end the walk. An edit or deletion says so in
    /// `relation`, and is kept whether or not the walk reaches the message
    /// it acts on.
    pub opened: Result<Opened, EnvelopeError>,
    /// The ids of the events of this walk, seen before it (a walk goes
    /// newest first), that edit it, newest first.
    pub edited_by: Vec<String>,
    /// The id of the event of this walk, seen before it, that deleted it.
    pub deleted_by: Option<String>,
}

impl Decrypted {
    /// The contents, when the event could be opened.
    pub fn plaintext(&self) -> Option<&[u8]> {
        self.opened
            .as_ref()
            .ok()
            .map(|opened| opened.plaintext.as_slice())
    }
}

/// How many edited or deleted message ids a walk remembers until it meets
/// the message: enough for any conversation's run of edits, and a bound on
/// a long walk's memory.
pub const RELATIONS_REMEMBERED: usize = 10_000;

/// The edits and deletions a walk has seen, by the id they act on.
#[derive(Default)]
struct Relations {
    edits: HashMap<String, Vec<String>>,
    deletions: HashMap<String, String>,
    order: VecDeque<String>,
}

impl Relations {
    fn remember(&mut self, event: &str, relation: &Relation) {
        let target = match relation {
            Relation::Edits(target) => {
                self.edits
                    .entry(target.clone())
                    .or_default()
                    .push(event.to_owned());
                target
            }
            Relation::Deletes(target) => {
                self.deletions.insert(target.clone(), event.to_owned());
                target
            }
        };
        self.order.push_back(target.clone());
        while self.order.len() > RELATIONS_REMEMBERED {
            if let Some(oldest) = self.order.pop_front() {
                self.edits.remove(&oldest);
                self.deletions.remove(&oldest);
            }
        }
    }

    fn open(
        &mut self,
        event: ChatMessageEvent,
        opened: Result<Opened, EnvelopeError>,
    ) -> Decrypted {
        let id = event.event_id().unwrap_or_default().to_owned();
        if let Ok(Opened {
            relation: Some(relation),
            ..
        }) = &opened
        {
            self.remember(&id, relation);
        }
        Decrypted {
            edited_by: self.edits.remove(&id).unwrap_or_default(),
            deleted_by: self.deletions.remove(&id),
            event,
            opened,
        }
    }
}

/// A walk of a conversation's events, each opened by a [`Decryptor`].
pub type DecryptedEvents = BoxStream<'static, Result<Decrypted, Error>>;

impl Request<GetChatConversationEvents> {
    /// Every event of the walk, newest first, each with its plaintext as
    /// `decryptor` opens it with the key change events of its page. The
    /// stream owns what it needs and can be spawned.
    pub fn decrypted(self, decryptor: Arc<dyn Decryptor>) -> DecryptedEvents {
        let mut relations = Relations::default();
        self.pages()
            .map_ok(move |page| {
                let key_events = page.meta().conversation_key_events.clone();
                let opened: Vec<Result<Decrypted, Error>> = page
                    .into_items()
                    .into_iter()
                    .map(|event| {
                        let opened = event.decrypt(decryptor.as_ref(), &key_events);
                        Ok(relations.open(event, opened))
                    })
                    .collect();
                stream::iter(opened)
            })
            .try_flatten()
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(encoded: &str, version: Option<&str>) -> ChatMessageEvent {
        serde_json::from_value(serde_json::json!({
            "id": "1",
            "encoded_event": encoded,
            "conversation_key_version": version,
        }))
        .unwrap()
    }

    /// Reverses encrypted envelopes, given a key; hands others back.
    struct Reverse;

    impl Decryptor for Reverse {
        fn decrypt(&self, envelope: &Envelope<'_>) -> Result<Opened, EnvelopeError> {
            if envelope.key_version.is_none() {
                return Ok(envelope.bytes.to_vec().into());
            }
            if envelope.key_events.is_empty() {
                return Err(EnvelopeError::Decrypt("no key".into()));
            }
            Ok(envelope
                .bytes
                .iter()
                .rev()
                .copied()
                .collect::<Vec<u8>>()
                .into())
        }
    }

    #[test]
    fn envelopes_decode_from_either_base64_alphabet() {
        assert_eq!(event("aGk+Pw==", None).envelope().unwrap(), b"hi>?");
        assert_eq!(event("aGk-Pw==", None).envelope().unwrap(), b"hi>?");
        assert!(matches!(
            event("not base64!", None).envelope(),
            Err(EnvelopeError::Base64(_))
        ));
    }

    #[test]
    fn the_decryptor_learns_the_key_version_and_the_key_events() {
        let keys = vec!["k".to_owned()];
        let sealed = event("aGk=", Some("1"));
        assert_eq!(sealed.decrypt(&Reverse, &keys).unwrap().plaintext, b"ih");
        assert!(sealed.decrypt(&Reverse, &[]).is_err());
        let plain = event("aGk=", None);
        assert_eq!(plain.decrypt(&Reverse, &[]).unwrap().plaintext, b"hi");
    }

    #[test]
    fn legacy_names_read_as_the_current_ones() {
        let old: ChatMessageEvent = serde_json::from_value(serde_json::json!({
            "sequence_id": "9",
            "previous_sequence_id": "8",
            "created_at_msec": "1760616000000",
            "encoded_event": "",
        }))
        .unwrap();
        assert_eq!(
            (old.event_id(), old.previous_event_id(), old.created_at_ms()),
            (Some("9"), Some("8"), Some(1_760_616_000_000))
        );
        let new: ChatMessageEvent = serde_json::from_value(serde_json::json!({
            "id": "9",
            "previous_id": "8",
            "created_at": "2025-10-16T12:00:00.000Z",
            "encoded_event": "",
        }))
        .unwrap();
        assert_eq!(
            (new.event_id(), new.previous_event_id(), new.created_at_ms()),
            (Some("9"), Some("8"), Some(1_760_616_000_000))
        );
    }

    #[test]
    fn edits_and_deletions_reach_the_message_they_act_on() {
        let mut relations = Relations::default();
        let open = |relation: Option<Relation>| {
            let opened = Opened::new(b"x".to_vec());
            Ok(match relation {
                Some(relation) => opened.with_relation(relation),
                None => opened,
            })
        };
        let with_id = |id: &str| event(id, None).with_id(id);
        let edit = relations.open(with_id("9"), open(Some(Relation::Edits("5".into()))));
        let second = relations.open(with_id("8"), open(Some(Relation::Edits("5".into()))));
        let delete = relations.open(with_id("7"), open(Some(Relation::Deletes("6".into()))));
        assert!(
            edit.edited_by.is_empty() && second.edited_by.is_empty() && delete.deleted_by.is_none()
        );
        let deleted = relations.open(with_id("6"), open(None));
        assert_eq!(deleted.deleted_by.as_deref(), Some("7"));
        let original = relations.open(with_id("5"), open(None));
        assert_eq!(original.edited_by, ["9", "8"]);
        assert!(relations.edits.is_empty() && relations.deletions.is_empty());
    }

    #[test]
    fn a_walk_forgets_the_oldest_relations_past_its_bound() {
        let mut relations = Relations::default();
        for n in 0..=RELATIONS_REMEMBERED {
            relations.remember(&format!("e{n}"), &Relation::Edits(format!("m{n}")));
        }
        assert_eq!(relations.edits.len(), RELATIONS_REMEMBERED);
        assert!(!relations.edits.contains_key("m0"));
    }

    impl ChatMessageEvent {
        fn with_id(mut self, id: &str) -> Self {
            self.id = Some(id.to_owned());
            self
        }
    }
}
