//! Shared by the integration tests: fixtures and clients pointed at httpmock.

#![allow(dead_code, reason = "each test binary uses a different part")]

use std::fs;
use std::path::{Path, PathBuf};

use httpmock::MockServer;

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

pub fn x_client(server: &MockServer) -> x_dm::x::Client {
    x_dm::connect::x_client(&server.base_url(), ACCESS_TOKEN).unwrap()
}

pub fn tweetapi_client(server: &MockServer) -> x_dm::tweetapi::Client {
    x_dm::connect::tweetapi_client(&server.base_url(), API_KEY).unwrap()
}
