#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[cfg(feature = "archive")]
pub mod archive;
pub mod connect;
pub mod engine;
mod error;
#[cfg(test)]
mod fuzz_tests;
mod problem;
pub mod secret;
#[cfg(feature = "testing")]
pub mod testing;
pub mod timestamp;
pub mod tweetapi;
pub mod x;

pub use engine::{
    Credentials, Direction, FileTokenStore, InvalidParameter, OAuth1, RateLimit, RateLimitPolicy,
    RateLimits, RefreshingToken, Request, RetryPolicy, Session, TokenSet, TokenStore, Wait,
    WaitObserver, WaitReason, Warning, compact_json, validate, wire,
};
pub use error::{AuthError, Error};
pub use problem::{ApiError, ProblemKind};
pub use x::normalize;
pub use x::{
    ChatConversationId, ChatConversationRequest, ChatConversationsRequest, Client, ClientBuilder,
    DmConversationId, DmEventsRequest, Item, Joined, Meta, Page,
};

/// The TweetAPI client, under the name it had before it moved to
/// [`tweetapi::Client`].
pub type TweetApiClient = tweetapi::Client;

/// The TweetAPI client's builder: [`tweetapi::ClientBuilder`].
pub type TweetApiClientBuilder = tweetapi::ClientBuilder;

/// A page of a TweetAPI conversation: [`tweetapi::Page`].
pub type TweetApiPage = tweetapi::Page;

/// The TweetAPI conversation request: [`tweetapi::ConversationRequest`].
pub type TweetApiConversationRequest = tweetapi::ConversationRequest;

/// The names most programs need, in one `use x_dm::prelude::*`.
pub mod prelude {
    pub use crate::x::normalize::{ChatConversationExt, DmEventExt, EventKind, TweetExt, UserExt};
    pub use crate::x::types::{
        ChatConversationExpansion, ChatConversationField, DmEventExpansion, DmEventField,
        DmEventType, MediaField, TweetField, UserField,
    };
    pub use crate::{
        ChatConversationId, Client, Direction, DmConversationId, Error, Item, Page, TweetApiClient,
    };
}
