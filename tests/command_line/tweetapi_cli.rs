//! End-to-end: the `x-dm tweetapi` commands against the crate's fake, their
//! exit codes, and `updates --follow` killed at any moment.

use crate::common;

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::fault_server::{FaultServer, Step};
use serde_json::Value;
use x_dm::testing::{DEMO_CONVERSATION, FakeX, TWEETAPI_XCHAT_PIN};

const AUTH_TOKEN: &str = "cli-auth-token-9d2e";

fn x_dm(base_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
    for name in ["X_ACCESS_TOKEN", "TWEETAPI_XCHAT_PIN"] {
        command.env_remove(name);
    }
    command
        .env("TWEETAPI_KEY", "cli-api-key")
        .env("TWEETAPI_AUTH_TOKEN", AUTH_TOKEN)
        .args(["--base-url", base_url]);
    command
}

async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("x-dm-tweetapi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn client(fake: &FakeX) -> x_dm::tweetapi::Client {
    x_dm::tweetapi::Client::builder("cli-api-key", AUTH_TOKEN)
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_follow_killed_at_any_moment_delivers_every_message_once_in_order() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("follow");
    let (state, out) = (dir.join("state.json"), dir.join("updates.jsonl"));
    let follow = |extra: &[&str]| {
        let mut command = x_dm(&fake.base_url());
        command
            .args(["tweetapi", "updates", "--state"])
            .arg(&state)
            .arg("--output")
            .arg(&out)
            .args(extra);
        command
    };
    // The first run saves where updates start; nothing is new yet.
    let first = run(follow(&[])).await;
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "");

    let client = client(&fake);
    let mut sent = Vec::new();
    // Fixed kill points, from before the first poll to well after the
    // batch, so that a failure can be run again as it was.
    let kills = [5, 12, 25, 45, 70, 110, 170, 255];
    for (round, kill_ms) in kills.into_iter().enumerate() {
        for i in 0..60 {
            let text = format!("round {round} message {i} {}", "x".repeat(200));
            let reply = client
                .send(DEMO_CONVERSATION, text, None)
                .send()
                .await
                .unwrap();
            sent.push(reply.message.id.clone());
        }
        let mut child = follow(&["--follow", "--interval", "0.01"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(kill_ms)).await;
        child.kill().unwrap();
        tokio::task::spawn_blocking(move || child.wait().unwrap())
            .await
            .unwrap();
    }
    // A last run without --follow picks up what is left.
    let last = run(follow(&[])).await;
    assert!(last.status.success(), "{}", stderr(&last));
    let written: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|line| {
            let message: Value = serde_json::from_str(line).unwrap();
            message["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        written.iter().collect::<HashSet<_>>().len(),
        written.len(),
        "no message repeated"
    );
    assert_eq!(written, sent, "every message, in the order sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_everyday_commands_run_against_the_fake() {
    let fake = FakeX::start().await.unwrap();
    let base = fake.base_url();
    let lines = |output: &Output| -> Vec<Value> {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    };
    let mut requests = x_dm(&base);
    requests.args([
        "--format",
        "jsonl",
        "tweetapi",
        "inbox",
        "--untrusted",
        "--all",
    ]);
    let output = run(requests).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let ids: Vec<Value> = lines(&output).iter().map(|c| c["id"].clone()).collect();
    assert_eq!(
        ids,
        ["1234567890-1613565123466371072", "1690000000000000002"]
    );

    let mut accept = x_dm(&base);
    accept.args(["tweetapi", "accept", "1234567890-1613565123466371072"]);
    assert!(run(accept).await.status.success());
    let mut requests = x_dm(&base);
    requests.args([
        "--format",
        "jsonl",
        "tweetapi",
        "inbox",
        "--untrusted",
        "--all",
    ]);
    let output = run(requests).await;
    let ids: Vec<Value> = lines(&output).iter().map(|c| c["id"].clone()).collect();
    assert_eq!(
        ids,
        ["1690000000000000002"],
        "accepted, so no longer a request"
    );

    let mut send = x_dm(&base);
    send.args([
        "tweetapi",
        "send",
        "--conversation",
        DEMO_CONVERSATION,
        "--text",
        "from the cli",
    ]);
    let output = run(send).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(lines(&output)[0]["message"]["text"], "from the cli");

    let mut can = x_dm(&base);
    can.args(["tweetapi", "can-dm", "9876543210,1"]);
    let output = run(can).await;
    assert_eq!(
        lines(&output)[0]["permissions"]["idKeys"]["9876543210"]["canDm"],
        true
    );

    // XChat: locked, a wrong PIN refused without repeating it, then open.
    let mut history = x_dm(&base);
    history.args([
        "tweetapi",
        "xchat",
        "history",
        "1234567890:9876543210",
        "--limit",
        "3",
    ]);
    let locked = run(history).await;
    assert_eq!(locked.status.code(), Some(1), "{}", stderr(&locked));
    let mut wrong = x_dm(&base);
    wrong.env("TWEETAPI_XCHAT_PIN", "9753").args([
        "tweetapi",
        "xchat",
        "setup",
        "--user",
        "1234567890",
    ]);
    let wrong = run(wrong).await;
    assert_eq!(wrong.status.code(), Some(1));
    assert!(!stderr(&wrong).contains("9753"), "{}", stderr(&wrong));
    let mut setup = x_dm(&base);
    setup.env("TWEETAPI_XCHAT_PIN", TWEETAPI_XCHAT_PIN).args([
        "tweetapi",
        "xchat",
        "setup",
        "--user",
        "1234567890",
    ]);
    assert!(run(setup).await.status.success());
    let mut send = x_dm(&base);
    send.args([
        "tweetapi",
        "xchat",
        "send",
        "--to",
        "9876543210",
        "--text",
        "secret plans",
    ]);
    assert!(run(send).await.status.success());
    let mut history = x_dm(&base);
    history.args([
        "--format",
        "jsonl",
        "tweetapi",
        "xchat",
        "history",
        "1234567890:9876543210",
        "--limit",
        "3",
    ]);
    let output = run(history).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let messages = lines(&output);
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[0]["text"], "secret plans");
    let mut conversations = x_dm(&base);
    conversations.args([
        "--format",
        "jsonl",
        "tweetapi",
        "xchat",
        "conversations",
        "--all",
    ]);
    let output = run(conversations).await;
    assert_eq!(lines(&output).len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_say_refused_failed_or_may_have_been_sent() {
    let fake = FakeX::start().await.unwrap();
    let long = "x".repeat(10_001);
    let mut refused = x_dm(&fake.base_url());
    refused.args([
        "tweetapi",
        "send",
        "--conversation",
        DEMO_CONVERSATION,
        "--text",
        &long,
    ]);
    let output = run(refused).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("$.text"), "{}", stderr(&output));
    assert_eq!(fake.requests(), 0, "refused before sending");

    let mut pin = x_dm(&fake.base_url());
    pin.env("TWEETAPI_XCHAT_PIN", "12").args([
        "tweetapi",
        "xchat",
        "setup",
        "--user",
        "1234567890",
    ]);
    let output = run(pin).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("$.pin"));
    assert_eq!(fake.requests(), 0);

    // The connection drops once the send was written: it may have been sent.
    let server = FaultServer::start(vec![Step::Drop]).await;
    let mut send = x_dm(&server.base_url);
    send.args([
        "tweetapi",
        "send",
        "--conversation",
        DEMO_CONVERSATION,
        "--text",
        "once",
    ]);
    let output = run(send).await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(!stderr(&output).contains(AUTH_TOKEN));
    assert_eq!(server.seen().len(), 1, "never sent twice");
    let mut send = x_dm(&server.base_url);
    send.args([
        "tweetapi",
        "xchat",
        "send",
        "--to",
        "9876543210",
        "--text",
        "once",
    ]);
    let output = run(send).await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(server.seen().len(), 2, "never sent twice");
}
