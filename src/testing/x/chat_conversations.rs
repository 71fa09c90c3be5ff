//! `getChatConversations`: the inbox, ten conversations a page by default,
//! with the requested fields and their members expanded into users.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::refuse;
use super::shape::{Includes, named_by, select, strs};
use crate::testing::Shared;
use crate::testing::data::Dataset;
use crate::testing::server::call::Call;
use crate::testing::server::paging::slice;
use crate::testing::server::{Route, json_response};
use crate::x::operations::GetChatConversations;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: GetChatConversations::operation,
    serve,
    tokens: Some(TOKENS),
};

const TOKENS: &str = "CHAT";

/// X's default page size here.
const PAGE: usize = 10;

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let all = data.chat_conversations();
    let size = call.number(params::MAX_RESULTS).unwrap_or(PAGE);
    let Some(slice) = slice(call.cursor, size, all.len()) else {
        return refuse(call.operation, &call.token_refused());
    };
    let page: Vec<&Value> = all
        .get(slice.start..slice.end)
        .unwrap_or_default()
        .iter()
        .collect();
    let (items, includes) = chat_items(&data, &page, call);
    let mut body = Map::new();
    if !items.is_empty() {
        body.insert("data".into(), Value::Array(items));
    }
    let mut meta = json!({
        "result_count": page.len(),
        "has_more": slice.next.is_some(),
        "has_message_requests": true,
    });
    if let Some(next) = slice.next {
        meta["next_token"] = json!(next.encode(TOKENS));
    }
    body.insert("meta".into(), meta);
    json_response(StatusCode::OK, &Value::Object(includes.into_body(body)))
}

/// Chat conversations as a call selects them, and the users its expansions
/// name. Each Chat expansion is named after the field of ids it expands.
pub(super) fn chat_items(data: &Dataset, page: &[&Value], call: &Call) -> (Vec<Value>, Includes) {
    let expansions = call.list(params::EXPANSIONS);
    let mut keep = vec!["id", "type"];
    keep.extend(expansions.iter().copied());
    let fields = call.list(params::CHAT_CONVERSATION_FIELDS);
    let known = [call.allowed(params::CHAT_CONVERSATION_FIELDS)];
    let items = page
        .iter()
        .map(|conversation| select(conversation, &known, &keep, &fields))
        .collect();
    let users = named_by(page.iter().flat_map(|conversation| {
        expansions.iter().flat_map(move |expansion| {
            strs(conversation.get(*expansion)).map(move |id| (id, *expansion))
        })
    }));
    let mut includes = Includes::default();
    includes.users(&users, data, call);
    (items, includes)
}
