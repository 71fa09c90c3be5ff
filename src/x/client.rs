//! The X API client: DM events and Chat conversations.

use super::generated::{self, operations, types};
use super::{ChatConversationRequest, ChatConversationsRequest, DmEventsRequest};
use crate::Error;
use crate::connect::X_API_BASE_URL;
use crate::engine::options::{HttpOptions, option_setters};
use crate::engine::{Connected, Connection, Credentials, Multipart, Request};

/// A client for the X API's DM and Chat endpoints, acting for one user.
///
/// Cheap to clone: clones share one connection pool and what the client has
/// learned of the rate limits. Requests own a clone, so their streams can be
/// spawned.
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
    connection: Connection,
    generated: generated::Client,
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
    pub fn generated(&self) -> &generated::Client {
        &self.generated
    }

    /// The DM events of one conversation, newest first.
    pub fn dm_events(&self, conversation_id: impl AsRef<str>) -> DmEventsRequest {
        Request::<operations::GetDirectMessagesEventsByConversationId>::new(self, conversation_id)
    }

    /// The DM events of every conversation of the user, one-to-one and
    /// groups alike, newest first: the whole inbox (X keeps 30 days).
    pub fn inbox(&self) -> Request<operations::GetDirectMessagesEvents> {
        Request::<operations::GetDirectMessagesEvents>::new(self)
    }

    /// The DM events of the one-to-one conversation with another user,
    /// newest first.
    pub fn dm_events_with(
        &self,
        participant_id: impl AsRef<str>,
    ) -> Request<operations::GetDirectMessagesEventsByParticipantId> {
        Request::<operations::GetDirectMessagesEventsByParticipantId>::new(self, participant_id)
    }

    /// Deletes a DM event the user sent. Not retried once it may have
    /// reached X.
    pub fn delete_dm_event(
        &self,
        event_id: impl AsRef<str>,
    ) -> Request<operations::DeleteDirectMessagesEvents> {
        Request::<operations::DeleteDirectMessagesEvents>::new(self, event_id)
    }

    /// One DM event, with what its expansions include.
    pub fn dm_event(
        &self,
        event_id: impl AsRef<str>,
    ) -> Request<operations::GetDirectMessagesEventsById> {
        Request::<operations::GetDirectMessagesEventsById>::new(self, event_id)
    }

    /// The Chat conversations in the user's inbox.
    pub fn conversations(&self) -> ChatConversationsRequest {
        Request::<operations::GetChatConversations>::new(self)
    }

    /// Sends a message to an existing DM conversation. A send is never
    /// retried once it may have reached X: on a failure,
    /// [`Error::may_have_taken_effect`] says whether to check before sending
    /// again.
    pub fn send_message(
        &self,
        conversation_id: impl AsRef<str>,
        message: types::CreateMessageRequest,
    ) -> Request<operations::CreateDirectMessagesByConversationId> {
        Request::<operations::CreateDirectMessagesByConversationId>::new(
            self,
            conversation_id,
            message,
        )
    }

    /// Sends a message to a user, in the one-to-one conversation with them
    /// (which X starts on a first message). Never sent twice: see
    /// [`send_message`](Self::send_message).
    pub fn send_message_to(
        &self,
        participant_id: impl AsRef<str>,
        message: types::CreateMessageRequest,
    ) -> Request<operations::CreateDirectMessagesByParticipantId> {
        Request::<operations::CreateDirectMessagesByParticipantId>::new(
            self,
            participant_id,
            message,
        )
    }

    /// Starts a group conversation with its first message. Never sent
    /// twice: see [`send_message`](Self::send_message).
    pub fn create_group(
        &self,
        group: types::CreateGroupRequest,
    ) -> Request<operations::CreateDirectMessagesConversation> {
        Request::<operations::CreateDirectMessagesConversation>::new(self, group)
    }

    /// Sends one chunk of a chunked media upload, as `multipart/form-data`
    /// with the `media` bytes and their `segment_index`.
    pub fn append_media_upload(
        &self,
        media_id: impl AsRef<str>,
        chunk: Multipart,
    ) -> Request<operations::AppendMediaUpload> {
        Request::<operations::AppendMediaUpload>::new(self, media_id, chunk)
    }

    /// The X Activity API subscriptions. The subscription operations take
    /// the user's token here (with the scope of the event type: `dm.read`
    /// for `dm.*` and `chat.*`); X also takes the app's.
    pub fn activity_subscriptions(&self) -> Request<operations::GetActivitySubscriptions> {
        Request::<operations::GetActivitySubscriptions>::new(self)
    }

    /// Subscribes to one event type. Not retried once it may have reached
    /// X.
    pub fn subscribe(
        &self,
        subscription: types::CreateActivitySubscriptionRequest,
    ) -> Request<operations::CreateActivitySubscription> {
        Request::<operations::CreateActivitySubscription>::new(self, subscription)
    }

    /// Changes a subscription's tag or webhook.
    pub fn update_subscription(
        &self,
        subscription_id: impl AsRef<str>,
        change: types::UpdateActivitySubscriptionRequest,
    ) -> Request<operations::UpdateActivitySubscription> {
        Request::<operations::UpdateActivitySubscription>::new(self, subscription_id, change)
    }

    /// Deletes a subscription. Not retried once it may have reached X.
    pub fn unsubscribe(
        &self,
        subscription_id: impl AsRef<str>,
    ) -> Request<operations::DeleteActivitySubscription> {
        Request::<operations::DeleteActivitySubscription>::new(self, subscription_id)
    }

    /// The app's webhooks. The webhook operations take the app's bearer
    /// token: build the client with it (2.169 also takes a user's token,
    /// except for a replay).
    pub fn webhooks(&self) -> Request<operations::GetWebhooks> {
        Request::<operations::GetWebhooks>::new(self)
    }

    /// Registers a webhook URL; X sends it a CRC challenge at once (see
    /// `x::webhook::Receiver`, feature `webhook`). Not retried once it may
    /// have reached X.
    pub fn register_webhook(&self, url: impl Into<String>) -> Request<operations::CreateWebhooks> {
        let body = types::CreateWebhookRequest { url: url.into() };
        Request::<operations::CreateWebhooks>::new(self, body)
    }

    /// Has X send the webhook a CRC challenge now.
    pub fn validate_webhook(
        &self,
        webhook_id: impl AsRef<str>,
    ) -> Request<operations::ValidateWebhooks> {
        Request::<operations::ValidateWebhooks>::new(self, webhook_id)
    }

    /// Deletes a webhook. Not retried once it may have reached X.
    pub fn delete_webhook(
        &self,
        webhook_id: impl AsRef<str>,
    ) -> Request<operations::DeleteWebhooks> {
        Request::<operations::DeleteWebhooks>::new(self, webhook_id)
    }

    /// Has X deliver again, to the webhook, the events of the past 24 hours
    /// from the minute of `from` to the minute of `to`, both inclusive.
    /// Takes the app's bearer token only.
    pub fn replay_webhook(
        &self,
        webhook_id: impl Into<String>,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> Request<operations::CreateWebhookReplayJob> {
        let minute = |at: chrono::DateTime<chrono::Utc>| at.format("%Y%m%d%H%M").to_string();
        let body = types::CreateWebhookReplayJobRequest {
            webhook_id: webhook_id.into(),
            from_date: minute(from),
            to_date: minute(to),
        };
        Request::<operations::CreateWebhookReplayJob>::new(self, body)
    }

    /// One Chat conversation. The `uid:uid` form that Chat events carry is
    /// sent as `uid-uid`.
    pub fn conversation(&self, conversation_id: impl AsRef<str>) -> ChatConversationRequest {
        let id = super::ids::chat_path_form(conversation_id.as_ref());
        Request::<operations::GetChatConversation>::new(self, id)
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
        let connection = self
            .options
            .connect(X_API_BASE_URL, credentials, Vec::new())?;
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
