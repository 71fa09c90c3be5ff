//! `createDirectMessagesConversation`: a group of the account and others,
//! started with its first message.

use axum::response::Response;

use super::refuse;
use super::send_message::{call_body, message_of, send};
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::{Call, Refusal};
use crate::x::operations::CreateDirectMessagesConversation;
use crate::x::types::CreateGroupRequest;

pub(super) const ROUTE: Route = Route {
    operation: CreateDirectMessagesConversation::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let body = call_body(call);
    let group = match body.map(|body| serde_json::from_value::<CreateGroupRequest>(body.clone())) {
        Some(Ok(group)) => group,
        Some(Err(error)) => {
            let refusal = Refusal::body(None, None, format!("is not a group: {error}"));
            return refuse(call.operation, &[refusal]);
        }
        None => return refuse(call.operation, &[Refusal::body(None, None, "is required")]),
    };
    let message = match message_of(shared, call, body.and_then(|body| body.get("message"))) {
        Ok(message) => message,
        Err(refused) => return *refused,
    };
    let conversation = shared
        .store
        .write(|data| data.start_group(&group.participant_ids));
    send(shared, &conversation, &message)
}
