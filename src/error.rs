//! The crate's error type.

use crate::validate::InvalidParameter;

/// What can go wrong when building or using a client of this crate.
///
/// The generated clients in [`crate::x`] and [`crate::tweetapi`] return
/// progenitor's own `Error`; this type covers the handwritten parts.
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

    /// The HTTP client could not be built or the request could not be made.
    #[error("transport error: {0}")]
    Transport(#[from] reqwest::Error),
}
