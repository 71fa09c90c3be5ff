//! What every request of a client shares: the HTTP client, the session, the
//! base URL and the credentials that fill parameters.

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::session::Session;

/// A client's connection, cheap to clone: requests own one, so that their
/// streams are `'static` and can be spawned.
#[derive(Clone)]
pub struct Connection(Arc<Inner>);

struct Inner {
    http: reqwest::Client,
    session: Session,
    base_url: reqwest::Url,
    /// Values of parameters that the spec marks `x-credential`, by name.
    credentials: Vec<(&'static str, SecretString)>,
}

impl Connection {
    /// A connection that also fills the parameters marked `x-credential`.
    pub fn with_credentials(
        http: reqwest::Client,
        session: Session,
        base_url: reqwest::Url,
        credentials: Vec<(&'static str, SecretString)>,
    ) -> Self {
        Self(Arc::new(Inner {
            http,
            session,
            base_url,
            credentials,
        }))
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.0.http
    }

    /// The session: credential, policies, rate-limit memory.
    pub fn session(&self) -> &Session {
        &self.0.session
    }

    /// The API root.
    pub fn base_url(&self) -> &reqwest::Url {
        &self.0.base_url
    }

    /// What a generated client is built from, so that it shares this
    /// connection's pool and session: the base URL without its trailing
    /// slash, the HTTP client and the session.
    pub fn generated_parts(&self) -> (&str, reqwest::Client, Session) {
        (
            self.0.base_url.as_str().trim_end_matches('/'),
            self.0.http.clone(),
            self.0.session.clone(),
        )
    }

    /// The value of the credential of that name.
    pub(crate) fn credential(&self, name: &str) -> Option<&str> {
        self.0
            .credentials
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, value)| value.expose_secret())
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.credentials.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Connection")
            .field("base_url", &self.0.base_url.as_str())
            .field("session", &self.0.session)
            .field("credentials", &names)
            .finish()
    }
}

/// A client whose requests share one connection: what a generated request
/// constructor takes.
pub trait Connected {
    /// A clone of the connection, for a request to own.
    fn connection(&self) -> Connection;
}
