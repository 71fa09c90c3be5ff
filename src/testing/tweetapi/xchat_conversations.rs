//! `postTweetApiXchatConversations`: the account's one-to-one conversations
//! in XChat's words, by cursor, each page after the first asking for the
//! `graphSnapshotId` the first handed out.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::xchat::{millis, xchat_id};
use super::{body_of, error};
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::paging::{Cursor, slice};
use crate::testing::server::{Route, json_response};
use crate::testing::x::shape::str_of;
use crate::tweetapi::operations::PostTweetApiXchatConversations;
use crate::tweetapi::types::XchatConversationsRequest;

pub(super) const ROUTE: Route = Route {
    operation: PostTweetApiXchatConversations::operation,
    serve,
    tokens: None,
};

const TOKENS: &str = "TWXCC";

/// The snapshot of the conversation graph every page of a walk shares.
const SNAPSHOT: &str = "graph-snapshot-1";

/// TweetAPI's page size when none is asked for.
const DEFAULT_LIMIT: usize = 50;

fn serve(shared: &Shared, call: &Call) -> Response {
    let body = match body_of::<XchatConversationsRequest>(call) {
        Ok(body) => body,
        Err(refused) => return *refused,
    };
    let bad = |message: &str| error(StatusCode::BAD_REQUEST, json!("VALIDATION_ERROR"), message);
    let cursor = match &body.cursor {
        None => None,
        Some(token) => match Cursor::decode(TOKENS, token) {
            Some(cursor @ Cursor::From(_)) => Some(cursor),
            _ => return bad("cursor is invalid"),
        },
    };
    if cursor.is_some() && body.graph_snapshot_id.as_deref() != Some(SNAPSHOT) {
        return bad("graphSnapshotId is required together with cursor");
    }
    let data = shared.store.snapshot();
    let all: Vec<Value> = data
        .conversation_ids()
        .filter_map(|id| data.conversation(id))
        .filter(|c| !c.group)
        .map(|c| {
            let participants: Vec<Value> = c
                .participants
                .iter()
                .map(|id| {
                    let user = data.user(id);
                    json!({
                        "userId": id,
                        "name": user.and_then(|u| str_of(u, "name")),
                        "screenName": user.and_then(|u| str_of(u, "username")),
                    })
                })
                .collect();
            let newest = c.events.first().and_then(|e| str_of(e, "created_at"));
            json!({
                "conversationId": xchat_id(c),
                "participants": participants,
                "lastMessageTimestamp": millis(newest),
                "type": "one_to_one",
            })
        })
        .collect();
    let limit = body
        .limit
        .map_or(DEFAULT_LIMIT, |n| usize::try_from(n).unwrap_or(1));
    let Some(slice) = slice(cursor, limit, all.len()) else {
        return bad("cursor is invalid");
    };
    json_response(
        StatusCode::OK,
        &json!({
            "conversations": all[slice.start..slice.end],
            "graphSnapshotId": SNAPSHOT,
            "hasMore": slice.next.is_some(),
            "cursor": slice.next.map(|next| next.encode(TOKENS)),
        }),
    )
}
