//! The TweetAPI client: one account's DM conversations through its session.

use std::fmt;

use secrecy::SecretString;

use super::ConversationRequest;
use super::generated::{self, operations};
use crate::Error;
use crate::connect::TWEETAPI_BASE_URL;
use crate::engine::options::{HttpOptions, option_setters};
use crate::engine::{Connected, Connection, Credentials, Request};

/// The credentials that fill the parameters the spec marks `x-credential`.
const AUTH_TOKEN: &str = "auth_token";
const PROXY: &str = "proxy";

/// A client for TweetAPI, acting for one X account.
///
/// TweetAPI reads DMs with the account's `auth_token` session cookie, which it
/// takes as a query parameter: treat it like a password. Neither it, the API
/// key nor the proxy's credentials ever appear in `Debug` or in errors.
#[derive(Clone)]
pub struct Client {
    connection: Connection,
    generated: generated::Client,
}

impl Client {
    /// A client for `api.tweetapi.com` with a TweetAPI key and the account's
    /// `auth_token` cookie value.
    pub fn new(api_key: impl AsRef<str>, auth_token: impl Into<String>) -> Result<Self, Error> {
        Self::builder(api_key, auth_token).build()
    }

    /// A builder to set a proxy, the base URL, timeouts or the HTTP client.
    pub fn builder(api_key: impl AsRef<str>, auth_token: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            credentials: Credentials::api_key(api_key.as_ref()),
            auth_token: SecretString::from(auth_token.into()),
            proxy: None,
            options: HttpOptions::default(),
        }
    }

    /// The generated client underneath. Its requests take the auth token
    /// explicitly.
    pub fn generated(&self) -> &generated::Client {
        &self.generated
    }

    /// The messages of one conversation (`userId1-userId2`, or a group's id),
    /// newest first.
    pub fn conversation(&self, conversation_id: impl AsRef<str>) -> ConversationRequest {
        Request::<operations::GetTweetApiConversation>::new(self, conversation_id)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("tweetapi::Client")
            .field("connection", &self.connection)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    credentials: Result<Credentials, Error>,
    auth_token: SecretString,
    proxy: Option<SecretString>,
    options: HttpOptions,
}

impl ClientBuilder {
    /// Routes requests through a proxy at TweetAPI's end, as
    /// `host:port@user:pass` (or `host:port`).
    pub fn proxy(mut self, proxy: impl Into<String>) -> Self {
        self.proxy = Some(SecretString::from(proxy.into()));
        self
    }

    option_setters!("https://api.tweetapi.com");

    /// The client, or why it cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials?;
        let mut secrets = vec![(AUTH_TOKEN, self.auth_token)];
        secrets.extend(self.proxy.map(|proxy| (PROXY, proxy)));
        let connection = self
            .options
            .connect(TWEETAPI_BASE_URL, credentials, secrets)?;
        let (base_url, http, session) = connection.generated_parts();
        let generated = generated::Client::new_with_client(base_url, http, session);
        Ok(Client {
            connection,
            generated,
        })
    }
}

impl Connected for Client {
    fn connection(&self) -> Connection {
        self.connection.clone()
    }
}
