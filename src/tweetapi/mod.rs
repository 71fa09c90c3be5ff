//! TweetAPI: its client, pages and joins, on top of the code generated from
//! `openapi/tweetapi.yaml`.

mod client;
pub mod generated;
mod join;
mod page;

pub use client::{Client, ClientBuilder};
pub use generated::{OPERATIONS, operations, params, types};
pub use join::Joined;
pub use page::Page;

/// A TweetAPI message joined to the users its page included.
pub type Item<T = types::Message> = crate::engine::Item<T, Joined>;

/// `GET /tw-v2/interaction/conversation`, built by [`Client::conversation`].
pub type ConversationRequest = crate::engine::Request<operations::GetTweetApiConversation>;
