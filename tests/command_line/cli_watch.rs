//! `x-dm watch` and `x-dm webhook serve` end to end: the built binary
//! against the fake and signed deliveries, killed and restarted, each new
//! event written once.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use x_dm::testing::{DEMO_CONVERSATION, FakeX, WebhookSender, dm_delivery};
use x_dm::x::webhook::Signer;

/// The other member of the demo conversation.
const THEO: &str = "9876543210";

fn watch(fake: &FakeX, state: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
    command
        .env("X_ACCESS_TOKEN", "test-token")
        .args([
            "--base-url",
            &fake.base_url(),
            "watch",
            "--interval",
            "0.02",
        ])
        .arg("--state")
        .arg(state)
        .args(extra);
    command
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("x-dm-watch-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn appending(path: &Path) -> File {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap()
}

/// The ids of the file's lines, each line whole JSON.
fn ids(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| {
            let event: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            event["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A watch this test started, killed if the test fails before it ends it,
/// so that no run outlives its test.
struct Running(Option<Child>);

impl Running {
    fn spawn(command: &mut Command) -> Self {
        Self(Some(command.spawn().unwrap()))
    }

    fn child(&mut self) -> &mut Child {
        self.0.as_mut().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn terminate(running: &mut Running) {
    let pid = i32::try_from(running.child().id()).unwrap();
    // SAFETY: sends a signal to a child this test started and still owns.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
}

async fn exit_code(mut running: Running) -> Option<i32> {
    let mut child = running.0.take().unwrap();
    tokio::task::spawn_blocking(move || child.wait().unwrap().code())
        .await
        .unwrap()
}

fn saved_position(state: &Path) -> Value {
    let state: Value = serde_json::from_slice(&fs::read(state).unwrap()).unwrap();
    state["position"]["after"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_several_moments_and_restarted_each_event_is_written_once_in_order() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("kill");
    let (out, state) = (dir.join("events.jsonl"), dir.join("state.json"));
    let mut expected = Vec::new();
    // From immediately after the posts (before a poll) to well after them
    // (mid-write, mid-save, idle), with bursts of more than one page.
    for (round, delay) in [0u64, 3, 8, 20, 45, 90, 200].into_iter().enumerate() {
        let mut child = Running::spawn(watch(&fake, &state, &[]).stdout(appending(&out)));
        if round == 0 {
            until("the first position", || state.exists()).await;
        }
        expected.extend(fake.post_messages(DEMO_CONVERSATION, THEO, 130).unwrap());
        tokio::time::sleep(Duration::from_millis(delay)).await;
        child.child().kill().unwrap();
        child.child().wait().unwrap();
    }
    let mut child = Running::spawn(watch(&fake, &state, &[]).stdout(appending(&out)));
    expected.extend(fake.post_messages(DEMO_CONVERSATION, THEO, 3).unwrap());
    until("every event", || ids(&out).len() >= expected.len()).await;
    terminate(&mut child);
    assert_eq!(exit_code(child).await, Some(0));
    assert_eq!(ids(&out), expected, "every event once, oldest first");
    assert_eq!(saved_position(&state), expected.last().unwrap().as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_after_writing_but_before_saving_repeats_nothing() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("unsaved");
    let (out, state) = (dir.join("events.jsonl"), dir.join("state.json"));
    let output = ["--output", out.to_str().unwrap()];
    let mut child = Running::spawn(&mut watch(&fake, &state, &output));
    until("the first position", || state.exists()).await;
    let before = fs::read(&state).unwrap();
    let posted = fake.post_messages(DEMO_CONVERSATION, THEO, 5).unwrap();
    until("five events", || ids(&out).len() == 5).await;
    terminate(&mut child);
    assert_eq!(exit_code(child).await, Some(0));

    // What a kill between the write and the save leaves: the state of
    // before the batch, and the batch's lines, the last one half written.
    fs::write(&state, before).unwrap();
    let written = fs::read(&out).unwrap();
    fs::write(&out, &written[..written.len() - 20]).unwrap();

    let mut child = Running::spawn(&mut watch(&fake, &state, &output));
    let more = fake.post_messages(DEMO_CONVERSATION, THEO, 2).unwrap();
    until("seven events", || {
        fs::read_to_string(&out).is_ok_and(|text| text.ends_with('\n') && text.lines().count() == 7)
    })
    .await;
    terminate(&mut child);
    assert_eq!(exit_code(child).await, Some(0));
    let expected: Vec<String> = posted.into_iter().chain(more).collect();
    assert_eq!(
        ids(&out),
        expected,
        "the half line written whole, nothing twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_the_reader_lags_finishes_the_batch_and_saves_it() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("term");
    let state = dir.join("state.json");
    let mut child = Running::spawn(watch(&fake, &state, &[]).stdout(Stdio::piped()));
    until("the first position", || state.exists()).await;
    // More than the watch's buffer and a pipe hold together (about 270 KB
    // against 128 KB): the watch blocks mid-batch until the pipe is read.
    let posted = fake.post_messages(DEMO_CONVERSATION, THEO, 3000).unwrap();
    let mut stdout = child.child().stdout.take().unwrap();
    // The first byte says the batch is being written; the signal lands
    // while the rest of it waits for the pipe.
    let (stdout, first) = tokio::task::spawn_blocking(move || {
        let mut first = [0u8; 1];
        stdout.read_exact(&mut first).unwrap();
        (stdout, first)
    })
    .await
    .unwrap();
    terminate(&mut child);
    let text = tokio::task::spawn_blocking(move || {
        let mut stdout = stdout;
        let mut rest = Vec::new();
        stdout.read_to_end(&mut rest).unwrap();
        let mut text = vec![first[0]];
        text.extend(rest);
        String::from_utf8(text).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(exit_code(child).await, Some(0));
    let written: Vec<String> = text
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(written, posted, "the whole batch, once");
    assert_eq!(saved_position(&state), posted.last().unwrap().as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_exec_stops_with_exit_1_before_its_event_and_a_restart_offers_it_again() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("exec");
    let state = dir.join("state.json");
    let (seen, again) = (dir.join("seen.jsonl"), dir.join("again.jsonl"));
    let failing = format!(
        "cat >> '{}'; [ \"$(wc -l < '{}')\" -lt 3 ]",
        seen.display(),
        seen.display()
    );
    let child = Running::spawn(&mut watch(&fake, &state, &["--exec", &failing]));
    until("the first position", || state.exists()).await;
    let posted = fake.post_messages(DEMO_CONVERSATION, THEO, 5).unwrap();
    assert_eq!(exit_code(child).await, Some(1));
    assert_eq!(
        ids(&seen),
        posted[..3],
        "run once per event, in order, up to the failure"
    );
    assert_eq!(
        saved_position(&state),
        posted[1].as_str(),
        "the position stays before the event whose command failed"
    );

    let collecting = format!("cat >> '{}'", again.display());
    let mut child = Running::spawn(&mut watch(&fake, &state, &["--exec", &collecting]));
    until("the rest", || ids(&again).len() >= 3).await;
    terminate(&mut child);
    assert_eq!(exit_code(child).await, Some(0));
    assert_eq!(
        ids(&again),
        posted[2..],
        "offered again from the failed one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backfill_then_a_conversation_state_refused_for_the_inbox() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("backfill");
    let (out, state) = (dir.join("events.jsonl"), dir.join("state.json"));
    let newest: Vec<String> = fake.dataset().events(DEMO_CONVERSATION).unwrap()[..3]
        .iter()
        .rev()
        .map(|event| event["id"].as_str().unwrap().to_owned())
        .collect();
    let mut child = Running::spawn(
        watch(
            &fake,
            &state,
            &["--conversation", DEMO_CONVERSATION, "--backfill", "3"],
        )
        .stdout(appending(&out)),
    );
    until("the backfill", || ids(&out).len() == 3).await;
    terminate(&mut child);
    assert_eq!(exit_code(child).await, Some(0));
    assert_eq!(ids(&out), newest, "the newest three, oldest first");

    let refused = watch(&fake, &state, &[]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("conversation"), "{message}");
    let table = watch(&fake, &dir.join("other.json"), &["--format", "table"])
        .output()
        .unwrap();
    assert_eq!(table.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_serve_answers_the_crc_and_writes_each_signed_delivery_once() {
    let dir = temp_dir("webhook");
    let out = dir.join("deliveries.jsonl");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let serve = |secret: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
        command.env_remove("X_CONSUMER_SECRET").args([
            "webhook",
            "serve",
            "--port",
            &port.to_string(),
        ]);
        if let Some(secret) = secret {
            command.env("X_CONSUMER_SECRET", secret);
        }
        command
    };
    let refused = serve(None).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("X_CONSUMER_SECRET"));

    let mut child = Running::spawn(serve(Some("cli-secret")).stdout(appending(&out)));
    let x = WebhookSender::new(format!("http://127.0.0.1:{port}/"), "cli-secret");
    let deadline = Instant::now() + Duration::from_secs(30);
    let crc = loop {
        match x.crc("challenge_string").await {
            Ok(answer) => break answer,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(error) => panic!("the server never came up: {error}"),
        }
    };
    let expected = Signer::new("cli-secret").crc_response("challenge_string");
    assert_eq!(crc.0, 200);
    assert_eq!(serde_json::from_str::<Value>(&crc.1).unwrap(), expected);

    let first = dm_delivery("1234567890", "1800000000000000001", "9876543210", "hi");
    let second = dm_delivery("1234567890", "1800000000000000002", "9876543210", "again");
    assert_eq!(x.deliver(&first, 2).await.unwrap(), [200, 200]);
    assert_eq!(
        x.send(&second, Some("sha256=forged"), 1).await.unwrap(),
        [401]
    );
    assert_eq!(x.deliver(&second, 1).await.unwrap(), [200]);
    terminate(&mut child);
    assert_eq!(exit_code(child).await, Some(0));
    let lines: Vec<Value> = fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            serde_json::from_slice::<Value>(&first).unwrap(),
            serde_json::from_slice::<Value>(&second).unwrap()
        ],
        "each delivery once, as sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_register_list_validate_replay_and_delete_take_the_apps_token() {
    let fake = FakeX::start().await.unwrap();
    let base_url = fake.base_url();
    let run = move |token: Option<&str>, args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
        command
            .env_remove("X_BEARER_TOKEN")
            .env("X_ACCESS_TOKEN", "a-user-token")
            .args(["--base-url", &base_url, "webhook"])
            .args(args);
        if let Some(token) = token {
            command.env("X_BEARER_TOKEN", token);
        }
        let output = command.output().unwrap();
        let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        (
            output.status.code(),
            lines,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let app = Some("an-app-token");
    let (code, _, stderr) = run(None, &["list"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("X_BEARER_TOKEN"), "{stderr}");

    let (code, created, _) = run(app, &["register", "https://bot.example.com/x"]);
    assert_eq!(code, Some(0));
    let id = created[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(created[0]["valid"], true);
    let (_, listed, _) = run(app, &["list"]);
    assert_eq!(listed, created, "one line per webhook, as sent");
    assert_eq!(
        run(app, &["validate", &id]).1,
        [serde_json::json!({"valid": true})]
    );
    let (code, job, _) = run(
        app,
        &[
            "replay",
            &id,
            "--from",
            "202612010930",
            "--to",
            "2026-12-01T10:00:00Z",
        ],
    );
    assert_eq!(code, Some(0));
    assert!(job[0]["job_id"].is_string());
    let (code, _, stderr) = run(
        app,
        &[
            "replay",
            &id,
            "--from",
            "202612011000",
            "--to",
            "202612010930",
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(
        run(app, &["delete", &id]).1,
        [serde_json::json!({"deleted": true})]
    );
    assert!(fake.dataset().webhooks().is_empty());
    assert_eq!(run(app, &["delete", &id]).0, Some(1), "gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_subscribe_list_and_delete_take_the_users_token() {
    let fake = FakeX::start().await.unwrap();
    let base_url = fake.base_url();
    let run = move |token: Option<&str>, args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
        command
            .env_remove("X_ACCESS_TOKEN")
            .args(["--base-url", &base_url, "activity"])
            .args(args);
        if let Some(token) = token {
            command.env("X_ACCESS_TOKEN", token);
        }
        let output = command.output().unwrap();
        let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        (
            output.status.code(),
            lines,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let user = Some("a-user-token");
    let (code, _, stderr) = run(None, &["list"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("X_ACCESS_TOKEN"), "{stderr}");
    let (code, _, stderr) = run(user, &["subscribe", "--events", "dm.everything"]);
    assert_eq!(code, Some(2), "an unknown event type: {stderr}");

    let (code, made, _) = run(
        user,
        &[
            "subscribe",
            "--events",
            "dm.received,dm.sent",
            "--user-id",
            "1234567890",
        ],
    );
    assert_eq!(code, Some(0));
    let types: Vec<&str> = made
        .iter()
        .map(|line| line["subscription"]["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["dm.received", "dm.sent"],
        "one subscription per type"
    );
    let (_, listed, _) = run(user, &["list", "--user-id", "1234567890"]);
    assert_eq!(listed.len(), 2);
    let id = listed[0]["subscription_id"].as_str().unwrap().to_owned();
    assert_eq!(
        run(user, &["delete", &id]).1,
        [serde_json::json!({"deleted": true})]
    );
    assert_eq!(fake.dataset().subscriptions().len(), 1);
}

/// The DM event id of a line `watch --source stream` wrote, and whether it
/// is a stream line (`{"data": …}`) rather than a DM event a gap fill found.
fn stream_line_ids(path: &Path) -> Vec<(String, bool)> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| {
            let line: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            match line["data"]["payload"]["direct_message_events"][0]["id"].as_str() {
                Some(id) => (id.to_owned(), true),
                None => (line["id"].as_str().unwrap().to_owned(), false),
            }
        })
        .collect()
}

fn watch_stream(fake: &FakeX, state: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
    command
        .env("X_ACCESS_TOKEN", "test-user-token")
        .env("X_BEARER_TOKEN", "test-app-token")
        .args([
            "--base-url",
            &fake.base_url(),
            "watch",
            "--source",
            "stream",
        ])
        .arg("--state")
        .arg(state);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_source_stream_killed_and_restarted_fills_the_gap_and_writes_each_dm_once() {
    let fake = FakeX::start().await.unwrap();
    let user = x_dm::Client::builder("test-user-token")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    user.subscribe(crate::common::subscription(
        x_dm::x::types::ActivityEventType::DmReceived,
        "1234567890",
    ))
    .send()
    .await
    .unwrap();
    let dir = temp_dir("stream");
    let (out, state) = (dir.join("events.jsonl"), dir.join("state.json"));

    let mut running = Running::spawn(watch_stream(&fake, &state).stdout(appending(&out)));
    // One poll to note where the inbox stands, then the stream.
    until("the stream to open", || fake.activity_streams_opened() == 1).await;
    let live = fake.post_messages(DEMO_CONVERSATION, THEO, 2).unwrap();
    until("two streamed lines", || stream_line_ids(&out).len() >= 2).await;
    running.child().kill().unwrap();
    drop(running);

    // Written while nothing watched: the restart's gap fill finds them.
    let missed = fake.post_messages(DEMO_CONVERSATION, THEO, 3).unwrap();
    let mut running = Running::spawn(watch_stream(&fake, &state).stdout(appending(&out)));
    until("the recovered lines", || stream_line_ids(&out).len() >= 5).await;
    until("the stream to reopen", || {
        fake.activity_streams_opened() == 2
    })
    .await;
    let after = fake.post_messages(DEMO_CONVERSATION, THEO, 1).unwrap();
    until("the last line", || stream_line_ids(&out).len() >= 6).await;
    terminate(&mut running);
    assert_eq!(exit_code(running).await, Some(0));

    let expected: Vec<(String, bool)> = [(&live, true), (&missed, false), (&after, true)]
        .into_iter()
        .flat_map(|(ids, streamed)| ids.iter().map(move |id| (id.clone(), streamed)))
        .collect();
    assert_eq!(stream_line_ids(&out), expected);
    assert_eq!(saved_position(&state), after[0].as_str());
}

#[test]
fn watch_source_stream_names_the_missing_app_token() {
    let output = Command::new(env!("CARGO_BIN_EXE_x-dm"))
        .env_remove("X_BEARER_TOKEN")
        .env("X_ACCESS_TOKEN", "test-user-token")
        .args([
            "--base-url",
            "http://127.0.0.1:9",
            "watch",
            "--source",
            "stream",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("X_BEARER_TOKEN"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_x-dm"))
        .env("X_BEARER_TOKEN", "test-app-token")
        .args([
            "--demo",
            "watch",
            "--source",
            "stream",
            "--conversation",
            "1-2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("leave --conversation out"), "{stderr}");
}
