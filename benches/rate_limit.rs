//! How well a walk uses a rate limit: 200 pages against FakeX with a
//! compressed window of 20 requests per 2 s. Reports the share of the allowed
//! requests used per window, the 429s drawn and the time against the
//! theoretical minimum.

use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use x_dm::testing::{DEMO_CONVERSATION, FakeX};

const LIMIT: u32 = 20;
const WINDOW: Duration = Duration::from_secs(2);
const PAGES: usize = 200;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let fake = FakeX::start().await.unwrap();
        let client = x_dm::Client::builder("token")
            .base_url(fake.base_url())
            .build()
            .unwrap();
        fake.set_rate_limit(LIMIT, WINDOW);
        let started = Instant::now();
        // 1,240 events at 6 a page is more than 200 pages.
        let pages: Vec<_> = client
            .dm_events(DEMO_CONVERSATION)
            .max_results(6)
            .pages()
            .take(PAGES)
            .try_collect()
            .await
            .unwrap();
        let elapsed = started.elapsed();
        assert_eq!(pages.len(), PAGES);

        let requests = fake.requests();
        let rejected = requests - PAGES;

        // Pages per window, as the fake's own headers placed them.
        let mut per_window: Vec<(i64, usize)> = Vec::new();
        for page in &pages {
            let reset = page
                .rate_limits()
                .window
                .and_then(|w| w.reset)
                .map_or(0, |t| t.timestamp());
            match per_window.last_mut() {
                Some((last, count)) if *last == reset => *count += 1,
                _ => per_window.push((reset, 1)),
            }
        }
        // Every window but the last is one the walk could have filled.
        let full = &per_window[..per_window.len() - 1];
        let used = full.iter().map(|(_, count)| *count as f64).sum::<f64>()
            / (full.len() as f64 * f64::from(LIMIT));

        // The first window ends at its advertised reset; each further window
        // that is needed costs one window length.
        let first_reset = per_window[0].0 as f64;
        let started_at = wall_clock_at(started);
        let minimum = (first_reset - started_at).max(0.0)
            + WINDOW.as_secs_f64() * (PAGES.div_ceil(LIMIT as usize) - 2) as f64;
        println!(
            "rate_limit/pages: {PAGES} at {LIMIT} requests per {WINDOW:?}, in {} windows",
            per_window.len()
        );
        println!("rate_limit/requests_sent: {requests} ({rejected} drew a 429)");
        println!(
            "rate_limit/allowed_requests_used_per_window: {:.1}%",
            used * 100.0
        );
        println!(
            "rate_limit/total_time: {:.2} s against a theoretical minimum of {:.2} s ({:+.1}%)",
            elapsed.as_secs_f64(),
            minimum,
            (elapsed.as_secs_f64() / minimum - 1.0) * 100.0
        );
    });
}

/// The wall-clock time (Unix seconds) at which `instant` happened.
fn wall_clock_at(instant: Instant) -> f64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    (now - instant.elapsed()).as_secs_f64()
}
