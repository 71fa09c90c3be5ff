//! Watching for new DM events against the fake: each once, oldest first,
//! across bursts, restarts, failures and rate limits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use x_dm::engine::{Batch, Position, Start};
use x_dm::testing::{DEMO_CONVERSATION, FakeConfig, FakeX, Fault};
use x_dm::x::types::DmEventExpansion;
use x_dm::{Client, Item, RetryPolicy, WaitReason};

/// The other member of the demo conversation.
const THEO: &str = "9876543210";

/// How often the watches here poll.
const QUICK: Duration = Duration::from_millis(20);

fn client(fake: &FakeX) -> Client {
    Client::builder("test-token")
        .base_url(fake.base_url())
        .retry(
            RetryPolicy::attempts(2)
                .with_delays(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

type Batches = BoxStream<'static, Result<Batch<Item<x_dm::x::types::DmEvent>>, x_dm::Error>>;

async fn next(batches: &mut Batches) -> Batch<Item<x_dm::x::types::DmEvent>> {
    tokio::time::timeout(Duration::from_secs(20), batches.try_next())
        .await
        .expect("a batch in time")
        .unwrap()
        .expect("the watch goes on")
}

fn ids(batch: &Batch<Item<x_dm::x::types::DmEvent>>) -> Vec<String> {
    batch.items.iter().map(|event| event.id.clone()).collect()
}

/// Batches until `count` events came, each event's id in order.
async fn collect(batches: &mut Batches, count: usize) -> Vec<String> {
    let mut seen = Vec::new();
    while seen.len() < count {
        seen.extend(ids(&next(batches).await));
    }
    seen
}

#[tokio::test]
async fn a_watch_from_now_yields_only_what_arrives_after_it_oldest_first_as_sent() {
    let fake = FakeX::start().await.unwrap();
    let data = fake.dataset();
    let newest = data
        .conversation_ids()
        .filter_map(|id| {
            data.events(id)?.first()?["id"]
                .as_str()?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap()
        .to_string();
    let mut batches = client(&fake)
        .inbox()
        .expansions([DmEventExpansion::SenderId])
        .watch()
        .interval(QUICK)
        .stream();
    let first = next(&mut batches).await;
    assert!(first.items.is_empty(), "nothing that was there before");
    assert_eq!(first.position(), &Position::after(newest));

    let posted = fake.post_messages(DEMO_CONVERSATION, THEO, 3).unwrap();
    let batch = next(&mut batches).await;
    assert_eq!(ids(&batch), posted, "each new event, oldest first");
    assert_eq!(batch.position(), &Position::after(posted[2].clone()));
    assert_eq!(batch.position_before(1), Position::after(posted[0].clone()));
    assert_eq!(batch.position_before(0), *first.position());
    let raw: serde_json::Value = serde_json::from_str(batch.items[0].raw_json().unwrap()).unwrap();
    assert_eq!(raw["sender_id"], THEO, "the request's expansions are kept");
    let sender = batch.items[0].sender().unwrap();
    assert_eq!(sender.id, THEO, "and joined to what the page included");

    let quiet = next(&mut batches).await;
    assert!(quiet.items.is_empty(), "nothing twice");
    assert_eq!(quiet.position(), batch.position());
}

#[tokio::test]
async fn a_burst_of_250_between_two_polls_is_delivered_complete_and_in_order() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let mut batches = client
        .dm_events(DEMO_CONVERSATION)
        .watch()
        .interval(QUICK)
        .stream();
    next(&mut batches).await;
    let before = fake.requests();
    let posted = fake.post_messages(DEMO_CONVERSATION, THEO, 250).unwrap();
    let burst = next(&mut batches).await;
    assert_eq!(ids(&burst), posted, "all 250, oldest first, once each");
    assert_eq!(
        fake.requests() - before,
        3,
        "three pages of 100 reach the last event seen, and no more"
    );
}

#[tokio::test]
async fn events_arriving_mid_walk_shift_the_pages_but_come_once() {
    let fake = FakeX::start().await.unwrap();
    let mut batches = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .max_results(10)
        .watch()
        .interval(QUICK)
        .stream();
    next(&mut batches).await;
    let mut posted = fake.post_messages(DEMO_CONVERSATION, THEO, 15).unwrap();
    // The second page is served late; meanwhile 4 more arrive, which moves
    // every offset on by 4.
    fake.inject(Fault::Slow(Duration::ZERO));
    fake.inject(Fault::Slow(Duration::from_millis(300)));
    let during = tokio::spawn(async move {
        let batch = next(&mut batches).await;
        (batch, batches)
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    posted.extend(fake.post_messages(DEMO_CONVERSATION, THEO, 4).unwrap());
    let (batch, mut batches) = during.await.unwrap();
    let mut seen = ids(&batch);
    seen.extend(collect(&mut batches, posted.len() - seen.len()).await);
    assert_eq!(seen, posted, "once each, in order, though pages repeated");
}

#[tokio::test]
async fn a_saved_position_resumes_with_nothing_lost_or_repeated() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let mut batches = client.inbox().watch().interval(QUICK).stream();
    next(&mut batches).await;
    let first = fake.post_messages(DEMO_CONVERSATION, THEO, 2).unwrap();
    let batch = next(&mut batches).await;
    assert_eq!(ids(&batch), first);
    let saved = serde_json::to_string(batch.position()).unwrap();
    drop(batches);

    // While no watch runs, more arrive, in two conversations.
    let mut missed = fake.post_messages(DEMO_CONVERSATION, THEO, 2).unwrap();
    let group = fake.dataset().conversation_ids().nth(1).unwrap().to_owned();
    let member = fake.dataset().events(&group).unwrap()[0]["sender_id"]
        .as_str()
        .unwrap()
        .to_owned();
    missed.extend(fake.post_messages(&group, &member, 2).unwrap());

    let position: Position = serde_json::from_str(&saved).unwrap();
    let mut resumed = client
        .inbox()
        .watch()
        .start(Start::At(position))
        .interval(QUICK)
        .stream();
    assert_eq!(ids(&next(&mut resumed).await), missed);
}

#[tokio::test]
async fn a_backfill_hands_out_the_newest_n_oldest_first_then_what_arrives() {
    let fake = FakeX::start().await.unwrap();
    let there: Vec<String> = fake.dataset().events(DEMO_CONVERSATION).unwrap()[..150]
        .iter()
        .rev()
        .map(|event| event["id"].as_str().unwrap().to_owned())
        .collect();
    let mut batches = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .watch()
        .start(Start::Backfill(150))
        .interval(QUICK)
        .stream();
    assert_eq!(ids(&next(&mut batches).await), there);
    let posted = fake.post_messages(DEMO_CONVERSATION, THEO, 1).unwrap();
    assert_eq!(collect(&mut batches, 1).await, posted);
}

#[tokio::test]
async fn server_errors_429s_cut_bodies_and_timeouts_are_waited_out_without_loss() {
    let fake = FakeX::start().await.unwrap();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let client = {
        let waits = Arc::clone(&waits);
        Client::builder("test-token")
            .base_url(fake.base_url())
            .timeout(Duration::from_millis(300))
            .retry(
                RetryPolicy::attempts(2)
                    .with_delays(Duration::from_millis(5), Duration::from_millis(20)),
            )
            .on_wait(move |wait| waits.lock().unwrap().push(wait.reason))
            .build()
            .unwrap()
    };
    let mut batches = client.inbox().watch().interval(QUICK).stream();
    next(&mut batches).await;
    let posted = fake.post_messages(DEMO_CONVERSATION, THEO, 5).unwrap();
    // Two attempts per poll: each pair of faults fails one whole poll.
    for fault in [
        Fault::Status(503),
        Fault::Status(502),
        Fault::Truncate,
        Fault::Truncate,
        Fault::Slow(Duration::from_secs(2)),
        Fault::Slow(Duration::from_secs(2)),
        Fault::Status(429),
    ] {
        fake.inject(fault);
    }
    assert_eq!(collect(&mut batches, 5).await, posted);
    let waits = waits.lock().unwrap();
    let retries = waits
        .iter()
        .filter(|reason| matches!(reason, WaitReason::Retry { .. }))
        .count();
    assert!(retries >= 6, "every failure waited out: {waits:?}");
    assert!(waits.contains(&WaitReason::TooManyRequests), "{waits:?}");
}

#[tokio::test]
async fn an_exhausted_window_is_waited_for_instead_of_drawing_a_429() {
    let fake = FakeX::start_with(FakeConfig::default().with_rate_limit(2, Duration::from_secs(2)))
        .await
        .unwrap();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let client = {
        let waits = Arc::clone(&waits);
        Client::builder("test-token")
            .base_url(fake.base_url())
            .on_wait(move |wait| waits.lock().unwrap().push(wait.reason))
            .build()
            .unwrap()
    };
    let batches = client.inbox().watch().interval(QUICK).stream();
    let polls: Vec<_> = batches.take(4).try_collect().await.unwrap();
    assert_eq!(polls.len(), 4);
    let waits = waits.lock().unwrap();
    assert!(waits.contains(&WaitReason::RateLimitExhausted), "{waits:?}");
    assert!(!waits.contains(&WaitReason::TooManyRequests), "{waits:?}");
}

#[tokio::test]
async fn a_refused_request_ends_the_watch_with_its_error() {
    let fake = FakeX::start().await.unwrap();
    fake.inject(Fault::Status(403));
    let mut batches = client(&fake).inbox().watch().interval(QUICK).stream();
    let error = batches.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&error, x_dm::Error::Api(api) if api.status == 403),
        "{error}"
    );
    assert!(batches.next().await.is_none());
}
