//! The library's integration tests, one module per subject, in one binary:
//! thirty binaries that each link the whole crate cost CI gigabytes of disk
//! and minutes of linking, where one costs a single link.
//!
//! `tweetapi_fake` stays a binary of its own because it sets an environment
//! variable that the tests here assert is unset.

#[path = "../common/mod.rs"]
mod common;

mod activity_stream;
mod activity_subscriptions;
mod auth;
mod chat_refusals;
mod chat_wire;
mod decode;
mod dm_event;
mod dm_surface;
mod errors;
mod fake_chat;
mod fake_faults;
mod fake_x;
mod faults;
mod generated_snapshot;
mod invalid_input;
mod joins;
mod media;
mod normalize;
mod pagination;
mod spec;
mod tweetapi_pagination;
mod tweetapi_surface;
mod watch;
#[cfg(feature = "webhook")]
mod webhook;
mod webhook_ops;
mod wire_format;
mod writes;
