//! One HTTP exchange under the client's policies: wait out exhausted rate
//! limits, retry transient failures, and read the whole body, or hand a
//! successful download's body over unread.

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tracing::Instrument;

use super::auth::Used;
use super::connection::Connection;
use super::descriptor::Operation;
use super::output::Response;
use super::policy::reset_jitter;
use super::rate_limit::RateLimits;
use super::session::{Session, Wait, WaitReason};
use crate::Error;
use crate::problem::{ApiError, excerpt};

/// Statuses worth another attempt: the server or a proxy failed for now.
const RETRYABLE: [u16; 5] = [408, 500, 502, 503, 504];

/// How many 429s one request waits out before giving up; a reset that does
/// not let a request through three times is not going to.
const MAX_RATE_LIMIT_WAITS: u32 = 3;

/// The least a 429 is waited out, even when its reset looks past.
const MIN_RESET_WAIT: Duration = Duration::from_secs(1);

/// A response, read to the end, or a successful one whose body is left to
/// read under [`Reading::Head`].
#[derive(Debug)]
pub(crate) struct Exchange {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Attempts made, the last included.
    pub attempts: u32,
    pub rate_limits: RateLimits,
    /// The body not yet read, under [`Reading::Head`].
    pub unread: Option<reqwest::Response>,
}

/// How much of a response is read before it is handed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reading {
    /// The whole body.
    Whole,
    /// Only the head of a success, whose body may be larger than memory
    /// should hold (a media download); an error's body is read whole.
    Head,
}

/// The last transport failure and how many attempts came before giving up.
#[derive(Debug)]
pub(crate) struct Failed {
    pub source: reqwest::Error,
    pub attempts: u32,
    /// Whether the request may have reached the server and taken effect.
    pub may_have_taken_effect: bool,
}

impl From<Failed> for Error {
    fn from(failed: Failed) -> Self {
        Error::Transport {
            source: failed.source.without_url(),
            attempts: failed.attempts,
            may_have_taken_effect: failed.may_have_taken_effect,
        }
    }
}

/// Which failures another attempt may follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// The request is safe to repeat: transient failures are retried.
    Safe,
    /// The request is not idempotent: it is sent again only when it surely
    /// never reached the server (the connection failed) or the server
    /// refused it unprocessed (a 429).
    BeforeSent,
}

impl Repeat {
    /// How an operation's requests may be repeated.
    pub fn of(operation: &Operation) -> Self {
        if operation.idempotent {
            Repeat::Safe
        } else {
            Repeat::BeforeSent
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
    repeat: Repeat,
    reading: Reading,
) -> Result<Exchange, Failed> {
    // The path carries no secret; the query may (TweetAPI's auth token).
    let span = tracing::debug_span!(
        "x_dm.request",
        operation,
        method = %request.method(),
        path = %request.url().path(),
    );
    attempt_until_done(http, session, operation, request, repeat, reading)
        .instrument(span)
        .await
}

async fn attempt_until_done(
    http: &reqwest::Client,
    session: &Session,
    operation: &'static str,
    mut request: reqwest::Request,
    repeat: Repeat,
    reading: Reading,
) -> Result<Exchange, Failed> {
    let mut attempts = 0;
    let mut rate_limit_waits = 0;
    loop {
        attempts += 1;
        // A request whose body streams cannot be sent again.
        let copy = request.try_clone();
        let outcome = read(http, request, reading).await;
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
                } else if repeat == Repeat::Safe
                    && RETRYABLE.contains(&status.as_u16())
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
                let again = match repeat {
                    Repeat::Safe => is_transient(failure),
                    Repeat::BeforeSent => never_sent(failure),
                };
                (again && attempts < session.retry.max_attempts).then(|| {
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
                    Err(source) => Err(Failed {
                        may_have_taken_effect: repeat == Repeat::BeforeSent && !never_sent(&source),
                        source,
                        attempts,
                    }),
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

/// Sends one attempt and reads its body as `reading` says. A body cut
/// short is a transport failure like any other.
async fn read(
    http: &reqwest::Client,
    request: reqwest::Request,
    reading: Reading,
) -> Result<Exchange, reqwest::Error> {
    let response = http.execute(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let rate_limits = RateLimits::from_headers(&headers);
    let (body, unread) = if reading == Reading::Head && status.is_success() {
        (Bytes::new(), Some(response))
    } else {
        (response.bytes().await?, None)
    };
    Ok(Exchange {
        status,
        headers,
        body,
        // Counted by the retry loop, which knows how many came before.
        attempts: 0,
        rate_limits,
        unread,
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

/// Whether the request surely never reached the server: the connection
/// itself failed, so no byte of it was written.
fn never_sent(error: &reqwest::Error) -> bool {
    error.is_connect()
}

pub(crate) async fn pause(
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
    /// The error a non-2xx response describes.
    ///
    /// An answer, even a 5xx, is not ambiguous: the server says it did not
    /// carry the request out. Only a failure with no answer may leave a
    /// write done.
    pub fn error(&self, operation: &'static Operation) -> Error {
        let mut error = ApiError::from_body(self.status.as_u16(), &self.body, operation.scopes);
        error.app_only = operation.app_only && matches!(self.status.as_u16(), 401 | 403);
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

/// A request body, encoded.
pub(crate) struct Payload {
    pub content_type: String,
    pub bytes: Bytes,
}

/// Waits out an exhausted window if allowed, sends the request under the
/// retry policy its operation allows, and hands back a successful response
/// or the error the response describes.
pub(crate) async fn execute(
    connection: &Connection,
    operation: &'static Operation,
    url: reqwest::Url,
    payload: Option<Payload>,
) -> Result<Response, Error> {
    let exchange = exchange(connection, operation, url, payload, Reading::Whole).await?;
    Ok(Response {
        status: exchange.status.as_u16(),
        headers: exchange.headers,
        body: exchange.body,
        rate_limits: exchange.rate_limits,
    })
}

/// As [`execute`], but a success comes back with its body unread, to be
/// streamed: the retries cover the request and its head, not the body.
/// How long a streamed exchange may last in all: long enough for any
/// download, and a day of a long-lived stream, whose follower reconnects.
const STREAMED_BODY_LIMIT: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

pub(crate) async fn open(
    connection: &Connection,
    operation: &'static Operation,
    url: reqwest::Url,
    payload: Option<Payload>,
) -> Result<reqwest::Response, Error> {
    let exchange = exchange(connection, operation, url, payload, Reading::Head).await?;
    // `read` leaves every success's body unread under `Reading::Head`.
    exchange.unread.ok_or_else(|| Error::Decode {
        status: exchange.status.as_u16(),
        path: "$".to_owned(),
        message: "the body was read before it could be streamed".to_owned(),
        excerpt: String::new(),
        may_have_taken_effect: false,
    })
}

async fn exchange(
    connection: &Connection,
    operation: &'static Operation,
    url: reqwest::Url,
    payload: Option<Payload>,
    reading: Reading,
) -> Result<Exchange, Error> {
    let session = connection.session();
    preflight(session, operation.name).await?;
    let mut request = reqwest::Request::new(operation.http_method(), url);
    request.headers_mut().insert(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_str(operation.accept).unwrap_or(
            reqwest::header::HeaderValue::from_static("application/json"),
        ),
    );
    if let Some(payload) = payload {
        if let Ok(value) = reqwest::header::HeaderValue::from_str(&payload.content_type) {
            request
                .headers_mut()
                .insert(reqwest::header::CONTENT_TYPE, value);
        }
        *request.body_mut() = Some(reqwest::Body::from(payload.bytes));
    }
    if reading == Reading::Head {
        // The client's timeout bounds a whole exchange, body included: a
        // streamed body would be cut at it. Its reader bounds each wait for
        // the next chunk instead.
        *request.timeout_mut() = Some(STREAMED_BODY_LIMIT);
    }
    let repeat = Repeat::of(operation);
    let used = session.credentials.apply(&mut request).await?;
    let again = session
        .credentials
        .renews()
        .then(|| request.try_clone())
        .flatten();
    let mut exchange = send(
        connection.http(),
        session,
        operation.name,
        request,
        repeat,
        reading,
    )
    .await?;
    if let Some(again) = again.filter(|_| exchange.status == StatusCode::UNAUTHORIZED)
        && let Some(again) = reauthorized(session, &used, again).await?
    {
        exchange = send(
            connection.http(),
            session,
            operation.name,
            again,
            repeat,
            reading,
        )
        .await?;
    }
    if !exchange.status.is_success() {
        return Err(exchange.error(operation));
    }
    Ok(exchange)
}

/// After a 401 to a request sent with `used`: the same request with a
/// renewed credential, to send once more, or `None` when the credential
/// cannot be renewed. A 401 means the API refused the request unprocessed,
/// so even a write may go again.
pub(crate) async fn reauthorized(
    session: &Session,
    used: &Used,
    mut again: reqwest::Request,
) -> Result<Option<reqwest::Request>, Error> {
    if !session.credentials.renew_after_unauthorized(used).await? {
        return Ok(None);
    }
    session.credentials.apply(&mut again).await?;
    Ok(Some(again))
}

/// The error of a 2xx body that failed at `path` for the reason `message`.
pub(crate) fn decode_error(status: u16, body: &[u8], (path, message): (String, String)) -> Error {
    Error::Decode {
        status,
        path,
        message,
        excerpt: excerpt(body),
        may_have_taken_effect: false,
    }
}
