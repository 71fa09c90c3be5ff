//! One file per command: its arguments and what it does.

pub mod activity_delete;
pub mod activity_list;
pub mod activity_subscribe;
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
mod message;
pub mod send;
pub mod tweetapi_conversation;
pub mod watch;
pub mod webhook_delete;
pub mod webhook_list;
pub mod webhook_register;
pub mod webhook_replay;
pub mod webhook_serve;
pub mod webhook_validate;
