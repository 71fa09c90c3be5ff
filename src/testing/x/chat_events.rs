//! `getChatConversationEvents`: a conversation's sealed events, newest
//! first, ten a page by default, with the key change events needed to open
//! them in `meta`.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::chat_common::conversation_of;
use super::refuse;
use super::shape::select;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::paging::slice;
use crate::testing::server::{Route, json_response};
use crate::x::operations::GetChatConversationEvents;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: GetChatConversationEvents::operation,
    serve,
    tokens: Some(TOKENS),
};

const TOKENS: &str = "CHEV";

/// X's default page size here.
const PAGE: usize = 10;

/// What every event carries, whatever fields were asked for (2.173).
const DEFAULTS: [&str; 2] = ["id", "encoded_event"];

fn serve(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let data = shared.store.snapshot();
    let all = data.chat_events(&id).unwrap_or_default();
    let size = call.number(params::MAX_RESULTS).unwrap_or(PAGE);
    let Some(slice) = slice(call.cursor, size, all.len()) else {
        return refuse(call.operation, &call.token_refused());
    };
    let fields = call.list(params::CHAT_MESSAGE_EVENT_FIELDS);
    let known = [call.allowed(params::CHAT_MESSAGE_EVENT_FIELDS)];
    let items: Vec<Value> = all[slice.start..slice.end]
        .iter()
        .map(|event| select(event, &known, &DEFAULTS, &fields))
        .collect();
    let mut body = Map::new();
    let count = items.len();
    if !items.is_empty() {
        body.insert("data".into(), Value::Array(items));
    }
    let mut meta = json!({
        "result_count": count,
        "has_more": slice.next.is_some(),
        "conversation_key_events": data.chat().key_events.get(&id).cloned().unwrap_or_default(),
    });
    if let Some(next) = slice.next {
        meta["next_token"] = json!(next.encode(TOKENS));
    }
    body.insert("meta".into(), meta);
    json_response(StatusCode::OK, &Value::Object(body))
}
