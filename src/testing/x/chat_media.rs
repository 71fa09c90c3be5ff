//! Encrypted Chat media: an upload session opened for a conversation,
//! segments appended as `multipart/form-data`, the session finalized into
//! stored bytes, and those bytes downloaded as they were uploaded.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use super::chat_common::{body_of, refuse_field};
use super::chat_conversation::direct_id;
use super::{not_found, refuse};
use crate::testing::Shared;
use crate::testing::chat::Upload;
use crate::testing::server::call::{Call, Payload, Refusal};
use crate::testing::server::{Route, json_response};
use crate::x::operations::{
    ChatMediaDownload, ChatMediaUploadAppend, ChatMediaUploadFinalize, ChatMediaUploadInitialize,
};
use crate::x::params;
use crate::x::types::{ChatMediaUploadFinalizeRequest, ChatMediaUploadInitializeRequest};

pub(super) const INITIALIZE: Route = Route {
    operation: ChatMediaUploadInitialize::operation,
    serve: initialize,
    tokens: None,
};

pub(super) const APPEND: Route = Route {
    operation: ChatMediaUploadAppend::operation,
    serve: append,
    tokens: None,
};

pub(super) const FINALIZE: Route = Route {
    operation: ChatMediaUploadFinalize::operation,
    serve: finalize,
    tokens: None,
};

pub(super) const DOWNLOAD: Route = Route {
    operation: ChatMediaDownload::operation,
    serve: download,
    tokens: None,
};

/// X numbers a session's segments from 0 to 999.
const LAST_SEGMENT: u16 = 999;

fn initialize(shared: &Shared, call: &Call) -> Response {
    let request: ChatMediaUploadInitializeRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    let conversation = direct_id(&data, &request.conversation_id);
    if data.chat_conversation(&conversation).is_none() {
        return refuse_field(
            call,
            "conversation_id",
            Some(request.conversation_id.clone()),
            "names no conversation",
        );
    }
    let total_bytes = u64::try_from(request.total_bytes).unwrap_or_default();
    let (session, hash) = shared.store.write(|data| {
        let (chat, mut ids) = data.chat_mut();
        let session = ids.next();
        let hash = format!("m{session}");
        chat.uploads.insert(
            session.clone(),
            Upload {
                conversation_id: conversation.clone(),
                media_hash_key: hash.clone(),
                total_bytes,
                segments: Default::default(),
            },
        );
        (session, hash)
    });
    json_response(
        StatusCode::OK,
        &json!({ "data": { "conversation_id": conversation, "media_hash_key": hash, "session_id": session } }),
    )
}

fn append(shared: &Shared, call: &Call) -> Response {
    let refused = |refusal: Refusal| refuse(call.operation, &[refusal]);
    let Payload::Parts(parts) = &call.payload else {
        return refused(Refusal::body(None, None, "is required"));
    };
    let text = |name: &str| {
        parts
            .iter()
            .find(|part| part.name == name)
            .map(|part| String::from_utf8_lossy(&part.bytes).into_owned())
    };
    let session = call.value(params::ID).unwrap_or_default().to_owned();
    let data = shared.store.snapshot();
    let Some(upload) = data.chat().uploads.get(&session) else {
        return not_found("upload", params::ID, &session);
    };
    for (name, expected) in [
        ("conversation_id", &upload.conversation_id),
        ("media_hash_key", &upload.media_hash_key),
    ] {
        match text(name) {
            None => return refused(Refusal::body(Some(name), None, "is required")),
            Some(given) if direct_id(&data, &given) != *expected => {
                return refused(Refusal::body(
                    Some(name),
                    Some(given),
                    "is not the upload's",
                ));
            }
            Some(_) => {}
        }
    }
    let index = text("segment_index").unwrap_or_default();
    let Some(index) = index.parse::<u16>().ok().filter(|i| *i <= LAST_SEGMENT) else {
        return refused(Refusal::body(
            Some("segment_index"),
            Some(index),
            format!("must be an integer from 0 to {LAST_SEGMENT}"),
        ));
    };
    let Some(media) = parts
        .iter()
        .find(|part| part.name == "media")
        .filter(|m| !m.bytes.is_empty())
    else {
        return refused(Refusal::body(Some("media"), None, "is required"));
    };
    let bytes = media.bytes.to_vec();
    let expires_at = shared.store.write(|data| {
        if let Some(upload) = data.chat_mut().0.uploads.get_mut(&session) {
            upload.segments.insert(index, bytes);
        }
        data.upload_expiry()
    });
    json_response(
        StatusCode::OK,
        &json!({ "data": { "expires_at": expires_at } }),
    )
}

fn finalize(shared: &Shared, call: &Call) -> Response {
    let request: ChatMediaUploadFinalizeRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let session = call.value(params::ID).unwrap_or_default().to_owned();
    let data = shared.store.snapshot();
    let Some(upload) = data.chat().uploads.get(&session) else {
        return not_found("upload", params::ID, &session);
    };
    if request.media_hash_key != upload.media_hash_key {
        return refuse_field(
            call,
            "media_hash_key",
            Some(request.media_hash_key.clone()),
            "is not the upload's",
        );
    }
    let parts = upload.segments.len().to_string();
    if request.num_parts != parts {
        return refuse_field(
            call,
            "num_parts",
            Some(request.num_parts.clone()),
            &format!("must be the {parts} parts appended"),
        );
    }
    let bytes: Vec<u8> = upload.segments.values().flatten().copied().collect();
    if bytes.len() as u64 != upload.total_bytes {
        return refuse_field(
            call,
            "num_parts",
            Some(request.num_parts.clone()),
            "leaves the upload short of its total_bytes",
        );
    }
    shared.store.write(|data| {
        let (chat, _) = data.chat_mut();
        if let Some(upload) = chat.uploads.remove(&session) {
            chat.media
                .insert((upload.conversation_id, upload.media_hash_key), bytes);
        }
    });
    json_response(StatusCode::OK, &json!({ "data": { "success": true } }))
}

fn download(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let conversation = direct_id(&data, call.value(params::ID).unwrap_or_default());
    let hash = call
        .value(params::MEDIA_HASH_KEY)
        .unwrap_or_default()
        .to_owned();
    let Some(bytes) = data.chat().media.get(&(conversation, hash.clone())) else {
        return not_found("media", params::MEDIA_HASH_KEY, &hash);
    };
    let mut response = Response::new(Body::from(bytes.clone()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    response
}
