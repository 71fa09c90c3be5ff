//! The X API client: DM events and Chat conversations.

use crate::auth::Credentials;
use crate::connect::X_API_BASE_URL;
use crate::options::{HttpOptions, endpoint_url, option_setters};
use crate::request::{ChatConversationRequest, ChatConversationsRequest, DmEventsRequest};
use crate::session::Session;
use crate::transport::{self, Fetched};
use crate::{Error, validate};

/// A client for the X API's DM and Chat endpoints, acting for one user.
///
/// Cheap to clone: clones share one connection pool and what the client has
/// learned of the rate limits.
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
    session: Session,
    base_url: reqwest::Url,
    generated: crate::x::Client,
}

impl Client {
    /// A client for `api.x.com`, acting with an OAuth 2.0 user-context access
    /// token (scopes `dm.read`, `tweet.read`, `users.read`).
    pub fn new(access_token: impl AsRef<str>) -> Result<Self, Error> {
        Self::builder(access_token).build()
    }

    /// A builder to set the base URL, timeouts, policies or HTTP client.
    pub fn builder(access_token: impl AsRef<str>) -> ClientBuilder {
        ClientBuilder {
            credentials: Credentials::bearer(access_token.as_ref()),
            options: HttpOptions::default(),
        }
    }

    /// The generated client underneath, for anything this facade does not
    /// wrap. It shares this client's connection pool, credential and policies.
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
    /// The query parameters named in `issued` hold values the API handed out,
    /// which are not checked.
    pub(crate) async fn fetch<T: crate::explain::Explain>(
        &self,
        method: &'static str,
        url: reqwest::Url,
        issued: &[&str],
    ) -> Result<Fetched<T>, Error> {
        validate::check_except(validate::X_API, method, &url, issued)?;
        let scopes = validate::scopes_of(validate::X_API, method);
        transport::fetch(&self.http, &self.session, method, url, scopes).await
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
    option_setters!("https://api.x.com");

    /// The client, or why it cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials?;
        let (http, base_url, session) = self.options.build(X_API_BASE_URL, credentials)?;
        let generated = crate::x::Client::new_with_client(
            base_url.as_str().trim_end_matches('/'),
            http.clone(),
            session.clone(),
        );
        Ok(Client {
            http,
            session,
            base_url,
            generated,
        })
    }
}
