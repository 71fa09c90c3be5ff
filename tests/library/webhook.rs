//! The webhook receiver against signed deliveries: the CRC as X computes
//! it, signatures checked, oversized bodies refused, repeats delivered once.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::net::TcpListener;
use x_dm::testing::{WebhookSender, dm_delivery};
use x_dm::x::webhook::{Delivery, MAX_BODY, Receiver, Signer};

const SECRET: &str = "test-consumer-secret";

type Taken = Arc<Mutex<Vec<(Delivery, Bytes)>>>;

/// A receiver on a free port whose consumer takes every delivery (so X has
/// its 200), except those `refuse` picks out by number (0 for the first).
async fn start(refuse: &'static [usize]) -> (WebhookSender, Taken) {
    let (receiver, mut deliveries) = Receiver::new(SECRET);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(receiver.serve_on(listener));
    let taken = Taken::default();
    let consumer = Arc::clone(&taken);
    tokio::spawn(async move {
        let mut count = 0;
        while let Some(received) = deliveries.recv().await {
            if refuse.contains(&count) {
                received.refuse();
            } else {
                let kept = (received.delivery.clone(), received.body.clone());
                consumer.lock().unwrap().push(kept);
            }
            count += 1;
        }
    });
    (WebhookSender::new(url, SECRET), taken)
}

fn taken(taken: &Taken) -> Vec<(Delivery, Bytes)> {
    taken.lock().unwrap().clone()
}

#[tokio::test]
async fn the_crc_answer_is_the_one_xs_documented_example_computes() {
    let (x, _) = start(&[]).await;
    let (status, body) = x.crc("challenge_string").await.unwrap();
    assert_eq!(status, 200);
    // X's Python example (hmac.new(secret, token, sha256), base64) gives,
    // for this secret and token, as `openssl dgst -sha256 -hmac` does:
    let expected = r#"{"response_token":"sha256=wbxoN8scmhw5dqzftzpj6g3uAnVpSktqxDDUHYNfIqA="}"#;
    assert_eq!(body, expected);
}

#[tokio::test]
async fn a_signed_delivery_is_decoded_and_a_repeat_is_delivered_once() {
    let (x, deliveries) = start(&[]).await;
    let body = dm_delivery(
        "4337869213",
        "954491830116155396",
        "3001969357",
        "Hello World!",
    );
    assert_eq!(x.deliver(&body, 3).await.unwrap(), [200, 200, 200]);
    let next = dm_delivery("4337869213", "954491830116155397", "3001969357", "Again");
    assert_eq!(x.deliver(&next, 1).await.unwrap(), [200]);

    let taken = taken(&deliveries);
    assert_eq!(
        taken.len(),
        2,
        "three sends of one, one of another: two deliveries"
    );
    let (delivery, raw) = &taken[0];
    assert_eq!(raw.as_ref(), body.as_slice(), "the body as sent");
    let Delivery::AccountActivity(activity) = delivery else {
        panic!("an Account Activity payload: {delivery:?}");
    };
    assert_eq!(activity.for_user_id, "4337869213");
    assert_eq!(
        activity.direct_message_events[0].text(),
        Some("Hello World!")
    );
    assert_eq!(taken[1].0.id().as_deref(), Some("dm:954491830116155397"));
}

#[tokio::test]
async fn forged_missing_and_oversized_deliveries_are_refused_and_not_delivered() {
    let (x, deliveries) = start(&[]).await;
    let body = dm_delivery("1", "2", "3", "forged");
    // What a forger without the consumer secret can produce.
    let wrong = Signer::new("another-secret").sign(&body);
    assert_eq!(x.send(&body, Some(&wrong), 1).await.unwrap(), [401]);
    assert_eq!(x.send(&body, None, 1).await.unwrap(), [401]);
    assert_eq!(x.send(&body, Some("sha256=AAAA"), 1).await.unwrap(), [401]);
    assert_eq!(
        x.send(&body, Some("not-a-signature"), 1).await.unwrap(),
        [401]
    );

    // Signed right, but one byte over the limit.
    let mut big = br#"{"for_user_id":"1","padding":""#.to_vec();
    big.resize(MAX_BODY - 1, b'x');
    big.extend_from_slice(br#""}"#);
    assert_eq!(big.len(), MAX_BODY + 1);
    assert_eq!(x.deliver(&big, 1).await.unwrap(), [413]);
    assert!(taken(&deliveries).is_empty(), "nothing delivered");

    // A refused delivery is no repeat: the same body, signed, arrives.
    assert_eq!(x.deliver(&body, 1).await.unwrap(), [200]);
    assert_eq!(taken(&deliveries).len(), 1);
}

#[tokio::test]
async fn a_delivery_the_consumer_refuses_is_answered_503_and_taken_when_sent_again() {
    let (x, deliveries) = start(&[0]).await;
    let body = dm_delivery("1", "77", "3", "retry me");
    assert_eq!(x.deliver(&body, 1).await.unwrap(), [503]);
    assert!(taken(&deliveries).is_empty());
    assert_eq!(x.deliver(&body, 2).await.unwrap(), [200, 200]);
    assert_eq!(
        taken(&deliveries).len(),
        1,
        "taken once when X sent it again"
    );
}

#[tokio::test]
async fn activity_events_are_deduplicated_by_event_uuid() {
    let (x, deliveries) = start(&[]).await;
    let event = |text: &str| {
        format!(
            r#"{{"data":{{"event_uuid":"-6850472171600526495","event_type":"dm.received","filter":{{"user_id":"1"}},"payload":{{"direct_message_events":[{{"type":"message_create","id":"5","message_create":{{"target":{{"recipient_id":"1"}},"sender_id":"2","message_data":{{"text":"{text}"}}}}}}]}}}}}}"#
        )
        .into_bytes()
    };
    assert_eq!(x.deliver(&event("first"), 1).await.unwrap(), [200]);
    // A replay of the same event, bytes not quite the same.
    assert_eq!(x.deliver(&event("first "), 1).await.unwrap(), [200]);
    let taken = taken(&deliveries);
    assert_eq!(taken.len(), 1);
    let Delivery::Activity(activity) = &taken[0].0 else {
        panic!("an Activity event");
    };
    assert_eq!(activity.event_type, "dm.received");
    assert_eq!(activity.dm_events().unwrap()[0].text(), Some("first"));
}
