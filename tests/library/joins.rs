//! Items joined to what their pages included: senders, participants, media,
//! referenced Tweets, Chat admins and members, TweetAPI senders; across pages
//! of one walk, and `None` where nothing was included.

use crate::common;

use common::{
    DM_CONVERSATION, TWEETAPI_PATH, dm_events_path, fixture, json_response, recorded,
    serve_by_param, tweetapi_facade, x_facade,
};
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};
use x_dm::prelude::*;

const ADA: &str = "1582103724607971328";
const BROOK: &str = "1613565123466371072";
const XDEV: &str = "2244994945";
const TOKEN_2: &str = "18LAA581J5II7LA00C00TOK2";
const TWEET: &str = "1346889436626259968";

fn fixture_json(operation: &str, name: &str) -> Value {
    serde_json::from_str(&fixture(operation, name)).unwrap()
}

fn usernames<'a>(users: impl Iterator<Item = Option<&'a x_dm::x::types::User>>) -> Vec<&'a str> {
    users
        .map(|user| {
            user.and_then(|user| user.username.as_deref())
                .unwrap_or("<none>")
        })
        .collect()
}

/// One page of DM events, joined to its own includes.
async fn dm_items(body: &str) -> Vec<Item<x_dm::x::types::DmEvent>> {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET).path(dm_events_path());
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    });
    let items = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .send()
        .await
        .unwrap()
        .joined();
    mock.assert_calls(1);
    items
}

#[tokio::test]
async fn a_sender_included_on_page_one_resolves_for_an_event_on_page_two() {
    let server = MockServer::start_async().await;
    let (mock, seen) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (
                None,
                json!({
                    "data": [{"id": "20", "event_type": "MessageCreate", "sender_id": ADA}],
                    "includes": {"users": [{"id": ADA, "name": "Ada", "username": "ada_dev"}]},
                    "meta": {"result_count": 1, "next_token": TOKEN_2},
                }),
            ),
            (
                Some(TOKEN_2),
                json!({
                    "data": [
                        {"id": "11", "event_type": "MessageCreate", "sender_id": ADA},
                        {"id": "10", "event_type": "MessageCreate", "sender_id": "999999999"},
                    ],
                    "meta": {"result_count": 2},
                }),
            ),
        ],
    );

    let items: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .expansions([DmEventExpansion::SenderId])
        .user_fields([UserField::Username])
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(recorded(&seen).len(), 2);
    mock.assert_calls(2);
    assert_eq!(
        items[0].sender().unwrap().username.as_deref(),
        Some("ada_dev")
    );
    let on_page_two = &items[1];
    assert_eq!(on_page_two.id, "11");
    assert_eq!(
        on_page_two.sender().unwrap().username.as_deref(),
        Some("ada_dev"),
        "page 2 included nobody; the walk remembers page 1's users"
    );
    assert!(
        items[2].sender().is_none(),
        "a sender no page included is None"
    );
    assert!(on_page_two.user(BROOK).is_none());
}

#[tokio::test]
async fn page_joined_sees_only_its_own_includes() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path(dm_events_path());
        json_response(
            then,
            200,
            &json!({"data": [{"id": "1", "event_type": "MessageCreate", "sender_id": ADA}]}),
        );
    });

    let page = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .send()
        .await
        .unwrap();
    let items = page.joined();

    assert_eq!(items.len(), 1);
    assert!(items[0].sender().is_none());
}

#[tokio::test]
async fn senders_participants_media_and_referenced_tweets_resolve_in_a_2166_page() {
    let items = dm_items(&fixture(
        "getDirectMessagesEventsByConversationId",
        "200-page-2166.json",
    ))
    .await;

    let quoting = &items[0];
    assert_eq!(quoting.sender().unwrap().username.as_deref(), Some("brook"));
    let tweets: Vec<_> = quoting.referenced_tweets().collect();
    assert_eq!(tweets.len(), 1);
    let tweet = tweets[0].expect("the referenced Tweet was included");
    assert_eq!(tweet.id, TWEET);
    assert_eq!(
        tweet.text.as_deref(),
        Some("Learn how to use the user Tweet timeline")
    );

    let photo = &items[1];
    assert_eq!(photo.sender().unwrap().username.as_deref(), Some("ada_dev"));
    let media: Vec<_> = photo.attached_media().collect();
    assert_eq!(media.len(), 1);
    let media = media[0].expect("the photo was included");
    assert_eq!(media.media_key.as_deref(), Some("3_1580705921826574336"));
    assert_eq!(
        media.url.as_deref(),
        Some("https://pbs.twimg.com/media/offsite.jpg")
    );
    assert_eq!(photo.referenced_tweets().count(), 0);

    let join = &items[2];
    assert!(join.sender().is_none(), "a join event has no sender");
    assert_eq!(usernames(join.participants()), ["brook"]);
}

#[tokio::test]
async fn referenced_posts_resolve_through_includes_posts_in_a_2167_page() {
    let items = dm_items(&fixture(
        "getDirectMessagesEventsByConversationId",
        "200-page-2167.json",
    ))
    .await;

    let tweets: Vec<_> = items[0].referenced_tweets().collect();
    assert_eq!(tweets.len(), 1);
    let tweet = tweets[0].expect("the referenced post was included as a post");
    assert_eq!(tweet.id, TWEET);
    assert_eq!(tweet.author_id.as_deref(), Some(XDEV));
    assert_eq!(
        usernames(items[1].participants()),
        ["<none>"],
        "Brook was not included in this page"
    );
}

#[tokio::test]
async fn either_reference_name_resolves_through_either_includes_name() {
    let tweet = json!({"id": TWEET, "text": "quoted"});
    for (reference, include) in [
        ("referenced_tweets", "tweets"),
        ("referenced_tweets", "posts"),
        ("referenced_posts", "tweets"),
        ("referenced_posts", "posts"),
    ] {
        let body = json!({
            "data": [{"id": "1", "event_type": "MessageCreate", reference: [{"id": TWEET}, {"id": "404"}]}],
            "includes": {include: [tweet.clone()]},
        });
        let items = dm_items(&body.to_string()).await;
        let resolved: Vec<Option<&str>> = items[0]
            .referenced_tweets()
            .map(|tweet| tweet.and_then(|tweet| tweet.text.as_deref()))
            .collect();
        assert_eq!(
            resolved,
            [Some("quoted"), None],
            "{reference} through includes.{include}"
        );
    }
}

#[tokio::test]
async fn media_and_tweets_included_on_page_one_resolve_on_page_two() {
    let server = MockServer::start_async().await;
    let (mock, _) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (
                None,
                json!({
                    "data": [{"id": "20", "event_type": "MessageCreate"}],
                    "includes": {
                        "media": [{"media_key": "3_1", "type": "photo"}],
                        "posts": [{"id": TWEET, "text": "quoted"}],
                        "users": [{"id": BROOK, "username": "brook"}],
                    },
                    "meta": {"next_token": TOKEN_2},
                }),
            ),
            (
                Some(TOKEN_2),
                json!({
                    "data": [{
                        "id": "10",
                        "event_type": "MessageCreate",
                        "attachments": {"media_keys": ["3_1", "3_2"]},
                        "referenced_posts": [{"id": TWEET}],
                        "participant_ids": [BROOK],
                    }],
                }),
            ),
        ],
    );

    let items: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();

    mock.assert_calls(2);
    let later = &items[1];
    let media: Vec<_> = later
        .attached_media()
        .map(|media| media.map(|m| m.type_.as_deref()))
        .collect();
    assert_eq!(media, [Some(Some("photo")), None]);
    assert_eq!(
        later
            .referenced_tweets()
            .next()
            .unwrap()
            .unwrap()
            .text
            .as_deref(),
        Some("quoted")
    );
    assert_eq!(usernames(later.participants()), ["brook"]);
}

#[tokio::test]
async fn a_chat_conversation_resolves_admins_and_members_through_page_joined() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/2/chat/conversations/g1690000000000000001")
            .query_param("expansions", "admin_ids,member_ids");
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture("getChatConversation", "200-group-object-2167.json"));
    });

    let page = x_facade(&server)
        .conversation("g1690000000000000001")
        .expansions([
            ChatConversationExpansion::AdminIds,
            ChatConversationExpansion::MemberIds,
        ])
        .send()
        .await
        .unwrap();
    let items = page.joined();

    mock.assert_calls(1);
    assert_eq!(items.len(), 1);
    let group = &items[0];
    assert_eq!(usernames(group.admins()), ["ada_dev"]);
    assert_eq!(usernames(group.members()), ["ada_dev", "brook"]);
    assert_eq!(group.participants().count(), 0);
}

#[tokio::test]
async fn a_2166_chat_conversation_sent_as_a_list_joins_too() {
    let server = MockServer::start_async().await;
    let mut body = fixture_json("getChatConversation", "200-group-object-2167.json");
    let object = body["data"].take();
    body["data"] = json!([object]);
    body["data"][0]["participant_ids"] = json!([ADA, XDEV]);
    server.mock(|when, then| {
        when.method(GET)
            .path("/2/chat/conversations/g1690000000000000001");
        json_response(then, 200, &body);
    });

    let items = x_facade(&server)
        .conversation("g1690000000000000001")
        .send()
        .await
        .unwrap()
        .joined();

    assert_eq!(items.len(), 1);
    assert_eq!(usernames(items[0].admins()), ["ada_dev"]);
    assert_eq!(usernames(items[0].participants()), ["ada_dev", "<none>"]);
}

#[tokio::test]
async fn conversations_items_resolve_admins_members_and_participants() {
    let server = MockServer::start_async().await;
    let mut last = fixture_json("getChatConversations", "200-last-page-2167.json");
    last["data"][0]["member_ids"] = json!([XDEV, "1000000000000000009"]);
    let (mock, _) = serve_by_param(
        &server,
        "/2/chat/conversations",
        "pagination_token",
        vec![
            (
                None,
                fixture_json("getChatConversations", "200-inbox-2166.json"),
            ),
            (Some("1hnhq4ccfdn8nt4e8ctqh3nfat5d3oq3"), last),
        ],
    );

    let items: Vec<_> = x_facade(&server)
        .conversations()
        .items()
        .try_collect()
        .await
        .unwrap();

    mock.assert_calls(2);
    assert_eq!(items.len(), 3);
    let direct = &items[0];
    assert_eq!(usernames(direct.participants()), ["ada_dev", "brook"]);
    assert_eq!(direct.admins().count(), 0);
    let group = &items[1];
    assert_eq!(usernames(group.admins()), ["ada_dev"]);
    assert_eq!(
        usernames(group.members()),
        ["ada_dev", "brook", "XDevelopers"]
    );
    assert_eq!(
        usernames(group.participants()),
        ["ada_dev", "brook", "XDevelopers"]
    );
    // Page 2 included nobody: X Dev is remembered from page 1, the other
    // member was never included.
    assert_eq!(usernames(items[2].members()), ["XDevelopers", "<none>"]);
}

#[tokio::test]
async fn tweetapi_messages_resolve_sender_and_recipient() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET).path(TWEETAPI_PATH);
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture("getTweetApiConversation", "200-seed-004.json"));
    });

    let page = tweetapi_facade(&server)
        .conversation("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap();
    let expected: Vec<(String, String)> = page
        .users()
        .iter()
        .map(|user| (user.id.clone(), user.username.clone().unwrap_or_default()))
        .collect();
    let messages = page.joined();

    mock.assert_calls(1);
    let handle = |id: &str| {
        expected
            .iter()
            .find(|(user, _)| user == id)
            .map(|(_, name)| name.as_str())
    };
    for message in &messages {
        let sender = message.sender().expect("the sender is in `users`");
        assert_eq!(
            Some(sender.username.as_deref().unwrap()),
            handle(message.sender_id.as_deref().unwrap())
        );
        let recipient = message.recipient().expect("the recipient is in `users`");
        assert_eq!(recipient.id, message.recipient_id.clone().unwrap());
    }
}

#[tokio::test]
async fn tweetapi_users_of_page_one_resolve_on_page_two() {
    let server = MockServer::start_async().await;
    const CURSOR: &str = "GRwmgIC9reXb8bsxFoCAvfWbqfS7MSUAAA==";
    let (mock, _) = serve_by_param(
        &server,
        TWEETAPI_PATH,
        "cursor",
        vec![
            (
                None,
                fixture_json("getTweetApiConversation", "200-cursor-top-level.json"),
            ),
            (
                Some(CURSOR),
                json!({"data": [
                    {"id": "1", "senderId": "1000000000000000001", "recipientId": "1000000000000000002"}
                ]}),
            ),
        ],
    );

    let messages: Vec<_> = tweetapi_facade(&server)
        .conversation("1000000000000000001-1000000000000000002")
        .items()
        .try_collect()
        .await
        .unwrap();

    mock.assert_calls(2);
    assert_eq!(messages.len(), 2);
    let later = &messages[1];
    assert_eq!(
        later.sender().unwrap().username.as_deref(),
        Some("user_one")
    );
    assert!(later.recipient().is_none(), "user two was never included");
}

#[tokio::test]
async fn a_bad_included_object_is_left_out_of_the_joins_and_the_page_is_delivered() {
    let body = fixture(
        "getDirectMessagesEventsByConversationId",
        "invalid/200-includes-place-without-full-name.json",
    );
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path(dm_events_path());
        then.status(200)
            .header("content-type", "application/json")
            .body(&body);
    });
    let page = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .send()
        .await
        .unwrap();

    let warnings: Vec<String> = page.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["left out includes.places[0]: missing field `full_name`"]
    );
    assert!(page.includes().places.is_empty());
    assert_eq!(page.includes().tweets.len(), 1, "the rest is kept");
    let raw = String::from_utf8(page.raw_body().to_vec()).unwrap();
    assert!(
        raw.contains(r#""country": "United States""#),
        "the body keeps it"
    );
    let events = page.joined();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].sender().unwrap().username.as_deref(),
        Some("ada_dev")
    );
    assert_eq!(events[0].referenced_tweets().flatten().count(), 1);
}

#[tokio::test]
async fn an_included_user_without_an_id_joins_to_nothing_and_the_others_still_join() {
    let server = MockServer::start_async().await;
    let body = fixture_json(
        "getChatConversations",
        "invalid/200-includes-user-without-id.json",
    );
    server.mock(|when, then| {
        when.method(GET).path("/2/chat/conversations");
        json_response(then, 200, &body);
    });
    let conversations: Vec<_> = x_facade(&server)
        .conversations()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(usernames(conversations[0].members()), ["<none>", "brook"]);
}

#[tokio::test]
async fn a_walk_goes_on_past_a_page_with_a_bad_included_object() {
    let server = MockServer::start_async().await;
    let (_mock, seen) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (
                None,
                json!({
                    "data": [{"id": "20", "event_type": "MessageCreate", "sender_id": ADA}],
                    "includes": {
                        "users": [{"id": ADA, "username": "ada_dev"}],
                        "polls": [{"id": "p", "options": "none"}],
                    },
                    "meta": {"result_count": 1, "next_token": TOKEN_2},
                }),
            ),
            (
                Some(TOKEN_2),
                json!({"data": [{"id": "10", "event_type": "MessageCreate", "sender_id": ADA}]}),
            ),
        ],
    );
    let events: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(recorded(&seen), [None, Some(TOKEN_2.to_owned())]);
    let senders: Vec<_> = events
        .iter()
        .map(|event| event.sender().and_then(|user| user.username.as_deref()))
        .collect();
    assert_eq!(senders, [Some("ada_dev"), Some("ada_dev")]);
}

#[tokio::test]
async fn a_tweetapi_user_that_does_not_decode_is_left_out_and_the_others_join() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path(TWEETAPI_PATH);
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture(
                "getTweetApiConversation",
                "invalid/200-user-without-id.json",
            ));
    });
    let page = tweetapi_facade(&server)
        .conversation("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap();
    let warnings: Vec<String> = page.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings, ["left out data.users[0]: missing field `id`"]);
    let messages = page.joined();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].sender().is_none());
    assert_eq!(
        messages[0].recipient().unwrap().username.as_deref(),
        Some("second")
    );
}
