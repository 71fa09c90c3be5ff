//! One writer per archive: a lock file beside the database, held through an
//! exclusive SQLite lock for as long as the archive is open for writing.
//!
//! SQLite's own file locks are what hold it, so the lock goes with the
//! process however it ends (a kill included: the operating system drops a
//! dead process's locks), works between connections of one process as well
//! as between processes, and needs no platform code here. A lock on the
//! database itself would also shut out `x-dm search` while a sync runs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use super::Error;

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub(crate) struct Lock {
    _connection: Connection,
}

/// Where the lock of the archive at `database` lives.
pub(crate) fn path(database: &Path) -> PathBuf {
    let mut name = database
        .file_name()
        .map(|name| name.to_os_string())
        .unwrap_or_default();
    name.push(".lock");
    database.with_file_name(name)
}

impl Lock {
    /// Takes the lock of the archive at `database` at once, or refuses with
    /// [`Error::Locked`] if another writer holds it: no waiting.
    pub(crate) fn take(database: &Path) -> Result<Lock, Error> {
        let path = path(database);
        let connection = Connection::open(&path)?;
        // rusqlite waits 5 s for a busy database by default: a second
        // writer is to be refused at once, not after a pause.
        connection.busy_timeout(Duration::ZERO)?;
        // Exclusive locking mode keeps the lock after the transaction
        // ends, until the connection closes.
        connection.execute_batch("PRAGMA locking_mode = EXCLUSIVE")?;
        let taken = connection.execute_batch(
            "BEGIN EXCLUSIVE;
             CREATE TABLE IF NOT EXISTS held (since INTEGER);
             DELETE FROM held;
             INSERT INTO held VALUES (strftime('%s', 'now'));
             COMMIT;",
        );
        match taken {
            Ok(()) => Ok(Lock {
                _connection: connection,
            }),
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if matches!(
                    failure.code,
                    ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked
                ) =>
            {
                Err(Error::Locked {
                    path: database.to_owned(),
                })
            }
            Err(other) => Err(other.into()),
        }
    }
}
