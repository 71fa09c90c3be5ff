//! `finalizeMediaUpload`: the appended chunks joined into the media, which a
//! message can then attach. A GIF or video is "processing" until its status
//! is read.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{not_found, refuse};
use crate::testing::Shared;
use crate::testing::server::call::{Call, Refusal};
use crate::testing::server::{Route, json_response};
use crate::testing::uploads::Refused;
use crate::x::operations::FinalizeMediaUpload;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: FinalizeMediaUpload::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let id = call.value(params::ID).unwrap_or_default();
    match shared.store.write(|data| data.finalize_upload(id)) {
        Ok(media) => json_response(StatusCode::OK, &json!({ "data": media })),
        Err(Refused::Unknown) => not_found("media", params::ID, id),
        Err(Refused::Invalid(reason)) => refuse(
            call.operation,
            &[Refusal::body(Some(params::ID), Some(id.to_owned()), reason)],
        ),
    }
}
