//! `markChatConversationRead`, `markChatConversationUnread` and
//! `sendChatTypingIndicator`: the account's read state on the conversation
//! object (`last_read_event_id`, `unread`), and a typing indicator, which
//! changes nothing that can be read back.

use axum::response::Response;
use serde_json::{Value, json};

use super::chat_common::{body_of, conversation_of, flag, refuse_field};
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::x::operations::{
    MarkChatConversationRead, MarkChatConversationUnread, SendChatTypingIndicator,
};
use crate::x::types::MarkChatConversationReadRequest;

pub(super) const READ: Route = Route {
    operation: MarkChatConversationRead::operation,
    serve: read,
    tokens: None,
};

pub(super) const UNREAD: Route = Route {
    operation: MarkChatConversationUnread::operation,
    serve: unread,
    tokens: None,
};

pub(super) const TYPING: Route = Route {
    operation: SendChatTypingIndicator::operation,
    serve: typing,
    tokens: None,
};

/// 2.173 marks the conversation read up to its newest event; a 2.167 body
/// names the event with `seen_until_sequence_id`, which must be one of its
/// own.
fn read(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let request: MarkChatConversationReadRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    let events = data.chat_events(&id).unwrap_or_default();
    let until = match &request.seen_until_sequence_id {
        Some(until)
            if !events
                .iter()
                .any(|e| e.get("id").and_then(Value::as_str) == Some(until)) =>
        {
            return refuse_field(
                call,
                "seen_until_sequence_id",
                Some(until.clone()),
                "names no event of the conversation",
            );
        }
        Some(until) => Some(json!(until)),
        None => events.first().and_then(|e| e.get("id")).cloned(),
    };
    shared.store.write(|data| {
        let (chat, _) = data.chat_mut();
        if let Some(conversation) = chat.conversation_mut(&id) {
            if let Some(until) = until {
                conversation["last_read_event_id"] = until;
            }
            conversation["unread"] = json!(false);
        }
    });
    flag("success", true)
}

fn unread(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    shared.store.write(|data| {
        if let Some(conversation) = data.chat_mut().0.conversation_mut(&id) {
            conversation["unread"] = json!(true);
        }
    });
    flag("success", true)
}

fn typing(shared: &Shared, call: &Call) -> Response {
    match conversation_of(shared, call) {
        Ok(_) => flag("success", true),
        Err(missing) => *missing,
    }
}
