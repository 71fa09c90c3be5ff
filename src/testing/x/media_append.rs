//! `appendMediaUpload`: one chunk of a chunked media upload, as
//! `multipart/form-data` with the chunk's `segment_index` and `media` bytes.
//! The fake keeps the chunk in its session, replacing one sent again, and
//! answers when the session expires.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{not_found, refuse};
use crate::testing::Shared;
use crate::testing::server::call::{Call, Payload, Refusal};
use crate::testing::server::{Route, json_response};
use crate::testing::uploads::Refused;
use crate::x::operations::AppendMediaUpload;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: AppendMediaUpload::operation,
    serve,
    tokens: None,
};

/// X numbers a session's chunks from 0 to 999.
const LAST_SEGMENT: u16 = 999;

fn serve(shared: &Shared, call: &Call) -> Response {
    let refused = |refusal: Refusal| refuse(call.operation, &[refusal]);
    let Payload::Parts(parts) = &call.payload else {
        return refused(Refusal::body(None, None, "is required"));
    };
    let part = |name: &str| parts.iter().find(|part| part.name == name);
    let Some(index) = part("segment_index") else {
        return refused(Refusal::body(Some("segment_index"), None, "is required"));
    };
    let text = String::from_utf8_lossy(&index.bytes);
    if !text.parse::<u16>().is_ok_and(|index| index <= LAST_SEGMENT) {
        return refused(Refusal::body(
            Some("segment_index"),
            Some(text.into_owned()),
            format!("must be an integer from 0 to {LAST_SEGMENT}"),
        ));
    }
    let Some(media) = part("media").filter(|media| !media.bytes.is_empty()) else {
        return refused(Refusal::body(Some("media"), None, "is required"));
    };
    let id = call.value(params::ID).unwrap_or_default();
    let index = text.parse::<u32>().unwrap_or_default();
    let stored = shared
        .store
        .write(|data| data.append_upload(id, index, &media.bytes));
    match stored {
        Ok(()) => {}
        Err(Refused::Unknown) => return not_found("media", params::ID, id),
        Err(Refused::Invalid(reason)) => {
            return refused(Refusal::body(Some(params::ID), Some(id.to_owned()), reason));
        }
    }
    let expires_at = shared.store.snapshot().upload_expiry();
    json_response(
        StatusCode::OK,
        &json!({ "data": { "expires_at": expires_at } }),
    )
}
