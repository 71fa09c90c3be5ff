//! The TweetAPI client: one account's DM conversations through its session.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::auth::Credentials;
use crate::connect::TWEETAPI_BASE_URL;
use crate::options::{HttpOptions, endpoint_url, option_setters};
use crate::request::TweetApiConversationRequest;
use crate::session::Session;
use crate::transport::{self, Fetched};
use crate::{Error, validate};

/// A client for TweetAPI, acting for one X account.
///
/// TweetAPI reads DMs with the account's `auth_token` session cookie, which it
/// takes as a query parameter: treat it like a password. Neither it, the API
/// key nor the proxy's credentials ever appear in `Debug` or in errors.
#[derive(Clone)]
pub struct TweetApiClient {
    http: reqwest::Client,
    session: Session,
    auth_token: SecretString,
    proxy: Option<SecretString>,
    base_url: reqwest::Url,
    generated: crate::tweetapi::Client,
}

impl TweetApiClient {
    /// A client for `api.tweetapi.com` with a TweetAPI key and the account's
    /// `auth_token` cookie value.
    pub fn new(api_key: impl AsRef<str>, auth_token: impl Into<String>) -> Result<Self, Error> {
        Self::builder(api_key, auth_token).build()
    }

    /// A builder to set a proxy, the base URL, timeouts or the HTTP client.
    pub fn builder(
        api_key: impl AsRef<str>,
        auth_token: impl Into<String>,
    ) -> TweetApiClientBuilder {
        TweetApiClientBuilder {
            credentials: Credentials::api_key(api_key.as_ref()),
            auth_token: SecretString::from(auth_token.into()),
            proxy: None,
            options: HttpOptions::default(),
        }
    }

    /// The generated client underneath. Its requests take the auth token
    /// explicitly.
    pub fn generated(&self) -> &crate::tweetapi::Client {
        &self.generated
    }

    /// The messages of one conversation (`userId1-userId2`, or a group's id),
    /// newest first.
    pub fn conversation(
        &self,
        conversation_id: impl AsRef<str>,
    ) -> TweetApiConversationRequest<'_> {
        TweetApiConversationRequest::new(self, conversation_id.as_ref().to_owned())
    }

    /// The query parameters every request carries: the auth token and the
    /// proxy.
    pub(crate) fn session_query(&self) -> Vec<(&'static str, String)> {
        let mut query = vec![("authToken", self.auth_token.expose_secret().to_owned())];
        if let Some(proxy) = &self.proxy {
            query.push(("proxy", proxy.expose_secret().to_owned()));
        }
        query
    }

    pub(crate) fn url(&self, path: &[&str], query: &[(&str, String)]) -> reqwest::Url {
        endpoint_url(&self.base_url, path, query)
    }

    /// Checks, sends and decodes one request; the query parameters named in
    /// `issued` hold values TweetAPI handed out, which are not checked.
    pub(crate) async fn fetch<T: crate::explain::Explain>(
        &self,
        method: &'static str,
        url: reqwest::Url,
        issued: &[&str],
    ) -> Result<Fetched<T>, Error> {
        validate::check_except(validate::TWEETAPI, method, &url, issued)?;
        transport::fetch(&self.http, &self.session, method, url, &[]).await
    }
}

impl fmt::Debug for TweetApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TweetApiClient")
            .field("base_url", &self.base_url.as_str())
            .field("session", &self.session)
            .field("auth_token", &self.auth_token)
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

/// Builds a [`TweetApiClient`].
#[derive(Debug)]
#[must_use]
pub struct TweetApiClientBuilder {
    credentials: Result<Credentials, Error>,
    auth_token: SecretString,
    proxy: Option<SecretString>,
    options: HttpOptions,
}

impl TweetApiClientBuilder {
    /// Routes requests through a proxy at TweetAPI's end, as
    /// `host:port@user:pass` (or `host:port`).
    pub fn proxy(mut self, proxy: impl Into<String>) -> Self {
        self.proxy = Some(SecretString::from(proxy.into()));
        self
    }

    option_setters!("https://api.tweetapi.com");

    /// The client, or why it cannot be built.
    pub fn build(self) -> Result<TweetApiClient, Error> {
        let credentials = self.credentials?;
        let (http, base_url, session) = self.options.build(TWEETAPI_BASE_URL, credentials)?;
        let generated = crate::tweetapi::Client::new_with_client(
            base_url.as_str().trim_end_matches('/'),
            http.clone(),
            session.clone(),
        );
        Ok(TweetApiClient {
            http,
            session,
            auth_token: self.auth_token,
            proxy: self.proxy,
            base_url,
            generated,
        })
    }
}
