//! One file per command: its arguments and what it does.

mod chat_selection;
pub mod conversation;
pub mod conversations;
mod dm_event_selection;
pub mod event;
pub mod events;
pub mod tweetapi_conversation;
