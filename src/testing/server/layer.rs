//! What stands in front of every route, the fallback included: it counts the
//! request, adds latency, applies the next fault and enforces the rate
//! limit, answering in the shape of the API the path belongs to.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::{Api, api_of, unix_now};
use crate::testing::knobs::Quota;
use crate::testing::{Fault, Shared};

pub(super) async fn knobs(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    shared.knobs.count_request();
    // Taken on arrival, so that faults go to requests in the order they came.
    let fault = shared.knobs.next_fault();
    let api = api_of(request.uri().path());
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    match &fault {
        Some(Fault::Status(code)) => return status_fault(api, *code, shared.knobs.peek()),
        Some(Fault::Slow(delay)) => tokio::time::sleep(*delay).await,
        _ => {}
    }
    let quota = shared.knobs.spend();
    let mut response = if quota.allowed {
        next.run(request).await
    } else {
        (api.too_many_requests)(quota)
    };
    rate_limit_headers(response.headers_mut(), quota);
    if let Some(fault) = &fault {
        response = after(fault, response).await;
    }
    response
}

/// What a fault does to a response already made: its request was carried
/// out either way.
pub(super) async fn after(fault: &Fault, response: Response) -> Response {
    match fault {
        Fault::Truncate => truncated(response).await,
        Fault::DropAfterRequest => dropped(),
        _ => response,
    }
}

/// A response whose body fails before its first byte: hyper then closes the
/// connection without sending the head it had not flushed, and the client
/// sees a connection closed with no answer.
fn dropped() -> Response {
    let failing = futures::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::other("connection dropped by a fault"))
    });
    Response::new(Body::from_stream(failing))
}

fn rate_limit_headers(headers: &mut HeaderMap, quota: Quota) {
    headers.insert("x-rate-limit-limit", HeaderValue::from(quota.limit));
    headers.insert("x-rate-limit-remaining", HeaderValue::from(quota.remaining));
    headers.insert("x-rate-limit-reset", HeaderValue::from(quota.reset));
}

/// The answer to an injected `Fault::Status`.
pub(super) fn status_fault(api: &Api, code: u16, mut quota: Quota) -> Response {
    let status = StatusCode::from_u16(code)
        .ok()
        .filter(|status| (200..=599).contains(&status.as_u16()))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::TOO_MANY_REQUESTS {
        // A real 429 comes with a spent window; a short one keeps clients
        // that wait for the reset quick.
        quota.remaining = 0;
        quota.reset = unix_now() + 1;
    }
    let mut response = (api.status)(status);
    rate_limit_headers(response.headers_mut(), quota);
    response
}

/// `response` with the first half of its body, and a `Content-Length` that
/// says so: the client reads a complete message that is not JSON.
async fn truncated(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(half.len()));
    Response::from_parts(parts, Body::from(half))
}
