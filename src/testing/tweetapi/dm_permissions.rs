//! `getTweetApiDmPermissions`: whether the account may message each user; the
//! fake's account may message every user it knows.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, json};

use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::tweetapi::operations::GetTweetApiDmPermissions;
use crate::tweetapi::params;

pub(super) const ROUTE: Route = Route {
    operation: GetTweetApiDmPermissions::operation,
    serve,
    tokens: None,
};

/// X's error code for a user who cannot be messaged.
const CANNOT_DM: i64 = 349;

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let mut keys = Map::new();
    for id in call.list(params::RECIPIENT_IDS) {
        let known = data.user(id).is_some();
        keys.insert(
            id.to_owned(),
            json!({ "canDm": known, "errorCode": if known { 0 } else { CANNOT_DM } }),
        );
    }
    json_response(
        StatusCode::OK,
        &json!({ "permissions": { "idKeys": keys } }),
    )
}
