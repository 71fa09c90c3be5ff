//! `getChatConversations`: the inbox, 200 conversations a page by default
//! (2.173), with the requested fields, their members expanded into users,
//! and the 2.173 filters on kind, read, archived and muted state,
//! participants and the time of the latest message.

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

/// X's default page size here (2.173; it was 10).
const PAGE: usize = 200;

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let all: Vec<&Value> = data
        .chat_conversations()
        .iter()
        .filter(|conversation| wanted(&data, conversation, call))
        .collect();
    let size = call.number(params::MAX_RESULTS).unwrap_or(PAGE);
    let Some(slice) = slice(call.cursor, size, all.len()) else {
        return refuse(call.operation, &call.token_refused());
    };
    let page: Vec<&Value> = all.get(slice.start..slice.end).unwrap_or_default().to_vec();
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

/// Whether `conversation` passes every filter the call sets (all must
/// match, as X's do).
fn wanted(data: &Dataset, conversation: &Value, call: &Call) -> bool {
    let flag = |key: &str| {
        conversation
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    let asked = |name: &str| call.value(name).map(|value| value == "true");
    let participants: Vec<&str> = strs(conversation.get("participant_ids")).collect();
    let me = data.account_id();
    let query = call.value(params::PARTICIPANT_QUERY).map(str::to_lowercase);
    let matches_query = |query: &str| {
        let (handle_only, query) = match query.strip_prefix('@') {
            Some(rest) => (true, rest),
            None => (false, query),
        };
        participants
            .iter()
            .filter(|id| **id != me)
            .filter_map(|id| data.user(id))
            .any(|user| {
                let field = |key: &str| {
                    user.get(key)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_lowercase()
                };
                field("username").starts_with(query)
                    || (!handle_only
                        && field("name")
                            .split_whitespace()
                            .any(|word| word.starts_with(query)))
            })
    };
    (asked(params::UNREAD_ONLY) != Some(true) || flag("unread"))
        && asked(params::IS_ARCHIVED).is_none_or(|archived| archived == flag("is_archived"))
        && asked(params::IS_MUTED).is_none_or(|muted| muted == flag("is_muted"))
        && call
            .value(params::TYPE)
            .is_none_or(|kind| conversation.get("type").and_then(Value::as_str) == Some(kind))
        && call
            .list(params::PARTICIPANT_IDS)
            .iter()
            .all(|id| participants.contains(id))
        && query.as_deref().is_none_or(matches_query)
        && in_window(data, conversation, call)
}

/// Whether the conversation's latest message falls in `[start_time,
/// end_time)`, as X reads the two; a bound that does not parse as ISO 8601
/// keeps nothing out.
fn in_window(data: &Dataset, conversation: &Value, call: &Call) -> bool {
    let at = |text: &str| chrono::DateTime::parse_from_rfc3339(text).ok();
    let id = conversation
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let latest = data
        .chat_events(id)
        .and_then(|events| events.first())
        .and_then(|event| event.get("created_at"))
        .and_then(Value::as_str)
        .and_then(at);
    let start = call.value(params::START_TIME).and_then(at);
    let end = call.value(params::END_TIME).and_then(at);
    match latest {
        Some(latest) => {
            start.is_none_or(|start| latest >= start) && end.is_none_or(|end| latest < end)
        }
        None => start.is_none() && end.is_none(),
    }
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
