//! One file per command: its arguments and what it does.

pub mod auth_login;
pub mod auth_logout;
pub mod auth_refresh;
pub mod auth_status;
mod chat_selection;
pub mod conversation;
pub mod conversations;
pub mod delete;
mod dm_event_selection;
mod dm_event_walk;
pub mod event;
pub mod events;
pub mod group_create;
pub mod inbox;
pub mod media_download;
mod message;
pub mod send;
pub mod tweetapi_accept;
pub mod tweetapi_can_dm;
pub mod tweetapi_conversation;
pub mod tweetapi_inbox;
mod tweetapi_items;
pub mod tweetapi_send;
pub mod tweetapi_updates;
pub mod tweetapi_xchat;
