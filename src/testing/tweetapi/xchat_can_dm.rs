//! `postTweetApiXchatCanDm`: whether each user can receive XChat messages;
//! in the fake, every user it knows can.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::body_of;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::tweetapi::operations::PostTweetApiXchatCanDm;
use crate::tweetapi::types::XchatCanDmRequest;

pub(super) const ROUTE: Route = Route {
    operation: PostTweetApiXchatCanDm::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let body = match body_of::<XchatCanDmRequest>(call) {
        Ok(body) => body,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    let results: Vec<Value> = body
        .user_ids
        .iter()
        .map(|id| json!({ "userId": id, "canDm": data.user(id).is_some() }))
        .collect();
    json_response(StatusCode::OK, &json!({ "results": results }))
}
