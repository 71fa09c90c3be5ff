//! The account's Chat privacy settings, read with the fields asked for and
//! changed by merging what a request sets into what is stored (the spec's
//! the spec's `anyOf` of required fields has made sure it sets something).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::chat_common::body_of;
use super::shape::select;
use crate::testing::Shared;
use crate::testing::chat::merge;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::{GetChatSettings, UpdateChatSettings};
use crate::x::params;
use crate::x::types::UpdateChatSettingsRequest;

pub(super) const GET: Route = Route {
    operation: GetChatSettings::operation,
    serve: get,
    tokens: None,
};

pub(super) const UPDATE: Route = Route {
    operation: UpdateChatSettings::operation,
    serve: update,
    tokens: None,
};

fn get(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let known = [call.allowed(params::CHAT_SETTINGS_FIELDS)];
    let fields = call.list(params::CHAT_SETTINGS_FIELDS);
    let everything: Vec<&str> = known[0].to_vec();
    let wanted = if fields.is_empty() {
        &everything
    } else {
        &fields
    };
    json_response(
        StatusCode::OK,
        &json!({ "data": select(&data.chat().settings, &known, &[], wanted) }),
    )
}

fn update(shared: &Shared, call: &Call) -> Response {
    let request: UpdateChatSettingsRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let change = serde_json::to_value(&request).unwrap_or_default();
    let settings = shared.store.write(|data| {
        let (chat, _) = data.chat_mut();
        merge(&mut chat.settings, &change);
        chat.settings.clone()
    });
    json_response(StatusCode::OK, &json!({ "data": settings }))
}
