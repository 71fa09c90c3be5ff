//! The TweetAPI client: one account's DM conversations through its session.

use crate::secret::Secret;
use std::fmt;

use secrecy::SecretString;

use super::generated::{self, operations, types};
use super::{
    AcceptRequest, ConversationRequest, DmPermissionsRequest, InboxInitialStateRequest,
    InboxRequest, SendRequest, TrustedTimelineRequest, UntrustedTimelineRequest, UpdatesRequest,
    UserUpdatesRequest, XchatCanDmRequest, XchatConversationsRequest, XchatHistoryRequest,
    XchatSendRequest, XchatSetupRequest,
};
use crate::Error;
use crate::connect::TWEETAPI_BASE_URL;
use crate::engine::options::{HttpOptions, option_setters};
use crate::engine::{Connected, Connection, Credentials, Request};

/// The credentials that fill the parameters the spec marks `x-credential`.
const AUTH_TOKEN: &str = "auth_token";
const PROXY: &str = "proxy";
const XCHAT_PIN: &str = "xchat_pin";

/// The environment variable the XChat PIN is read from, and the only place
/// it is taken from: a PIN given as an argument would end up in shell
/// histories and process lists.
pub const XCHAT_PIN_VAR: &str = "TWEETAPI_XCHAT_PIN";

/// What the client writes in the body fields it fills from its credentials
/// (`x-credential`): the real value is put in as the request is sent.
fn filled() -> Secret {
    Secret::default()
}

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

    /// The inbox's first state: its newest conversations, the cursor that
    /// [`updates`](Self::updates) polls from, and where each timeline goes on.
    pub fn inbox_initial_state(&self) -> InboxInitialStateRequest {
        Request::<operations::GetTweetApiInboxInitialState>::new(self)
    }

    /// The trusted inbox timeline from `cursor` on (a cursor of
    /// [`inbox_initial_state`](Self::inbox_initial_state) or of a page).
    pub fn trusted_timeline(&self, cursor: impl Into<String>) -> TrustedTimelineRequest {
        Request::<operations::GetTweetApiInboxTimelineTrusted>::new(self).cursor(cursor)
    }

    /// The untrusted inbox timeline (message requests) from `cursor` on.
    pub fn untrusted_timeline(&self, cursor: impl Into<String>) -> UntrustedTimelineRequest {
        Request::<operations::GetTweetApiInboxTimelineUntrusted>::new(self).cursor(cursor)
    }

    /// The whole inbox: the conversations of the first state, then the
    /// trusted and the untrusted timelines to their ends.
    pub fn inbox(&self) -> InboxRequest {
        InboxRequest::new(self.clone())
    }

    /// One poll of what changed since `cursor`.
    pub fn user_updates(&self, cursor: impl Into<String>) -> UserUpdatesRequest {
        Request::<operations::GetTweetApiDmUserUpdates>::new(self).cursor(cursor)
    }

    /// New messages as they arrive, by polling: each one once, in the order
    /// sent, with the cursor to save after each batch.
    pub fn updates(&self) -> UpdatesRequest {
        UpdatesRequest::new(self.clone())
    }

    /// Sends `text` to a conversation (`userId1-userId2`, or a group's id),
    /// with at most one media item. A send is never repeated: after a
    /// failure, [`Error::may_have_taken_effect`] says whether it may have
    /// been sent.
    pub fn send(
        &self,
        conversation_id: impl Into<String>,
        text: impl Into<String>,
        media: Option<types::MediaItem>,
    ) -> SendRequest {
        self.send_message(types::SendDmRequest {
            auth_token: filled(),
            conversation_id: conversation_id.into(),
            text: text.into(),
            request_id: None,
            media: media.into_iter().collect(),
            proxy: None,
        })
    }

    /// Sends a message built in full, say with a `requestId` of the
    /// caller's. Its `authToken` and `proxy` are the client's, whatever the
    /// body says.
    pub fn send_message(&self, message: types::SendDmRequest) -> SendRequest {
        Request::<operations::PostTweetApiSendDm>::new(self, message)
    }

    /// Whether the account may send DMs to each of up to 50 users.
    pub fn dm_permissions<I>(&self, recipient_ids: I) -> DmPermissionsRequest
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let ids: Vec<String> = recipient_ids.into_iter().map(Into::into).collect();
        Request::<operations::GetTweetApiDmPermissions>::new(self, ids.join(","))
    }

    /// Accepts a message request: the conversation moves to the trusted
    /// inbox.
    pub fn accept(&self, conversation_id: impl Into<String>) -> AcceptRequest {
        let body = types::AcceptConversationRequest {
            auth_token: filled(),
            conversation_id: conversation_id.into(),
            proxy: None,
        };
        Request::<operations::PostTweetApiAcceptConversation>::new(self, body)
    }

    /// Unlocks XChat for the account `user_id` with the PIN in the
    /// environment variable [`XCHAT_PIN_VAR`], read when the client was
    /// built. Without it the request is refused before it is sent.
    pub fn xchat_setup(&self, user_id: impl Into<String>) -> XchatSetupRequest {
        let body = types::XchatSetupRequest {
            auth_token: filled(),
            user_id: user_id.into(),
            pin: filled(),
            proxy: None,
        };
        Request::<operations::PostTweetApiXchatSetup>::new(self, body)
    }

    /// The XChat conversations, `limit` a page (1 to 100; TweetAPI's default
    /// is 50). [`pages`](Request::pages) carries each page's
    /// `graphSnapshotId` along with its cursor.
    pub fn xchat_conversations(&self, limit: Option<i32>) -> XchatConversationsRequest {
        let body = types::XchatConversationsRequest {
            auth_token: filled(),
            cursor: None,
            graph_snapshot_id: None,
            limit,
            proxy: None,
        };
        Request::<operations::PostTweetApiXchatConversations>::new(self, body)
    }

    /// Sends an XChat message to a user. Never repeated: see
    /// [`send`](Self::send).
    pub fn xchat_send(
        &self,
        recipient_id: impl Into<String>,
        message: impl Into<String>,
    ) -> XchatSendRequest {
        let body = types::XchatSendRequest {
            auth_token: filled(),
            recipient_id: recipient_id.into(),
            message: message.into(),
            proxy: None,
        };
        Request::<operations::PostTweetApiXchatSend>::new(self, body)
    }

    /// An XChat conversation (`userId1:userId2`), decrypted, `limit` messages
    /// a page (1 to 200; TweetAPI's default is 200).
    pub fn xchat_history(
        &self,
        conversation_id: impl Into<String>,
        limit: Option<i32>,
    ) -> XchatHistoryRequest {
        let body = types::XchatHistoryRequest {
            auth_token: filled(),
            conversation_id: conversation_id.into(),
            cursor: None,
            limit,
            proxy: None,
        };
        Request::<operations::PostTweetApiXchatHistory>::new(self, body)
    }

    /// Whether each of 1 to 100 users can receive XChat messages.
    pub fn xchat_can_dm<I>(&self, user_ids: I) -> XchatCanDmRequest
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let body = types::XchatCanDmRequest {
            auth_token: filled(),
            user_ids: user_ids.into_iter().map(Into::into).collect(),
            proxy: None,
        };
        Request::<operations::PostTweetApiXchatCanDm>::new(self, body)
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
        let pin = std::env::var(XCHAT_PIN_VAR)
            .ok()
            .filter(|pin| !pin.is_empty());
        secrets.extend(pin.map(|pin| (XCHAT_PIN, SecretString::from(pin))));
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
