//! End-to-end: the built `x-dm` binary against the built-in fake X API.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use x_dm::testing::{DEMO_CONVERSATION, FakeX, Fault};

/// The binary, with no credential in its environment unless a test adds one.
fn x_dm() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
    for name in ["X_ACCESS_TOKEN", "TWEETAPI_KEY", "TWEETAPI_AUTH_TOKEN"] {
        command.env_remove(name);
    }
    command
}

/// Runs `command` off the async runtime, which keeps serving the fake.
async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn against(fake: &FakeX) -> Command {
    let mut command = x_dm();
    command
        .env("X_ACCESS_TOKEN", "test-token")
        .args(["--base-url", &fake.base_url()]);
    command
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("x-dm-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// Every id once, in strictly decreasing order (newest first), and how many.
fn assert_complete_and_ordered(events: &[Value], expected: usize) {
    let ids: Vec<u128> = events
        .iter()
        .map(|e| e["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids.len(), expected, "every event");
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "no duplicates"
    );
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exporting_all_events_as_jsonl_gives_each_once_in_order_with_unknown_fields() {
    let fake = FakeX::start().await.unwrap();
    let expected = fake.dataset().event_count(DEMO_CONVERSATION).unwrap();
    let out = temp_dir("all").join("events.jsonl");
    let mut command = against(&fake);
    // Expanding referenced Tweets brings the page whose Tweet is gone.
    let expansions = "sender_id,referenced_tweets.id";
    command
        .args([
            "events",
            DEMO_CONVERSATION,
            "--all",
            "--expansions",
            expansions,
            "--format",
            "jsonl",
            "-o",
        ])
        .arg(&out);
    let result = run(command).await;
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );

    let events = lines(&out);
    assert!(expected >= 1000);
    assert_complete_and_ordered(&events, expected);
    let raw = std::fs::read_to_string(&out).unwrap();
    assert!(raw.contains("\"reactions\""), "unknown fields survive");
    assert!(
        String::from_utf8_lossy(&result.stderr).contains("warning:"),
        "the page with a partial error is reported on stderr"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_killed_midway_resumes_from_its_checkpoint_with_every_event_once() {
    let fake = FakeX::start().await.unwrap();
    let expected = fake.dataset().event_count(DEMO_CONVERSATION).unwrap();
    for _ in 0..30 {
        fake.inject(Fault::Slow(Duration::from_millis(60)));
    }
    let dir = temp_dir("resume");
    let (out, checkpoint) = (dir.join("events.jsonl"), dir.join("events.checkpoint"));
    let args = |command: &mut Command| {
        command
            .args([
                "events",
                DEMO_CONVERSATION,
                "--all",
                "--max-results",
                "20",
                "--format",
                "jsonl",
                "-o",
            ])
            .arg(&out)
            .arg("--checkpoint")
            .arg(&checkpoint);
    };

    let mut first = against(&fake);
    args(&mut first);
    let mut child = first
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::metadata(&out).map_or(0, |m| m.len()) < 20_000
        && started.elapsed() < Duration::from_secs(20)
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    let _ = child.wait();
    let partial = std::fs::read_to_string(&out).unwrap().lines().count();
    assert!(
        partial > 0 && partial < expected,
        "killed midway ({partial} of {expected})"
    );

    let mut second = against(&fake);
    args(&mut second);
    let result = run(second).await;
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert_complete_and_ordered(&lines(&out), expected);

    // The finished checkpoint makes a third run a no-op.
    let mut third = against(&fake);
    args(&mut third);
    let before = fake.requests();
    assert!(run(third).await.status.success());
    assert_eq!(fake.requests(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_exits_2_without_a_request() {
    let fake = FakeX::start().await.unwrap();
    let cases: [&[&str]; 4] = [
        &["events", "not-an-id"],
        &["events", DEMO_CONVERSATION, "--max-results", "0"],
        &["events", DEMO_CONVERSATION, "--fields", "id,txt"],
        &["conversation", "group-1"],
    ];
    for case in cases {
        let mut command = against(&fake);
        command.args(case);
        let result = run(command).await;
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{case:?}: {stderr}");
        assert!(
            stderr.contains("must") || stderr.contains("valid values"),
            "{case:?}: {stderr}"
        );
    }
    assert_eq!(fake.requests(), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_export_waits_and_still_completes() {
    let fake = FakeX::start().await.unwrap();
    fake.set_rate_limit(2, Duration::from_secs(2));
    let out = temp_dir("rate").join("events.jsonl");
    let mut command = against(&fake);
    command
        .args([
            "events",
            DEMO_CONVERSATION,
            "--limit",
            "300",
            "--max-results",
            "50",
            "--format",
            "jsonl",
            "-o",
        ])
        .arg(&out);
    let started = Instant::now();
    let result = run(command).await;
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited for a reset"
    );
    let events = lines(&out);
    assert_eq!(events.len(), 300);
    assert_eq!(
        events
            .iter()
            .map(|e| e["id"].to_string())
            .collect::<HashSet<_>>()
            .len(),
        300
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_matches_its_snapshot() {
    let fake = FakeX::start().await.unwrap();
    let mut command = against(&fake);
    command.args([
        "events",
        DEMO_CONVERSATION,
        "--limit",
        "25",
        "--format",
        "table",
    ]);
    let result = run(command).await;
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    expectorate::assert_contents(
        "tests/snapshots/cli_table.txt",
        &String::from_utf8(result.stdout).unwrap(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_needs_no_credentials() {
    for args in [
        &[
            "--demo",
            "events",
            DEMO_CONVERSATION,
            "--limit",
            "3",
            "--format",
            "jsonl",
        ][..],
        &["--demo", "conversations", "--all", "--format", "jsonl"],
        &[
            "--demo",
            "tweetapi",
            "conversation",
            DEMO_CONVERSATION,
            "--limit",
            "3",
            "--format",
            "jsonl",
        ],
    ] {
        let mut command = x_dm();
        command.args(args);
        let result = run(command).await;
        assert!(
            result.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        let items: Vec<Value> = String::from_utf8(result.stdout)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert!(!items.is_empty(), "{args:?}");
        assert!(items.iter().all(|item| item["id"].is_string()), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_credential_the_message_names_the_variable() {
    let result = run({
        let mut command = x_dm();
        command.args(["events", DEMO_CONVERSATION]);
        command
    })
    .await;
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("X_ACCESS_TOKEN"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkpoint_of_another_conversation_is_refused() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("other");
    let (out, checkpoint) = (dir.join("a.jsonl"), dir.join("a.checkpoint"));
    let mut first = against(&fake);
    first
        .args(["events", DEMO_CONVERSATION, "--limit", "5", "-o"])
        .arg(&out)
        .arg("--checkpoint")
        .arg(&checkpoint);
    assert!(run(first).await.status.success());

    let data = fake.dataset();
    let other = data
        .conversation_ids()
        .find(|id| *id != DEMO_CONVERSATION)
        .unwrap();
    let mut second = against(&fake);
    second
        .args(["events", other, "--limit", "5", "-o"])
        .arg(&out)
        .arg("--checkpoint")
        .arg(&checkpoint);
    let result = run(second).await;
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("this checkpoint is for"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_output_option_may_come_before_the_command_and_a_checkpoint_needs_it() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("global-output");
    let (out, checkpoint) = (dir.join("e.json"), dir.join("e.checkpoint"));
    let mut command = against(&fake);
    command
        .arg("-o")
        .arg(&out)
        .args([
            "--format",
            "json",
            "events",
            DEMO_CONVERSATION,
            "--limit",
            "120",
            "--checkpoint",
        ])
        .arg(&checkpoint);
    let result = run(command).await;
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let events: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(events.len(), 120, "a complete JSON array");

    let mut command = against(&fake);
    command
        .args(["events", DEMO_CONVERSATION, "--checkpoint"])
        .arg(dir.join("other.checkpoint"));
    let result = run(command).await;
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("--checkpoint needs --output"));
}
