//! `getMediaUploadStatus`: where processing of an upload stands.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::not_found;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::GetMediaUploadStatus;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: GetMediaUploadStatus::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let id = call.value(params::MEDIA_ID).unwrap_or_default();
    match shared.store.snapshot().upload_status(id) {
        Some(status) => json_response(StatusCode::OK, &json!({ "data": status })),
        None => not_found("media", params::MEDIA_ID, id),
    }
}
