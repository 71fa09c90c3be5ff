//! The X API client: DM events and Chat conversations.

use super::generated::{self, operations, types};
use super::ids::chat_path_form;
use super::{
    ChatConversationRequest, ChatConversationsRequest, ChatEventsRequest, DmEventsRequest,
    DmMediaUrl, MediaDownloadRequest, MediaUpload,
};
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

    /// A builder for a client acting with `credentials`: a
    /// [`RefreshingToken`](crate::RefreshingToken) that renews itself, OAuth
    /// 1.0a user context ([`OAuth1`](crate::OAuth1)), or a fixed token.
    ///
    /// ```no_run
    /// use x_dm::x::oauth::App;
    /// use x_dm::{Client, FileTokenStore};
    ///
    /// # async fn run() -> Result<(), x_dm::Error> {
    /// let store = FileTokenStore::new("/home/me/.config/x-dm/default.json");
    /// let tokens = store.load()?.expect("logged in");
    /// let token = App::new("my-client-id")?.refreshing(tokens).on_refresh(store);
    /// let client = Client::builder_with(token).build()?;
    /// let page = client.inbox().send().await?;
    /// # let _ = page;
    /// # Ok(())
    /// # }
    /// ```
    pub fn builder_with(credentials: impl Into<Credentials>) -> ClientBuilder {
        ClientBuilder {
            credentials: Ok(credentials.into()),
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

    /// The bytes of a DM attachment, named by the parts of its media `url`
    /// ([`DmMediaUrl::of`]); [`save`](Request::save) streams them to a
    /// file, through this client's base URL and credential.
    pub fn download_media(&self, media: &DmMediaUrl) -> MediaDownloadRequest {
        Request::<operations::DmConversationsMediaDownload>::new(
            self,
            &media.dm_id,
            &media.media_id,
            &media.resource_id,
        )
    }

    /// Uploads a file in chunks for a DM (scope `media.write`); the
    /// returned media's `id` goes in a message's `attachments`.
    pub fn upload_media(&self, path: impl Into<std::path::PathBuf>) -> MediaUpload {
        MediaUpload::new(self.clone(), path.into())
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

    /// The X Activity API's persistent stream of the app's subscribed
    /// events; [`Request::follow`] follows it across disconnects. Takes the
    /// app's bearer token: build this client with it.
    pub fn activity_stream(&self) -> Request<operations::ActivityStream> {
        Request::<operations::ActivityStream>::new(self)
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
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::GetChatConversation>::new(self, id)
    }

    /// The events of a Chat conversation, newest first, each with its
    /// envelope as X sent it; [`Request::decrypted`] opens them with a
    /// [`Decryptor`](super::Decryptor). Conversation ids given as `uid:uid`
    /// are sent as `uid-uid` here and below.
    pub fn chat_events(&self, conversation_id: impl AsRef<str>) -> ChatEventsRequest {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::GetChatConversationEvents>::new(self, id)
    }

    /// Sends an already encoded (and encrypted) Chat message. Never sent
    /// twice: see [`send_message`](Self::send_message).
    pub fn send_chat_message(
        &self,
        conversation_id: impl AsRef<str>,
        message: types::SendChatMessageRequest,
    ) -> Request<operations::SendChatMessage> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::SendChatMessage>::new(self, id, message)
    }

    /// Marks a Chat conversation read up to its newest event, unsigned
    /// (2.173). For a signed read receipt build the request with a body of
    /// your own: `Request::<operations::MarkChatConversationRead>::new(&client,
    /// id, body)`; for an older server, see
    /// [`mark_chat_read_until`](Self::mark_chat_read_until).
    pub fn mark_chat_read(
        &self,
        conversation_id: impl AsRef<str>,
    ) -> Request<operations::MarkChatConversationRead> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::MarkChatConversationRead>::new(self, id, Default::default())
    }

    /// Marks a Chat conversation read up to one event, with the 2.167 body
    /// (`seen_until_sequence_id`) that servers before 2.173 require.
    pub fn mark_chat_read_until(
        &self,
        conversation_id: impl AsRef<str>,
        sequence_id: impl Into<String>,
    ) -> Request<operations::MarkChatConversationRead> {
        let id = chat_path_form(conversation_id.as_ref());
        let body = types::MarkChatConversationReadRequest {
            seen_until_sequence_id: Some(sequence_id.into()),
            ..Default::default()
        };
        Request::<operations::MarkChatConversationRead>::new(self, id, body)
    }

    /// Marks a Chat conversation unread (2.173).
    pub fn mark_chat_unread(
        &self,
        conversation_id: impl AsRef<str>,
    ) -> Request<operations::MarkChatConversationUnread> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::MarkChatConversationUnread>::new(self, id)
    }

    /// Tells a Chat conversation the user is typing.
    pub fn chat_typing(
        &self,
        conversation_id: impl AsRef<str>,
    ) -> Request<operations::SendChatTypingIndicator> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::SendChatTypingIndicator>::new(self, id)
    }

    /// Mutes a Chat conversation for the user, unsigned. Actions that take
    /// signatures are built with `Request::<operations::…>::new` and a
    /// [`ChatActionRequest`](types::ChatActionRequest) when they must be
    /// signed; the same holds for the calls below.
    pub fn mute_chat(
        &self,
        conversation_id: impl AsRef<str>,
    ) -> Request<operations::MuteChatConversation> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::MuteChatConversation>::new(self, id, Default::default())
    }

    /// Unmutes a Chat conversation for the user.
    pub fn unmute_chat(
        &self,
        conversation_id: impl AsRef<str>,
    ) -> Request<operations::UnmuteChatConversation> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::UnmuteChatConversation>::new(self, id, Default::default())
    }

    /// Archives a Chat conversation for the user (2.173).
    pub fn archive_chat(
        &self,
        conversation_id: impl AsRef<str>,
    ) -> Request<operations::ArchiveChatConversation> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::ArchiveChatConversation>::new(self, id, Default::default())
    }

    /// Unarchives a Chat conversation for the user (2.173).
    pub fn unarchive_chat(
        &self,
        conversation_id: impl AsRef<str>,
    ) -> Request<operations::UnarchiveChatConversation> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::UnarchiveChatConversation>::new(self, id, Default::default())
    }

    /// Adds members to a Chat group (with the rotated key the body
    /// carries).
    pub fn add_chat_members(
        &self,
        group_id: impl AsRef<str>,
        members: types::AddChatGroupMembersRequest,
    ) -> Request<operations::AddChatGroupMembers> {
        Request::<operations::AddChatGroupMembers>::new(self, group_id, members)
    }

    /// Removes members from a Chat group; the user's own id leaves it.
    pub fn remove_chat_members(
        &self,
        group_id: impl AsRef<str>,
        members: types::RemoveChatGroupMembersRequest,
    ) -> Request<operations::RemoveChatGroupMembers> {
        Request::<operations::RemoveChatGroupMembers>::new(self, group_id, members)
    }

    /// The user's pending Chat message requests (2.173).
    pub fn chat_message_requests(&self) -> Request<operations::GetChatMessageRequests> {
        Request::<operations::GetChatMessageRequests>::new(self)
    }

    /// Accepts the message request of a 1:1 conversation (2.173).
    pub fn accept_chat_message_request(
        &self,
        conversation_id: impl AsRef<str>,
    ) -> Request<operations::AcceptChatMessageRequest> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::AcceptChatMessageRequest>::new(self, id)
    }

    /// The user's Chat privacy settings.
    pub fn chat_settings(&self) -> Request<operations::GetChatSettings> {
        Request::<operations::GetChatSettings>::new(self)
    }

    /// The Chat public keys of up to 100 users, sent as one
    /// comma-separated `ids`.
    pub fn public_keys<I>(&self, user_ids: I) -> Request<operations::GetUsersPublicKeys>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let ids: Vec<String> = user_ids.into_iter().map(Into::into).collect();
        Request::<operations::GetUsersPublicKeys>::new(self, ids.join(","))
    }

    /// Blocks Direct Messages to and from a user.
    pub fn block_dms(&self, user_id: impl AsRef<str>) -> Request<operations::BlockUsersDms> {
        Request::<operations::BlockUsersDms>::new(self, user_id)
    }

    /// Unblocks Direct Messages to and from a user.
    pub fn unblock_dms(&self, user_id: impl AsRef<str>) -> Request<operations::UnblockUsersDms> {
        Request::<operations::UnblockUsersDms>::new(self, user_id)
    }

    /// The encrypted bytes of a Chat conversation's media, as stored.
    pub fn download_chat_media(
        &self,
        conversation_id: impl AsRef<str>,
        media_hash_key: impl AsRef<str>,
    ) -> Request<operations::ChatMediaDownload> {
        let id = chat_path_form(conversation_id.as_ref());
        Request::<operations::ChatMediaDownload>::new(self, id, media_hash_key)
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
