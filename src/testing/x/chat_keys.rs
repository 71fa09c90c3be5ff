//! Encryption keys: a conversation's key added or rotated (a key change
//! event later event pages carry in `meta`), and the users' public keys,
//! listed and registered.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::chat_common::forbidden;
use super::chat_common::{body_of, conversation_of};
use super::not_found;
use super::shape::select;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::{
    AddConversationKeys, AddUserPublicKey, GetUsersPublicKey, GetUsersPublicKeys,
};
use crate::x::params;
use crate::x::types::{AddConversationKeysRequest, AddUserPublicKeyRequest};

pub(super) const CONVERSATION_KEYS: Route = Route {
    operation: AddConversationKeys::operation,
    serve: conversation_keys,
    tokens: None,
};

pub(super) const USERS_KEYS: Route = Route {
    operation: GetUsersPublicKeys::operation,
    serve: users_keys,
    tokens: None,
};

pub(super) const USER_KEYS: Route = Route {
    operation: GetUsersPublicKey::operation,
    serve: user_keys,
    tokens: None,
};

pub(super) const ADD_KEY: Route = Route {
    operation: AddUserPublicKey::operation,
    serve: add_key,
    tokens: None,
};

fn conversation_keys(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let request: AddConversationKeysRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let sequence = shared.store.write(|data| {
        let (chat, mut ids) = data.chat_mut();
        let sequence = ids.next();
        let event = request
            .base64_encoded_key_rotation
            .clone()
            .unwrap_or_else(|| request.conversation_key_version.clone());
        chat.key_events.entry(id.clone()).or_default().push(event);
        sequence
    });
    json_response(
        StatusCode::OK,
        &json!({ "data": { "conversation_id": id, "sequence_id": sequence } }),
    )
}

/// Each key of each user, with the fields asked for.
fn keys_of<'a>(call: &Call, keys: impl Iterator<Item = &'a Value>) -> Response {
    let known = [call.allowed(params::PUBLIC_KEY_FIELDS)];
    let fields = call.list(params::PUBLIC_KEY_FIELDS);
    let data: Vec<Value> = keys
        .map(|key| select(key, &known, &["public_key", "public_key_version"], &fields))
        .collect();
    json_response(StatusCode::OK, &json!({ "data": data }))
}

fn users_keys(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let ids = call.list(params::IDS);
    keys_of(
        call,
        ids.iter()
            .flat_map(|id| data.chat().public_keys.get(*id).into_iter().flatten()),
    )
}

fn user_keys(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let id = call.value(params::ID).unwrap_or_default();
    if data.user(id).is_none() {
        return not_found("user", params::ID, id);
    }
    keys_of(call, data.chat().public_keys.get(id).into_iter().flatten())
}

/// The account registers its own keys only; versions count up from the
/// last, unless a 2.169 caller names one.
fn add_key(shared: &Shared, call: &Call) -> Response {
    let id = call.value(params::ID).unwrap_or_default().to_owned();
    if id != shared.store.snapshot().account_id() {
        return forbidden(&format!("You may not register keys for [{id}]."));
    }
    let request: AddUserPublicKeyRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let version = shared.store.write(|data| {
        let (chat, _) = data.chat_mut();
        let keys = chat.public_keys.entry(id.clone()).or_default();
        let version = request
            .version
            .clone()
            .unwrap_or_else(|| (keys.len() + 1).to_string());
        let mut key = serde_json::to_value(&request.public_key).unwrap_or_default();
        key["public_key_version"] = json!(version);
        keys.push(key);
        version
    });
    json_response(
        StatusCode::OK,
        &json!({ "data": { "public_key_version": version, "juicebox_config": { "realms": [] } } }),
    )
}
