//! The SQLite archive against the fake: complete first syncs, one-request
//! second syncs, new events and nothing else, syncs cut short (by a failed
//! request, or by killing the process) that resume to the same archive, the
//! rate limit spent to the last request, the lock, and search.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use x_dm::archive::{Archive, Error, Outcome, Scope, Search};
use x_dm::testing::{DEMO_CONVERSATION, FakeConfig, FakeX, Fault};
use x_dm::x::types::CreateMessageRequest;
use x_dm::{Client, WaitReason};

use crate::killed;

const PAGE: usize = 100;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("x-dm-archive-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn client(fake: &FakeX) -> Client {
    Client::builder("test-token")
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

/// Every event the fake's inbox holds, newest first.
fn inbox(fake: &FakeX) -> Vec<Value> {
    let data = fake.dataset();
    let mut events: Vec<Value> = data
        .conversation_ids()
        .flat_map(|id| data.events(id).unwrap().to_vec())
        .collect();
    events.sort_by_key(|event| std::cmp::Reverse(number(event)));
    events
}

fn number(event: &Value) -> u64 {
    event["id"].as_str().unwrap().parse().unwrap()
}

fn id_list<'a>(events: impl IntoIterator<Item = &'a Value>) -> Vec<String> {
    events
        .into_iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

fn ids(events: &[Value]) -> BTreeSet<u64> {
    events.iter().map(number).collect()
}

/// The archive's events, oldest first, parsed.
fn stored(archive: &Archive) -> Vec<Value> {
    archive
        .raw_events()
        .unwrap()
        .iter()
        .map(|raw| serde_json::from_str(raw).unwrap())
        .collect()
}

async fn send(client: &Client, conversation: &str, text: &str) -> String {
    let message = CreateMessageRequest {
        text: Some(text.to_owned()),
        attachments: Vec::new(),
    };
    let sent = client
        .send_message(conversation, message)
        .send()
        .await
        .unwrap();
    sent.items()[0].dm_event_id.clone()
}

/// An archive synced once, without interruption, from a fresh fake: what
/// every interrupted sync must come to.
async fn reference() -> Vec<String> {
    let fake = FakeX::start().await.unwrap();
    let path = temp_dir("reference").join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();
    archive.sync(&client(&fake), &Scope::Inbox).await.unwrap();
    archive.raw_events().unwrap()
}

#[tokio::test]
async fn a_first_sync_is_complete_and_a_second_with_nothing_new_makes_one_request() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let expected = inbox(&fake);
    let path = temp_dir("first").join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();

    let first = archive.sync(&client, &Scope::Inbox).await.unwrap();
    let pages = expected.len().div_ceil(PAGE);
    assert_eq!(first.added as usize, expected.len());
    assert_eq!(first.pages as usize, pages);
    assert_eq!(fake.requests(), pages, "one request a page, none ahead");
    assert_eq!(first.outcome, Some(Outcome::ReachedEnd { gap: false }));

    let events = stored(&archive);
    assert_eq!(ids(&events), ids(&expected));
    // Each event is X's JSON as sent: the fake's full event, cut down to the
    // fields asked for, nothing reencoded away.
    let by_id: std::collections::HashMap<u64, &Value> =
        expected.iter().map(|e| (number(e), e)).collect();
    for event in &events {
        let full = by_id[&number(event)];
        for (key, value) in event.as_object().unwrap() {
            assert_eq!(&full[key], value, "{key} of {}", event["id"]);
        }
        assert!(event.get("dm_conversation_id").is_some());
    }
    let senders: HashSet<&str> = expected
        .iter()
        .filter_map(|e| e["sender_id"].as_str())
        .collect();
    let media: HashSet<&str> = expected
        .iter()
        .flat_map(|e| {
            e["attachments"]["media_keys"]
                .as_array()
                .into_iter()
                .flatten()
        })
        .map(|key| key.as_str().unwrap())
        .collect();
    let counts = archive.counts().unwrap();
    assert!(counts.users as usize >= senders.len(), "{counts:?}");
    assert_eq!(counts.media as usize, media.len());
    assert_eq!(
        counts.conversations as usize,
        fake.dataset()
            .conversation_ids()
            .filter(|id| fake.dataset().event_count(id) != Some(0))
            .count()
    );

    let second = archive.sync(&client, &Scope::Inbox).await.unwrap();
    assert_eq!((second.pages, second.added), (1, 0));
    assert_eq!(fake.requests(), pages + 1, "exactly one request");
    assert_eq!(second.outcome, Some(Outcome::CaughtUp));
    let after = archive.counts().unwrap();
    assert_eq!((after.events, after.runs), (counts.events, 2));
}

#[tokio::test]
async fn new_events_since_the_last_sync_are_added_and_nothing_else() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let path = temp_dir("new").join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();
    archive.sync(&client, &Scope::Inbox).await.unwrap();
    let before = archive.counts().unwrap().events;

    let mut sent = BTreeSet::new();
    sent.insert(send(&client, DEMO_CONVERSATION, "one").await);
    sent.insert(send(&client, "1690000000000000001", "two").await);
    sent.insert(send(&client, DEMO_CONVERSATION, "three").await);
    let requests = fake.requests();
    let report = archive.sync(&client, &Scope::Inbox).await.unwrap();
    assert_eq!((report.added, report.pages), (3, 1));
    assert_eq!(fake.requests(), requests + 1);
    let events = stored(&archive);
    assert_eq!(events.len() as u64, before + 3);
    let newest: BTreeSet<String> = events[events.len() - 3..]
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(newest, sent);

    // More than a page: the walk goes on until it reaches what it has.
    for i in 0..150 {
        send(&client, DEMO_CONVERSATION, &format!("burst {i}")).await;
    }
    let requests = fake.requests();
    let report = archive.sync(&client, &Scope::Inbox).await.unwrap();
    assert_eq!((report.added, report.pages), (150, 2));
    assert_eq!(fake.requests(), requests + 2);
    assert_eq!(archive.counts().unwrap().events, before + 153);
    assert_eq!(ids(&stored(&archive)), ids(&inbox(&fake)));
}

#[tokio::test]
async fn a_sync_cut_short_at_any_page_resumes_to_the_same_archive() {
    let reference = reference().await;
    let total = reference.len();
    let pages = total.div_ceil(PAGE);
    for failing in [1, 2, 7, pages] {
        let fake = FakeX::start().await.unwrap();
        let client = client(&fake);
        let path = temp_dir(&format!("cut-{failing}")).join("a.sqlite");
        let mut archive = Archive::open(&path).unwrap();
        for _ in 1..failing {
            fake.inject(Fault::Slow(Duration::ZERO));
        }
        fake.inject(Fault::Truncate);
        let error = archive.sync(&client, &Scope::Inbox).await.unwrap_err();
        assert!(matches!(error, Error::Api(_)), "{error}");
        let kept = (failing - 1) * PAGE;
        assert_eq!(
            archive.counts().unwrap().events as usize,
            kept,
            "page {failing}"
        );

        let requests = fake.requests();
        let report = archive.sync(&client, &Scope::Inbox).await.unwrap();
        assert_eq!(report.added as usize, total - kept, "page {failing}");
        assert_eq!(report.resumed, failing > 1);
        // The rest of the cut walk from its saved token, then one request
        // from the newest event that finds nothing new.
        let expected = (pages - (failing - 1)) + usize::from(failing > 1);
        assert_eq!(fake.requests() - requests, expected, "page {failing}");
        assert_eq!(archive.raw_events().unwrap(), reference, "page {failing}");
    }
}

#[tokio::test]
async fn events_that_arrive_while_a_sync_is_cut_short_are_not_lost() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let path = temp_dir("arrive").join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();
    archive.sync(&client, &Scope::Inbox).await.unwrap();
    for i in 0..250 {
        send(&client, DEMO_CONVERSATION, &format!("while away {i}")).await;
    }
    fake.inject(Fault::Slow(Duration::ZERO));
    fake.inject(Fault::Truncate);
    archive.sync(&client, &Scope::Inbox).await.unwrap_err();
    for i in 0..5 {
        send(&client, "1690000000000000002", &format!("meanwhile {i}")).await;
    }
    let report = archive.sync(&client, &Scope::Inbox).await.unwrap();
    assert!(report.resumed);
    assert_eq!(report.outcome, Some(Outcome::CaughtUp));
    let events = stored(&archive);
    assert_eq!(ids(&events), ids(&inbox(&fake)));
    assert_eq!(ids(&events).len(), events.len(), "nothing stored twice");
}

#[tokio::test]
async fn one_conversation_is_walked_on_its_own() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let path = temp_dir("one").join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();
    let scope = Scope::Conversation("1234567890-1582103724607971328".to_owned());
    let report = archive.sync(&client, &scope).await.unwrap();
    let expected = fake
        .dataset()
        .event_count("1234567890-1582103724607971328")
        .unwrap();
    assert_eq!(report.added as usize, expected);
    assert_eq!(archive.counts().unwrap().conversations, 1);
    // The inbox's own walk does not take the conversation's for its own.
    let report = archive.sync(&client, &Scope::Inbox).await.unwrap();
    assert_eq!(report.added as usize, inbox(&fake).len() - expected);
    let report = archive.sync(&client, &scope).await.unwrap();
    assert_eq!((report.added, report.pages), (0, 1));
}

#[tokio::test]
async fn the_rate_limit_is_spent_to_the_last_request_and_never_draws_a_429() {
    let fake = FakeX::start_with(FakeConfig::default().with_rate_limit(5, Duration::from_secs(1)))
        .await
        .unwrap();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&waits);
    let client = Client::builder("test-token")
        .base_url(fake.base_url())
        .on_wait(move |wait| seen.lock().unwrap().push(wait.reason))
        .build()
        .unwrap();
    let path = temp_dir("rate").join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();
    let report = archive.sync(&client, &Scope::Inbox).await.unwrap();
    assert_eq!(report.added as usize, inbox(&fake).len());
    // A 429 would be one request more than pages.
    assert_eq!(fake.requests() as u64, report.pages);
    let waits = waits.lock().unwrap();
    assert!(!waits.is_empty(), "{} pages in windows of 5", report.pages);
    assert!(
        waits
            .iter()
            .all(|reason| *reason == WaitReason::RateLimitExhausted),
        "{waits:?}"
    );
}

#[tokio::test]
async fn a_second_writer_is_refused_at_once_and_readers_are_not() {
    let path = temp_dir("lock").join("a.sqlite");
    let writer = Archive::open(&path).unwrap();
    let started = Instant::now();
    let error = Archive::open(&path).unwrap_err();
    assert!(matches!(error, Error::Locked { .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(1), "no waiting");
    assert!(
        error.to_string().contains("another x-dm archive"),
        "{error}"
    );
    let reader = Archive::open_read_only(&path).unwrap();
    assert_eq!(reader.counts().unwrap().events, 0);
    drop(writer);
    Archive::open(&path).expect("the lock goes with its holder");
}

#[tokio::test]
async fn search_finds_words_newest_first_and_filters() {
    let fake = FakeX::start().await.unwrap();
    let path = temp_dir("search").join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();
    archive.sync(&client(&fake), &Scope::Inbox).await.unwrap();
    let data = fake.dataset();
    let has = |event: &Value, word: &str| {
        event["text"].as_str().is_some_and(|text| {
            text.split(|c: char| !c.is_alphanumeric())
                .any(|token| token.eq_ignore_ascii_case(word))
        })
    };
    let all = inbox(&fake);
    let lunch: Vec<&Value> = all.iter().filter(|e| has(e, "lunch")).collect();
    assert!(lunch.len() > 10, "the fake's data has lunches");
    let found = |search: Search| -> Vec<String> {
        archive
            .search(&search)
            .unwrap()
            .into_iter()
            .map(|hit| hit.id)
            .collect()
    };
    assert_eq!(found(Search::new("LUNCH")), id_list(lunch.iter().copied()));
    assert_eq!(found(Search::new("lunc*")), found(Search::new("lunch")));
    assert_eq!(
        found(Search::new("lunch").limit(3)),
        id_list(lunch.iter().copied().take(3))
    );
    assert_eq!(
        found(Search::new("lunch").conversation(DEMO_CONVERSATION)),
        id_list(
            lunch
                .iter()
                .copied()
                .filter(|e| e["dm_conversation_id"] == DEMO_CONVERSATION)
        )
    );
    let sender = lunch[0]["sender_id"].as_str().unwrap();
    let username = data.user(sender).unwrap()["username"].as_str().unwrap();
    let theirs = id_list(lunch.iter().copied().filter(|e| e["sender_id"] == sender));
    assert!(theirs.len() < lunch.len());
    assert_eq!(found(Search::new("lunch").sender(sender)), theirs);
    assert_eq!(
        found(Search::new("lunch").sender(format!("@{}", username.to_uppercase()))),
        theirs
    );
    let time =
        |event: &Value| x_dm::timestamp::parse(event["created_at"].as_str().unwrap()).unwrap();
    let middle = time(lunch[lunch.len() / 2]);
    assert_eq!(
        found(Search::new("lunch").since(middle)),
        id_list(lunch.iter().copied().filter(|e| time(e) >= middle))
    );
    assert_eq!(
        found(Search::new("lunch").until(middle)),
        id_list(lunch.iter().copied().filter(|e| time(e) < middle))
    );
    let hit = &archive.search(&Search::new("lunch").limit(1)).unwrap()[0];
    assert_eq!(hit.marked, "[Lunch] at 1?");
    assert_eq!(
        hit.raw,
        archive
            .raw_events()
            .unwrap()
            .into_iter()
            .find(|raw| raw.contains(&hit.id))
            .unwrap()
    );
    // Punctuation is part of a word, never FTS syntax.
    let thats = id_list(
        all.iter()
            .filter(|e| e["text"].as_str().is_some_and(|t| t.contains("that's"))),
    );
    assert_eq!(found(Search::new("that's")), thats);
    assert!(matches!(
        archive.search(&Search::new("  ")),
        Err(Error::InvalidSearch(_))
    ));
}

// ---------------------------------------------------------------- the binary

/// The binary, with no credential in its environment unless a test adds one.
fn x_dm() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
    for name in ["X_ACCESS_TOKEN", "X_DM_DATA_DIR"] {
        command.env_remove(name);
    }
    command
}

fn against(fake: &FakeX) -> Command {
    let mut command = x_dm();
    command
        .env("X_ACCESS_TOKEN", "test-token")
        .args(["--base-url", &fake.base_url()]);
    command
}

async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_killed_archive_process_resumes_to_the_same_archive() {
    let reference = reference().await;
    let pages = reference.len().div_ceil(PAGE);
    for kill_at in [3, pages / 2, pages] {
        let fake = killed::slow_fake().await;
        let dir = temp_dir(&format!("kill-{kill_at}"));
        let path = dir.join("a.sqlite");
        let mut command = against(&fake);
        command.args(["archive", "--db"]).arg(&path);
        killed::at_request(&fake, command, kill_at).await;
        let kept = Archive::open_read_only(&path)
            .unwrap()
            .counts()
            .unwrap()
            .events as usize;
        // The first sync reads the next page ahead, so the kill, sent when
        // the fake sees request `kill_at`, finds one or two pages before it
        // stored.
        assert!(
            kept > 0 && kept < reference.len(),
            "killed mid-walk at {kill_at}: {kept}"
        );

        let mut command = against(&fake);
        command.args(["archive", "--db"]).arg(&path);
        let output = run(command).await;
        assert!(output.status.success(), "{}", stderr(&output));
        let runs = killed::assert_resumed(&path, &reference, kill_at);
        assert_eq!(runs[1].outcome.as_deref(), Some("caught up"));
    }
}

#[tokio::test]
async fn the_command_refuses_an_archive_another_one_is_writing() {
    let fake = FakeX::start().await.unwrap();
    let path = temp_dir("cli-lock").join("a.sqlite");
    let _writer = Archive::open(&path).unwrap();
    let mut command = against(&fake);
    command.args(["archive", "--db"]).arg(&path);
    let started = Instant::now();
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("another x-dm archive is writing to this archive"),
        "{}",
        stderr(&output)
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(fake.requests(), 0, "refused before any request");
}

#[tokio::test]
async fn the_demo_archive_stays_out_of_the_users_data_directory() {
    let dir = temp_dir("demo");
    let home = dir.join("home");
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    let mut command = x_dm();
    command
        .env("HOME", &home)
        .env_remove("XDG_DATA_HOME")
        .env("TMPDIR", &tmp)
        .args(["--demo", "archive"]);
    let output = run(command).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read_dir(&home).unwrap().count(), 0);
    let archive = Archive::open_read_only(tmp.join("x-dm-demo/archive.sqlite")).unwrap();
    assert!(archive.counts().unwrap().events > 1000);

    // Without --demo, the default is the data directory, and X_DM_DATA_DIR
    // moves it.
    let fake = FakeX::start().await.unwrap();
    let mut command = against(&fake);
    command
        .env("HOME", &home)
        .env_remove("XDG_DATA_HOME")
        .args(["archive", "--conversation", "1234567890-2244994945"]);
    let output = run(command).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(home.join(".local/share/x-dm/archive.sqlite").exists());
    let mut command = against(&fake);
    command.env("X_DM_DATA_DIR", dir.join("data")).args([
        "archive",
        "--conversation",
        "1234567890-2244994945",
    ]);
    let output = run(command).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        Archive::open_read_only(dir.join("data/archive.sqlite"))
            .unwrap()
            .counts()
            .unwrap()
            .events,
        3
    );
}

#[tokio::test]
async fn the_search_command_writes_raw_events_or_a_table_with_the_match_marked() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("cli-search");
    let path = dir.join("a.sqlite");
    let mut command = against(&fake);
    command.args(["archive", "--db"]).arg(&path);
    assert!(run(command).await.status.success());
    let archive = Archive::open_read_only(&path).unwrap();
    let hits = archive.search(&Search::new("lunch").limit(2)).unwrap();

    let mut command = x_dm();
    command
        .args([
            "search", "lunch", "--limit", "2", "--format", "jsonl", "--db",
        ])
        .arg(&path);
    let output = run(command).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        lines,
        hits.iter().map(|hit| hit.raw.clone()).collect::<Vec<_>>()
    );

    let mut command = x_dm();
    command
        .args([
            "search", "lunch", "--from", "@Theo_OK", "--format", "table", "--db",
        ])
        .arg(&path)
        .args(["--since", "2024-01-01", "--until", "2030-12-31"]);
    let output = run(command).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.lines().count() > 0);
    for line in table.lines() {
        assert!(
            line.contains("[Lunch] at 1?") && line.contains("@theo_ok"),
            "{line}"
        );
    }

    for bad in [
        vec!["search", "lunch", "--since", "yesterday"],
        vec!["search", "lunch", "--format", "pages"],
    ] {
        let mut command = x_dm();
        command.args(bad).arg("--db").arg(&path);
        let output = run(command).await;
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    }
    let mut command = x_dm();
    command
        .args(["search", "lunch", "--db"])
        .arg(dir.join("missing.sqlite"));
    let output = run(command).await;
    assert!(
        stderr(&output).contains("no archive here yet"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn an_export_gives_back_the_events_byte_for_byte_oldest_first() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("export");
    let path = dir.join("a.sqlite");
    let mut command = against(&fake);
    command.args(["archive", "--db"]).arg(&path);
    assert!(run(command).await.status.success());

    // The same request, exported straight from X by the JSONL exporter.
    let mut command = against(&fake);
    command.args([
        "--format",
        "jsonl",
        "inbox",
        "--all",
        "--max-results",
        "100",
        "--fields",
        "attachments,created_at,dm_conversation_id,entities,event_type,id,text",
        "--expansions",
        "attachments.media_keys,participant_ids,sender_id",
    ]);
    let output = run(command).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let mut direct: Vec<&[u8]> = output
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    direct.reverse();

    let mut command = x_dm();
    command.args(["archive", "export", "--db"]).arg(&path);
    let output = run(command).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let exported: Vec<&[u8]> = output
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(exported.len(), inbox(&fake).len());
    assert!(exported == direct, "byte for byte, oldest first");

    let mut command = x_dm();
    command
        .args([
            "--format",
            "json",
            "archive",
            "export",
            "--conversation",
            "1234567890-2244994945",
            "--db",
        ])
        .arg(&path);
    let output = run(command).await;
    let array: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let expected: Vec<Value> = fake
        .dataset()
        .events("1234567890-2244994945")
        .unwrap()
        .iter()
        .rev()
        .cloned()
        .collect();
    assert_eq!(ids(&array), ids(&expected));
    assert_eq!(
        array.iter().map(number).collect::<Vec<_>>(),
        expected.iter().map(number).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn stats_count_each_conversation_and_tell_the_last_sync() {
    let fake = FakeX::start().await.unwrap();
    let path = temp_dir("stats").join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();
    archive.sync(&client(&fake), &Scope::Inbox).await.unwrap();
    let stats = archive.stats().unwrap();
    let data = fake.dataset();
    let with_events: Vec<&str> = data
        .conversation_ids()
        .filter(|id| data.event_count(id) != Some(0))
        .collect();
    assert_eq!(stats.conversations.len(), with_events.len());
    for conversation in &stats.conversations {
        let events = data.events(&conversation.id).unwrap();
        assert_eq!(conversation.events as usize, events.len());
        assert_eq!(
            conversation.last_at.as_deref(),
            events[0]["created_at"].as_str()
        );
        assert_eq!(
            conversation.first_at.as_deref(),
            events[events.len() - 1]["created_at"].as_str()
        );
        let people: BTreeSet<String> = events
            .iter()
            .flat_map(|e| {
                e["sender_id"].as_str().into_iter().chain(
                    e["participant_ids"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str),
                )
            })
            .map(|id| format!("@{}", data.user(id).unwrap()["username"].as_str().unwrap()))
            .collect();
        assert_eq!(
            conversation
                .participants
                .iter()
                .cloned()
                .collect::<BTreeSet<_>>(),
            people
        );
    }
    let all = inbox(&fake);
    assert_eq!(
        stats.oldest_at.as_deref(),
        all[all.len() - 1]["created_at"].as_str()
    );
    let last = stats.last_run.unwrap();
    assert_eq!(last.added as usize, all.len());
    assert_eq!(
        last.outcome.as_deref(),
        Some("reached the oldest event X serves")
    );
    drop(archive);

    let mut command = x_dm();
    command
        .args(["--format", "table", "archive", "stats", "--db"])
        .arg(&path);
    let output = run(command).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let table = String::from_utf8(output.stdout).unwrap();
    let count = data.event_count(DEMO_CONVERSATION).unwrap().to_string();
    assert!(
        table.lines().any(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            cells.first() == Some(&DEMO_CONVERSATION) && cells.get(1) == Some(&count.as_str())
        }),
        "{table}"
    );
    assert!(table.contains("last sync (inbox)"), "{table}");
}

#[tokio::test]
async fn attachments_are_downloaded_once_each_beside_the_database() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let dir = temp_dir("media");
    let path = dir.join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();
    archive.sync(&client, &Scope::Inbox).await.unwrap();
    let data = fake.dataset();
    let attached: HashSet<String> = inbox(&fake)
        .iter()
        .flat_map(|e| {
            e["attachments"]["media_keys"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|key| key.as_str().unwrap().to_owned())
        .collect();
    let photos: BTreeSet<String> = data
        .media()
        .iter()
        .filter(|m| {
            m["url"]
                .as_str()
                .is_some_and(|url| x_dm::x::DmMediaUrl::parse(url).is_some())
        })
        .map(|m| m["media_key"].as_str().unwrap().to_owned())
        .filter(|key| attached.contains(key))
        .collect();
    assert!(photos.len() > 1, "the fake's DMs attach photos");

    // One photo is gone at X; it is recorded so, and not asked for again.
    fake.inject_into::<x_dm::x::operations::DmConversationsMediaDownload>(Fault::Status(404));
    let before = fake.requests();
    let report = archive.download_media(&client).await.unwrap();
    assert_eq!(report.saved as usize, photos.len() - 1);
    assert_eq!(report.missing, 1);
    assert_eq!(report.unavailable as usize, attached.len() - photos.len());
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(fake.requests() - before, photos.len(), "one request each");
    assert_eq!(archive.media_dir(), dir.join("a.sqlite.media"));
    let mut saved = Vec::new();
    for key in &photos {
        if let Some(file) = archive.media_file(key).unwrap() {
            assert_eq!(
                file.file_name().unwrap().to_str().unwrap(),
                format!("{key}.jpg")
            );
            let bytes = std::fs::read(&file).unwrap();
            assert_eq!(&bytes[..3], b"\xFF\xD8\xFF", "{key}");
            saved.push(file);
        }
    }
    assert_eq!(saved.len(), photos.len() - 1);
    assert_eq!(
        std::fs::read_dir(archive.media_dir()).unwrap().count(),
        saved.len(),
        "no partial files"
    );

    let before = fake.requests();
    let again = archive.download_media(&client).await.unwrap();
    assert_eq!((again.saved, again.recovered, again.missing), (0, 0, 0));
    assert_eq!(fake.requests(), before, "each file once");
    drop(archive);

    // The command line does the same after its sync, from a fresh archive.
    // One file is there already, whole, as a run killed between writing it
    // and recording it leaves it: it is recorded, not downloaded again.
    let other = dir.join("b.sqlite");
    let other_media = dir.join("b.sqlite.media");
    std::fs::create_dir_all(&other_media).unwrap();
    std::fs::copy(&saved[0], other_media.join(saved[0].file_name().unwrap())).unwrap();
    let before = fake.requests();
    let mut command = against(&fake);
    command.args(["archive", "--media", "--db"]).arg(&other);
    let output = run(command).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_dir(&other_media).unwrap().count(),
        photos.len()
    );
    let pages = inbox(&fake).len().div_ceil(PAGE);
    assert_eq!(fake.requests() - before, pages + photos.len() - 1);
    let archive = Archive::open_read_only(&other).unwrap();
    for key in &photos {
        assert!(
            archive
                .media_file(key)
                .unwrap()
                .is_some_and(|file| file.exists()),
            "{key}"
        );
    }
}
