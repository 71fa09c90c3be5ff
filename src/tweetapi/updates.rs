//! New messages as they arrive, by polling `dm-user-updates`: TweetAPI has
//! no webhook.
//!
//! Exactly once rests on the cursor: each batch comes with the cursor that
//! follows it, and a caller that saves it after handling the batch resumes
//! where it left off. Within one run, a message the server hands out again
//! (the same id in a later batch) is passed over.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt};

use super::Client;
use super::generated::operations;
use super::generated::types::{Message, User};
use crate::Error;

/// How long [`UpdatesRequest::follow`] waits between polls, by default.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);

/// How many message ids a stream remembers to pass over repeats.
const REMEMBERED: usize = 10_000;

/// What one poll brought: the new messages, oldest first, and the cursor to
/// save once they are handled.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Updates {
    /// The new messages, in the order they were sent.
    pub messages: Vec<Message>,
    /// The users TweetAPI included with them.
    pub users: Vec<User>,
    /// Where the next poll starts.
    pub cursor: String,
}

/// Polls for new messages, built by [`Client::updates`].
#[derive(Clone, Debug)]
#[must_use]
pub struct UpdatesRequest {
    client: Client,
    cursor: Option<String>,
    interval: Duration,
}

impl UpdatesRequest {
    pub(super) fn new(client: Client) -> Self {
        Self {
            client,
            cursor: None,
            interval: DEFAULT_INTERVAL,
        }
    }

    /// Starts from a saved cursor instead of the inbox's first state.
    pub fn from_cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// How long to wait between polls (10 s unless set).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The cursor to start from: the one given, or the inbox first state's.
    async fn start(&self) -> Result<String, Error> {
        if let Some(cursor) = &self.cursor {
            return Ok(cursor.clone());
        }
        let state = self.client.inbox_initial_state().send().await?;
        state
            .updates_cursor()
            .map(str::to_owned)
            .ok_or_else(|| Error::Decode {
                status: 200,
                path: "cursor".to_owned(),
                message: "the inbox's first state has no cursor to poll updates from".to_owned(),
                excerpt: String::new(),
                may_have_taken_effect: false,
            })
    }

    /// One poll: what is new since the cursor. Without a cursor, the inbox's
    /// first state gives one and nothing is new yet.
    pub async fn poll(&self) -> Result<Updates, Error> {
        let Some(cursor) = &self.cursor else {
            return Ok(Updates {
                messages: Vec::new(),
                users: Vec::new(),
                cursor: self.start().await?,
            });
        };
        poll(&self.client, cursor).await
    }

    /// Polls until dropped, every [`interval`](Self::interval), and yields
    /// each poll that brought messages or moved the cursor. A poll that fails
    /// with a 429 or a 5xx (after the client's own retries) is tried again at
    /// the next interval; another error ends the stream.
    pub fn follow(self) -> BoxStream<'static, Result<Updates, Error>> {
        struct State {
            request: UpdatesRequest,
            cursor: Option<String>,
            first: bool,
            seen: HashSet<String>,
            order: VecDeque<String>,
            done: bool,
        }
        let state = State {
            cursor: self.cursor.clone(),
            request: self,
            first: true,
            seen: HashSet::new(),
            order: VecDeque::new(),
            done: false,
        };
        stream::unfold(state, |mut state| async move {
            if state.done {
                return None;
            }
            loop {
                let cursor = match &state.cursor {
                    Some(cursor) => cursor.clone(),
                    None => match state.request.start().await {
                        Ok(cursor) => {
                            state.cursor = Some(cursor.clone());
                            cursor
                        }
                        Err(error) if passing(&error) => {
                            tokio::time::sleep(state.request.interval).await;
                            continue;
                        }
                        Err(error) => {
                            state.done = true;
                            return Some((Err(error), state));
                        }
                    },
                };
                if !state.first {
                    tokio::time::sleep(state.request.interval).await;
                }
                state.first = false;
                let mut updates = match poll(&state.request.client, &cursor).await {
                    Ok(updates) => updates,
                    Err(error) if passing(&error) => continue,
                    Err(error) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                };
                updates.messages.retain(|m| !state.seen.contains(&m.id));
                for message in &updates.messages {
                    state.seen.insert(message.id.clone());
                    state.order.push_back(message.id.clone());
                    if state.order.len() > REMEMBERED
                        && let Some(old) = state.order.pop_front()
                    {
                        state.seen.remove(&old);
                    }
                }
                let moved = updates.cursor != cursor;
                state.cursor = Some(updates.cursor.clone());
                if moved || !updates.messages.is_empty() {
                    return Some((Ok(updates), state));
                }
            }
        })
        .boxed()
    }
}

/// Whether an error is one a poller waits out: a rate limit or the server's
/// trouble, not a refusal.
fn passing(error: &Error) -> bool {
    match error {
        Error::RateLimited { .. } | Error::Transport { .. } => true,
        Error::Api(api) => api.status == 429 || api.status >= 500,
        _ => false,
    }
}

/// One poll from `cursor`: its messages, oldest first, once each.
async fn poll(client: &Client, cursor: &str) -> Result<Updates, Error> {
    let reply = client.user_updates(cursor).send().await?;
    // Where the spec's `x-pagination` says the next cursor may be.
    let fields = operations::GetTweetApiDmUserUpdates::operation()
        .pagination
        .iter()
        .flat_map(|pagination| pagination.next_fields());
    let next = fields
        .into_iter()
        .find_map(|field| crate::engine::Paged::token(&reply, field))
        .filter(|next| !next.is_empty())
        .unwrap_or(cursor)
        .to_owned();
    let updates = reply.into_value();
    let mut messages = updates.messages;
    messages.sort_by_cached_key(sent_order);
    let mut seen = HashSet::new();
    messages.retain(|m| seen.insert(m.id.clone()));
    Ok(Updates {
        messages,
        users: updates.users,
        cursor: next,
    })
}

/// A message's place in the order sent: its time, then its id (X's ids are
/// numbers that grow with time; a shorter one is smaller).
fn sent_order(message: &Message) -> (String, usize, String) {
    (
        message.created_at.clone().unwrap_or_default(),
        message.id.len(),
        message.id.clone(),
    )
}
