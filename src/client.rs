//! The X API client: DM events and Chat conversations.

use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::auth::Credentials;
use crate::connect::{self, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT, X_API_BASE_URL};
use crate::request::{ChatConversationRequest, ChatConversationsRequest, DmEventsRequest};
use crate::validate::{self, InvalidParameter};
use crate::{Error, transport};

/// A client for the X API's DM and Chat endpoints, acting for one user.
///
/// Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use x_dm::Client;
///
/// # async fn run() -> Result<(), x_dm::Error> {
/// let client = Client::new(std::env::var("X_ACCESS_TOKEN").unwrap_or_default())?;
/// let mut events = client.dm_events("1234567890-9876543210").items();
/// while let Some(event) = events.try_next().await? {
///     let sender = event.sender().and_then(|user| user.username.as_deref());
///     println!("@{}: {}", sender.unwrap_or("?"), event.text.as_deref().unwrap_or(""));
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    credentials: Credentials,
    base_url: reqwest::Url,
    generated: crate::x::Client,
}

impl Client {
    /// A client for `api.x.com`, acting with an OAuth 2.0 user-context access
    /// token (scopes `dm.read`, `tweet.read`, `users.read`).
    pub fn new(access_token: impl AsRef<str>) -> Result<Self, Error> {
        Self::builder(access_token).build()
    }

    /// A builder to set the base URL, timeouts, user agent or HTTP client.
    pub fn builder(access_token: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder {
            credentials: Credentials::bearer(access_token.as_ref()),
            options: HttpOptions::default(),
        }
    }

    /// The generated client underneath, for anything this facade does not
    /// wrap. It shares this client's connection pool and credential.
    pub fn generated(&self) -> &crate::x::Client {
        &self.generated
    }

    /// The DM events of one conversation, newest first.
    pub fn dm_events(&self, conversation_id: impl AsRef<str>) -> DmEventsRequest<'_> {
        DmEventsRequest::new(self, conversation_id.as_ref().to_owned())
    }

    /// The Chat conversations in the user's inbox.
    pub fn conversations(&self) -> ChatConversationsRequest<'_> {
        ChatConversationsRequest::new(self)
    }

    /// One Chat conversation.
    pub fn conversation(&self, conversation_id: impl AsRef<str>) -> ChatConversationRequest<'_> {
        ChatConversationRequest::new(self, conversation_id.as_ref().to_owned())
    }

    /// The URL of `path` (segments under the base URL) with `query`.
    pub(crate) fn url(&self, path: &[&str], query: &[(&str, String)]) -> reqwest::Url {
        endpoint_url(&self.base_url, path, query)
    }

    /// Checks, sends and decodes one request of the generated method `method`.
    pub(crate) async fn fetch<T: DeserializeOwned>(
        &self,
        method: &'static str,
        url: reqwest::Url,
    ) -> Result<(T, Bytes), Error> {
        validate::check(validate::X_API, method, &url)?;
        let exchange = transport::get(&self.http, &self.credentials, url).await?;
        let value = exchange.decode(validate::scopes_of(validate::X_API, method))?;
        Ok((value, exchange.body))
    }
}

/// Builds a [`Client`]. Setters take `impl Into` where it helps.
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    credentials: Result<Credentials, Error>,
    options: HttpOptions,
}

impl ClientBuilder {
    /// The API root, `https://api.x.com` by default. Plain `http` is meant for
    /// local test servers.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.options.base_url = Some(base_url.into());
        self
    }

    /// How long a whole request may take (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// How long connecting may take (10 s by default).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` to send instead of `x-dm/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.options.user_agent = Some(user_agent.into());
        self
    }

    /// A `reqwest::Client` of the caller's own. The timeouts and user agent of
    /// this builder are then the caller's client's.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.options.http = Some(http);
        self
    }

    /// The client, or why it cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials?;
        let (http, base_url) = self.options.build(X_API_BASE_URL)?;
        let generated = crate::x::Client::new_with_client(
            base_url.as_str().trim_end_matches('/'),
            http.clone(),
            credentials.clone(),
        );
        Ok(Client {
            http,
            credentials,
            base_url,
            generated,
        })
    }
}

/// Connection settings both clients' builders share.
#[derive(Debug)]
pub(crate) struct HttpOptions {
    pub base_url: Option<String>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub user_agent: Option<String>,
    pub http: Option<reqwest::Client>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            http: None,
        }
    }
}

impl HttpOptions {
    /// The HTTP client and the parsed base URL.
    pub fn build(self, default_base: &str) -> Result<(reqwest::Client, reqwest::Url), Error> {
        let base = self.base_url.as_deref().unwrap_or(default_base);
        let base_url = parse_base_url(base)?;
        let http = match self.http {
            Some(http) => http,
            None => connect::http_client(
                self.user_agent.as_deref().unwrap_or(USER_AGENT),
                self.connect_timeout,
                self.timeout,
            )?,
        };
        Ok((http, base_url))
    }
}

fn parse_base_url(base: &str) -> Result<reqwest::Url, Error> {
    let refuse = |rule: &str| InvalidParameter {
        parameter: "base_url",
        rule: rule.to_owned(),
        value: Some(base.to_owned()),
    };
    let url = reqwest::Url::parse(base).map_err(|_| refuse("must be an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(refuse("must be an http or https URL").into());
    }
    Ok(url)
}

/// `base` with `path` appended segment by segment (each percent-encoded) and
/// `query` as its query string, list commas left literal.
pub(crate) fn endpoint_url(
    base: &reqwest::Url,
    path: &[&str],
    query: &[(&str, String)],
) -> reqwest::Url {
    let mut url = base.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend(path);
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
        crate::wire::literal_commas(&mut url);
    }
    url
}
