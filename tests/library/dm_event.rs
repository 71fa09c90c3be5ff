//! `GET /2/dm_events/{event_id}`: one event, joined to what it includes.

use crate::common;

use common::{fixture, x_facade};
use httpmock::prelude::*;
use x_dm::prelude::*;
use x_dm::{Error, ProblemKind};

const EVENT: &str = "1580705921830768643";

#[tokio::test]
async fn an_event_is_fetched_by_id_and_joined_to_its_sender_and_media() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path(format!("/2/dm_events/{EVENT}"))
            .query_param("dm_event.fields", "id,text,sender_id,attachments")
            .query_param("expansions", "sender_id,attachments.media_keys")
            .query_param("media.fields", "url")
            .query_param("user.fields", "username");
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture(
                "getDirectMessagesEventsById",
                "200-message-2167.json",
            ));
    });

    let page = x_facade(&server)
        .dm_event(EVENT)
        .fields([
            DmEventField::Id,
            DmEventField::Text,
            DmEventField::SenderId,
            DmEventField::Attachments,
        ])
        .expansions([
            DmEventExpansion::SenderId,
            DmEventExpansion::AttachmentsMediaKeys,
        ])
        .media_fields([MediaField::Url])
        .user_fields([UserField::Username])
        .send()
        .await
        .unwrap();
    mock.assert();

    assert_eq!(page.raw_items().len(), 1);
    let event = page.joined().pop().unwrap();
    assert_eq!(event.id, EVENT);
    assert_eq!(
        event.sender().and_then(|u| u.username.as_deref()),
        Some("ada")
    );
    let media: Vec<_> = event.attached_media().collect();
    assert_eq!(
        media[0].and_then(|m| m.url.as_deref()),
        Some("https://pbs.twimg.com/media/a.jpg")
    );
}

#[tokio::test]
async fn a_bad_event_id_and_fields_without_their_expansion_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(500);
    });
    let client = x_facade(&server);

    let error = client.dm_event("not-an-id").send().await.unwrap_err();
    let Error::InvalidInput(refused) = &error else {
        panic!("expected InvalidInput, got {error:?}")
    };
    assert_eq!(refused.parameter, "event_id");
    assert_eq!(refused.rule, "must match the pattern `^[0-9]{1,19}$`");

    let error = client
        .dm_event(EVENT)
        .user_fields([UserField::Username])
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("add `sender_id` or `participant_ids`"),
        "{error}"
    );
    any.assert_calls(0);
}

#[tokio::test]
async fn a_missing_event_is_a_typed_not_found() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path(format!("/2/dm_events/{EVENT}"));
        then.status(404)
            .header("content-type", "application/problem+json")
            .body(fixture(
                "getDirectMessagesEventsById",
                "404-not-found-2167.json",
            ));
    });
    let error = x_facade(&server).dm_event(EVENT).send().await.unwrap_err();
    let Error::Api(problem) = error else {
        panic!("expected Api, got {error:?}")
    };
    assert_eq!(
        (problem.status, problem.kind),
        (404, ProblemKind::ResourceNotFound)
    );
}
