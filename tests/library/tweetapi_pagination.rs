//! TweetAPI pagination: every place TweetAPI's docs and SDKs put the cursor
//! drives `pages()`, and the walk stops where TweetAPI says there is no more.

use crate::common;

use common::{API_KEY, AUTH_TOKEN, TWEETAPI_PATH, fixture, json_response, tweetapi_facade};
use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{Value, json};

const CONVERSATION: &str = "1000000000000000001-1000000000000000002";
/// A cursor with characters that need escaping in a query string.
const CURSOR: &str = "GRwmgIC9reXb8bsxFoCAvfWbqfS7MSUAAA==";

fn message(id: &str) -> Value {
    json!({"id": id, "senderId": "1000000000000000001", "text": format!("message {id}")})
}

/// The first page, answered only to a request without a cursor that carries
/// the key and the auth token.
fn first_page<'a>(server: &'a MockServer, body: &Value) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET)
            .path(TWEETAPI_PATH)
            .header("x-api-key", API_KEY)
            .query_param("authToken", AUTH_TOKEN)
            .query_param("conversationId", CONVERSATION)
            .query_param_missing("cursor");
        json_response(then, 200, body);
    })
}

/// Any request with a cursor: the page after `CURSOR`, or what should not
/// have been asked for.
fn page_after<'a>(server: &'a MockServer, cursor: &str, body: &Value) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET)
            .path(TWEETAPI_PATH)
            .header("x-api-key", API_KEY)
            .query_param("authToken", AUTH_TOKEN)
            .query_param("conversationId", CONVERSATION)
            .query_param("cursor", cursor);
        json_response(then, 200, body);
    })
}

fn any_cursor(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|when, then| {
        when.method(GET)
            .path(TWEETAPI_PATH)
            .query_param_exists("cursor");
        json_response(then, 200, &json!({"messages": [], "hasMore": false}));
    })
}

#[tokio::test]
async fn every_cursor_shape_leads_to_the_second_page() {
    let shapes = [
        (
            "top-level cursor",
            json!({"messages": [message("11")], "hasMore": true, "cursor": CURSOR}),
        ),
        (
            "top-level nextCursor",
            json!({"messages": [message("11")], "hasMore": true, "nextCursor": CURSOR}),
        ),
        (
            "top-level pagination.nextCursor",
            json!({"messages": [message("11")], "pagination": {"nextCursor": CURSOR, "prevCursor": null}}),
        ),
        (
            "cursor inside data",
            json!({"data": {"messages": [message("11")], "hasMore": true, "cursor": CURSOR}}),
        ),
        (
            "nextCursor inside data",
            json!({"data": {"messages": [message("11")], "hasMore": true, "nextCursor": CURSOR}}),
        ),
        (
            "pagination.nextCursor inside data",
            json!({"data": {"messages": [message("11")], "pagination": {"nextCursor": CURSOR}}}),
        ),
        (
            "data as a message list, top-level pagination.nextCursor",
            json!({"data": [message("11")], "pagination": {"nextCursor": CURSOR, "prevCursor": null}}),
        ),
        (
            "data as a message list, top-level nextCursor",
            json!({"data": [message("11")], "hasMore": true, "nextCursor": CURSOR}),
        ),
        (
            "data as a page, cursor beside it",
            json!({"data": {"messages": [message("11")]}, "cursor": CURSOR}),
        ),
    ];
    for (shape, body) in shapes {
        let server = MockServer::start_async().await;
        let first = first_page(&server, &body);
        let second = page_after(
            &server,
            CURSOR,
            &json!({"messages": [message("10")], "hasMore": false}),
        );

        let pages: Vec<_> = tweetapi_facade(&server)
            .conversation(CONVERSATION)
            .pages()
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("{shape}: {e}"));

        assert_eq!(pages.len(), 2, "{shape}");
        assert_eq!(pages[0].next_token(), Some(CURSOR), "{shape}");
        assert_eq!(pages[0].items()[0].id, "11", "{shape}");
        assert_eq!(pages[1].items()[0].id, "10", "{shape}");
        first.assert_calls(1);
        second.assert_calls(1);
    }
}

#[tokio::test]
async fn the_walk_stops_where_tweetapi_says_there_is_no_more() {
    let last_pages = [
        (
            "hasMore false beside a cursor",
            json!({"messages": [message("11")], "hasMore": false, "cursor": CURSOR}),
        ),
        (
            "hasMore false inside data beside nextCursor",
            json!({"data": {"messages": [message("11")], "hasMore": false, "nextCursor": CURSOR}}),
        ),
        (
            "hasMore false beside a message list",
            json!({"data": [message("11")], "hasMore": false, "pagination": {"nextCursor": CURSOR}}),
        ),
        ("no cursor at all", json!({"messages": [message("11")]})),
        (
            "hasMore true but no cursor",
            json!({"messages": [message("11")], "hasMore": true}),
        ),
        (
            "empty cursor",
            json!({"messages": [message("11")], "hasMore": true, "cursor": ""}),
        ),
        (
            "empty nextCursor inside data",
            json!({"data": {"messages": [message("11")], "nextCursor": ""}}),
        ),
        (
            "null pagination.nextCursor beside a message list",
            json!({"data": [message("11")], "pagination": {"nextCursor": null, "prevCursor": CURSOR}}),
        ),
        (
            "the fixture's wrapped last page",
            serde_json::from_str(&fixture(
                "getTweetApiConversation",
                "200-data-wrapped-pagination.json",
            ))
            .unwrap(),
        ),
    ];
    for (shape, body) in last_pages {
        let server = MockServer::start_async().await;
        let first = first_page(&server, &body);
        let further = any_cursor(&server);

        let pages: Vec<_> = tweetapi_facade(&server)
            .conversation(CONVERSATION)
            .pages()
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("{shape}: {e}"));

        assert_eq!(pages.len(), 1, "{shape}");
        assert_eq!(pages[0].items().len(), 1, "{shape}");
        first.assert_calls(1);
        further.assert_calls(0);
    }
}

#[tokio::test]
async fn a_three_page_walk_sends_each_cursor_once_in_order() {
    let server = MockServer::start_async().await;
    const SECOND: &str = "GRwmgICyq9GV8bsxFoCAsr2X6fS7MSUAAA==";
    const THIRD: &str = "GRwmgICnlcyN8bsxFoCAp5XM7fS7MSUAAA==";
    let first = first_page(
        &server,
        &json!({"messages": [message("3")], "hasMore": true, "nextCursor": SECOND}),
    );
    let second = page_after(
        &server,
        SECOND,
        &json!({"data": [message("2")], "pagination": {"nextCursor": THIRD}}),
    );
    let third = page_after(
        &server,
        THIRD,
        &json!({"data": {"messages": [message("1")], "hasMore": false}}),
    );

    let messages: Vec<_> = tweetapi_facade(&server)
        .conversation(CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["3", "2", "1"]);
    first.assert_calls(1);
    second.assert_calls(1);
    third.assert_calls(1);
}

#[tokio::test]
async fn a_saved_cursor_resumes_without_the_first_page() {
    let server = MockServer::start_async().await;
    let first = first_page(
        &server,
        &json!({"messages": [message("2")], "hasMore": true, "cursor": CURSOR}),
    );
    let second = page_after(
        &server,
        CURSOR,
        &json!({"messages": [message("1")], "hasMore": false}),
    );
    let client = tweetapi_facade(&server);

    let saved = client
        .conversation(CONVERSATION)
        .send()
        .await
        .unwrap()
        .next_token()
        .unwrap()
        .to_owned();
    let pages: Vec<_> = client
        .conversation(CONVERSATION)
        .cursor(saved)
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].items()[0].id, "1");
    first.assert_calls(1);
    second.assert_calls(1);
}

#[tokio::test]
async fn a_cursor_that_comes_back_is_a_pagination_loop() {
    let server = MockServer::start_async().await;
    let first = first_page(
        &server,
        &json!({"messages": [message("2")], "cursor": CURSOR}),
    );
    let again = page_after(
        &server,
        CURSOR,
        &json!({"messages": [message("1")], "cursor": CURSOR}),
    );

    let error = tweetapi_facade(&server)
        .conversation(CONVERSATION)
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();

    match error {
        x_dm::Error::PaginationLoop { token } => assert_eq!(token, CURSOR),
        other => panic!("expected a pagination loop, got {other:?}"),
    }
    first.assert_calls(1);
    again.assert_calls(1);
}

#[tokio::test]
async fn the_session_and_proxy_go_out_on_every_page() {
    let server = MockServer::start_async().await;
    let proxy = "proxy.example:8080@alice:s3cret";
    let first = server.mock(|when, then| {
        when.method(GET)
            .path(TWEETAPI_PATH)
            .header("x-api-key", API_KEY)
            .header_missing("authorization")
            .query_param("authToken", AUTH_TOKEN)
            .query_param("proxy", proxy)
            .query_param_missing("cursor");
        json_response(
            then,
            200,
            &json!({"messages": [message("2")], "cursor": CURSOR}),
        );
    });
    let second = server.mock(|when, then| {
        when.method(GET)
            .path(TWEETAPI_PATH)
            .header("x-api-key", API_KEY)
            .header_missing("authorization")
            .query_param("authToken", AUTH_TOKEN)
            .query_param("proxy", proxy)
            .query_param("cursor", CURSOR);
        json_response(then, 200, &json!({"messages": [message("1")]}));
    });
    let client = x_dm::TweetApiClient::builder(API_KEY, AUTH_TOKEN)
        .proxy(proxy)
        .base_url(server.base_url())
        .build()
        .unwrap();

    let pages: Vec<_> = client
        .conversation(CONVERSATION)
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(pages.len(), 2);
    first.assert_calls(1);
    second.assert_calls(1);
}
