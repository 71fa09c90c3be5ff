//! New items as they arrive, by polling a list that is newest first: each
//! item after the starting point once, oldest first, with a position to
//! resume from after every batch. Knows no API: a [`Feed`] says how to read
//! the list and how its ids are ordered.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::stream::{self, BoxStream, StreamExt};
use serde::{Deserialize, Serialize};

use super::connection::Connection;
use super::policy::reset_jitter;
use super::rate_limit::RateLimits;
use super::session::{Session, WaitReason};
use super::transport;
use crate::Error;

/// The interval when neither the caller nor the last response says more:
/// X's 15 requests per 15 minutes, spread evenly.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

/// The shortest interval the rate-limit headers may lead to: a window with
/// thousands of requests left would otherwise have a watch spin.
const MIN_DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

/// The longest backoff between two failed polls.
const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(60);

/// One page of a newest-first list, as a [`Feed`] reads it.
#[derive(Debug)]
pub struct FeedPage<T> {
    /// The page's items, newest first.
    pub items: Vec<T>,
    /// What the response said of the rate limits.
    pub rate_limits: RateLimits,
}

/// A list that is newest first, read a page at a time from its newest end:
/// what a [`Poll`] watches.
pub trait Feed: Send + Sync + 'static {
    /// One item of the list.
    type Item: Send + 'static;

    /// The pages from the newest, older and older; a walk stops reading
    /// once it reaches what it has seen.
    fn newest_first(&self) -> BoxStream<'static, Result<FeedPage<Self::Item>, Error>>;

    /// The item's id.
    fn id(item: &Self::Item) -> &str;

    /// How two ids are ordered in time: `Greater` when `a` is newer. Ids
    /// are compared, not only matched, so that a walk also stops at an item
    /// older than the last one seen when that one is gone.
    fn compare(a: &str, b: &str) -> Ordering;

    /// The connection the requests go through: its session's retry policy
    /// and wait observer serve the watch too.
    fn connection(&self) -> &Connection;
}

/// Where a watch stands: the newest item it has handed out. Small and
/// serializable, to save after each batch and resume from.
///
/// Serialized as `{"after":"<id>"}`, or `{"after":null}` when the list was
/// empty at the start and nothing has been handed out since: then every
/// item is new.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Position {
    after: Option<String>,
}

impl Position {
    /// The position just after the item with this id: everything newer is
    /// new.
    pub fn after(id: impl Into<String>) -> Self {
        Self {
            after: Some(id.into()),
        }
    }

    /// The position before everything: every item of the list is new.
    pub fn beginning() -> Self {
        Self { after: None }
    }

    /// The id of the newest item handed out, if any.
    pub fn last_id(&self) -> Option<&str> {
        self.after.as_deref()
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.after {
            Some(id) => write!(f, "after {id}"),
            None => f.write_str("at the beginning"),
        }
    }
}

/// Where a watch starts.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Start {
    /// With what arrives from now on: the first poll only notes the newest
    /// item (the default).
    Now,
    /// After a saved position.
    At(Position),
    /// With the newest `n` items already there, then what arrives.
    Backfill(usize),
}

/// What one poll found: the new items, oldest first, and the position
/// after them. An empty batch still moves the position on the first poll
/// from [`Start::Now`], so save it too.
#[derive(Debug)]
pub struct Batch<T> {
    /// The new items, oldest first.
    pub items: Vec<T>,
    ids: Vec<String>,
    start: Position,
    end: Position,
}

impl<T> Batch<T> {
    /// The position after the whole batch: save it once every item is
    /// handled.
    pub fn position(&self) -> &Position {
        &self.end
    }

    /// The position before the batch.
    pub fn start(&self) -> &Position {
        &self.start
    }
}

impl<T> Batch<T> {
    /// The position after item `index`: where to resume once it is handled.
    pub fn position_after(&self, index: usize) -> Position {
        match self.ids.get(index) {
            Some(id) => Position::after(id.clone()),
            None => self.end.clone(),
        }
    }

    /// The position before item `index`: where to resume so that it is
    /// offered again, when handling it failed.
    pub fn position_before(&self, index: usize) -> Position {
        match index.checked_sub(1) {
            Some(previous) => self.position_after(previous),
            None => self.start.clone(),
        }
    }
}

/// A watch over a [`Feed`]: build it, then take its [`stream`](Self::stream).
pub struct Poll<F: Feed> {
    feed: F,
    start: Start,
    interval: Option<Duration>,
}

impl<F: Feed> fmt::Debug for Poll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Poll")
            .field("start", &self.start)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl<F: Feed> Poll<F> {
    /// A watch of `feed` from now, at the interval the rate limits allow.
    pub fn new(feed: F) -> Self {
        Self {
            feed,
            start: Start::Now,
            interval: None,
        }
    }

    /// Where to start.
    #[must_use]
    pub fn start(mut self, start: Start) -> Self {
        self.start = start;
        self
    }

    /// Poll every `interval`, but never faster than the rate limit allows:
    /// when the last response said the window has no request left, the
    /// watch waits for its reset instead. Without it, the interval spreads
    /// the requests left in the window over the time left in it.
    #[must_use]
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// The batches, one per poll, forever. Nothing is requested before the
    /// stream is polled; the first poll is at once, later ones after the
    /// interval. Failures that may pass (a dropped connection, a 5xx, a
    /// 429, a body cut short) are waited out with backoff, told to the
    /// session's wait observer, and the poll is made again from the same
    /// position; any other error ends the stream.
    pub fn stream(self) -> BoxStream<'static, Result<Batch<F::Item>, Error>> {
        let state = State {
            feed: self.feed,
            start: Some(self.start),
            position: Position::beginning(),
            interval: self.interval,
            first: true,
            failures: 0,
            last_limits: RateLimits::default(),
            done: false,
        };
        stream::unfold(state, |mut state| async move {
            if state.done {
                return None;
            }
            loop {
                if !state.first {
                    state.wait_for_next_poll().await;
                }
                state.first = false;
                match state.poll_once().await {
                    Ok(batch) => {
                        state.failures = 0;
                        return Some((Ok(batch), state));
                    }
                    Err(error) if passing(&error) => {
                        state.failures += 1;
                        let session = state.feed.connection().session().clone();
                        let delay = backoff(&session, state.failures, &error);
                        tracing::warn!(%error, failures = state.failures, "poll failed; polling again");
                        transport::pause(
                            &session,
                            WaitReason::Retry {
                                attempt: state.failures,
                            },
                            delay,
                            reset_of(&error),
                        )
                        .await;
                        // The wait is taken: poll again at once.
                        state.first = true;
                    }
                    Err(error) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                }
            }
        })
        .boxed()
    }
}

struct State<F: Feed> {
    feed: F,
    /// The start, until the first poll succeeds.
    start: Option<Start>,
    position: Position,
    interval: Option<Duration>,
    first: bool,
    failures: u32,
    last_limits: RateLimits,
    done: bool,
}

impl<F: Feed> State<F> {
    /// One walk from the newest page down to the position, or to the
    /// start's needs on the first poll.
    async fn poll_once(&mut self) -> Result<Batch<F::Item>, Error> {
        let start = self
            .start
            .clone()
            .unwrap_or(Start::At(self.position.clone()));
        let (after, wanted) = match &start {
            Start::Now => (None, Some(0)),
            Start::At(position) => (position.after.clone(), None),
            Start::Backfill(n) => (None, Some(*n)),
        };
        let mut pages = self.feed.newest_first();
        let mut seen = HashSet::new();
        let mut found: Vec<F::Item> = Vec::new();
        let mut newest: Option<String> = None;
        'walk: while let Some(page) = pages.next().await {
            let page = page?;
            self.last_limits = page.rate_limits;
            for item in page.items {
                let id = F::id(&item);
                if newest
                    .as_deref()
                    .is_none_or(|n| F::compare(id, n) == Ordering::Greater)
                {
                    newest = Some(id.to_owned());
                }
                if let Some(after) = &after
                    && F::compare(id, after) != Ordering::Greater
                {
                    break 'walk;
                }
                if wanted.is_some_and(|n| found.len() >= n) {
                    break 'walk;
                }
                // A page token made of an offset repeats the boundary
                // item when new ones arrive mid-walk.
                if seen.insert(id.to_owned()) {
                    found.push(item);
                }
            }
        }
        // Oldest first, whatever order the pages had.
        found.sort_by(|a, b| F::compare(F::id(a), F::id(b)));
        let begin = match &start {
            Start::At(position) => position.clone(),
            _ => Position::beginning(),
        };
        let end = match (found.last(), &start) {
            (Some(last), _) => Position::after(F::id(last)),
            // Nothing new: from now, the newest item there is the mark.
            (None, Start::Now | Start::Backfill(_)) => Position {
                after: newest.clone(),
            },
            (None, Start::At(position)) => position.clone(),
        };
        self.start = None;
        self.position = end.clone();
        Ok(Batch {
            ids: found.iter().map(|item| F::id(item).to_owned()).collect(),
            items: found,
            start: begin,
            end,
        })
    }

    async fn wait_for_next_poll(&self) {
        let now = Utc::now();
        let window = self.last_limits.window;
        let exhausted = self.last_limits.exhausted_until();
        let session = self.feed.connection().session();
        if let Some(reset) = exhausted
            && let Ok(wait) = (reset - now).to_std()
        {
            let wait = wait.max(self.interval.unwrap_or_default());
            transport::pause(
                session,
                WaitReason::RateLimitExhausted,
                wait.saturating_add(reset_jitter(wait)),
                Some(reset),
            )
            .await;
            return;
        }
        let wait = self.interval.unwrap_or_else(|| {
            default_interval(
                window.and_then(|w| w.remaining),
                window.and_then(|w| w.reset),
                now,
            )
        });
        tokio::time::sleep(wait).await;
    }
}

/// The time left in the window spread over the requests left in it, or
/// [`DEFAULT_INTERVAL`] when the response named neither.
fn default_interval(
    remaining: Option<u64>,
    reset: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Duration {
    let (Some(remaining), Some(reset)) = (remaining, reset) else {
        return DEFAULT_INTERVAL;
    };
    let left = (reset - now).to_std().unwrap_or_default();
    let spread = left / u32::try_from(remaining.max(1)).unwrap_or(u32::MAX);
    spread.max(MIN_DEFAULT_INTERVAL)
}

/// Whether a failed poll, or a long-lived stream's failed read or
/// connection, may fare better later.
pub(crate) fn passing(error: &Error) -> bool {
    match error {
        Error::Transport { .. }
        | Error::RateLimited { .. }
        | Error::Decode { .. }
        | Error::Stalled { .. } => true,
        Error::Api(api) => api.status == 408 || api.status >= 500,
        _ => false,
    }
}

fn reset_of(error: &Error) -> Option<DateTime<Utc>> {
    match error {
        Error::RateLimited { reset, .. } => *reset,
        _ => None,
    }
}

/// How long to wait after `failures` failed polls in a row: until the reset
/// a rate limit names, else the session's backoff, growing up to a minute.
fn backoff(session: &Session, failures: u32, error: &Error) -> Duration {
    if let Some(reset) = reset_of(error)
        && let Ok(wait) = (reset - Utc::now()).to_std()
    {
        return wait.saturating_add(reset_jitter(wait));
    }
    let retry = session
        .retry
        .with_delays(session.retry.base_delay, MAX_FAILURE_BACKOFF);
    retry.backoff(failures).max(session.retry.base_delay / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_interval_spreads_what_is_left_of_the_window() {
        let now = DateTime::from_timestamp(1_000, 0).unwrap();
        let reset = DateTime::from_timestamp(1_900, 0).unwrap();
        assert_eq!(
            default_interval(Some(15), Some(reset), now),
            Duration::from_secs(60)
        );
        assert_eq!(
            default_interval(Some(3), Some(reset), now),
            Duration::from_secs(300)
        );
        assert_eq!(
            default_interval(Some(1_000_000), Some(reset), now),
            MIN_DEFAULT_INTERVAL
        );
        assert_eq!(default_interval(None, None, now), DEFAULT_INTERVAL);
    }

    #[test]
    fn a_position_serializes_small() {
        assert_eq!(
            serde_json::to_string(&Position::after("42")).unwrap(),
            r#"{"after":"42"}"#
        );
        let back: Position = serde_json::from_str(r#"{"after":null}"#).unwrap();
        assert_eq!(back, Position::beginning());
    }
}
