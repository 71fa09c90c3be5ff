//! TweetAPI's DM surface against the crate's fake, end to end: the inbox walk,
//! accepting a request, a send seen by `conversation` and by updates, and
//! XChat unlocked by the PIN in the environment.
//!
//! This binary sets `TWEETAPI_XCHAT_PIN` once, before any client is built and
//! in its only test, so that no other thread reads the environment meanwhile.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use x_dm::Error;
use x_dm::testing::{FakeX, TWEETAPI_XCHAT_PIN};
use x_dm::tweetapi::{Client, Timeline};

const ME: &str = "1234567890";
const REQUEST: &str = "1234567890-1613565123466371072";
const GROUP_REQUEST: &str = "1690000000000000002";
const DEMO: &str = x_dm::testing::DEMO_CONVERSATION;

fn client(fake: &FakeX) -> Client {
    Client::builder("fake-api-key", "fake-auth-token-6f1d")
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

async fn ids(
    stream: futures::stream::BoxStream<
        'static,
        Result<x_dm::tweetapi::types::ConversationInfo, Error>,
    >,
) -> Vec<String> {
    stream.map_ok(|c| c.id).try_collect().await.unwrap()
}

async fn inbox_accept_send_and_updates(fake: &FakeX) {
    let client = client(fake);
    let all = ids(client.inbox().conversations()).await;
    let trusted = ids(client.inbox().only(Timeline::Trusted).conversations()).await;
    let requests = ids(client.inbox().only(Timeline::Untrusted).conversations()).await;
    let dataset: Vec<String> = fake
        .dataset()
        .conversation_ids()
        .map(str::to_owned)
        .collect();
    let expected_trusted: Vec<String> = dataset
        .iter()
        .filter(|id| *id != REQUEST && *id != GROUP_REQUEST)
        .cloned()
        .collect();
    assert_eq!(trusted, expected_trusted);
    assert_eq!(requests, [REQUEST, GROUP_REQUEST]);
    // The first state holds two trusted and one request; the walk goes on
    // with the rest of the trusted timeline, then the requests.
    let mut expected = expected_trusted[..2].to_vec();
    expected.push(REQUEST.to_owned());
    expected.extend(expected_trusted[2..].iter().cloned());
    expected.push(GROUP_REQUEST.to_owned());
    assert_eq!(all, expected);

    // Accepting moves the request between the timelines, and again is the same.
    client.accept(REQUEST).send().await.unwrap();
    client.accept(REQUEST).send().await.unwrap();
    let requests = ids(client.inbox().only(Timeline::Untrusted).conversations()).await;
    assert_eq!(requests, [GROUP_REQUEST]);
    let trusted = ids(client.inbox().only(Timeline::Trusted).conversations()).await;
    assert!(trusted.contains(&REQUEST.to_owned()), "{trusted:?}");
    let error = client.accept("1-2").send().await.unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.status == 404),
        "{error:?}"
    );

    // A send shows in the conversation and in the next poll, once.
    let start = client.updates().poll().await.unwrap();
    assert!(start.messages.is_empty());
    let sent = client
        .send(DEMO, "sent through TweetAPI", None)
        .send()
        .await
        .unwrap();
    let sent_id = sent.message.id.clone();
    assert_eq!(sent.message.text.as_deref(), Some("sent through TweetAPI"));
    let newest = client.conversation(DEMO).send().await.unwrap();
    assert_eq!(newest.items()[0].id, sent_id);
    let second = client
        .send(REQUEST, "and another", None)
        .send()
        .await
        .unwrap();
    let polled = client
        .updates()
        .from_cursor(&start.cursor)
        .poll()
        .await
        .unwrap();
    let polled_ids: Vec<&str> = polled.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(polled_ids, [sent_id.as_str(), second.message.id.as_str()]);
    let again = client
        .updates()
        .from_cursor(&polled.cursor)
        .poll()
        .await
        .unwrap();
    assert!(again.messages.is_empty(), "nothing repeated");
    assert_eq!(again.cursor, polled.cursor);

    // Following: a message sent while polling arrives once.
    let mut follow = client
        .updates()
        .from_cursor(&polled.cursor)
        .interval(Duration::from_millis(20))
        .follow();
    let third = client
        .send(DEMO, "while following", None)
        .send()
        .await
        .unwrap();
    let batch = tokio::time::timeout(Duration::from_secs(5), follow.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let batch_ids: Vec<&str> = batch.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(batch_ids, [third.message.id.as_str()]);
    drop(follow);

    // Permissions of users it knows and one it does not.
    let permissions = client
        .dm_permissions(["9876543210", "1"])
        .send()
        .await
        .unwrap();
    let keys = &permissions.permissions.as_ref().unwrap().id_keys;
    assert_eq!(keys["9876543210"].can_dm, Some(true));
    assert_eq!(keys["1"].can_dm, Some(false));
}

async fn xchat(fake: &FakeX) {
    let client = client(fake);
    let conversation = DEMO.replace('-', ":");
    // Locked until set up.
    let error = client
        .xchat_history(&conversation, None)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.status == 403),
        "{error:?}"
    );

    // The fake never repeats a PIN either, even one of the wrong type.
    x_dm::connect::install_tls_provider();
    let raw = reqwest::Client::new()
        .post(format!("{}/tw-v2/xchat/setup", fake.base_url()))
        .header("x-api-key", "fake-api-key")
        .json(&serde_json::json!({"authToken": "t", "userId": ME, "pin": 864_213}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let answer = raw.text().await.unwrap();
    assert!(
        answer.contains("pin") && !answer.contains("864213"),
        "{answer}"
    );

    // A wrong PIN gets TweetAPI's error, which does not repeat it.
    // SAFETY: this is the binary's only test and no other thread runs yet
    // besides the fake's, which reads no environment.
    unsafe { std::env::set_var("TWEETAPI_XCHAT_PIN", "1357") };
    let wrong = self::client(fake);
    let error = wrong.xchat_setup(ME).send().await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 401);
    assert!(!format!("{error} {error:?}").contains("1357"));
    // A PIN that is no PIN is refused before sending, unseen.
    unsafe { std::env::set_var("TWEETAPI_XCHAT_PIN", "12ab") };
    let before = fake.requests();
    let error = self::client(fake).xchat_setup(ME).send().await.unwrap_err();
    let Error::InvalidInput(invalid) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (invalid.parameter.as_ref(), invalid.value.as_deref()),
        ("$.pin", None)
    );
    assert!(!format!("{error} {error:?}").contains("12ab"));
    assert_eq!(fake.requests(), before);

    unsafe { std::env::set_var("TWEETAPI_XCHAT_PIN", TWEETAPI_XCHAT_PIN) };
    // On the wire: the PIN in the JSON body beside the auth token, nowhere else.
    let server = httpmock::MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path("/tw-v2/xchat/setup")
            .query_param_count(".*", ".*", 0)
            .json_body(serde_json::json!({
                "authToken": "fake-auth-token-6f1d",
                "userId": ME,
                "pin": TWEETAPI_XCHAT_PIN,
            }));
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"success":true}"#);
    });
    let mocked = Client::builder("fake-api-key", "fake-auth-token-6f1d")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let setup = mocked.xchat_setup(ME);
    assert!(!format!("{setup:?} {mocked:?}").contains(TWEETAPI_XCHAT_PIN));
    setup.send().await.unwrap();
    mock.assert();
    let client = self::client(fake);
    client.xchat_setup(ME).send().await.unwrap();

    // Conversations, two a page, with the snapshot carried along.
    let pages: Vec<_> = client
        .xchat_conversations(Some(2))
        .pages()
        .try_collect()
        .await
        .unwrap();
    let listed: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.conversations.iter().map(|c| c.conversation_id.as_str()))
        .collect();
    assert_eq!(pages.len(), 2);
    assert_eq!(listed.len(), 4);
    assert!(listed.contains(&conversation.as_str()));

    // History in plaintext, and a sent message comes back first.
    client
        .xchat_send("9876543210", "hello in xchat")
        .send()
        .await
        .unwrap();
    let history = client
        .xchat_history(&conversation, Some(5))
        .send()
        .await
        .unwrap();
    assert_eq!(history.messages.len(), 5);
    assert_eq!(history.messages[0].text.as_deref(), Some("hello in xchat"));
    let all: Vec<_> = client
        .xchat_history(&conversation, Some(200))
        .pages()
        .try_collect()
        .await
        .unwrap();
    let count: usize = all.iter().map(|p| p.messages.len()).sum();
    let expected = fake
        .dataset()
        .events(DEMO)
        .unwrap()
        .iter()
        .filter(|e| e["event_type"] == "MessageCreate")
        .count();
    assert_eq!(count, expected);

    let can = client
        .xchat_can_dm(["9876543210", "1"])
        .send()
        .await
        .unwrap();
    let flags: Vec<(String, Option<bool>)> = can
        .results
        .iter()
        .map(|r| (r.user_id.clone().unwrap_or_default(), r.can_dm))
        .collect();
    assert_eq!(
        flags,
        [
            ("9876543210".to_owned(), Some(true)),
            ("1".to_owned(), Some(false))
        ]
    );
}

#[tokio::test]
async fn the_whole_surface_round_trips_through_the_fake() {
    assert!(std::env::var_os("TWEETAPI_XCHAT_PIN").is_none());
    let fake = FakeX::start().await.unwrap();
    inbox_accept_send_and_updates(&fake).await;
    let fake = FakeX::start().await.unwrap();
    xchat(&fake).await;
}
