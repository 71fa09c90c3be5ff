//! `getWebhooks`: the webhooks registered with the fake, with the
//! requested fields.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::shape::select;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::GetWebhooks;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: GetWebhooks::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let fields = call.list(params::WEBHOOK_CONFIG_FIELDS);
    let webhooks: Vec<Value> = data
        .webhooks()
        .iter()
        .map(|webhook| {
            if fields.is_empty() {
                webhook.clone()
            } else {
                select(
                    webhook,
                    &[call.allowed(params::WEBHOOK_CONFIG_FIELDS)],
                    &["id"],
                    &fields,
                )
            }
        })
        .collect();
    let count = webhooks.len();
    let mut body = json!({ "meta": { "result_count": count } });
    if count > 0 {
        body["data"] = Value::Array(webhooks);
    }
    json_response(StatusCode::OK, &body)
}
