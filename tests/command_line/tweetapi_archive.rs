//! `x-dm tweetapi archive` and `Archive::sync_tweetapi` against the fake:
//! TweetAPI's messages beside X's events in one archive, each with its
//! source, later runs that ask only for conversations that changed, and a
//! sync cut short, or a process killed, that resumes to the same archive.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use futures::TryStreamExt;
use rusqlite::Connection;
use serde_json::Value;
use x_dm::archive::{Archive, Outcome, Scope};
use x_dm::testing::{DEMO_CONVERSATION, FakeX, Fault};
use x_dm::tweetapi::types::ConversationInfo;

use crate::killed;

const AUTH_TOKEN: &str = "archive-auth-token-5c1a";
const API_KEY: &str = "archive-api-key-77e0";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "x-dm-tweetapi-archive-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tweetapi(fake: &FakeX) -> x_dm::tweetapi::Client {
    x_dm::tweetapi::Client::builder(API_KEY, AUTH_TOKEN)
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

fn x(fake: &FakeX) -> x_dm::Client {
    x_dm::Client::builder("test-token")
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

/// How many events of each source the archive holds.
fn by_source(path: &Path) -> BTreeMap<String, u64> {
    let connection = Connection::open(path).unwrap();
    let mut statement = connection
        .prepare("SELECT source, count(*) FROM events GROUP BY source")
        .unwrap();
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The conversations the TweetAPI inbox lists.
async fn inbox(fake: &FakeX) -> Vec<ConversationInfo> {
    let conversations: Vec<_> = tweetapi(fake)
        .inbox()
        .conversations()
        .try_collect()
        .await
        .unwrap();
    assert!(conversations.len() > 2, "a real inbox to walk");
    conversations
}

/// The messages (TweetAPI lists no joins or leaves) of every conversation
/// the TweetAPI inbox lists but `except`.
async fn inbox_messages(fake: &FakeX, except: &str) -> u64 {
    let conversations = inbox(fake).await;
    conversations
        .iter()
        .filter(|c| c.id != except)
        .map(|c| {
            fake.dataset()
                .events(&c.id)
                .unwrap()
                .iter()
                .filter(|e| e["event_type"] == "MessageCreate")
                .count() as u64
        })
        .sum()
}

#[tokio::test]
async fn tweetapi_messages_go_beside_x_events_with_their_source_and_later_runs_ask_only_for_what_changed()
 {
    let fake = FakeX::start().await.unwrap();
    let path = temp_dir("both").join("a.sqlite");
    let mut archive = Archive::open(&path).unwrap();
    let demo = Scope::Conversation(DEMO_CONVERSATION.to_owned());
    let from_x = archive.sync(&x(&fake), &demo).await.unwrap();
    let expected = inbox_messages(&fake, DEMO_CONVERSATION).await;

    let first = archive.sync_tweetapi(&tweetapi(&fake)).await.unwrap();
    assert_eq!(first.added, expected, "every message but those X gave");
    assert_eq!(
        by_source(&path),
        BTreeMap::from([
            ("tweetapi".to_owned(), expected),
            ("x".to_owned(), from_x.added)
        ])
    );
    let runs = archive.runs().unwrap();
    let last = runs.last().unwrap();
    assert_eq!(
        (last.source.as_str(), last.scope.as_str()),
        ("tweetapi", "inbox")
    );
    assert_eq!(last.added, expected);

    // Every conversation's newest message is stored now: the inbox is
    // listed again, and only a conversation without a newest message to
    // compare (one without messages) is asked for, one page.
    let unknown = inbox(&fake)
        .await
        .iter()
        .filter(|c| c.last_message_id.is_none())
        .count() as u64;
    assert!(unknown < 2, "the fake's inbox has at most one such");
    let second = archive.sync_tweetapi(&tweetapi(&fake)).await.unwrap();
    assert_eq!((second.pages, second.added), (unknown, 0));
    assert_eq!(second.outcome, Some(Outcome::CaughtUp));

    // A new message is fetched, with only its conversation's newest page.
    let other = fake
        .dataset()
        .conversation_ids()
        .find(|id| *id != DEMO_CONVERSATION && id.contains('-'))
        .unwrap()
        .to_owned();
    tweetapi(&fake)
        .send(&other, "a new lunch plan", None)
        .send()
        .await
        .unwrap();
    let third = archive.sync_tweetapi(&tweetapi(&fake)).await.unwrap();
    assert_eq!((third.pages, third.added), (1 + unknown, 1));
    let hits = archive
        .search(&x_dm::archive::Search::new("new lunch plan"))
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].conversation_id.as_deref(), Some(other.as_str()));
}

#[tokio::test]
async fn a_tweetapi_sync_cut_short_resumes_to_the_archive_an_uninterrupted_one_builds() {
    let fake = FakeX::start().await.unwrap();
    let dir = temp_dir("cut");
    let mut whole = Archive::open(dir.join("whole.sqlite")).unwrap();
    whole.sync_tweetapi(&tweetapi(&fake)).await.unwrap();
    let reference = whole.raw_events().unwrap();

    let before = fake.requests();
    inbox(&fake).await;
    let listing = fake.requests() - before;
    for cut in [listing + 1, listing + 4, listing + 9] {
        let path = dir.join(format!("cut-{cut}.sqlite"));
        let mut archive = Archive::open(&path).unwrap();
        // The inbox's requests and `cut` pages pass; the next one breaks.
        for _ in 0..cut {
            fake.inject(Fault::Slow(std::time::Duration::ZERO));
        }
        fake.inject(Fault::Truncate);
        let error = archive.sync_tweetapi(&tweetapi(&fake)).await.unwrap_err();
        assert!(!error.to_string().contains(AUTH_TOKEN), "{error}");
        let runs = archive.runs().unwrap();
        let failed = runs.last().unwrap().outcome.clone().unwrap();
        assert!(failed.starts_with("failed: "), "{failed}");
        assert!(
            !failed.contains(AUTH_TOKEN) && !failed.contains(API_KEY),
            "{failed}"
        );
        let kept = archive.counts().unwrap().events;
        assert!(
            kept > 0 && (kept as usize) < reference.len(),
            "cut at {cut}: {kept}"
        );

        let resumed = archive.sync_tweetapi(&tweetapi(&fake)).await.unwrap();
        assert!(resumed.resumed, "cut at {cut}");
        assert_eq!(archive.raw_events().unwrap(), reference, "cut at {cut}");
    }
}

fn x_dm(fake: &FakeX) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
    command
        .env_remove("X_DM_DATA_DIR")
        .env("X_ACCESS_TOKEN", "test-token")
        .env("TWEETAPI_KEY", API_KEY)
        .env("TWEETAPI_AUTH_TOKEN", AUTH_TOKEN)
        .args(["--base-url", &fake.base_url()]);
    command
}

async fn run(mut command: Command) -> Output {
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[tokio::test]
async fn the_command_archives_tweetapi_beside_x_and_export_search_and_stats_show_both() {
    let fake = FakeX::start().await.unwrap();
    let db = temp_dir("command").join("a.sqlite");
    let db = db.to_str().unwrap();
    let mut archive = x_dm(&fake);
    archive.args(["archive", "--conversation", DEMO_CONVERSATION, "--db", db]);
    run(archive).await;
    let mut command = x_dm(&fake);
    command.args(["tweetapi", "archive", "--db", db]);
    run(command).await;
    let tweetapi_messages = inbox_messages(&fake, DEMO_CONVERSATION).await;

    let mut export = x_dm(&fake);
    export.args(["archive", "export", "--db", db]);
    let exported = run(export).await.stdout;
    let events: Vec<Value> = exported
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).unwrap())
        .collect();
    // TweetAPI's own words, as it sent them, beside X's.
    let tweetapi_shaped = events
        .iter()
        .filter(|e| e.get("conversationId").is_some())
        .count();
    let x_shaped = events
        .iter()
        .filter(|e| e.get("event_type").is_some())
        .count();
    assert_eq!(tweetapi_shaped as u64, tweetapi_messages);
    assert_eq!(
        x_shaped,
        fake.dataset().event_count(DEMO_CONVERSATION).unwrap()
    );

    let mut stats = x_dm(&fake);
    stats.args(["--format", "json", "archive", "stats", "--db", db]);
    let stats = String::from_utf8(run(stats).await.stdout).unwrap();
    for conversation in inbox(&fake).await {
        if conversation.last_message_id.is_some() {
            assert!(
                stats.contains(&conversation.id),
                "{} in {stats}",
                conversation.id
            );
        }
    }
    assert!(stats.contains("tweetapi"), "the last run's source: {stats}");

    // A word of a TweetAPI message and one of an X event, both found.
    let tweetapi_text = events
        .iter()
        .find(|e| {
            e.get("conversationId").is_some() && e["text"].as_str().is_some_and(|t| !t.is_empty())
        })
        .unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut search = x_dm(&fake);
    search.args(["--format", "jsonl", "search", &tweetapi_text, "--db", db]);
    let found = String::from_utf8(run(search).await.stdout).unwrap();
    assert!(found.contains("conversationId"), "{found}");

    let mut again = x_dm(&fake);
    again.args(["tweetapi", "archive", "--db", db]);
    run(again).await;
    let counts = Archive::open_read_only(db).unwrap().counts().unwrap();
    assert_eq!(
        counts.events as usize,
        events.len(),
        "the second run added nothing"
    );
}

#[tokio::test]
async fn a_killed_tweetapi_archive_process_resumes_to_the_same_archive() {
    let dir = temp_dir("kill");
    let reference = {
        let fake = FakeX::start().await.unwrap();
        let mut whole = Archive::open(dir.join("whole.sqlite")).unwrap();
        whole.sync_tweetapi(&tweetapi(&fake)).await.unwrap();
        whole.raw_events().unwrap()
    };
    let probe = FakeX::start().await.unwrap();
    let before = probe.requests();
    let conversations = inbox(&probe).await;
    let listing = probe.requests() - before;
    // The inbox listing, then a kill in the first conversation's walk, in
    // a later one, and at the last.
    for kill_at in [
        listing + 1,
        listing + conversations.len() / 2,
        listing + conversations.len(),
    ] {
        let fake = killed::slow_fake().await;
        let path = dir.join(format!("kill-{kill_at}.sqlite"));
        let mut command = x_dm(&fake);
        command.args(["tweetapi", "archive", "--db"]).arg(&path);
        killed::at_request(&fake, command, kill_at).await;
        let kept = Archive::open_read_only(&path)
            .unwrap()
            .raw_events()
            .unwrap();
        assert!(kept.len() < reference.len(), "killed at {kill_at}");
        assert!(
            kept.iter().all(|event| reference.contains(event)),
            "killed at {kill_at}: only events as sent"
        );

        // The rest from a fake without the latency: it holds the same
        // seeded inbox.
        let fake = FakeX::start().await.unwrap();
        let mut command = x_dm(&fake);
        command.args(["tweetapi", "archive", "--db"]).arg(&path);
        run(command).await;
        killed::assert_resumed(&path, &reference, kill_at);
    }
}
