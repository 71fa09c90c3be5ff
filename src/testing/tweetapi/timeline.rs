//! What both inbox timelines share: the conversations of one, in inbox order,
//! and its pages, which lead on by `minEntryId` as X's inbox timeline does.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::conversation::info;
use super::refuse;
use crate::testing::Shared;
use crate::testing::data::{Conversation, Dataset};
use crate::testing::server::call::Call;
use crate::testing::server::json_response;
use crate::testing::server::paging::{Cursor, slice};
use crate::tweetapi::params;

/// How many conversations of each timeline the inbox's first state holds.
pub(super) const FIRST_TRUSTED: usize = 2;
pub(super) const FIRST_UNTRUSTED: usize = 1;

/// Conversations a timeline page holds.
const PAGE: usize = 1;

/// The token prefix of each timeline.
pub(super) const TRUSTED_TOKENS: &str = "TWTRU";
pub(super) const UNTRUSTED_TOKENS: &str = "TWUNT";

/// The conversations of one timeline, in the dataset's order.
pub(super) fn conversations(data: &Dataset, trusted: bool) -> Vec<&Conversation> {
    data.conversation_ids()
        .filter_map(|id| data.conversation(id))
        .filter(|c| data.tweetapi.trusted(&c.id) == trusted)
        .collect()
}

/// Where a timeline goes on after its first `shown` conversations.
pub(super) fn state(data: &Dataset, trusted: bool, shown: usize) -> Value {
    let total = conversations(data, trusted).len();
    let prefix = if trusted {
        TRUSTED_TOKENS
    } else {
        UNTRUSTED_TOKENS
    };
    if shown < total {
        json!({ "status": "HAS_MORE", "minEntryId": Cursor::From(shown).encode(prefix) })
    } else {
        json!({ "status": "AT_END" })
    }
}

/// One page of a timeline.
pub(super) fn serve(shared: &Shared, call: &Call, trusted: bool) -> Response {
    let data = shared.store.snapshot();
    let mut all = conversations(&data, trusted);
    if call.value(params::FILTER_LOW_QUALITY) == Some("true") {
        // The fake's message requests are all low quality.
        all.retain(|_| trusted);
    }
    let Some(slice) = slice(call.cursor, PAGE, all.len()) else {
        return refuse(call.operation, &call.token_refused());
    };
    let page: Vec<Value> = all[slice.start..slice.end]
        .iter()
        .map(|c| info(c, trusted))
        .collect();
    let prefix = if trusted {
        TRUSTED_TOKENS
    } else {
        UNTRUSTED_TOKENS
    };
    let mut body = json!({
        "conversations": page,
        "users": [],
        "status": if slice.next.is_some() { "HAS_MORE" } else { "AT_END" },
    });
    if let Some(next) = slice.next {
        body["minEntryId"] = json!(next.encode(prefix));
    }
    json_response(StatusCode::OK, &body)
}
