//! The HTTP client underneath both APIs' clients.

use std::time::Duration;

use crate::Error;

/// Sent as `User-Agent`, so that X and TweetAPI can tell this client apart.
pub const USER_AGENT: &str = concat!("x-dm/", env!("CARGO_PKG_VERSION"));

/// How long connecting may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a whole request may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

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
