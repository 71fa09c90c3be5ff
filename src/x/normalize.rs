//! One reading of the fields X renamed between doc versions, and of its two
//! timestamp forms, as extension traits on the generated types.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::types::{ChatConversation, DmEvent, DmEventType, Tweet, User};
use crate::timestamp;

/// An event's type: one the spec lists, or a newer one kept as its string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind<'a> {
    /// A type the spec lists.
    Known(DmEventType),
    /// A type the spec does not list yet.
    Other(&'a str),
}

/// Normalized readings of a [`DmEvent`].
pub trait DmEventExt {
    /// The event's type.
    fn kind(&self) -> EventKind<'_>;
    /// When the event was created, from either timestamp form.
    fn created(&self) -> Option<DateTime<Utc>>;
    /// The Tweets the message refers to, from `referenced_tweets` (2.166) or
    /// `referenced_posts` (2.167).
    fn referenced_tweet_ids(&self) -> impl Iterator<Item = &str>;
    /// Keys of the attached media.
    fn media_keys(&self) -> &[String];
}

impl DmEventExt for DmEvent {
    fn kind(&self) -> EventKind<'_> {
        match self.event_type.parse() {
            Ok(known) => EventKind::Known(known),
            Err(_) => EventKind::Other(&self.event_type),
        }
    }

    fn created(&self) -> Option<DateTime<Utc>> {
        timestamp::parse(self.created_at.as_deref()?)
    }

    fn referenced_tweet_ids(&self) -> impl Iterator<Item = &str> {
        self.referenced_tweets
            .iter()
            .chain(&self.referenced_posts)
            .map(|reference| reference.id.as_str())
    }

    fn media_keys(&self) -> &[String] {
        self.attachments
            .as_ref()
            .map_or(&[], |attachments| attachments.media_keys.as_slice())
    }
}

/// Normalized readings of a [`ChatConversation`].
pub trait ChatConversationExt {
    /// How long messages live, from `message_ttl_ms` (2.167, an integer) or
    /// `message_ttl_msec` (2.166, a string of milliseconds).
    fn message_ttl(&self) -> Option<Duration>;
    /// Whether this is a group conversation.
    fn is_group(&self) -> bool;
    /// When the group was created.
    fn created(&self) -> Option<DateTime<Utc>>;
    /// When the group was last updated.
    fn updated(&self) -> Option<DateTime<Utc>>;
}

impl ChatConversationExt for ChatConversation {
    fn message_ttl(&self) -> Option<Duration> {
        let millis = match (self.message_ttl_ms, &self.message_ttl_msec) {
            (Some(ms), _) => u64::try_from(ms).ok()?,
            (None, Some(text)) => text.trim().parse().ok()?,
            (None, None) => return None,
        };
        Some(Duration::from_millis(millis))
    }

    fn is_group(&self) -> bool {
        self.type_.as_deref() == Some("group") || self.id.starts_with('g')
    }

    fn created(&self) -> Option<DateTime<Utc>> {
        timestamp::parse(self.created_at.as_deref()?)
    }

    fn updated(&self) -> Option<DateTime<Utc>> {
        timestamp::parse(self.updated_at.as_deref()?)
    }
}

/// Normalized readings of a [`Tweet`].
pub trait TweetExt {
    /// When the Tweet was posted, from either timestamp form.
    fn created(&self) -> Option<DateTime<Utc>>;
}

impl TweetExt for Tweet {
    fn created(&self) -> Option<DateTime<Utc>> {
        timestamp::parse(self.created_at.as_deref()?)
    }
}

/// Normalized readings of a [`User`].
pub trait UserExt {
    /// When the account was created.
    fn created(&self) -> Option<DateTime<Utc>>;
}

impl UserExt for User {
    fn created(&self) -> Option<DateTime<Utc>> {
        timestamp::parse(self.created_at.as_deref()?)
    }
}
