//! The credential every request carries: a fixed header, an OAuth 2.0
//! token that renews itself, or an OAuth 1.0a signature made per request.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::oauth1::{Nonce, OAuth1};
use super::refresh::RefreshingToken;
use crate::Error;

/// What a request authenticates with: `Authorization: Bearer …` for X (a
/// fixed token, or a [`RefreshingToken`]), an OAuth 1.0a signature
/// ([`OAuth1`]), or `X-API-Key` for TweetAPI. It is added to each request
/// rather than baked into the `reqwest::Client`, so a caller's own client
/// can be used as it is.
///
/// Values are marked sensitive and `Debug` never shows them.
#[derive(Clone)]
pub struct Credentials(Kind);

#[derive(Clone)]
enum Kind {
    Header {
        name: HeaderName,
        value: HeaderValue,
    },
    Refreshing(RefreshingToken),
    OAuth1(Arc<OAuth1>),
}

/// The renewable token a request went out with, to tell after a 401
/// whether a renewal is due or made already.
#[derive(Clone, Debug)]
pub(crate) struct Used(Option<SecretString>);

impl Used {
    /// What `headers` (a request's, credential applied) were sent with.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let token = headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(|token| SecretString::from(token.to_owned()));
        Self(token)
    }
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

    /// An OAuth 2.0 access token that renews itself (see
    /// [`RefreshingToken`]).
    pub fn refreshing(token: RefreshingToken) -> Self {
        Self(Kind::Refreshing(token))
    }

    /// OAuth 1.0a user context: each request signed with HMAC-SHA1.
    pub fn oauth1(credential: OAuth1) -> Self {
        Self(Kind::OAuth1(Arc::new(credential)))
    }

    fn header(name: HeaderName, value: &str, credential: &'static str) -> Result<Self, Error> {
        Ok(Self(Kind::Header {
            name,
            value: sensitive(value, credential)?,
        }))
    }

    /// Puts the credential on a request, once its URL is final: a token due
    /// for renewal is renewed first, a signature covers the query.
    pub(crate) async fn apply(&self, request: &mut reqwest::Request) -> Result<Used, Error> {
        match &self.0 {
            Kind::Header { name, value } => {
                request.headers_mut().insert(name.clone(), value.clone());
                Ok(Used(None))
            }
            Kind::Refreshing(token) => {
                let access = token.access().await?;
                let value = sensitive(
                    &format!("Bearer {}", access.expose_secret()),
                    "access token",
                )?;
                request.headers_mut().insert(AUTHORIZATION, value);
                Ok(Used(Some(access)))
            }
            Kind::OAuth1(credential) => {
                let header = credential.authorization(
                    request.method().as_str(),
                    request.url(),
                    &[],
                    &Nonce::fresh(),
                );
                let value = sensitive(&header, "OAuth 1.0a credential")?;
                request.headers_mut().insert(AUTHORIZATION, value);
                Ok(Used(None))
            }
        }
    }

    /// Whether a 401 may be cured by renewing the credential, so that a
    /// request is worth keeping a copy of to send again.
    pub(crate) fn renews(&self) -> bool {
        matches!(self.0, Kind::Refreshing(_))
    }

    /// After a 401 to a request sent with `used`: whether the credential was
    /// renewed (now, or by another request since), so that sending the
    /// request again may succeed.
    pub(crate) async fn renew_after_unauthorized(&self, used: &Used) -> Result<bool, Error> {
        match (&self.0, &used.0) {
            (Kind::Refreshing(token), Some(sent)) => token.renew_after_unauthorized(sent).await,
            _ => Ok(false),
        }
    }
}

impl From<RefreshingToken> for Credentials {
    fn from(token: RefreshingToken) -> Self {
        Self::refreshing(token)
    }
}

impl From<OAuth1> for Credentials {
    fn from(credential: OAuth1) -> Self {
        Self::oauth1(credential)
    }
}

fn sensitive(value: &str, credential: &'static str) -> Result<HeaderValue, Error> {
    let mut value =
        HeaderValue::from_str(value).map_err(|_| Error::InvalidCredential { credential })?;
    value.set_sensitive(true);
    Ok(value)
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Header { name, .. } => f
                .debug_struct("Credentials")
                .field("header", name)
                .field("value", &"<redacted>")
                .finish(),
            Kind::Refreshing(token) => f.debug_tuple("Credentials").field(token).finish(),
            Kind::OAuth1(credential) => f.debug_tuple("Credentials").field(credential).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn debug_never_shows_the_secret() {
        let credentials = Credentials::bearer("very-secret-token").unwrap();
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("very-secret-token"), "{shown}");
        assert!(shown.contains("authorization"));
        let url = reqwest::Url::parse("https://api.x.com/2/dm_events").unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::GET, url);
        credentials.apply(&mut request).await.unwrap();
        let sent = &request.headers()[AUTHORIZATION];
        assert_eq!(sent, "Bearer very-secret-token");
        assert!(sent.is_sensitive());
        assert!(!format!("{request:?}").contains("very-secret-token"));
        let oauth1 = Credentials::oauth1(OAuth1::new("key", "c-secret", "t-secret-0", "ts-secret"));
        let shown = format!("{oauth1:?}");
        assert!(
            !shown.contains("secret-") && !shown.contains("c-secret"),
            "{shown}"
        );
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

#[cfg(test)]
mod signing_tests {
    use super::*;

    #[tokio::test]
    async fn an_oauth1_request_is_signed_over_its_final_url() {
        let credential = OAuth1::new("key", "consumer-secret", "token", "token-secret");
        let credentials = Credentials::oauth1(credential.clone());
        let url = reqwest::Url::parse("https://api.x.com/2/dm_events?max_results=5").unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
        credentials.apply(&mut request).await.unwrap();
        let header = request.headers()[AUTHORIZATION]
            .to_str()
            .unwrap()
            .to_owned();
        let fields = super::super::oauth1::parse_authorization(&header).unwrap();
        let field = |name: &str| {
            fields
                .iter()
                .find(|(known, _)| known == name)
                .map(|(_, value)| value.clone())
                .unwrap()
        };
        let nonce = Nonce {
            nonce: field("oauth_nonce"),
            timestamp: field("oauth_timestamp").parse().unwrap(),
        };
        assert_eq!(
            field("oauth_signature"),
            credential.signature("GET", &url, &[], &nonce)
        );
        assert!(!header.contains("secret"), "{header}");
        assert!(
            !credentials
                .renew_after_unauthorized(&Used(None))
                .await
                .unwrap()
        );
    }
}
