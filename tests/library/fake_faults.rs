//! Faults injected into one operation of the fake: a send whose connection
//! drops after the fake read and carried it out is reported as "may have
//! been sent", and is made exactly once.

use crate::common;

use common::fault_server::quick_client;
use futures::TryStreamExt;
use x_dm::testing::{DEMO_CONVERSATION, FakeX, Fault};
use x_dm::x::operations::{
    CreateDirectMessagesByConversationId, GetDirectMessagesEventsByConversationId,
};
use x_dm::x::types::CreateMessageRequest;

fn message(text: &str) -> CreateMessageRequest {
    CreateMessageRequest {
        text: Some(text.to_owned()),
        attachments: Vec::new(),
    }
}

fn texts_in(fake: &FakeX, text: &str) -> usize {
    let data = fake.dataset();
    let events = data.events(DEMO_CONVERSATION).unwrap();
    events
        .iter()
        .filter(|event| event["text"].as_str() == Some(text))
        .count()
}

#[tokio::test]
async fn a_send_dropped_after_the_request_was_read_may_have_been_sent_and_was_made_once() {
    let fake = FakeX::start().await.unwrap();
    fake.inject_into::<CreateDirectMessagesByConversationId>(Fault::DropAfterRequest);
    let client = quick_client(&fake.base_url());
    let before = fake.requests();

    let error = client
        .send_message(DEMO_CONVERSATION, message("exactly once"))
        .send()
        .await
        .unwrap_err();

    assert!(error.may_have_taken_effect(), "{error}");
    assert!(
        error.to_string().contains("may have taken effect"),
        "{error}"
    );
    assert_eq!(fake.requests() - before, 1, "never sent a second time");
    assert_eq!(
        texts_in(&fake, "exactly once"),
        1,
        "the fake carried it out"
    );
}

#[tokio::test]
async fn a_read_dropped_the_same_way_is_retried_and_a_fault_waits_for_its_operation() {
    let fake = FakeX::start().await.unwrap();
    fake.inject_into::<GetDirectMessagesEventsByConversationId>(Fault::DropAfterRequest);
    let client = quick_client(&fake.base_url());

    // A send goes first: the read's fault is not spent on it.
    client
        .send_message(DEMO_CONVERSATION, message("before the read"))
        .send()
        .await
        .unwrap();
    let before = fake.requests();
    let page = client.dm_events(DEMO_CONVERSATION).send().await.unwrap();

    assert!(!page.items().is_empty());
    assert_eq!(fake.requests() - before, 2, "dropped once, then answered");
}

#[tokio::test]
async fn a_status_fault_for_a_send_is_an_answer_and_nothing_was_sent() {
    let fake = FakeX::start().await.unwrap();
    fake.inject_into::<CreateDirectMessagesByConversationId>(Fault::Status(503));
    let client = quick_client(&fake.base_url());

    let error = client
        .send_message(DEMO_CONVERSATION, message("refused"))
        .send()
        .await
        .unwrap_err();

    assert!(!error.may_have_taken_effect(), "{error}");
    assert_eq!(texts_in(&fake, "refused"), 0);
    let walked: Vec<_> = client
        .dm_events(DEMO_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(walked.iter().all(|e| e.text.as_deref() != Some("refused")));
}
