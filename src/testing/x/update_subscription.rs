//! `updateActivitySubscription`: a subscription's tag or webhook changed.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::not_found;
use super::send_message::call_body;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::UpdateActivitySubscription;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: UpdateActivitySubscription::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let id = call.value(params::SUBSCRIPTION_ID).unwrap_or_default();
    let change = call_body(call).cloned().unwrap_or_default();
    match shared
        .store
        .write(|data| data.update_subscription(id, &change))
    {
        Some(subscription) => {
            let total = shared.store.snapshot().subscriptions().len();
            json_response(
                StatusCode::OK,
                &json!({ "data": { "subscription": subscription, "total_subscriptions": total } }),
            )
        }
        None => not_found("subscription", params::SUBSCRIPTION_ID, id),
    }
}
