//! What a page becomes in the archive's tables, worked out on the walk's
//! side before the page goes to the writer: ids read as numbers, times
//! parsed, text checked, each event's and each included object's JSON cut
//! out of the body as sent (without copying it). The writer, the slower
//! side, then only runs SQLite.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::Error;
use crate::x::Page;
use crate::x::types::DmEvent;

/// One page, ready to store.
#[derive(Debug, Default)]
pub(crate) struct PageRows {
    pub events: Vec<EventRow>,
    pub users: Vec<UserRow>,
    pub media: Vec<MediaRow>,
    pub bounds: Bounds,
}

/// One event as the `events` table and its companions hold it, whichever
/// API it came from.
#[derive(Debug)]
pub(crate) struct EventRow {
    pub event: Event,
    /// The id as a number: the archive's order and uniqueness.
    pub number: i64,
    pub created_ms: Option<i64>,
    /// The event's JSON exactly as sent.
    pub raw: Json,
}

/// A user as a page included it.
#[derive(Debug)]
pub(crate) struct UserRow {
    pub id: String,
    pub username: Option<String>,
    pub name: Option<String>,
    pub raw: Json,
}

/// A media object as a page included it.
#[derive(Debug)]
pub(crate) struct MediaRow {
    pub key: String,
    pub kind: Option<String>,
    pub url: Option<String>,
    pub raw: Json,
}

/// JSON as sent, known to be UTF-8: bound as SQLite text without checking
/// it again on the writer's thread.
#[derive(Debug)]
pub(crate) struct Json(Bytes);

impl Json {
    /// `bytes`, if they are UTF-8; `what` names them in the error.
    fn new(bytes: Bytes, what: impl FnOnce() -> String) -> Result<Json, Error> {
        match std::str::from_utf8(&bytes) {
            Ok(_) => Ok(Json(bytes)),
            Err(_) => Err(Error::BadData(format!("{} is not UTF-8", what()))),
        }
    }

    /// A part of `body` (which is UTF-8, being a `&str`'s bytes).
    fn within(body: &Bytes, part: &RawValue) -> Json {
        Json(body.slice_ref(part.get().as_bytes()))
    }
}

impl rusqlite::ToSql for Json {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(&self.0),
        ))
    }
}

/// Where a page's events lie in X's id order: the walk decides from it
/// whether to go on, while the writer stores the page.
#[derive(Debug, Default)]
pub(crate) struct Bounds {
    /// The lowest and highest event ids on the page, as numbers.
    pub lowest: Option<i64>,
    pub highest: Option<i64>,
    /// The id of the page's oldest event, as sent.
    pub oldest_id: Option<String>,
}

/// An event id as the number it is. Only the canonical form is taken
/// (digits, no leading zero), so that no two ids are the same number: the
/// archive keeps events unique by number.
fn id_number(id: &str) -> Result<i64, Error> {
    let canonical = !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && (id == "0" || !id.starts_with('0'));
    match id.parse() {
        Ok(number) if canonical => Ok(number),
        _ => Err(Error::BadData(format!(
            "event id `{id}` is not a number in X's form"
        ))),
    }
}

/// The parts of an event that every API has.
#[derive(Debug)]
pub(crate) struct Event {
    pub id: String,
    pub conversation_id: Option<String>,
    pub event_type: String,
    pub sender_id: Option<String>,
    pub created_at: Option<String>,
    pub text: Option<String>,
    /// Users the event names besides its sender (joins, leaves, the
    /// recipient).
    pub participants: Vec<String>,
    pub media_keys: Vec<String>,
}

impl PageRows {
    /// The rows of `events`, each with its JSON as sent from `raws` (in the
    /// same order; `what` names the items in the error if they do not line
    /// up).
    pub(crate) fn of_events(
        events: impl ExactSizeIterator<Item = Event>,
        raws: Vec<Bytes>,
        what: &str,
    ) -> Result<PageRows, Error> {
        if raws.len() != events.len() {
            return Err(Error::BadData(format!(
                "the page's {what} could not be cut out of its body as sent"
            )));
        }
        let mut rows = PageRows::default();
        for (event, raw) in events.zip(raws) {
            let number = id_number(&event.id)?;
            let bounds = &mut rows.bounds;
            if bounds.lowest.is_none_or(|lowest| number < lowest) {
                bounds.lowest = Some(number);
                bounds.oldest_id = Some(event.id.clone());
            }
            bounds.highest = bounds.highest.max(Some(number));
            rows.events.push(EventRow {
                number,
                created_ms: event
                    .created_at
                    .as_deref()
                    .and_then(crate::timestamp::parse)
                    .map(|time| time.timestamp_millis()),
                raw: Json::new(raw, || format!("event {}", event.id))?,
                event,
            });
        }
        Ok(rows)
    }

    /// Adds the users of `users`, each a part of `body`. A user without an
    /// id is passed over, as the page's own decoding does.
    pub(crate) fn include_users<'a>(
        &mut self,
        body: &Bytes,
        users: impl IntoIterator<Item = &'a RawValue>,
    ) {
        for raw in users {
            if let Ok(UserKeys {
                id: Some(id),
                username,
                name,
            }) = serde_json::from_str(raw.get())
            {
                self.users.push(UserRow {
                    id,
                    username,
                    name,
                    raw: Json::within(body, raw),
                });
            }
        }
    }
}

/// The rows of an X page of DM events; `conversation` is the conversation
/// walked, for events that do not name theirs.
pub(crate) fn of_x_page(
    page: Page<DmEvent>,
    conversation: Option<&str>,
) -> Result<PageRows, Error> {
    let raws = page.raw_items().to_vec();
    let body = page.raw_body().clone();
    let events = page.into_items().into_iter().map(|event| Event {
        conversation_id: event
            .dm_conversation_id
            .or_else(|| conversation.map(str::to_owned)),
        id: event.id,
        event_type: event.event_type,
        sender_id: event.sender_id,
        created_at: event.created_at,
        text: event.text,
        participants: event.participant_ids,
        media_keys: event
            .attachments
            .map(|attachments| attachments.media_keys)
            .unwrap_or_default(),
    });
    let mut rows = PageRows::of_events(events, raws, "events")?;
    if let Ok(Body {
        includes: Some(includes),
    }) = serde_json::from_slice::<Body<'_>>(&body)
    {
        rows.include_users(&body, includes.users.unwrap_or_default());
        for raw in includes.media.unwrap_or_default() {
            if let Ok(MediaKeys {
                media_key: Some(key),
                kind,
                url,
                preview_image_url,
            }) = serde_json::from_str(raw.get())
            {
                rows.media.push(MediaRow {
                    key,
                    kind,
                    url: url.or(preview_image_url),
                    raw: Json::within(&body, raw),
                });
            }
        }
    }
    Ok(rows)
}

/// The users and media an X page included, each as sent.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page_of(id: &str, raw: &'static [u8]) -> Result<PageRows, Error> {
        let event = Event {
            id: id.to_owned(),
            conversation_id: None,
            event_type: "MessageCreate".to_owned(),
            sender_id: None,
            created_at: None,
            text: None,
            participants: Vec::new(),
            media_keys: Vec::new(),
        };
        PageRows::of_events([event].into_iter(), vec![Bytes::from_static(raw)], "events")
    }

    #[test]
    fn only_ids_in_xs_form_are_taken_so_no_two_are_the_same_number() {
        assert_eq!(page_of("17", b"{}").unwrap().events[0].number, 17);
        assert_eq!(page_of("0", b"{}").unwrap().events[0].number, 0);
        for id in ["017", "+17", "-17", "", "1e3", "99999999999999999999"] {
            let error = page_of(id, b"{}").unwrap_err();
            assert!(
                error.to_string().contains(&format!("`{id}`")),
                "{id}: {error}"
            );
        }
    }

    #[test]
    fn json_that_is_not_utf8_is_refused_naming_the_event() {
        let error = page_of("5", b"{\"text\":\"\xff\"}").unwrap_err();
        assert!(
            error.to_string().contains("event 5 is not UTF-8"),
            "{error}"
        );
    }
}
