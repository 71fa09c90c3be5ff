//! `initializeMediaUpload`: an upload session for a file of a given size and
//! type, which appends fill and finalize closes.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::refuse;
use crate::testing::Shared;
use crate::testing::server::call::{Call, Payload, Refusal};
use crate::testing::server::{Route, json_response};
use crate::x::operations::InitializeMediaUpload;
use crate::x::types::InitializeMediaUploadRequest;

pub(super) const ROUTE: Route = Route {
    operation: InitializeMediaUpload::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let Payload::Json(body) = &call.payload else {
        return refuse(call.operation, &[Refusal::body(None, None, "is required")]);
    };
    // The spec's body rules have been checked; its type says the rest.
    let request = match serde_json::from_value::<InitializeMediaUploadRequest>(body.clone()) {
        Ok(request) => request,
        Err(error) => {
            let reason = format!("is not an upload request: {error}");
            return refuse(call.operation, &[Refusal::body(None, None, reason)]);
        }
    };
    let media_type = request.media_type.to_string();
    let total_bytes = u64::try_from(request.total_bytes).unwrap_or_default();
    let (id, media_key) = shared
        .store
        .write(|data| data.start_upload(&media_type, total_bytes));
    json_response(
        StatusCode::OK,
        &json!({ "data": { "id": id, "media_key": media_key, "expires_after_secs": 86_400 } }),
    )
}
