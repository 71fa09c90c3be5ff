//! `validateWebhooks`: a CRC check triggered for a registered webhook.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::not_found;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::ValidateWebhooks;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: ValidateWebhooks::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let id = call.value(params::WEBHOOK_ID).unwrap_or_default();
    match shared.store.snapshot().webhook(id) {
        Some(_) => json_response(StatusCode::OK, &json!({ "data": { "valid": true } })),
        None => not_found("webhook", params::WEBHOOK_ID, id),
    }
}
