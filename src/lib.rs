//! Typed client for the X API v2 Direct Message and Chat endpoints, and for
//! TweetAPI's DM conversation endpoint.
//!
//! The clients in [`x`] and [`tweetapi`] are generated at build time from the
//! hand-written OpenAPI specs in `openapi/`. Every request they make is checked
//! against the spec's parameter rules before it is sent.

pub mod connect;
mod error;
mod hooks;
pub mod tweetapi;
pub mod validate;
pub mod wire;
pub mod x;

pub use error::Error;
pub use validate::InvalidParameter;
