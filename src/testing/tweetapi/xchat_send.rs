//! `postTweetApiXchatSend`: an XChat message to a user, which that
//! conversation's history then returns first.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::xchat::{legacy, locked, message};
use super::{body_of, not_found};
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::tweetapi::operations::PostTweetApiXchatSend;
use crate::tweetapi::types::XchatSendRequest;

pub(super) const ROUTE: Route = Route {
    operation: PostTweetApiXchatSend::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let body = match body_of::<XchatSendRequest>(call) {
        Ok(body) => body,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    if !data.tweetapi.xchat_ready {
        return locked();
    }
    if data.user(&body.recipient_id).is_none() {
        return not_found("User not found");
    }
    let id = format!("{}:{}", data.account_id(), body.recipient_id);
    let sent = shared.store.write(|data| {
        let legacy_id = legacy(data, &id).map(|c| c.id.clone());
        let message_id = match legacy_id {
            Some(legacy_id) => data.add_message(&legacy_id, Some(&body.message), &[]),
            None => None,
        };
        match message_id {
            Some(message_id) => Some(message_id),
            None => {
                let message_id = format!(
                    "{}",
                    1_900_000_000_000_000_000u64 + data.tweetapi.xchat_sent.len() as u64
                );
                let event = json!({
                    "id": message_id,
                    "sender_id": data.account_id(),
                    "text": body.message,
                    "event_type": "MessageCreate",
                });
                data.tweetapi.xchat_sent.push((id.clone(), message(&event)));
                Some(message_id)
            }
        }
    });
    let message_id: Option<Value> = sent.map(Value::String);
    json_response(
        StatusCode::OK,
        &json!({ "success": true, "messageId": message_id, "conversationId": id }),
    )
}
