//! The fake's dataset: users, DM conversations and their events, media,
//! Tweets and Chat conversations, in X's shapes with every field filled in.
//!
//! Built from fixed tables and a generator started from the fake's seed, so
//! every run with the same seed serves the same bytes and tests can state
//! exact expectations. Handlers select fields from these objects; they never
//! invent data. Each fake owns its copy, and the writes it serves change it.

use std::fmt;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, SecondsFormat};
use serde_json::{Map, Value, json};

use super::DEMO_CONVERSATION;
use super::chat::{self, ChatState};
use super::uploads::{self, File, Refused, Uploads};

/// The account the fake's endpoints act for: a member of every conversation.
const ME: &str = "1234567890";

/// The other member of [`DEMO_CONVERSATION`].
const THEO: &str = "9876543210";
const ADA: &str = "1582103724607971328";
const BROOK: &str = "1613565123466371072";
const XDEV: &str = "2244994945";
const PRIYA: &str = "1700000000000000003";
const JONAS: &str = "1700000000000000004";
const LENA: &str = "1700000000000000005";

/// A Tweet that one DEMO message quotes but that does not exist (deleted, or
/// from an account the user cannot see): the source of a partial error.
const DANGLING_TWEET_ID: &str = "1580000000000000001";

/// Where, newest first, the DEMO event quoting [`DANGLING_TWEET_ID`] sits:
/// on the third page at 100 events per page.
const DANGLING_POSITION: usize = 250;

/// X's snowflake epoch: ids encode their creation time from here.
const TWEPOCH_MS: i64 = 1_288_834_974_657;

/// The seed of [`super::FakeConfig::default`]: the data every expectation
/// written against the fake assumes.
pub const DEFAULT_SEED: u64 = 0x5eed_0000;

/// How long after the newest generated event the first write is dated, and
/// how far apart writes are: the same writes then give the same bytes.
const WRITE_GAP_MS: i64 = 60_000;
const WRITE_STEP_MS: i64 = 1_000;

/// How long an upload session lasts after its last append, as X's 24 hours.
const UPLOAD_LIFETIME_S: i64 = 24 * 3600;

/// Everything one fake serves: its users, DM conversations and their events,
/// media, Tweets and Chat conversations, with the messages sent to it.
#[derive(Clone)]
pub struct Dataset {
    users: Vec<Value>,
    media: Vec<Value>,
    tweets: Vec<Value>,
    conversations: Vec<Conversation>,
    chat: ChatState,
    /// The webhooks registered with the fake, oldest first.
    webhooks: Vec<Value>,
    /// The X Activity API subscriptions, oldest first.
    subscriptions: Vec<Value>,
    /// The time of the next write, in Unix milliseconds: later than every
    /// event, so that a sent message is the newest of its conversation.
    clock_ms: i64,
    /// Writes so far: the low bits of the ids they are given.
    writes: u64,
    uploads: Uploads,
    /// What TweetAPI's side remembers: accepted requests, the sends that
    /// updates report, XChat's lock.
    pub(crate) tweetapi: super::tweetapi::State,
}

/// One DM conversation and its events.
#[derive(Clone)]
pub(crate) struct Conversation {
    pub id: String,
    pub group: bool,
    pub participants: Vec<String>,
    pub muted: bool,
    /// Full events, newest first, as the endpoint orders them.
    pub events: Vec<Value>,
}

impl Dataset {
    /// The dataset generated from `seed`. The default seed's is built once
    /// per process and shared until a fake writes to its copy.
    pub(crate) fn seeded(seed: u64) -> Arc<Dataset> {
        static DEFAULT: OnceLock<Arc<Dataset>> = OnceLock::new();
        if seed == DEFAULT_SEED {
            Arc::clone(DEFAULT.get_or_init(|| Arc::new(build(DEFAULT_SEED))))
        } else {
            Arc::new(build(seed))
        }
    }

    /// The user id the fake acts for (the token's owner), a member of every
    /// conversation.
    pub fn account_id(&self) -> &str {
        ME
    }

    /// Every user, with every field X documents plus `fake_note`, a field no
    /// spec lists, so that clients can show unknown fields survive.
    pub fn users(&self) -> &[Value] {
        &self.users
    }

    /// One user by id.
    pub fn user(&self, id: &str) -> Option<&Value> {
        by_key(&self.users, "id", id)
    }

    /// Every media object that messages attach.
    pub fn media(&self) -> &[Value] {
        &self.media
    }

    /// Every Tweet that messages quote. Some carry `created_at` in X's legacy
    /// `Wed Jan 06 18:40:40 +0000 2021` form.
    pub fn tweets(&self) -> &[Value] {
        &self.tweets
    }

    /// The ids of the DM conversations, [`DEMO_CONVERSATION`] first.
    pub fn conversation_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.conversations.iter().map(|c| c.id.as_str())
    }

    /// A DM conversation's events with every field, newest first; `None` for
    /// a conversation the fake does not have.
    pub fn events(&self, dm_conversation_id: &str) -> Option<&[Value]> {
        self.conversation(dm_conversation_id)
            .map(|c| c.events.as_slice())
    }

    /// How many events a DM conversation holds, of every type.
    pub fn event_count(&self, dm_conversation_id: &str) -> Option<usize> {
        self.events(dm_conversation_id).map(<[Value]>::len)
    }

    /// Every Chat conversation with every field, in inbox order.
    pub fn chat_conversations(&self) -> &[Value] {
        &self.chat.conversations
    }

    /// A Chat conversation's events with every field, newest first; `None`
    /// for a conversation the fake does not have.
    pub fn chat_events(&self, conversation_id: &str) -> Option<&[Value]> {
        self.chat.events.get(conversation_id).map(Vec::as_slice)
    }

    /// The pending Chat message requests, newest first.
    pub fn chat_message_requests(&self) -> &[Value] {
        &self.chat.requests
    }

    /// The Tweet id that one [`DEMO_CONVERSATION`] message references but the
    /// dataset lacks. Expanding `referenced_tweets.id` on the page holding
    /// that message yields a `resource-not-found` problem in `errors`.
    pub fn dangling_tweet_id(&self) -> &str {
        DANGLING_TWEET_ID
    }

    pub(crate) fn conversation(&self, id: &str) -> Option<&Conversation> {
        self.conversations.iter().find(|c| c.id == id)
    }

    pub(crate) fn media_item(&self, key: &str) -> Option<&Value> {
        by_key(&self.media, "media_key", key)
    }

    pub(crate) fn tweet(&self, id: &str) -> Option<&Value> {
        by_key(&self.tweets, "id", id)
    }

    pub(crate) fn chat_conversation(&self, id: &str) -> Option<&Value> {
        self.chat.conversation(id)
    }

    /// The Chat side, to read.
    pub(crate) fn chat(&self) -> &ChatState {
        &self.chat
    }

    /// The Chat side, to write, and the ids new objects get.
    pub(crate) fn chat_mut(&mut self) -> (&mut ChatState, Ids<'_>) {
        (
            &mut self.chat,
            Ids {
                clock_ms: &mut self.clock_ms,
                writes: &mut self.writes,
            },
        )
    }

    /// The media key of the media object with id `media_id`, as X keys it
    /// (`3_…` for a photo).
    pub(crate) fn media_key_of(&self, media_id: &str) -> Option<&str> {
        self.media
            .iter()
            .filter_map(|m| m.get("media_key").and_then(Value::as_str))
            .find(|key| key.split_once('_').is_some_and(|(_, id)| id == media_id))
    }

    /// When an upload session appended to now expires, in Unix seconds.
    pub(crate) fn upload_expiry(&self) -> i64 {
        self.clock_ms / 1000 + UPLOAD_LIFETIME_S
    }

    /// Adds a message from the account to `conversation_id`, as the newest
    /// event, and returns its id; `None` for a conversation the fake does
    /// not have. Its id and time come from the write count, not the clock,
    /// so that the same writes give the same bytes.
    pub(crate) fn add_message(
        &mut self,
        conversation_id: &str,
        text: Option<&str>,
        media_keys: &[&str],
    ) -> Option<String> {
        self.add_message_from(conversation_id, ME, text, media_keys)
    }

    /// Adds `count` messages from `sender` to `conversation_id`, one after
    /// the other, as the newest events, and returns their ids, oldest
    /// first: what arrives while a watch polls. `None`, and nothing added,
    /// for a conversation the fake does not have or a sender who is not one
    /// of its participants.
    pub(crate) fn receive_messages(
        &mut self,
        conversation_id: &str,
        sender: &str,
        count: usize,
    ) -> Option<Vec<String>> {
        let conversation = self.conversation(conversation_id)?;
        if !conversation.participants.iter().any(|p| p == sender) {
            return None;
        }
        (0..count)
            .map(|_| {
                let text = format!("message {} of the fake", self.writes + 1);
                self.add_message_from(conversation_id, sender, Some(&text), &[])
            })
            .collect()
    }

    fn add_message_from(
        &mut self,
        conversation_id: &str,
        sender: &str,
        text: Option<&str>,
        media_keys: &[&str],
    ) -> Option<String> {
        let index = self
            .conversations
            .iter()
            .position(|c| c.id == conversation_id)?;
        let at = self.clock_ms;
        let id = snowflake(at, self.writes);
        let mut event = Map::new();
        event.insert("id".into(), json!(id));
        event.insert("created_at".into(), json!(rfc3339(at)));
        event.insert("dm_conversation_id".into(), json!(conversation_id));
        event.insert("event_type".into(), json!("MessageCreate"));
        event.insert("sender_id".into(), json!(sender));
        if let Some(text) = text {
            event.insert("text".into(), json!(text));
            if let Some(entities) = entities(text, &self.users) {
                event.insert("entities".into(), entities);
            }
        }
        if !media_keys.is_empty() {
            event.insert("attachments".into(), json!({ "media_keys": media_keys }));
            self.link_uploads(&id, media_keys);
        }
        self.conversations[index]
            .events
            .insert(0, Value::Object(event));
        self.clock_ms += WRITE_STEP_MS;
        self.writes += 1;
        Some(id)
    }
}

impl Dataset {
    /// Opens an upload session: its media id and key.
    pub(crate) fn start_upload(&mut self, media_type: &str, total_bytes: u64) -> (String, String) {
        let id = snowflake(self.clock_ms, self.writes);
        self.writes += 1;
        let key = self.uploads.start(id.clone(), media_type, total_bytes);
        (id, key.to_owned())
    }

    /// Stores one chunk of upload `id`.
    pub(crate) fn append_upload(
        &mut self,
        id: &str,
        index: u32,
        bytes: &[u8],
    ) -> Result<(), Refused> {
        self.uploads.append(id, index, bytes)
    }

    /// Finishes upload `id`: its media becomes attachable, a photo at once,
    /// a GIF or video once processed (the first status read finds it done).
    pub(crate) fn finalize_upload(&mut self, id: &str) -> Result<Value, Refused> {
        let File {
            media_key,
            media_type,
            bytes,
        } = self.uploads.finalize(id)?;
        let kind = match media_type.as_str() {
            "image/gif" => "animated_gif",
            kind if kind.starts_with("video/") => "video",
            _ => "photo",
        };
        let object = json!({ "media_key": media_key, "type": kind });
        self.media.push(object);
        let mut answer = json!({
            "id": id,
            "media_key": media_key,
            "size": bytes.len(),
            "expires_after_secs": UPLOAD_LIFETIME_S,
        });
        if kind != "photo" {
            answer["processing_info"] = json!({ "state": "pending", "check_after_secs": 1 });
        }
        Ok(answer)
    }

    /// The status of upload `id`: `None` for an id no session has.
    pub(crate) fn upload_status(&self, id: &str) -> Option<Value> {
        if !self.uploads.knows(id) {
            return None;
        }
        let Some(file) = self.uploads.finished(id) else {
            return Some(
                json!({ "id": id, "processing_info": { "state": "pending", "check_after_secs": 1 } }),
            );
        };
        Some(json!({
            "id": id,
            "media_key": file.media_key,
            "size": file.bytes.len(),
            "processing_info": { "state": "succeeded", "progress_percent": 100 },
        }))
    }

    /// The bytes and type of the media a legacy DM media URL names, when
    /// its three parts match an attachment's URL.
    pub(crate) fn media_download(
        &self,
        dm_id: &str,
        media_id: &str,
        resource_id: &str,
    ) -> Option<(String, Arc<[u8]>)> {
        let key = self.media_key_of(media_id)?;
        let url = self.media_item(key)?.get("url")?.as_str()?;
        if uploads::ton_parts(url) != Some((dm_id, media_id, resource_id)) {
            return None;
        }
        match self.uploads.file(key) {
            Some(file) => Some((file.media_type.clone(), Arc::clone(&file.bytes))),
            None => Some(("image/jpeg".to_owned(), uploads::seeded_bytes(key).into())),
        }
    }

    /// Gives uploaded photos that event `dm_id` attaches their URL, as X
    /// does once media is sent: it names the event.
    fn link_uploads(&mut self, dm_id: &str, media_keys: &[&str]) {
        for object in &mut self.media {
            let key = object
                .get("media_key")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !media_keys.contains(&key) || object.get("url").is_some() {
                continue;
            }
            let Some(file) = self.uploads.file(key) else {
                continue;
            };
            if object["type"] == "photo" {
                let extension = file.media_type.rsplit('/').next().unwrap_or("bin");
                let media_id = key.split_once('_').map_or(key, |(_, id)| id).to_owned();
                object["url"] = json!(uploads::ton_url(dm_id, &media_id, extension));
            }
        }
    }
}

/// Gives each seeded photo the legacy URL of the oldest event attaching it.
fn link_photos(media: &mut [Value], conversations: &[Conversation]) {
    for object in media.iter_mut().filter(|m| m["type"] == "photo") {
        let key = object["media_key"].as_str().unwrap_or_default().to_owned();
        let oldest = conversations
            .iter()
            .flat_map(|c| c.events.iter().rev())
            .find(|event| {
                event["attachments"]["media_keys"]
                    .as_array()
                    .is_some_and(|keys| keys.iter().any(|k| k == key.as_str()))
            });
        let (Some(event), Some((_, media_id))) = (oldest, key.split_once('_')) else {
            continue;
        };
        let dm_id = event["id"].as_str().unwrap_or_default();
        object["url"] = json!(uploads::ton_url(dm_id, media_id, "jpg"));
    }
}

/// Hands out the ids of what writes create: snowflakes of the write count,
/// so that the same writes give the same ids.
pub(crate) struct Ids<'a> {
    clock_ms: &'a mut i64,
    writes: &'a mut u64,
}

impl Ids<'_> {
    /// A new id, later than every id so far.
    pub fn next(&mut self) -> String {
        let id = snowflake(*self.clock_ms, *self.writes);
        *self.clock_ms += WRITE_STEP_MS;
        *self.writes += 1;
        id
    }

    /// The time of the next write, as X writes times.
    pub fn now(&self) -> String {
        rfc3339(*self.clock_ms)
    }
}

/// Webhooks, as the app registered them.
impl Dataset {
    /// The webhooks registered so far, oldest first.
    pub fn webhooks(&self) -> &[Value] {
        &self.webhooks
    }

    /// Registers `url` and returns the webhook; `None` when the app has a
    /// webhook of that URL already.
    pub(crate) fn add_webhook(&mut self, url: &str) -> Option<Value> {
        if self.webhook_of_url(url).is_some() {
            return None;
        }
        let webhook = json!({
            "id": snowflake(self.clock_ms, self.writes),
            "url": url,
            "valid": true,
            "created_at": rfc3339(self.clock_ms),
        });
        self.clock_ms += WRITE_STEP_MS;
        self.writes += 1;
        self.webhooks.push(webhook.clone());
        Some(webhook)
    }

    pub(crate) fn webhook(&self, id: &str) -> Option<&Value> {
        by_key(&self.webhooks, "id", id)
    }

    fn webhook_of_url(&self, url: &str) -> Option<&Value> {
        by_key(&self.webhooks, "url", url)
    }

    /// Removes the webhook `id`; whether there was one.
    pub(crate) fn remove_webhook(&mut self, id: &str) -> bool {
        let before = self.webhooks.len();
        self.webhooks
            .retain(|webhook| webhook.get("id").and_then(Value::as_str) != Some(id));
        self.writes += 1;
        self.webhooks.len() < before
    }

    /// A replay job's id and creation time, as a snowflake of the write
    /// count.
    pub(crate) fn start_replay(&mut self) -> (String, String) {
        let job = (
            snowflake(self.clock_ms, self.writes),
            rfc3339(self.clock_ms),
        );
        self.clock_ms += WRITE_STEP_MS;
        self.writes += 1;
        job
    }
}

/// X Activity API subscriptions, as the app made them.
impl Dataset {
    /// The subscriptions so far, oldest first.
    pub fn subscriptions(&self) -> &[Value] {
        &self.subscriptions
    }

    /// Subscribes as `request` (a checked `CreateActivitySubscriptionRequest`)
    /// asks; the same event type and filter again refreshes the one there
    /// is, as X does.
    pub(crate) fn subscribe(&mut self, request: &Value) -> Value {
        let now = rfc3339(self.clock_ms);
        let same = |s: &Value| {
            s["event_type"] == request["event_type"] && s["filter"] == request["filter"]
        };
        if let Some(existing) = self.subscriptions.iter_mut().find(|s| same(s)) {
            existing["updated_at"] = json!(now);
            if let Some(expires) = request.get("expires_at") {
                existing["expires_at"] = expires.clone();
            }
            return existing.clone();
        }
        let mut subscription = json!({
            "subscription_id": snowflake(self.clock_ms, self.writes),
            "event_type": request["event_type"],
            "filter": request["filter"],
            "created_at": now,
            "updated_at": now,
        });
        for field in ["tag", "webhook_id", "expires_at"] {
            if let Some(value) = request.get(field) {
                subscription[field] = value.clone();
            }
        }
        self.clock_ms += WRITE_STEP_MS;
        self.writes += 1;
        self.subscriptions.push(subscription.clone());
        subscription
    }

    /// Changes the tag or webhook of subscription `id`; `None` when there
    /// is no such subscription.
    pub(crate) fn update_subscription(&mut self, id: &str, change: &Value) -> Option<Value> {
        let now = rfc3339(self.clock_ms);
        let subscription = self
            .subscriptions
            .iter_mut()
            .find(|s| s.get("subscription_id").and_then(Value::as_str) == Some(id))?;
        for field in ["tag", "webhook_id"] {
            if let Some(value) = change.get(field) {
                subscription[field] = value.clone();
            }
        }
        subscription["updated_at"] = json!(now);
        self.writes += 1;
        Some(subscription.clone())
    }

    /// Removes subscription `id`; whether there was one.
    pub(crate) fn unsubscribe(&mut self, id: &str) -> bool {
        let before = self.subscriptions.len();
        self.subscriptions
            .retain(|s| s.get("subscription_id").and_then(Value::as_str) != Some(id));
        self.writes += 1;
        self.subscriptions.len() < before
    }
}

/// What deleting an event came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deleted {
    /// The event is gone.
    Yes,
    /// The event is someone else's, and stays.
    NotOwn,
    /// No conversation has the event.
    NotFound,
}

impl Dataset {
    /// Every DM event of every conversation, newest first.
    /// The fake's clock, in Unix milliseconds: each write moves it on.
    pub(crate) fn clock_ms(&self) -> i64 {
        self.clock_ms
    }

    pub(crate) fn all_events(&self) -> Vec<&Value> {
        let mut all: Vec<&Value> = self.conversations.iter().flat_map(|c| &c.events).collect();
        let id = |event: &Value| {
            event
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| id.parse::<u64>().ok())
                .unwrap_or_default()
        };
        all.sort_by_key(|event| std::cmp::Reverse(id(event)));
        all
    }

    /// The one-to-one conversation between the account and `user`, by X's
    /// canonical id (the smaller user id first).
    pub(crate) fn direct_conversation(&self, user: &str) -> Option<&Conversation> {
        let (a, b) = match (user.parse::<u64>(), ME.parse::<u64>()) {
            (Ok(other), Ok(me)) if other < me => (user, ME),
            _ => (ME, user),
        };
        self.conversation(&format!("{a}-{b}"))
    }

    /// The id of the one-to-one conversation with `user`, started (empty)
    /// if the account has none yet, as X starts it on a first message.
    pub(crate) fn direct_conversation_id(&mut self, user: &str) -> String {
        if let Some(existing) = self.direct_conversation(user) {
            return existing.id.clone();
        }
        let (a, b) = match (user.parse::<u64>(), ME.parse::<u64>()) {
            (Ok(other), Ok(me)) if other < me => (user, ME),
            _ => (ME, user),
        };
        let id = format!("{a}-{b}");
        self.conversations.push(Conversation {
            id: id.clone(),
            group: false,
            participants: vec![ME.to_owned(), user.to_owned()],
            muted: false,
            events: Vec::new(),
        });
        id
    }

    /// Starts a group of the account and `others`, and returns its id: a
    /// snowflake of the write count, so that the same writes give the same
    /// ids.
    pub(crate) fn start_group(&mut self, others: &[String]) -> String {
        let id = snowflake(self.clock_ms, self.writes);
        self.clock_ms += WRITE_STEP_MS;
        self.writes += 1;
        let mut participants = vec![ME.to_owned()];
        participants.extend(others.iter().filter(|o| *o != ME).cloned());
        self.conversations.push(Conversation {
            id: id.clone(),
            group: true,
            participants,
            muted: false,
            events: Vec::new(),
        });
        id
    }

    /// Deletes the event `id` if the account sent it.
    pub(crate) fn delete_event(&mut self, id: &str) -> Deleted {
        for conversation in &mut self.conversations {
            let Some(at) = conversation
                .events
                .iter()
                .position(|event| event.get("id").and_then(Value::as_str) == Some(id))
            else {
                continue;
            };
            if conversation.events[at]
                .get("sender_id")
                .and_then(Value::as_str)
                != Some(ME)
            {
                return Deleted::NotOwn;
            }
            conversation.events.remove(at);
            self.writes += 1;
            return Deleted::Yes;
        }
        Deleted::NotFound
    }
}

impl fmt::Debug for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The objects themselves run to thousands of lines.
        f.debug_struct("Dataset")
            .field("users", &self.users.len())
            .field("media", &self.media.len())
            .field("tweets", &self.tweets.len())
            .field(
                "conversations",
                &self
                    .conversations
                    .iter()
                    .map(|c| (c.id.as_str(), c.events.len()))
                    .collect::<Vec<_>>(),
            )
            .field("chat_conversations", &self.chat.conversations.len())
            .finish()
    }
}

fn by_key<'a>(objects: &'a [Value], key: &str, id: &str) -> Option<&'a Value> {
    objects
        .iter()
        .find(|object| object.get(key).and_then(Value::as_str) == Some(id))
}

/// A fixed-seed linear congruential generator (Knuth's MMIX constants): the
/// same "random" choices on every run and platform.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // Only called on the non-empty tables of this file.
        &items[self.below(items.len() as u64) as usize]
    }
}

fn rfc3339(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn legacy(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|at| at.format("%a %b %d %H:%M:%S +0000 %Y").to_string())
        .unwrap_or_default()
}

/// A snowflake id for `ms`: ids sort like the times they encode.
fn snowflake(ms: i64, low_bits: u64) -> String {
    let since_epoch = u64::try_from(ms - TWEPOCH_MS).unwrap_or_default();
    ((since_epoch << 22) | (low_bits & 0x3f_ffff)).to_string()
}

fn build(seed: u64) -> Dataset {
    let users = users();
    let media = media();
    let tweets = tweets();
    let media_keys: Vec<&str> = media
        .iter()
        .filter_map(|m| m.get("media_key").and_then(Value::as_str))
        .collect();
    let tweet_ids: Vec<&str> = tweets
        .iter()
        .filter_map(|t| t.get("id").and_then(Value::as_str))
        .collect();
    let refs = Refs {
        media_keys: &media_keys,
        tweet_ids: &tweet_ids,
        users: &users,
    };
    let mut newest_ms = 0;
    let conversations = SCRIPTS
        .iter()
        .map(|script| {
            let (conversation, last_ms) = conversation(script, seed, &refs);
            newest_ms = newest_ms.max(last_ms);
            conversation
        })
        .collect::<Vec<_>>();
    let chat = chat_state(&conversations);
    let mut media = media;
    link_photos(&mut media, &conversations);
    Dataset {
        users,
        media,
        tweets,
        conversations,
        chat,
        webhooks: Vec::new(),
        subscriptions: Vec::new(),
        clock_ms: newest_ms + WRITE_GAP_MS,
        writes: 0,
        uploads: Uploads::default(),
        tweetapi: super::tweetapi::State::default(),
    }
}

#[allow(clippy::too_many_arguments, reason = "one row of the users table")]
fn user(
    id: &str,
    name: &str,
    username: &str,
    created_at: &str,
    description: &str,
    location: &str,
    (verified, verified_type, protected): (bool, &str, bool),
    [followers, following, tweets, listed, likes, media]: [u64; 6],
) -> Value {
    json!({
        "id": id,
        "name": name,
        "username": username,
        "created_at": created_at,
        "description": description,
        "location": location,
        "url": format!("https://t.co/{}", &username.to_ascii_lowercase()),
        "profile_image_url": format!("https://pbs.twimg.com/profile_images/{id}/avatar_normal.jpg"),
        "profile_banner_url": format!("https://pbs.twimg.com/profile_banners/{id}/1600000000"),
        "verified": verified,
        "verified_type": verified_type,
        "protected": protected,
        "public_metrics": {
            "followers_count": followers,
            "following_count": following,
            "tweet_count": tweets,
            "listed_count": listed,
            "like_count": likes,
            "media_count": media,
        },
        "fake_note": "not in any spec: shows that unknown fields survive",
    })
}

fn users() -> Vec<Value> {
    let mut users = vec![
        user(
            ME,
            "Mara Lindqvist",
            "maralind",
            "2009-06-02T20:12:29.000Z",
            "Platform engineer. Opinions my own.",
            "Stockholm",
            (false, "none", false),
            [1_204, 388, 9_870, 31, 15_220, 402],
        ),
        user(
            THEO,
            "Theo Okafor",
            "theo_ok",
            "2010-11-19T08:45:03.000Z",
            "Backend, coffee, long runs.",
            "Lagos",
            (true, "blue", false),
            [3_412, 512, 20_114, 58, 40_981, 1_277],
        ),
        user(
            ADA,
            "Ada Park",
            "ada_dev",
            "2022-10-17T13:55:41.000Z",
            "Building developer tools.",
            "Seoul",
            (false, "none", false),
            [861, 241, 1_532, 9, 4_410, 88],
        ),
        user(
            BROOK,
            "Brook Silva",
            "brook",
            "2023-01-12T17:20:00.000Z",
            "Design systems and typography.",
            "Lisbon",
            (false, "none", false),
            [2_045, 970, 6_731, 22, 18_093, 913],
        ),
        user(
            XDEV,
            "Developers",
            "XDevelopers",
            "2013-12-14T04:35:55.000Z",
            "The voice of the X Developer Platform",
            "127.0.0.1",
            (true, "business", false),
            [583_219, 1_882, 4_011, 2_950, 2_187, 834],
        ),
        user(
            PRIYA,
            "Priya Raman",
            "priyar",
            "2015-04-30T09:10:11.000Z",
            "Data science, mostly cleaning data.",
            "Bengaluru",
            (false, "none", false),
            [712, 633, 3_302, 14, 9_981, 140],
        ),
        user(
            JONAS,
            "Jonas Weber",
            "jweber",
            "2011-08-08T08:08:08.000Z",
            "Private account.",
            "Berlin",
            (false, "none", true),
            [97, 150, 1_041, 1, 2_300, 12],
        ),
        user(
            LENA,
            "Lena Novak",
            "lnovak",
            "2018-02-21T22:01:37.000Z",
            "SRE. On call more often than not.",
            "Ljubljana",
            (false, "none", false),
            [1_530, 407, 12_554, 40, 30_112, 655],
        ),
    ];
    for (user, (pinned, recent)) in users.iter_mut().zip(PINNED_AND_RECENT) {
        if let Value::Object(fields) = user {
            if let Some(pinned) = pinned {
                fields.insert("pinned_tweet_id".into(), json!(pinned));
            }
            fields.insert("most_recent_tweet_id".into(), json!(recent));
        }
    }
    users
}

/// Per user, in table order: the pinned Tweet (if any) and the latest one.
const PINNED_AND_RECENT: [(Option<&str>, &str); 8] = [
    (None, "1790000000000000011"),
    (Some("1346889436626259968"), "1790000000000000012"),
    (None, "1790000000000000013"),
    (None, "1790000000000000014"),
    (Some("1346889436626259968"), "1790000000000000015"),
    (None, "1790000000000000016"),
    (None, "1790000000000000017"),
    (Some("1760000000000000004"), "1790000000000000018"),
];

fn media() -> Vec<Value> {
    let photo = |id: &str, width: u32, height: u32, alt: &str| {
        let mut photo = json!({
            "media_key": format!("3_{id}"),
            "type": "photo",
            "url": format!("https://pbs.twimg.com/dm_photo/{id}/photo.jpg"),
            "width": width,
            "height": height,
        });
        if !alt.is_empty() {
            photo["alt_text"] = json!(alt);
        }
        photo
    };
    let clip = |key: &str, id: &str, kind: &str, (width, height): (u32, u32), duration: u64| {
        let mut clip = json!({
            "media_key": format!("{key}_{id}"),
            "type": kind,
            "preview_image_url": format!("https://pbs.twimg.com/dm_video_thumb/{id}/img/thumb.jpg"),
            "width": width,
            "height": height,
            "variants": [
                {
                    "bit_rate": 2_176_000,
                    "content_type": "video/mp4",
                    "url": format!("https://video.twimg.com/dm_video/{id}/vid/{width}x{height}/clip.mp4"),
                },
                {
                    "content_type": "application/x-mpegURL",
                    "url": format!("https://video.twimg.com/dm_video/{id}/pl/clip.m3u8"),
                },
            ],
        });
        if kind == "video" {
            clip["duration_ms"] = json!(duration);
        }
        clip
    };
    vec![
        photo(
            "1580000000000000101",
            1200,
            900,
            "Whiteboard after the planning session",
        ),
        photo("1580000000000000102", 1080, 1350, ""),
        photo(
            "1580000000000000103",
            2048,
            1536,
            "A dog asleep under a desk",
        ),
        photo("1580000000000000104", 800, 600, ""),
        photo(
            "1580000000000000105",
            1600,
            900,
            "Screenshot of a failing build",
        ),
        photo("1580000000000000106", 640, 640, ""),
        clip("7", "1580000000000000201", "video", (1280, 720), 14_250),
        clip("7", "1580000000000000202", "video", (720, 1280), 61_003),
        clip("16", "1580000000000000301", "animated_gif", (480, 270), 0),
    ]
}

fn tweets() -> Vec<Value> {
    let tweet = |id: &str, author: &str, text: &str, created_at: String, likes: u64| {
        json!({
            "id": id,
            "text": text,
            "author_id": author,
            "created_at": created_at,
            "conversation_id": id,
            "lang": "en",
            "possibly_sensitive": false,
            "reply_settings": "everyone",
            "edit_history_tweet_ids": [id],
            "public_metrics": {
                "retweet_count": likes / 7,
                "reply_count": likes / 23,
                "like_count": likes,
                "quote_count": likes / 41,
                "bookmark_count": likes / 13,
                "impression_count": likes * 37,
            },
        })
    };
    vec![
        tweet(
            "1346889436626259968",
            XDEV,
            "Learn how to use the user Tweet timeline and user mention timeline endpoints in the X API v2 to explore Tweet\u{2026} https://t.co/56a0vZUx7i",
            legacy(1_609_958_440_000),
            1_043,
        ),
        tweet(
            "1460323737035677698",
            XDEV,
            "Introducing a new era for the Twitter Developer Platform! https://t.co/N3n9JKZ5bZ",
            legacy(1_636_998_000_000),
            2_711,
        ),
        tweet(
            "1519781379172495360",
            THEO,
            "Finally wrote up how we paginate through a million DM events without losing one.",
            legacy(1_651_172_400_000),
            318,
        ),
        tweet(
            "1760000000000000004",
            LENA,
            "Postmortem is up. Short version: the retry loop retried the retry loop.",
            rfc3339(1_708_300_800_000),
            902,
        ),
        tweet(
            "1760000000000000005",
            ADA,
            "New release of our CLI is out, with resumable exports.",
            rfc3339(1_710_000_000_000),
            155,
        ),
        tweet(
            "1760000000000000006",
            BROOK,
            "Type scale cheat sheet, updated for 2024.",
            rfc3339(1_712_000_000_000),
            1_488,
        ),
        tweet(
            "1760000000000000007",
            PRIYA,
            "Reminder that 80% of data science is joins.",
            rfc3339(1_715_000_000_000),
            4_021,
        ),
    ]
}

/// How one DM conversation's history is generated.
struct Script {
    id: &'static str,
    /// The first member is the one who created a group.
    members: &'static [&'static str],
    /// Members who join a group a third of the way in.
    late: &'static [&'static str],
    /// A member who leaves two thirds of the way in.
    leaver: Option<&'static str>,
    group: bool,
    muted: bool,
    events: usize,
    start_ms: i64,
    /// Added to the fake's seed to start this history's generator.
    salt: u64,
}

const SCRIPTS: [Script; 6] = [
    Script {
        id: DEMO_CONVERSATION,
        members: &[ME, THEO],
        late: &[],
        leaver: None,
        group: false,
        muted: false,
        events: 1_240,
        start_ms: 1_704_096_000_000,
        salt: 1,
    },
    Script {
        id: "1234567890-1582103724607971328",
        members: &[ME, ADA],
        late: &[],
        leaver: None,
        group: false,
        muted: false,
        events: 45,
        start_ms: 1_712_000_000_000,
        salt: 2,
    },
    Script {
        id: "1234567890-2244994945",
        members: &[ME, XDEV],
        late: &[],
        leaver: None,
        group: false,
        muted: true,
        events: 3,
        start_ms: 1_714_000_000_000,
        salt: 3,
    },
    // A conversation that exists but holds nothing yet.
    Script {
        id: "1234567890-1613565123466371072",
        members: &[ME, BROOK],
        late: &[],
        leaver: None,
        group: false,
        muted: false,
        events: 0,
        start_ms: 1_716_000_000_000,
        salt: 4,
    },
    Script {
        id: "1690000000000000001",
        members: &[ME, THEO, ADA, BROOK],
        late: &[LENA, PRIYA],
        leaver: Some(BROOK),
        group: true,
        muted: false,
        events: 160,
        start_ms: 1_709_000_000_000,
        salt: 5,
    },
    Script {
        id: "1690000000000000002",
        members: &[LENA, ME, JONAS],
        late: &[],
        leaver: None,
        group: true,
        muted: true,
        events: 12,
        start_ms: 1_718_000_000_000,
        salt: 6,
    },
];

/// Message texts. Entities (hashtags, mentions, links) are found in them.
const PHRASES: [&str; 26] = [
    "Morning! Did you get a chance to look at the draft?",
    "Yes, reading it now.",
    "Shipping the fix today #release",
    "Can you send me the deck before the call?",
    "Ha, that's great",
    "Lunch at 1?",
    "I'm running 10 minutes late, sorry",
    "Check this out https://t.co/Xq3kPz81Lm",
    "cc @XDevelopers on the rate limit question",
    "Sounds good to me",
    "Let's move it to Thursday",
    "The build is green again #ci #finally",
    "Thanks!",
    "Where did we land on the pagination bug?",
    "Pushed a branch with the change",
    "Can't make it tonight, rain check?",
    "Here are the numbers from last week",
    "Nice work on the demo \u{1f389}",
    "Ok, merging",
    "Talk tomorrow",
    "Does anyone have the link to the doc? @ada_dev",
    "On my way \u{1f3c3}",
    "Photo from the offsite",
    "Reminder: standup moved to 9:30",
    "Notes are here: https://t.co/Rk2mW0aZ7Q #notes",
    "\u{1f44d}",
];

const REACTIONS: [&str; 5] = [
    "\u{2764}\u{fe0f}",
    "\u{1f602}",
    "\u{1f44d}",
    "\u{1f62e}",
    "\u{1f525}",
];

/// What generated events may point at.
struct Refs<'a> {
    media_keys: &'a [&'a str],
    tweet_ids: &'a [&'a str],
    users: &'a [Value],
}

/// One conversation's history, and the time of its last event.
fn conversation(script: &Script, seed: u64, refs: &Refs<'_>) -> (Conversation, i64) {
    let mut rng = Lcg(seed.wrapping_add(script.salt));
    let mut members: Vec<&str> = script.members.to_vec();
    let mut at = script.start_ms;
    let mut phrase = 0;
    let mut events = Vec::with_capacity(script.events);
    for index in 0..script.events {
        // Bursts of quick replies, with the odd pause of hours or days.
        at += match rng.below(20) {
            0 => 3_600_000 * (1 + rng.below(72) as i64),
            1..=4 => 600_000 + rng.below(3_000_000) as i64,
            _ => 15_000 + rng.below(300_000) as i64,
        };
        let id = snowflake(at, rng.next());
        let mut event = Map::new();
        event.insert("id".into(), json!(id));
        event.insert("created_at".into(), json!(rfc3339(at)));
        event.insert("dm_conversation_id".into(), json!(script.id));
        let membership = membership_change(script, index, &members);
        match membership {
            Some((kind, who)) => {
                event.insert("event_type".into(), json!(kind));
                event.insert("participant_ids".into(), json!(who));
                if script.group && index > 0 {
                    // In a group someone adds the new members; the creator here.
                    event.insert("sender_id".into(), json!(script.members[0]));
                }
                if kind == "ParticipantsLeave" {
                    members.retain(|m| !who.contains(m));
                } else {
                    for joined in who {
                        if !members.contains(&joined) {
                            members.push(joined);
                        }
                    }
                }
            }
            None => message(&mut event, (&mut rng, &mut phrase), &members, refs),
        }
        events.push(Value::Object(event));
    }
    events.reverse();
    if script.id == DEMO_CONVERSATION {
        plant_dangling_reference(&mut events);
    }
    let conversation = Conversation {
        id: script.id.to_owned(),
        group: script.group,
        participants: script
            .members
            .iter()
            .chain(script.late)
            .filter(|m| Some(**m) != script.leaver)
            .map(|m| (*m).to_owned())
            .collect(),
        muted: script.muted,
        events,
    };
    (conversation, at)
}

/// The join or leave event at `index`, if one happens there: everyone at the
/// start, late joiners a third of the way in, the leaver two thirds in. The
/// DEMO 1:1 conversation sees its other member leave and come back now and
/// then (a deleted and restored conversation).
fn membership_change<'a>(
    script: &'a Script,
    index: usize,
    members: &[&str],
) -> Option<(&'static str, Vec<&'a str>)> {
    let n = script.events;
    if index == 0 {
        return Some(("ParticipantsJoin", script.members.to_vec()));
    }
    if script.group {
        if index == n / 3 && !script.late.is_empty() {
            return Some(("ParticipantsJoin", script.late.to_vec()));
        }
        if index == 2 * n / 3
            && let Some(leaver) = script.leaver
        {
            return Some(("ParticipantsLeave", vec![leaver]));
        }
        return None;
    }
    let other = *script.members.last()?;
    match index % 300 {
        250 if n > 300 && members.contains(&other) => Some(("ParticipantsLeave", vec![other])),
        253 if n > 300 && !members.contains(&other) => Some(("ParticipantsJoin", vec![other])),
        _ => None,
    }
}

/// Fills in a message event. `phrase` is the previous message's phrase,
/// which is not said twice in a row.
fn message(
    event: &mut Map<String, Value>,
    (rng, phrase): (&mut Lcg, &mut usize),
    members: &[&str],
    refs: &Refs<'_>,
) {
    let sender = *rng.pick(members);
    *phrase = (*phrase + 1 + rng.below(PHRASES.len() as u64 - 1) as usize) % PHRASES.len();
    let text = PHRASES[*phrase];
    event.insert("event_type".into(), json!("MessageCreate"));
    event.insert("sender_id".into(), json!(sender));
    event.insert("text".into(), json!(text));
    if let Some(entities) = entities(text, refs.users) {
        event.insert("entities".into(), entities);
    }
    if rng.chance(11) {
        let mut keys = vec![*rng.pick(refs.media_keys)];
        if rng.chance(4) {
            let second = *rng.pick(refs.media_keys);
            if !keys.contains(&second) {
                keys.push(second);
            }
        }
        event.insert("attachments".into(), json!({ "media_keys": keys }));
    }
    if rng.chance(17) {
        let id = *rng.pick(refs.tweet_ids);
        event.insert("referenced_tweets".into(), json!([{ "id": id }]));
    }
    if rng.chance(9) {
        // A field X does not document: clients must carry it through.
        let from = members.iter().find(|m| **m != sender).unwrap_or(&sender);
        event.insert(
            "reactions".into(),
            json!([{ "emoji": rng.pick(&REACTIONS), "sender_id": from }]),
        );
    }
}

/// Makes the DEMO event at [`DANGLING_POSITION`] a message quoting the
/// missing Tweet.
fn plant_dangling_reference(events: &mut [Value]) {
    let Some(Value::Object(event)) = events.get_mut(DANGLING_POSITION) else {
        return;
    };
    for key in ["participant_ids", "attachments", "entities", "reactions"] {
        event.remove(key);
    }
    event.insert("event_type".into(), json!("MessageCreate"));
    event.insert("sender_id".into(), json!(THEO));
    event.insert(
        "text".into(),
        json!("Did you see this one? Looks like it was deleted"),
    );
    event.insert(
        "referenced_tweets".into(),
        json!([{ "id": DANGLING_TWEET_ID }]),
    );
}

/// Hashtags, mentions and links in `text`, with X's code-point offsets
/// (`end` exclusive); `None` when there are none.
fn entities(text: &str, users: &[Value]) -> Option<Value> {
    let mut hashtags = Vec::new();
    let mut mentions = Vec::new();
    let mut urls = Vec::new();
    let mut start = 0;
    for word in text.split(' ') {
        let length = word.chars().count();
        let end = start + length;
        let bare = word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
        let bare_end = start + bare.chars().count();
        if let Some(tag) = bare.strip_prefix('#') {
            hashtags.push(json!({ "start": start, "end": bare_end, "tag": tag }));
        } else if let Some(name) = bare.strip_prefix('@') {
            let mut mention = json!({ "start": start, "end": bare_end, "username": name });
            if let Some(id) = by_key(users, "username", name).and_then(|u| u.get("id")) {
                mention["id"] = id.clone();
            }
            mentions.push(mention);
        } else if word.starts_with("https://t.co/") {
            urls.push(json!({
                "start": start,
                "end": end,
                "url": word,
                "expanded_url": "https://docs.x.com/x-api/direct-messages/introduction",
                "display_url": "docs.x.com/x-api/direct-m\u{2026}",
            }));
        }
        start = end + 1;
    }
    if hashtags.is_empty() && mentions.is_empty() && urls.is_empty() {
        return None;
    }
    let mut entities = Map::new();
    for (key, list) in [
        ("hashtags", hashtags),
        ("mentions", mentions),
        ("urls", urls),
    ] {
        if !list.is_empty() {
            entities.insert(key.into(), Value::Array(list));
        }
    }
    Some(Value::Object(entities))
}

/// The inbox: a direct conversation for each 1:1 DM conversation, a group for
/// each group DM, and groups that only exist on the Chat side.
fn chat_conversations(conversations: &[Conversation]) -> Vec<Value> {
    let mut chat = Vec::new();
    for conversation in conversations {
        if conversation.group {
            let updated = conversation
                .events
                .first()
                .and_then(|e| e.get("created_at"))
                .cloned()
                .unwrap_or_else(|| json!("2024-06-10T12:00:00.000Z"));
            let created = conversation
                .events
                .last()
                .and_then(|e| e.get("created_at"))
                .cloned()
                .unwrap_or_else(|| json!("2024-06-01T12:00:00.000Z"));
            chat.push(group(
                &format!("g{}", conversation.id),
                &conversation.participants,
                (created, updated),
                conversation.muted,
                "86400000",
            ));
        } else {
            let ttl = if conversation.muted { "604800000" } else { "0" };
            chat.push(json!({
                "id": conversation.id,
                "type": "direct",
                "participant_ids": conversation.participants,
                "is_muted": conversation.muted,
                "message_ttl_msec": ttl,
                "message_ttl_ms": ttl.parse::<u64>().unwrap_or_default(),
                "screen_capture_blocking_enabled": false,
                "screen_capture_detection_enabled": conversation.muted,
            }));
        }
    }
    let extra: [(&str, &[&str]); 6] = [
        ("g1690000000000000003", &[ME, PRIYA, LENA]),
        ("g1690000000000000004", &[ADA, ME, BROOK, XDEV]),
        ("g1690000000000000005", &[THEO, ME, JONAS, PRIYA, LENA]),
        ("g1690000000000000006", &[ME, ADA]),
        ("g1690000000000000007", &[BROOK, ME, THEO]),
        (
            "g1690000000000000008",
            &[PRIYA, ME, JONAS, ADA, BROOK, LENA],
        ),
    ];
    for (n, (id, members)) in (0_i64..).zip(extra) {
        let members: Vec<String> = members.iter().map(|m| (*m).to_owned()).collect();
        let created = 1_700_000_000_000 + n * 2_592_000_000;
        chat.push(group(
            id,
            &members,
            (
                json!(rfc3339(created)),
                json!(rfc3339(created + 864_000_000)),
            ),
            n % 3 == 1,
            ["0", "3600000", "604800000"][(n % 3) as usize],
        ));
    }
    chat
}

/// The Chat side: the inbox, each conversation's events sealed from its DM
/// messages, and the requests, keys and settings around them.
fn chat_state(conversations: &[Conversation]) -> ChatState {
    let mut state = ChatState {
        conversations: chat_conversations(conversations),
        settings: chat::default_settings(),
        ..ChatState::default()
    };
    for conversation in conversations {
        let id = if conversation.group {
            format!("g{}", conversation.id)
        } else {
            conversation.id.clone()
        };
        let messages: Vec<(String, String, Value, String)> = conversation
            .events
            .iter()
            .filter(|e| e.get("event_type").and_then(Value::as_str) == Some("MessageCreate"))
            .take(CHAT_EVENTS_SEEDED)
            .map(|e| {
                let field = |key: &str| {
                    e.get(key)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                (
                    field("id"),
                    field("sender_id"),
                    e.get("created_at").cloned().unwrap_or(Value::Null),
                    field("text"),
                )
            })
            .collect();
        state.events.insert(
            id,
            chat::sealed_events(&conversation_id_of(conversation), &messages),
        );
    }
    // Groups only Chat has: five events, newest first, of which one edits
    // and one deletes an earlier message, and the oldest edits one the
    // conversation no longer holds. Their toy plaintexts say so:
    // `edit <id> <text>`, `delete <id>`.
    for conversation in &state.conversations {
        let id = conversation
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if state.events.contains_key(&id) {
            continue;
        }
        let members: Vec<String> = conversation
            .get("member_ids")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let created = conversation
            .get("updated_at")
            .cloned()
            .unwrap_or(Value::Null);
        let digits: u64 = id.trim_start_matches('g').parse().unwrap_or_default();
        let messages: Vec<_> = (0..5u64)
            .map(|n| {
                let sender = members
                    .get(n as usize % members.len().max(1))
                    .cloned()
                    .unwrap_or_default();
                let text = match n {
                    0 => format!("edit {} group message 3, edited", digits + 98),
                    1 => format!("delete {}", digits + 97),
                    4 => format!("edit {} a message older than X keeps", digits + 1),
                    _ => format!("group message {}", 5 - n),
                };
                (
                    (digits + 100 - n).to_string(),
                    sender,
                    created.clone(),
                    text,
                )
            })
            .collect();
        state
            .events
            .insert(id.clone(), chat::sealed_events(&id, &messages));
    }
    for id in state.events.keys().cloned().collect::<Vec<_>>() {
        state.key_events.insert(
            id.clone(),
            vec![chat::toy_seal(
                format!("key:{id}:{}", chat::SEED_KEY_VERSION).as_bytes(),
            )],
        );
        state.refresh_newest(&id);
        let second = state.events[&id].get(1).and_then(|e| e.get("id")).cloned();
        if let Some(conversation) = state.conversation_mut(&id) {
            conversation["is_archived"] = json!(false);
            // The user read all but the newest message.
            if let Some(second) = second {
                conversation["last_read_event_id"] = second;
            }
            conversation["unread"] = json!(true);
        }
    }
    state.pinned.insert(
        DEMO_CONVERSATION.to_owned(),
        (1..=3)
            .map(|n| json!({ "encoded_event": chat::toy_seal(format!("pin {n}").as_bytes()) }))
            .collect(),
    );
    for (n, (sender, inbox)) in [
        (PRIYA, "you_may_know"),
        (JONAS, "you_may_know"),
        (LENA, "low_quality"),
    ]
    .into_iter()
    .enumerate()
    {
        let conversation_id = format!("{ME}-{sender}");
        let text = format!("hello from {sender}");
        let event = chat::toy_seal(text.as_bytes());
        let id = (1_890_000_000_000_000_100_u64 + n as u64).to_string();
        state.events.insert(
            conversation_id.clone(),
            chat::sealed_events(
                &conversation_id,
                &[(
                    id,
                    sender.to_owned(),
                    json!(rfc3339(1_760_000_000_000)),
                    text,
                )],
            ),
        );
        state.requests.push(json!({
            "conversation_id": conversation_id,
            "sender_id": sender,
            "encoded_message_create_event": event,
            "message_events": [event],
            "conversation_key_events": [chat::toy_seal(format!("key:{conversation_id}").as_bytes())],
            "has_more_events": false,
            "sender_recently_modified_profile": n == 1,
            "social_proof_user_ids": [THEO],
            "inbox_type": inbox,
        }));
    }
    for user in [ME, THEO] {
        state
            .public_keys
            .insert(user.to_owned(), vec![chat::public_key(user, 1)]);
    }
    state
        .admin_requests
        .insert("g1690000000000000003".to_owned(), vec![PRIYA.to_owned()]);
    if let Some(group) = state.conversation_mut("g1690000000000000003") {
        group["pending_member_ids"] = json!([JONAS]);
        group["invite"] = json!({
            "invite_url": "https://x.com/i/chat/group_join/g1690000000000000003/Bookclub01",
            "token": "Bookclub01",
            "admin_user_id": ME,
            "welcome_message": "Welcome to the book club",
        });
    }
    state
}

/// How many of a DM conversation's newest messages its Chat twin holds.
const CHAT_EVENTS_SEEDED: usize = 60;

/// The id of a DM conversation's Chat twin as its events name it.
fn conversation_id_of(conversation: &Conversation) -> String {
    if conversation.group {
        format!("g{}", conversation.id)
    } else {
        conversation.id.clone()
    }
}

fn group(
    id: &str,
    members: &[String],
    (created, updated): (Value, Value),
    muted: bool,
    ttl: &str,
) -> Value {
    let digits = id.trim_start_matches('g');
    json!({
        "id": id,
        "type": "group",
        "admin_ids": members.first().into_iter().collect::<Vec<_>>(),
        "member_ids": members,
        "participant_ids": members,
        "created_at": created,
        "updated_at": updated,
        "group_avatar_url": format!("https://pbs.twimg.com/group_avatar/{digits}.jpg"),
        // X sends group names encrypted; base64 stands in for the ciphertext.
        "group_name": format!("ZW5jcnlwdGVk{}", &digits[digits.len().saturating_sub(4)..]),
        "is_muted": muted,
        "message_ttl_msec": ttl,
        "message_ttl_ms": ttl.parse::<u64>().unwrap_or_default(),
        "screen_capture_blocking_enabled": muted,
        "screen_capture_detection_enabled": true,
        "admin_settings": { "add_member": false, "edit_group_info": true, "send_message": false },
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    const SEEDS: [u64; 3] = [DEFAULT_SEED, 1, 0xdead_beef];

    #[test]
    fn every_reference_resolves_but_the_planted_one() {
        for seed in SEEDS {
            let data = Dataset::seeded(seed);
            let mut dangling = 0;
            for id in data.conversation_ids() {
                for event in data.events(id).unwrap_or_default() {
                    for key in event["attachments"]["media_keys"]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        assert!(data.media_item(key.as_str().unwrap()).is_some(), "{key}");
                    }
                    for reference in event["referenced_tweets"].as_array().into_iter().flatten() {
                        let tweet = reference["id"].as_str().unwrap();
                        if data.tweet(tweet).is_none() {
                            assert_eq!(tweet, DANGLING_TWEET_ID);
                            dangling += 1;
                        }
                    }
                    let users = event["sender_id"].as_str().into_iter().chain(
                        event["participant_ids"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str),
                    );
                    for user in users {
                        assert!(data.user(user).is_some(), "{user}");
                    }
                }
            }
            assert_eq!(dangling, 1, "seed {seed}");
        }
    }

    fn assert_ids_unique_and_falling(data: &Dataset) {
        let mut seen = HashSet::new();
        for id in data.conversation_ids() {
            let ids: Vec<u64> = data
                .events(id)
                .unwrap_or_default()
                .iter()
                .map(|e| e["id"].as_str().unwrap().parse().unwrap())
                .collect();
            assert!(ids.windows(2).all(|w| w[0] > w[1]), "{id}");
            assert!(ids.iter().all(|id| seen.insert(*id)));
        }
    }

    #[test]
    fn event_ids_are_unique_and_fall_with_time() {
        for seed in SEEDS {
            let data = Dataset::seeded(seed);
            assert_ids_unique_and_falling(&data);
            assert!(data.event_count(DEMO_CONVERSATION).unwrap() >= 1000);
        }
    }

    #[test]
    fn the_seed_decides_the_histories_and_the_same_seed_gives_the_same_data() {
        let events = |seed| {
            Dataset::seeded(seed)
                .events(DEMO_CONVERSATION)
                .unwrap()
                .to_vec()
        };
        assert_eq!(events(7), events(7));
        assert_ne!(events(7), events(8));
        assert_ne!(events(7), events(DEFAULT_SEED));
        assert!(Arc::ptr_eq(
            &Dataset::seeded(DEFAULT_SEED),
            &Dataset::seeded(DEFAULT_SEED)
        ));
    }

    #[test]
    fn a_message_becomes_the_newest_event_and_the_same_writes_give_the_same_ids() {
        let write = || {
            let mut data = (*Dataset::seeded(DEFAULT_SEED)).clone();
            let key = data.media_key_of("1580000000000000101").unwrap().to_owned();
            let first = data
                .add_message(DEMO_CONVERSATION, Some("hi @ada_dev"), &[key.as_str()])
                .unwrap();
            let second = data.add_message("1690000000000000001", None, &[]).unwrap();
            (data, first, second)
        };
        let (data, first, second) = write();
        let newest = &data.events(DEMO_CONVERSATION).unwrap()[0];
        assert_eq!(newest["id"], first.as_str());
        assert_eq!(newest["sender_id"], data.account_id());
        assert_eq!(newest["text"], "hi @ada_dev");
        assert_eq!(newest["entities"]["mentions"][0]["username"], "ada_dev");
        assert_eq!(
            newest["attachments"]["media_keys"],
            json!(["3_1580000000000000101"])
        );
        let group = &data.events("1690000000000000001").unwrap()[0];
        assert_eq!(group["id"], second.as_str());
        assert!(group.get("text").is_none() && group.get("attachments").is_none());
        assert_ids_unique_and_falling(&data);
        assert!(second.parse::<u64>().unwrap() > first.parse::<u64>().unwrap());
        let (_, again, _) = write();
        assert_eq!(first, again);

        let mut data = data;
        assert_eq!(data.add_message("1-2", Some("x"), &[]), None);
        assert_eq!(data.media_key_of("1"), None);
        assert_eq!(
            Dataset::seeded(DEFAULT_SEED).event_count(DEMO_CONVERSATION),
            Some(1_240),
            "the shared copy is untouched"
        );
    }

    #[test]
    fn received_messages_come_from_a_participant_and_are_the_newest_in_order() {
        let mut data = (*Dataset::seeded(DEFAULT_SEED)).clone();
        let before = data.event_count(DEMO_CONVERSATION).unwrap();
        assert_eq!(data.receive_messages(DEMO_CONVERSATION, ADA, 2), None);
        assert_eq!(data.event_count(DEMO_CONVERSATION), Some(before));
        let ids = data.receive_messages(DEMO_CONVERSATION, THEO, 3).unwrap();
        assert_eq!(data.event_count(DEMO_CONVERSATION), Some(before + 3));
        let newest: Vec<&str> = data.events(DEMO_CONVERSATION).unwrap()[..3]
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(newest, [&ids[2], &ids[1], &ids[0]]);
        let event = &data.events(DEMO_CONVERSATION).unwrap()[0];
        assert_eq!(event["sender_id"], THEO);
        assert_eq!(event["event_type"], "MessageCreate");
        assert_eq!(data.all_events()[0]["id"], ids[2].as_str());
        assert_ids_unique_and_falling(&data);
    }
}
