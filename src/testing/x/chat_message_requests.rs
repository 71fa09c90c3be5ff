//! Message requests (2.173): the pending requests of one inbox, paged by
//! numeric tokens as X's are; one conversation's request state; and
//! accepting one, which moves the conversation into the inbox.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::chat_common::{flag, strings};
use super::chat_conversation::direct_id;
use super::not_found;
use super::shape::select;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::{
    AcceptChatMessageRequest, GetChatMessageRequest, GetChatMessageRequests,
};
use crate::x::params;

pub(super) const LIST: Route = Route {
    operation: GetChatMessageRequests::operation,
    serve: list,
    tokens: None,
};

pub(super) const ONE: Route = Route {
    operation: GetChatMessageRequest::operation,
    serve: one,
    tokens: None,
};

pub(super) const ACCEPT: Route = Route {
    operation: AcceptChatMessageRequest::operation,
    serve: accept,
    tokens: None,
};

/// X's default page size here.
const PAGE: usize = 10;

/// What every request carries, whatever fields were asked for.
const DEFAULTS: [&str; 2] = ["conversation_id", "sender_id"];

fn list(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let inbox = call.value(params::INBOX_TYPE).unwrap_or("you_may_know");
    let all: Vec<&Value> = data
        .chat_message_requests()
        .iter()
        .filter(|r| r.get("inbox_type").and_then(Value::as_str) == Some(inbox))
        .collect();
    let size = call.number(params::MAX_RESULTS).unwrap_or(PAGE);
    // The token is the offset, as digits: the spec allows nothing else.
    let start = call
        .number(params::PAGINATION_TOKEN)
        .unwrap_or(0)
        .min(all.len());
    let end = start.saturating_add(size).min(all.len());
    let known = [call.allowed(params::CHAT_MESSAGE_REQUEST_FIELDS)];
    let fields = call.list(params::CHAT_MESSAGE_REQUEST_FIELDS);
    let items: Vec<Value> = all[start..end]
        .iter()
        .map(|request| select(request, &known, &DEFAULTS, &fields))
        .map(|mut request| {
            // The inbox is where the fake files a request, not a field of it.
            if let Some(object) = request.as_object_mut() {
                object.remove("inbox_type");
            }
            request
        })
        .collect();
    let mut body = Map::new();
    let mut meta = json!({ "result_count": items.len(), "total_count": all.len() });
    if end < all.len() {
        meta["next_token"] = json!(end.to_string());
    }
    if !items.is_empty() {
        body.insert("data".into(), Value::Array(items));
    }
    body.insert("meta".into(), meta);
    json_response(StatusCode::OK, &Value::Object(body))
}

fn one(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let given = call.value(params::ID).unwrap_or_default();
    let id = direct_id(&data, given);
    let me = data.account_id();
    let other = id
        .split('-')
        .find(|part| *part != me)
        .unwrap_or(me)
        .to_owned();
    let events = data.chat_events(&id);
    let request = data
        .chat()
        .request_position(&id)
        .map(|at| &data.chat_message_requests()[at]);
    if events.is_none() && request.is_none() {
        return not_found("conversation", params::ID, given);
    }
    let messages: Vec<Value> = events
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e.get("encoded_event").cloned())
        .collect();
    let state = if request.is_some() {
        "received"
    } else {
        "none"
    };
    let detail = json!({
        "conversation_id": id,
        "participant_id": other,
        "message_request_state": state,
        "has_more_events": !messages.is_empty(),
        "message_events": messages,
        "conversation_key_events": request.map(|r| strings(r, "conversation_key_events")).unwrap_or_default(),
    });
    let known = [call.allowed(params::CHAT_MESSAGE_REQUEST_DETAIL_FIELDS)];
    let fields = call.list(params::CHAT_MESSAGE_REQUEST_DETAIL_FIELDS);
    let everything: Vec<&str> = known[0].to_vec();
    let wanted = if fields.is_empty() {
        &everything
    } else {
        &fields
    };
    json_response(
        StatusCode::OK,
        &json!({ "data": select(&detail, &known, &[], wanted) }),
    )
}

/// Accepting moves the request's conversation to the top of the inbox;
/// without a pending request (after an accept, say), X answers 404.
fn accept(shared: &Shared, call: &Call) -> Response {
    let given = call.value(params::ID).unwrap_or_default();
    let id = direct_id(&shared.store.snapshot(), given);
    let accepted = shared.store.write(|data| {
        let me = data.account_id().to_owned();
        let (chat, _) = data.chat_mut();
        let at = chat.request_position(&id)?;
        let request = chat.requests.remove(at);
        let sender = request.get("sender_id").cloned().unwrap_or(Value::Null);
        chat.conversations.insert(
            0,
            json!({
                "id": id,
                "type": "direct",
                "participant_ids": [me, sender],
                "is_muted": false,
                "is_archived": false,
                "unread": true,
                "message_ttl_msec": "0",
                "message_ttl_ms": 0,
                "screen_capture_blocking_enabled": false,
                "screen_capture_detection_enabled": false,
            }),
        );
        chat.key_events
            .insert(id.clone(), strings(&request, "conversation_key_events"));
        chat.refresh_newest(&id);
        Some(())
    });
    match accepted {
        Some(()) => flag("accepted", true),
        None => not_found("message_request", params::ID, given),
    }
}
