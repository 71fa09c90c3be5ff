//! How a client behaves when the API is busy or failing.

use std::time::Duration;

/// What a client does when a rate limit is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitPolicy {
    /// Wait for the window to reset, then go on, as long as the wait is at
    /// most `max_wait`; a longer wait fails at once with
    /// [`Error::RateLimited`](crate::Error::RateLimited). The default, with 16
    /// minutes: X's DM windows are 15 minutes long.
    Wait {
        /// The longest wait accepted.
        max_wait: Duration,
    },
    /// Fail at once with [`Error::RateLimited`](crate::Error::RateLimited).
    Fail,
}

impl Default for RateLimitPolicy {
    fn default() -> Self {
        Self::Wait {
            max_wait: Duration::from_secs(16 * 60),
        }
    }
}

impl RateLimitPolicy {
    /// The wait to accept, or `None` if this wait is not to be taken.
    pub(crate) fn accepts(&self, wait: Duration) -> bool {
        match self {
            Self::Wait { max_wait } => wait <= *max_wait,
            Self::Fail => false,
        }
    }
}

/// How transient failures (408, 500, 502, 503, 504, connection resets and
/// timeouts) are retried. Only requests that are safe to repeat are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (3 by default; 1 never retries).
    pub max_attempts: u32,
    /// The backoff before the first retry; it doubles with each attempt.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// `max_attempts` attempts with the default delays.
    pub fn attempts(max_attempts: u32) -> Self {
        Self {
            max_attempts: max_attempts.max(1),
            ..Self::default()
        }
    }

    /// The same policy with other delays.
    pub fn with_delays(mut self, base_delay: Duration, max_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self.max_delay = max_delay;
        self
    }

    /// The backoff before retry number `retry` (1 for the first): a random
    /// duration up to `base * 2^(retry - 1)`, capped ("full jitter"), so that
    /// many clients failing together do not retry together.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// A little extra on a rate-limit wait, so that clients sharing a reset do not
/// all return at the same instant: up to a tenth of the wait, at most 1 s.
pub(crate) fn reset_jitter(wait: Duration) -> Duration {
    (wait / 10)
        .min(Duration::from_secs(1))
        .mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_its_exponential_ceiling() {
        let policy = RetryPolicy::attempts(5)
            .with_delays(Duration::from_millis(100), Duration::from_millis(300));
        for _ in 0..100 {
            assert!(policy.backoff(1) <= Duration::from_millis(100));
            assert!(policy.backoff(2) <= Duration::from_millis(200));
            assert!(
                policy.backoff(3) <= Duration::from_millis(300),
                "capped at max_delay"
            );
            assert!(
                policy.backoff(30) <= Duration::from_millis(300),
                "no overflow"
            );
        }
    }

    #[test]
    fn waits_are_accepted_up_to_the_maximum() {
        let policy = RateLimitPolicy::Wait {
            max_wait: Duration::from_secs(5),
        };
        assert!(policy.accepts(Duration::from_secs(5)));
        assert!(!policy.accepts(Duration::from_secs(6)));
        assert!(!RateLimitPolicy::Fail.accepts(Duration::ZERO));
    }

    #[test]
    fn reset_jitter_is_small() {
        for _ in 0..100 {
            assert!(reset_jitter(Duration::from_secs(2)) <= Duration::from_millis(200));
            assert!(reset_jitter(Duration::from_secs(900)) <= Duration::from_secs(1));
        }
    }
}
