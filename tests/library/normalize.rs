//! Bodies shaped after docs 2.166 and 2.167 read as the same values through
//! the facade's normalized accessors, and the items of a walk serialize back
//! to the JSON they came from, unknown fields included.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{
    DM_CONVERSATION, TWEETAPI_PATH, dm_events_path, fixture, json_response, tweetapi_facade,
    x_facade,
};
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};
use x_dm::prelude::*;
use x_dm::x::types::DmEvent;

const TWEET: &str = "1346889436626259968";
const OTHER_TWEET: &str = "1346889436626259969";
/// 2021-01-06T18:40:40Z.
const TWEETED_AT: i64 = 1_609_958_440;

fn at(unix: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(unix, 0)
}

async fn dm_events(body: &Value) -> Vec<Item<DmEvent>> {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET).path(dm_events_path());
        json_response(then, 200, body);
    });
    let items = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();
    mock.assert_calls(1);
    items
}

/// The same event and the same quoted Tweet, as 2.166 and as 2.167 send them.
fn dm_pair() -> (Value, Value) {
    let old = json!({
        "data": [{
            "id": "1580705921830768643",
            "event_type": "MessageCreate",
            "text": "two posts",
            "created_at": "2026-05-12T14:02:31.000Z",
            "referenced_tweets": [{"id": TWEET}, {"id": OTHER_TWEET}],
        }],
        "includes": {"tweets": [
            {"id": TWEET, "text": "first", "created_at": "Wed Jan 06 18:40:40 +0000 2021"},
            {"id": OTHER_TWEET, "text": "second", "created_at": "Wed Jan 06 18:40:41 +0000 2021"},
        ]},
    });
    let new = json!({
        "data": [{
            "id": "1580705921830768643",
            "event_type": "MessageCreate",
            "text": "two posts",
            "created_at": "2026-05-12T14:02:31Z",
            "referenced_posts": [{"id": TWEET}, {"id": OTHER_TWEET}],
        }],
        "includes": {"posts": [
            {"id": TWEET, "text": "first", "created_at": "2021-01-06T18:40:40.000Z"},
            {"id": OTHER_TWEET, "text": "second", "created_at": "2021-01-06T18:40:41.000Z"},
        ]},
    });
    (old, new)
}

/// What the normalized accessors of an event read.
#[derive(Debug, PartialEq)]
struct Reading {
    referenced_ids: Vec<String>,
    referenced: Vec<(String, Option<String>, Option<DateTime<Utc>>)>,
    created: Option<DateTime<Utc>>,
}

fn reading(item: &Item<DmEvent>) -> Reading {
    Reading {
        referenced_ids: item.referenced_tweet_ids().map(str::to_owned).collect(),
        referenced: item
            .referenced_tweets()
            .map(|tweet| {
                let tweet = tweet.expect("every referenced Tweet is included");
                (tweet.id.clone(), tweet.text.clone(), tweet.created())
            })
            .collect(),
        created: DmEventExt::created(&**item),
    }
}

#[tokio::test]
async fn referenced_tweets_and_referenced_posts_read_the_same() {
    let (old, new) = dm_pair();
    let old = dm_events(&old).await;
    let new = dm_events(&new).await;

    let old = reading(&old[0]);
    let new = reading(&new[0]);
    assert_eq!(old, new);
    assert_eq!(old.referenced_ids, [TWEET, OTHER_TWEET]);
    assert_eq!(
        old.referenced[0],
        (TWEET.to_owned(), Some("first".to_owned()), at(TWEETED_AT))
    );
    assert_eq!(old.referenced[1].2, at(TWEETED_AT + 1));
    assert_eq!(old.created, at(1_778_594_551));
}

#[tokio::test]
async fn page_includes_hold_2167_posts_as_tweets() {
    let (old, new) = dm_pair();
    let server = MockServer::start_async().await;
    let mut first = server.mock(|when, then| {
        when.method(GET).path(dm_events_path());
        json_response(then, 200, &old);
    });
    let client = x_facade(&server);
    let old = client.dm_events(DM_CONVERSATION).send().await.unwrap();
    first.delete();
    server.mock(|when, then| {
        when.method(GET).path(dm_events_path());
        json_response(then, 200, &new);
    });
    let new = client.dm_events(DM_CONVERSATION).send().await.unwrap();

    let created = |page: &x_dm::Page<DmEvent>| -> Vec<(String, Option<DateTime<Utc>>)> {
        page.includes()
            .tweets
            .iter()
            .map(|tweet| (tweet.id.clone(), tweet.created()))
            .collect()
    };
    assert_eq!(created(&old), created(&new));
    assert_eq!(created(&new)[0], (TWEET.to_owned(), at(TWEETED_AT)));
    assert!(new.includes().posts.is_empty(), "posts are moved to tweets");
}

#[tokio::test]
async fn both_tweet_timestamp_forms_read_as_the_same_instant() {
    let pair = [
        json!({"id": TWEET, "created_at": "Wed Jan 06 18:40:40 +0000 2021"}),
        json!({"id": TWEET, "created_at": "2021-01-06T18:40:40.000Z"}),
    ];
    let [legacy, modern] = pair.map(|tweet| {
        serde_json::from_value::<x_dm::x::types::Tweet>(tweet)
            .unwrap()
            .created()
    });
    assert_eq!(legacy, modern);
    assert_eq!(legacy, at(TWEETED_AT));

    let unreadable: x_dm::x::types::Tweet =
        serde_json::from_value(json!({"id": TWEET, "created_at": "<string>"})).unwrap();
    assert_eq!(unreadable.created(), None);
}

/// The same group, as 2.166 (`message_ttl_msec`, a string) and 2.167
/// (`message_ttl_ms`, an integer) send it.
fn chat_pair() -> (Value, Value) {
    let old = json!({
        "id": "g1690000000000000001",
        "type": "group",
        "message_ttl_msec": "86400000",
        "created_at": "2026-03-02T09:15:00.000Z",
    });
    let new = json!({
        "id": "g1690000000000000001",
        "type": "group",
        "message_ttl_ms": 86_400_000,
        "created_at": "2026-03-02T09:15:00Z",
    });
    (old, new)
}

#[tokio::test]
async fn message_ttl_reads_the_same_from_either_name() {
    let (old, new) = chat_pair();
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET).path("/2/chat/conversations");
        json_response(then, 200, &json!({"data": [old, new]}));
    });

    let items: Vec<_> = x_facade(&server)
        .conversations()
        .items()
        .try_collect()
        .await
        .unwrap();

    mock.assert_calls(1);
    // Same id twice in one page: both are kept, only a page boundary dedups.
    assert_eq!(items.len(), 2);
    let day = Some(Duration::from_secs(24 * 60 * 60));
    assert_eq!(items[0].message_ttl(), day);
    assert_eq!(items[1].message_ttl(), day);
    assert_eq!(
        ChatConversationExt::created(&*items[0]),
        ChatConversationExt::created(&*items[1])
    );
    assert!(items[0].is_group() && items[1].is_group());
}

#[tokio::test]
async fn one_conversation_reads_the_same_as_a_2166_list_and_a_2167_object() {
    let (old, new) = chat_pair();
    let server = MockServer::start_async().await;
    let mut list = server.mock(|when, then| {
        when.method(GET)
            .path("/2/chat/conversations/g1690000000000000001");
        json_response(then, 200, &json!({"data": [old]}));
    });
    let client = x_facade(&server);
    let old = client
        .conversation("g1690000000000000001")
        .send()
        .await
        .unwrap();
    list.delete();
    server.mock(|when, then| {
        when.method(GET)
            .path("/2/chat/conversations/g1690000000000000001");
        json_response(then, 200, &json!({"data": new}));
    });
    let new = client
        .conversation("g1690000000000000001")
        .send()
        .await
        .unwrap();

    let ttl = |page: &x_dm::Page<x_dm::x::types::ChatConversation>| {
        page.items()
            .iter()
            .map(|c| c.message_ttl())
            .collect::<Vec<_>>()
    };
    assert_eq!(ttl(&old), ttl(&new));
    assert_eq!(ttl(&new), [Some(Duration::from_millis(86_400_000))]);
}

#[tokio::test]
async fn message_ttl_is_none_when_absent_or_unreadable() {
    for conversation in [
        json!({"id": "1-2"}),
        json!({"id": "1-2", "message_ttl_msec": "<string>"}),
        json!({"id": "1-2", "message_ttl_ms": -1}),
    ] {
        let conversation: x_dm::x::types::ChatConversation =
            serde_json::from_value(conversation).unwrap();
        assert_eq!(conversation.message_ttl(), None, "{conversation:?}");
    }
    let zero: x_dm::x::types::ChatConversation =
        serde_json::from_value(json!({"id": "1-2", "message_ttl_msec": "0"})).unwrap();
    assert_eq!(zero.message_ttl(), Some(Duration::ZERO));
}

#[tokio::test]
async fn event_kinds_known_and_new_are_told_apart() {
    let items = dm_events(&json!({"data": [
        {"id": "2", "event_type": "ParticipantsLeave"},
        {"id": "1", "event_type": "MessageReactionCreate"},
    ]}))
    .await;
    assert_eq!(
        items[0].kind(),
        EventKind::Known(DmEventType::ParticipantsLeave)
    );
    assert_eq!(items[1].kind(), EventKind::Other("MessageReactionCreate"));
}

#[tokio::test]
async fn an_event_with_unknown_fields_serializes_back_to_what_was_sent() {
    let event = json!({
        "id": "1580705921830768644",
        "event_type": "MessageCreate",
        "text": "Seen this? @XDevelopers $XYZ",
        "created_at": "2026-09-01T08:00:00.000Z",
        "dm_conversation_id": DM_CONVERSATION,
        "sender_id": "1582103724607971328",
        "referenced_posts": [{"id": TWEET}],
        "attachments": {"media_keys": ["3_1580705921826574336"]},
        "entities": {
            "mentions": [{"start": 11, "end": 23, "username": "XDevelopers", "id": "2244994945"}],
            "cashtags": [{"start": 24, "end": 28, "tag": "XYZ"}]
        },
        "reactions": [{"emoji": "👍", "sender_id": "1613565123466371072"}],
        "edit_history": {"count": 2, "edited_at": null},
        "brand_new_flag": true,
    });
    let items = dm_events(&json!({
        "data": [event.clone()],
        "includes": {"posts": [{"id": TWEET, "text": "quoted"}]},
    }))
    .await;

    assert_eq!(items.len(), 1);
    assert_eq!(serde_json::to_value(&items[0]).unwrap(), event);
    assert_eq!(
        serde_json::to_value(items[0].clone().into_inner()).unwrap(),
        event
    );
}

#[tokio::test]
async fn a_chat_conversation_with_unknown_fields_serializes_back_to_what_was_sent() {
    let conversation = json!({
        "id": "g1690000000000000002",
        "type": "group",
        "group_name": "ZW5jcnlwdGVk",
        "is_muted": false,
        "message_ttl_ms": 604_800_000,
        "admin_ids": ["1582103724607971328"],
        "pinned": true,
        "theme": {"color": "blue"},
    });
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path("/2/chat/conversations");
        json_response(
            then,
            200,
            &json!({"data": [conversation.clone()], "meta": {"has_more": false}}),
        );
    });

    let items: Vec<_> = x_facade(&server)
        .conversations()
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(serde_json::to_value(&items[0]).unwrap(), conversation);
}

#[tokio::test]
async fn a_tweetapi_message_with_unknown_fields_serializes_back_to_what_was_sent() {
    let message = json!({
        "id": "5000000000000000001",
        "conversationId": "1000000000000000001-1000000000000000002",
        "senderId": "1000000000000000002",
        "recipientId": "1000000000000000001",
        "text": "Hi",
        "createdAt": "2024-01-25T10:00:00.000Z",
        "editCount": 0,
        "reactions": [{"emoji": "🔥"}],
        "isPinned": false,
    });
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path(TWEETAPI_PATH);
        json_response(then, 200, &json!({"messages": [message.clone()]}));
    });

    let items: Vec<_> = tweetapi_facade(&server)
        .conversation("1000000000000000001-1000000000000000002")
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(serde_json::to_value(&items[0]).unwrap(), message);
}

#[tokio::test]
async fn tweetapi_messages_serialize_back_exactly_as_tweetapi_sent_them() {
    // Verbatim messages: TweetAPI sends `"requestId": null` and empty entity
    // lists, and an item's serialization must omit none of it.
    const CURSOR: &str = "GRwmgIC9reXb8bsxFoCAvfWbqfS7MSUAAA==";
    let first: Value = serde_json::from_str(&fixture(
        "getTweetApiConversation",
        "200-cursor-top-level.json",
    ))
    .unwrap();
    let mut second: Value =
        serde_json::from_str(&fixture("getTweetApiConversation", "200-seed-004.json")).unwrap();
    second["hasMore"] = false.into();
    let sent: Vec<Value> = first["messages"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["messages"].as_array().unwrap())
        .cloned()
        .collect();
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET)
            .path(TWEETAPI_PATH)
            .query_param_missing("cursor");
        json_response(then, 200, &first);
    });
    server.mock(|when, then| {
        when.method(GET)
            .path(TWEETAPI_PATH)
            .query_param("cursor", CURSOR);
        json_response(then, 200, &second);
    });

    let items: Vec<_> = tweetapi_facade(&server)
        .conversation("1000000000000000001-1000000000000000002")
        .items()
        .try_collect()
        .await
        .unwrap();

    let got: Vec<Value> = items
        .iter()
        .map(|item| serde_json::to_value(item).unwrap())
        .collect();
    assert_eq!(got, sent);
}
