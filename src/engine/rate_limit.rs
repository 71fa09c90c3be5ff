//! Rate-limit windows read from response headers, and the memory of them that
//! lets a client wait for a reset instead of drawing a 429.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

/// One rate-limit window as a response described it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset: Option<DateTime<Utc>>,
}

/// Every rate-limit window a response described.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// The endpoint's window (`x-rate-limit-*`, usually 15 minutes).
    pub window: Option<RateLimit>,
    /// The user's 24-hour window (`x-user-limit-24hour-*`).
    pub user_24h: Option<RateLimit>,
    /// The app's 24-hour window (`x-app-limit-24hour-*`).
    pub app_24h: Option<RateLimit>,
}

impl RateLimits {
    /// Reads the windows a response's headers describe. TweetAPI sends none.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self {
            window: window(headers, "x-rate-limit"),
            user_24h: window(headers, "x-user-limit-24hour"),
            app_24h: window(headers, "x-app-limit-24hour"),
        }
    }

    /// The windows with no request left, with the latest reset among them.
    pub fn exhausted_until(&self) -> Option<DateTime<Utc>> {
        [self.window, self.user_24h, self.app_24h]
            .into_iter()
            .flatten()
            .filter(|window| window.remaining == Some(0))
            .filter_map(|window| window.reset)
            .max()
    }
}

fn window(headers: &HeaderMap, prefix: &str) -> Option<RateLimit> {
    let number = |suffix: &str| -> Option<u64> {
        headers
            .get(format!("{prefix}-{suffix}"))?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    let window = RateLimit {
        limit: number("limit"),
        remaining: number("remaining"),
        reset: number("reset")
            .and_then(|at| i64::try_from(at).ok())
            .and_then(|at| DateTime::from_timestamp(at, 0)),
    };
    (window
        != RateLimit {
            limit: None,
            remaining: None,
            reset: None,
        })
    .then_some(window)
}

/// The last windows seen per operation, shared by a client and its clones.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    exhausted: Mutex<HashMap<&'static str, DateTime<Utc>>>,
}

impl Limiter {
    /// Remembers whether the operation has requests left.
    pub fn record(&self, operation: &'static str, limits: &RateLimits) {
        let mut exhausted = self
            .exhausted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match limits.exhausted_until() {
            Some(reset) => {
                exhausted.insert(operation, reset);
            }
            None if limits.window.is_some() => {
                exhausted.remove(operation);
            }
            None => {}
        }
    }

    /// How long to wait before the operation's next request, and until when.
    pub fn wait_before(
        &self,
        operation: &'static str,
        now: DateTime<Utc>,
    ) -> Option<(Duration, DateTime<Utc>)> {
        let exhausted = self
            .exhausted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let reset = *exhausted.get(operation)?;
        let wait = (reset - now).to_std().ok()?;
        (!wait.is_zero()).then_some((wait, reset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn every_window_is_read() {
        let limits = RateLimits::from_headers(&headers(&[
            ("x-rate-limit-limit", "15"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "1705420800"),
            ("x-user-limit-24hour-limit", "1000"),
            ("x-user-limit-24hour-remaining", "998"),
            ("x-user-limit-24hour-reset", "1705500000"),
        ]));
        let window = limits.window.unwrap();
        assert_eq!((window.limit, window.remaining), (Some(15), Some(0)));
        assert_eq!(window.reset.unwrap().timestamp(), 1_705_420_800);
        assert_eq!(limits.user_24h.unwrap().remaining, Some(998));
        assert_eq!(limits.app_24h, None);
        assert_eq!(limits.exhausted_until().unwrap().timestamp(), 1_705_420_800);
    }

    #[test]
    fn a_response_without_headers_has_no_windows() {
        assert_eq!(
            RateLimits::from_headers(&HeaderMap::new()),
            RateLimits::default()
        );
    }

    #[test]
    fn the_limiter_waits_only_while_a_window_is_exhausted() {
        let limiter = Limiter::default();
        let now = DateTime::from_timestamp(1_000, 0).unwrap();
        let reset = DateTime::from_timestamp(1_005, 0).unwrap();
        let exhausted = RateLimits {
            window: Some(RateLimit {
                limit: Some(15),
                remaining: Some(0),
                reset: Some(reset),
            }),
            ..RateLimits::default()
        };
        limiter.record("op", &exhausted);
        assert_eq!(
            limiter.wait_before("op", now),
            Some((Duration::from_secs(5), reset))
        );
        assert_eq!(limiter.wait_before("other", now), None);
        assert_eq!(
            limiter.wait_before("op", reset),
            None,
            "nothing to wait for at the reset"
        );
        let refilled = RateLimits {
            window: Some(RateLimit {
                limit: Some(15),
                remaining: Some(15),
                reset: Some(reset),
            }),
            ..RateLimits::default()
        };
        limiter.record("op", &refilled);
        assert_eq!(limiter.wait_before("op", now), None);
    }
}
