//! Writing one page of DM events into the archive: the events with their
//! JSON as sent, their conversations and participants, and the users and
//! media the page included, newer copies replacing older ones.

use rusqlite::{Transaction, params};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::Error;
use crate::x::Page;
use crate::x::types::DmEvent;

/// What writing a page did.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// Events new to the archive.
    pub added: u64,
    /// The lowest and highest event ids on the page, as numbers.
    pub lowest: Option<i64>,
    pub highest: Option<i64>,
    /// The id of the page's oldest event.
    pub oldest_id: Option<String>,
}

/// Writes `page`, fetched at `now_ms` by run `run_id`, in `transaction`.
/// `conversation` is the conversation walked, for events that do not name
/// theirs.
pub(crate) fn write_page(
    transaction: &Transaction<'_>,
    page: &Page<DmEvent>,
    run_id: i64,
    conversation: Option<&str>,
    now_ms: i64,
) -> Result<Written, Error> {
    let raws = page.raw_items();
    if raws.len() != page.items().len() {
        return Err(Error::BadData(
            "the page's events could not be cut out of its body as sent".to_owned(),
        ));
    }
    write_includes(transaction, page.raw_body(), now_ms)?;
    let mut rows = Rows::new(transaction, "x", run_id, now_ms)?;
    for (event, raw) in page.items().iter().zip(raws) {
        let conversation_id = event.dm_conversation_id.as_deref().or(conversation);
        rows.add(&Row {
            id: &event.id,
            conversation_id,
            event_type: &event.event_type,
            sender_id: event.sender_id.as_deref(),
            created_at: event.created_at.as_deref(),
            text: event.text.as_deref(),
            raw,
            participants: &event.participant_ids,
            media_keys: event
                .attachments
                .as_ref()
                .map_or(&[][..], |a| a.media_keys.as_slice()),
        })?;
    }
    rows.finish()
}

/// One event as the `events` table and its companions hold it, whichever
/// API it came from.
pub(crate) struct Row<'a> {
    pub id: &'a str,
    pub conversation_id: Option<&'a str>,
    pub event_type: &'a str,
    pub sender_id: Option<&'a str>,
    pub created_at: Option<&'a str>,
    pub text: Option<&'a str>,
    /// The event's JSON exactly as sent.
    pub raw: &'a [u8],
    /// Users the event names besides its sender (joins, leaves, the
    /// recipient).
    pub participants: &'a [String],
    pub media_keys: &'a [String],
}

/// The statements that write one page's events, prepared once a page.
pub(crate) struct Rows<'t> {
    transaction: &'t Transaction<'t>,
    source: &'static str,
    run_id: i64,
    now_ms: i64,
    /// The last row of `events` before this page: later rows are its own.
    before: i64,
    insert: rusqlite::CachedStatement<'t>,
    media: rusqlite::CachedStatement<'t>,
    conversations: rusqlite::CachedStatement<'t>,
    participants: rusqlite::CachedStatement<'t>,
    written: Written,
}

impl<'t> Rows<'t> {
    /// Starts writing a page from `source` for run `run_id`, fetched at
    /// `now_ms`.
    pub(crate) fn new(
        transaction: &'t Transaction<'t>,
        source: &'static str,
        run_id: i64,
        now_ms: i64,
    ) -> Result<Self, Error> {
        Ok(Self {
            transaction,
            source,
            run_id,
            now_ms,
            before: last_seq(transaction)?,
            insert: transaction.prepare_cached(
                "INSERT INTO events (id, id_num, source, conversation_id, event_type, sender_id,
                                     created_at, created_ms, text, raw, run_id)
                 VALUES (?1, ?2, ?11, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (id) DO NOTHING",
            )?,
            media: transaction.prepare_cached(
                "INSERT INTO event_media (event_id, media_key) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?,
            conversations: transaction.prepare_cached(
                "INSERT INTO conversations (id, kind, first_seen_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?,
            participants: transaction.prepare_cached(
                "INSERT INTO participants (conversation_id, user_id) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING",
            )?,
            written: Written::default(),
        })
    }

    /// Stores one event, unless an event of the same id is stored already
    /// (from either source: ids are X's, and TweetAPI's are the same).
    pub(crate) fn add(&mut self, event: &Row<'_>) -> Result<(), Error> {
        let number: i64 = event
            .id
            .parse()
            .map_err(|_| Error::BadData(format!("event id `{}` is not a number", event.id)))?;
        let raw = std::str::from_utf8(event.raw)
            .map_err(|_| Error::BadData(format!("event {} is not UTF-8", event.id)))?;
        let created_ms = event
            .created_at
            .and_then(crate::timestamp::parse)
            .map(|time| time.timestamp_millis());
        self.written.added += self.insert.execute(params![
            event.id,
            number,
            event.conversation_id,
            event.event_type,
            event.sender_id,
            event.created_at,
            created_ms,
            event.text,
            raw,
            self.run_id,
            self.source,
        ])? as u64;
        if self.written.lowest.is_none_or(|lowest| number < lowest) {
            self.written.lowest = Some(number);
            self.written.oldest_id = Some(event.id.to_owned());
        }
        self.written.highest = self.written.highest.max(Some(number));
        for key in event.media_keys {
            self.media.execute(params![event.id, key])?;
        }
        if let Some(id) = event.conversation_id {
            // One-to-one conversations are named `low-high` after their two
            // users; groups have a plain number.
            let kind = if id.contains('-') {
                "one_to_one"
            } else {
                "group"
            };
            self.conversations.execute(params![id, kind, self.now_ms])?;
            for user in event
                .sender_id
                .into_iter()
                .chain(event.participants.iter().map(String::as_str))
            {
                self.participants.execute(params![id, user])?;
            }
        }
        Ok(())
    }

    /// Indexes the page's text and says what the page did.
    pub(crate) fn finish(self) -> Result<Written, Error> {
        index_text(self.transaction, self.before)?;
        Ok(self.written)
    }
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

/// The users and media a page included, each as sent.
#[derive(Deserialize)]
struct Body<'a> {
    #[serde(borrow)]
    includes: Option<Includes<'a>>,
}

#[derive(Deserialize)]
struct Includes<'a> {
    #[serde(borrow)]
    users: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    media: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct UserKeys {
    id: Option<String>,
    username: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct MediaKeys {
    media_key: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    preview_image_url: Option<String>,
}

/// Stores the page's users and media. What this fetch saw replaces what an
/// earlier one did; an object without its key is passed over, as the page's
/// own decoding does.
/// Stores users, each as sent: what this fetch saw replaces what an
/// earlier one did. A user without an id is passed over.
pub(crate) fn write_users<'a>(
    transaction: &Transaction<'_>,
    users: impl IntoIterator<Item = &'a RawValue>,
    now_ms: i64,
) -> Result<(), Error> {
    let mut statement = transaction.prepare_cached(
        "INSERT INTO users (id, username, name, raw, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET
             username = excluded.username, name = excluded.name,
             raw = excluded.raw, seen_ms = excluded.seen_ms
         WHERE excluded.seen_ms >= users.seen_ms",
    )?;
    for raw in users {
        let Ok(UserKeys {
            id: Some(id),
            username,
            name,
        }) = serde_json::from_str(raw.get())
        else {
            continue;
        };
        statement.execute(params![id, username, name, raw.get(), now_ms])?;
    }
    Ok(())
}

fn write_includes(transaction: &Transaction<'_>, body: &[u8], now_ms: i64) -> Result<(), Error> {
    let Ok(Body {
        includes: Some(includes),
    }) = serde_json::from_slice::<Body<'_>>(body)
    else {
        return Ok(());
    };
    write_users(transaction, includes.users.unwrap_or_default(), now_ms)?;
    let mut media = transaction.prepare_cached(
        "INSERT INTO media (media_key, type, url, raw, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (media_key) DO UPDATE SET
             type = excluded.type, url = excluded.url,
             raw = excluded.raw, seen_ms = excluded.seen_ms
         WHERE excluded.seen_ms >= media.seen_ms",
    )?;
    for raw in includes.media.unwrap_or_default() {
        let Ok(MediaKeys {
            media_key: Some(key),
            kind,
            url,
            preview_image_url,
        }) = serde_json::from_str(raw.get())
        else {
            continue;
        };
        media.execute(params![
            key,
            kind,
            url.or(preview_image_url),
            raw.get(),
            now_ms
        ])?;
    }
    Ok(())
}
