//! TweetAPI: its client, pages, answers and joins, the inbox walk and the
//! updates poller, on top of the code generated from `openapi/tweetapi.yaml`.

mod client;
pub mod generated;
mod inbox;
mod join;
mod page;
mod reply;
mod updates;

pub use client::{Client, ClientBuilder, XCHAT_PIN_VAR};
pub use generated::{OPERATIONS, operations, params, types};
// What `x_dm::tweetapi` held when it was the generated module, under the same
// names; its `Client` is now the facade's, the generated one is
// `generated::Client`.
pub use generated::{ByteStream, ClientInfo, Error, ResponseValue, builder, prelude};
pub use inbox::{InboxRequest, Timeline};
pub use join::Joined;
pub use page::Page;
pub use reply::Reply;
pub use updates::{DEFAULT_INTERVAL, Updates, UpdatesRequest};

/// A TweetAPI message joined to the users its page included.
pub type Item<T = types::Message> = crate::engine::Item<T, Joined>;

/// `GET /tw-v2/interaction/conversation`, built by [`Client::conversation`].
pub type ConversationRequest = crate::engine::Request<operations::GetTweetApiConversation>;

/// `GET /tw-v2/interaction/inbox-initial-state`, built by [`Client::inbox_initial_state`].
pub type InboxInitialStateRequest =
    crate::engine::Request<operations::GetTweetApiInboxInitialState>;
/// `GET /tw-v2/interaction/inbox-timeline-trusted`, built by [`Client::timeline`].
pub type TrustedTimelineRequest =
    crate::engine::Request<operations::GetTweetApiInboxTimelineTrusted>;
/// `GET /tw-v2/interaction/inbox-timeline-untrusted`, built by [`Client::timeline`].
pub type UntrustedTimelineRequest =
    crate::engine::Request<operations::GetTweetApiInboxTimelineUntrusted>;
/// `GET /tw-v2/interaction/dm-user-updates`, built by [`Client::user_updates`].
pub type UserUpdatesRequest = crate::engine::Request<operations::GetTweetApiDmUserUpdates>;
/// `POST /tw-v2/interaction/send-dm`, built by [`Client::send`].
pub type SendRequest = crate::engine::Request<operations::PostTweetApiSendDm>;
/// `GET /tw-v2/interaction/dm-permissions`, built by [`Client::dm_permissions`].
pub type DmPermissionsRequest = crate::engine::Request<operations::GetTweetApiDmPermissions>;
/// `POST /tw-v2/interaction/accept-conversation`, built by [`Client::accept`].
pub type AcceptRequest = crate::engine::Request<operations::PostTweetApiAcceptConversation>;
/// `POST /tw-v2/xchat/setup`, built by [`Client::xchat_setup`].
pub type XchatSetupRequest = crate::engine::Request<operations::PostTweetApiXchatSetup>;
/// `POST /tw-v2/xchat/conversations`, built by [`Client::xchat_conversations`].
pub type XchatConversationsRequest =
    crate::engine::Request<operations::PostTweetApiXchatConversations>;
/// `POST /tw-v2/xchat/send`, built by [`Client::xchat_send`].
pub type XchatSendRequest = crate::engine::Request<operations::PostTweetApiXchatSend>;
/// `POST /tw-v2/xchat/history`, built by [`Client::xchat_history`].
pub type XchatHistoryRequest = crate::engine::Request<operations::PostTweetApiXchatHistory>;
/// `POST /tw-v2/xchat/can-dm`, built by [`Client::xchat_can_dm`].
pub type XchatCanDmRequest = crate::engine::Request<operations::PostTweetApiXchatCanDm>;
