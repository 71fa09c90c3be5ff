//! The X Activity API's stream, followed against the fake: events as they
//! arrive, a cut stream reconnected with its gap filled by polling, and each
//! event once when a reconnect's backfill sends it again.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::TryStreamExt;
use futures::stream::BoxStream;
use x_dm::engine::Position;
use x_dm::testing::{DEMO_CONVERSATION, FakeX, Fault};
use x_dm::x::operations::ActivityStream;
use x_dm::x::types::ActivityEventType;

use crate::common::subscription;
use x_dm::x::{Activity, Arrival};
use x_dm::{Client, RetryPolicy, WaitReason};

const ME: &str = "1234567890";
/// The other member of the demo conversation.
const THEO: &str = "9876543210";

type Arrivals = BoxStream<'static, Result<Arrival, x_dm::Error>>;

fn client(fake: &FakeX, token: &str, waits: &Arc<Mutex<Vec<WaitReason>>>) -> Client {
    let waits = Arc::clone(waits);
    Client::builder(token)
        .base_url(fake.base_url())
        .retry(
            RetryPolicy::attempts(2)
                .with_delays(Duration::from_millis(40), Duration::from_millis(80)),
        )
        .on_wait(move |wait| waits.lock().unwrap().push(wait.reason))
        .build()
        .unwrap()
}

async fn subscribe_to_received(user: &Client) {
    user.subscribe(subscription(ActivityEventType::DmReceived, ME))
        .send()
        .await
        .unwrap();
}

async fn next(arrivals: &mut Arrivals) -> Arrival {
    tokio::time::timeout(Duration::from_secs(20), arrivals.try_next())
        .await
        .expect("an arrival in time")
        .unwrap()
        .expect("the stream goes on")
}

/// The DM event id an arrival carries, and whether the stream (not a gap
/// fill) delivered it.
fn dm_of(arrival: &Arrival) -> (String, bool) {
    let ids = arrival.activity.dm_event_ids();
    assert_eq!(ids.len(), 1, "{arrival:?}");
    let streamed = matches!(arrival.activity, Activity::Event(_));
    (ids[0].to_owned(), streamed)
}

/// Waits until the fake has opened `count` activity streams in all: what
/// is written afterwards goes out on the last.
async fn streams_reach(fake: &FakeX, count: u64) {
    tokio::time::timeout(Duration::from_secs(20), async {
        while fake.activity_streams_opened() < count {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{count} streams in time"));
}

#[tokio::test]
async fn a_cut_stream_reconnects_and_its_gap_is_filled_from_polling_each_event_once() {
    let fake = FakeX::start().await.unwrap();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let user = client(&fake, "a-user-token", &waits);
    let app = client(&fake, "the-app-bearer-token", &waits);
    subscribe_to_received(&user).await;

    let mut arrivals: Arrivals = app
        .activity_stream()
        .follow()
        .fill_gaps_from(user.inbox())
        // Below the 20 ms floor of each of the two reconnect waits to come.
        .gap(Duration::from_millis(30))
        .stream();
    // Nothing has been requested yet; the first poll notes where the inbox
    // stands, then opens the stream.
    let first = tokio::spawn(async move {
        let arrival = next(&mut arrivals).await;
        (arrival, arrivals)
    });
    streams_reach(&fake, 1).await;

    let live = fake.post_messages(DEMO_CONVERSATION, THEO, 2).unwrap();
    let (arrival, mut arrivals) = first.await.unwrap();
    let second = next(&mut arrivals).await;
    assert_eq!(
        vec![dm_of(&arrival), dm_of(&second)],
        live.iter().map(|id| (id.clone(), true)).collect::<Vec<_>>()
    );
    assert_eq!(arrival.position, Position::after(live[0].clone()));
    assert_eq!(second.position, Position::after(live[1].clone()));

    // Cut, refuse two reconnects, and write while nothing is connected.
    fake.inject_into::<ActivityStream>(Fault::Status(503));
    fake.inject_into::<ActivityStream>(Fault::Status(503));
    fake.cut_activity_streams();
    let missed = fake.post_messages(DEMO_CONVERSATION, THEO, 3).unwrap();
    let mut recovered = Vec::new();
    for _ in 0..3 {
        recovered.push(dm_of(&next(&mut arrivals).await));
    }
    assert_eq!(
        recovered,
        missed
            .iter()
            .map(|id| (id.clone(), false))
            .collect::<Vec<_>>(),
        "the gap is filled by polling, oldest first"
    );

    // The reconnected stream goes on with what is new, and sends none of
    // the recovered events again.
    let after = fake.post_messages(DEMO_CONVERSATION, THEO, 1).unwrap();
    let arrival = next(&mut arrivals).await;
    assert_eq!(dm_of(&arrival), (after[0].clone(), true));
    assert_eq!(arrival.position, Position::after(after[0].clone()));

    let reconnects = waits
        .lock()
        .unwrap()
        .iter()
        .filter(|reason| matches!(reason, WaitReason::Reconnect { .. }))
        .count();
    assert_eq!(reconnects, 2);
    // Each open retries a 503 once itself, as any GET: the two refusals
    // cost one reconnect.
    assert_eq!(
        *waits.lock().unwrap(),
        [
            WaitReason::Reconnect { attempt: 1 },
            WaitReason::Retry { attempt: 1 },
            WaitReason::Reconnect { attempt: 2 },
        ]
    );
}

#[tokio::test]
async fn a_reconnect_whose_backfill_repeats_events_hands_out_only_the_new_one() {
    let fake = FakeX::start().await.unwrap();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let user = client(&fake, "a-user-token", &waits);
    let app = client(&fake, "the-app-bearer-token", &waits);
    subscribe_to_received(&user).await;

    // A minute of backfill on every connection: the fake's clock moves a
    // second per write, so a reconnect sends everything below again.
    let mut arrivals: Arrivals = app.activity_stream().backfill_minutes(1).follow().stream();
    let first = tokio::spawn(async move {
        let arrival = next(&mut arrivals).await;
        (arrival, arrivals)
    });
    streams_reach(&fake, 1).await;
    let posted = fake.post_messages(DEMO_CONVERSATION, THEO, 2).unwrap();
    let (arrival, mut arrivals) = first.await.unwrap();
    let mut seen = vec![dm_of(&arrival).0];
    while seen.last() != posted.last() {
        seen.push(dm_of(&next(&mut arrivals).await).0);
    }

    fake.cut_activity_streams();
    // The stream is read, and reconnects, only while it is polled.
    let reading = tokio::spawn(async move { next(&mut arrivals).await });
    streams_reach(&fake, 2).await;
    let new = fake.post_messages(DEMO_CONVERSATION, THEO, 1).unwrap();
    let arrival = reading.await.unwrap();
    assert_eq!(
        dm_of(&arrival),
        (new[0].clone(), true),
        "the backfill's repeats of {seen:?} are not handed out again"
    );
}

#[tokio::test]
async fn a_refused_token_ends_the_stream_with_an_error_naming_the_apps_token() {
    let fake = FakeX::start().await.unwrap();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let app = client(&fake, "the-app-bearer-token", &waits);
    fake.inject_into::<ActivityStream>(Fault::Status(403));
    let mut arrivals: Arrivals = app.activity_stream().follow().stream();
    let error = tokio::time::timeout(Duration::from_secs(20), arrivals.try_next())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&error, x_dm::Error::Api(api) if api.status == 403 && api.app_only),
        "{error}"
    );
    assert!(
        error.to_string().contains("takes the app's bearer token"),
        "the error names the token it takes: {error}"
    );
    assert!(arrivals.try_next().await.unwrap().is_none(), "and it ends");
}

#[tokio::test]
async fn a_stream_silent_past_the_idle_timeout_is_taken_as_dead_and_reopened() {
    let fake = FakeX::start().await.unwrap();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let app = client(&fake, "the-app-bearer-token", &waits);
    // The fake's keep-alives come every half second: a tenth is too long.
    let mut arrivals: Arrivals = app
        .activity_stream()
        .follow()
        .idle_timeout(Duration::from_millis(100))
        .stream();
    let reading = tokio::spawn(async move { arrivals.try_next().await.map(|_| ()) });
    streams_reach(&fake, 2).await;
    assert!(
        waits
            .lock()
            .unwrap()
            .contains(&WaitReason::Reconnect { attempt: 1 }),
        "reopened after the stall, not cut by anyone"
    );
    reading.abort();
}
