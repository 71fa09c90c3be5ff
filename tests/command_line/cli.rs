//! End-to-end: the built `x-dm` binary against the built-in fake X API.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common;

use common::fault_server::{FaultServer, Step};
use serde_json::Value;
use x_dm::testing::{DEMO_CONVERSATION, FakeConfig, FakeX, Fault};

/// The binary, with no credential in its environment unless a test adds one.
fn x_dm() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
    for name in [
        "X_ACCESS_TOKEN",
        "X_CONSUMER_KEY",
        "X_CLIENT_ID",
        "TWEETAPI_KEY",
        "TWEETAPI_AUTH_TOKEN",
    ] {
        command.env_remove(name);
    }
    // No stored login either.
    command.env(
        "X_DM_CONFIG_DIR",
        std::env::temp_dir().join("x-dm-cli-no-logins"),
    );
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
    // What the demo serves is the default seed's data: the same counts.
    let data = FakeX::start().await.unwrap().dataset();
    let chats = data.chat_conversations().len();
    let cases: [(&[&str], usize); 3] = [
        (
            &[
                "--demo",
                "events",
                DEMO_CONVERSATION,
                "--limit",
                "3",
                "--format",
                "jsonl",
            ],
            3,
        ),
        (
            &["--demo", "conversations", "--all", "--format", "jsonl"],
            chats,
        ),
        (
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
            3,
        ),
    ];
    for (args, expected) in cases {
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
        assert_eq!(items.len(), expected, "{args:?}");
        assert!(items.iter().all(|item| item["id"].is_string()), "{args:?}");
    }
    let newest = data.events(DEMO_CONVERSATION).unwrap()[0]["id"].clone();
    let mut command = x_dm();
    command.args([
        "--demo",
        "events",
        DEMO_CONVERSATION,
        "--limit",
        "1",
        "--format",
        "jsonl",
    ]);
    let first: Value = serde_json::from_slice(&run(command).await.stdout).unwrap();
    assert_eq!(first["id"], newest, "the demo conversation, newest first");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_defaults_are_accepted_by_a_server_strict_to_the_latest_version() {
    let fake = FakeX::start_with(FakeConfig::default().strict())
        .await
        .unwrap();
    let conversation = fake.dataset().chat_conversations()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let runs: [&[&str]; 3] = [
        &[
            "events",
            DEMO_CONVERSATION,
            "--limit",
            "150",
            "--format",
            "jsonl",
        ],
        &["conversations", "--all", "--format", "jsonl"],
        &["conversation", &conversation, "--format", "jsonl"],
    ];
    for args in runs {
        let mut command = against(&fake);
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
        if args[0] == "events" {
            // The expansions bring back the ids the fields no longer name.
            let messages = items.iter().filter(|e| e["event_type"] == "MessageCreate");
            assert!(messages.clone().count() > 100);
            assert!(messages.clone().all(|e| e["sender_id"].is_string()));
        }
    }

    // A value asked for by name is sent as asked, and this server refuses it.
    let before = fake.requests();
    let mut command = against(&fake);
    command.args(["events", DEMO_CONVERSATION, "--fields", "id,sender_id"]);
    let result = run(command).await;
    assert_eq!(fake.requests(), before + 1, "sent");
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("HTTP 400: Invalid Request"), "{stderr}");
}

/// Odd but valid DM event pages: pretty-printed (LF, then CRLF and tabs),
/// `null` where X's schemas allow it and where they do not, numbers no
/// float can hold, tokens far shorter than a caller's may be, and an
/// included place without the `full_name` its schema requires.
const ODD_PAGES: [&str; 3] = [
    r#"{
  "data": [
    {
      "id": "1990461309327632930",
      "event_type": "MessageCreate",
      "text": "pretty  printed, with  spaces",
      "sender_id": "1582103724607971328",
      "attachments": {
        "media_keys": null,
        "card_ids": null
      },
      "entities": {
        "cashtags": null,
        "hashtags": null,
        "mentions": null,
        "urls": null
      },
      "counter": 100000000000000000000,
      "ratio": 1.0
    },
    {
      "id": "1990461309327632929",
      "event_type": "ParticipantsJoin",
      "participant_ids": [
        "1613565123466371072"
      ],
      "referenced_tweets": null
    }
  ],
  "includes": {
    "users": [
      {
        "id": "1582103724607971328",
        "username": "ada_dev"
      }
    ]
  },
  "meta": {
    "result_count": 2,
    "next_token": "p2"
  }
}"#,
    r#"{"data":[{"id":"1990461309327632928","event_type":"MessageCreate","text":"at a place","sender_id":"1613565123466371072","hashtags":null,"urls":null,"big":-123456789012345678901234567890,"referenced_tweets":[{"id":"1346889436626259968"}]}],"includes":{"users":[{"id":"1613565123466371072","username":"brook"}],"places":[{"id":"01a9a39529b27f36","name":"no full_name"}],"tweets":[{"id":"1346889436626259968","text":"Here"}]},"meta":{"result_count":1,"next_token":"p3"}}"#,
    "{\r\n\t\"data\": [\r\n\t\t{\"id\": \"1990461309327632927\", \"event_type\": \"MessageCreate\", \"text\": \"tab\\tand\\nnewline escapes\", \"sender_id\": \"1582103724607971328\", \"attachments\": {\"media_keys\": [\"3_1\"]}, \"score\": 1.50e+3}\r\n\t],\r\n\t\"meta\": {\"result_count\": 1}\r\n}\r\n",
];

/// The items of [`ODD_PAGES`] as `jsonl` must write them: as sent, on one
/// line each.
const ODD_ITEMS: [&str; 4] = [
    r#"{"id":"1990461309327632930","event_type":"MessageCreate","text":"pretty  printed, with  spaces","sender_id":"1582103724607971328","attachments":{"media_keys":null,"card_ids":null},"entities":{"cashtags":null,"hashtags":null,"mentions":null,"urls":null},"counter":100000000000000000000,"ratio":1.0}"#,
    r#"{"id":"1990461309327632929","event_type":"ParticipantsJoin","participant_ids":["1613565123466371072"],"referenced_tweets":null}"#,
    r#"{"id":"1990461309327632928","event_type":"MessageCreate","text":"at a place","sender_id":"1613565123466371072","hashtags":null,"urls":null,"big":-123456789012345678901234567890,"referenced_tweets":[{"id":"1346889436626259968"}]}"#,
    r#"{"id":"1990461309327632927","event_type":"MessageCreate","text":"tab\tand\nnewline escapes","sender_id":"1582103724607971328","attachments":{"media_keys":["3_1"]},"score":1.50e+3}"#,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_over_odd_but_valid_pages_completes_with_every_item_once_as_sent() {
    use httpmock::prelude::*;
    let server = MockServer::start_async().await;
    let path = "/2/dm_conversations/1582103724607971328-1613565123466371072/dm_events";
    for (token, body) in [None, Some("p2"), Some("p3")].into_iter().zip(ODD_PAGES) {
        server.mock(|when, then| {
            let when = when.method(GET).path(path);
            match token {
                Some(token) => when.query_param("pagination_token", token),
                None => when.query_param_missing("pagination_token"),
            };
            then.status(200)
                .header("content-type", "application/json")
                .body(body);
        });
    }
    let dir = temp_dir("odd");
    let export = |format: &str, out: &Path| {
        let mut command = x_dm();
        command
            .env("X_ACCESS_TOKEN", "test-token")
            .args(["--base-url", &server.base_url(), "--format", format])
            .args(["events", "1582103724607971328-1613565123466371072", "--all"])
            .arg("-o")
            .arg(out)
            .arg("--checkpoint")
            .arg(out.with_file_name(format!("{format}.checkpoint")));
        command
    };

    let out = dir.join("events.jsonl");
    let result = run(export("jsonl", &out)).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        ODD_ITEMS.join("\n") + "\n"
    );
    assert!(
        stderr.contains("warning: left out includes.places[0]: missing field `full_name`"),
        "{stderr}"
    );

    let out = dir.join("events.pages");
    let result = run(export("pages", &out)).await;
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let written = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 3, "one line per page");
    assert_eq!(
        lines[1], ODD_PAGES[1],
        "a compact body is written byte for byte"
    );
    assert!(lines[0].contains(r#""counter":100000000000000000000,"ratio":1.0}"#));
    assert!(lines[2].ends_with(r#""score":1.50e+3}],"meta":{"result_count":1}}"#));
    for (line, item) in lines
        .iter()
        .zip([&ODD_ITEMS[..2], &ODD_ITEMS[2..3], &ODD_ITEMS[3..]])
    {
        let page = x_dm::Page::<x_dm::x::types::DmEvent>::parse(line.to_string()).unwrap();
        let raw: Vec<&[u8]> = page.raw_items().iter().map(|b| b.as_ref()).collect();
        let expected: Vec<&[u8]> = item.iter().map(|i| i.as_bytes()).collect();
        assert_eq!(raw, expected, "a saved page reads back");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_token_from_the_command_line_or_a_checkpoint_is_refused_unsent() {
    let fake = FakeX::start().await.unwrap();
    let mut command = against(&fake);
    command.args(["events", DEMO_CONVERSATION, "--pagination-token", "short"]);
    let result = run(command).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("must be at least 16 characters long"),
        "{stderr}"
    );

    // A checkpoint is input too: its token is checked like a typed one.
    let dir = temp_dir("short-checkpoint");
    let (out, checkpoint) = (dir.join("e.jsonl"), dir.join("e.checkpoint"));
    std::fs::write(&out, "").unwrap();
    let saved = serde_json::json!({
        "command": "events", "target": DEMO_CONVERSATION, "format": "jsonl",
        "output": out, "next_token": "short", "output_len": 0, "items_written": 0,
        "previous_ids": [], "done": false,
    });
    std::fs::write(&checkpoint, saved.to_string()).unwrap();
    let mut command = against(&fake);
    command
        .args([
            "events",
            DEMO_CONVERSATION,
            "--all",
            "--format",
            "jsonl",
            "-o",
        ])
        .arg(&out)
        .arg("--checkpoint")
        .arg(&checkpoint);
    let result = run(command).await;
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`pagination_token`"), "{stderr}");
    assert_eq!(fake.requests(), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_writes_the_one_event_as_sent_and_refuses_a_bad_id() {
    use httpmock::prelude::*;
    let server = MockServer::start_async().await;
    let body = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/getDirectMessagesEventsById/200-message-2167.json"
    ))
    .unwrap();
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/2/dm_events/1580705921830768643")
            .query_param("expansions", "sender_id,participant_ids");
        then.status(200)
            .header("content-type", "application/json")
            .body(body.clone());
    });
    let mut command = x_dm();
    command.env("X_ACCESS_TOKEN", "test-token").args([
        "--base-url",
        &server.base_url(),
        "--format",
        "jsonl",
        "event",
        "1580705921830768643",
    ]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    mock.assert();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let expected: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert_eq!(
        serde_json::from_str::<Value>(stdout.trim()).unwrap(),
        expected["data"]
    );

    let mut command = x_dm();
    command.env("X_ACCESS_TOKEN", "test-token").args([
        "--base-url",
        &server.base_url(),
        "event",
        "12ab",
    ]);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("`event_id`"),
        "{output:?}"
    );
    mock.assert_calls(1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_to_dev_null_succeeds_and_a_checkpoint_there_is_refused_clearly() {
    let fake = FakeX::start().await.unwrap();
    let export = [
        "--format",
        "jsonl",
        "-o",
        "/dev/null",
        "events",
        DEMO_CONVERSATION,
    ];
    let mut command = against(&fake);
    command.args(export).args(["--limit", "150"]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");

    let mut command = against(&fake);
    let checkpoint = temp_dir("devnull").join("checkpoint");
    command.args(export).arg("--checkpoint").arg(&checkpoint);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("needs a regular file"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_events_with_and_delete_read_and_change_the_fake() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("inbox");
    let inbox = dir.join("inbox.jsonl");
    let mut command = against(&fake);
    command
        .args(["--format", "jsonl", "-o"])
        .arg(&inbox)
        .args(["inbox", "--all"]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let data = fake.dataset();
    let total: usize = data
        .conversation_ids()
        .map(|c| data.event_count(c).unwrap())
        .sum();
    assert_complete_and_ordered(&lines(&inbox), total);

    let with = dir.join("with.jsonl");
    let mut command = against(&fake);
    command.args(["--format", "jsonl", "-o"]).arg(&with).args([
        "events",
        "--with",
        "9876543210",
        "--all",
    ]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let expected = data.event_count(DEMO_CONVERSATION).unwrap();
    assert_complete_and_ordered(&lines(&with), expected);

    // The account's own newest message in the conversation, deleted.
    let own = data
        .events(DEMO_CONVERSATION)
        .unwrap()
        .iter()
        .find(|event| event["sender_id"] == data.account_id())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut command = against(&fake);
    command.args(["delete", &own]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "{\"deleted\":true}\n"
    );
    assert_eq!(
        fake.dataset().event_count(DEMO_CONVERSATION),
        Some(expected - 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_whose_connection_breaks_exits_3_and_is_not_sent_again() {
    use std::io::Read;
    // A server that reads one request and closes without answering.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let mut served = 0;
        listener.set_nonblocking(false).unwrap();
        // One connection is all the client may open; a second would be a
        // resend.
        if let Ok((mut socket, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf);
            served += 1;
        }
        listener.set_nonblocking(true).unwrap();
        std::thread::sleep(Duration::from_millis(500));
        served + usize::from(listener.accept().is_ok())
    });
    let mut command = x_dm();
    command.env("X_ACCESS_TOKEN", "test-token").args([
        "--base-url",
        &base_url,
        "delete",
        "1580705921830768643",
    ]);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("may have taken effect"),
        "{output:?}"
    );
    assert_eq!(server.join().unwrap(), 1, "sent exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_reads_standard_input_and_prints_the_new_ids() {
    use std::io::Write as _;
    let fake = FakeX::start().await.unwrap();
    let mut command = against(&fake);
    command
        .args(["send", "--conversation", DEMO_CONVERSATION])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"from a pipe")
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{output:?}");
    let ids: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(ids["dm_conversation_id"], DEMO_CONVERSATION);
    let data = fake.dataset();
    let newest = &data.events(DEMO_CONVERSATION).unwrap()[0];
    assert_eq!(newest["id"], ids["dm_event_id"]);
    assert_eq!(newest["text"], "from a pipe");

    let mut command = against(&fake);
    command.args([
        "group",
        "create",
        "--participants",
        "9876543210",
        "--text",
        "x",
    ]);
    let output = run(command).await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "a group needs two others: {output:?}"
    );
}

#[tokio::test]
async fn a_send_dropped_after_it_was_read_exits_3_and_says_it_found_the_message() {
    let fake = FakeX::start().await.unwrap();
    fake.inject_into::<x_dm::x::operations::CreateDirectMessagesByConversationId>(
        Fault::DropAfterRequest,
    );
    let mut command = against(&fake);
    command.args([
        "send",
        "--conversation",
        DEMO_CONVERSATION,
        "--text",
        "only once",
    ]);
    let result = run(command).await;

    assert_eq!(result.status.code(), Some(3), "{result:?}");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("may have been sent"), "{stderr}");
    let data = fake.dataset();
    let sent: Vec<&Value> = data
        .events(DEMO_CONVERSATION)
        .unwrap()
        .iter()
        .filter(|event| event["text"] == "only once")
        .collect();
    assert_eq!(sent.len(), 1, "made exactly once");
    let id = sent[0]["id"].as_str().unwrap();
    // The fake dates its writes after its seeded history, not by the clock,
    // so the check finds the event and calls it older than the send.
    assert!(
        stderr.contains(&format!("same text, {id}, is from")),
        "{stderr}"
    );
    assert!(result.stdout.is_empty());
}

#[tokio::test]
async fn a_send_answered_with_5xx_exits_1_as_not_sent() {
    let fake = FakeX::start().await.unwrap();
    fake.inject_into::<x_dm::x::operations::CreateDirectMessagesByParticipantId>(Fault::Status(
        503,
    ));
    let mut command = against(&fake);
    command.args(["send", "--to", "9876543210", "--text", "not sent"]);
    let result = run(command).await;
    assert_eq!(result.status.code(), Some(1), "{result:?}");
}

#[tokio::test]
async fn send_uploads_a_file_and_events_download_media_saves_it_once() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("media");
    let photo = dir.join("photo.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..3_000u32).map(|i| (i % 253) as u8));
    std::fs::write(&photo, &bytes).unwrap();

    let mut command = against(&fake);
    command.args([
        "send",
        "--conversation",
        DEMO_CONVERSATION,
        "--text",
        "a photo",
        "--media",
    ]);
    command.arg(&photo);
    let result = run(command).await;
    assert!(result.status.success(), "{result:?}");
    let answer: Value = serde_json::from_slice(&result.stdout).unwrap();
    assert_eq!(answer["dm_conversation_id"], DEMO_CONVERSATION);

    let media_dir = dir.join("media");
    for round in 0..2 {
        let mut command = against(&fake);
        command.args([
            "events",
            DEMO_CONVERSATION,
            "--limit",
            "1",
            "--download-media",
        ]);
        command
            .arg(&media_dir)
            .arg("-o")
            .arg(dir.join("events.jsonl"));
        let result = run(command).await;
        assert!(result.status.success(), "round {round}: {result:?}");
    }
    let index = lines(&media_dir.join("index.jsonl"));
    assert_eq!(index.len(), 1, "one line per file, not per run: {index:?}");
    let file = media_dir.join(index[0]["file"].as_str().unwrap());
    assert_eq!(std::fs::read(file).unwrap(), bytes, "the uploaded bytes");

    let parts = (
        index[0]["dm_id"].as_str().unwrap(),
        index[0]["media_id"].as_str().unwrap(),
        index[0]["resource_id"].as_str().unwrap(),
    );
    let mut command = against(&fake);
    let copy = dir.join("copy.png");
    command
        .args(["media", "download", parts.0, parts.1, parts.2, "-o"])
        .arg(&copy);
    let result = run(command).await;
    assert!(result.status.success(), "{result:?}");
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    let line: Value = serde_json::from_slice(&result.stdout).unwrap();
    assert_eq!(line["bytes"], 3_008);
}

#[tokio::test]
async fn an_oversized_file_is_refused_with_exit_2_before_any_request() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("oversized");
    let big = dir.join("big.gif");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(15 * 1024 * 1024 + 1).unwrap();
    let mut command = against(&fake);
    command
        .args(["send", "--to", "9876543210", "--media"])
        .arg(&big);
    let result = run(command).await;
    assert_eq!(result.status.code(), Some(2), "{result:?}");
    assert!(String::from_utf8_lossy(&result.stderr).contains("total_bytes"));
    assert_eq!(fake.requests(), 0);
}

#[tokio::test]
async fn after_a_dropped_send_a_recent_event_with_the_same_text_is_reported_found() {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let events = format!(
        r#"{{"data":[{{"id":"1900000000000000001","event_type":"MessageCreate","text":"on its way","created_at":"{now}","sender_id":"1234567890"}}],"meta":{{"result_count":1}}}}"#
    );
    let server = FaultServer::start(vec![Step::Drop, Step::ok(events)]).await;
    let mut command = x_dm();
    command
        .env("X_ACCESS_TOKEN", "test-token")
        .args(["--base-url", &server.base_url])
        .args(["send", "--to", "9876543210", "--text", "on its way"]);
    let result = run(command).await;

    assert_eq!(result.status.code(), Some(3), "{result:?}");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("Found it: event 1900000000000000001"),
        "{stderr}"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "one send, one read, no second send");
    assert_eq!(seen[0].method, "POST");
    assert!(
        seen[1]
            .target
            .starts_with("/2/dm_conversations/with/9876543210/dm_events?")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_events_writes_every_envelope_as_sent_and_resumes_from_a_checkpoint() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("chat-events");
    let out = dir.join("chat.jsonl");
    let checkpoint = dir.join("chat.checkpoint");
    let mut command = against(&fake);
    command.args(["--format", "jsonl", "-o"]).arg(&out).args([
        "chat",
        "events",
        "1234567890:9876543210",
        "--all",
        "--max-results",
        "7",
        "--checkpoint",
    ]);
    command.arg(&checkpoint);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    let expected = fake
        .dataset()
        .chat_events(DEMO_CONVERSATION)
        .unwrap()
        .to_vec();
    let written = lines(&out);
    assert_eq!(written, expected, "every field of every envelope, as sent");
    assert_eq!(fake.requests(), expected.len().div_ceil(7));

    // Run again: the checkpoint says the walk is complete; nothing repeats.
    let mut command = against(&fake);
    command.args(["--format", "jsonl", "-o"]).arg(&out).args([
        "chat",
        "events",
        "1234567890:9876543210",
        "--all",
        "--max-results",
        "7",
        "--checkpoint",
    ]);
    command.arg(&checkpoint);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(lines(&out), expected);

    let mut command = against(&fake);
    command.args(["chat", "events", "g12x"]);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_commands_change_the_fake_and_print_x_answers() {
    let fake = FakeX::start().await.unwrap();
    let answer = |args: &[&str]| {
        let mut command = against(&fake);
        command.args(args);
        command
    };
    let printed = |output: &Output| String::from_utf8_lossy(&output.stdout).into_owned();
    for (args, expected) in [
        (
            vec!["chat", "mute", DEMO_CONVERSATION],
            "{\"muted\":true}\n",
        ),
        (
            vec!["chat", "archive", DEMO_CONVERSATION],
            "{\"archived\":true}\n",
        ),
        (
            vec!["chat", "read", DEMO_CONVERSATION],
            "{\"success\":true}\n",
        ),
        (
            vec!["chat", "typing", DEMO_CONVERSATION],
            "{\"success\":true}\n",
        ),
        (
            vec![
                "chat",
                "members",
                "add",
                "g1690000000000000003",
                "--users",
                "1700000000000000004",
            ],
            "{\"added\":true}\n",
        ),
    ] {
        let output = run(answer(&args)).await;
        assert!(output.status.success(), "{args:?}: {output:?}");
        assert_eq!(printed(&output), expected, "{args:?}");
    }
    let data = fake.dataset();
    let demo = data
        .chat_conversations()
        .iter()
        .find(|c| c["id"] == DEMO_CONVERSATION)
        .unwrap();
    assert_eq!(
        (&demo["is_muted"], &demo["is_archived"], &demo["unread"]),
        (&Value::Bool(true), &Value::Bool(true), &Value::Bool(false))
    );
    let group = data
        .chat_conversations()
        .iter()
        .find(|c| c["id"] == "g1690000000000000003")
        .unwrap();
    assert!(
        group["member_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "1700000000000000004")
    );

    let output = run(answer(&["--format", "jsonl", "chat", "requests", "--all"])).await;
    assert!(output.status.success(), "{output:?}");
    let requests: Vec<Value> = printed(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(requests.len(), 2);
    let id = requests[0]["conversation_id"].as_str().unwrap().to_owned();
    let output = run(answer(&["chat", "accept", &id])).await;
    assert_eq!(printed(&output), "{\"accepted\":true}\n");
    let output = run(answer(&["chat", "accept", &id])).await;
    assert_eq!(output.status.code(), Some(1), "no request left: {output:?}");

    let output = run(answer(&["chat", "settings"])).await;
    let settings: Value = serde_json::from_str(&printed(&output)).unwrap();
    assert_eq!(settings["allow_dms_from"], "all");
}
