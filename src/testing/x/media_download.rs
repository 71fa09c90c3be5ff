//! `dmConversationsMediaDownload`: the bytes of an attachment, named by the
//! three parts of its legacy URL.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::not_found;
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::x::operations::DmConversationsMediaDownload;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: DmConversationsMediaDownload::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let part = |name| call.value(name).unwrap_or_default();
    let (dm_id, media_id) = (part(params::DM_ID), part(params::MEDIA_ID));
    let data = shared.store.snapshot();
    let Some((content_type, bytes)) =
        data.media_download(dm_id, media_id, part(params::RESOURCE_ID))
    else {
        return not_found("media", params::MEDIA_ID, media_id);
    };
    let mut response = Response::new(Body::from(bytes.to_vec()));
    *response.status_mut() = StatusCode::OK;
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}
