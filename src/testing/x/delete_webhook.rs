//! `deleteWebhooks`: a registered webhook removed.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::not_found;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::DeleteWebhooks;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: DeleteWebhooks::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let id = call.value(params::WEBHOOK_ID).unwrap_or_default();
    if shared.store.write(|data| data.remove_webhook(id)) {
        json_response(StatusCode::OK, &json!({ "data": { "deleted": true } }))
    } else {
        not_found("webhook", params::WEBHOOK_ID, id)
    }
}
