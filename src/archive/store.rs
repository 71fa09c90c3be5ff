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
    let mut insert = transaction.prepare_cached(
        "INSERT INTO events (id, id_num, source, conversation_id, event_type, sender_id,
                             created_at, created_ms, text, raw, run_id)
         VALUES (?1, ?2, 'x', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO NOTHING",
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
    let mut written = Written::default();
    for (event, raw) in page.items().iter().zip(raws) {
        let number: i64 = event
            .id
            .parse()
            .map_err(|_| Error::BadData(format!("event id `{}` is not a number", event.id)))?;
        let raw = std::str::from_utf8(raw)
            .map_err(|_| Error::BadData(format!("event {} is not UTF-8", event.id)))?;
        let conversation_id = event.dm_conversation_id.as_deref().or(conversation);
        let created_ms = event
            .created_at
            .as_deref()
            .and_then(crate::timestamp::parse)
            .map(|time| time.timestamp_millis());
        written.added += insert.execute(params![
            event.id,
            number,
            conversation_id,
            event.event_type,
            event.sender_id,
            event.created_at,
            created_ms,
            event.text,
            raw,
            run_id,
        ])? as u64;
        if written.lowest.is_none_or(|lowest| number < lowest) {
            written.lowest = Some(number);
            written.oldest_id = Some(event.id.clone());
        }
        written.highest = written.highest.max(Some(number));
        for key in event.attachments.iter().flat_map(|a| &a.media_keys) {
            media.execute(params![event.id, key])?;
        }
        if let Some(id) = conversation_id {
            // One-to-one conversations are named `low-high` after their two
            // users; groups have a plain number.
            let kind = if id.contains('-') {
                "one_to_one"
            } else {
                "group"
            };
            conversations.execute(params![id, kind, now_ms])?;
            for user in event.sender_id.iter().chain(&event.participant_ids) {
                participants.execute(params![id, user])?;
            }
        }
    }
    Ok(written)
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
fn write_includes(transaction: &Transaction<'_>, body: &[u8], now_ms: i64) -> Result<(), Error> {
    let Ok(Body {
        includes: Some(includes),
    }) = serde_json::from_slice::<Body<'_>>(body)
    else {
        return Ok(());
    };
    let mut users = transaction.prepare_cached(
        "INSERT INTO users (id, username, name, raw, seen_ms) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET
             username = excluded.username, name = excluded.name,
             raw = excluded.raw, seen_ms = excluded.seen_ms
         WHERE excluded.seen_ms >= users.seen_ms",
    )?;
    for raw in includes.users.unwrap_or_default() {
        let Ok(UserKeys {
            id: Some(id),
            username,
            name,
        }) = serde_json::from_str(raw.get())
        else {
            continue;
        };
        users.execute(params![id, username, name, raw.get(), now_ms])?;
    }
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
