//! The X Activity API's persistent stream, followed: each event once across
//! reconnects, and the DMs a long disconnect missed found again by polling
//! the inbox from the last one handed out.

use std::cmp::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::stream::{BoxStream, StreamExt};
use futures::{FutureExt, TryStreamExt};
use serde::Deserialize;

use super::Item;
use super::activity::ActivityEvent;
use super::operations::{ActivityStream, GetDirectMessagesEvents};
use super::types::DmEvent;
use super::watch::snowflake_order;
use crate::Error;
use crate::engine::follow::Source;
use crate::engine::{Connection, DownloadStream, Follow, Position, Request, Start};

/// One thing the followed stream delivered.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Activity {
    /// An event as the stream sent it.
    Event(StreamEvent),
    /// A DM event that arrived while the stream was down, found by polling
    /// the inbox.
    Recovered(Box<Item<DmEvent>>),
}

/// An Activity API event with the line it came in.
#[derive(Clone, Debug)]
pub struct StreamEvent {
    /// The event, decoded.
    pub event: ActivityEvent,
    raw: Box<str>,
}

impl StreamEvent {
    /// The line exactly as the stream sent it (`{"data": {…}}`).
    pub fn raw_json(&self) -> &str {
        &self.raw
    }
}

impl Activity {
    /// The JSON exactly as X sent it: the stream's line, or the polled DM
    /// event.
    pub fn raw_json(&self) -> Option<&str> {
        match self {
            Activity::Event(event) => Some(event.raw_json()),
            Activity::Recovered(event) => event.raw_json(),
        }
    }

    /// The ids of the DM events it carries: those of a `dm.*` event's
    /// payload, or the recovered event's own.
    pub fn dm_event_ids(&self) -> Vec<&str> {
        match self {
            Activity::Event(event) => event
                .event
                .payload
                .get("direct_message_events")
                .and_then(|events| events.as_array())
                .map(|events| {
                    events
                        .iter()
                        .filter_map(|event| event.get("id")?.as_str())
                        .collect()
                })
                .unwrap_or_default(),
            Activity::Recovered(event) => vec![event.id.as_str()],
        }
    }
}

/// One activity and where the follow stands once it is handled: the last
/// DM event handed out, to save and resume from with
/// [`ActivityFollow::start`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Arrival {
    /// What arrived.
    pub activity: Activity,
    /// The position after it: save it once it is handled.
    pub position: Position,
    /// The position before it: save it instead when handling it failed, so
    /// that a follow started there offers its DM again (the gap fill finds
    /// it; an event without a DM is not offered again).
    pub before: Position,
}

/// The activity stream followed across disconnects, built by
/// [`Request::follow`] on [`Client::activity_stream`](super::Client::activity_stream).
pub struct ActivityFollow {
    stream: Request<ActivityStream>,
    inbox: Option<Request<GetDirectMessagesEvents>>,
    start: Start,
    gap: Option<Duration>,
    idle: Option<Duration>,
}

impl std::fmt::Debug for ActivityFollow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivityFollow")
            .field("stream", &self.stream)
            .field("fills_gaps", &self.inbox.is_some())
            .field("start", &self.start)
            .finish_non_exhaustive()
    }
}

impl Request<ActivityStream> {
    /// The stream followed across disconnects: each event once, oldest
    /// first as X sends them, reconnecting with backoff and jitter. With
    /// [`fill_gaps_from`](ActivityFollow::fill_gaps_from), the DMs a
    /// disconnect of more than a few seconds missed are found by polling.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// use x_dm::Client;
    ///
    /// # async fn run() -> Result<(), x_dm::Error> {
    /// // The stream takes the app's bearer token, the inbox the user's.
    /// let app = Client::new(std::env::var("X_BEARER_TOKEN").unwrap_or_default())?;
    /// let user = Client::new(std::env::var("X_ACCESS_TOKEN").unwrap_or_default())?;
    /// let mut arrivals = app.activity_stream().follow().fill_gaps_from(user.inbox()).stream();
    /// while let Some(arrival) = arrivals.try_next().await? {
    ///     println!("{}", arrival.activity.raw_json().unwrap_or_default());
    ///     let _save_me = serde_json::to_string(&arrival.position);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn follow(self) -> ActivityFollow {
        ActivityFollow {
            stream: self,
            inbox: None,
            start: Start::Now,
            gap: None,
            idle: None,
        }
    }
}

impl ActivityFollow {
    /// Fill the gaps that disconnects leave by polling this inbox request
    /// (made with the user's token: the stream takes the app's).
    #[must_use]
    pub fn fill_gaps_from(mut self, inbox: Request<GetDirectMessagesEvents>) -> Self {
        self.inbox = Some(inbox);
        self
    }

    /// Where the gap filling starts: from now (the default), after a saved
    /// [`Arrival::position`], or with the newest `n` DM events. Needs
    /// [`fill_gaps_from`](Self::fill_gaps_from).
    #[must_use]
    pub fn start(mut self, start: Start) -> Self {
        self.start = start;
        self
    }

    /// Fill the gap after a disconnect at least this long (5 s unless set).
    #[must_use]
    pub fn gap(mut self, gap: Duration) -> Self {
        self.gap = Some(gap);
        self
    }

    /// Take the stream as dead when it sends nothing, keep-alives
    /// included, for this long (90 s unless set).
    #[must_use]
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle = Some(idle);
        self
    }

    /// The arrivals, forever; see [`Follow::stream`] for what is waited out
    /// and what ends it.
    pub fn stream(self) -> BoxStream<'static, Result<Arrival, Error>> {
        let position = Arc::new(Mutex::new(match &self.start {
            Start::At(position) => Some(position.clone()),
            _ => None,
        }));
        let source = StreamSource {
            stream: self.stream,
            inbox: self.inbox,
            start: Mutex::new(Some(self.start)),
            position: Arc::clone(&position),
        };
        let mut follow = Follow::new(source);
        if let Some(gap) = self.gap {
            follow = follow.gap(gap);
        }
        if let Some(idle) = self.idle {
            follow = follow.idle_timeout(idle);
        }
        follow
            .stream()
            .map_ok(move |activity| {
                let mut at = position.lock().unwrap_or_else(PoisonError::into_inner);
                let before = at.clone().unwrap_or_default();
                for id in activity.dm_event_ids() {
                    let newer = at
                        .as_ref()
                        .and_then(Position::last_id)
                        .is_none_or(|last| snowflake_order(id, last) == Ordering::Greater);
                    if newer {
                        *at = Some(Position::after(id));
                    }
                }
                let position = at.clone().unwrap_or_default();
                drop(at);
                Arrival {
                    activity,
                    position,
                    before,
                }
            })
            .boxed()
    }
}

struct StreamSource {
    stream: Request<ActivityStream>,
    inbox: Option<Request<GetDirectMessagesEvents>>,
    /// The start of the first fill; later fills go on from `position`.
    start: Mutex<Option<Start>>,
    /// The newest DM event handed out, shared with the stream's map.
    position: Arc<Mutex<Option<Position>>>,
}

impl Source for StreamSource {
    type Item = Activity;

    fn connect(&self) -> BoxFuture<'static, Result<DownloadStream, Error>> {
        let request = self.stream.clone();
        async move { request.open().await }.boxed()
    }

    fn decode(&self, line: &[u8]) -> Result<Option<Activity>, Error> {
        #[derive(Deserialize)]
        struct Line {
            data: Option<ActivityEvent>,
            #[serde(default)]
            errors: Vec<serde_json::Value>,
        }
        let decoded: Line = serde_json::from_slice(line).map_err(|error| Error::Decode {
            status: 200,
            path: "$".to_owned(),
            message: error.to_string(),
            excerpt: String::from_utf8_lossy(&line[..line.len().min(80)]).into_owned(),
            may_have_taken_effect: false,
        })?;
        match decoded.data {
            Some(event) => Ok(Some(Activity::Event(StreamEvent {
                event,
                raw: String::from_utf8_lossy(line).into(),
            }))),
            None => {
                // X says why it is about to disconnect; the cut that follows
                // is what the follower acts on.
                tracing::warn!(errors = ?decoded.errors, "the activity stream sent errors");
                Ok(None)
            }
        }
    }

    fn keys(item: &Activity) -> Vec<String> {
        let mut keys: Vec<String> = item
            .dm_event_ids()
            .into_iter()
            .map(|id| format!("dm:{id}"))
            .collect();
        if let Activity::Event(event) = item {
            keys.push(format!("activity:{}", event.event.event_uuid));
        }
        keys
    }

    fn fill(&self) -> BoxFuture<'static, Result<Vec<Activity>, Error>> {
        let Some(inbox) = self.inbox.clone() else {
            return async { Ok(Vec::new()) }.boxed();
        };
        let first = self
            .start
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let position = Arc::clone(&self.position);
        async move {
            let start = match first {
                Some(start) => start,
                None => match position
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone()
                {
                    Some(at) => Start::At(at),
                    None => Start::Now,
                },
            };
            let mut batches = inbox.watch().start(start).stream();
            let Some(batch) = batches.next().await else {
                return Ok(Vec::new());
            };
            let batch = batch?;
            if batch.items.is_empty() {
                // From now: the newest event there is where a later fill
                // starts. The map moves it on as events are handed out.
                let mut at = position.lock().unwrap_or_else(PoisonError::into_inner);
                if at.is_none() {
                    *at = Some(batch.position().clone());
                }
            }
            Ok(batch
                .items
                .into_iter()
                .map(|item| Activity::Recovered(Box::new(item)))
                .collect())
        }
        .boxed()
    }

    fn connection(&self) -> &Connection {
        self.stream.connection()
    }
}
