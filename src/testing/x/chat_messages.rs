//! `sendChatMessage` and `deleteChatMessages`: an encoded event stored as
//! sent, to come back as the conversation's newest event; events removed for
//! everyone (the sender's own, or any in a group the account administers)
//! or from the account's view.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::chat_common::{body_of, conversation_of, flag, forbidden, refuse_field};
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::{DeleteChatMessages, SendChatMessage};
use crate::x::types::{ChatDeleteMessageAction, DeleteChatMessagesRequest, SendChatMessageRequest};

pub(super) const SEND: Route = Route {
    operation: SendChatMessage::operation,
    serve: send,
    tokens: None,
};

pub(super) const DELETE: Route = Route {
    operation: DeleteChatMessages::operation,
    serve: delete,
    tokens: None,
};

fn send(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let message: SendChatMessageRequest = match body_of(call) {
        Ok(message) => message,
        Err(refused) => return *refused,
    };
    let me = shared.store.snapshot().account_id().to_owned();
    let sent = shared.store.write(|data| {
        let (chat, mut ids) = data.chat_mut();
        let event_id = ids.next();
        let events = chat.events.entry(id.clone()).or_default();
        let previous = events.first().and_then(|e| e.get("id")).cloned();
        let mut event = json!({
            "id": event_id,
            "conversation_id": id,
            "sender_id": me,
            "created_at": ids.now(),
            "encoded_event": message.encoded_message_create_event,
            "is_trusted": true,
        });
        if let Some(previous) = previous {
            event["previous_id"] = previous;
        }
        if let Some(token) = &message.conversation_token {
            event["conversation_token"] = json!(token);
        }
        if let Some(signature) = &message.encoded_message_event_signature {
            event["message_event_signature"] = json!({ "signature": signature });
        }
        events.insert(0, event);
        chat.refresh_newest(&id);
        message.encoded_message_create_event.clone()
    });
    json_response(
        StatusCode::CREATED,
        &json!({ "data": { "encoded_message_event": sent } }),
    )
}

fn delete(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let request: DeleteChatMessagesRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    let me = data.account_id();
    let events = data.chat_events(&id).unwrap_or_default();
    let admin = data.chat().is_admin(&id, me);
    for (index, sequence_id) in request.sequence_ids.iter().enumerate() {
        let Some(event) = events
            .iter()
            .find(|e| e.get("id").and_then(Value::as_str) == Some(sequence_id))
        else {
            return refuse_field(
                call,
                &format!("sequence_ids[{index}]"),
                Some(sequence_id.clone()),
                "names no event of the conversation",
            );
        };
        let own = event.get("sender_id").and_then(Value::as_str) == Some(me);
        if request.delete_message_action == ChatDeleteMessageAction::DeleteForAll && !own && !admin
        {
            return forbidden(&format!("You may not delete [{sequence_id}] for everyone."));
        }
    }
    shared.store.write(|data| {
        let (chat, _) = data.chat_mut();
        if let Some(events) = chat.events.get_mut(&id) {
            events.retain(|e| {
                !e.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|event| request.sequence_ids.iter().any(|s| s == event))
            });
        }
        chat.refresh_newest(&id);
    });
    flag("deleted", true)
}
