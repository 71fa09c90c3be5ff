//! Killing a command mid-walk, for the tests that resume what it left.

use std::process::{Command, Stdio};
use std::time::Duration;

use x_dm::archive::{Archive, Run};
use x_dm::testing::{FakeConfig, FakeX};

/// A fake whose every response takes a while, so that a kill sent as soon
/// as it has seen a request lands while the walk waits for the answer.
pub async fn slow_fake() -> FakeX {
    FakeX::start_with(FakeConfig::default().with_latency(Duration::from_millis(80)))
        .await
        .unwrap()
}

/// Runs `command` and kills it once `fake` has seen `requests` requests;
/// fails if it finished first.
pub async fn at_request(fake: &FakeX, mut command: Command, requests: usize) {
    let mut child = command.stderr(Stdio::null()).spawn().unwrap();
    while fake.requests() < requests {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("finished ({status}) before request {requests}, so it was never killed");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(!status.success(), "killed before it finished");
}

/// Asserts that the archive at `path`, killed once at request `kill_at` and
/// then synced to the end, is `reference`, the archive an uninterrupted
/// sync builds, event for event; returns its two runs.
pub fn assert_resumed(path: &std::path::Path, reference: &[String], kill_at: usize) -> Vec<Run> {
    let archive = Archive::open_read_only(path).unwrap();
    assert_eq!(
        archive.raw_events().unwrap(),
        reference,
        "killed at {kill_at}"
    );
    let runs = archive.runs().unwrap();
    assert_eq!(runs.len(), 2, "killed at {kill_at}");
    assert_eq!(runs[0].outcome.as_deref(), Some("interrupted"));
    assert!(runs[0].ended_ms.is_none());
    assert_eq!(runs[0].added + runs[1].added, reference.len() as u64);
    runs
}
