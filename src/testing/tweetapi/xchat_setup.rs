//! `postTweetApiXchatSetup`: unlocks XChat with the account's PIN; a wrong
//! PIN gets TweetAPI's error and leaves it locked.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::state::XCHAT_PIN;
use super::{body_of, error};
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::tweetapi::operations::PostTweetApiXchatSetup;
use crate::tweetapi::types::XchatSetupRequest;

pub(super) const ROUTE: Route = Route {
    operation: PostTweetApiXchatSetup::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let body = match body_of::<XchatSetupRequest>(call) {
        Ok(body) => body,
        Err(refused) => return *refused,
    };
    if body.user_id != shared.store.snapshot().account_id() {
        return error(
            StatusCode::BAD_REQUEST,
            json!("VALIDATION_ERROR"),
            "userId is not the account of the auth token",
        );
    }
    if body.pin.expose() != XCHAT_PIN {
        // The PIN itself is never repeated.
        return error(
            StatusCode::UNAUTHORIZED,
            json!("INVALID_PIN"),
            "Invalid XChat PIN",
        );
    }
    shared.store.write(|data| data.tweetapi.xchat_ready = true);
    json_response(StatusCode::OK, &json!({ "success": true }))
}
