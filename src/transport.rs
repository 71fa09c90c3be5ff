//! One HTTP exchange under the client's policies: wait out exhausted rate
//! limits, retry transient failures, and read the whole body.

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tracing::Instrument;

use crate::Error;
use crate::explain::Explain;
use crate::includes::{Decoded, Warning};
use crate::policy::reset_jitter;
use crate::problem::{ApiError, excerpt};
use crate::rate_limit::RateLimits;
use crate::session::{Session, Wait, WaitReason};

/// Statuses worth another attempt: the server or a proxy failed for now.
const RETRYABLE: [u16; 5] = [408, 500, 502, 503, 504];

/// How many 429s one request waits out before giving up; a reset that does
/// not let a request through three times is not going to.
const MAX_RATE_LIMIT_WAITS: u32 = 3;

/// The least a 429 is waited out, even when its reset looks past.
const MIN_RESET_WAIT: Duration = Duration::from_secs(1);

/// A response, read to the end.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Attempts made, the last included.
    pub attempts: u32,
    pub rate_limits: RateLimits,
}

/// The last transport failure and how many attempts came before giving up.
#[derive(Debug)]
pub(crate) struct Failed {
    pub source: reqwest::Error,
    pub attempts: u32,
}

impl From<Failed> for Error {
    fn from(failed: Failed) -> Self {
        Error::Transport {
            source: failed.source.without_url(),
            attempts: failed.attempts,
        }
    }
}

/// Before an operation's first request: waits out a window the last response
/// said was exhausted, or refuses at once when the wait is longer than the
/// policy allows.
pub(crate) async fn preflight(session: &Session, operation: &'static str) -> Result<(), Error> {
    if let Some((wait, reset)) = session.limiter.wait_before(operation, Utc::now()) {
        if !session.rate_limit.accepts(wait) {
            return Err(Error::RateLimited {
                reset: Some(reset),
                error: None,
            });
        }
        pause(
            session,
            WaitReason::RateLimitExhausted,
            wait.saturating_add(reset_jitter(wait)),
            Some(reset),
        )
        .await;
    }
    Ok(())
}

/// Sends `request`, retrying what is safe to retry, and reads the response.
///
/// A 429 whose reset the policy accepts is waited out and the same request
/// sent again. Other statuses come back as they are; [`Exchange::decode`]
/// turns them into errors.
pub(crate) async fn send(
    http: &reqwest::Client,
    session: &Session,
    operation: &'static str,
    request: reqwest::Request,
) -> Result<Exchange, Failed> {
    // The path carries no secret; the query may (TweetAPI's auth token).
    let span = tracing::debug_span!(
        "x_dm.request",
        operation,
        method = %request.method(),
        path = %request.url().path(),
    );
    attempt_until_done(http, session, operation, request)
        .instrument(span)
        .await
}

async fn attempt_until_done(
    http: &reqwest::Client,
    session: &Session,
    operation: &'static str,
    mut request: reqwest::Request,
) -> Result<Exchange, Failed> {
    let repeatable = request.method().is_idempotent();
    let mut attempts = 0;
    let mut rate_limit_waits = 0;
    loop {
        attempts += 1;
        // A request that is not safe to repeat, or whose body streams, gets
        // one try.
        let copy = if repeatable {
            request.try_clone()
        } else {
            None
        };
        let outcome = read(http, request).await;
        let retry = match &outcome {
            Ok(Exchange {
                status,
                headers,
                body,
                rate_limits,
                ..
            }) => {
                session.limiter.record(operation, rate_limits);
                tracing::debug!(attempt = attempts, status = status.as_u16(), "response");
                if *status == StatusCode::TOO_MANY_REQUESTS {
                    let reset = reset_time(headers, body);
                    // A reset already past (clocks differ) still gets a
                    // moment, or the retries would all land in the old window.
                    let wait = reset
                        .and_then(|at| (at - Utc::now()).to_std().ok())
                        .unwrap_or_default()
                        .max(MIN_RESET_WAIT);
                    (reset.is_some()
                        && session.rate_limit.accepts(wait)
                        && rate_limit_waits < MAX_RATE_LIMIT_WAITS)
                        .then(|| {
                            (
                                WaitReason::TooManyRequests,
                                wait.saturating_add(reset_jitter(wait)),
                                reset,
                            )
                        })
                } else if RETRYABLE.contains(&status.as_u16())
                    && attempts < session.retry.max_attempts
                {
                    let delay = retry_after(headers)
                        .filter(|delay| session.rate_limit.accepts(*delay))
                        .unwrap_or_else(|| session.retry.backoff(attempts));
                    Some((WaitReason::Retry { attempt: attempts }, delay, None))
                } else {
                    None
                }
            }
            Err(failure) => {
                tracing::debug!(attempt = attempts, error = %DisplayWithoutUrl(failure), "transport failure");
                (is_transient(failure) && attempts < session.retry.max_attempts).then(|| {
                    (
                        WaitReason::Retry { attempt: attempts },
                        session.retry.backoff(attempts),
                        None,
                    )
                })
            }
        };
        match (retry, copy) {
            (Some((reason, duration, until)), Some(next)) => {
                if reason == WaitReason::TooManyRequests {
                    // Waiting out a reset is not a failed attempt.
                    rate_limit_waits += 1;
                    attempts -= 1;
                }
                pause(session, reason, duration, until).await;
                request = next;
            }
            _ => {
                return match outcome {
                    Ok(exchange) => Ok(Exchange {
                        attempts,
                        ..exchange
                    }),
                    Err(source) => Err(Failed { source, attempts }),
                };
            }
        }
    }
}

/// reqwest's message without the URL, whose query may hold a secret.
struct DisplayWithoutUrl<'a>(&'a reqwest::Error);

impl std::fmt::Display for DisplayWithoutUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut error = self.0.to_string();
        if let Some(url) = self.0.url() {
            error = error.replace(url.as_str(), "<url>");
        }
        f.write_str(&error)
    }
}

/// Sends one attempt and reads its body to the end. A body cut short is a
/// transport failure like any other.
async fn read(
    http: &reqwest::Client,
    request: reqwest::Request,
) -> Result<Exchange, reqwest::Error> {
    let response = http.execute(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let rate_limits = RateLimits::from_headers(&headers);
    let body = response.bytes().await?;
    Ok(Exchange {
        status,
        headers,
        body,
        // Counted by the retry loop, which knows how many came before.
        attempts: 0,
        rate_limits,
    })
}

/// Whether another attempt may fare better. reqwest reports a body cut short
/// while reading `bytes()` as a decode error wrapping the body error; JSON is
/// decoded separately, so every decode error reqwest raises is of that kind.
fn is_transient(error: &reqwest::Error) -> bool {
    error.is_timeout()
        || error.is_connect()
        || error.is_request()
        || error.is_body()
        || error.is_decode()
}

async fn pause(
    session: &Session,
    reason: WaitReason,
    duration: Duration,
    until: Option<DateTime<Utc>>,
) {
    tracing::info!(?reason, wait_ms = duration.as_millis() as u64, "waiting");
    if let Some(observer) = &session.on_wait {
        observer(&Wait {
            reason,
            duration,
            until,
        });
    }
    tokio::time::sleep(duration).await;
}

fn header_number(headers: &HeaderMap, name: &str) -> Option<i64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// `Retry-After` as a wait: seconds, or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(seconds) = header_number(headers, "retry-after") {
        return Some(Duration::from_secs(u64::try_from(seconds).ok()?));
    }
    let date = headers.get("retry-after")?.to_str().ok()?;
    let at = DateTime::parse_from_rfc2822(date).ok()?;
    Some(
        (at.with_timezone(&Utc) - Utc::now())
            .to_std()
            .unwrap_or_default(),
    )
}

/// Now plus `after`, or `None` when a server names a wait no clock can reach.
fn from_now(after: Duration) -> Option<DateTime<Utc>> {
    Utc::now().checked_add_signed(chrono::TimeDelta::from_std(after).ok()?)
}

/// When a 429's limit resets: `x-rate-limit-reset` (Unix seconds), else
/// `Retry-After` (seconds), else TweetAPI's `details.retryAfter` in the body.
fn reset_time(headers: &HeaderMap, body: &[u8]) -> Option<DateTime<Utc>> {
    if let Some(at) = header_number(headers, "x-rate-limit-reset") {
        return DateTime::from_timestamp(at, 0);
    }
    let after = retry_after(headers).or_else(|| {
        let error = ApiError::from_body(429, body, &[]);
        error.retry_after_secs().map(Duration::from_secs)
    })?;
    from_now(after)
}

impl Exchange {
    /// The body as `T` for a 2xx, with what had to be left out of it, or the
    /// error the response describes.
    ///
    /// `scopes` are the OAuth 2.0 scopes of the operation, named in the error
    /// of a 401 or 403.
    pub fn decode<T: Explain>(&self, scopes: &'static [&'static str]) -> Result<Decoded<T>, Error> {
        if !self.status.is_success() {
            return Err(self.error(scopes));
        }
        T::decode(&self.body).map_err(|(path, message)| Error::Decode {
            status: self.status.as_u16(),
            path,
            message,
            excerpt: excerpt(&self.body),
        })
    }

    /// The error a non-2xx response describes.
    pub fn error(&self, scopes: &'static [&'static str]) -> Error {
        let mut error = ApiError::from_body(self.status.as_u16(), &self.body, scopes);
        error.attempts = self.attempts;
        error.rate_limits = self.rate_limits;
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            Error::RateLimited {
                reset: reset_time(&self.headers, &self.body),
                error: Some(Box::new(error)),
            }
        } else {
            Error::Api(Box::new(error))
        }
    }

    /// The exchange as a `reqwest::Response` again, for progenitor's decoding.
    pub fn into_response(self) -> reqwest::Response {
        let mut response = http::Response::new(self.body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        reqwest::Response::from(response)
    }
}

/// A decoded response with what the facade keeps of the exchange.
pub(crate) struct Fetched<T> {
    pub value: T,
    pub body: Bytes,
    pub rate_limits: RateLimits,
    /// What decoding left out of `value`; `body` still holds it.
    pub warnings: Vec<Warning>,
}

/// Waits out an exhausted window if allowed, sends a GET under the retry
/// policy and decodes it. Both facade clients fetch through here.
pub(crate) async fn fetch<T: Explain>(
    http: &reqwest::Client,
    session: &Session,
    operation: &'static str,
    url: reqwest::Url,
    scopes: &'static [&'static str],
) -> Result<Fetched<T>, Error> {
    preflight(session, operation).await?;
    let mut request = reqwest::Request::new(reqwest::Method::GET, url);
    session.credentials.apply(request.headers_mut());
    request.headers_mut().insert(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    let exchange = send(http, session, operation, request).await?;
    let (value, warnings) = exchange.decode(scopes)?;
    Ok(Fetched {
        value,
        body: exchange.body,
        rate_limits: exchange.rate_limits,
        warnings,
    })
}

/// Decodes a body read elsewhere (a saved page, a bench) as a 200 would be.
pub(crate) fn decode_saved<T: Explain>(body: Bytes) -> Result<Fetched<T>, Error> {
    let exchange = Exchange {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body,
        attempts: 1,
        rate_limits: RateLimits::default(),
    };
    let (value, warnings) = exchange.decode(&[])?;
    Ok(Fetched {
        value,
        body: exchange.body,
        rate_limits: exchange.rate_limits,
        warnings,
    })
}
