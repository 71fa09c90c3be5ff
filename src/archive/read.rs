//! Reading the archive back out: its events as sent, its runs, and what
//! it holds per conversation.

use rusqlite::params;

use super::{Archive, Error};

impl Archive {
    /// How many events, conversations, users and media the archive holds.
    pub fn counts(&self) -> Result<Counts, Error> {
        let count = |table: &str| -> Result<u64, Error> {
            Ok(self
                .connection
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                    row.get(0)
                })?)
        };
        Ok(Counts {
            events: count("events")?,
            conversations: count("conversations")?,
            users: count("users")?,
            media: count("media")?,
            runs: count("sync_runs")?,
        })
    }

    /// Every event's JSON exactly as X sent it, oldest first.
    pub fn raw_events(&self) -> Result<Vec<String>, Error> {
        let mut events = Vec::new();
        self.for_each_event(None, |raw| {
            events.push(raw.to_owned());
            Ok(())
        })?;
        Ok(events)
    }

    /// Hands each event's JSON exactly as X sent it to `each`, oldest first,
    /// one at a time (memory stays flat however large the archive): every
    /// event, or those of one conversation. Returns how many there were.
    pub fn for_each_event(
        &self,
        conversation: Option<&str>,
        mut each: impl FnMut(&str) -> std::io::Result<()>,
    ) -> Result<u64, Error> {
        let mut statement = self.connection.prepare(
            "SELECT raw FROM events WHERE ?1 IS NULL OR conversation_id = ?1 ORDER BY id_num",
        )?;
        let mut rows = statement.query([conversation])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let raw: String = row.get(0)?;
            each(&raw)?;
            count += 1;
        }
        Ok(count)
    }

    /// Per conversation: its events, first and last time, and participants;
    /// and how far back the archive reaches.
    pub fn stats(&self) -> Result<Stats, Error> {
        let mut statement = self.connection.prepare(
            "SELECT c.id, c.kind, count(e.seq), min(e.created_at), max(e.created_at),
                    (SELECT group_concat(coalesce('@' || u.username, p.user_id), ', ')
                     FROM (SELECT user_id FROM participants
                           WHERE conversation_id = c.id ORDER BY user_id) p
                     LEFT JOIN users u ON u.id = p.user_id)
             FROM conversations c LEFT JOIN events e ON e.conversation_id = c.id
             GROUP BY c.id ORDER BY max(e.id_num) DESC",
        )?;
        let conversations = statement
            .query_map([], |row| {
                Ok(ConversationStats {
                    id: row.get(0)?,
                    kind: row.get(1)?,
                    events: row.get(2)?,
                    first_at: row.get(3)?,
                    last_at: row.get(4)?,
                    participants: row
                        .get::<_, Option<String>>(5)?
                        .map(|list| list.split(", ").map(str::to_owned).collect())
                        .unwrap_or_default(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let oldest_at = self.connection.query_row(
            "SELECT created_at FROM events ORDER BY id_num LIMIT 1",
            params![],
            |row| row.get(0),
        );
        let oldest_at = match oldest_at {
            Err(rusqlite::Error::QueryReturnedNoRows) => None,
            other => other?,
        };
        Ok(Stats {
            conversations,
            oldest_at,
            last_run: self.runs()?.pop(),
        })
    }

    /// Every sync run, oldest first, interrupted ones included.
    pub fn runs(&self) -> Result<Vec<Run>, Error> {
        let mut statement = self.connection.prepare(
            "SELECT id, scope, source, started_ms, ended_ms, requests, added, oldest_id,
                    next_token, outcome
             FROM sync_runs ORDER BY id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(Run {
                id: row.get(0)?,
                scope: row.get(1)?,
                source: row.get(2)?,
                started_ms: row.get(3)?,
                ended_ms: row.get(4)?,
                requests: row.get(5)?,
                added: row.get(6)?,
                oldest_id: row.get(7)?,
                next_token: row.get(8)?,
                outcome: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// One sync run, as `sync_runs` records it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Run {
    /// The run's id.
    pub id: i64,
    /// What it walked: `inbox` or `conversation:ID`.
    pub scope: String,
    /// Where from: `x`.
    pub source: String,
    /// When it started, in Unix milliseconds.
    pub started_ms: i64,
    /// When it ended; `None` for a run that was killed.
    pub ended_ms: Option<i64>,
    /// Pages it fetched and stored.
    pub requests: u64,
    /// Events it added.
    pub added: u64,
    /// The oldest event it reached.
    pub oldest_id: Option<String>,
    /// The token of the page it would have fetched next, where it stopped.
    pub next_token: Option<String>,
    /// How it ended: `caught up`, `reached the oldest event X serves`,
    /// `failed: ...`, or `interrupted` for a run that died; `None` while it
    /// runs.
    pub outcome: Option<String>,
}

/// What an archive holds, in numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counts {
    /// Events.
    pub events: u64,
    /// Conversations they belong to.
    pub conversations: u64,
    /// Users they reference.
    pub users: u64,
    /// Media they attach.
    pub media: u64,
    /// Sync runs, interrupted ones included.
    pub runs: u64,
}

/// What [`Archive::stats`] reports.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Each conversation, the one with the newest event first.
    pub conversations: Vec<ConversationStats>,
    /// When the oldest event was sent: how far back the archive reaches.
    pub oldest_at: Option<String>,
    /// The latest sync run.
    pub last_run: Option<Run>,
}

/// One conversation in [`Stats`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConversationStats {
    /// The conversation id.
    pub id: String,
    /// `one_to_one` or `group`.
    pub kind: String,
    /// Events archived.
    pub events: u64,
    /// When the first and the last were sent.
    pub first_at: Option<String>,
    /// See `first_at`.
    pub last_at: Option<String>,
    /// Its participants, as `@handle` where known, else the user id.
    pub participants: Vec<String>,
}
