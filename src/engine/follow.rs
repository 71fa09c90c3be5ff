//! A long-lived stream of JSON lines, followed across disconnects: each item
//! once, reconnecting with backoff and jitter, and, after a disconnect long
//! enough to have missed something, the gap filled from another source.
//! Knows no API: a [`Source`] says how to connect, decode, identify and fill.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt};

use super::connection::Connection;
use super::download::DownloadStream;
use super::lines::Lines;
use super::poll::passing;
use super::session::WaitReason;
use super::transport;
use crate::Error;

/// A disconnect at least this long is taken to have missed items.
pub const DEFAULT_GAP: Duration = Duration::from_secs(5);

/// How long a stream may send nothing, keep-alives included, before it is
/// taken as dead. X's streams send a keep-alive well within it.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(90);

/// How many item keys are remembered to tell a repeat: far more than a
/// reconnect's backfill holds.
pub const DEFAULT_MEMORY: usize = 50_000;

/// The longest wait between two reconnects.
const MAX_RECONNECT_BACKOFF: Duration = Duration::from_secs(60);

/// A connection that lasted this long was healthy: the next reconnect starts
/// the backoff over.
const HEALTHY: Duration = Duration::from_secs(60);

/// What a [`Follow`] follows.
pub trait Source: Send + Sync + 'static {
    /// One item of the stream, or of a gap fill.
    type Item: Send + 'static;

    /// Opens the stream.
    fn connect(&self) -> BoxFuture<'static, Result<DownloadStream, Error>>;

    /// Decodes one line: an item, or `None` for a line that carries none.
    fn decode(&self, line: &[u8]) -> Result<Option<Self::Item>, Error>;

    /// What identifies the item. An item is handed out only if none of its
    /// keys has been: a stream event and the same message found by a gap
    /// fill share a key.
    fn keys(item: &Self::Item) -> Vec<String>;

    /// The items that arrived since the last one handed out, oldest first.
    /// Called once before the first connection, to note where things stand
    /// (or to catch up from a saved position), and after each disconnect of
    /// at least the gap.
    fn fill(&self) -> BoxFuture<'static, Result<Vec<Self::Item>, Error>>;

    /// The connection the stream goes through: its session's retry policy
    /// and wait observer serve the reconnects too.
    fn connection(&self) -> &Connection;
}

/// A stream followed across disconnects: build it, then take its
/// [`stream`](Self::stream).
pub struct Follow<S: Source> {
    source: S,
    gap: Duration,
    idle: Duration,
    memory: usize,
}

impl<S: Source> fmt::Debug for Follow<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Follow")
            .field("gap", &self.gap)
            .field("idle", &self.idle)
            .field("memory", &self.memory)
            .finish_non_exhaustive()
    }
}

impl<S: Source> Follow<S> {
    /// Follows `source` with the defaults: a 5 s gap, a 90 s idle timeout,
    /// 50,000 keys remembered.
    pub fn new(source: S) -> Self {
        Self {
            source,
            gap: DEFAULT_GAP,
            idle: DEFAULT_IDLE,
            memory: DEFAULT_MEMORY,
        }
    }

    /// Fill the gap after a disconnect at least this long.
    #[must_use]
    pub fn gap(mut self, gap: Duration) -> Self {
        self.gap = gap;
        self
    }

    /// Take the stream as dead when it sends nothing for this long.
    #[must_use]
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self
    }

    /// Remember this many keys to tell repeats.
    #[must_use]
    pub fn memory(mut self, keys: usize) -> Self {
        self.memory = keys.max(1);
        self
    }

    /// The items, each once, forever. Nothing is requested before the
    /// stream is polled. A cut, a stall, a 5xx, a 429 or a refused
    /// connection is waited out with backoff and jitter, told to tracing
    /// and to the session's wait observer as [`WaitReason::Reconnect`], and
    /// the stream is opened again. A line that does not decode is yielded
    /// as an error and the stream goes on; any other error (a 401, say)
    /// ends it.
    pub fn stream(self) -> BoxStream<'static, Result<S::Item, Error>> {
        let state = State {
            source: self.source,
            gap: self.gap,
            idle: self.idle,
            seen: Seen::new(self.memory),
            pending: VecDeque::new(),
            lines: None,
            connected_at: None,
            down_since: None,
            failures: 0,
            started: false,
            done: false,
        };
        stream::unfold(state, |mut state| async move {
            let next = state.next().await?;
            Some((next, state))
        })
        .boxed()
    }
}

struct State<S: Source> {
    source: S,
    gap: Duration,
    idle: Duration,
    seen: Seen,
    pending: VecDeque<S::Item>,
    lines: Option<Lines>,
    connected_at: Option<Instant>,
    down_since: Option<Instant>,
    failures: u32,
    started: bool,
    done: bool,
}

impl<S: Source> State<S> {
    async fn next(&mut self) -> Option<Result<S::Item, Error>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(Ok(item));
            }
            if self.done {
                return None;
            }
            if !self.started {
                self.started = true;
                if let Err(error) = self.fill().await {
                    return self.fail(error);
                }
                continue;
            }
            let Some(lines) = &mut self.lines else {
                if let Err(error) = self.connect().await {
                    return self.fail(error);
                }
                continue;
            };
            match lines.next_line().await {
                Ok(Some(line)) => match self.source.decode(&line) {
                    Ok(Some(item)) => self.offer(item),
                    Ok(None) => {}
                    Err(error) => return Some(Err(error)),
                },
                Ok(None) => self.cut("the stream ended"),
                Err(error) if passing(&error) => self.cut(&error.to_string()),
                Err(error) => return self.fail(error),
            }
        }
    }

    fn fail(&mut self, error: Error) -> Option<Result<S::Item, Error>> {
        self.done = true;
        Some(Err(error))
    }

    /// Queues `item` unless one of its keys was handed out already.
    fn offer(&mut self, item: S::Item) {
        if self.seen.first(S::keys(&item)) {
            self.pending.push_back(item);
        }
    }

    async fn fill(&mut self) -> Result<(), Error> {
        for item in self.source.fill().await? {
            self.offer(item);
        }
        Ok(())
    }

    fn cut(&mut self, why: &str) {
        self.lines = None;
        self.down_since = Some(Instant::now());
        if self
            .connected_at
            .take()
            .is_some_and(|at| at.elapsed() >= HEALTHY)
        {
            self.failures = 0;
        }
        tracing::warn!(reason = why, "stream cut; reconnecting");
    }

    /// Opens the stream, after a backoff when it was cut or refused, and
    /// fills the gap when it was down long enough to have missed items.
    /// Errors that may pass are waited out here; the rest are returned.
    async fn connect(&mut self) -> Result<(), Error> {
        loop {
            if self.down_since.is_some() {
                self.failures += 1;
                let session = self.source.connection().session().clone();
                let retry = session
                    .retry
                    .with_delays(session.retry.base_delay, MAX_RECONNECT_BACKOFF);
                // Full jitter, but never at once: a server that accepts and
                // cuts straight away is not hammered.
                let delay = retry
                    .backoff(self.failures)
                    .max(session.retry.base_delay / 2);
                tracing::warn!(
                    attempt = self.failures,
                    delay_ms = delay.as_millis() as u64,
                    "reconnecting to the stream"
                );
                transport::pause(
                    &session,
                    WaitReason::Reconnect {
                        attempt: self.failures,
                    },
                    delay,
                    None,
                )
                .await;
            }
            let opened = match tokio::time::timeout(self.idle, self.source.connect()).await {
                Ok(opened) => opened,
                Err(_) => Err(Error::Stalled { idle: self.idle }),
            };
            match opened {
                Ok(body) => {
                    self.lines = Some(Lines::new(body.idle_timeout(self.idle)));
                    self.connected_at = Some(Instant::now());
                    if let Some(since) = self.down_since.take()
                        && since.elapsed() >= self.gap
                    {
                        tracing::info!(
                            down_ms = since.elapsed().as_millis() as u64,
                            "filling the gap the disconnect left"
                        );
                        self.fill().await?;
                    }
                    return Ok(());
                }
                Err(error) if passing(&error) => {
                    tracing::warn!(%error, "the stream could not be opened");
                    self.down_since.get_or_insert_with(Instant::now);
                }
                Err(error) => return Err(error),
            }
        }
    }
}

/// The keys handed out lately, the oldest forgotten first.
struct Seen {
    keys: HashSet<String>,
    order: VecDeque<String>,
    capacity: usize,
}

impl Seen {
    fn new(capacity: usize) -> Self {
        Self {
            keys: HashSet::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    /// Whether none of `keys` was seen; all of them are remembered now.
    fn first(&mut self, keys: Vec<String>) -> bool {
        let new = keys.iter().all(|key| !self.keys.contains(key));
        for key in keys {
            if self.keys.insert(key.clone()) {
                self.order.push_back(key);
            }
        }
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.keys.remove(&old);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_sharing_any_key_with_one_seen_is_a_repeat() {
        let mut seen = Seen::new(3);
        assert!(seen.first(vec!["activity:1".into(), "dm:10".into()]));
        assert!(!seen.first(vec!["activity:1".into()]));
        assert!(!seen.first(vec!["dm:10".into()]));
        assert!(seen.first(vec!["activity:2".into()]));
        // Past its capacity, the oldest key is forgotten.
        assert!(seen.first(vec!["activity:3".into()]));
        assert!(seen.first(vec!["activity:1".into()]));
    }
}
