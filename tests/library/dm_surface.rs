//! The rest of X's DM read and delete surface: the whole inbox, the
//! conversation with one user, and deleting an event; on the wire, refused
//! before sending, and round-tripped through the fake's store.

use crate::common;

use common::fault_server::{FaultServer, Step};
use common::{ACCESS_TOKEN, fixture, x_facade};
use futures::TryStreamExt;
use httpmock::prelude::*;
use x_dm::prelude::*;
use x_dm::testing::{DEMO_CONVERSATION, FakeX};
use x_dm::x::types::CreateMessageRequest;

/// The other member of the fake's `DEMO_CONVERSATION`.
const THEO: &str = "9876543210";

#[tokio::test]
async fn the_inbox_and_the_conversation_with_a_user_go_out_as_x_documents() {
    let server = MockServer::start_async().await;
    let inbox = server.mock(|when, then| {
        when.method(GET)
            .path("/2/dm_events")
            .query_param("max_results", "50")
            .query_param("event_types", "MessageCreate")
            .query_param("expansions", "sender_id");
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture("getDirectMessagesEvents", "200-page-2166.json"));
    });
    let with = server.mock(|when, then| {
        when.method(GET)
            .path(format!("/2/dm_conversations/with/{THEO}/dm_events"))
            .query_param("pagination_token", "18LAA581J5II7LA00C00ZZZZ");
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture(
                "getDirectMessagesEventsByParticipantId",
                "200-page-2167.json",
            ));
    });
    let client = x_facade(&server);
    let page = client
        .inbox()
        .max_results(50)
        .event_types([DmEventType::MessageCreate])
        .expansions([DmEventExpansion::SenderId])
        .send()
        .await
        .unwrap();
    assert!(!page.items().is_empty());
    let page = client
        .dm_events_with(THEO)
        .pagination_token("18LAA581J5II7LA00C00ZZZZ")
        .send()
        .await
        .unwrap();
    assert!(!page.items().is_empty());
    inbox.assert();
    with.assert();
}

#[tokio::test]
async fn a_delete_goes_out_as_a_delete_and_bad_ids_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let delete = server.mock(|when, then| {
        when.method(DELETE).path("/2/dm_events/1580705921830768643");
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture("deleteDirectMessagesEvents", "200-deleted.json"));
    });
    let client = x_facade(&server);
    let page = client
        .delete_dm_event("1580705921830768643")
        .send()
        .await
        .unwrap();
    assert!(page.items()[0].deleted);
    delete.assert();

    let error = client.delete_dm_event("abc").send().await.unwrap_err();
    assert!(error.to_string().contains("`event_id`"), "{error}");
    let error = client.dm_events_with("theo").send().await.unwrap_err();
    assert!(error.to_string().contains("`participant_id`"), "{error}");
    delete.assert_calls(1);
}

#[tokio::test]
async fn a_delete_the_server_failed_is_not_sent_again() {
    let server = FaultServer::start(vec![
        Step::status(
            503,
            r#"{"title":"Service Unavailable","type":"about:blank"}"#,
        ),
        Step::ok(r#"{"data":{"deleted":true}}"#),
    ])
    .await;
    let client = Client::builder(ACCESS_TOKEN)
        .base_url(&server.base_url)
        .build()
        .unwrap();
    let error = client
        .delete_dm_event("1580705921830768643")
        .send()
        .await
        .unwrap_err();
    assert!(
        !error.may_have_taken_effect(),
        "X answered: not carried out"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "DELETE");
}

#[tokio::test]
async fn a_sent_message_is_in_the_inbox_and_with_its_recipient_until_deleted() {
    let fake = FakeX::start().await.unwrap();
    let client = Client::builder(ACCESS_TOKEN)
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let message = CreateMessageRequest {
        text: Some("see you at noon".into()),
        attachments: Vec::new(),
    };
    let sent = client
        .send_message(DEMO_CONVERSATION, message)
        .send()
        .await
        .unwrap();
    let id = sent.items()[0].dm_event_id.clone();

    let newest =
        |page: x_dm::Page<x_dm::x::types::DmEvent>| page.into_items().into_iter().next().unwrap();
    let inbox = newest(client.inbox().max_results(5).send().await.unwrap());
    assert_eq!(
        (inbox.id.as_str(), inbox.text.as_deref()),
        (id.as_str(), Some("see you at noon"))
    );
    let with = newest(client.dm_events_with(THEO).send().await.unwrap());
    assert_eq!(with.id, id);

    // The whole inbox is every conversation's events, once each.
    let all: Vec<_> = client
        .inbox()
        .read_ahead(true)
        .items()
        .try_collect()
        .await
        .unwrap();
    let data = fake.dataset();
    let expected: usize = data
        .conversation_ids()
        .map(|c| data.event_count(c).unwrap())
        .sum();
    assert_eq!(all.len(), expected);

    let deleted = client.delete_dm_event(&id).send().await.unwrap();
    assert!(deleted.items()[0].deleted);
    let newest_now = newest(client.dm_events_with(THEO).send().await.unwrap());
    assert_ne!(newest_now.id, id, "a deleted event is gone");
    let error = client.delete_dm_event(&id).send().await.unwrap_err();
    assert!(
        matches!(&error, x_dm::Error::Api(api) if api.status == 404),
        "{error:?}"
    );

    // Another sender's event stays.
    let theirs = data
        .events(DEMO_CONVERSATION)
        .unwrap()
        .iter()
        .find(|event| event["sender_id"] == THEO)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let error = client.delete_dm_event(&theirs).send().await.unwrap_err();
    assert!(
        matches!(&error, x_dm::Error::Api(api) if api.status == 403),
        "{error:?}"
    );
}

fn text(text: &str) -> CreateMessageRequest {
    CreateMessageRequest {
        text: Some(text.into()),
        attachments: Vec::new(),
    }
}

fn group(
    participants: &[&str],
    message: CreateMessageRequest,
) -> x_dm::x::types::CreateGroupRequest {
    x_dm::x::types::CreateGroupRequest {
        conversation_type: x_dm::x::types::NewConversationType::Group,
        participant_ids: participants.iter().map(|p| (*p).to_owned()).collect(),
        message,
    }
}

#[tokio::test]
async fn sends_to_a_user_and_group_starts_go_out_as_x_documents() {
    let server = MockServer::start_async().await;
    let to = server.mock(|when, then| {
        when.method(POST)
            .path(format!("/2/dm_conversations/with/{THEO}/messages"))
            .json_body(serde_json::json!({"text": "hi"}));
        then.status(201)
            .header("content-type", "application/json")
            .body(fixture(
                "createDirectMessagesByParticipantId",
                "201-sent.json",
            ));
    });
    let start = server.mock(|when, then| {
        when.method(POST)
            .path("/2/dm_conversations")
            .json_body(serde_json::json!({
                "conversation_type": "Group",
                "participant_ids": ["1", "2"],
                "message": {"text": "welcome"}
            }));
        then.status(201)
            .header("content-type", "application/json")
            .body(fixture("createDirectMessagesConversation", "201-sent.json"));
    });
    let client = x_facade(&server);
    client
        .send_message_to(THEO, text("hi"))
        .send()
        .await
        .unwrap();
    let page = client
        .create_group(group(&["1", "2"], text("welcome")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.items()[0].dm_conversation_id, "1582838449483636742");
    to.assert();
    start.assert();

    // Refused before sending, naming the JSON path and the rule.
    for (body, path) in [
        (group(&["1"], text("x")), "$.participant_ids"),
        (group(&["1", "two"], text("x")), "$.participant_ids[1]"),
        (group(&["1", "2"], text("")), "$.message.text"),
    ] {
        let error = client.create_group(body).send().await.unwrap_err();
        let x_dm::Error::InvalidInput(refused) = &error else {
            panic!("expected InvalidInput, got {error:?}")
        };
        assert_eq!(refused.parameter, path);
    }
    let error = client
        .send_message_to("theo", text("hi"))
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("`participant_id`"), "{error}");
    to.assert_calls(1);
    start.assert_calls(1);
}

#[tokio::test]
async fn a_first_message_starts_the_conversation_and_a_group_gets_its_own() {
    let fake = FakeX::start().await.unwrap();
    let client = Client::builder(ACCESS_TOKEN)
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let stranger = "1999999999999999999";
    assert!(
        client.dm_events_with(stranger).send().await.is_err(),
        "no conversation yet"
    );
    let sent = client
        .send_message_to(stranger, text("nice to meet you"))
        .send()
        .await
        .unwrap();
    let with = client.dm_events_with(stranger).send().await.unwrap();
    assert_eq!(with.items().len(), 1);
    assert_eq!(with.items()[0].id, sent.items()[0].dm_event_id);

    let started = client
        .create_group(group(&[THEO, stranger], text("welcome, both")))
        .send()
        .await
        .unwrap();
    let created = &started.items()[0];
    let group_events = client
        .dm_events(&created.dm_conversation_id)
        .send()
        .await
        .unwrap();
    assert_eq!(group_events.items()[0].id, created.dm_event_id);
    assert_eq!(
        group_events.items()[0].text.as_deref(),
        Some("welcome, both")
    );
}

#[tokio::test]
async fn the_dm_problem_types_of_2173_are_typed_under_either_host() {
    let server = MockServer::start_async().await;
    let body = fixture(
        "createDirectMessagesByParticipantId",
        "403-recipient-blocks-sender-2173.json",
    );
    let x_host = server.mock(|when, then| {
        when.method(POST)
            .path(format!("/2/dm_conversations/with/{THEO}/messages"));
        then.status(403)
            .header("content-type", "application/problem+json")
            .body(body.clone());
    });
    let error = x_facade(&server)
        .send_message_to(THEO, text("hi"))
        .send()
        .await
        .unwrap_err();
    let x_dm::Error::Api(problem) = &error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(problem.kind, x_dm::ProblemKind::DmRecipientBlocksSender);
    assert!(!error.may_have_taken_effect());
    x_host.assert();
    let old_host = "https://api.twitter.com/2/problems/dm-duplicate";
    assert_eq!(
        x_dm::ProblemKind::from_type_uri(old_host),
        x_dm::ProblemKind::DmDuplicate
    );
    assert_eq!(
        x_dm::ProblemKind::from_type_uri("https://api.x.com/2/problems/recipient-not-messageable"),
        x_dm::ProblemKind::RecipientNotMessageable
    );
}
