//! X's side of the fake: which handler serves each operation of
//! `crate::x::OPERATIONS`, the bearer token X asks for, and the shapes of
//! X's errors (RFC 7807 problems, and the legacy `errors` of an unknown
//! path).

mod activity_stream;
mod activity_subscriptions;
mod chat_admin_requests;
mod chat_common;
mod chat_conversation;
mod chat_conversation_settings;
mod chat_conversations;
mod chat_events;
mod chat_groups;
mod chat_invites;
mod chat_keys;
mod chat_media;
mod chat_members;
mod chat_message_requests;
mod chat_messages;
mod chat_pinned;
mod chat_read_state;
mod chat_settings;
mod chat_toggles;
mod create_group;
mod create_subscription;
mod create_webhook;
mod delete_event;
mod delete_subscription;
mod delete_webhook;
mod dm_block;
mod dm_event;
mod dm_events;
mod dm_events_with;
mod inbox;
pub(crate) mod login;
mod media_append;
mod media_download;
mod media_finalize;
mod media_initialize;
mod media_status;
mod replay_webhook;
mod send_message;
mod send_message_to;
pub(crate) mod shape;
mod update_subscription;
mod validate_webhook;
mod webhooks;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::engine::{Location, Operation};
use crate::testing::knobs::Quota;
use crate::testing::server::call::{Place, Reason, Refusal};
use crate::testing::server::{Api, json_response};

/// The live API still names problem types under the old host.
const PROBLEMS: &str = "https://api.twitter.com/2/problems";

pub(crate) static API: Api = Api {
    operations: crate::x::OPERATIONS,
    routes: &[
        dm_events::ROUTE,
        dm_event::ROUTE,
        dm_events_with::ROUTE,
        inbox::ROUTE,
        delete_event::ROUTE,
        chat_conversations::ROUTE,
        chat_conversation::ROUTE,
        send_message::ROUTE,
        send_message_to::ROUTE,
        create_group::ROUTE,
        media_append::ROUTE,
        media_initialize::ROUTE,
        media_finalize::ROUTE,
        media_status::ROUTE,
        media_download::ROUTE,
        chat_events::ROUTE,
        chat_pinned::ROUTE,
        chat_messages::SEND,
        chat_messages::DELETE,
        chat_read_state::READ,
        chat_read_state::UNREAD,
        chat_read_state::TYPING,
        chat_toggles::MUTE,
        chat_toggles::UNMUTE,
        chat_toggles::ARCHIVE,
        chat_toggles::UNARCHIVE,
        chat_conversation_settings::TTL_ON,
        chat_conversation_settings::TTL_OFF,
        chat_conversation_settings::SCREEN_CAPTURE,
        chat_conversation_settings::DELETE,
        chat_groups::INITIALIZE,
        chat_groups::CREATE,
        chat_groups::UPDATE,
        chat_groups::ADMIN_SETTINGS,
        chat_members::ADD_MEMBERS,
        chat_members::REMOVE_MEMBERS,
        chat_members::ADD_ADMINS,
        chat_members::REMOVE_ADMINS,
        chat_admin_requests::LIST,
        chat_admin_requests::CREATE,
        chat_admin_requests::APPROVE,
        chat_admin_requests::REJECT,
        chat_invites::ENABLE,
        chat_invites::DISABLE,
        chat_invites::PREVIEW,
        chat_invites::JOIN,
        chat_invites::REJECT_JOINS,
        chat_keys::CONVERSATION_KEYS,
        chat_keys::USERS_KEYS,
        chat_keys::USER_KEYS,
        chat_keys::ADD_KEY,
        chat_message_requests::LIST,
        chat_message_requests::ONE,
        chat_message_requests::ACCEPT,
        chat_settings::GET,
        chat_settings::UPDATE,
        chat_media::INITIALIZE,
        chat_media::APPEND,
        chat_media::FINALIZE,
        chat_media::DOWNLOAD,
        dm_block::BLOCK,
        dm_block::UNBLOCK,
        activity_stream::ROUTE,
        activity_subscriptions::ROUTE,
        create_subscription::ROUTE,
        update_subscription::ROUTE,
        delete_subscription::ROUTE,
        webhooks::ROUTE,
        create_webhook::ROUTE,
        validate_webhook::ROUTE,
        delete_webhook::ROUTE,
        replay_webhook::ROUTE,
    ],
    authorize,
    refuse,
    too_many_requests,
    status,
    no_such_path,
};

/// Any non-empty bearer token or OAuth 1.0a header will do; with logins
/// required, the login endpoints check further.
fn authorize(headers: &HeaderMap) -> Option<Response> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .is_some_and(|(scheme, token)| {
            (scheme.eq_ignore_ascii_case("Bearer") || scheme == "OAuth") && !token.trim().is_empty()
        });
    (!bearer).then(|| status(StatusCode::UNAUTHORIZED))
}

/// An RFC 7807 problem, served as X serves them.
fn problem(status: StatusCode, body: &Value) -> Response {
    let mut response = json_response(status, body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// A problem with no more to say than its status.
fn status(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    problem(
        status,
        &json!({
            "title": reason,
            "type": "about:blank",
            "status": status.as_u16(),
            "detail": reason,
        }),
    )
}

fn too_many_requests(_: Quota) -> Response {
    status(StatusCode::TOO_MANY_REQUESTS)
}

/// The 404 for a resource the fake does not have, named by `parameter`.
fn not_found(resource_type: &str, parameter: &str, id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        &json!({
            "detail": format!("Could not find {resource_type} with {parameter}: [{id}]."),
            "title": "Not Found Error",
            "resource_type": resource_type,
            "parameter": parameter,
            "value": id,
            "resource_id": id,
            "type": format!("{PROBLEMS}/resource-not-found"),
            "status": 404,
        }),
    )
}

/// A problem of X's type `slug` (under the host the live API still uses).
fn problem_of(status: StatusCode, slug: &str, title: &str, detail: &str) -> Response {
    problem(
        status,
        &json!({
            "title": title,
            "type": format!("{PROBLEMS}/{slug}"),
            "status": status.as_u16(),
            "detail": detail,
        }),
    )
}

/// A missing object that an expansion names, reported next to the data.
fn partial_not_found(resource_type: &str, parameter: &str, id: &str) -> Value {
    json!({
        "value": id,
        "detail": format!("Could not find {resource_type} with {parameter}: [{id}]."),
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": id,
        "type": format!("{PROBLEMS}/resource-not-found"),
    })
}

fn no_such_path(_: &Method, _: &Uri) -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({ "errors": [{ "message": "Sorry, that page does not exist", "code": 34 }] }),
    )
}

/// The 400 naming every refused value at once, as X's does. Unknown query
/// parameters share one error, which lists the ones the operation takes.
fn refuse(operation: &Operation, refusals: &[Refusal]) -> Response {
    let mut errors = Vec::new();
    let mut unknown = Map::new();
    for refusal in refusals {
        let name = refusal.parameter.as_deref().unwrap_or_default();
        if refusal.reason == Reason::Unknown {
            unknown.insert(name.to_owned(), json!(refusal.values));
            continue;
        }
        let mut error = Map::new();
        if refusal.parameter.is_some() {
            let mut parameters = Map::new();
            parameters.insert(name.to_owned(), json!(refusal.values));
            error.insert("parameters".into(), Value::Object(parameters));
        }
        error.insert("message".into(), json!(message(refusal)));
        errors.push(Value::Object(error));
    }
    if !unknown.is_empty() {
        let names: Vec<&str> = unknown.keys().map(String::as_str).collect();
        let known: Vec<&str> = operation
            .params
            .iter()
            .filter(|p| p.location == Location::Query)
            .map(|p| p.name)
            .collect();
        let message = format!(
            "The query parameters [{}] is not one of [{}]",
            names.join(","),
            known.join(",")
        );
        errors.push(json!({ "parameters": unknown, "message": message }));
    }
    problem(
        StatusCode::BAD_REQUEST,
        &json!({
            "errors": errors,
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": format!("{PROBLEMS}/invalid-request"),
        }),
    )
}

/// One refusal in X's words.
fn message(refusal: &Refusal) -> String {
    let name = refusal.parameter.as_deref().unwrap_or_default();
    let values = refusal.values.join(",");
    let place = match refusal.place {
        Place::Path => "path parameter",
        Place::Query => "query parameter",
        Place::Body if refusal.parameter.is_some() => "field",
        Place::Body => return format!("The request body {}", rule_of(refusal)),
    };
    match &refusal.reason {
        Reason::Missing => format!("The `{name}` {place} is required"),
        Reason::Repeated => format!("The `{name}` {place} can only be given once"),
        Reason::BadToken => format!("The `{name}` {place} value [{values}] is not a valid token"),
        Reason::Unknown => format!("The {place} `{name}` is not one of the operation's"),
        Reason::Broken(rule) if refusal.place == Place::Body => {
            format!("The `{name}` {place} {rule}")
        }
        Reason::Broken(rule) => format!("The `{name}` {place} value [{values}] {rule}"),
    }
}

fn rule_of(refusal: &Refusal) -> &str {
    match &refusal.reason {
        Reason::Broken(rule) => rule,
        _ => "is invalid",
    }
}
