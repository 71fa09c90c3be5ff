//! Property tests: whatever bytes or JSON a server sends, every response
//! decoder returns a value or a typed error and never panics.
//!
//! Run more cases with `PROPTEST_CASES=10000 cargo test --lib fuzz_tests`.

use bytes::Bytes;
use proptest::prelude::*;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::engine::transport::{Exchange, Repeat};
use crate::engine::{FromResponse, Paged, RateLimits, Response};
use crate::problem::ApiError;
use crate::x::types::{ChatConversation, DmEvent};
use crate::{tweetapi, x};

fn exchange(status: u16, body: Vec<u8>) -> Exchange {
    Exchange {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        headers: HeaderMap::new(),
        body: Bytes::from(body),
        attempts: 1,
        rate_limits: RateLimits::default(),
    }
}

fn response(status: u16, body: &[u8]) -> Response {
    Response {
        status,
        headers: HeaderMap::new(),
        body: Bytes::copy_from_slice(body),
        rate_limits: RateLimits::default(),
    }
}

/// Runs a body through every decoder, and what decodes through the joins
/// and the pagination lookups as well.
fn decode_everything(status: u16, body: &[u8]) {
    if let Ok(page) = x::Page::<DmEvent>::from_response(response(status, body)) {
        let _ = page.token("meta.next_token");
        let _ = page.raw_items().len();
        let _ = page.joined();
    }
    if let Ok(page) = x::Page::<ChatConversation>::from_response(response(status, body)) {
        let _ = page.has_more("meta.has_more");
        let _ = page.joined();
    }
    if let Ok(page) = tweetapi::Page::from_response(response(status, body)) {
        let _ = page.token("cursor");
        let _ = page.raw_items().len();
        let _ = page.joined();
    }
    let error = ApiError::from_body(status, body, &["dm.read"]);
    let _ = error.to_string();
    let _ = error.retry_after_secs();
    let _ = exchange(status, body.to_vec()).error(&["dm.read"], Repeat::BeforeSent);
}

/// JSON values up to a few levels deep, with the keys the decoders look for
/// mixed in so that the interesting branches are reached.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("data".to_owned()),
        Just("includes".to_owned()),
        Just("users".to_owned()),
        Just("meta".to_owned()),
        Just("next_token".to_owned()),
        Just("errors".to_owned()),
        Just("id".to_owned()),
        Just("event_type".to_owned()),
        Just("messages".to_owned()),
        Just("error".to_owned()),
        Just("type".to_owned()),
        Just("title".to_owned()),
        Just("details".to_owned()),
        Just("retryAfter".to_owned()),
        Just("pagination".to_owned()),
        "[a-z_]{1,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_rate_limit_headers_never_panic(
        status in prop_oneof![Just(429u16), Just(200), Just(503)],
        reset in "[0-9-]{0,25}",
        retry_after in prop_oneof!["[0-9]{0,25}", ".{0,40}"],
        remaining in "[0-9-]{0,25}",
    ) {
        let mut exchange = exchange(status, br#"{"error":{"details":{"retryAfter":18446744073709551615}}}"#.to_vec());
        for (name, value) in [("x-rate-limit-reset", &reset), ("retry-after", &retry_after), ("x-rate-limit-remaining", &remaining)] {
            if let Ok(value) = value.parse() {
                exchange.headers.insert(name, value);
            }
        }
        let limits = RateLimits::from_headers(&exchange.headers);
        let _ = limits.exhausted_until();
        let _ = exchange.error(&[], Repeat::Safe).to_string();
    }

    #[test]
    fn arbitrary_bytes_never_panic(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(status, &body);
    }

    #[test]
    fn arbitrary_json_never_panics(status in prop_oneof![Just(200u16), Just(404), Just(429), 100u16..600], value in json()) {
        decode_everything(status, value.to_string().as_bytes());
    }
}
