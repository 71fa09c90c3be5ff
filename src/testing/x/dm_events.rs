//! `getDirectMessagesEventsByConversationId`: one conversation's events,
//! newest first, filtered by type, a page at a time both ways, with the
//! requested fields and expansions.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::shape::{Includes, Kind, media_keys, named_by, referenced_tweets, select, str_of, strs};
use super::{not_found, refuse};
use crate::testing::Shared;
use crate::testing::data::Dataset;
use crate::testing::server::call::Call;
use crate::testing::server::paging::{Slice, slice};
use crate::testing::server::{Route, json_response};
use crate::x::operations::GetDirectMessagesEventsByConversationId;
use crate::x::params;
use crate::x::types::DmEventExpansion;

pub(super) const ROUTE: Route = Route {
    operation: GetDirectMessagesEventsByConversationId::operation,
    serve,
    tokens: Some(TOKENS),
};

const TOKENS: &str = "DMEV";

/// X's default page size here.
const PAGE: usize = 100;

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let id = call.value(params::ID).unwrap_or_default();
    let Some(conversation) = data.conversation(id) else {
        return not_found("dm_conversation", params::ID, id);
    };
    walk(&data, conversation.events.iter().collect(), call, TOKENS)
}

/// One page of `events` (newest first), filtered by the call's event types,
/// with tokens of prefix `tokens` both ways: what every list of DM events
/// answers.
pub(super) fn walk(data: &Dataset, events: Vec<&Value>, call: &Call, tokens: &str) -> Response {
    let types = call.list(params::EVENT_TYPES);
    let events: Vec<&Value> = events
        .into_iter()
        .filter(|event| {
            types.is_empty() || str_of(event, "event_type").is_some_and(|t| types.contains(&t))
        })
        .collect();
    let size = call.number(params::MAX_RESULTS).unwrap_or(PAGE);
    let Some(slice) = slice(call.cursor, size, events.len()) else {
        return refuse(call.operation, &call.token_refused());
    };
    let page = events.get(slice.start..slice.end).unwrap_or_default();
    json_response(StatusCode::OK, &page_body(data, page, call, &slice, tokens))
}

fn page_body(data: &Dataset, page: &[&Value], call: &Call, slice: &Slice, tokens: &str) -> Value {
    let (items, includes) = shaped(data, page, call);
    let mut body = Map::new();
    if !items.is_empty() {
        body.insert("data".into(), Value::Array(items));
    }
    let mut meta = json!({ "result_count": page.len() });
    if let Some(next) = slice.next {
        meta["next_token"] = json!(next.encode(tokens));
    }
    if let Some(previous) = slice.previous {
        meta["previous_token"] = json!(previous.encode(tokens));
    }
    body.insert("meta".into(), meta);
    Value::Object(includes.into_body(body))
}

/// `events` with the fields the call selects, and what its expansions
/// include: what every operation that serves DM events answers with.
pub(super) fn shaped(data: &Dataset, page: &[&Value], call: &Call) -> (Vec<Value>, Includes) {
    let listed = call.list(params::EXPANSIONS);
    // The expansion's name as the call gave it, if it did.
    let expanded = |expansion: DmEventExpansion| {
        let name = expansion.to_string();
        listed.iter().copied().find(|listed| *listed == name)
    };
    let mut keep = vec!["id", "event_type", "text"];
    // X puts the ids an expansion resolves into the item, asked for or not.
    for (expansion, field) in [
        (DmEventExpansion::SenderId, "sender_id"),
        (DmEventExpansion::ParticipantIds, "participant_ids"),
        (DmEventExpansion::AttachmentsMediaKeys, "attachments"),
        (DmEventExpansion::ReferencedTweetsId, "referenced_tweets"),
        (DmEventExpansion::ReferencedPosts, "referenced_tweets"),
    ] {
        if expanded(expansion).is_some() {
            keep.push(field);
        }
    }
    let fields = call.list(params::DM_EVENT_FIELDS);
    let items: Vec<Value> = page
        .iter()
        .map(|event| {
            select(
                event,
                &[call.allowed(params::DM_EVENT_FIELDS)],
                &keep,
                &fields,
            )
        })
        .collect();

    let mut includes = Includes::default();
    let senders = expanded(DmEventExpansion::SenderId);
    let participants = expanded(DmEventExpansion::ParticipantIds);
    let users = named_by(page.iter().flat_map(|event| {
        let sent = senders.and_then(|by| Some((str_of(event, "sender_id")?, by)));
        let joined = participants
            .into_iter()
            .flat_map(|by| strs(event.get("participant_ids")).map(move |id| (id, by)));
        sent.into_iter().chain(joined)
    }));
    includes.users(&users, data, call);
    if let Some(by) = expanded(DmEventExpansion::AttachmentsMediaKeys) {
        let keys = named_by(
            page.iter()
                .flat_map(|event| media_keys(event))
                .map(|key| (key, by)),
        );
        includes.add(
            "media",
            &keys,
            |key| data.media_item(key),
            &Kind {
                resource_type: "media",
                known: &[call.allowed(params::MEDIA_FIELDS)],
                defaults: &["media_key", "type"],
            },
            &call.list(params::MEDIA_FIELDS),
        );
    }
    // 2.166 names the expansion `referenced_tweets.id` and the include
    // `tweets`; 2.167 `referenced_posts` and `posts`. Either is served.
    for (expansion, key, fields) in [
        (
            DmEventExpansion::ReferencedTweetsId,
            "tweets",
            params::TWEET_FIELDS,
        ),
        (
            DmEventExpansion::ReferencedPosts,
            "posts",
            params::POST_FIELDS,
        ),
    ] {
        let Some(by) = expanded(expansion) else {
            continue;
        };
        let ids = named_by(
            page.iter()
                .flat_map(|event| referenced_tweets(event))
                .map(|id| (id, by)),
        );
        includes.add(
            key,
            &ids,
            |id| data.tweet(id),
            &Kind {
                resource_type: "tweet",
                known: &[
                    call.allowed(params::TWEET_FIELDS),
                    call.allowed(params::POST_FIELDS),
                ],
                defaults: &["id", "text"],
            },
            &call.list(fields),
        );
    }

    (items, includes)
}
