//! The whole inbox kept in an embedded SQLite database: synced
//! incrementally, crash-safe, and searchable (feature `archive`).
//!
//! X keeps DM events for 30 days and allows 15 lookups per 15 minutes, so an
//! archive that syncs at least once a month keeps everything, and each sync
//! asks only for what is new: a sync with nothing new is one request.
//!
//! ```no_run
//! # async fn run() -> Result<(), x_dm::archive::Error> {
//! use x_dm::archive::{Archive, Scope, Search};
//!
//! let client = x_dm::Client::new(std::env::var("X_ACCESS_TOKEN").unwrap_or_default())?;
//! let mut archive = Archive::open("dms.sqlite")?;
//! let report = archive.sync(&client, &Scope::Inbox).await?;
//! println!("{} new event(s) in {} request(s)", report.added, report.requests);
//! for hit in archive.search(&Search::new("lunch").limit(10))? {
//!     println!("{} {}: {}", hit.created_at.unwrap_or_default(), hit.conversation_id.unwrap_or_default(), hit.marked);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Each page is written in one transaction together with the position
//! reached, so a sync killed at any moment resumes where it stopped. One
//! writer at a time: a second [`Archive::open`] of the same file fails at once
//! with [`Error::Locked`]; readers ([`Archive::open_read_only`]) are never
//! shut out.

mod lock;
mod schema;
mod search;
mod store;
mod sync;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use schema::VERSION as SCHEMA_VERSION;
pub use search::{Hit, Search};
pub use sync::{Outcome, Scope, SyncReport};

/// Why an archive could not be opened, synced or searched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Another writer (another `x-dm archive`) holds the archive.
    #[error(
        "{}: another x-dm archive is writing to this archive; try again when it has finished",
        path.display()
    )]
    Locked {
        /// The database file.
        path: PathBuf,
    },
    /// The file is a SQLite database, but not an x-dm archive.
    #[error("this database is not an x-dm archive")]
    NotAnArchive,
    /// The archive was written by a newer x-dm, whose schema this one cannot
    /// read without misreading it.
    #[error(
        "the archive has schema version {found}, newer than version {supported} that this x-dm reads: upgrade x-dm"
    )]
    NewerSchema {
        /// The archive's version.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// The archive has an older schema, and was opened read-only, which
    /// cannot migrate it.
    #[error(
        "the archive has schema version {found}; run `x-dm archive` once to migrate it to version {supported}"
    )]
    OlderSchema {
        /// The archive's version.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// SQLite failed: a full disk, a damaged file, a file that is not a
    /// database at all.
    #[error("archive database: {0}")]
    Database(#[from] rusqlite::Error),
    /// A request to X failed. The pages before it are kept, and the next
    /// sync resumes after them.
    #[error(transparent)]
    Api(#[from] crate::Error),
    /// A file could not be written.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// X sent something the archive cannot store faithfully: an event id
    /// that is not a number, items that cannot be cut out of the body.
    #[error("cannot archive this response: {0}")]
    BadData(String),
    /// A search that cannot run: the message names the option and the rule.
    #[error("{0}")]
    InvalidSearch(String),
}

/// An open archive.
#[derive(Debug)]
pub struct Archive {
    connection: Connection,
    path: PathBuf,
    /// Held by writers only.
    _lock: Option<lock::Lock>,
}

impl Archive {
    /// Opens the archive at `path` for syncing, creating it if it does not
    /// exist and migrating an older schema forward. Fails at once with
    /// [`Error::Locked`] while another writer has it open.
    pub fn open(path: impl AsRef<Path>) -> Result<Archive, Error> {
        let path = path.as_ref().to_owned();
        let lock = lock::Lock::take(&path)?;
        let mut connection = Connection::open(&path)?;
        // WAL: readers are never blocked by a sync, and a killed process
        // leaves every committed page in place. NORMAL synchronous is safe
        // in WAL: a power cut can lose the last pages, never consistency,
        // and lost pages are fetched again.
        connection.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )?;
        schema::migrate(&mut connection)?;
        Ok(Archive {
            connection,
            path,
            _lock: Some(lock),
        })
    }

    /// Opens the archive at `path` for reading (search, export), while a sync
    /// may be running. Refuses a missing file, and any schema version but the
    /// current one: nothing is ever read under the wrong schema.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Archive, Error> {
        let path = path.as_ref().to_owned();
        if !path.exists() {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "{}: no archive here yet; `x-dm archive` creates it",
                    path.display()
                ),
            )));
        }
        let connection = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        schema::check_current(&connection)?;
        Ok(Archive {
            connection,
            path,
            _lock: None,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

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
        let mut statement = self
            .connection
            .prepare("SELECT raw FROM events ORDER BY id_num")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Archive {
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

/// Milliseconds since the Unix epoch, now.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
