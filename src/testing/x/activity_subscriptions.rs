//! `getActivitySubscriptions`: the app's subscriptions, optionally those of
//! one user, at most `max_results`.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::GetActivitySubscriptions;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: GetActivitySubscriptions::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let user = call.value(params::USER_ID);
    let most = call.number(params::MAX_RESULTS).unwrap_or(1000);
    let found: Vec<Value> = data
        .subscriptions()
        .iter()
        .filter(|s| user.is_none_or(|user| s["filter"]["user_id"] == user))
        .take(most)
        .cloned()
        .collect();
    let body = if found.is_empty() {
        json!({})
    } else {
        json!({ "data": found })
    };
    json_response(StatusCode::OK, &body)
}
