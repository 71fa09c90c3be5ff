//! What every request of a client shares, generated clients included.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::auth::Credentials;
use super::policy::{RateLimitPolicy, RetryPolicy};
use super::rate_limit::Limiter;

/// Why a client is waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// The rate-limit window had no request left; waiting for its reset.
    RateLimitExhausted,
    /// The API answered 429; waiting for the reset it named.
    TooManyRequests,
    /// A transient failure; backing off before the next attempt.
    Retry {
        /// The attempt that failed (1 for the first).
        attempt: u32,
    },
    /// A long-lived stream was cut or could not be opened; waiting before
    /// connecting again.
    Reconnect {
        /// Reconnects in a row so far (1 for the first).
        attempt: u32,
    },
}

/// A wait the client is about to take, for progress displays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    /// Why.
    pub reason: WaitReason,
    /// How long, jitter included.
    pub duration: Duration,
    /// The reset waited for, if a rate limit is the reason.
    pub until: Option<DateTime<Utc>>,
}

/// Called before each wait.
pub type WaitObserver = Arc<dyn Fn(&Wait) + Send + Sync>;

/// A client's credential, policies and what it learned of the rate limits.
/// Clones share the rate-limit memory.
#[derive(Clone)]
pub struct Session {
    pub(crate) credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit: RateLimitPolicy,
    pub(crate) limiter: Arc<Limiter>,
    pub(crate) on_wait: Option<WaitObserver>,
}

impl Session {
    /// A session with the default policies.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            retry: RetryPolicy::default(),
            rate_limit: RateLimitPolicy::default(),
            limiter: Arc::default(),
            on_wait: None,
        }
    }

    /// The same session with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same session with another rate-limit policy.
    pub fn with_rate_limit(mut self, rate_limit: RateLimitPolicy) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// The same session, telling `observer` about each wait before it starts.
    pub fn with_wait_observer(mut self, observer: WaitObserver) -> Self {
        self.on_wait = Some(observer);
        self
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}
