//! `deleteActivitySubscription`: a subscription removed.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::not_found;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::DeleteActivitySubscription;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: DeleteActivitySubscription::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let id = call.value(params::SUBSCRIPTION_ID).unwrap_or_default();
    if shared.store.write(|data| data.unsubscribe(id)) {
        json_response(StatusCode::OK, &json!({ "data": { "deleted": true } }))
    } else {
        not_found("subscription", params::SUBSCRIPTION_ID, id)
    }
}
