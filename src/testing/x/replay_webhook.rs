//! `createWebhookReplayJob`: a replay job for a registered webhook, over a
//! span that does not end before it starts.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::send_message::call_body;
use super::{not_found, problem_of};
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::CreateWebhookReplayJob;

pub(super) const ROUTE: Route = Route {
    operation: CreateWebhookReplayJob::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    // The spec's checks have made sure of the three strings and their form.
    let field = |name: &str| {
        call_body(call)
            .and_then(|body| body.get(name))
            .and_then(|value| value.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let (webhook_id, from, to) = (field("webhook_id"), field("from_date"), field("to_date"));
    if shared.store.snapshot().webhook(&webhook_id).is_none() {
        return not_found("webhook", "webhook_id", &webhook_id);
    }
    // `yyyymmddhhmm` of the same length orders as text.
    if from > to {
        return problem_of(
            StatusCode::BAD_REQUEST,
            "invalid-request",
            "Invalid Request",
            "from_date must not be after to_date.",
        );
    }
    let (job_id, created_at) = shared.store.write(|data| data.start_replay());
    json_response(
        StatusCode::OK,
        &json!({ "data": { "job_id": job_id, "created_at": created_at } }),
    )
}
