//! What the Chat handlers share: the conversation a path names, the typed
//! body, and X's answers for a missing conversation, a forbidden action and
//! a one-flag result.

use axum::http::StatusCode;
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::chat_conversation::direct_id;
use super::send_message::call_body;
use super::{not_found, problem_of, refuse};
use crate::testing::Shared;
use crate::testing::server::call::{Call, Refusal};
use crate::testing::server::json_response;
use crate::x::params;

/// The canonical id of the conversation the path's `id` names (a bare user
/// id names the 1:1 conversation with that user), if the inbox has it.
pub(super) fn conversation_of(shared: &Shared, call: &Call) -> Result<String, Box<Response>> {
    let data = shared.store.snapshot();
    let given = call.value(params::ID).unwrap_or_default();
    let id = direct_id(&data, given);
    if data.chat_conversation(&id).is_some() {
        Ok(id)
    } else {
        Err(Box::new(missing(given)))
    }
}

/// The 404 for a conversation the fake does not have.
pub(super) fn missing(id: &str) -> Response {
    not_found("conversation", params::ID, id)
}

/// The 403 for an action the account may not take.
pub(super) fn forbidden(detail: &str) -> Response {
    problem_of(
        StatusCode::FORBIDDEN,
        "not-authorized-for-resource",
        "Forbidden",
        detail,
    )
}

/// The 403 for an admin-only action taken by a member.
pub(super) fn admins_only(group: &str) -> Response {
    forbidden(&format!("Only admins of [{group}] may do this."))
}

/// The call's JSON body as the spec's type for it; the spec's body rules
/// have been checked already.
pub(super) fn body_of<T: DeserializeOwned>(call: &Call) -> Result<T, Box<Response>> {
    let refused =
        |rule: String| Box::new(refuse(call.operation, &[Refusal::body(None, None, rule)]));
    let body = call_body(call).ok_or_else(|| refused("is required".to_owned()))?;
    serde_json::from_value(body.clone()).map_err(|error| refused(format!("is not valid: {error}")))
}

/// `{"data": {<key>: <value>}}`, as most Chat writes answer.
pub(super) fn flag(key: &str, value: bool) -> Response {
    json_response(StatusCode::OK, &json!({ "data": { key: value } }))
}

/// The 400 for a body field the fake checks beyond the spec's rules.
pub(super) fn refuse_field(
    call: &Call,
    field: &str,
    value: Option<String>,
    rule: &str,
) -> Response {
    refuse(call.operation, &[Refusal::body(Some(field), value, rule)])
}

/// Refuses the first of `users` that `allowed` turns down, naming it by its
/// place in `user_ids`, with `rule`.
pub(super) fn each_user(
    call: &Call,
    users: &[String],
    allowed: impl Fn(&String) -> bool,
    rule: &str,
) -> Result<(), Box<Response>> {
    match users.iter().position(|user| !allowed(user)) {
        Some(index) => Err(Box::new(refuse_field(
            call,
            &format!("user_ids[{index}]"),
            Some(users[index].clone()),
            rule,
        ))),
        None => Ok(()),
    }
}

/// `ids` as a JSON list.
pub(super) fn id_list(ids: &[String]) -> Value {
    Value::Array(ids.iter().map(|id| json!(id)).collect())
}

/// The strings of a list field of `object`.
pub(super) fn strings(object: &Value, key: &str) -> Vec<String> {
    object
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}
