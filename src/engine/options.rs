//! Settings both clients' builders share, and where requests go.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::auth::Credentials;
use super::connection::Connection;
use super::http::{self, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT};
use super::policy::{RateLimitPolicy, RetryPolicy};
use super::session::{Session, WaitObserver};
use super::validate::InvalidParameter;
use crate::Error;

/// Connection settings and policies, before they are built.
pub(crate) struct HttpOptions {
    pub base_url: Option<String>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub user_agent: Option<String>,
    pub http: Option<reqwest::Client>,
    pub retry: RetryPolicy,
    pub rate_limit: RateLimitPolicy,
    pub on_wait: Option<WaitObserver>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            http: None,
            retry: RetryPolicy::default(),
            rate_limit: RateLimitPolicy::default(),
            on_wait: None,
        }
    }
}

impl fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpOptions")
            .field("base_url", &self.base_url.as_deref().map(without_userinfo))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

impl HttpOptions {
    /// The HTTP client, the parsed base URL and the session.
    pub fn build(
        self,
        default_base: &str,
        credentials: Credentials,
    ) -> Result<(reqwest::Client, reqwest::Url, Session), Error> {
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(default_base))?;
        let http = match self.http {
            Some(http) => http,
            None => http::http_client(
                self.user_agent.as_deref().unwrap_or(USER_AGENT),
                self.connect_timeout,
                self.timeout,
            )?,
        };
        let mut session = Session::new(credentials)
            .with_retry(self.retry)
            .with_rate_limit(self.rate_limit);
        if let Some(observer) = self.on_wait {
            session = session.with_wait_observer(observer);
        }
        Ok((http, base_url, session))
    }

    /// The connection, with `credentials` filling the parameters the spec
    /// marks `x-credential`.
    pub fn connect(
        self,
        default_base: &str,
        header: Credentials,
        credentials: Vec<(&'static str, secrecy::SecretString)>,
    ) -> Result<Connection, Error> {
        let (http, base_url, session) = self.build(default_base, header)?;
        Ok(Connection::with_credentials(
            http,
            session,
            base_url,
            credentials,
        ))
    }

    pub fn observe_waits(
        &mut self,
        observer: impl Fn(&super::session::Wait) + Send + Sync + 'static,
    ) {
        self.on_wait = Some(Arc::new(observer));
    }
}

/// The setters every client builder has; `$default` names its default base URL
/// in the docs.
macro_rules! option_setters {
    ($default:literal) => {
        #[doc = concat!("The API root, `", $default, "` by default. Plain `http` is refused")]
        /// unless the host is loopback (a local test server), since the
        /// credential would travel in clear.
        pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
            self.options.base_url = Some(base_url.into());
            self
        }

        /// How long a whole request may take (30 s by default).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = timeout;
            self
        }

        /// How long connecting may take (10 s by default).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.connect_timeout = timeout;
            self
        }

        /// The `User-Agent` to send instead of `x-dm/<version>`.
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.options.user_agent = Some(user_agent.into());
            self
        }

        /// A `reqwest::Client` of the caller's own. The timeouts and user
        /// agent of this builder are then the caller's client's.
        pub fn http_client(mut self, http: reqwest::Client) -> Self {
            self.options.http = Some(http);
            self
        }

        /// How transient failures are retried (3 attempts by default).
        pub fn retry(mut self, retry: $crate::RetryPolicy) -> Self {
            self.options.retry = retry;
            self
        }

        /// Whether to wait for a rate limit's reset, and how long at most
        /// (waiting up to 16 minutes by default).
        pub fn rate_limit_policy(mut self, policy: $crate::RateLimitPolicy) -> Self {
            self.options.rate_limit = policy;
            self
        }

        /// Calls `observer` before each wait (a rate-limit reset, a backoff),
        /// for progress displays.
        pub fn on_wait(mut self, observer: impl Fn(&$crate::Wait) + Send + Sync + 'static) -> Self {
            self.options.observe_waits(observer);
            self
        }
    };
}

pub(crate) use option_setters;

pub(crate) fn parse_base_url(base: &str) -> Result<reqwest::Url, Error> {
    let refuse = |rule: &str| InvalidParameter::new("base_url", rule, Some(base.to_owned()));
    let url = reqwest::Url::parse(base).map_err(|_| refuse("must be an absolute URL"))?;
    // First, so that no other refusal repeats a password.
    if !url.username().is_empty() || url.password().is_some() {
        // Shown in errors and `Debug` otherwise; credentials have their own
        // setters, which keep them secret.
        return Err(InvalidParameter::new(
            "base_url",
            "must not carry a user name or password",
            None,
        )
        .into());
    }
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(refuse("must be an http or https URL").into());
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(refuse(
            "must use https unless the host is loopback (localhost, 127.0.0.0/8, ::1)",
        )
        .into());
    }
    Ok(url)
}

/// A base URL as `Debug` may show it: whatever is before an `@` in its
/// authority (a user name and password) left out.
fn without_userinfo(base: &str) -> String {
    match base.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}://<redacted>@{}", &rest[at + 1..]),
                None => base.to_owned(),
            }
        }
        None => base.to_owned(),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_off_loopback() {
        for base in [
            "http://api.x.com",
            "http://10.0.0.1:8080",
            "http://example.localhost.evil",
        ] {
            let error = parse_base_url(base).unwrap_err();
            assert!(
                error.to_string().contains("must use https"),
                "{base}: {error}"
            );
        }
        for base in [
            "https://api.x.com",
            "http://127.0.0.1:9",
            "http://localhost:8080/x",
            "http://[::1]:80",
        ] {
            assert!(parse_base_url(base).is_ok(), "{base}");
        }
        assert!(parse_base_url("ftp://api.x.com").is_err());
        let error = parse_base_url("https://user:hunter2@api.x.com")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("user name or password") && !error.contains("hunter2"),
            "{error}"
        );
        assert!(parse_base_url("not a url").is_err());
        let error = parse_base_url("ftp://user:hunter2@api.x.com")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("hunter2"), "{error}");
        assert_eq!(
            without_userinfo("https://user:hunter2@api.x.com/2"),
            "https://<redacted>@api.x.com/2"
        );
        assert_eq!(
            without_userinfo("https://api.x.com/a@b"),
            "https://api.x.com/a@b"
        );
    }
}
