//! `postTweetApiSendDm`: a message from the account to one of its
//! conversations, which `conversation` then returns as its newest message and
//! the next `dm-user-updates` reports. Its media item is accepted (the
//! spec's rules checked) but not kept: the fake's media are X's.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::conversation::{message, users_of};
use super::{body_of, not_found};
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::tweetapi::operations::PostTweetApiSendDm;
use crate::tweetapi::types::SendDmRequest;

pub(super) const ROUTE: Route = Route {
    operation: PostTweetApiSendDm::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let body = match body_of::<SendDmRequest>(call) {
        Ok(body) => body,
        Err(refused) => return *refused,
    };
    let id = body.conversation_id.as_str();
    let sent = shared.store.write(|data| {
        let message_id = data.add_message(id, Some(&body.text), &[])?;
        data.tweetapi.sent.push((id.to_owned(), message_id.clone()));
        Some(message_id)
    });
    let Some(message_id) = sent else {
        return not_found("Conversation not found");
    };
    let data = shared.store.snapshot();
    let Some(conversation) = data.conversation(id) else {
        return not_found("Conversation not found");
    };
    let event = conversation
        .events
        .iter()
        .find(|event| event.get("id").and_then(Value::as_str) == Some(&message_id));
    let mut shaped = event.map_or(Value::Null, |event| message(&data, conversation, event));
    if let Some(request_id) = &body.request_id {
        shaped["requestId"] = json!(request_id);
    }
    let users = users_of(&data, std::slice::from_ref(&shaped));
    json_response(
        StatusCode::OK,
        &json!({ "message": shaped, "users": users }),
    )
}
