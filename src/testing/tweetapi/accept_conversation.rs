//! `postTweetApiAcceptConversation`: moves a message request to the trusted
//! timeline; accepting a trusted conversation changes nothing.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{body_of, not_found};
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::tweetapi::operations::PostTweetApiAcceptConversation;
use crate::tweetapi::types::AcceptConversationRequest;

pub(super) const ROUTE: Route = Route {
    operation: PostTweetApiAcceptConversation::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let body = match body_of::<AcceptConversationRequest>(call) {
        Ok(body) => body,
        Err(refused) => return *refused,
    };
    let id = body.conversation_id.as_str();
    let found = shared.store.write(|data| {
        let found = data.conversation(id).is_some();
        if found {
            data.tweetapi.accept(id);
        }
        found
    });
    if !found {
        return not_found("Conversation not found");
    }
    json_response(
        StatusCode::OK,
        &json!({ "success": true, "conversationId": id }),
    )
}
