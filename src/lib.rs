#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod auth;
mod client;
mod compact;
pub mod connect;
mod error;
mod explain;
#[cfg(test)]
mod fuzz_tests;
mod hooks;
mod ids;
mod includes;
mod join;
pub mod normalize;
mod nulls;
mod options;
mod page;
mod paginate;
mod policy;
mod problem;
mod rate_limit;
mod raw;
mod request;
pub mod secret;
mod session;
#[cfg(feature = "testing")]
pub mod testing;
pub mod timestamp;
mod transport;
pub mod tweetapi;
mod tweetapi_client;
mod tweetapi_page;
pub mod validate;
pub mod wire;
pub mod x;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder};
pub use compact::compact_json;
pub use error::Error;
pub use ids::{ChatConversationId, DmConversationId};
pub use includes::Warning;
pub use join::{Item, Joined};
pub use page::{Meta, Page};
pub use policy::{RateLimitPolicy, RetryPolicy};
pub use problem::{ApiError, ProblemKind};
pub use rate_limit::{RateLimit, RateLimits};
pub use request::{
    ChatConversationRequest, ChatConversationsRequest, Direction, DmEventsRequest,
    TweetApiConversationRequest,
};
pub use session::{Session, Wait, WaitObserver, WaitReason};
pub use tweetapi_client::{TweetApiClient, TweetApiClientBuilder};
pub use tweetapi_page::TweetApiPage;
pub use validate::InvalidParameter;

/// The names most programs need, in one `use x_dm::prelude::*`.
pub mod prelude {
    pub use crate::normalize::{ChatConversationExt, DmEventExt, EventKind, TweetExt, UserExt};
    pub use crate::x::types::{
        ChatConversationExpansion, ChatConversationField, DmEventExpansion, DmEventField,
        DmEventType, MediaField, TweetField, UserField,
    };
    pub use crate::{
        ChatConversationId, Client, Direction, DmConversationId, Error, Item, Page, TweetApiClient,
    };
}
