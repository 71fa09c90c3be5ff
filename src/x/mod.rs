//! The X API: its client, pages, joins, ids and the readings of renamed
//! fields, on top of the code generated from `openapi/x-api.yaml`.

pub mod activity;
mod activity_stream;
mod chat;
mod client;
pub mod generated;
mod ids;
mod includes;
mod join;
mod media;
pub mod normalize;
pub mod oauth;
mod page;
mod upload;
mod watch;
#[cfg(feature = "webhook")]
pub mod webhook;

pub use activity_stream::{Activity, ActivityFollow, Arrival, StreamEvent};
pub use chat::{
    Decrypted, DecryptedEvents, Decryptor, Envelope, EnvelopeError, Opened, RELATIONS_REMEMBERED,
    Relation,
};
pub use client::{Client, ClientBuilder};
pub use generated::{OPERATIONS, operations, params, types};
// What `x_dm::x` held when it was the generated module, under the same
// names; its `Client` is now the facade's, the generated one is
// `generated::Client`.
pub use generated::{ByteStream, ClientInfo, Error, ResponseValue, builder, prelude};
pub use ids::{ChatConversationId, DmConversationId};
pub use join::Joined;
pub use media::{DmMediaUrl, MediaDownloadRequest};
pub use page::{Meta, Page};
pub use upload::{MediaUpload, UploadProgress};
pub use watch::{DmFeed, DmWatch};

/// An X item joined to the users, media and Tweets its page included.
pub type Item<T> = crate::engine::Item<T, Joined>;

/// `GET /2/dm_conversations/{id}/dm_events`, built by [`Client::dm_events`].
pub type DmEventsRequest =
    crate::engine::Request<operations::GetDirectMessagesEventsByConversationId>;

/// `GET /2/chat/conversations`, built by [`Client::conversations`].
pub type ChatConversationsRequest = crate::engine::Request<operations::GetChatConversations>;

/// `GET /2/chat/conversations/{id}`, built by [`Client::conversation`].
pub type ChatConversationRequest = crate::engine::Request<operations::GetChatConversation>;

/// `GET /2/chat/conversations/{id}/events`, built by [`Client::chat_events`].
pub type ChatEventsRequest = crate::engine::Request<operations::GetChatConversationEvents>;
