//! `getChatConversation`: one Chat conversation, by its id or, for a 1:1
//! conversation, by the other member's user id.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::chat_conversations::chat_items;
use super::not_found;
use crate::testing::Shared;
use crate::testing::data::Dataset;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::GetChatConversation;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: GetChatConversation::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let id = call.value(params::ID).unwrap_or_default();
    let Some(conversation) = data.chat_conversation(&direct_id(&data, id)) else {
        return not_found("conversation", params::ID, id);
    };
    let (items, includes) = chat_items(&data, &[conversation], call);
    let mut body = Map::new();
    // 2.166 sends the one conversation as a list of one, like the rest of
    // what the fake serves.
    body.insert("data".into(), Value::Array(items));
    json_response(StatusCode::OK, &Value::Object(includes.into_body(body)))
}

/// A bare user id names the 1:1 conversation with that user; any other id
/// is the conversation's own. The spec's pattern has already vouched for
/// the id's shape.
pub(super) fn direct_id(data: &Dataset, id: &str) -> String {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return id.to_owned();
    }
    let me = data.account_id();
    let (a, b) = match (id.parse::<u64>(), me.parse::<u64>()) {
        (Ok(other), Ok(mine)) if other < mine => (id, me),
        _ => (me, id),
    };
    format!("{a}-{b}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::DEMO_CONVERSATION;
    use crate::testing::data::DEFAULT_SEED;

    #[test]
    fn a_user_id_names_the_direct_conversation_with_that_user() {
        let data = Dataset::seeded(DEFAULT_SEED);
        assert_eq!(direct_id(&data, "9876543210"), DEMO_CONVERSATION);
        assert_eq!(direct_id(&data, "12"), "12-1234567890");
        for id in ["g1690000000000000001", "1-2", ""] {
            assert_eq!(direct_id(&data, id), id);
        }
    }
}
