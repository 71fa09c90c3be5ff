//! The engine: everything a request needs that knows no API. Transport,
//! session and policies, rate limits, pagination, joins, raw item slices,
//! decode-error explanation, bad
//! included objects left out, `null` read as absent, JSON compaction,
//! validation, wire encoding, credentials and the
//! one request builder all work from the descriptors each API's spec
//! generates. Nothing here imports `crate::x` or `crate::tweetapi`.

mod auth;
mod compact;
mod connection;
mod descriptor;
pub(crate) mod download;
pub(crate) mod explain;
pub mod follow;
pub(crate) mod hooks;
pub(crate) mod http;
mod join;
pub(crate) mod lenient;
pub mod lines;
pub(crate) mod nulls;
pub mod oauth1;
pub(crate) mod options;
mod output;
pub(crate) mod paginate;
mod policy;
pub mod poll;
mod rate_limit;
pub(crate) mod raw;
mod refresh;
mod request;
mod session;
mod token;
pub(crate) mod transport;
pub mod validate;
pub mod wire;

pub use auth::Credentials;
pub use compact::compact_json;
pub use connection::{Connected, Connection};
pub use descriptor::{
    Body, BodyRule, Endpoint, Location, Operation, Operations, Pagination, Param, Requirement,
    Rule, TypeVisitor, find,
};
pub use download::{DownloadStream, Saved};
pub use follow::Follow;
pub(crate) use join::join as join_items;
pub use join::{Bounded, Item, Keyed, WithRaw};
pub use lenient::Warning;
pub use lines::Lines;
pub use oauth1::OAuth1;
pub use output::{Cache, Download, Empty, FromResponse, Multipart, Paged, Response, Split};
pub use policy::{RateLimitPolicy, RetryPolicy};
pub use poll::{Batch, Feed, FeedPage, Poll, Position, Start};
pub use rate_limit::{RateLimit, RateLimits};
pub use raw::{RawItems, RawRef};
pub use refresh::{MIN_REFRESH_AHEAD, Refresh, RefreshingToken};
pub use request::{Direction, ItemOf, Request};
pub use session::{Session, Wait, WaitObserver, WaitReason};
pub use token::{FileTokenStore, TokenSet, TokenStore};
pub use validate::InvalidParameter;
