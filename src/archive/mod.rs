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
//! println!("{} new event(s) in {} request(s)", report.added, report.pages);
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
mod media;
mod read;
mod rows;
mod schema;
mod search;
mod store;
mod sync;
mod tweetapi;
mod writer;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use media::MediaReport;
pub use read::{ConversationStats, Counts, Run, Stats};
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
    /// [`Error::Locked`] while another writer has it open. `path` is a file:
    /// `:memory:` and the empty path are refused.
    pub fn open(path: impl AsRef<Path>) -> Result<Archive, Error> {
        let path = path.as_ref().to_owned();
        // The writer's thread opens the archive again by its path, and the
        // lock lives beside it: SQLite's in-memory and temporary databases
        // have neither.
        if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "an archive is a database file: give it a path",
            )));
        }
        let lock = lock::Lock::take(&path)?;
        let mut connection = connect(&path)?;
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
}

/// A writer's connection to the archive at `path`, whose lock the caller
/// holds.
fn connect(path: &Path) -> Result<Connection, Error> {
    let connection = Connection::open(path)?;
    // WAL: readers are never blocked by a sync, and a killed process
    // leaves every committed page in place. NORMAL synchronous is safe
    // in WAL: a power cut can lose the last pages, never consistency,
    // and lost pages are fetched again.
    connection.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )?;
    Ok(connection)
}

/// Milliseconds since the Unix epoch, now.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
