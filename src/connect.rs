//! Builds the generated clients with their credentials in place.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::Error;

/// Where the X API lives.
pub const X_API_BASE_URL: &str = "https://api.x.com";

/// Where TweetAPI lives.
pub const TWEETAPI_BASE_URL: &str = "https://api.tweetapi.com";

/// Sent as `User-Agent`, so that X and TweetAPI can tell this client apart.
pub const USER_AGENT: &str = concat!("x-dm/", env!("CARGO_PKG_VERSION"));

/// The generated X client, sending `access_token` (an OAuth 2.0 user-context
/// token) as `Authorization: Bearer`.
///
/// DM and Chat endpoints refuse app-only tokens; see the README for how to get
/// a user-context token and which scopes it needs.
pub fn x_client(base_url: &str, access_token: &str) -> Result<crate::x::Client, Error> {
    let value = sensitive(&format!("Bearer {access_token}"), "access token")?;
    let http = http_client(AUTHORIZATION, value)?;
    Ok(crate::x::Client::new_with_client(base_url, http))
}

/// The generated TweetAPI client, sending `api_key` as `X-API-Key`.
///
/// The account's auth token is a query parameter of each TweetAPI request, so
/// it is given to the request builder, not here.
pub fn tweetapi_client(base_url: &str, api_key: &str) -> Result<crate::tweetapi::Client, Error> {
    let value = sensitive(api_key, "TweetAPI key")?;
    let http = http_client(HeaderName::from_static("x-api-key"), value)?;
    Ok(crate::tweetapi::Client::new_with_client(base_url, http))
}

/// A header value marked sensitive, which keeps it out of reqwest's `Debug`.
fn sensitive(value: &str, credential: &'static str) -> Result<HeaderValue, Error> {
    let mut header =
        HeaderValue::from_str(value).map_err(|_| Error::InvalidCredential { credential })?;
    header.set_sensitive(true);
    Ok(header)
}

fn http_client(name: HeaderName, value: HeaderValue) -> Result<reqwest::Client, Error> {
    install_tls_provider();
    let mut headers = HeaderMap::new();
    headers.insert(name, value);
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// reqwest is built without a default crypto provider (aws-lc needs a C and
/// CMake toolchain); ring is installed unless the application chose one.
fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing the race to another thread that installs one is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
