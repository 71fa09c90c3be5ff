//! TweetAPI's side of the fake: which handler serves each operation of
//! `crate::tweetapi::OPERATIONS`, the `X-API-Key` it asks for, and its error
//! shapes (its `error` envelope, and NestJS's flat shape for a missing key or
//! an unknown path).

mod accept_conversation;
mod conversation;
mod dm_permissions;
mod dm_user_updates;
mod inbox_initial_state;
mod send_dm;
mod state;
mod timeline;
mod timeline_trusted;
mod timeline_untrusted;
mod xchat;
mod xchat_can_dm;
mod xchat_conversations;
mod xchat_history;
mod xchat_send;
mod xchat_setup;

pub(crate) use state::State;
pub use state::XCHAT_PIN;

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use crate::engine::Operation;
use crate::testing::knobs::Quota;
use crate::testing::server::call::{Call, Payload, Reason, Refusal};
use crate::testing::server::{Api, json_response, unix_now};

pub(crate) static API: Api = Api {
    operations: crate::tweetapi::OPERATIONS,
    routes: &[
        conversation::ROUTE,
        inbox_initial_state::ROUTE,
        timeline_trusted::ROUTE,
        timeline_untrusted::ROUTE,
        dm_user_updates::ROUTE,
        send_dm::ROUTE,
        dm_permissions::ROUTE,
        accept_conversation::ROUTE,
        xchat_setup::ROUTE,
        xchat_conversations::ROUTE,
        xchat_send::ROUTE,
        xchat_history::ROUTE,
        xchat_can_dm::ROUTE,
    ],
    authorize,
    refuse,
    too_many_requests,
    status,
    no_such_path,
};

/// Any non-empty key will do.
fn authorize(headers: &HeaderMap) -> Option<Response> {
    let has_key = headers
        .get("x-api-key")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|key| !key.trim().is_empty());
    (!has_key).then(|| {
        json_response(
            StatusCode::UNAUTHORIZED,
            &json!({ "statusCode": 401, "message": "No API key provided", "error": "Unauthorized" }),
        )
    })
}

fn error(status: StatusCode, code: Value, message: &str) -> Response {
    json_response(
        status,
        &json!({ "error": { "code": code, "message": message, "details": null } }),
    )
}

/// TweetAPI's 400 names the first refusal only, in class-validator's words.
fn refuse(_: &Operation, refusals: &[Refusal]) -> Response {
    let message = refusals.first().map_or_else(String::new, |refusal| {
        let name = refusal.parameter.as_deref().unwrap_or("body");
        match &refusal.reason {
            Reason::Missing => format!("{name} is required"),
            // A repeated parameter arrives as an array.
            Reason::Repeated => format!("{name} must be a string"),
            Reason::Unknown => format!("property {name} should not exist"),
            Reason::BadToken => format!("{name} is invalid"),
            Reason::Broken(rule) => format!("{name} {rule}"),
        }
    });
    error(StatusCode::BAD_REQUEST, json!(400), &message)
}

fn too_many_requests(quota: Quota) -> Response {
    json_response(
        StatusCode::TOO_MANY_REQUESTS,
        &json!({
            "error": {
                "code": "RATE_LIMIT",
                "message": "Rate limit exceeded. Please slow down.",
                "details": { "retryAfter": quota.reset.saturating_sub(unix_now()).max(1) },
            }
        }),
    )
}

fn status(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    error(
        status,
        json!(reason.to_ascii_uppercase().replace([' ', '-'], "_")),
        reason,
    )
}

fn not_found(message: &str) -> Response {
    error(StatusCode::NOT_FOUND, json!("NOT_FOUND"), message)
}

fn no_such_path(method: &Method, uri: &Uri) -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({
            "statusCode": 404,
            "message": format!("Cannot {method} {}", uri.path()),
            "error": "Not Found",
        }),
    )
}

/// The JSON body of a call as its generated type, or TweetAPI's 400. The
/// spec's body rules were checked before; the type says the rest.
fn body_of<T: serde::de::DeserializeOwned>(call: &Call) -> Result<T, Box<Response>> {
    let Payload::Json(body) = &call.payload else {
        return Err(Box::new(refuse(
            call.operation,
            &[Refusal::body(None, None, "is required")],
        )));
    };
    serde_path_to_error::deserialize(body.clone()).map_err(|error| {
        // Only where the body went wrong, not serde's message, which may
        // quote the value: a PIN sent as a number would be repeated.
        let at = error.path().to_string();
        Box::new(refuse(
            call.operation,
            &[Refusal::body(
                Some(&at),
                None,
                "does not have the documented type",
            )],
        ))
    })
}
