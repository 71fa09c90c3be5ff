//! `activityStream`: a long-lived response that sends, one JSON line each,
//! a `dm.received` or `dm.sent` event for every DM written while it is open,
//! when the app subscribed to that event type. `backfill_minutes` first
//! sends the events of that many minutes of the fake's clock. Blank lines
//! keep the connection alive; a test cuts it with
//! [`FakeX::cut_activity_streams`](crate::testing::FakeX::cut_activity_streams).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::DateTime;
use serde_json::{Value, json};

use crate::testing::Shared;
use crate::testing::data::Dataset;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::testing::store::Store;
use crate::testing::streams::Streams;
use crate::x::operations::ActivityStream;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: ActivityStream::operation,
    serve,
    tokens: None,
};

/// How often an open stream looks for new events.
const TICK: Duration = Duration::from_millis(20);

/// Ticks between two keep-alives.
const KEEP_ALIVE_TICKS: u32 = 25;

fn serve(shared: &Shared, call: &Call) -> Response {
    let backfill_ms = call
        .value(params::BACKFILL_MINUTES)
        .and_then(|minutes| minutes.parse::<i64>().ok())
        .unwrap_or(0)
        * 60_000;
    let data = shared.store.snapshot();
    let since = data.clock_ms() - backfill_ms;
    // What is there already is not news, but for the backfill.
    let sent: HashSet<String> = data
        .all_events()
        .into_iter()
        .filter(|event| backfill_ms == 0 || created_ms(event) < since)
        .filter_map(|event| Some(event.get("id")?.as_str()?.to_owned()))
        .collect();
    shared.streams.opened();
    let open = Open {
        store: shared.store.clone(),
        streams: shared.streams.clone(),
        generation: shared.streams.generation(),
        sent,
        seen: None,
        ticks: 0,
        first: true,
    };
    let body = futures::stream::unfold(open, |mut open| async move {
        let chunk = open.next().await?;
        Some((chunk, open))
    });
    let mut response = Response::new(Body::from_stream(body));
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// One open stream.
struct Open {
    store: Store,
    streams: Streams,
    generation: u64,
    /// The DM events sent, or there before the stream opened.
    sent: HashSet<String>,
    /// The dataset last looked through: a write replaces it, so the same
    /// one again means nothing new.
    seen: Option<Arc<Dataset>>,
    ticks: u32,
    first: bool,
}

impl Open {
    /// The next chunk: new events' lines, a keep-alive, or the error that
    /// breaks the connection when the stream was cut.
    async fn next(&mut self) -> Option<Result<Bytes, std::io::Error>> {
        loop {
            // The snapshot first: a write made after a cut is then never
            // sent on the stream that was cut.
            let data = self.store.snapshot();
            if self.streams.generation() != self.generation {
                return Some(Err(std::io::Error::other("the test cut the stream")));
            }
            if !self
                .seen
                .as_ref()
                .is_some_and(|seen| Arc::ptr_eq(seen, &data))
            {
                let lines = self.news(&data);
                self.seen = Some(data);
                if !lines.is_empty() {
                    return Some(Ok(Bytes::from(lines)));
                }
            }
            if std::mem::take(&mut self.first) {
                // The head goes out with a first chunk: a keep-alive.
                return Some(Ok(Bytes::from_static(b"\r\n")));
            }
            tokio::time::sleep(TICK).await;
            self.ticks += 1;
            if self.ticks.is_multiple_of(KEEP_ALIVE_TICKS) {
                return Some(Ok(Bytes::from_static(b"\r\n")));
            }
        }
    }

    /// The lines of the events not sent yet, oldest first, of the event
    /// types the app subscribed to.
    fn news(&mut self, data: &Dataset) -> Vec<u8> {
        let mut events = data.all_events();
        events.reverse();
        let mut lines = Vec::new();
        for event in events {
            let Some(id) = event.get("id").and_then(Value::as_str) else {
                continue;
            };
            if self.sent.contains(id) {
                continue;
            }
            self.sent.insert(id.to_owned());
            if let Some(line) = line_of(data, event) {
                lines.extend_from_slice(line.to_string().as_bytes());
                lines.push(b'\n');
            }
        }
        lines
    }
}

/// The Activity API's `dm.sent` or `dm.received` event for a DM event, if
/// the app subscribed to it; its `event_uuid` is the same on every
/// connection, as X's is for one delivery.
fn line_of(data: &Dataset, event: &Value) -> Option<Value> {
    if event.get("event_type").and_then(Value::as_str) != Some("MessageCreate") {
        return None;
    }
    let id = event.get("id")?.as_str()?;
    let sender = event.get("sender_id")?.as_str()?;
    let account = data.account_id();
    let event_type = if sender == account {
        "dm.sent"
    } else {
        "dm.received"
    };
    let subscription = data
        .subscriptions()
        .iter()
        .find(|s| s.get("event_type").and_then(Value::as_str) == Some(event_type))?;
    let conversation = data.conversation(event.get("dm_conversation_id")?.as_str()?)?;
    let recipient = conversation
        .participants
        .iter()
        .find(|p| p.as_str() != sender)
        .map_or(account, String::as_str);
    let uuid = id.parse::<u64>().ok()?.wrapping_mul(7) % 10_000_000_000_000_000_000;
    let mut data_field = json!({
        "event_uuid": uuid.to_string(),
        "filter": {"user_id": account},
        "event_type": event_type,
        "payload": {
            "direct_message_events": [{
                "type": "message_create",
                "id": id,
                "created_timestamp": created_ms(event).to_string(),
                "message_create": {
                    "target": {"recipient_id": recipient},
                    "sender_id": sender,
                    "message_data": {"text": event.get("text").cloned().unwrap_or(json!(""))},
                },
            }],
        },
    });
    if let Some(tag) = subscription.get("tag") {
        data_field["tag"] = tag.clone();
    }
    Some(json!({ "data": data_field }))
}

fn created_ms(event: &Value) -> i64 {
    event
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .map_or(0, |at| at.timestamp_millis())
}
