//! TweetAPI's DM surface beyond `conversation`: what each endpoint puts on
//! the wire, what it refuses before sending, how its answers decode, and how
//! its pages lead on.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::fault_server::{FaultServer, Step};
use common::{API_KEY, AUTH_TOKEN, fixtures_of};
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};
use x_dm::tweetapi::types::{MediaData, MediaItem, MediaUrl, SendDmRequest};
use x_dm::tweetapi::{Client, Timeline};
use x_dm::{Error, RateLimitPolicy, RetryPolicy};

const PROXY: &str = "proxy.example:8080@proxyuser:proxy-secret-55";
const CONVERSATION: &str = "1000000000000000001-1000000000000000002";
const XCHAT: &str = "1000000000000000001:1000000000000000002";

/// A client that tries once and never waits: a refusal or an error status
/// shows at once.
fn client(base_url: &str) -> Client {
    Client::builder(API_KEY, AUTH_TOKEN)
        .base_url(base_url)
        .retry(RetryPolicy::attempts(1))
        .rate_limit_policy(RateLimitPolicy::Fail)
        .build()
        .unwrap()
}

fn with_proxy(base_url: &str) -> Client {
    Client::builder(API_KEY, AUTH_TOKEN)
        .base_url(base_url)
        .proxy(PROXY)
        .retry(RetryPolicy::attempts(1))
        .build()
        .unwrap()
}

/// What one request looked like on the wire.
#[derive(Clone, Debug, Default)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    body: Option<Value>,
}

/// A server answering every request with `body`, recording each one.
fn capture(server: &MockServer, body: &str) -> Arc<Mutex<Vec<Seen>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let body = body.to_owned();
    server.mock(|when, then| {
        when.header("x-api-key", API_KEY).is_true(move |req| {
            sink.lock().unwrap().push(Seen {
                method: req.method().to_string(),
                path: req.uri().path().to_owned(),
                query: req.uri().query().map(str::to_owned),
                body: serde_json::from_slice(req.body_ref()).ok(),
            });
            true
        });
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    });
    seen
}

fn first_fixture(operation_id: &str) -> String {
    fixtures_of(operation_id)
        .into_iter()
        .find(|(_, status, _)| *status == 200)
        .map(|(_, _, body)| body)
        .unwrap()
}

fn only(seen: &Arc<Mutex<Vec<Seen>>>) -> Seen {
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    seen[0].clone()
}

#[tokio::test]
async fn every_read_sends_its_literal_path_and_query() {
    let token = "authToken=test-auth-token-cookie-b20e";
    let cases: Vec<(&str, &str, String)> = vec![
        (
            "getTweetApiInboxInitialState",
            "/tw-v2/interaction/inbox-initial-state",
            token.to_owned(),
        ),
        (
            "getTweetApiInboxTimelineTrusted",
            "/tw-v2/interaction/inbox-timeline-trusted",
            format!("{token}&cursor=GRwm%2Ba%3D%3D&filterLowQuality=true"),
        ),
        (
            "getTweetApiInboxTimelineUntrusted",
            "/tw-v2/interaction/inbox-timeline-untrusted",
            format!("{token}&cursor=GRwm%2Ba%3D%3D"),
        ),
        (
            "getTweetApiDmUserUpdates",
            "/tw-v2/interaction/dm-user-updates",
            format!("{token}&cursor=GRwm%2Ba%3D%3D"),
        ),
        (
            "getTweetApiDmPermissions",
            "/tw-v2/interaction/dm-permissions",
            format!("{token}&recipientIds=1000000000000000002,44196397"),
        ),
    ];
    for (operation, path, query) in cases {
        let server = MockServer::start_async().await;
        let seen = capture(&server, &first_fixture(operation));
        let client = client(&server.base_url());
        let sent = match operation {
            "getTweetApiInboxInitialState" => client.inbox_initial_state().send().await.map(drop),
            "getTweetApiInboxTimelineTrusted" => client
                .trusted_timeline("GRwm+a==")
                .filter_low_quality(true)
                .send()
                .await
                .map(drop),
            "getTweetApiInboxTimelineUntrusted" => {
                client.untrusted_timeline("GRwm+a==").send().await.map(drop)
            }
            "getTweetApiDmUserUpdates" => client.user_updates("GRwm+a==").send().await.map(drop),
            _ => client
                .dm_permissions(["1000000000000000002", "44196397"])
                .send()
                .await
                .map(drop),
        };
        sent.unwrap_or_else(|e| panic!("{operation}: {e}"));
        let seen = only(&seen);
        assert_eq!(
            (seen.method.as_str(), seen.path.as_str()),
            ("GET", path),
            "{operation}"
        );
        assert_eq!(seen.query.as_deref(), Some(query.as_str()), "{operation}");
        assert_eq!(seen.body, None, "{operation}");
    }
}

#[tokio::test]
async fn a_proxy_travels_as_a_query_parameter_of_reads_and_a_body_field_of_writes() {
    let server = MockServer::start_async().await;
    let seen = capture(&server, &first_fixture("getTweetApiInboxInitialState"));
    with_proxy(&server.base_url())
        .inbox_initial_state()
        .send()
        .await
        .unwrap();
    let query = only(&seen).query.unwrap();
    assert_eq!(
        query,
        "authToken=test-auth-token-cookie-b20e&proxy=proxy.example%3A8080%40proxyuser%3Aproxy-secret-55"
    );

    let server = MockServer::start_async().await;
    let seen = capture(&server, &first_fixture("postTweetApiAcceptConversation"));
    with_proxy(&server.base_url())
        .accept(CONVERSATION)
        .send()
        .await
        .unwrap();
    assert_eq!(
        only(&seen).body.unwrap(),
        json!({"authToken": AUTH_TOKEN, "conversationId": CONVERSATION, "proxy": PROXY})
    );
}

#[tokio::test]
async fn every_write_sends_its_literal_path_and_json_body() {
    let media = MediaItem::Url(MediaUrl {
        url: "https://example.com/cat.png".into(),
    });
    let cases: Vec<(&str, &str, Value)> = vec![
        (
            "postTweetApiSendDm",
            "/tw-v2/interaction/send-dm",
            json!({"authToken": AUTH_TOKEN, "conversationId": CONVERSATION, "text": "hello", "media": [{"url": "https://example.com/cat.png"}]}),
        ),
        (
            "postTweetApiAcceptConversation",
            "/tw-v2/interaction/accept-conversation",
            json!({"authToken": AUTH_TOKEN, "conversationId": CONVERSATION}),
        ),
        (
            "postTweetApiXchatConversations",
            "/tw-v2/xchat/conversations",
            json!({"authToken": AUTH_TOKEN, "limit": 25}),
        ),
        (
            "postTweetApiXchatSend",
            "/tw-v2/xchat/send",
            json!({"authToken": AUTH_TOKEN, "recipientId": "1000000000000000002", "message": "hi there"}),
        ),
        (
            "postTweetApiXchatHistory",
            "/tw-v2/xchat/history",
            json!({"authToken": AUTH_TOKEN, "conversationId": XCHAT, "limit": 200}),
        ),
        (
            "postTweetApiXchatCanDm",
            "/tw-v2/xchat/can-dm",
            json!({"authToken": AUTH_TOKEN, "userIds": ["1000000000000000002", "44196397"]}),
        ),
    ];
    for (operation, path, body) in cases {
        let server = MockServer::start_async().await;
        let seen = capture(&server, &first_fixture(operation));
        let client = client(&server.base_url());
        let sent = match operation {
            "postTweetApiSendDm" => client
                .send(CONVERSATION, "hello", Some(media.clone()))
                .send()
                .await
                .map(drop),
            "postTweetApiAcceptConversation" => client.accept(CONVERSATION).send().await.map(drop),
            "postTweetApiXchatConversations" => {
                client.xchat_conversations(Some(25)).send().await.map(drop)
            }
            "postTweetApiXchatSend" => client
                .xchat_send("1000000000000000002", "hi there")
                .send()
                .await
                .map(drop),
            "postTweetApiXchatHistory" => client
                .xchat_history(XCHAT, Some(200))
                .send()
                .await
                .map(drop),
            _ => client
                .xchat_can_dm(["1000000000000000002", "44196397"])
                .send()
                .await
                .map(drop),
        };
        sent.unwrap_or_else(|e| panic!("{operation}: {e}"));
        let seen = only(&seen);
        assert_eq!(
            (
                seen.method.as_str(),
                seen.path.as_str(),
                seen.query.as_deref()
            ),
            ("POST", path, None),
            "{operation}: nothing travels in the query, not even the auth token"
        );
        assert_eq!(seen.body.as_ref(), Some(&body), "{operation}");
    }
}

#[tokio::test]
async fn the_client_s_own_credentials_replace_whatever_a_body_says() {
    let server = MockServer::start_async().await;
    let seen = capture(&server, &first_fixture("postTweetApiSendDm"));
    let message = SendDmRequest {
        auth_token: "someone-else's-token".into(),
        conversation_id: CONVERSATION.into(),
        text: "tracked".into(),
        request_id: Some("a1b2c3d4-e5f6-7890-abcd-ef1234567890".into()),
        media: vec![MediaItem::Data(MediaData {
            data: "iVBORw0KGgo=".into(),
            type_: "image/png".into(),
        })],
        proxy: Some("stray.example:1".into()),
    };
    client(&server.base_url())
        .send_message(message)
        .send()
        .await
        .unwrap();
    assert_eq!(
        only(&seen).body.unwrap(),
        json!({
            "authToken": AUTH_TOKEN,
            "conversationId": CONVERSATION,
            "text": "tracked",
            "requestId": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            "media": [{"data": "iVBORw0KGgo=", "type": "image/png"}],
        }),
        "the client has no proxy, so none is sent"
    );
}

/// Runs `refused`, expecting a refusal of `parameter` for a rule containing
/// `rule`, with nothing sent.
async fn refused<F, Fut>(name: &str, parameter: &str, rule: &str, refused: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200).body("{}");
    });
    let error = refused(with_proxy(&server.base_url()))
        .await
        .expect_err(name);
    let Error::InvalidInput(invalid) = &error else {
        panic!("{name}: {error:?}")
    };
    assert_eq!(invalid.parameter, parameter, "{name}");
    assert!(invalid.rule.contains(rule), "{name}: {}", invalid.rule);
    let shown = format!("{error} {error:?}");
    for secret in [AUTH_TOKEN, "proxy-secret-55", API_KEY] {
        assert!(!shown.contains(secret), "{name}: {shown}");
    }
    mock.assert_calls(0);
}

#[tokio::test]
async fn bad_input_is_refused_before_sending_naming_the_json_path_or_parameter() {
    let long = "x".repeat(10_001);
    refused(
        "text too long",
        "$.text",
        "at most 10000 characters",
        |c| async move { c.send(CONVERSATION, long, None).send().await.map(drop) },
    )
    .await;
    refused(
        "empty text",
        "$.text",
        "at least 1 characters",
        |c| async move { c.send(CONVERSATION, "", None).send().await.map(drop) },
    )
    .await;
    refused(
        "two media items",
        "$.media",
        "at most 1 value",
        |c| async move {
            let url = |u: &str| MediaItem::Url(MediaUrl { url: u.into() });
            let message = SendDmRequest {
                auth_token: Default::default(),
                conversation_id: CONVERSATION.into(),
                text: "two".into(),
                request_id: None,
                media: vec![
                    url("https://a.example/1.png"),
                    url("https://a.example/2.png"),
                ],
                proxy: None,
            };
            c.send_message(message).send().await.map(drop)
        },
    )
    .await;
    refused(
        "media data without a type",
        "$.media[0].type",
        "at least 1",
        |c| async move {
            let media = MediaItem::Data(MediaData {
                data: "iVBORw0KGgo=".into(),
                type_: String::new(),
            });
            c.send(CONVERSATION, "pic", Some(media))
                .send()
                .await
                .map(drop)
        },
    )
    .await;
    refused(
        "conversation id shape",
        "$.conversationId",
        "pattern",
        |c| async move { c.send("not-an-id", "hi", None).send().await.map(drop) },
    )
    .await;
    refused(
        "accept conversation id",
        "$.conversationId",
        "pattern",
        |c| async move { c.accept("a-b").send().await.map(drop) },
    )
    .await;
    refused(
        "51 recipients",
        "recipientIds",
        "at most 50",
        |c| async move {
            let ids: Vec<String> = (0..51).map(|i| format!("{}", 1000 + i)).collect();
            c.dm_permissions(ids).send().await.map(drop)
        },
    )
    .await;
    refused(
        "no recipients",
        "recipientIds",
        "at least 1",
        |c| async move {
            c.dm_permissions(Vec::<String>::new())
                .send()
                .await
                .map(drop)
        },
    )
    .await;
    refused(
        "empty timeline cursor",
        "cursor",
        "at least 1",
        |c| async move { c.trusted_timeline("").send().await.map(drop) },
    )
    .await;
    refused(
        "empty updates cursor",
        "cursor",
        "at least 1",
        |c| async move { c.user_updates("").send().await.map(drop) },
    )
    .await;
    refused(
        "xchat conversations limit",
        "$.limit",
        "from 1 to 100",
        |c| async move { c.xchat_conversations(Some(101)).send().await.map(drop) },
    )
    .await;
    refused(
        "xchat history limit",
        "$.limit",
        "from 1 to 200",
        |c| async move { c.xchat_history(XCHAT, Some(0)).send().await.map(drop) },
    )
    .await;
    refused(
        "xchat history id",
        "$.conversationId",
        "pattern",
        |c| async move { c.xchat_history(CONVERSATION, None).send().await.map(drop) },
    )
    .await;
    refused(
        "xchat send length",
        "$.message",
        "at most 10000",
        |c| async move {
            c.xchat_send("1000000000000000002", "y".repeat(10_001))
                .send()
                .await
                .map(drop)
        },
    )
    .await;
    refused(
        "xchat send recipient",
        "$.recipientId",
        "pattern",
        |c| async move { c.xchat_send("@someone", "hi").send().await.map(drop) },
    )
    .await;
    refused(
        "no xchat users",
        "$.userIds",
        "at least 1",
        |c| async move { c.xchat_can_dm(Vec::<String>::new()).send().await.map(drop) },
    )
    .await;
    refused(
        "101 xchat users",
        "$.userIds",
        "at most 100",
        |c| async move {
            let ids: Vec<String> = (0..101).map(|i| format!("{}", 1000 + i)).collect();
            c.xchat_can_dm(ids).send().await.map(drop)
        },
    )
    .await;
}

#[tokio::test]
async fn a_refused_proxy_is_named_but_never_shown() {
    for (name, send) in [("read", true), ("write", false)] {
        let server = MockServer::start_async().await;
        let mock = server.mock(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        });
        let client = Client::builder(API_KEY, AUTH_TOKEN)
            .base_url(server.base_url())
            .proxy("no port@user:hunter2-proxy")
            .build()
            .unwrap();
        let error = if send {
            client.inbox_initial_state().send().await.map(drop)
        } else {
            client.accept(CONVERSATION).send().await.map(drop)
        }
        .unwrap_err();
        let Error::InvalidInput(invalid) = &error else {
            panic!("{error:?}")
        };
        let expected = if send { "proxy" } else { "$.proxy" };
        assert_eq!(invalid.parameter, expected, "{name}");
        assert_eq!(invalid.value, None, "{name}");
        let shown = format!("{error} {error:?} {client:?}");
        assert!(!shown.contains("hunter2"), "{name}: {shown}");
        mock.assert_calls(0);
    }
}

#[tokio::test]
async fn xchat_setup_without_the_pin_in_the_environment_is_refused_unsent() {
    // This binary never sets `TWEETAPI_XCHAT_PIN`; tests/tweetapi_fake.rs does.
    assert!(std::env::var_os("TWEETAPI_XCHAT_PIN").is_none());
    refused("no pin", "$.pin", "is required", |c| async move {
        c.xchat_setup("1000000000000000001").send().await.map(drop)
    })
    .await;
}

#[tokio::test]
async fn a_request_s_debug_shows_no_credential() {
    let client = with_proxy("http://127.0.0.1:9");
    let shown = format!(
        "{:?} {:?} {:?} {client:?}",
        client.send(CONVERSATION, "hi", None),
        client.xchat_history(XCHAT, None),
        client.inbox_initial_state(),
    );
    // A body built by hand for the generated client, secrets in it.
    let body = SendDmRequest {
        auth_token: AUTH_TOKEN.into(),
        conversation_id: CONVERSATION.into(),
        text: "hi".into(),
        request_id: None,
        media: Vec::new(),
        proxy: Some("http://user:proxy-secret-55@proxy.example".into()),
    };
    let shown = format!("{shown} {body:?}");
    assert!(shown.contains(CONVERSATION), "the body shows: {shown}");
    for secret in [AUTH_TOKEN, "proxy-secret-55", API_KEY] {
        assert!(!shown.contains(secret), "{shown}");
    }
    // Redacted, not blank: what is not secret still shows.
    for shown_part in [
        "postTweetApiSendDm",
        "x-api-key",
        "<redacted>",
        "127.0.0.1:9",
    ] {
        assert!(shown.contains(shown_part), "{shown}");
    }
}

/// Every fixture of `operation_id`, answered to `send`: a 2xx decodes, any
/// other status is the API's error of that status.
async fn decode_all<F, Fut>(operation_id: &str, send: F)
where
    F: Fn(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    for (name, status, body) in fixtures_of(operation_id) {
        let server = MockServer::start_async().await;
        server.mock(|when, then| {
            when.any_request();
            then.status(status)
                .header("content-type", "application/json")
                .body(body.clone());
        });
        let result = send(client(&server.base_url())).await;
        match (status, result) {
            (200..=299, Ok(())) => {}
            (200..=299, Err(error)) => panic!("{operation_id}/{name}: {error}"),
            (_, Ok(())) => panic!("{operation_id}/{name}: decoded an error status"),
            (429, Err(Error::RateLimited { .. })) => {}
            (_, Err(Error::Api(api))) => assert_eq!(api.status, status, "{operation_id}/{name}"),
            (_, Err(other)) => panic!("{operation_id}/{name}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn every_fixture_decodes_through_the_facade() {
    decode_all("getTweetApiInboxInitialState", |c| async move {
        c.inbox_initial_state().send().await.map(drop)
    })
    .await;
    decode_all("getTweetApiInboxTimelineTrusted", |c| async move {
        c.trusted_timeline("c").send().await.map(drop)
    })
    .await;
    decode_all("getTweetApiInboxTimelineUntrusted", |c| async move {
        c.untrusted_timeline("c").send().await.map(drop)
    })
    .await;
    decode_all("getTweetApiDmUserUpdates", |c| async move {
        c.user_updates("c").send().await.map(drop)
    })
    .await;
    decode_all("postTweetApiSendDm", |c| async move {
        c.send(CONVERSATION, "hi", None).send().await.map(drop)
    })
    .await;
    decode_all("getTweetApiDmPermissions", |c| async move {
        c.dm_permissions(["1"]).send().await.map(drop)
    })
    .await;
    decode_all("postTweetApiAcceptConversation", |c| async move {
        c.accept(CONVERSATION).send().await.map(drop)
    })
    .await;
    decode_all("postTweetApiXchatConversations", |c| async move {
        c.xchat_conversations(None).send().await.map(drop)
    })
    .await;
    decode_all("postTweetApiXchatSend", |c| async move {
        c.xchat_send("1", "hi").send().await.map(drop)
    })
    .await;
    decode_all("postTweetApiXchatHistory", |c| async move {
        c.xchat_history(XCHAT, None).send().await.map(drop)
    })
    .await;
    decode_all("postTweetApiXchatCanDm", |c| async move {
        c.xchat_can_dm(["1"]).send().await.map(drop)
    })
    .await;
}

#[tokio::test]
async fn the_first_state_s_cursors_are_read_in_either_spelling() {
    let fixture = |name| common::fixture("getTweetApiInboxInitialState", name);
    let camel = x_dm::tweetapi::Reply::<x_dm::tweetapi::types::InboxInitialState>::parse(fixture(
        "200-docs-camel-timelines.json",
    ))
    .unwrap();
    assert_eq!(
        camel.timeline_cursor(Timeline::Trusted),
        Some("1111111111111111110")
    );
    assert_eq!(camel.timeline_cursor(Timeline::Untrusted), None, "AT_END");
    assert_eq!(
        camel.updates_cursor(),
        Some("GRwmiICwidfJnf8qFozAuPGoksj_8yUcFQ")
    );
    assert_eq!(camel.conversations.len(), 2);
    let snake = x_dm::tweetapi::Reply::<x_dm::tweetapi::types::InboxInitialState>::parse(fixture(
        "200-x-snake-timelines.json",
    ))
    .unwrap();
    assert_eq!(
        snake.timeline_cursor(Timeline::Trusted),
        Some("1111111111111111110")
    );
    assert_eq!(
        snake.timeline_cursor(Timeline::Untrusted),
        Some("2222222222222222221")
    );
    let wrapped = x_dm::tweetapi::Reply::<x_dm::tweetapi::types::InboxInitialState>::parse(
        fixture("200-data-wrapped-cursors.json"),
    )
    .unwrap();
    assert_eq!(wrapped.conversations.len(), 2, "read inside `data`");
    assert_eq!(
        wrapped.timeline_cursor(Timeline::Trusted),
        Some("trusted-cursor-1")
    );
    assert_eq!(
        wrapped.timeline_cursor(Timeline::Untrusted),
        Some("untrusted-cursor-1")
    );
    assert_eq!(
        wrapped.updates_cursor(),
        Some("GRwmiICwidfJnf8qFozAuPGoksj_8yUcFQ")
    );
}

fn timeline_page(id: &str, extra: Value) -> Value {
    let mut page = json!({"conversations": [{"id": id, "participants": [], "trusted": true}]});
    if let (Some(page), Some(extra)) = (page.as_object_mut(), extra.as_object()) {
        page.extend(extra.clone());
    }
    page
}

#[tokio::test]
async fn the_inbox_walk_starts_with_the_first_state_then_follows_both_timelines_to_their_ends() {
    let server = MockServer::start_async().await;
    let state = json!({
        "conversations": [
            {"id": "1-2", "participants": [], "trusted": true},
            {"id": "1-3", "participants": [], "trusted": false},
        ],
        "cursor": "updates-0",
        "inboxTimelines": {"trusted": {"minEntryId": "T1"}},
        "inbox_timelines": {"untrusted": {"min_entry_id": "U1"}},
    });
    let initial = server.mock(|when, then| {
        when.path("/tw-v2/interaction/inbox-initial-state");
        common::json_response(then, 200, &state);
    });
    let (trusted, trusted_seen) = common::serve_by_param(
        &server,
        "/tw-v2/interaction/inbox-timeline-trusted",
        "cursor",
        vec![
            // Each of TweetAPI's cursor fields, in turn, and the first
            // state's conversation again, given once.
            (Some("T1"), timeline_page("1-2", json!({"cursor": "T2"}))),
            (
                Some("T2"),
                timeline_page("1-4", json!({"nextCursor": "T3"})),
            ),
            (
                Some("T3"),
                json!({"data": timeline_page("1-5", json!({"pagination": {"nextCursor": "T4"}}))}),
            ),
            (
                Some("T4"),
                timeline_page("1-6", json!({"minEntryId": "T5"})),
            ),
            (
                Some("T5"),
                timeline_page("1-7", json!({"hasMore": false, "cursor": "T6"})),
            ),
        ],
    );
    let (untrusted, untrusted_seen) = common::serve_by_param(
        &server,
        "/tw-v2/interaction/inbox-timeline-untrusted",
        "cursor",
        vec![
            (
                Some("U1"),
                timeline_page("1-8", json!({"minEntryId": "U2"})),
            ),
            // X's last page still names a `min_entry_id`: `AT_END` wins.
            (
                Some("U2"),
                timeline_page("1-9", json!({"status": "AT_END", "minEntryId": "U3"})),
            ),
        ],
    );
    let ids: Vec<String> = client(&server.base_url())
        .inbox()
        .conversations()
        .map_ok(|conversation| conversation.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ids,
        ["1-2", "1-3", "1-4", "1-5", "1-6", "1-7", "1-8", "1-9"]
    );
    initial.assert_calls(1);
    let some = |tokens: &[&str]| {
        tokens
            .iter()
            .map(|t| Some((*t).to_owned()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        common::recorded(&trusted_seen),
        some(&["T1", "T2", "T3", "T4", "T5"])
    );
    assert_eq!(common::recorded(&untrusted_seen), some(&["U1", "U2"]));
    trusted.assert_calls(5);
    untrusted.assert_calls(2);

    let requests: Vec<String> = client(&server.base_url())
        .inbox()
        .only(Timeline::Untrusted)
        .conversations()
        .map_ok(|conversation| conversation.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(requests, ["1-3", "1-8", "1-9"]);
    trusted.assert_calls(5);
}

/// A server answering POSTs to `path` by the `cursor` of their body, and
/// recording each body.
fn serve_by_body_cursor(
    server: &MockServer,
    path: &str,
    pages: Vec<(Option<&str>, Value)>,
) -> Arc<Mutex<Vec<Value>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let pages: Vec<(Option<String>, String)> = pages
        .into_iter()
        .map(|(cursor, body)| (cursor.map(str::to_owned), body.to_string()))
        .collect();
    server.mock(|when, then| {
        when.method(POST).path(path);
        then.respond_with(move |req: &HttpMockRequest| {
            let body: Value = serde_json::from_slice(req.body_ref()).unwrap_or_default();
            let cursor = body
                .get("cursor")
                .and_then(Value::as_str)
                .map(str::to_owned);
            sink.lock().unwrap().push(body);
            let page = pages.iter().find(|(c, _)| *c == cursor);
            match page {
                Some((_, page)) => HttpMockResponse::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(page.clone())
                    .build(),
                None => HttpMockResponse::builder().status(400).body("{}").build(),
            }
        });
    });
    seen
}

#[tokio::test]
async fn xchat_history_follows_next_cursor_in_the_body_to_the_end() {
    let server = MockServer::start_async().await;
    let message = |id: &str| json!({"id": id, "text": "plain"});
    let seen = serve_by_body_cursor(
        &server,
        "/tw-v2/xchat/history",
        vec![
            (
                None,
                json!({"messages": [message("3")], "nextCursor": "h2"}),
            ),
            (
                Some("h2"),
                json!({"data": {"messages": [message("2")]}, "pagination": {"nextCursor": "h3"}}),
            ),
            (
                Some("h3"),
                json!({"messages": [message("1")], "hasMore": false, "nextCursor": "h4"}),
            ),
        ],
    );
    let pages: Vec<_> = client(&server.base_url())
        .xchat_history(XCHAT, Some(1))
        .pages()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = pages
        .iter()
        .flat_map(|page| page.messages.iter().map(|m| m.id.as_str()))
        .collect();
    assert_eq!(ids, ["3", "2", "1"]);
    let bodies = seen.lock().unwrap().clone();
    let with = |cursor: Option<&str>| {
        let mut body = json!({"authToken": AUTH_TOKEN, "conversationId": XCHAT, "limit": 1});
        if let Some(cursor) = cursor {
            body["cursor"] = json!(cursor);
        }
        body
    };
    assert_eq!(bodies, [with(None), with(Some("h2")), with(Some("h3"))]);
}

#[tokio::test]
async fn xchat_conversations_carry_the_graph_snapshot_along_with_the_cursor() {
    let server = MockServer::start_async().await;
    let conversation = |id: &str| json!({"conversationId": id});
    let seen = serve_by_body_cursor(
        &server,
        "/tw-v2/xchat/conversations",
        vec![
            (
                None,
                json!({"conversations": [conversation("1:2")], "cursor": "c2", "graphSnapshotId": "g1"}),
            ),
            (
                Some("c2"),
                json!({"data": {"conversations": [conversation("1:3")], "nextCursor": "c3", "graphSnapshotId": "g2"}}),
            ),
            (Some("c3"), json!({"conversations": [conversation("1:4")]})),
        ],
    );
    let request = client(&server.base_url()).xchat_conversations(None);
    let continuation = request.continuation();
    let pages: Vec<_> = request.pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 3);
    let bodies = seen.lock().unwrap().clone();
    assert_eq!(
        bodies,
        [
            json!({"authToken": AUTH_TOKEN}),
            json!({"authToken": AUTH_TOKEN, "cursor": "c2", "graphSnapshotId": "g1"}),
            json!({"authToken": AUTH_TOKEN, "cursor": "c3", "graphSnapshotId": "g2"}),
        ]
    );
    // A saved place holds both, so that a walk resumes with all of it.
    let saved: Value = serde_json::from_str(&continuation(&pages[0]).unwrap()).unwrap();
    assert_eq!(saved, json!({"cursor": "c2", "graphSnapshotId": "g1"}));
    assert_eq!(continuation(&pages[2]), None);
}

#[tokio::test]
async fn a_send_is_never_repeated_and_an_ambiguous_failure_says_it_may_have_been_sent() {
    // The connection drops after the request was written.
    let server = FaultServer::start(vec![Step::Drop]).await;
    let client = Client::builder(API_KEY, AUTH_TOKEN)
        .base_url(&server.base_url)
        .retry(
            RetryPolicy::attempts(3)
                .with_delays(Duration::from_millis(5), Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let error = client
        .send(CONVERSATION, "once", None)
        .send()
        .await
        .unwrap_err();
    assert!(error.may_have_taken_effect(), "{error:?}");
    assert_eq!(server.seen().len(), 1, "never sent twice");
    let error = client
        .xchat_send("1000000000000000002", "once")
        .send()
        .await
        .unwrap_err();
    assert!(error.may_have_taken_effect(), "{error:?}");
    assert_eq!(server.seen().len(), 2, "never sent twice");

    // A read on the same server is retried.
    let before = server.seen().len();
    client.inbox_initial_state().send().await.unwrap_err();
    assert_eq!(server.seen().len() - before, 3);
}

#[tokio::test]
async fn a_send_answered_with_a_5xx_is_not_repeated() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(POST).path("/tw-v2/interaction/send-dm");
        common::json_response(
            then,
            503,
            &json!({"error": {"code": "SERVICE_UNAVAILABLE", "message": "busy"}}),
        );
    });
    let client = Client::builder(API_KEY, AUTH_TOKEN)
        .base_url(server.base_url())
        .retry(
            RetryPolicy::attempts(3)
                .with_delays(Duration::from_millis(5), Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    let error = client
        .send(CONVERSATION, "once", None)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.status == 503),
        "{error:?}"
    );
    mock.assert_calls(1);
}

#[tokio::test]
async fn following_updates_waits_out_a_429_and_a_5xx_then_yields_the_batch_once() {
    let batch = json!({
        "messages": [
            {"id": "6000000000000000002", "createdAt": "2024-01-30T11:31:00.000Z", "text": "second"},
            {"id": "6000000000000000001", "createdAt": "2024-01-30T11:30:00.000Z", "text": "first"},
            {"id": "6000000000000000001", "createdAt": "2024-01-30T11:30:00.000Z", "text": "first"},
        ],
        "cursor": "c1",
    });
    let server = FaultServer::start(vec![
        Step::status(
            429,
            json!({"error": {"code": "RATE_LIMIT", "message": "slow down", "details": {"retryAfter": 1}}})
                .to_string(),
        ),
        Step::status(503, json!({"error": {"code": "UNAVAILABLE", "message": "busy"}}).to_string()),
        Step::ok(batch.to_string()),
        Step::ok(json!({"messages": [], "cursor": "c1"}).to_string()),
    ])
    .await;
    let mut updates = client(&server.base_url)
        .updates()
        .from_cursor("c0")
        .interval(Duration::from_millis(10))
        .follow();
    let first = tokio::time::timeout(Duration::from_secs(10), updates.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let texts: Vec<_> = first
        .messages
        .iter()
        .map(|m| m.text.as_deref().unwrap())
        .collect();
    assert_eq!(texts, ["first", "second"], "oldest first, each once");
    assert_eq!(first.cursor, "c1");
    let paths: Vec<String> = server.seen().iter().map(|s| s.target.clone()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with("/tw-v2/interaction/dm-user-updates?")
                && p.ends_with("&cursor=c0")),
        "{paths:?}"
    );
}
