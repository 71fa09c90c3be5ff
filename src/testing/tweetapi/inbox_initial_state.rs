//! `getTweetApiInboxInitialState`: the inbox's first conversations of each
//! timeline with their newest message, where each timeline goes on, and the
//! cursor updates are polled from.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::conversation::{info, message, users_of};
use super::dm_user_updates::TOKENS as UPDATE_TOKENS;
use super::timeline::{self, FIRST_TRUSTED, FIRST_UNTRUSTED};
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::paging::Cursor;
use crate::testing::server::{Route, json_response};
use crate::testing::x::shape::str_of;
use crate::tweetapi::operations::GetTweetApiInboxInitialState;

pub(super) const ROUTE: Route = Route {
    operation: GetTweetApiInboxInitialState::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, _call: &Call) -> Response {
    let data = shared.store.snapshot();
    let mut conversations = Vec::new();
    let mut messages = Vec::new();
    for (trusted, first) in [(true, FIRST_TRUSTED), (false, FIRST_UNTRUSTED)] {
        for conversation in timeline::conversations(&data, trusted)
            .into_iter()
            .take(first)
        {
            conversations.push(info(conversation, trusted));
            let newest = conversation
                .events
                .iter()
                .find(|event| str_of(event, "event_type") == Some("MessageCreate"));
            messages.extend(newest.map(|event| message(&data, conversation, event)));
        }
    }
    let users: Vec<Value> = users_of(&data, &messages);
    json_response(
        StatusCode::OK,
        &json!({
            "conversations": conversations,
            "messages": messages,
            "users": users,
            "cursor": Cursor::From(data.tweetapi.sent.len()).encode(UPDATE_TOKENS),
            "inboxTimelines": {
                "trusted": timeline::state(&data, true, FIRST_TRUSTED),
                "untrusted": timeline::state(&data, false, FIRST_UNTRUSTED),
            },
        }),
    )
}
