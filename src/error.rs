//! The crate's one error type.

use chrono::{DateTime, Utc};

use crate::problem::ApiError;
use crate::validate::InvalidParameter;

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

    /// The API refused the request for exceeding a rate limit.
    #[error("rate limited until {}: {error}", reset.map_or_else(|| "an unknown time".to_owned(), |t| t.to_rfc3339()))]
    RateLimited {
        /// When the limit resets, from the response's headers or body.
        reset: Option<DateTime<Utc>>,
        /// The refusal as the API sent it.
        error: Box<ApiError>,
    },

    /// The request could not be sent or its response could not be read.
    /// The URL is left out: TweetAPI's carries the account's auth token.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),

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
    },

    /// The API sent a pagination token it had already sent in this walk;
    /// following it would loop forever.
    #[error("pagination loop: the token {token:?} came back a second time")]
    PaginationLoop {
        /// The repeated token.
        token: String,
    },
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        Error::Transport(error.without_url())
    }
}
