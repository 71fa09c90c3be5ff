//! Items joined to the objects their page included: who sent a message, which
//! media it carries, which Tweets it quotes.
//!
//! A stream merges each page's `includes` into a cache shared by the pages
//! that follow, so a sender included once still resolves pages later. The
//! cache is bounded; each item sees only the objects its page references.

use std::collections::{HashMap, VecDeque};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::normalize::DmEventExt;
use crate::raw::RawRef;
use crate::x::types::{ChatConversation, DmEvent, Expansions, Media, Tweet, User};

/// How many users a stream remembers from earlier pages. Users recur all
/// through a conversation, and a conversation has few of them.
pub const USERS_REMEMBERED: usize = 10_000;

/// How many media objects and Tweets a stream remembers from earlier pages.
/// Each belongs to one message, and X includes it on that message's page, so
/// a short memory is enough, and it keeps a long walk's memory flat.
pub const ATTACHMENTS_REMEMBERED: usize = 256;

/// The objects one page's items point to, by id.
#[derive(Debug)]
pub struct Joined<U = User> {
    users: HashMap<String, Arc<U>>,
    media: HashMap<String, Arc<Media>>,
    tweets: HashMap<String, Arc<Tweet>>,
}

impl<U> Default for Joined<U> {
    fn default() -> Self {
        Self {
            users: HashMap::new(),
            media: HashMap::new(),
            tweets: HashMap::new(),
        }
    }
}

/// An item with what its page included. Derefs to the item; serializes as the
/// item alone, unknown fields included.
#[derive(Debug, Clone)]
pub struct Item<T, U = User> {
    value: T,
    /// Where the item's JSON as the API sent it is in the page body.
    raw: Option<RawRef>,
    joined: Arc<Joined<U>>,
}

impl<T, U> Item<T, U> {
    pub(crate) fn new(value: T, raw: Option<RawRef>, joined: Arc<Joined<U>>) -> Self {
        Self { value, raw, joined }
    }

    /// The item without its joins.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The item's JSON exactly as the API sent it, unknown fields, `null`s and
    /// empty lists included.
    pub fn raw_json(&self) -> Option<&str> {
        std::str::from_utf8(self.raw.as_ref()?.json()?).ok()
    }

    /// A user this item refers to, if the API included it.
    pub fn user(&self, id: &str) -> Option<&U> {
        self.joined.users.get(id).map(Arc::as_ref)
    }

    /// A media object this item refers to, by media key.
    pub fn media(&self, key: &str) -> Option<&Media> {
        self.joined.media.get(key).map(Arc::as_ref)
    }

    /// A Tweet this item refers to.
    pub fn tweet(&self, id: &str) -> Option<&Tweet> {
        self.joined.tweets.get(id).map(Arc::as_ref)
    }
}

impl<T, U> Deref for Item<T, U> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Serialize, U> Serialize for Item<T, U> {
    /// Writes the JSON the API sent, so that nothing it sent is lost; the
    /// decoded value where that JSON is not at hand.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self
            .raw_json()
            .and_then(|text| serde_json::from_str::<&RawValue>(text).ok())
        {
            Some(raw) => raw.serialize(serializer),
            None => self.value.serialize(serializer),
        }
    }
}

impl Item<DmEvent> {
    /// Who sent the message.
    pub fn sender(&self) -> Option<&User> {
        self.user(self.value.sender_id.as_deref()?)
    }

    /// The users who joined or left, in the event's order; `None` where the
    /// API included no user for an id.
    pub fn participants(&self) -> impl Iterator<Item = Option<&User>> {
        self.value.participant_ids.iter().map(|id| self.user(id))
    }

    /// The attached media, in the event's order.
    pub fn attached_media(&self) -> impl Iterator<Item = Option<&Media>> {
        DmEventExt::media_keys(&self.value)
            .iter()
            .map(|key| self.media(key))
    }

    /// The Tweets the message refers to, under either doc version's name.
    pub fn referenced_tweets(&self) -> impl Iterator<Item = Option<&Tweet>> {
        self.value.referenced_tweet_ids().map(|id| self.tweet(id))
    }
}

impl Item<ChatConversation> {
    /// The group's admins.
    pub fn admins(&self) -> impl Iterator<Item = Option<&User>> {
        self.value.admin_ids.iter().map(|id| self.user(id))
    }

    /// The group's members.
    pub fn members(&self) -> impl Iterator<Item = Option<&User>> {
        self.value.member_ids.iter().map(|id| self.user(id))
    }

    /// The conversation's participants.
    pub fn participants(&self) -> impl Iterator<Item = Option<&User>> {
        self.value.participant_ids.iter().map(|id| self.user(id))
    }
}

/// An item with its JSON as the API sent it, when that is at hand.
pub(crate) type WithRaw<T> = (T, Option<RawRef>);

/// The ids an item points to, so that a page knows what to join. Implemented
/// for the items of this crate's endpoints; it cannot be named outside it.
pub trait References {
    /// The item's own id.
    fn item_id(&self) -> &str;
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

impl References for DmEvent {
    fn item_id(&self) -> &str {
        &self.id
    }
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

impl References for ChatConversation {
    fn item_id(&self) -> &str {
        &self.id
    }
    fn user_ids(&self) -> Vec<&str> {
        self.admin_ids
            .iter()
            .chain(&self.member_ids)
            .chain(&self.participant_ids)
            .map(String::as_str)
            .collect()
    }
}

/// Objects remembered across pages, oldest forgotten first.
#[derive(Debug)]
struct Bounded<V> {
    map: HashMap<String, Arc<V>>,
    order: VecDeque<String>,
    capacity: usize,
}

impl<V> Bounded<V> {
    fn new(capacity: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    fn insert(&mut self, id: String, value: V) {
        // A newer copy replaces the older one but keeps its place in line.
        if self.map.insert(id.clone(), Arc::new(value)).is_none() {
            self.order.push_back(id);
        }
    }

    /// Forgets the oldest entries beyond the capacity. Called before a page's
    /// objects go in, never after, so that a page larger than the capacity
    /// still joins to all of its own objects.
    fn trim(&mut self) {
        while self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.map.remove(&oldest);
            }
        }
    }

    fn pick(&self, ids: &[&str], into: &mut HashMap<String, Arc<V>>) {
        for id in ids {
            if let Some(value) = self.map.get(*id) {
                into.insert((*id).to_owned(), Arc::clone(value));
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

/// What a stream remembers of earlier pages' `includes`.
#[derive(Debug)]
pub(crate) struct JoinCache<U = User> {
    users: Bounded<U>,
    media: Bounded<Media>,
    tweets: Bounded<Tweet>,
}

impl<U> JoinCache<U> {
    /// A cache remembering `users` users and `attachments` media objects and
    /// Tweets each.
    pub fn new(users: usize, attachments: usize) -> Self {
        Self {
            users: Bounded::new(users),
            media: Bounded::new(attachments),
            tweets: Bounded::new(attachments),
        }
    }

    /// The cache a stream keeps.
    pub fn for_stream() -> Self {
        Self::new(USERS_REMEMBERED, ATTACHMENTS_REMEMBERED)
    }

    /// A cache that forgets nothing, for one page on its own.
    pub fn unbounded() -> Self {
        Self::new(usize::MAX, usize::MAX)
    }

    /// Remembers users under the given ids.
    pub fn add_users(&mut self, users: impl IntoIterator<Item = (String, U)>) {
        self.users.trim();
        for (id, user) in users {
            self.users.insert(id, user);
        }
    }

    /// Joins each item to what the cache holds for it.
    pub fn join<T: References>(&self, items: Vec<WithRaw<T>>) -> Vec<Item<T, U>> {
        let mut joined = Joined::default();
        for (item, _) in &items {
            self.users.pick(&item.user_ids(), &mut joined.users);
            self.media.pick(&item.media_keys(), &mut joined.media);
            self.tweets.pick(&item.tweet_ids(), &mut joined.tweets);
        }
        let joined = Arc::new(joined);
        items
            .into_iter()
            .map(|(item, raw)| Item::new(item, raw, Arc::clone(&joined)))
            .collect()
    }

    /// How many objects the cache holds, all kinds together.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.users.len() + self.media.len() + self.tweets.len()
    }
}

impl JoinCache<User> {
    /// Remembers a page's users, media and Tweets (posts count as Tweets).
    pub fn add(&mut self, includes: Expansions) {
        self.add_users(
            includes
                .users
                .into_iter()
                .map(|user| (user.id.clone(), user)),
        );
        self.media.trim();
        self.tweets.trim();
        for media in includes.media {
            if let Some(key) = media.media_key.clone() {
                self.media.insert(key, media);
            }
        }
        for tweet in includes.tweets.into_iter().chain(includes.posts) {
            self.tweets.insert(tweet.id.clone(), tweet);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> User {
        serde_json::from_value(serde_json::json!({"id": id, "username": format!("u{id}")})).unwrap()
    }

    fn event(sender: &str) -> DmEvent {
        serde_json::from_value(
            serde_json::json!({"id": "1", "event_type": "MessageCreate", "sender_id": sender}),
        )
        .unwrap()
    }

    #[test]
    fn the_cache_forgets_the_oldest_beyond_its_capacity() {
        let mut cache = JoinCache::new(2, 2);
        cache.add_users(["1", "2", "3"].map(|id| (id.to_owned(), user(id))));
        // A page larger than the capacity keeps all of its own users...
        let joined = cache.join(vec![(event("1"), None), (event("3"), None)]);
        assert_eq!(joined[0].sender().unwrap().username.as_deref(), Some("u1"));
        // ...and the oldest are forgotten when the next page comes in.
        cache.add_users(["4"].map(|id| (id.to_owned(), user(id))));
        assert_eq!(cache.len(), 3);
        let joined = cache.join(vec![(event("1"), None), (event("4"), None)]);
        assert!(joined[0].sender().is_none(), "the oldest user is forgotten");
        assert_eq!(joined[1].sender().unwrap().username.as_deref(), Some("u4"));
    }

    #[test]
    fn an_unresolved_reference_is_none() {
        let cache = JoinCache::new(10, 10);
        let joined = cache.join(vec![(event("42"), None)]);
        assert!(joined[0].sender().is_none());
        assert_eq!(joined[0].participants().count(), 0);
    }
}
