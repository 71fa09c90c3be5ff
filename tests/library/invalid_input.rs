//! Bad input is refused before anything is sent, naming the parameter and the
//! rule. Every case keeps a catch-all mock and asserts it was never hit.

use crate::common;

use common::{AUTH_TOKEN, tweetapi_client, x_client};
use httpmock::prelude::*;
use progenitor_client::Error;
use x_dm::x::types::{ChatConversationField, DmEventField};

/// A mock that answers anything, so that a request that should not have been
/// sent is counted rather than refused by a missing route.
fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|_, then| {
        then.status(200)
            .header("content-type", "application/json")
            .body("{}");
    })
}

/// The message of an `InvalidRequest`, or a panic naming what came instead.
fn refused<T: std::fmt::Debug, E: std::fmt::Debug>(result: Result<T, Error<E>>) -> String {
    match result {
        Err(Error::InvalidRequest(message)) => message,
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn dm_conversation_ids_outside_the_pattern_are_refused() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = x_client(&server);
    for bad in [
        "abc",
        "12345",
        "1-2-3",
        "123-",
        "",
        "12345678901234567890-1",
        "123 456",
    ] {
        let message = refused(
            client
                .get_direct_messages_events_by_conversation_id()
                .id(bad)
                .send()
                .await,
        );
        assert!(message.contains("`id`"), "{bad:?}: {message}");
        assert!(
            message.contains("^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$"),
            "{bad:?}: {message}"
        );
    }
    mock.assert_calls(0);
}

#[tokio::test]
async fn chat_conversation_ids_outside_the_pattern_are_refused() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = x_client(&server);
    for bad in ["g", "gabc", "1:2", "x123", "1-2-3"] {
        let message = refused(client.get_chat_conversation().id(bad).send().await);
        assert!(
            message.contains("invalid parameter `id`: must match the pattern `^([0-9]{1,19}|[0-9]{1,19}-[0-9]{1,19}|g[0-9]{1,19})$`"),
            "{bad:?}: {message}"
        );
    }
    mock.assert_calls(0);
}

#[tokio::test]
async fn valid_ids_of_every_documented_form_are_sent() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = x_client(&server);
    for good in ["1582103724607971328", "1-2", "g1690000000000000001"] {
        client
            .get_chat_conversation()
            .id(good)
            .send()
            .await
            .unwrap();
    }
    for good in ["123123123-456456456", "158210372460797"] {
        client
            .get_direct_messages_events_by_conversation_id()
            .id(good)
            .send()
            .await
            .unwrap();
    }
    mock.assert_calls(5);
}

#[tokio::test]
async fn max_results_outside_the_documented_bounds_is_refused() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = x_client(&server);
    for bad in [0, 101, -1] {
        let message = refused(
            client
                .get_direct_messages_events_by_conversation_id()
                .id("1-2")
                .max_results(bad)
                .send()
                .await,
        );
        assert_eq!(
            message,
            format!(
                "invalid parameter `max_results`: must be an integer from 1 to 100 (got \"{bad}\")"
            )
        );
    }
    // 2.173 lets the Chat inbox page by up to 1000.
    for bad in [0, 1001, -1] {
        let message = refused(
            client
                .get_chat_conversations()
                .max_results(bad)
                .send()
                .await,
        );
        assert!(
            message
                .starts_with("invalid parameter `max_results`: must be an integer from 1 to 1000"),
            "{message}"
        );
    }
    mock.assert_calls(0);
}

#[tokio::test]
async fn the_bounds_of_max_results_are_sent() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = x_client(&server);
    for good in [1, 100] {
        client
            .get_chat_conversations()
            .max_results(good)
            .send()
            .await
            .unwrap();
    }
    mock.assert_calls(2);
}

#[tokio::test]
async fn a_pagination_token_shorter_than_16_is_refused() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = x_client(&server);
    let message = refused(
        client
            .get_direct_messages_events_by_conversation_id()
            .id("1-2")
            .pagination_token("7140w9gefhslx3")
            .send()
            .await,
    );
    assert_eq!(
        message,
        "invalid parameter `pagination_token`: must be at least 16 characters long (got \"7140w9gefhslx3\")"
    );
    mock.assert_calls(0);
}

#[tokio::test]
async fn a_chat_pagination_token_of_any_length_is_sent() {
    // The Chat docs state no length, unlike the DM events docs.
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    x_client(&server)
        .get_chat_conversations()
        .pagination_token("short")
        .send()
        .await
        .unwrap();
    mock.assert_calls(1);
}

#[tokio::test]
async fn an_empty_fields_list_is_refused() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = x_client(&server);
    let message = refused(
        client
            .get_direct_messages_events_by_conversation_id()
            .id("1-2")
            .dm_event_fields(Vec::<DmEventField>::new())
            .send()
            .await,
    );
    assert_eq!(
        message,
        "invalid parameter `dm_event.fields`: must list at least 1 value(s) (got \"\")"
    );
    let message = refused(
        client
            .get_chat_conversation()
            .id("g1")
            .chat_conversation_fields(Vec::<ChatConversationField>::new())
            .send()
            .await,
    );
    assert!(
        message.starts_with("invalid parameter `chat_conversation.fields`: must list at least 1")
    );
    mock.assert_calls(0);
}

#[tokio::test]
async fn tweetapi_refuses_bad_ids_and_never_echoes_secrets() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = tweetapi_client(&server);

    let message = refused(
        client
            .get_tweet_api_conversation()
            .auth_token(AUTH_TOKEN)
            .conversation_id("g123")
            .send()
            .await,
    );
    assert!(
        message.starts_with("invalid parameter `conversationId`: must match the pattern"),
        "{message}"
    );

    let message = refused(
        client
            .get_tweet_api_conversation()
            .auth_token("")
            .conversation_id("1-2")
            .send()
            .await,
    );
    assert_eq!(
        message,
        "invalid parameter `authToken`: must be at least 1 characters long"
    );

    let bad_proxy = "proxy.example@alice:s3cret-password";
    let message = refused(
        client
            .get_tweet_api_conversation()
            .auth_token(AUTH_TOKEN)
            .conversation_id("1-2")
            .proxy(bad_proxy)
            .send()
            .await,
    );
    assert!(
        message.starts_with("invalid parameter `proxy`: must match the pattern"),
        "{message}"
    );
    assert!(
        !message.contains("s3cret-password") && !message.contains(AUTH_TOKEN),
        "{message}"
    );
    mock.assert_calls(0);
}

#[tokio::test]
async fn a_missing_required_parameter_is_refused() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let result = tweetapi_client(&server)
        .get_tweet_api_conversation()
        .conversation_id("1-2")
        .send()
        .await;
    // progenitor's builder catches this one itself, under the Rust name.
    assert_eq!(refused(result), "auth_token was not initialized");
    mock.assert_calls(0);
}

#[tokio::test]
async fn path_rules_hold_behind_a_base_url_with_a_path_prefix() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.path("/proxy/x/2/dm_conversations/1-2/dm_events");
        then.status(200)
            .header("content-type", "application/json")
            .body("{}");
    });
    let base_url = format!("{}/proxy/x", server.base_url());
    let client = x_dm::connect::x_client(&base_url, common::ACCESS_TOKEN).unwrap();
    let events = || client.get_direct_messages_events_by_conversation_id();

    let message = refused(events().id("not-an-id").send().await);
    assert!(message.starts_with("invalid parameter `id`"), "{message}");
    events().id("1-2").send().await.unwrap();
    mock.assert_calls(1);
}
