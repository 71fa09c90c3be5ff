//! The write path: bodies typed by the generated types and checked before
//! sending, and requests that are not idempotent never sent twice once they
//! may have reached the server.

use crate::common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::ACCESS_TOKEN;
use common::fault_server::{FaultServer, Step, quick_client};
use futures::TryStreamExt;
use x_dm::engine::Multipart;
use x_dm::x::types::{CreateMessageRequest, MessageAttachment};
use x_dm::{Client, Error};

const CONVERSATION: &str = "1582103724607971328-1613565123466371072";
const SENT: &str = r#"{"data":{"dm_conversation_id":"1582103724607971328-1613565123466371072","dm_event_id":"1600000000000000001"}}"#;

fn message(text: &str) -> CreateMessageRequest {
    CreateMessageRequest {
        text: Some(text.to_owned()),
        attachments: Vec::new(),
    }
}

fn attachment(media_id: &str) -> MessageAttachment {
    MessageAttachment {
        media_id: media_id.to_owned(),
    }
}

#[tokio::test]
async fn a_send_goes_out_as_a_json_post_and_comes_back_as_a_page() {
    let server = FaultServer::start(vec![Step::status(201, SENT)]).await;
    let page = quick_client(&server.base_url)
        .send_message(CONVERSATION, message("hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.items()[0].dm_event_id, "1600000000000000001");

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(
        seen[0].target,
        format!("/2/dm_conversations/{CONVERSATION}/messages")
    );
    assert_eq!(seen[0].content_type.as_deref(), Some("application/json"));
    assert_eq!(seen[0].body, br#"{"text":"hello"}"#);
}

#[tokio::test]
async fn a_send_the_server_failed_is_not_sent_again_and_did_not_take_effect() {
    let server = FaultServer::start(vec![
        Step::status(
            503,
            r#"{"title":"Service Unavailable","type":"about:blank"}"#,
        ),
        Step::status(201, SENT),
    ])
    .await;
    let error = quick_client(&server.base_url)
        .send_message(CONVERSATION, message("hello"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.status == 503),
        "{error:?}"
    );
    // X answered: not ambiguous, so not carried out (issue 12's rule).
    assert!(!error.may_have_taken_effect());
    assert_eq!(
        server.seen().len(),
        1,
        "a send is never repeated after a 5xx"
    );
}

#[tokio::test]
async fn a_send_whose_connection_broke_after_writing_is_not_retried() {
    let server = FaultServer::start(vec![Step::Drop, Step::status(201, SENT)]).await;
    let error = quick_client(&server.base_url)
        .send_message(CONVERSATION, message("hello"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                attempts: 1,
                may_have_taken_effect: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("may have taken effect"),
        "{error}"
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_send_that_never_connected_is_retried_and_did_not_take_effect() {
    // Bind and drop a listener: nothing accepts on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = quick_client(&format!("http://127.0.0.1:{port}"))
        .send_message(CONVERSATION, message("hello"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                attempts: 3,
                may_have_taken_effect: false,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.may_have_taken_effect());
}

#[tokio::test]
async fn a_send_refused_with_a_429_is_waited_out_and_sent_once_more() {
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1;
    let server = FaultServer::start(vec![
        Step::status(429, r#"{"title":"Too Many Requests","type":"about:blank"}"#)
            .header("x-rate-limit-remaining", 0)
            .header("x-rate-limit-reset", reset),
        Step::status(201, SENT),
    ])
    .await;
    let page = quick_client(&server.base_url)
        .send_message(CONVERSATION, message("hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.items().len(), 1);
    assert_eq!(server.seen().len(), 2, "X did not process the refused send");
}

#[tokio::test]
async fn a_bad_body_is_refused_before_sending_naming_its_json_path() {
    let server = FaultServer::start(vec![Step::status(201, SENT)]).await;
    let client = quick_client(&server.base_url);

    let mut bad_id = message("hi");
    bad_id.attachments = vec![attachment("not-a-number")];
    let error = client
        .send_message(CONVERSATION, bad_id)
        .send()
        .await
        .unwrap_err();
    let Error::InvalidInput(refused) = &error else {
        panic!("expected InvalidInput, got {error:?}")
    };
    assert_eq!(refused.parameter, "$.attachments[0].media_id");
    assert_eq!(
        error.to_string(),
        "invalid body at `$.attachments[0].media_id`: must match the pattern `^[0-9]{1,19}$` (got \"not-a-number\")"
    );

    let mut two = message("hi");
    two.attachments = vec![attachment("1"), attachment("2")];
    let error = client
        .send_message(CONVERSATION, two)
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("invalid body at `$.attachments`: must list at most 1"),
        "{error}"
    );

    let empty = CreateMessageRequest {
        text: None,
        attachments: Vec::new(),
    };
    let error = client
        .send_message(CONVERSATION, empty.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid body at `$`: must have at least one of: text, attachments"
    );
    let group = x_dm::x::types::CreateGroupRequest {
        conversation_type: x_dm::x::types::NewConversationType::Group,
        participant_ids: vec!["1".into(), "2".into()],
        message: empty,
    };
    let error = client.create_group(group).send().await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`$.message`: must have at least one of"),
        "{error}"
    );

    let error = client
        .send_message(CONVERSATION, message(""))
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("`$.text`: must be at least 1"),
        "{error}"
    );

    let error = client
        .send_message("not a conversation", message("hi"))
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("`dm_conversation_id`"),
        "{error}"
    );
    assert!(server.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_media_chunk_goes_out_as_multipart_form_data() {
    let server = FaultServer::start(vec![Step::ok(r#"{"data":{"expires_at":1767225600}}"#)]).await;
    let chunk = Multipart::new().text("segment_index", "0").file(
        "media",
        "chunk.bin",
        "application/octet-stream",
        &b"\x00\x01binary"[..],
    );
    let page = quick_client(&server.base_url)
        .append_media_upload("1880028106020515840", chunk)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items()[0].expires_at, Some(1_767_225_600));

    let seen = &server.seen()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/2/media/upload/1880028106020515840/append");
    let content_type = seen.content_type.clone().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let body = String::from_utf8_lossy(&seen.body);
    assert!(
        body.contains("name=\"segment_index\"\r\n\r\n0\r\n"),
        "{body}"
    );
    assert!(body.contains("\x00\x01binary"));
    assert!(body.ends_with(&format!("--{boundary}--\r\n")));
}

#[tokio::test]
async fn streams_own_their_client_and_can_be_spawned() {
    let fake = x_dm::testing::FakeX::start().await.unwrap();
    let client = Client::builder(ACCESS_TOKEN)
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let conversation = x_dm::testing::DEMO_CONVERSATION;
    // The client is dropped before the stream runs: the stream owns a clone.
    let stream = client.dm_events(conversation).max_results(100).items();
    drop(client);
    let events = tokio::spawn(stream.try_collect::<Vec<_>>())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        events.len(),
        fake.dataset().event_count(conversation).unwrap()
    );
}

#[tokio::test]
async fn a_send_whose_2xx_answer_does_not_decode_took_effect() {
    let server = FaultServer::start(vec![Step::status(201, r#"{"data":{"dm_event_id":7}}"#)]).await;
    let error = quick_client(&server.base_url)
        .send_message(CONVERSATION, message("hello"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Decode { status: 201, .. }),
        "{error:?}"
    );
    assert!(error.may_have_taken_effect(), "X carried the send out");
}

#[tokio::test]
async fn a_read_that_fails_never_may_have_taken_effect() {
    let server = FaultServer::start(vec![Step::Drop]).await;
    let error = quick_client(&server.base_url)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 3, .. }),
        "{error:?}"
    );
    assert!(!error.may_have_taken_effect());
    assert!(
        !error.to_string().contains("may have taken effect"),
        "{error}"
    );

    let server = FaultServer::start(vec![Step::status(200, r#"{"data":7}"#)]).await;
    let error = quick_client(&server.base_url)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(!error.may_have_taken_effect());
}

#[tokio::test]
async fn a_path_value_the_url_would_change_is_refused_before_sending() {
    let server = FaultServer::start(vec![Step::status(201, SENT)]).await;
    let client = quick_client(&server.base_url);
    for (value, rule) in [
        ("", "must not be empty"),
        ("..", "must not be `.` or `..`"),
        ("123\n", "must not hold control characters"),
    ] {
        let error = client.dm_event(value).send().await.unwrap_err();
        let Error::InvalidInput(refused) = &error else {
            panic!("{value:?}: expected InvalidInput, got {error:?}")
        };
        assert_eq!(
            (refused.parameter.as_ref(), refused.rule.as_str()),
            ("event_id", rule)
        );
    }
    assert!(server.seen().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn errors_null_in_a_page_reads_as_none() {
    let server = FaultServer::start(vec![Step::ok(
        r#"{"data":[{"id":"1","event_type":"MessageCreate"}],"errors":null,"includes":null,"meta":null}"#,
    )])
    .await;
    let page = quick_client(&server.base_url)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items().len(), 1);
    assert!(page.errors().is_empty());
}
