//! Finding messages again: SQLite's FTS5 index over message text, with
//! filters on conversation, sender and time, newest first.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Archive, Error};

/// A search of the archive's messages.
///
/// The query's words must all appear, in any order; a word ending in `*`
/// matches as a prefix (`lunch*` finds "lunchtime"). Case and diacritics
/// do not matter, and punctuation in a word is no syntax: `don't` is a word.
#[derive(Clone, Debug)]
#[must_use]
pub struct Search {
    query: String,
    conversation: Option<String>,
    sender: Option<String>,
    since_ms: Option<i64>,
    until_ms: Option<i64>,
    limit: Option<u64>,
    marks: (String, String),
}

/// One message found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hit {
    /// The event id.
    pub id: String,
    /// The conversation it belongs to.
    pub conversation_id: Option<String>,
    /// Who sent it.
    pub sender_id: Option<String>,
    /// The sender's handle, as last seen.
    pub sender_username: Option<String>,
    /// When it was sent, as X wrote it.
    pub created_at: Option<String>,
    /// The text with each match between the search's marks.
    pub marked: String,
    /// The event's JSON exactly as X sent it.
    pub raw: String,
}

impl Search {
    /// Messages with every word of `query`.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            conversation: None,
            sender: None,
            since_ms: None,
            until_ms: None,
            limit: None,
            marks: ("[".to_owned(), "]".to_owned()),
        }
    }

    /// Only in this conversation.
    pub fn conversation(mut self, id: impl Into<String>) -> Self {
        self.conversation = Some(id.into());
        self
    }

    /// Only sent by this user: an id, or a handle with or without `@`
    /// (case does not matter).
    pub fn sender(mut self, id_or_username: impl Into<String>) -> Self {
        let who: String = id_or_username.into();
        self.sender = Some(who.strip_prefix('@').unwrap_or(&who).to_owned());
        self
    }

    /// Only sent at or after `time`.
    pub fn since(mut self, time: impl Into<DateTime<Utc>>) -> Self {
        self.since_ms = Some(time.into().timestamp_millis());
        self
    }

    /// Only sent before `time`.
    pub fn until(mut self, time: impl Into<DateTime<Utc>>) -> Self {
        self.until_ms = Some(time.into().timestamp_millis());
        self
    }

    /// At most `n` messages, the newest.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// What goes around each match in [`Hit::marked`]: `[` and `]` unless
    /// set.
    pub fn marks(mut self, open: impl Into<String>, close: impl Into<String>) -> Self {
        self.marks = (open.into(), close.into());
        self
    }

    /// The query in FTS5's syntax: each word a quoted string, so that no
    /// character of the user's is taken for an operator.
    fn fts_query(&self) -> Result<String, Error> {
        let words: Vec<String> = self
            .query
            .split_whitespace()
            .map(|word| {
                let (word, prefix) = match word.strip_suffix('*') {
                    Some(stem) if !stem.is_empty() => (stem, "*"),
                    _ => (word, ""),
                };
                format!("\"{}\"{prefix}", word.replace('"', "\"\""))
            })
            .collect();
        if words.is_empty() {
            return Err(Error::InvalidSearch(
                "QUERY: give at least one word to search for".to_owned(),
            ));
        }
        Ok(words.join(" "))
    }
}

impl Archive {
    /// The messages `search` finds, newest first.
    pub fn search(&self, search: &Search) -> Result<Vec<Hit>, Error> {
        let query = search.fts_query()?;
        let limit = search
            .limit
            .map_or(-1, |limit| i64::try_from(limit).unwrap_or(i64::MAX));
        let mut statement = self.connection.prepare_cached(
            "SELECT e.id, e.conversation_id, e.sender_id, u.username, e.created_at,
                    highlight(events_fts, 0, ?7, ?8), e.raw
             FROM events_fts
             JOIN events e ON e.seq = events_fts.rowid
             LEFT JOIN users u ON u.id = e.sender_id
             WHERE events_fts MATCH ?1
               AND (?2 IS NULL OR e.conversation_id = ?2)
               AND (?3 IS NULL OR e.sender_id = ?3 OR u.username = ?3 COLLATE NOCASE)
               AND (?4 IS NULL OR e.created_ms >= ?4)
               AND (?5 IS NULL OR e.created_ms < ?5)
             ORDER BY e.id_num DESC
             LIMIT ?6",
        )?;
        let rows = statement.query_map(
            params![
                query,
                search.conversation,
                search.sender,
                search.since_ms,
                search.until_ms,
                limit,
                search.marks.0,
                search.marks.1,
            ],
            |row| {
                Ok(Hit {
                    id: row.get(0)?,
                    conversation_id: row.get(1)?,
                    sender_id: row.get(2)?,
                    sender_username: row.get(3)?,
                    created_at: row.get(4)?,
                    marked: row.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    raw: row.get(6)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
