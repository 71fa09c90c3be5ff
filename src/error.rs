//! The crate's one error type.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::engine::InvalidParameter;
use crate::problem::ApiError;

/// Everything that can go wrong, kept apart so that a caller can act on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A parameter breaks a rule of the spec. Nothing was sent.
    #[error(transparent)]
    InvalidInput(#[from] InvalidParameter),

    /// A credential cannot be sent as an HTTP header (it holds a control
    /// character, for example). The value itself is never shown.
    #[error("the {credential} is not a valid HTTP header value")]
    InvalidCredential {
        /// Which credential: `access token` or `TweetAPI key`.
        credential: &'static str,
    },

    /// The API refused the request.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// A rate limit stands in the way, and waiting for its reset is not
    /// allowed by the client's policy (or the reset is unknown).
    #[error("rate limited until {}{}", reset.map_or_else(|| "an unknown time".to_owned(), |t| t.to_rfc3339()), error.as_ref().map_or_else(String::new, |e| format!(": {e}")))]
    RateLimited {
        /// When the limit resets, from the response's headers or body.
        reset: Option<DateTime<Utc>>,
        /// The API's 429, or `None` when the client refused to send because
        /// the last response said the window was exhausted.
        error: Option<Box<ApiError>>,
    },

    /// The request could not be sent or its response could not be read to the
    /// end, after every attempt the retry policy allows. The URL is left out:
    /// TweetAPI's carries the account's auth token.
    #[error("transport error after {attempts} attempt(s){}: {source}", if *may_have_taken_effect { " (the request may have taken effect)" } else { "" })]
    Transport {
        /// The last failure.
        #[source]
        source: reqwest::Error,
        /// Attempts made.
        attempts: u32,
        /// Whether a request that is not idempotent may have reached the
        /// server: it was not sent again, so check before sending it anew.
        may_have_taken_effect: bool,
    },

    /// A streamed response sent nothing, not even a keep-alive, for this
    /// long: the connection is taken as dead.
    #[error("the stream sent nothing for {} s", idle.as_secs_f64())]
    Stalled {
        /// How long nothing arrived.
        idle: std::time::Duration,
    },

    /// A successful response whose body does not have the documented shape.
    #[error(
        "cannot decode the HTTP {status} response at {path}: {message}; body starts {excerpt:?}"
    )]
    Decode {
        /// The HTTP status.
        status: u16,
        /// Where in the body decoding failed, as a JSON path (`data[3].id`).
        path: String,
        /// What was wrong there.
        message: String,
        /// The first characters of the body.
        excerpt: String,
        /// For a request that is not idempotent, a 2xx means it was carried
        /// out, however its answer reads: never send it again.
        may_have_taken_effect: bool,
    },

    /// A local file could not be read or written: a download's destination
    /// or an upload's source. A download never leaves a partial file under
    /// its final name.
    #[error("cannot {action} {}: {source}", path.display())]
    File {
        /// What was being done: `read`, `write`, `rename`.
        action: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },

    /// X could not process uploaded media (a video it cannot read, say), or
    /// was still processing it after every status read allowed.
    #[error("media {media_id} was not processed: {reason}")]
    MediaProcessing {
        /// The uploaded media's id.
        media_id: String,
        /// What X said, or how long it took.
        reason: String,
    },

    /// Logging in, renewing a token or keeping it failed.
    #[error(transparent)]
    Auth(#[from] AuthError),

    /// The API sent a pagination token it had already sent in this walk;
    /// following it would loop forever.
    #[error("pagination loop: the token {token:?} came back a second time")]
    PaginationLoop {
        /// The repeated token.
        token: String,
    },
}

impl Error {
    /// Whether the request may have taken effect although it failed: a send
    /// (or another request that is not idempotent) whose connection broke or
    /// timed out after it was written, or whose 2xx answer did not decode.
    /// Such a request is never sent twice by the client; the caller decides.
    /// An error the API answered (a 4xx or 5xx) says it was not carried out.
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            Error::Transport {
                may_have_taken_effect,
                ..
            } => *may_have_taken_effect,
            Error::Decode {
                may_have_taken_effect,
                ..
            } => *may_have_taken_effect,
            _ => false,
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        Error::Transport {
            source: error.without_url(),
            attempts: 1,
            may_have_taken_effect: false,
        }
    }
}

/// Why logging in, renewing a token or keeping it failed. No variant holds a
/// token, code, verifier or secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The authorization server refused a grant: a code already used, a
    /// refresh token already rotated away (X rotates it on each refresh), a
    /// client authentication that failed.
    #[error("the authorization server refused the {grant}: {error}{}; {advice}", description.as_ref().map_or_else(String::new, |d| format!(" ({d})")))]
    Refused {
        /// What was asked: `authorization code`, `refresh token` or
        /// `revocation`.
        grant: &'static str,
        /// The OAuth error code (`invalid_request`, `invalid_grant`,
        /// `invalid_client`, …) or the HTTP status.
        error: String,
        /// The server's explanation, if it gave one.
        description: Option<String>,
        /// What to do about it.
        advice: &'static str,
    },

    /// The token endpoint could not be reached or its answer read. The URL
    /// is left out.
    #[error("the token endpoint could not be reached: {0}")]
    Transport(#[source] reqwest::Error),

    /// The token endpoint answered 2xx with something that is not a token
    /// response.
    #[error("the token endpoint's answer is not a token response: {0}")]
    BadResponse(String),

    /// The redirect's `state` is not this login's: it may come from another
    /// login, or from someone else. Nothing was exchanged.
    #[error(
        "the redirect's state does not match this login's; nothing was exchanged, start the login again"
    )]
    StateMismatch,

    /// The redirect carries no code: the user declined, or the URL was cut.
    #[error("the redirect carries no authorization code{}", error.as_ref().map_or_else(String::new, |e| format!(" (the server said {e})")))]
    NoCode {
        /// The `error` the redirect carried, such as `access_denied`.
        error: Option<String>,
    },

    /// No refresh token is held: log in again, with `offline.access`.
    #[error("no refresh token is held; log in again (with the offline.access scope) to get one")]
    NoRefreshToken,

    /// The token file could not be read or written.
    #[error("token file {}: {message}", path.display())]
    Store {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },

    /// The token file can be read by others, so it is not used.
    #[error("the token file {} can be read by other users (mode {mode:03o}); run `chmod 600 {}` and try again", path.display(), path.display())]
    SharedTokenFile {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },

    /// A login's input is unusable: a redirect URI that is not loopback, a
    /// pasted URL that does not parse, a login that timed out.
    #[error("{0}")]
    Login(String),
}
