//! The archive's tables, and the steps that bring a database of any earlier
//! version up to the current one. The version lives in SQLite's
//! `user_version`; the `application_id` says the file is an x-dm archive.

use rusqlite::{Connection, Transaction};

use super::Error;

/// `application_id` of every x-dm archive: "xdma".
pub(crate) const APPLICATION_ID: i32 = 0x7864_6d61;

/// The schema this build reads and writes.
pub const VERSION: u32 = 5;

/// `STEPS[n]` brings a database from version `n` to `n + 1`. Each runs in
/// one transaction with its version bump, so that a kill mid-migration
/// leaves the database at the version before it.
const STEPS: &[&str] = &[
    // 1: events with their raw JSON, what they reference, and the sync state.
    r#"
    CREATE TABLE events (
        seq             INTEGER PRIMARY KEY,
        id              TEXT NOT NULL UNIQUE,
        id_num          INTEGER NOT NULL,
        source          TEXT NOT NULL,
        conversation_id TEXT,
        event_type      TEXT NOT NULL,
        sender_id       TEXT,
        created_at      TEXT,
        created_ms      INTEGER,
        text            TEXT,
        raw             TEXT NOT NULL,
        run_id          INTEGER NOT NULL REFERENCES sync_runs(id)
    );
    CREATE INDEX events_by_conversation ON events(conversation_id, id_num);
    CREATE INDEX events_by_order ON events(id_num);
    CREATE TABLE event_media (
        event_id  TEXT NOT NULL,
        media_key TEXT NOT NULL,
        PRIMARY KEY (event_id, media_key)
    ) WITHOUT ROWID;
    CREATE TABLE conversations (
        id            TEXT PRIMARY KEY,
        kind          TEXT NOT NULL,
        first_seen_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE participants (
        conversation_id TEXT NOT NULL,
        user_id         TEXT NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
    ) WITHOUT ROWID;
    CREATE TABLE users (
        id       TEXT PRIMARY KEY,
        username TEXT,
        name     TEXT,
        raw      TEXT NOT NULL,
        seen_ms  INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX users_by_username ON users(username COLLATE NOCASE);
    CREATE TABLE media (
        media_key TEXT PRIMARY KEY,
        type      TEXT,
        url       TEXT,
        raw       TEXT NOT NULL,
        seen_ms   INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE sync_runs (
        id          INTEGER PRIMARY KEY,
        scope       TEXT NOT NULL,
        source      TEXT NOT NULL,
        started_ms  INTEGER NOT NULL,
        ended_ms    INTEGER,
        requests    INTEGER NOT NULL DEFAULT 0,
        added       INTEGER NOT NULL DEFAULT 0,
        oldest_id   TEXT,
        next_token  TEXT,
        outcome     TEXT
    );
    CREATE TABLE walks (
        scope      TEXT NOT NULL,
        source     TEXT NOT NULL,
        covered    INTEGER,
        next_token TEXT,
        floor      INTEGER,
        top        INTEGER,
        PRIMARY KEY (scope, source)
    ) WITHOUT ROWID;
    "#,
    // 2: the full-text index over message text, kept by triggers, and built
    // for the events a version 1 archive already holds.
    r#"
    CREATE VIRTUAL TABLE events_fts USING fts5(
        text, content = 'events', content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
        INSERT INTO events_fts(rowid, text) VALUES (new.seq, new.text);
    END;
    CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    END;
    CREATE TRIGGER events_fts_update AFTER UPDATE OF text ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, text) VALUES ('delete', old.seq, old.text);
        INSERT INTO events_fts(rowid, text) VALUES (new.seq, new.text);
    END;
    INSERT INTO events_fts(rowid, text) SELECT seq, text FROM events;
    "#,
    // 3: attachments downloaded into the media folder, each once.
    r#"
    CREATE TABLE media_files (
        media_key    TEXT PRIMARY KEY,
        file         TEXT,
        bytes        INTEGER,
        content_type TEXT,
        saved_ms     INTEGER NOT NULL,
        missing      TEXT
    ) WITHOUT ROWID;
    "#,
    // 4: the full-text index is written once per page, by the sync, rather
    // than by a trigger per event. FTS5 flushes its pending terms at every
    // statement savepoint, and a trigger runs inside each event's INSERT:
    // one index segment per event, and merging those segments was half a
    // sync's time. The delete and update triggers stay: they are rare.
    // The index itself is unchanged, so nothing needs rebuilding.
    r#"
    DROP TRIGGER events_fts_insert;
    "#,
    // 5: events are unique by their number, and the id indexes run newest
    // first. A walk stores events newest first, and an ascending index
    // takes each one at its left edge, where SQLite splits pages in half:
    // the indexes were half empty, and twice the writes. The text id had
    // its own unique index besides, a third copy of every id. SQLite cannot
    // drop a constraint, so the table is rebuilt; `seq` is kept, and with
    // it the full-text index's rowids.
    r#"
    CREATE TABLE events_v5 (
        seq             INTEGER PRIMARY KEY,
        id              TEXT NOT NULL,
        id_num          INTEGER NOT NULL,
        source          TEXT NOT NULL,
        conversation_id TEXT,
        event_type      TEXT NOT NULL,
        sender_id       TEXT,
        created_at      TEXT,
        created_ms      INTEGER,
        text            TEXT,
        raw             TEXT NOT NULL,
        run_id          INTEGER NOT NULL REFERENCES sync_runs(id)
    );
    INSERT INTO events_v5 (seq, id, id_num, source, conversation_id, event_type, sender_id,
                           created_at, created_ms, text, raw, run_id)
        SELECT seq, id, id_num, source, conversation_id, event_type, sender_id,
               created_at, created_ms, text, raw, run_id
        FROM events ORDER BY seq;
    DROP TABLE events;
    ALTER TABLE events_v5 RENAME TO events;
    CREATE UNIQUE INDEX events_by_id ON events(id_num DESC);
    CREATE INDEX events_by_conversation ON events(conversation_id, id_num DESC);
    CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    END;
    CREATE TRIGGER events_fts_update AFTER UPDATE OF text ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, text) VALUES ('delete', old.seq, old.text);
        INSERT INTO events_fts(rowid, text) VALUES (new.seq, new.text);
    END;
    "#,
];

const _: () = assert!(STEPS.len() == VERSION as usize);

/// What a database file holds, before anything is changed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// No tables at all: a new archive.
    Empty,
    /// An x-dm archive of this version.
    Archive(u32),
}

/// Reads what `connection` holds, refusing a file that is not an archive.
pub(crate) fn inspect(connection: &Connection) -> Result<Found, Error> {
    let application_id: i32 =
        connection.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let version: u32 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let tables: u32 =
        connection.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
    match (application_id, tables) {
        (0, 0) => Ok(Found::Empty),
        (APPLICATION_ID, _) => Ok(Found::Archive(version)),
        _ => Err(Error::NotAnArchive),
    }
}

/// Brings the database up to [`VERSION`], or refuses a newer one. Needs the
/// archive's lock: a migration writes.
pub(crate) fn migrate(connection: &mut Connection) -> Result<(), Error> {
    let mut version = match inspect(connection)? {
        Found::Empty => 0,
        Found::Archive(version) => version,
    };
    if version > VERSION {
        return Err(Error::NewerSchema {
            found: version,
            supported: VERSION,
        });
    }
    while version < VERSION {
        let transaction = connection.transaction()?;
        step(&transaction, version)?;
        transaction.commit()?;
        version += 1;
    }
    Ok(())
}

/// Runs step `from` (to `from + 1`) and records the new version.
fn step(transaction: &Transaction<'_>, from: u32) -> Result<(), Error> {
    transaction.execute_batch(STEPS[from as usize])?;
    transaction.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
        from + 1
    ))?;
    Ok(())
}

/// Refuses a database that is not exactly [`VERSION`], for readers, which
/// neither take the lock nor migrate.
pub(crate) fn check_current(connection: &Connection) -> Result<(), Error> {
    match inspect(connection)? {
        Found::Archive(VERSION) => Ok(()),
        Found::Empty => Err(Error::NotAnArchive),
        Found::Archive(found) if found > VERSION => Err(Error::NewerSchema {
            found,
            supported: VERSION,
        }),
        Found::Archive(found) => Err(Error::OlderSchema {
            found,
            supported: VERSION,
        }),
    }
}

#[cfg(test)]
pub(crate) fn migrate_to(connection: &mut Connection, target: u32) {
    for from in 0..target {
        let transaction = connection.transaction().unwrap();
        step(&transaction, from).unwrap();
        transaction.commit().unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{Archive, Search};

    fn path(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "x-dm-schema-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("a.sqlite")
    }

    #[test]
    fn a_version_1_archive_is_migrated_forward_and_its_events_become_searchable() {
        let path = path("v1");
        {
            let mut connection = Connection::open(&path).unwrap();
            migrate_to(&mut connection, 1);
            connection
                .execute_batch(
                    r#"INSERT INTO sync_runs (id, scope, source, started_ms) VALUES (1, 'inbox', 'x', 0);
                       INSERT INTO events (id, id_num, source, conversation_id, event_type, text, raw, run_id)
                       VALUES ('17', 17, 'x', '1-2', 'MessageCreate', 'an old lunch',
                               '{"id":"17","event_type":"MessageCreate","text":"an old lunch"}', 1);"#,
                )
                .unwrap();
        }
        let error = Archive::open_read_only(&path).unwrap_err();
        assert!(
            matches!(
                error,
                Error::OlderSchema {
                    found: 1,
                    supported: VERSION
                }
            ),
            "{error}"
        );
        assert!(
            error.to_string().contains("run `x-dm archive` once"),
            "{error}"
        );

        let archive = Archive::open(&path).unwrap();
        let hits = archive.search(&Search::new("lunch")).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].marked, "an old [lunch]");
        assert_eq!(
            hits[0].raw,
            r#"{"id":"17","event_type":"MessageCreate","text":"an old lunch"}"#
        );
        drop(archive);
        Archive::open_read_only(&path).expect("current now");
    }

    #[test]
    fn a_version_4_archive_is_rebuilt_keeping_its_rows_its_index_and_its_triggers() {
        let path = path("v4");
        {
            let mut connection = Connection::open(&path).unwrap();
            migrate_to(&mut connection, 4);
            connection
                .execute_batch(
                    r#"INSERT INTO sync_runs (id, scope, source, started_ms) VALUES (1, 'inbox', 'x', 0);
                       INSERT INTO events (seq, id, id_num, source, conversation_id, event_type, text, raw, run_id)
                       VALUES (7, '17', 17, 'x', '1-2', 'MessageCreate', 'lunch at noon', '{"id":"17"}', 1),
                              (9, '19', 19, 'x', '1-2', 'MessageCreate', 'lunch moved', '{"id":"19"}', 1);
                       INSERT INTO events_fts (rowid, text) SELECT seq, text FROM events;"#,
                )
                .unwrap();
        }
        let archive = Archive::open(&path).unwrap();
        let connection = &archive.connection;
        let rows: Vec<(i64, String)> = connection
            .prepare("SELECT seq, raw FROM events ORDER BY seq")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                (7, r#"{"id":"17"}"#.to_owned()),
                (9, r#"{"id":"19"}"#.to_owned())
            ]
        );
        assert_eq!(archive.search(&Search::new("lunch")).unwrap().len(), 2);
        // Unique by number now.
        let again = connection.execute(
            "INSERT INTO events (id, id_num, source, event_type, raw, run_id)
             VALUES ('19', 19, 'x', 'MessageCreate', '{}', 1) ON CONFLICT (id_num) DO NOTHING",
            [],
        );
        assert_eq!(again.unwrap(), 0);
        // The delete trigger came back with the table: a deleted event
        // leaves the index.
        connection
            .execute("DELETE FROM events WHERE id = '17'", [])
            .unwrap();
        let hits = archive.search(&Search::new("lunch")).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].raw, r#"{"id":"19"}"#);
        connection
            .execute(
                "INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .unwrap();
    }

    #[test]
    fn a_newer_schema_is_refused_by_writers_and_readers_untouched() {
        let path = path("newer");
        drop(Archive::open(&path).unwrap());
        {
            let connection = Connection::open(&path).unwrap();
            connection
                .execute_batch(&format!("PRAGMA user_version = {}", VERSION + 1))
                .unwrap();
        }
        for error in [
            Archive::open(&path).unwrap_err(),
            Archive::open_read_only(&path).unwrap_err(),
        ] {
            assert!(
                matches!(error, Error::NewerSchema { found, supported: VERSION } if found == VERSION + 1),
                "{error}"
            );
            assert!(error.to_string().contains("upgrade x-dm"), "{error}");
        }
        let connection = Connection::open(&path).unwrap();
        let version: u32 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, VERSION + 1, "left as it was");
    }

    #[test]
    fn an_archive_is_a_file_not_an_in_memory_database() {
        for path in [":memory:", ""] {
            let error = Archive::open(path).unwrap_err();
            assert!(error.to_string().contains("give it a path"), "{error}");
        }
    }

    #[test]
    fn another_programs_database_is_refused_not_taken_over() {
        let path = path("other");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE notes (body TEXT)")
            .unwrap();
        assert!(matches!(Archive::open(&path), Err(Error::NotAnArchive)));
        assert!(matches!(
            Archive::open_read_only(&path),
            Err(Error::NotAnArchive)
        ));
        let tables: u32 = Connection::open(&path)
            .unwrap()
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn a_migration_step_is_all_or_nothing() {
        let path = path("atomic");
        let mut connection = Connection::open(&path).unwrap();
        migrate_to(&mut connection, 1);
        // A trigger in the way makes step 2 fail after it made the index.
        connection
            .execute_batch(
                "CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN SELECT 1; END;",
            )
            .unwrap();
        assert!(migrate(&mut connection).is_err());
        assert_eq!(inspect(&connection).unwrap(), Found::Archive(1));
        let index: u32 = connection
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'events_fts'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(index, 0, "the half-made step was rolled back");
    }
}
