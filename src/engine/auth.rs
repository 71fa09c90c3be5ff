//! The credential every request carries as a header.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::Error;

/// A credential header: `Authorization: Bearer …` for X, `X-API-Key` for
/// TweetAPI. It is added to each request rather than baked into the
/// `reqwest::Client`, so a caller's own client can be used as it is.
///
/// The value is marked sensitive and `Debug` never shows it.
#[derive(Clone)]
pub struct Credentials {
    name: HeaderName,
    value: HeaderValue,
}

impl Credentials {
    /// An OAuth 2.0 user-context access token, sent as a bearer token.
    pub fn bearer(access_token: &str) -> Result<Self, Error> {
        Self::header(
            AUTHORIZATION,
            &format!("Bearer {access_token}"),
            "access token",
        )
    }

    /// A TweetAPI key, sent as `X-API-Key`.
    pub fn api_key(key: &str) -> Result<Self, Error> {
        Self::header(HeaderName::from_static("x-api-key"), key, "TweetAPI key")
    }

    fn header(name: HeaderName, value: &str, credential: &'static str) -> Result<Self, Error> {
        let mut value =
            HeaderValue::from_str(value).map_err(|_| Error::InvalidCredential { credential })?;
        value.set_sensitive(true);
        Ok(Self { name, value })
    }

    /// Puts the credential on a request's headers.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        headers.insert(self.name.clone(), self.value.clone());
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("header", &self.name)
            .field("value", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let credentials = Credentials::bearer("very-secret-token").unwrap();
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("very-secret-token"), "{shown}");
        assert!(shown.contains("authorization"));
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_without_showing_it() {
        let error = Credentials::bearer("line\nbreak-secret").unwrap_err();
        assert!(!error.to_string().contains("break-secret"));
        assert!(matches!(
            error,
            Error::InvalidCredential {
                credential: "access token"
            }
        ));
    }
}
