//! Shared by the integration tests: fixtures and clients pointed at httpmock.

#![allow(dead_code, reason = "each test binary uses a different part")]

use std::collections::HashMap;
pub mod fault_server;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use httpmock::prelude::*;

/// The access token every X test sends.
pub const ACCESS_TOKEN: &str = "test-access-token-3f9a";
/// The TweetAPI key every TweetAPI test sends.
pub const API_KEY: &str = "test-api-key-77c1";
/// The TweetAPI auth token (a session cookie) every TweetAPI test sends.
pub const AUTH_TOKEN: &str = "test-auth-token-cookie-b20e";

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn fixture(operation_id: &str, name: &str) -> String {
    let path = fixtures_dir().join(operation_id).join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every positive fixture of an operation, as (file name, status, body).
pub fn fixtures_of(operation_id: &str) -> Vec<(String, u16, String)> {
    let dir = fixtures_dir().join(operation_id);
    let mut found: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let status = name.split('-').next().unwrap().parse().unwrap();
            (name, status, fs::read_to_string(&path).unwrap())
        })
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no fixtures for {operation_id}");
    found
}

pub fn x_client(server: &MockServer) -> x_dm::x::generated::Client {
    x_dm::connect::x_client(&server.base_url(), ACCESS_TOKEN).unwrap()
}

pub fn tweetapi_client(server: &MockServer) -> x_dm::tweetapi::generated::Client {
    x_dm::connect::tweetapi_client(&server.base_url(), API_KEY).unwrap()
}

/// The facade's X client, pointed at the mock server.
pub fn x_facade(server: &MockServer) -> x_dm::Client {
    x_dm::Client::builder(ACCESS_TOKEN)
        .base_url(server.base_url())
        .build()
        .unwrap()
}

/// The facade's TweetAPI client, pointed at the mock server.
pub fn tweetapi_facade(server: &MockServer) -> x_dm::TweetApiClient {
    x_dm::TweetApiClient::builder(API_KEY, AUTH_TOKEN)
        .base_url(server.base_url())
        .build()
        .unwrap()
}

/// The DM conversation most facade tests read.
pub const DM_CONVERSATION: &str = "1582103724607971328-1613565123466371072";

/// The path of [`DM_CONVERSATION`]'s events.
pub fn dm_events_path() -> String {
    format!("/2/dm_conversations/{DM_CONVERSATION}/dm_events")
}

/// TweetAPI's conversation endpoint.
pub const TWEETAPI_PATH: &str = "/tw-v2/interaction/conversation";

/// A page of `count` `MessageCreate` events with ids counting down from
/// `first_id`, each sent by `sender`, and `next_token` in `meta` if given.
pub fn dm_page(
    first_id: u64,
    count: u64,
    sender: &str,
    next_token: Option<&str>,
) -> serde_json::Value {
    let data: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            serde_json::json!({
                "id": (first_id - i).to_string(),
                "event_type": "MessageCreate",
                "text": format!("message {}", first_id - i),
                "sender_id": sender,
            })
        })
        .collect();
    let mut meta = serde_json::json!({ "result_count": count });
    if let Some(token) = next_token {
        meta["next_token"] = token.into();
    }
    serde_json::json!({ "data": data, "meta": meta })
}

/// A server that answers `path` with the body keyed by the value of the
/// query parameter `param` (`None`: the parameter is absent) and records
/// that value for every request, in order. A value with no body gets a 500,
/// so that an unexpected request fails the test loudly.
pub fn serve_by_param<'a>(
    server: &'a MockServer,
    path: &str,
    param: &'static str,
    pages: Vec<(Option<&str>, serde_json::Value)>,
) -> (httpmock::Mock<'a>, Arc<Mutex<Vec<Option<String>>>>) {
    let pages: HashMap<Option<String>, String> = pages
        .into_iter()
        .map(|(key, body)| (key.map(str::to_owned), body.to_string()))
        .collect();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let mock = server.mock(|when, then| {
        when.method(GET).path(path);
        then.respond_with(move |req: &HttpMockRequest| {
            let value = req
                .query_params()
                .into_iter()
                .find(|(name, _)| name == param)
                .map(|(_, value)| value);
            sink.lock().unwrap().push(value.clone());
            match pages.get(&value) {
                Some(body) => HttpMockResponse::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .build(),
                None => HttpMockResponse::builder()
                    .status(400)
                    .header("content-type", "application/json")
                    .body(format!(r#"{{"title": "unexpected {param} {value:?}"}}"#))
                    .build(),
            }
        });
    });
    (mock, seen)
}

/// What [`serve_by_param`] recorded.
pub fn recorded(seen: &Arc<Mutex<Vec<Option<String>>>>) -> Vec<Option<String>> {
    seen.lock().unwrap().clone()
}

/// Answers GET `path` with `status` and the JSON `body`.
pub fn json_response(then: httpmock::Then, status: u16, body: &serde_json::Value) {
    then.status(status)
        .header("content-type", "application/json")
        .body(body.to_string());
}

/// A subscription to `user`'s events of `event_type`, tagged `dm-inbound`.
pub fn subscription(
    event_type: x_dm::x::types::ActivityEventType,
    user: &str,
) -> x_dm::x::types::CreateActivitySubscriptionRequest {
    x_dm::x::types::CreateActivitySubscriptionRequest {
        event_type,
        filter: x_dm::x::types::ActivitySubscriptionFilterRequest {
            user_id: Some(user.to_owned()),
            direction: None,
            keyword: None,
            qualifiers: Default::default(),
        },
        expires_at: None,
        tag: Some("dm-inbound".to_owned()),
        webhook_id: None,
    }
}
