//! `getTweetApiDmUserUpdates`: the messages sent through TweetAPI since the
//! cursor, oldest first, and the cursor after them.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::conversation::{info, message, users_of};
use super::refuse;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::paging::Cursor;
use crate::testing::server::{Route, json_response};
use crate::tweetapi::operations::GetTweetApiDmUserUpdates;

pub(super) const ROUTE: Route = Route {
    operation: GetTweetApiDmUserUpdates::operation,
    serve,
    tokens: Some(TOKENS),
};

pub(super) const TOKENS: &str = "TWUPD";

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let sent = &data.tweetapi.sent;
    let from = match call.cursor {
        Some(Cursor::From(offset)) if offset <= sent.len() => offset,
        _ => return refuse(call.operation, &call.token_refused()),
    };
    let mut messages = Vec::new();
    let mut conversations: Vec<Value> = Vec::new();
    for (conversation_id, message_id) in &sent[from..] {
        let Some(conversation) = data.conversation(conversation_id) else {
            continue;
        };
        let event = conversation
            .events
            .iter()
            .find(|event| event.get("id").and_then(Value::as_str) == Some(message_id));
        // A message deleted since is no update.
        let Some(event) = event else { continue };
        messages.push(message(&data, conversation, event));
        if !conversations
            .iter()
            .any(|c| c.get("id").and_then(Value::as_str) == Some(conversation_id))
        {
            conversations.push(info(conversation, data.tweetapi.trusted(conversation_id)));
        }
    }
    let users = users_of(&data, &messages);
    json_response(
        StatusCode::OK,
        &json!({
            "messages": messages,
            "conversations": conversations,
            "users": users,
            "cursor": Cursor::From(sent.len()).encode(TOKENS),
        }),
    )
}
