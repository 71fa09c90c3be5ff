//! `getChatConversationPinnedMessages`: a conversation's pinned messages,
//! paged by numeric tokens (the spec's pattern allows digits only).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::chat_common::conversation_of;
use super::shape::select;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::GetChatConversationPinnedMessages;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: GetChatConversationPinnedMessages::operation,
    serve,
    tokens: None,
};

/// The fake pages pins by two, so that paging shows on a short list.
const PAGE: usize = 2;

fn serve(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let data = shared.store.snapshot();
    let all = data.chat().pinned.get(&id).cloned().unwrap_or_default();
    let start = call
        .number(params::PAGINATION_TOKEN)
        .unwrap_or(0)
        .min(all.len());
    let end = (start + PAGE).min(all.len());
    let known = [call.allowed(params::CHAT_PINNED_MESSAGE_FIELDS)];
    let fields = call.list(params::CHAT_PINNED_MESSAGE_FIELDS);
    let everything: Vec<&str> = known[0].to_vec();
    let wanted = if fields.is_empty() {
        &everything
    } else {
        &fields
    };
    let items: Vec<Value> = all[start..end]
        .iter()
        .map(|pin| select(pin, &known, &[], wanted))
        .collect();
    let mut body = Map::new();
    let mut meta = json!({ "result_count": items.len() });
    if end < all.len() {
        meta["next_token"] = json!(end.to_string());
    }
    if !items.is_empty() {
        body.insert("data".into(), Value::Array(items));
    }
    body.insert("meta".into(), meta);
    json_response(StatusCode::OK, &Value::Object(body))
}
