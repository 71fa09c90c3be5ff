//! `createActivitySubscription`: a subscription made, or refreshed when the
//! same one exists.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::send_message::call_body;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::CreateActivitySubscription;

pub(super) const ROUTE: Route = Route {
    operation: CreateActivitySubscription::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    // The spec's checks have made sure of the body's shape.
    let request = call_body(call).cloned().unwrap_or_default();
    let subscription = shared.store.write(|data| data.subscribe(&request));
    let total = shared.store.snapshot().subscriptions().len();
    json_response(
        StatusCode::OK,
        &json!({ "data": { "subscription": subscription, "total_subscriptions": total } }),
    )
}
