//! `createWebhooks`: a webhook registered, valid at once (the fake sends no
//! CRC), or refused when the app has that URL already.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::problem_of;
use super::send_message::call_body;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::CreateWebhooks;

pub(super) const ROUTE: Route = Route {
    operation: CreateWebhooks::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    // The spec's checks have made sure of a `url` string.
    let url = call_body(call)
        .and_then(|body| body.get("url"))
        .and_then(|url| url.as_str())
        .unwrap_or_default();
    match shared.store.write(|data| data.add_webhook(url)) {
        Some(webhook) => json_response(StatusCode::OK, &json!({ "data": webhook })),
        None => problem_of(
            StatusCode::BAD_REQUEST,
            "invalid-request",
            "DuplicateUrlFailed",
            "A webhook is already registered by your application for this URL.",
        ),
    }
}
