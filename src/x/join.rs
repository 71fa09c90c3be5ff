//! What X items point to: who sent a message, which media it carries, which
//! Tweets it quotes, who is in a conversation.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use super::Item;
use super::normalize::DmEventExt;
use super::types::{ChatConversation, DmEvent, Expansions, Media, Tweet, User};
use crate::engine::{Bounded, Cache, Keyed, WithRaw};

/// How many users a stream remembers from earlier pages. Users recur all
/// through a conversation, and a conversation has few of them.
pub const USERS_REMEMBERED: usize = 10_000;

/// How many media objects and Tweets a stream remembers from earlier pages.
/// Each belongs to one message, and X includes it on that message's page, so
/// a short memory is enough, and it keeps a long walk's memory flat.
pub const ATTACHMENTS_REMEMBERED: usize = 256;

/// The objects one batch of X items points to, by id.
#[derive(Debug, Default)]
pub struct Joined {
    users: HashMap<String, Arc<User>>,
    media: HashMap<String, Arc<Media>>,
    tweets: HashMap<String, Arc<Tweet>>,
}

impl Joined {
    /// A user the items refer to, if the API included it.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.get(id).map(Arc::as_ref)
    }

    /// A media object the items refer to, by media key.
    pub fn media(&self, key: &str) -> Option<&Media> {
        self.media.get(key).map(Arc::as_ref)
    }

    /// A Tweet the items refer to.
    pub fn tweet(&self, id: &str) -> Option<&Tweet> {
        self.tweets.get(id).map(Arc::as_ref)
    }
}

impl<T> Item<T> {
    /// A user this item refers to, if the API included it.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.joined().user(id)
    }

    /// A media object this item refers to, by media key.
    pub fn media(&self, key: &str) -> Option<&Media> {
        self.joined().media(key)
    }

    /// A Tweet this item refers to.
    pub fn tweet(&self, id: &str) -> Option<&Tweet> {
        self.joined().tweet(id)
    }
}

impl Item<DmEvent> {
    /// Who sent the message.
    pub fn sender(&self) -> Option<&User> {
        self.user(self.sender_id.as_deref()?)
    }

    /// The users who joined or left, in the event's order; `None` where the
    /// API included no user for an id.
    pub fn participants(&self) -> impl Iterator<Item = Option<&User>> {
        self.participant_ids.iter().map(|id| self.user(id))
    }

    /// The attached media, in the event's order.
    pub fn attached_media(&self) -> impl Iterator<Item = Option<&Media>> {
        DmEventExt::media_keys(&**self)
            .iter()
            .map(|key| self.media(key))
    }

    /// The Tweets the message refers to, under either doc version's name.
    pub fn referenced_tweets(&self) -> impl Iterator<Item = Option<&Tweet>> {
        self.referenced_tweet_ids().map(|id| self.tweet(id))
    }
}

impl Item<ChatConversation> {
    /// The group's admins.
    pub fn admins(&self) -> impl Iterator<Item = Option<&User>> {
        self.admin_ids.iter().map(|id| self.user(id))
    }

    /// The group's members.
    pub fn members(&self) -> impl Iterator<Item = Option<&User>> {
        self.member_ids.iter().map(|id| self.user(id))
    }

    /// The conversation's participants.
    pub fn participants(&self) -> impl Iterator<Item = Option<&User>> {
        self.participant_ids.iter().map(|id| self.user(id))
    }
}

/// The ids an X item points to, so that a page knows what to join.
pub trait References {
    /// Ids of users.
    fn user_ids(&self) -> Vec<&str>;
    /// Keys of media.
    fn media_keys(&self) -> Vec<&str> {
        Vec::new()
    }
    /// Ids of Tweets.
    fn tweet_ids(&self) -> Vec<&str> {
        Vec::new()
    }
}

impl Keyed for DmEvent {
    fn key(&self) -> &str {
        &self.id
    }
}

impl References for DmEvent {
    fn user_ids(&self) -> Vec<&str> {
        self.sender_id
            .iter()
            .chain(&self.participant_ids)
            .map(String::as_str)
            .collect()
    }
    fn media_keys(&self) -> Vec<&str> {
        DmEventExt::media_keys(self)
            .iter()
            .map(String::as_str)
            .collect()
    }
    fn tweet_ids(&self) -> Vec<&str> {
        self.referenced_tweet_ids().collect()
    }
}

impl Keyed for ChatConversation {
    fn key(&self) -> &str {
        &self.id
    }
}

impl References for ChatConversation {
    fn user_ids(&self) -> Vec<&str> {
        self.admin_ids
            .iter()
            .chain(&self.member_ids)
            .chain(&self.participant_ids)
            .map(String::as_str)
            .collect()
    }
}

/// What a stream of `T` remembers of earlier pages' `includes`.
#[derive(Debug)]
pub struct JoinCache<T> {
    users: Bounded<User>,
    media: Bounded<Media>,
    tweets: Bounded<Tweet>,
    items: PhantomData<fn(T)>,
}

impl<T> JoinCache<T> {
    /// A cache remembering `users` users and `attachments` media objects and
    /// Tweets each.
    pub fn new(users: usize, attachments: usize) -> Self {
        Self {
            users: Bounded::new(users),
            media: Bounded::new(attachments),
            tweets: Bounded::new(attachments),
            items: PhantomData,
        }
    }

    /// Remembers a page's users, media and Tweets (posts count as Tweets).
    pub fn add(&mut self, includes: Expansions) {
        self.users.trim();
        self.media.trim();
        self.tweets.trim();
        for user in includes.users {
            self.users.insert(user.id.clone(), user);
        }
        for media in includes.media {
            if let Some(key) = media.media_key.clone() {
                self.media.insert(key, media);
            }
        }
        for tweet in includes.tweets.into_iter().chain(includes.posts) {
            self.tweets.insert(tweet.id.clone(), tweet);
        }
    }

    /// How many objects the cache holds, all kinds together.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.users.len() + self.media.len() + self.tweets.len()
    }
}

impl<T: References + Send + 'static> Cache for JoinCache<T> {
    type Item = T;
    type Joined = Joined;

    fn for_stream() -> Self {
        Self::new(USERS_REMEMBERED, ATTACHMENTS_REMEMBERED)
    }

    fn unbounded() -> Self {
        Self::new(usize::MAX, usize::MAX)
    }

    fn join(&self, items: &[WithRaw<T>]) -> Joined {
        let mut joined = Joined::default();
        for (item, _) in items {
            self.users.pick(item.user_ids(), &mut joined.users);
            self.media.pick(item.media_keys(), &mut joined.media);
            self.tweets.pick(item.tweet_ids(), &mut joined.tweets);
        }
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::join_items;

    fn user(id: &str) -> User {
        serde_json::from_value(serde_json::json!({"id": id, "username": format!("u{id}")})).unwrap()
    }

    fn event(sender: &str) -> DmEvent {
        serde_json::from_value(
            serde_json::json!({"id": "1", "event_type": "MessageCreate", "sender_id": sender}),
        )
        .unwrap()
    }

    fn includes(ids: &[&str]) -> Expansions {
        Expansions {
            users: ids.iter().map(|id| user(id)).collect(),
            ..Expansions::default()
        }
    }

    #[test]
    fn the_cache_forgets_the_oldest_beyond_its_capacity() {
        let mut cache = JoinCache::<DmEvent>::new(2, 2);
        cache.add(includes(&["1", "2", "3"]));
        // A page larger than the capacity keeps all of its own users...
        let joined = join_items(&cache, vec![(event("1"), None), (event("3"), None)]);
        assert_eq!(joined[0].sender().unwrap().username.as_deref(), Some("u1"));
        // ...and the oldest are forgotten when the next page comes in.
        cache.add(includes(&["4"]));
        assert_eq!(cache.len(), 3);
        let joined = join_items(&cache, vec![(event("1"), None), (event("4"), None)]);
        assert!(joined[0].sender().is_none(), "the oldest user is forgotten");
        assert_eq!(joined[1].sender().unwrap().username.as_deref(), Some("u4"));
    }

    #[test]
    fn an_unresolved_reference_is_none() {
        let cache = JoinCache::<DmEvent>::new(10, 10);
        let joined = join_items(&cache, vec![(event("42"), None)]);
        assert!(joined[0].sender().is_none());
        assert_eq!(joined[0].participants().count(), 0);
    }
}
