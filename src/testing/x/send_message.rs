//! `createDirectMessagesByConversationId`: a message from the account to one
//! of its conversations, which later reads of that conversation return as its
//! newest event.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{not_found, refuse};
use crate::testing::Shared;
use crate::testing::server::call::{Call, Payload, Refusal};
use crate::testing::server::{Route, json_response};
use crate::x::operations::CreateDirectMessagesByConversationId;
use crate::x::params;
use crate::x::types::CreateMessageRequest;

pub(super) const ROUTE: Route = Route {
    operation: CreateDirectMessagesByConversationId::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let refused = |refusal: Refusal| refuse(call.operation, &[refusal]);
    let id = call.value(params::DM_CONVERSATION_ID).unwrap_or_default();
    // The spec's body rules have been checked; its type says the rest.
    let Payload::Json(body) = &call.payload else {
        return refused(Refusal::body(None, None, "is required"));
    };
    let message = match serde_json::from_value::<CreateMessageRequest>(body.clone()) {
        Ok(message) => message,
        Err(error) => {
            return refused(Refusal::body(
                None,
                None,
                format!("is not a message: {error}"),
            ));
        }
    };
    // X requires one or the other; the spec says so only in words.
    if message.text.is_none() && message.attachments.is_empty() {
        return refused(Refusal::body(
            None,
            None,
            "must have a text, an attachment or both",
        ));
    }
    let data = shared.store.snapshot();
    if data.conversation(id).is_none() {
        return not_found("dm_conversation", params::DM_CONVERSATION_ID, id);
    }
    let mut keys = Vec::new();
    for (index, attachment) in message.attachments.iter().enumerate() {
        match data.media_key_of(&attachment.media_id) {
            Some(key) => keys.push(key.to_owned()),
            None => {
                return refused(Refusal::body(
                    Some(&format!("attachments[{index}].media_id")),
                    Some(attachment.media_id.clone()),
                    "names no media the account has uploaded",
                ));
            }
        }
    }
    drop(data);
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let sent = shared
        .store
        .write(|data| data.add_message(id, message.text.as_deref(), &keys));
    match sent {
        Some(event_id) => json_response(
            StatusCode::CREATED,
            &json!({ "data": { "dm_conversation_id": id, "dm_event_id": event_id } }),
        ),
        None => not_found("dm_conversation", params::DM_CONVERSATION_ID, id),
    }
}
