//! What TweetAPI messages point to: their sender and recipient.

use std::collections::HashMap;
use std::sync::Arc;

use super::Item;
use super::types::{Message, User};
use crate::engine::{Bounded, Cache, Keyed, WithRaw};

/// How many users a stream remembers from earlier pages.
const USERS_REMEMBERED: usize = 10_000;

/// The users one batch of messages points to, by id.
#[derive(Debug, Default)]
pub struct Joined {
    users: HashMap<String, Arc<User>>,
}

impl Joined {
    /// A user the messages refer to, if TweetAPI included them.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.get(id).map(Arc::as_ref)
    }
}

impl Item<Message> {
    /// A user this message refers to.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.joined().user(id)
    }

    /// Who sent the message.
    pub fn sender(&self) -> Option<&User> {
        self.user(self.sender_id.as_deref()?)
    }

    /// Who received it (one-to-one conversations).
    pub fn recipient(&self) -> Option<&User> {
        self.user(self.recipient_id.as_deref()?)
    }
}

impl Keyed for Message {
    fn key(&self) -> &str {
        &self.id
    }
}

/// What a stream remembers of earlier pages' users.
#[derive(Debug)]
pub struct UserCache {
    users: Bounded<User>,
}

impl UserCache {
    /// Remembers a page's users.
    pub fn add(&mut self, users: Vec<User>) {
        self.users.trim();
        for user in users {
            self.users.insert(user.id.clone(), user);
        }
    }
}

impl Cache for UserCache {
    type Item = Message;
    type Joined = Joined;

    fn for_stream() -> Self {
        Self {
            users: Bounded::new(USERS_REMEMBERED),
        }
    }

    fn unbounded() -> Self {
        Self {
            users: Bounded::new(usize::MAX),
        }
    }

    fn join(&self, items: &[WithRaw<Message>]) -> Joined {
        let mut joined = Joined::default();
        for (message, _) in items {
            let ids = message.sender_id.iter().chain(&message.recipient_id);
            self.users.pick(ids.map(String::as_str), &mut joined.users);
        }
        joined
    }
}
