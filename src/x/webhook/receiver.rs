//! The webhook endpoint: the CRC answer, the signature check and each
//! delivery handed out once.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};

use super::payload::Delivery;
use super::signature::{SIGNATURE_HEADER, Signer};

/// The largest body taken; a larger one is answered 413.
pub const MAX_BODY: usize = 1024 * 1024;

/// How many deliveries are remembered to recognise a repeat: more than X
/// sends in its 24 hours of retries and replays to most apps.
const REMEMBERED: usize = 100_000;

/// Deliveries waiting for the consumer before X is made to wait too.
const QUEUE: usize = 1024;

/// A delivery as it came: decoded, and its body exactly as X sent it.
///
/// X has its answer when this is dropped: 200 once handled, or 503 after
/// [`refuse`](Self::refuse), so that X sends it again later. A consumer
/// that dies before dropping it leaves X without an answer, and X retries.
#[derive(Debug)]
pub struct Received {
    /// The decoded delivery.
    pub delivery: Delivery,
    /// The body as sent.
    pub body: Bytes,
    answer: Option<oneshot::Sender<bool>>,
}

impl Received {
    /// Answers X 503 instead of 200: the delivery was not handled, and X is
    /// to send it again (it is then no repeat).
    pub fn refuse(mut self) {
        if let Some(answer) = self.answer.take() {
            let _ = answer.send(false);
        }
    }
}

impl Drop for Received {
    fn drop(&mut self) {
        if let Some(answer) = self.answer.take() {
            let _ = answer.send(true);
        }
    }
}

/// The webhook endpoint of one app. Cheap to clone; clones share what they
/// have delivered.
#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
}

struct Inner {
    signer: Signer,
    deliveries: mpsc::Sender<Received>,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    order: VecDeque<String>,
    keys: HashSet<String>,
}

impl fmt::Debug for Receiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

impl Receiver {
    /// A receiver checking signatures with the app's consumer secret, and
    /// the deliveries it takes, each once. A delivery is answered once the
    /// consumer drops what it received (see [`Received`]); while the queue
    /// is full, X waits.
    pub fn new(consumer_secret: impl AsRef<[u8]>) -> (Self, mpsc::Receiver<Received>) {
        let (deliveries, queue) = mpsc::channel(QUEUE);
        let receiver = Self {
            inner: Arc::new(Inner {
                signer: Signer::new(consumer_secret),
                deliveries,
                seen: Mutex::default(),
            }),
        };
        (receiver, queue)
    }

    /// The endpoint, at `/`: `GET ?crc_token=` and `POST` deliveries. Mount
    /// it under a path of your own with `Router::nest`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(crc).post(deliver))
            .layer(DefaultBodyLimit::max(MAX_BODY))
            .with_state(self.clone())
    }

    /// Serves the endpoint at `address` until the task is dropped.
    pub async fn serve(self, address: SocketAddr) -> std::io::Result<()> {
        let listener = tokio::net::TcpListener::bind(address).await?;
        self.serve_on(listener).await
    }

    /// Serves the endpoint on a listener already bound (port 0 included)
    /// until the task is dropped.
    pub async fn serve_on(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }

    /// Marks `key` as delivered; false when it already was.
    fn first_time(&self, key: &str) -> bool {
        let mut seen = self
            .inner
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !seen.keys.insert(key.to_owned()) {
            return false;
        }
        seen.order.push_back(key.to_owned());
        if seen.order.len() > REMEMBERED
            && let Some(oldest) = seen.order.pop_front()
        {
            seen.keys.remove(&oldest);
        }
        true
    }

    fn forget(&self, key: &str) {
        let mut seen = self
            .inner
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        seen.keys.remove(key);
        seen.order.retain(|k| k != key);
    }
}

#[derive(Deserialize)]
struct Challenge {
    crc_token: Option<String>,
}

async fn crc(State(receiver): State<Receiver>, Query(challenge): Query<Challenge>) -> Response {
    match challenge.crc_token {
        Some(token) => Json(receiver.inner.signer.crc_response(&token)).into_response(),
        None => (StatusCode::BAD_REQUEST, "missing crc_token").into_response(),
    }
}

async fn deliver(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let signed = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|signature| receiver.inner.signer.verify(&body, signature));
    if !signed {
        tracing::warn!("webhook delivery refused: missing or wrong signature");
        return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
    }
    let delivery = match Delivery::parse(&body) {
        Ok(delivery) => delivery,
        Err(error) => {
            tracing::warn!(%error, "webhook delivery refused: not a payload");
            return (StatusCode::BAD_REQUEST, "not a webhook payload").into_response();
        }
    };
    // Without an id, the same bytes are the same delivery.
    let key = delivery.id().unwrap_or_else(|| {
        let digest = ring::digest::digest(&ring::digest::SHA256, &body);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        format!("body:{hex}")
    });
    if !receiver.first_time(&key) {
        tracing::debug!(key, "webhook delivery repeated; delivered once already");
        return StatusCode::OK.into_response();
    }
    let (answer, answered) = oneshot::channel();
    let queued = receiver
        .inner
        .deliveries
        .send(Received {
            delivery,
            body,
            answer: Some(answer),
        })
        .await;
    // Refused, or no one takes deliveries any more: X is to send it again.
    if queued.is_err() || answered.await != Ok(true) {
        receiver.forget(&key);
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    StatusCode::OK.into_response()
}
