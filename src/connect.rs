//! The HTTP client underneath, and the generated clients with credentials in
//! place.

use std::time::Duration;

use crate::Error;
use crate::auth::Credentials;
use crate::session::Session;

/// Where the X API lives.
pub const X_API_BASE_URL: &str = "https://api.x.com";

/// Where TweetAPI lives.
pub const TWEETAPI_BASE_URL: &str = "https://api.tweetapi.com";

/// Sent as `User-Agent`, so that X and TweetAPI can tell this client apart.
pub const USER_AGENT: &str = concat!("x-dm/", env!("CARGO_PKG_VERSION"));

/// How long connecting may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a whole request may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The generated X client, sending `access_token` (an OAuth 2.0 user-context
/// token) as `Authorization: Bearer`, with the default retry and rate-limit
/// policies.
///
/// DM and Chat endpoints refuse app-only tokens; see the README for how to get
/// a user-context token and which scopes it needs.
pub fn x_client(base_url: &str, access_token: &str) -> Result<crate::x::Client, Error> {
    let http = http_client(USER_AGENT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT)?;
    let session = Session::new(Credentials::bearer(access_token)?);
    Ok(crate::x::Client::new_with_client(base_url, http, session))
}

/// The generated TweetAPI client, sending `api_key` as `X-API-Key`.
///
/// The account's auth token is a query parameter of each TweetAPI request, so
/// it is given to the request builder, not here.
pub fn tweetapi_client(base_url: &str, api_key: &str) -> Result<crate::tweetapi::Client, Error> {
    let http = http_client(USER_AGENT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT)?;
    let session = Session::new(Credentials::api_key(api_key)?);
    Ok(crate::tweetapi::Client::new_with_client(
        base_url, http, session,
    ))
}

/// A `reqwest::Client` with this crate's user agent and timeouts.
pub(crate) fn http_client(
    user_agent: &str,
    connect: Duration,
    total: Duration,
) -> Result<reqwest::Client, Error> {
    install_tls_provider();
    Ok(reqwest::Client::builder()
        // Neither API redirects; following one would carry `X-API-Key` and
        // TweetAPI's session cookie (in the query) to whatever host it names.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .connect_timeout(connect)
        .timeout(total)
        .build()?)
}

/// Installs rustls' `ring` crypto provider as the process default, unless the
/// application installed one already.
///
/// This crate builds reqwest without a default provider (aws-lc needs a C and
/// CMake toolchain). Its own clients call this; call it yourself before
/// building a `reqwest::Client` of your own to hand to a builder's
/// `http_client`, or reqwest panics for want of a provider.
pub fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing the race to another thread that installs one is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
