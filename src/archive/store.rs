//! Writing one page into the archive: its events with their JSON as sent,
//! their conversations and participants, and the users and media the page
//! included, newer copies replacing older ones.

use rusqlite::{Transaction, params};

use super::Error;
use super::rows::{PageRows, UserRow};

/// What writing a page did.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Events new to the archive.
    pub added: u64,
}

/// Writes `page` from `source`, fetched at `now_ms` by run `run_id`, in
/// `transaction`. An event whose id is stored already (from either source:
/// TweetAPI's ids are X's) is not stored again.
pub(crate) fn write_page(
    transaction: &Transaction<'_>,
    page: &PageRows,
    source: &str,
    run_id: i64,
    now_ms: i64,
) -> Result<Written, Error> {
    write_users(transaction, &page.users, now_ms)?;
    write_media(transaction, page, now_ms)?;
    let before = last_seq(transaction)?;
    let mut insert = transaction.prepare_cached(
        "INSERT INTO events (id, id_num, source, conversation_id, event_type, sender_id,
                             created_at, created_ms, text, raw, run_id)
         VALUES (?1, ?2, ?11, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id_num) DO NOTHING",
    )?;
    let mut media = transaction.prepare_cached(
        "INSERT INTO event_media (event_id, media_key) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?;
    let mut conversations = transaction.prepare_cached(
        "INSERT INTO conversations (id, kind, first_seen_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?;
    let mut participants = transaction.prepare_cached(
        "INSERT INTO participants (conversation_id, user_id) VALUES (?1, ?2)
         ON CONFLICT DO NOTHING",
    )?;
    // A page is mostly one conversation's events between the same few
    // people: each conversation and (conversation, user) pair is written
    // once a page, not once an event. Lists, not sets: they hold a handful.
    let mut conversations_seen: Vec<&str> = Vec::new();
    let mut participants_seen: Vec<(&str, &str)> = Vec::new();
    let mut written = Written::default();
    for row in &page.events {
        let event = &row.event;
        written.added += insert.execute(params![
            event.id,
            row.number,
            event.conversation_id,
            event.event_type,
            event.sender_id,
            event.created_at,
            row.created_ms,
            event.text,
            row.raw,
            run_id,
            source,
        ])? as u64;
        for key in &event.media_keys {
            media.execute(params![event.id, key])?;
        }
        let Some(id) = event.conversation_id.as_deref() else {
            continue;
        };
        if !conversations_seen.contains(&id) {
            // One-to-one conversations are named `low-high` after their
            // two users; groups have a plain number.
            let kind = if id.contains('-') {
                "one_to_one"
            } else {
                "group"
            };
            conversations.execute(params![id, kind, now_ms])?;
            conversations_seen.push(id);
        }
        for user in event
            .sender_id
            .iter()
            .chain(&event.participants)
            .map(String::as_str)
        {
            if !participants_seen.contains(&(id, user)) {
                participants.execute(params![id, user])?;
                participants_seen.push((id, user));
            }
        }
    }
    index_text(transaction, before)?;
    Ok(written)
}

/// The highest row number in `events`: rows added after it are the page's.
fn last_seq(transaction: &Transaction<'_>) -> Result<i64, Error> {
    Ok(transaction
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM events")?
        .query_row([], |row| row.get(0))?)
}

/// Adds the text of the events stored after row `after` to the full-text
/// index, in one statement, in the page's transaction: the index is never
/// behind the events it covers. One statement a page, not one per event,
/// because FTS5 writes an index segment at every statement that touches it
/// (schema version 4 dropped the trigger that did it per event).
fn index_text(transaction: &Transaction<'_>, after: i64) -> Result<(), Error> {
    transaction
        .prepare_cached(
            "INSERT INTO events_fts (rowid, text) SELECT seq, text FROM events WHERE seq > ?1",
        )?
        .execute([after])?;
    Ok(())
}

/// Stores users, each as sent: what this fetch saw replaces what an
/// earlier one did.
fn write_users(transaction: &Transaction<'_>, users: &[UserRow], now_ms: i64) -> Result<(), Error> {
    let mut statement = transaction.prepare_cached(
        "INSERT INTO users (id, username, name, raw, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET
             username = excluded.username, name = excluded.name,
             raw = excluded.raw, seen_ms = excluded.seen_ms
         WHERE excluded.seen_ms >= users.seen_ms",
    )?;
    for user in users {
        statement.execute(params![user.id, user.username, user.name, user.raw, now_ms])?;
    }
    Ok(())
}

/// Stores media objects likewise.
fn write_media(transaction: &Transaction<'_>, page: &PageRows, now_ms: i64) -> Result<(), Error> {
    let mut statement = transaction.prepare_cached(
        "INSERT INTO media (media_key, type, url, raw, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (media_key) DO UPDATE SET
             type = excluded.type, url = excluded.url,
             raw = excluded.raw, seen_ms = excluded.seen_ms
         WHERE excluded.seen_ms >= media.seen_ms",
    )?;
    for media in &page.media {
        statement.execute(params![media.key, media.kind, media.url, media.raw, now_ms])?;
    }
    Ok(())
}
