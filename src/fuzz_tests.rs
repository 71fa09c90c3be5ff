//! Property tests: whatever bytes or JSON a server sends, every response
//! decoder returns a value or a typed error and never panics; and `null` in
//! any optional fields of any item or included object, which X sends, costs
//! nothing: the value decodes and nothing is left out.
//!
//! Run more cases with `PROPTEST_CASES=10000 cargo test --lib fuzz_tests`.

use bytes::Bytes;
use proptest::prelude::*;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::engine::transport::Exchange;
use crate::engine::{FromResponse, Paged, RateLimits, Response};
use crate::problem::ApiError;
use crate::x::types::{ChatConversation, DmEvent, Expansions};
use crate::{tweetapi, x};

fn exchange(status: u16, body: Vec<u8>) -> Exchange {
    Exchange {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        headers: HeaderMap::new(),
        body: Bytes::from(body),
        attempts: 1,
        rate_limits: RateLimits::default(),
        unread: None,
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
    let _ = exchange(status, body.to_vec())
        .error(crate::x::operations::GetDirectMessagesEvents::operation());
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
        let _ = exchange.error(crate::x::operations::ActivityStream::operation()).to_string();
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

/// The specs, read when the tests are built, so that a field added to them is
/// covered here without touching this file.
fn spec(text: &str) -> Value {
    serde_norway::from_str(text).expect("the specs are valid YAML")
}

/// A value of `schema` with every property present, and the JSON pointer of
/// each optional property in it, outermost first.
fn full_value(doc: &Value, schema: &Value, at: &str, optional: &mut Vec<String>) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = reference.strip_prefix('#').and_then(|p| doc.pointer(p));
        return full_value(doc, target.expect("refs resolve"), at, optional);
    }
    for key in ["oneOf", "allOf"] {
        if let Some(first) = schema.get(key).and_then(|list| list.get(0)) {
            return full_value(doc, first, at, optional);
        }
    }
    if let Some(first) = schema.get("enum").and_then(|list| list.get(0)) {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let item = full_value(doc, &schema["items"], &format!("{at}/0"), optional);
            Value::Array(vec![item])
        }
        Some("string") => Value::from("1000000000000000001"),
        Some("integer") => Value::from(1),
        Some("number") => Value::from(1.5),
        Some("boolean") => Value::Bool(true),
        // An object, declared as one or by its properties.
        _ => {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut object = serde_json::Map::new();
            let properties = schema["properties"].as_object().into_iter().flatten();
            for (name, property) in properties {
                let here = format!("{at}/{name}");
                if !required.contains(&name.as_str()) {
                    optional.push(here.clone());
                }
                object.insert(name.clone(), full_value(doc, property, &here, optional));
            }
            Value::Object(object)
        }
    }
}

/// Where a type's value goes in a page body, and the pointer of its first
/// instance there.
struct Placement {
    schema: &'static str,
    body: fn(Value) -> Value,
    at: &'static str,
}

const X_PLACEMENTS: &[Placement] = &[
    Placement {
        schema: "DmEvent",
        body: |v| serde_json::json!({ "data": [v] }),
        at: "/data/0",
    },
    Placement {
        schema: "ChatConversation",
        body: |v| serde_json::json!({ "data": [v] }),
        at: "/data/0",
    },
    Placement {
        schema: "ChatConversation",
        body: |v| serde_json::json!({ "data": v }),
        at: "/data",
    },
    Placement {
        schema: "User",
        body: |v| serde_json::json!({ "includes": { "users": [v] } }),
        at: "/includes/users/0",
    },
    Placement {
        schema: "Media",
        body: |v| serde_json::json!({ "includes": { "media": [v] } }),
        at: "/includes/media/0",
    },
    Placement {
        schema: "Tweet",
        body: |v| serde_json::json!({ "includes": { "tweets": [v] } }),
        at: "/includes/tweets/0",
    },
    Placement {
        schema: "Tweet",
        body: |v| serde_json::json!({ "includes": { "posts": [v] } }),
        at: "/includes/posts/0",
    },
    Placement {
        schema: "Place",
        body: |v| serde_json::json!({ "includes": { "places": [v] } }),
        at: "/includes/places/0",
    },
    Placement {
        schema: "Poll",
        body: |v| serde_json::json!({ "includes": { "polls": [v] } }),
        at: "/includes/polls/0",
    },
    Placement {
        schema: "Topic",
        body: |v| serde_json::json!({ "includes": { "topics": [v] } }),
        at: "/includes/topics/0",
    },
];

const TWEETAPI_PLACEMENTS: &[Placement] = &[
    Placement {
        schema: "Message",
        body: |v| serde_json::json!({ "messages": [v] }),
        at: "/messages/0",
    },
    Placement {
        schema: "User",
        body: |v| serde_json::json!({ "messages": [], "users": [v] }),
        at: "/users/0",
    },
    Placement {
        schema: "ConversationInfo",
        body: |v| serde_json::json!({ "messages": [], "conversationInfo": v }),
        at: "/conversationInfo",
    },
];

/// A placement's full body, whether it is X's (or TweetAPI's), and the
/// pointers of its optional fields in that body.
type FullBody = (bool, &'static Placement, Value, Vec<String>);

/// Every placement's full body, built once.
static FULL_BODIES: std::sync::LazyLock<Vec<FullBody>> = std::sync::LazyLock::new(full_bodies);

/// How many optional fields the property test can null in one body.
const MAX_OPTIONAL: usize = 256;

fn full_bodies() -> Vec<FullBody> {
    let x = spec(include_str!("../openapi/x-api.yaml"));
    let tweetapi = spec(include_str!("../openapi/tweetapi.yaml"));
    let mut out = Vec::new();
    for (is_x, doc, placements) in [
        (true, &x, X_PLACEMENTS),
        (false, &tweetapi, TWEETAPI_PLACEMENTS),
    ] {
        for placement in placements {
            let schema = &doc["components"]["schemas"][placement.schema];
            assert!(schema.is_object(), "{} is in the spec", placement.schema);
            let mut optional = Vec::new();
            let value = full_value(doc, schema, placement.at, &mut optional);
            out.push((is_x, placement, (placement.body)(value), optional));
        }
    }
    out
}

/// Decodes `body` as the facade does for the placement's endpoints, and
/// checks that the value is there: an item among the items, an included
/// object among the includes and not left out.
fn decodes_whole(is_x: bool, placement: &Placement, body: &Value) -> Result<(), String> {
    let bytes = Bytes::from(body.to_string());
    let name = placement.schema;
    let failed = |error: crate::Error| format!("{name}: {error}");
    if !is_x {
        let page = tweetapi::Page::parse(bytes).map_err(failed)?;
        if !page.warnings().is_empty() {
            return Err(format!("{name}: left out: {:?}", page.warnings()));
        }
        let found = match name {
            "Message" => page.items().len(),
            "User" => page.users().len(),
            _ => usize::from(page.conversation().is_some()),
        };
        return (found == 1)
            .then_some(())
            .ok_or_else(|| format!("{name}: lost"));
    }
    fn summary<T>(page: &x::Page<T>) -> (usize, Expansions, Vec<crate::Warning>) {
        let includes = page.includes().clone();
        (page.items().len(), includes, page.warnings().to_vec())
    }
    let (items, includes, warnings) = if name == "ChatConversation" {
        summary(&x::Page::<ChatConversation>::parse(bytes).map_err(failed)?)
    } else {
        summary(&x::Page::<DmEvent>::parse(bytes).map_err(failed)?)
    };
    if !warnings.is_empty() {
        return Err(format!("{name}: left out: {warnings:?}"));
    }
    let found = match name {
        "DmEvent" | "ChatConversation" => items,
        "User" => includes.users.len(),
        "Media" => includes.media.len(),
        // Posts are read as Tweets.
        "Tweet" => includes.tweets.len(),
        "Place" => includes.places.len(),
        "Poll" => includes.polls.len(),
        _ => includes.topics.len(),
    };
    (found == 1)
        .then_some(())
        .ok_or_else(|| format!("{name}: lost"))
}

/// `body` with `null` at each of `pointers` that is still there.
fn with_nulls<'a>(mut body: Value, pointers: impl IntoIterator<Item = &'a String>) -> Value {
    for pointer in pointers {
        if let Some(value) = body.pointer_mut(pointer) {
            *value = Value::Null;
        }
    }
    body
}

#[test]
fn null_in_any_one_optional_field_decodes() {
    for (is_x, placement, body, optional) in FULL_BODIES.iter() {
        let (is_x, placement) = (*is_x, *placement);
        decodes_whole(is_x, placement, body).unwrap();
        assert!(!optional.is_empty(), "{}", placement.schema);
        assert!(optional.len() <= MAX_OPTIONAL, "{}", placement.schema);
        for pointer in optional {
            let body = with_nulls(body.clone(), [pointer]);
            if let Err(error) = decodes_whole(is_x, placement, &body) {
                panic!("null at {pointer}: {error}");
            }
        }
        let all = with_nulls(body.clone(), optional.iter().rev());
        decodes_whole(is_x, placement, &all).unwrap();
    }
}

proptest! {
    #[test]
    fn null_in_any_optional_fields_decodes(
        which in any::<prop::sample::Index>(),
        nulls in prop::collection::vec(any::<bool>(), MAX_OPTIONAL),
    ) {
        let (is_x, placement, body, optional) = &FULL_BODIES[which.index(FULL_BODIES.len())];
        let chosen = optional.iter().zip(&nulls).filter(|(_, null)| **null).map(|(p, _)| p);
        let body = with_nulls(body.clone(), chosen);
        let decoded = decodes_whole(*is_x, placement, &body);
        prop_assert!(decoded.is_ok(), "{}", decoded.unwrap_err());
    }
}
