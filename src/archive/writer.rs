//! A walk's writes, on a thread of their own with their own connection:
//! SQLite stores one page while the walk fetches and decodes the next, so a
//! sync costs what the slower of the two costs, not their sum.
//!
//! Each page is still written in one transaction together with the walk's
//! position after it, in the order the walk sent them, so what a kill
//! leaves is exactly what it left before: every page up to some page,
//! and the position reached there. The walk decides whether to go on from
//! the page's ids alone ([`Bounds`](super::rows::Bounds)), without waiting
//! for the write.

use std::path::Path;
use std::thread::JoinHandle;

use rusqlite::{Connection, params};
use tokio::sync::mpsc;

use super::rows::PageRows;
use super::sync::WalkState;
use super::{Error, store};

/// One page to store, and where the walk stands once it is stored.
pub(super) struct Job {
    pub rows: PageRows,
    /// When the page was fetched.
    pub now_ms: i64,
    /// The walk's position after this page.
    pub saved: WalkState,
}

/// Whose pages a writer stores: the walk's row in `walks` (its scope and
/// source) and the run it belongs to.
pub(super) struct Walk {
    pub key: String,
    pub source: &'static str,
    pub run_id: i64,
}

/// The writer of one walk. Dropping it waits for the pages already handed
/// to it, so that a cancelled sync leaves the archive settled (and writable
/// again at once) rather than a second writer still at work.
pub(super) struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
    stored: mpsc::UnboundedReceiver<Result<store::Written, Error>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Opens a second connection to the archive at `path`, which the caller
    /// holds the lock of, and starts its thread, to store `walk`'s pages.
    pub(super) fn start(path: &Path, walk: Walk) -> Result<Writer, Error> {
        let connection = super::connect(path)?;
        // One page waiting while one is written: enough to keep both sides
        // busy, and memory stays a few pages whatever the walk's length.
        let (jobs, mut queue) = mpsc::channel::<Job>(1);
        let (done, stored) = mpsc::unbounded_channel();
        let thread = std::thread::Builder::new()
            .name("x-dm archive writer".to_owned())
            .spawn(move || {
                let mut connection = connection;
                while let Some(job) = queue.blocking_recv() {
                    let written = write(&mut connection, &walk, job);
                    let failed = written.is_err();
                    if done.send(written).is_err() || failed {
                        return;
                    }
                }
            })?;
        Ok(Writer {
            jobs: Some(jobs),
            stored,
            thread: Some(thread),
        })
    }

    /// Hands `job` to the writer, waiting while it is a page behind.
    /// `false` once the writer has stopped on a failure, which
    /// [`finish`](Self::finish) returns.
    pub(super) async fn store(&mut self, job: Job) -> bool {
        match &self.jobs {
            Some(jobs) => jobs.send(job).await.is_ok(),
            None => false,
        }
    }

    /// The next page the writer has stored, or its failure; `None` once
    /// it has stopped.
    pub(super) fn poll_stored(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<store::Written, Error>>> {
        self.stored.poll_recv(cx)
    }

    /// Waits for every page handed over, calling `on_stored` for each one
    /// not yet reported, and returns the writer's failure if it had one.
    pub(super) async fn finish(
        mut self,
        mut on_stored: impl FnMut(store::Written),
    ) -> Result<(), Error> {
        self.jobs = None;
        while let Some(page) = self.stored.recv().await {
            on_stored(page?);
        }
        self.join();
        Ok(())
    }

    /// Waits for the thread; a panic on it is the caller's panic.
    fn join(&mut self) {
        if let Some(thread) = self.thread.take()
            && let Err(panic) = thread.join()
        {
            std::panic::resume_unwind(panic);
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            // A panic here would be a panic while dropping: the thread's
            // own panic message has been printed already.
            let _ = thread.join();
        }
    }
}

/// Stores one page, the walk's position and the run's counts, in one
/// transaction.
fn write(connection: &mut Connection, walk: &Walk, job: Job) -> Result<store::Written, Error> {
    let transaction = connection.transaction()?;
    let written = store::write_page(
        &transaction,
        &job.rows,
        walk.source,
        walk.run_id,
        job.now_ms,
    )?;
    let saved = &job.saved;
    transaction
        .prepare_cached(
            "INSERT INTO walks (scope, source, covered, next_token, floor, top)
             VALUES (?1, ?6, ?2, ?3, ?4, ?5)
             ON CONFLICT (scope, source) DO UPDATE SET
                 covered = excluded.covered, next_token = excluded.next_token,
                 floor = excluded.floor, top = excluded.top",
        )?
        .execute(params![
            walk.key,
            saved.covered,
            saved.next_token,
            saved.floor,
            saved.top,
            walk.source
        ])?;
    transaction
        .prepare_cached(
            "UPDATE sync_runs SET requests = requests + 1, added = added + ?2,
                 oldest_id = coalesce(?3, oldest_id), next_token = ?4
             WHERE id = ?1",
        )?
        .execute(params![
            walk.run_id,
            written.added,
            job.rows.bounds.oldest_id,
            saved.next_token
        ])?;
    transaction.commit()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::archive::Archive;
    use crate::archive::rows::Event;

    fn job(id: i64, next_token: &str) -> Job {
        let event = Event {
            id: id.to_string(),
            conversation_id: Some("1-2".to_owned()),
            event_type: "MessageCreate".to_owned(),
            sender_id: Some("1".to_owned()),
            created_at: None,
            text: Some(format!("message {id}")),
            participants: Vec::new(),
            media_keys: Vec::new(),
        };
        let raw = Bytes::from(format!(r#"{{"id":"{id}"}}"#));
        Job {
            rows: PageRows::of_events([event].into_iter(), vec![raw], "events").unwrap(),
            now_ms: 0,
            saved: WalkState {
                next_token: Some(next_token.to_owned()),
                ..WalkState::default()
            },
        }
    }

    #[tokio::test]
    async fn a_failed_write_stops_the_writer_and_the_pages_before_it_stay_with_their_position() {
        let dir = std::env::temp_dir().join(format!(
            "x-dm-writer-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.sqlite");
        let archive = Archive::open(&path).unwrap();
        let run = archive.start_run("inbox", "x").unwrap().run_id;

        // A page the database refuses, as a full disk would.
        archive
            .connection
            .execute_batch(
                "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN new.id_num = 20
                 BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            )
            .unwrap();
        let walk = Walk {
            key: "inbox".to_owned(),
            source: "x",
            run_id: run,
        };
        let mut writer = Writer::start(&path, walk).unwrap();
        assert!(writer.store(job(30, "after-30")).await);
        writer.store(job(20, "after-20")).await;
        // Whether or not the writer has stopped by now, this page is never
        // stored after the one that failed.
        writer.store(job(10, "after-10")).await;
        let mut stored = 0;
        let error = writer.finish(|_| stored += 1).await.unwrap_err();

        assert!(matches!(error, Error::Database(_)), "{error}");
        assert_eq!(stored, 1);
        assert_eq!(archive.counts().unwrap().events, 1);
        assert_eq!(
            archive
                .walk_state("inbox", "x")
                .unwrap()
                .next_token
                .as_deref(),
            Some("after-30")
        );
    }
}
