//! The HTTP client underneath, and the generated clients with credentials in
//! place.

use crate::Error;
use crate::engine::http::http_client;
pub use crate::engine::http::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT, install_tls_provider,
};
use crate::engine::{Credentials, Session};

/// Where the X API lives.
pub const X_API_BASE_URL: &str = "https://api.x.com";

/// Where TweetAPI lives.
pub const TWEETAPI_BASE_URL: &str = "https://api.tweetapi.com";

/// The generated X client, sending `access_token` (an OAuth 2.0 user-context
/// token) as `Authorization: Bearer`, with the default retry and rate-limit
/// policies.
///
/// DM and Chat endpoints refuse app-only tokens; see the README for how to get
/// a user-context token and which scopes it needs.
pub fn x_client(base_url: &str, access_token: &str) -> Result<crate::x::generated::Client, Error> {
    let http = http_client(USER_AGENT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT)?;
    let session = Session::new(Credentials::bearer(access_token)?);
    Ok(crate::x::generated::Client::new_with_client(
        base_url, http, session,
    ))
}

/// The generated TweetAPI client, sending `api_key` as `X-API-Key`.
///
/// The account's auth token is a query parameter of each TweetAPI request, so
/// it is given to the request builder, not here.
pub fn tweetapi_client(
    base_url: &str,
    api_key: &str,
) -> Result<crate::tweetapi::generated::Client, Error> {
    let http = http_client(USER_AGENT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT)?;
    let session = Session::new(Credentials::api_key(api_key)?);
    Ok(crate::tweetapi::generated::Client::new_with_client(
        base_url, http, session,
    ))
}
