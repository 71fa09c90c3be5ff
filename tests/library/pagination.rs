//! The facade's X pagination streams: which tokens go out, in which order,
//! how many requests a walk makes, and where it stops.

use crate::common;

use common::{
    DM_CONVERSATION, dm_events_path, dm_page, fixture, json_response, recorded, serve_by_param,
    x_facade,
};
use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use serde_json::json;
use x_dm::{Direction, Error};

const ADA: &str = "1582103724607971328";
const TOKEN_2: &str = "18LAA581J5II7LA00C00TOK2";
const TOKEN_3: &str = "18LAA581J5II7LA00C00TOK3";
const TOKEN_4: &str = "18LAA581J5II7LA00C00TOK4";

fn ids<T: std::ops::Deref<Target = x_dm::x::types::DmEvent>>(items: &[T]) -> Vec<String> {
    items.iter().map(|item| item.id.clone()).collect()
}

#[tokio::test]
async fn pages_sends_each_next_token_in_order_and_stops_when_none_comes_back() {
    let server = MockServer::start_async().await;
    let (mock, seen) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (None, dm_page(400, 2, ADA, Some(TOKEN_2))),
            (Some(TOKEN_2), dm_page(300, 2, ADA, Some(TOKEN_3))),
            (Some(TOKEN_3), dm_page(200, 2, ADA, Some(TOKEN_4))),
            (Some(TOKEN_4), dm_page(100, 2, ADA, None)),
        ],
    );

    let pages: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .max_results(2)
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(
        recorded(&seen),
        vec![
            None,
            Some(TOKEN_2.to_owned()),
            Some(TOKEN_3.to_owned()),
            Some(TOKEN_4.to_owned()),
        ]
    );
    mock.assert_calls(4);
    let firsts: Vec<&str> = pages
        .iter()
        .map(|page| page.items()[0].id.as_str())
        .collect();
    assert_eq!(firsts, ["400", "300", "200", "100"]);
    assert_eq!(pages[2].next_token(), Some(TOKEN_4));
    assert_eq!(pages[3].next_token(), None);
}

#[tokio::test]
async fn nothing_is_requested_before_the_stream_is_polled() {
    let server = MockServer::start_async().await;
    let (mock, _) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![(None, dm_page(100, 1, ADA, None))],
    );
    let client = x_facade(&server);

    let mut pages = client.dm_events(DM_CONVERSATION).pages();
    let items = client.dm_events(DM_CONVERSATION).items();
    mock.assert_calls(0);
    drop(items);

    assert!(pages.try_next().await.unwrap().is_some());
    assert!(pages.try_next().await.unwrap().is_none());
    mock.assert_calls(1);
}

/// Three pages of 100 events with distinct ids, each on its own mock.
fn three_full_pages(server: &MockServer) -> [httpmock::Mock<'_>; 3] {
    let path = dm_events_path();
    let first = server.mock(|when, then| {
        when.method(GET)
            .path(&path)
            .query_param_missing("pagination_token");
        json_response(then, 200, &dm_page(10_300, 100, ADA, Some(TOKEN_2)));
    });
    let second = server.mock(|when, then| {
        when.method(GET)
            .path(&path)
            .query_param("pagination_token", TOKEN_2);
        json_response(then, 200, &dm_page(10_200, 100, ADA, Some(TOKEN_3)));
    });
    let third = server.mock(|when, then| {
        when.method(GET)
            .path(&path)
            .query_param("pagination_token", TOKEN_3);
        json_response(then, 200, &dm_page(10_100, 100, ADA, None));
    });
    [first, second, third]
}

#[tokio::test]
async fn taking_150_items_of_100_per_page_fetches_exactly_two_pages() {
    let server = MockServer::start_async().await;
    let [first, second, third] = three_full_pages(&server);

    let items: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .max_results(100)
        .items()
        .take(150)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(items.len(), 150);
    let expected: Vec<String> = (10_151..=10_300).rev().map(|id| id.to_string()).collect();
    assert_eq!(ids(&items), expected);
    first.assert_calls(1);
    second.assert_calls(1);
    third.assert_calls(0);
}

#[tokio::test]
async fn taking_100_items_of_100_per_page_fetches_exactly_one_page() {
    let server = MockServer::start_async().await;
    let [first, second, third] = three_full_pages(&server);

    let items: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .items()
        .take(100)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(items.len(), 100);
    assert_eq!(items[0].id, "10300");
    assert_eq!(items[99].id, "10201");
    first.assert_calls(1);
    second.assert_calls(0);
    third.assert_calls(0);
}

#[tokio::test]
async fn all_items_of_every_page_come_out_once_in_order() {
    let server = MockServer::start_async().await;
    let [first, second, third] = three_full_pages(&server);

    let items: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();

    let expected: Vec<String> = (10_001..=10_300).rev().map(|id| id.to_string()).collect();
    assert_eq!(ids(&items), expected);
    for mock in [first, second, third] {
        mock.assert_calls(1);
    }
}

#[tokio::test]
async fn a_boundary_event_repeated_at_the_top_of_the_next_page_comes_out_once() {
    let server = MockServer::start_async().await;
    // New messages arrived mid-walk: page 2 starts with page 1's last event.
    let mut second = dm_page(11, 2, ADA, None);
    second["data"]
        .as_array_mut()
        .unwrap()
        .insert(0, dm_page(12, 1, ADA, None)["data"][0].clone());
    let (mock, _) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (None, dm_page(13, 2, ADA, Some(TOKEN_2))),
            (Some(TOKEN_2), second),
        ],
    );

    let items: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), ["13", "12", "11", "10"]);
    mock.assert_calls(2);
}

#[tokio::test]
async fn a_token_that_comes_back_ends_the_walk_with_a_pagination_loop_error() {
    let server = MockServer::start_async().await;
    let (mock, seen) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (None, dm_page(30, 1, ADA, Some(TOKEN_2))),
            (Some(TOKEN_2), dm_page(20, 1, ADA, Some(TOKEN_3))),
            // The server leads back to a page already visited.
            (Some(TOKEN_3), dm_page(10, 1, ADA, Some(TOKEN_2))),
        ],
    );

    let results: Vec<Result<_, Error>> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .pages()
        .collect()
        .await;

    assert_eq!(
        results.len(),
        4,
        "three pages, then the error, then the end"
    );
    for (result, first_id) in results[..3].iter().zip(["30", "20", "10"]) {
        assert_eq!(result.as_ref().unwrap().items()[0].id, first_id);
    }
    match &results[3] {
        Err(Error::PaginationLoop { token }) => assert_eq!(token, TOKEN_2),
        other => panic!("expected a pagination loop, got {other:?}"),
    }
    mock.assert_calls(3);
    assert_eq!(
        recorded(&seen),
        vec![None, Some(TOKEN_2.to_owned()), Some(TOKEN_3.to_owned())]
    );
}

#[tokio::test]
async fn a_page_that_names_itself_as_next_is_a_loop_after_one_request() {
    let server = MockServer::start_async().await;
    let (mock, _) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![(Some(TOKEN_2), dm_page(20, 1, ADA, Some(TOKEN_2)))],
    );

    let client = x_facade(&server);
    let mut items = client
        .dm_events(DM_CONVERSATION)
        .pagination_token(TOKEN_2)
        .items();

    assert_eq!(items.try_next().await.unwrap().unwrap().id, "20");
    match items.try_next().await {
        Err(Error::PaginationLoop { token }) => assert_eq!(token, TOKEN_2),
        other => panic!("expected a pagination loop, got {other:?}"),
    }
    assert!(
        items.next().await.is_none(),
        "the stream ends after the error"
    );
    mock.assert_calls(1);
}

#[tokio::test]
async fn a_saved_next_token_resumes_at_the_page_after_and_nothing_before() {
    let server = MockServer::start_async().await;
    let [first, second, third] = three_full_pages(&server);
    let client = x_facade(&server);

    let page = client.dm_events(DM_CONVERSATION).send().await.unwrap();
    let saved = page.next_token().unwrap().to_owned();
    assert_eq!(saved, TOKEN_2);
    first.assert_calls(1);

    // One page: exactly the one after.
    let resumed = client
        .dm_events(DM_CONVERSATION)
        .pagination_token(&saved)
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.items()[0].id, "10200");
    assert_eq!(resumed.items().len(), 100);

    // A walk: from the saved page on, never back to the first.
    let items: Vec<_> = client
        .dm_events(DM_CONVERSATION)
        .pagination_token(saved)
        .items()
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (10_001..=10_200).rev().map(|id| id.to_string()).collect();
    assert_eq!(ids(&items), expected);
    first.assert_calls(1);
    second.assert_calls(2);
    third.assert_calls(1);
}

#[tokio::test]
async fn an_empty_page_with_a_next_token_is_followed_not_taken_for_the_end() {
    let server = MockServer::start_async().await;
    let empty = fixture(
        "getDirectMessagesEventsByConversationId",
        "200-empty-page-with-token.json",
    );
    let empty: serde_json::Value = serde_json::from_str(&empty).unwrap();
    let after_empty = empty["meta"]["next_token"].as_str().unwrap().to_owned();
    let (mock, seen) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (None, dm_page(30, 2, ADA, Some(TOKEN_2))),
            (Some(TOKEN_2), empty),
            (Some(after_empty.as_str()), dm_page(20, 2, ADA, None)),
        ],
    );

    let items: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), ["30", "29", "20", "19"]);
    mock.assert_calls(3);
    assert_eq!(
        recorded(&seen),
        vec![None, Some(TOKEN_2.to_owned()), Some(after_empty)]
    );
}

#[tokio::test]
async fn several_empty_pages_in_a_row_are_followed_by_pages_too() {
    let server = MockServer::start_async().await;
    let empty = |next: &str| json!({"meta": {"result_count": 0, "next_token": next}});
    let (mock, _) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (None, empty(TOKEN_2)),
            (Some(TOKEN_2), empty(TOKEN_3)),
            (Some(TOKEN_3), dm_page(5, 1, ADA, None)),
        ],
    );

    let pages: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .pages()
        .try_collect()
        .await
        .unwrap();

    let sizes: Vec<usize> = pages.iter().map(|page| page.items().len()).collect();
    assert_eq!(sizes, [0, 0, 1]);
    mock.assert_calls(3);
}

#[tokio::test]
async fn direction_newer_follows_previous_token_and_never_next_token() {
    let server = MockServer::start_async().await;
    const NEWER_1: &str = "1BLC45G1H8CAL5DV4P0CNEW1";
    const NEWER_2: &str = "1BLC45G1H8CAL5DV4P0CNEW2";
    let page = |first: u64, next: &str, previous: Option<&str>| {
        let mut body = dm_page(first, 1, ADA, Some(next));
        if let Some(previous) = previous {
            body["meta"]["previous_token"] = previous.into();
        }
        body
    };
    let (mock, seen) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (None, page(10, TOKEN_2, Some(NEWER_1))),
            (Some(NEWER_1), page(20, TOKEN_3, Some(NEWER_2))),
            (Some(NEWER_2), page(30, TOKEN_4, None)),
        ],
    );

    let items: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .direction(Direction::Newer)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), ["10", "20", "30"]);
    assert_eq!(
        recorded(&seen),
        vec![None, Some(NEWER_1.to_owned()), Some(NEWER_2.to_owned())]
    );
    mock.assert_calls(3);
}

#[tokio::test]
async fn direction_older_is_the_default_and_ignores_previous_token() {
    let server = MockServer::start_async().await;
    let mut first = dm_page(10, 1, ADA, None);
    first["meta"]["previous_token"] = "1BLC45G1H8CAL5DV4P0CNEW1".into();
    let (mock, _) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![(None, first)],
    );

    let pages: Vec<_> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(pages.len(), 1);
    mock.assert_calls(1);
}

#[tokio::test]
async fn an_error_page_ends_the_walk_after_the_pages_before_it() {
    let server = MockServer::start_async().await;
    // TOKEN_3 has no page: the helper answers 400.
    let (mock, _) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (None, dm_page(30, 1, ADA, Some(TOKEN_2))),
            (Some(TOKEN_2), dm_page(20, 1, ADA, Some(TOKEN_3))),
        ],
    );

    let results: Vec<Result<_, Error>> = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .items()
        .collect()
        .await;

    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    match &results[2] {
        Err(Error::Api(error)) => assert_eq!(error.status, 400),
        other => panic!("expected the 400, got {other:?}"),
    }
    mock.assert_calls(3);
}

fn chat_page(id: &str, meta: serde_json::Value) -> serde_json::Value {
    json!({
        "data": [{"id": id, "type": "group", "participant_ids": [ADA]}],
        "meta": meta,
    })
}

#[tokio::test]
async fn chat_conversations_stop_when_has_more_is_false_even_with_a_next_token() {
    let server = MockServer::start_async().await;
    let (mock, seen) = serve_by_param(
        &server,
        "/2/chat/conversations",
        "pagination_token",
        vec![
            (
                None,
                chat_page(
                    "g1690000000000000001",
                    json!({"result_count": 1, "has_more": true, "next_token": TOKEN_2}),
                ),
            ),
            (
                Some(TOKEN_2),
                chat_page(
                    "g1690000000000000002",
                    json!({"result_count": 1, "has_more": false, "next_token": TOKEN_3}),
                ),
            ),
            (
                Some(TOKEN_3),
                chat_page("g1690000000000000003", json!({"result_count": 1})),
            ),
        ],
    );

    let pages: Vec<_> = x_facade(&server)
        .conversations()
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].meta().has_more, Some(false));
    assert_eq!(pages[1].next_token(), Some(TOKEN_3), "the token is kept");
    assert_eq!(recorded(&seen), vec![None, Some(TOKEN_2.to_owned())]);
    mock.assert_calls(2);
}

#[tokio::test]
async fn chat_conversations_stop_when_no_next_token_comes_back() {
    let server = MockServer::start_async().await;
    let (mock, seen) = serve_by_param(
        &server,
        "/2/chat/conversations",
        "pagination_token",
        vec![
            (
                None,
                chat_page(
                    "g1690000000000000001",
                    json!({"result_count": 1, "has_more": true, "next_token": TOKEN_2}),
                ),
            ),
            // `has_more` says yes but there is no token to follow.
            (
                Some(TOKEN_2),
                chat_page(
                    "g1690000000000000002",
                    json!({"result_count": 1, "has_more": true}),
                ),
            ),
        ],
    );

    let items: Vec<_> = x_facade(&server)
        .conversations()
        .items()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = items.iter().map(|item| item.id.as_str()).collect();
    assert_eq!(ids, ["g1690000000000000001", "g1690000000000000002"]);
    assert_eq!(recorded(&seen), vec![None, Some(TOKEN_2.to_owned())]);
    mock.assert_calls(2);
}

#[tokio::test]
async fn chat_conversations_follow_next_token_while_has_more_is_absent() {
    let server = MockServer::start_async().await;
    let (mock, seen) = serve_by_param(
        &server,
        "/2/chat/conversations",
        "pagination_token",
        vec![
            (
                None,
                chat_page(
                    "g1690000000000000001",
                    json!({"result_count": 1, "next_token": TOKEN_2}),
                ),
            ),
            (
                Some(TOKEN_2),
                serde_json::from_str(&fixture("getChatConversations", "200-last-page-2167.json"))
                    .unwrap(),
            ),
        ],
    );

    let pages: Vec<_> = x_facade(&server)
        .conversations()
        .max_results(1)
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].items()[0].id, "g1690000000000000002");
    assert_eq!(recorded(&seen), vec![None, Some(TOKEN_2.to_owned())]);
    mock.assert_calls(2);
}

#[tokio::test]
async fn chat_conversations_resume_from_a_saved_token() {
    let server = MockServer::start_async().await;
    let first = server.mock(|when, then| {
        when.method(GET)
            .path("/2/chat/conversations")
            .query_param_missing("pagination_token");
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture("getChatConversations", "200-inbox-2166.json"));
    });
    let saved = "1hnhq4ccfdn8nt4e8ctqh3nfat5d3oq3";
    let second = server.mock(|when, then| {
        when.method(GET)
            .path("/2/chat/conversations")
            .query_param("pagination_token", saved);
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture("getChatConversations", "200-last-page-2167.json"));
    });

    let items: Vec<_> = x_facade(&server)
        .conversations()
        .pagination_token(saved)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(items.len(), 1);
    assert_eq!(items[0].id, "g1690000000000000002");
    first.assert_calls(0);
    second.assert_calls(1);
}

#[tokio::test]
async fn tokens_the_api_hands_out_are_followed_whatever_their_length() {
    // X documents at least 16 characters for a DM events token a caller
    // sends; one the API itself sends is followed as it came, both ways.
    let server = MockServer::start_async().await;
    let first = fixture(
        "getDirectMessagesEventsByConversationId",
        "200-short-tokens-huge-numbers.json",
    );
    let (_mock, seen) = serve_by_param(
        &server,
        &dm_events_path(),
        "pagination_token",
        vec![
            (None, serde_json::from_str(&first).unwrap()),
            (Some("p2"), dm_page(400, 1, ADA, Some("n3"))),
            (Some("n3"), dm_page(300, 1, ADA, None)),
            (Some("p0"), dm_page(600, 1, ADA, None)),
        ],
    );
    let client = x_facade(&server);
    let items: Vec<_> = client
        .dm_events(DM_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["1990461309327632940", "400", "300"]);
    let newer: Vec<_> = client
        .dm_events(DM_CONVERSATION)
        .direction(Direction::Newer)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&newer), ["1990461309327632940", "600"]);
    assert_eq!(
        recorded(&seen),
        [None, Some("p2"), Some("n3"), None, Some("p0")].map(|t| t.map(str::to_owned))
    );

    // The same token given back by a caller is input, and refused unsent.
    let error = client
        .dm_events(DM_CONVERSATION)
        .pagination_token("p2")
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    let Error::InvalidInput(invalid) = error else {
        panic!("expected InvalidInput, got {error:?}")
    };
    assert_eq!(invalid.rule, "must be at least 16 characters long");
    assert_eq!(recorded(&seen).len(), 5, "nothing more was sent");
}

#[tokio::test]
async fn chat_tokens_of_any_length_are_followed_and_accepted_from_a_caller() {
    // The Chat docs state no length for `pagination_token`.
    let server = MockServer::start_async().await;
    let (_mock, seen) = serve_by_param(
        &server,
        "/2/chat/conversations",
        "pagination_token",
        vec![
            (
                None,
                serde_json::from_str(&fixture(
                    "getChatConversations",
                    "200-short-next-token.json",
                ))
                .unwrap(),
            ),
            (
                Some("c2"),
                chat_page("g1690000000000000002", json!({"has_more": false})),
            ),
        ],
    );
    let client = x_facade(&server);
    let pages: Vec<_> = client.conversations().pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
    let resumed = client
        .conversations()
        .pagination_token("c2")
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.items()[0].id, "g1690000000000000002");
    assert_eq!(
        recorded(&seen),
        [None, Some("c2".to_owned()), Some("c2".to_owned())]
    );
}
