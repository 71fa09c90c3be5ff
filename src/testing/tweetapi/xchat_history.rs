//! `postTweetApiXchatHistory`: a conversation's messages in plaintext, newest
//! first, by `nextCursor`; locked until XChat is set up with the right PIN.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::xchat::{legacy, locked, message};
use super::{body_of, error, not_found};
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::paging::{Cursor, slice};
use crate::testing::server::{Route, json_response};
use crate::testing::x::shape::str_of;
use crate::tweetapi::operations::PostTweetApiXchatHistory;
use crate::tweetapi::types::XchatHistoryRequest;

pub(super) const ROUTE: Route = Route {
    operation: PostTweetApiXchatHistory::operation,
    serve,
    tokens: None,
};

const TOKENS: &str = "TWXCH";

/// TweetAPI's page size when none is asked for.
const DEFAULT_LIMIT: usize = 200;

fn serve(shared: &Shared, call: &Call) -> Response {
    let body = match body_of::<XchatHistoryRequest>(call) {
        Ok(body) => body,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    if !data.tweetapi.xchat_ready {
        return locked();
    }
    let id = body.conversation_id.as_str();
    let mut messages: Vec<Value> = data
        .tweetapi
        .xchat_sent
        .iter()
        .rev()
        .filter(|(conversation, _)| conversation == id)
        .map(|(_, message)| message.clone())
        .collect();
    match legacy(&data, id) {
        Some(conversation) => messages.extend(
            conversation
                .events
                .iter()
                .filter(|e| str_of(e, "event_type") == Some("MessageCreate"))
                .map(message),
        ),
        None if messages.is_empty() => return not_found("Conversation not found"),
        None => {}
    }
    let cursor = match &body.cursor {
        None => None,
        Some(token) => match Cursor::decode(TOKENS, token) {
            Some(cursor @ Cursor::From(_)) => Some(cursor),
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    json!("VALIDATION_ERROR"),
                    "cursor is invalid",
                );
            }
        },
    };
    let limit = body
        .limit
        .map_or(DEFAULT_LIMIT, |n| usize::try_from(n).unwrap_or(1));
    let Some(slice) = slice(cursor, limit, messages.len()) else {
        return error(
            StatusCode::BAD_REQUEST,
            json!("VALIDATION_ERROR"),
            "cursor is invalid",
        );
    };
    json_response(
        StatusCode::OK,
        &json!({
            "messages": messages[slice.start..slice.end],
            "hasMore": slice.next.is_some(),
            "nextCursor": slice.next.map(|next| next.encode(TOKENS)),
        }),
    )
}
