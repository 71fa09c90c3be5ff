//! Mute, unmute, archive and unarchive: one boolean of the conversation
//! object, for the account only, answered with its new value.

use axum::response::Response;
use serde_json::json;

use super::chat_common::{body_of, conversation_of, flag};
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::x::operations::{
    ArchiveChatConversation, MuteChatConversation, UnarchiveChatConversation,
    UnmuteChatConversation,
};
use crate::x::types::ChatActionRequest;

pub(super) const MUTE: Route = Route {
    operation: MuteChatConversation::operation,
    serve: |shared, call| toggle(shared, call, "is_muted", "muted", true),
    tokens: None,
};

pub(super) const UNMUTE: Route = Route {
    operation: UnmuteChatConversation::operation,
    serve: |shared, call| toggle(shared, call, "is_muted", "muted", false),
    tokens: None,
};

pub(super) const ARCHIVE: Route = Route {
    operation: ArchiveChatConversation::operation,
    serve: |shared, call| toggle(shared, call, "is_archived", "archived", true),
    tokens: None,
};

pub(super) const UNARCHIVE: Route = Route {
    operation: UnarchiveChatConversation::operation,
    serve: |shared, call| toggle(shared, call, "is_archived", "archived", false),
    tokens: None,
};

/// Sets the conversation's `field` to `on` and answers `{answer: on}`.
fn toggle(shared: &Shared, call: &Call, field: &str, answer: &str, on: bool) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    if let Err(refused) = body_of::<ChatActionRequest>(call) {
        return *refused;
    }
    shared.store.write(|data| {
        if let Some(conversation) = data.chat_mut().0.conversation_mut(&id) {
            conversation[field] = json!(on);
        }
    });
    flag(answer, on)
}
