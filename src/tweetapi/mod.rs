//! TweetAPI: its client, pages and joins, on top of the code generated from
//! `openapi/tweetapi.yaml`.

mod client;
pub mod generated;
mod join;
mod page;

pub use client::{Client, ClientBuilder};
pub use generated::{OPERATIONS, operations, params, types};
// What `x_dm::tweetapi` held when it was the generated module, under the same
// names; its `Client` is now the facade's, the generated one is
// `generated::Client`.
pub use generated::{ByteStream, ClientInfo, Error, ResponseValue, builder, prelude};
pub use join::Joined;
pub use page::Page;

/// A TweetAPI message joined to the users its page included.
pub type Item<T = types::Message> = crate::engine::Item<T, Joined>;

/// `GET /tw-v2/interaction/conversation`, built by [`Client::conversation`].
pub type ConversationRequest = crate::engine::Request<operations::GetTweetApiConversation>;
