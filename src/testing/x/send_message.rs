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
    let id = call.value(params::DM_CONVERSATION_ID).unwrap_or_default();
    if shared.store.snapshot().conversation(id).is_none() {
        return not_found("dm_conversation", params::DM_CONVERSATION_ID, id);
    }
    let message = match message_of(shared, call, call_body(call)) {
        Ok(message) => message,
        Err(refused) => return *refused,
    };
    send(shared, id, &message)
}

/// The JSON body of a call, which the spec's rules have checked.
pub(super) fn call_body(call: &Call) -> Option<&serde_json::Value> {
    match &call.payload {
        Payload::Json(body) => Some(body),
        _ => None,
    }
}

/// A message to send, read from `body` and checked as X checks it, with the
/// media keys its attachments name.
pub(super) fn message_of(
    shared: &Shared,
    call: &Call,
    body: Option<&serde_json::Value>,
) -> Result<(Option<String>, Vec<String>), Box<Response>> {
    let refused = |refusal: Refusal| Box::new(refuse(call.operation, &[refusal]));
    let Some(body) = body else {
        return Err(refused(Refusal::body(None, None, "is required")));
    };
    // The spec's body rules have been checked; its type says the rest.
    let message =
        serde_json::from_value::<CreateMessageRequest>(body.clone()).map_err(|error| {
            refused(Refusal::body(
                None,
                None,
                format!("is not a message: {error}"),
            ))
        })?;
    let data = shared.store.snapshot();
    let mut keys = Vec::new();
    for (index, attachment) in message.attachments.iter().enumerate() {
        match data.media_key_of(&attachment.media_id) {
            Some(key) => keys.push(key.to_owned()),
            None => {
                return Err(refused(Refusal::body(
                    Some(&format!("attachments[{index}].media_id")),
                    Some(attachment.media_id.clone()),
                    "names no media the account has uploaded",
                )));
            }
        }
    }
    Ok((message.text, keys))
}

/// Adds the message to `conversation` and answers as X does.
pub(super) fn send(
    shared: &Shared,
    conversation: &str,
    (text, keys): &(Option<String>, Vec<String>),
) -> Response {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let sent = shared
        .store
        .write(|data| data.add_message(conversation, text.as_deref(), &keys));
    match sent {
        Some(event_id) => json_response(
            StatusCode::CREATED,
            &json!({ "data": { "dm_conversation_id": conversation, "dm_event_id": event_id } }),
        ),
        None => not_found("dm_conversation", params::DM_CONVERSATION_ID, conversation),
    }
}
