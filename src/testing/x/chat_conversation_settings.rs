//! The settings every participant shares: the message TTL (on and off) and
//! screen capture; and deleting a conversation from the account's inbox,
//! which on a pending message request deletes the request (2.173).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::chat_common::{admins_only, body_of, conversation_of, flag, missing, refuse_field};
use super::chat_conversation::direct_id;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::{
    DeleteChatConversation, DeleteChatConversationMessageTtl, UpdateChatConversationMessageTtl,
    UpdateChatConversationScreenCapture,
};
use crate::x::params;
use crate::x::types::{
    ChatActionRequest, UpdateChatConversationMessageTtlRequest,
    UpdateChatConversationScreenCaptureRequest,
};

pub(super) const TTL_ON: Route = Route {
    operation: UpdateChatConversationMessageTtl::operation,
    serve: ttl_on,
    tokens: None,
};

pub(super) const TTL_OFF: Route = Route {
    operation: DeleteChatConversationMessageTtl::operation,
    serve: ttl_off,
    tokens: None,
};

pub(super) const SCREEN_CAPTURE: Route = Route {
    operation: UpdateChatConversationScreenCapture::operation,
    serve: screen_capture,
    tokens: None,
};

pub(super) const DELETE: Route = Route {
    operation: DeleteChatConversation::operation,
    serve: delete,
    tokens: None,
};

/// Writes both names X has used for the TTL.
fn set_ttl(shared: &Shared, id: &str, ms: u64) {
    shared.store.write(|data| {
        if let Some(conversation) = data.chat_mut().0.conversation_mut(id) {
            conversation["message_ttl_ms"] = json!(ms);
            conversation["message_ttl_msec"] = json!(ms.to_string());
        }
    });
}

fn ttl_on(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let request: UpdateChatConversationMessageTtlRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    // The spec's pattern allows 19 digits, which may not fit.
    let Ok(ms) = request.message_ttl_ms.parse::<u64>() else {
        return refuse_field(
            call,
            "message_ttl_ms",
            Some(request.message_ttl_ms.clone()),
            "is too large",
        );
    };
    set_ttl(shared, &id, ms);
    flag("updated", true)
}

fn ttl_off(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    if let Err(refused) = body_of::<ChatActionRequest>(call) {
        return *refused;
    }
    set_ttl(shared, &id, 0);
    flag("deleted", true)
}

/// One setting per request, as X takes it; in a group, admins only.
fn screen_capture(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let request: UpdateChatConversationScreenCaptureRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let (field, answer, on) = match (request.blocking, request.detection) {
        (Some(on), None) => ("screen_capture_blocking_enabled", "blocking", on),
        (None, Some(on)) => ("screen_capture_detection_enabled", "detection", on),
        _ => {
            return refuse_field(
                call,
                "blocking",
                None,
                "or `detection`, exactly one of them, is required",
            );
        }
    };
    let data = shared.store.snapshot();
    if id.starts_with('g') && !data.chat().is_admin(&id, data.account_id()) {
        return admins_only(&id);
    }
    shared.store.write(|data| {
        if let Some(conversation) = data.chat_mut().0.conversation_mut(&id) {
            conversation[field] = json!(on);
        }
    });
    json_response(StatusCode::OK, &json!({ "data": { answer: on } }))
}

fn delete(shared: &Shared, call: &Call) -> Response {
    if let Err(refused) = body_of::<ChatActionRequest>(call) {
        return *refused;
    }
    let given = call.value(params::ID).unwrap_or_default();
    let id = direct_id(&shared.store.snapshot(), given);
    let deleted = shared.store.write(|data| {
        let (chat, _) = data.chat_mut();
        let before = chat.conversations.len() + chat.requests.len();
        chat.conversations
            .retain(|c| c.get("id").and_then(|v| v.as_str()) != Some(id.as_str()));
        chat.requests
            .retain(|r| r.get("conversation_id").and_then(|v| v.as_str()) != Some(id.as_str()));
        let gone = chat.conversations.len() + chat.requests.len() < before;
        if gone {
            chat.events.remove(&id);
        }
        gone
    });
    if deleted {
        flag("deleted", true)
    } else {
        missing(given)
    }
}
