//! A sync: walk X's DM events newest first, write each page in one
//! transaction together with the position reached, and stop at the first
//! page that reaches what an earlier complete walk already stored.
//!
//! Per scope (the inbox, or one conversation) the `walks` table keeps
//! `covered`, the newest event id of the last complete walk: everything from
//! it back to the archive's start is stored. A walk stops at the first page
//! holding an id at or below it (ids are snowflakes, so they order events in
//! time even when the event itself was deleted since). While a walk is under
//! way the row also holds the next page's token, the `floor` it must reach
//! and the `top` it started from; a walk cut short (a kill, a failed request)
//! is resumed from that token first, then a fresh walk from the newest event
//! down to its top fetches what arrived meanwhile.

use std::task::Poll;

use futures::StreamExt;
use futures::stream::BoxStream;
use rusqlite::{OptionalExtension, params};

use super::rows::{self, PageRows};
use super::writer::{Job, Walk, Writer};
use super::{Archive, Error, now_ms};
use crate::Client;
use crate::x::Page;
use crate::x::types::{DmEvent, DmEventExpansion, DmEventField, MediaField, UserField};

/// What a sync walks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// Every conversation, one-to-one and groups alike (`GET /2/dm_events`).
    Inbox,
    /// One conversation (`GET /2/dm_conversations/{id}/dm_events`).
    Conversation(String),
}

impl Scope {
    /// The scope's name in the `walks` and `sync_runs` tables.
    fn key(&self) -> String {
        match self {
            Scope::Inbox => "inbox".to_owned(),
            Scope::Conversation(id) => format!("conversation:{id}"),
        }
    }
}

/// How a sync ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// It reached events an earlier sync had stored.
    CaughtUp,
    /// It reached the oldest event X still serves. With `gap`, an earlier
    /// sync had stored events but this one did not reach them: X no longer
    /// serves what came between (it keeps 30 days), and some may be lost.
    ReachedEnd {
        /// Whether events between this sync and the last may be lost.
        gap: bool,
    },
}

/// What a sync did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncReport {
    /// The run's id in `sync_runs`.
    pub run_id: i64,
    /// Pages fetched, each one request (retries aside).
    pub pages: u64,
    /// Events new to the archive.
    pub added: u64,
    /// Whether it first finished a walk an earlier run left unfinished.
    pub resumed: bool,
    /// How it ended; `None` until it has.
    pub outcome: Option<Outcome>,
}

/// Every event field the archive keeps; `sender_id` and `participant_ids`
/// come with their expansions, in every documented version.
const EVENT_FIELDS: &[DmEventField] = &[
    DmEventField::Attachments,
    DmEventField::CreatedAt,
    DmEventField::DmConversationId,
    DmEventField::Entities,
    DmEventField::EventType,
    DmEventField::Id,
    DmEventField::Text,
];

const EXPANSIONS: &[DmEventExpansion] = &[
    DmEventExpansion::AttachmentsMediaKeys,
    DmEventExpansion::ParticipantIds,
    DmEventExpansion::SenderId,
];

/// What a person's record needs, without what only the account's owner
/// or a later version may ask for.
const USER_FIELDS: &[UserField] = &[
    UserField::CreatedAt,
    UserField::Description,
    UserField::Id,
    UserField::Location,
    UserField::Name,
    UserField::ProfileImageUrl,
    UserField::Protected,
    UserField::Url,
    UserField::Username,
    UserField::Verified,
];

const MEDIA_FIELDS: &[MediaField] = &[
    MediaField::AltText,
    MediaField::DurationMs,
    MediaField::Height,
    MediaField::MediaKey,
    MediaField::PreviewImageUrl,
    MediaField::Type,
    MediaField::Url,
    MediaField::Variants,
    MediaField::Width,
];

/// The largest page X serves: the fewest requests of a tight rate limit.
const PAGE_SIZE: i32 = 100;

type Pages<P> = BoxStream<'static, Result<P, crate::Error>>;

/// The token that leads on from a page: the request's own reading of it.
type Continuation<P> = Box<dyn Fn(&P) -> Option<String> + Send + Sync>;

/// What a page becomes in the archive, given the conversation walked (for
/// events that do not name theirs).
pub(super) type ToRows<P> = fn(P, Option<&str>) -> Result<PageRows, Error>;

/// Where a scope's walks start from, what leads on from a page, and what a
/// page becomes in the archive: X's DM event pages and TweetAPI's
/// conversation pages walk alike.
pub(super) struct Walker<P> {
    /// Where the events come from, in the `source` columns: `x` or
    /// `tweetapi`.
    pub source: &'static str,
    /// From a token (or the newest event), reading the next page ahead or
    /// not.
    pub start: Box<dyn Fn(Option<String>, bool) -> Pages<P> + Send + Sync>,
    /// The token that leads on from a page: the request's own reading of it.
    pub next: Continuation<P>,
    /// What a page becomes in the archive.
    pub rows: ToRows<P>,
}

/// Builds a [`Walker`] from either DM event list request: different
/// generated types with the same setters.
macro_rules! walker {
    ($request:expr) => {{
        let request = $request
            .fields(EVENT_FIELDS)
            .expansions(EXPANSIONS)
            .user_fields(USER_FIELDS)
            .media_fields(MEDIA_FIELDS)
            .max_results(PAGE_SIZE);
        let next = request.continuation();
        Walker {
            source: "x",
            start: Box::new(move |token: Option<String>, ahead: bool| {
                let request = request.clone().read_ahead(ahead);
                match token {
                    Some(token) => request.pagination_token(token).pages(),
                    None => request.pages(),
                }
            }),
            next: Box::new(next),
            rows: rows::of_x_page as ToRows<Page<DmEvent>>,
        }
    }};
}

/// A scope's row in `walks`.
#[derive(Debug, Default)]
pub(super) struct WalkState {
    pub covered: Option<i64>,
    pub next_token: Option<String>,
    pub floor: Option<i64>,
    pub top: Option<i64>,
}

impl Archive {
    /// Brings the archive up to date with `scope` on X: new events, and
    /// whatever an interrupted earlier sync had not reached.
    ///
    /// Waits for rate-limit resets as `client`'s policy says (pass a client
    /// built with `on_wait` to tell the user). A failed request ends the
    /// sync with the pages before it stored; the next sync resumes there.
    pub async fn sync(&mut self, client: &Client, scope: &Scope) -> Result<SyncReport, Error> {
        self.sync_with(client, scope, |_| {}).await
    }

    /// [`sync`](Self::sync), calling `on_page` after each page is stored.
    pub async fn sync_with(
        &mut self,
        client: &Client,
        scope: &Scope,
        mut on_page: impl FnMut(&SyncReport),
    ) -> Result<SyncReport, Error> {
        let key = scope.key();
        let (walker, conversation) = match scope {
            Scope::Inbox => (walker!(client.inbox()), None),
            Scope::Conversation(id) => (walker!(client.dm_events(id)), Some(id.as_str())),
        };
        let mut report = self.start_run(&key, walker.source)?;
        let walked = self
            .walk_scope(&walker, &key, conversation, &mut report, &mut on_page)
            .await;
        self.finish_run(report, walked)
    }

    /// Marks runs that died as interrupted (this archive holds the lock:
    /// a run without an end is not running), and records a new one.
    pub(super) fn start_run(&self, key: &str, source: &str) -> Result<SyncReport, Error> {
        self.connection.execute(
            "UPDATE sync_runs SET outcome = 'interrupted' WHERE ended_ms IS NULL AND outcome IS NULL",
            [],
        )?;
        self.connection.execute(
            "INSERT INTO sync_runs (scope, source, started_ms) VALUES (?1, ?2, ?3)",
            params![key, source, now_ms()],
        )?;
        Ok(SyncReport {
            run_id: self.connection.last_insert_rowid(),
            pages: 0,
            added: 0,
            resumed: false,
            outcome: None,
        })
    }

    /// Records how the run ended, and hands back its report or its error.
    pub(super) fn finish_run(
        &self,
        mut report: SyncReport,
        walked: Result<Outcome, Error>,
    ) -> Result<SyncReport, Error> {
        match walked {
            Err(error) => {
                self.end_run(report.run_id, &format!("failed: {error}"))?;
                Err(error)
            }
            Ok(outcome) => {
                report.outcome = Some(outcome);
                let said = match outcome {
                    Outcome::CaughtUp => "caught up",
                    Outcome::ReachedEnd { gap: false } => "reached the oldest event X serves",
                    Outcome::ReachedEnd { gap: true } => {
                        "reached the oldest event X serves before the last sync's newest: events between may be lost"
                    }
                };
                self.end_run(report.run_id, said)?;
                Ok(report)
            }
        }
    }

    /// Brings one scope up to date: first the walk an earlier run left
    /// unfinished, if any, then a walk from the newest event down to what
    /// is stored.
    pub(super) async fn walk_scope<P: Send + 'static>(
        &mut self,
        walker: &Walker<P>,
        key: &str,
        conversation: Option<&str>,
        report: &mut SyncReport,
        on_page: &mut impl FnMut(&SyncReport),
    ) -> Result<Outcome, Error> {
        loop {
            let state = self.walk_state(key, walker.source)?;
            let resuming = state.next_token.is_some();
            let pages_before = report.pages;
            let walked = self
                .walk(walker, key, conversation, state, report, on_page)
                .await;
            match walked {
                // The saved token is no longer taken (it was refused before
                // any page came back): walk again from the newest event
                // down to what the last complete walk stored. What the cut
                // walk stored is fetched again, and stored once.
                Err(Error::Api(crate::Error::Api(refusal)))
                    if resuming && refusal.status == 400 && report.pages == pages_before =>
                {
                    self.connection.execute(
                        "UPDATE walks SET next_token = NULL, floor = NULL, top = NULL
                         WHERE scope = ?1 AND source = ?2",
                        [key, walker.source],
                    )?;
                }
                Err(error) => return Err(error),
                Ok(_) if resuming => report.resumed = true,
                Ok(outcome) => return Ok(outcome),
            }
        }
    }

    /// One walk, from the saved token or from the newest event. Pages are
    /// stored by a [`Writer`] while the next is fetched; the walk returns
    /// only once every page it fetched is stored, or the writer failed.
    async fn walk<P: Send + 'static>(
        &mut self,
        walker: &Walker<P>,
        key: &str,
        conversation: Option<&str>,
        state: WalkState,
        report: &mut SyncReport,
        on_page: &mut impl FnMut(&SyncReport),
    ) -> Result<Outcome, Error> {
        let walk = Walk {
            key: key.to_owned(),
            source: walker.source,
            run_id: report.run_id,
        };
        let mut writer = Writer::start(&self.path, walk)?;
        let walked = self
            .fetch(walker, &mut writer, conversation, state, report, on_page)
            .await;
        // What was fetched is stored before the walk says how it went, a
        // failed fetch included: the next sync resumes after it.
        writer
            .finish(|written| {
                report.added += written.added;
                on_page(report);
            })
            .await?;
        walked
    }

    /// Fetches a walk's pages and hands each to `writer`, with the position
    /// the walk reaches with it.
    async fn fetch<P: Send + 'static>(
        &self,
        walker: &Walker<P>,
        writer: &mut Writer,
        conversation: Option<&str>,
        state: WalkState,
        report: &mut SyncReport,
        on_page: &mut impl FnMut(&SyncReport),
    ) -> Result<Outcome, Error> {
        let resuming = state.next_token.is_some();
        let floor = if resuming { state.floor } else { state.covered };
        let mut top = if resuming { state.top } else { None };
        // A walk that stops early, as most do, must not ask for a page
        // ahead: that would spend the rate limit on what is stored already.
        // Without a floor it goes to the end, and the next page can be on
        // its way while this one is written.
        let mut pages = (walker.start)(state.next_token, floor.is_none());
        while let Some(page) = next_page(&mut pages, writer, report, on_page).await? {
            report.pages += 1;
            let next = (walker.next)(&page);
            let rows = (walker.rows)(page, conversation)?;
            top = top.max(rows.bounds.highest);
            let reached = matches!((floor, rows.bounds.lowest), (Some(floor), Some(lowest)) if lowest <= floor);
            let done = reached || next.is_none();
            let saved = if done {
                WalkState {
                    covered: state.covered.max(top),
                    ..WalkState::default()
                }
            } else {
                WalkState {
                    covered: state.covered,
                    next_token: next,
                    floor,
                    top,
                }
            };
            let job = Job {
                rows,
                now_ms: now_ms(),
                saved,
            };
            if !writer.store(job).await {
                // The writer failed; `finish` says how.
                break;
            }
            if done {
                return Ok(if reached {
                    Outcome::CaughtUp
                } else {
                    Outcome::ReachedEnd {
                        gap: floor.is_some(),
                    }
                });
            }
        }
        // The stream ends only after a page without a next token, which
        // returned above, or when the writer stopped, whose failure
        // `finish` returns.
        Ok(Outcome::ReachedEnd {
            gap: floor.is_some(),
        })
    }

    pub(super) fn walk_state(&self, key: &str, source: &str) -> Result<WalkState, Error> {
        Ok(self
            .connection
            .query_row(
                "SELECT covered, next_token, floor, top FROM walks WHERE scope = ?1 AND source = ?2",
                [key, source],
                |row| {
                    Ok(WalkState {
                        covered: row.get(0)?,
                        next_token: row.get(1)?,
                        floor: row.get(2)?,
                        top: row.get(3)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    fn end_run(&self, run_id: i64, outcome: &str) -> Result<(), Error> {
        self.connection.execute(
            "UPDATE sync_runs SET ended_ms = ?2, outcome = ?3 WHERE id = ?1",
            params![run_id, now_ms(), outcome],
        )?;
        Ok(())
    }
}

/// The walk's next page, reporting each page the writer stores meanwhile.
/// A write that failed ends the walk at once, rather than after the next
/// request, which may first wait out a rate-limit window.
async fn next_page<P>(
    pages: &mut Pages<P>,
    writer: &mut Writer,
    report: &mut SyncReport,
    on_page: &mut impl FnMut(&SyncReport),
) -> Result<Option<P>, Error> {
    std::future::poll_fn(|cx| {
        while let Poll::Ready(Some(stored)) = writer.poll_stored(cx) {
            report.added += stored?.added;
            on_page(report);
        }
        pages
            .poll_next_unpin(cx)
            .map(|page| page.transpose().map_err(Error::from))
    })
    .await
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::testing::{FakeX, Fault};

    #[tokio::test]
    async fn a_saved_token_x_no_longer_takes_is_walked_around_not_stuck_on() {
        let fake = FakeX::start().await.unwrap();
        let client = Client::builder("t")
            .base_url(fake.base_url())
            .build()
            .unwrap();
        let dir = std::env::temp_dir().join(format!(
            "x-dm-sync-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut archive = Archive::open(dir.join("a.sqlite")).unwrap();
        fake.inject(Fault::Slow(std::time::Duration::ZERO));
        fake.inject(Fault::Slow(std::time::Duration::ZERO));
        fake.inject(Fault::Truncate);
        archive.sync(&client, &Scope::Inbox).await.unwrap_err();
        assert_eq!(archive.counts().unwrap().events, 200);
        archive
            .connection
            .execute("UPDATE walks SET next_token = 'expired-token-0000'", [])
            .unwrap();

        let before = fake.requests();
        let report = archive.sync(&client, &Scope::Inbox).await.unwrap();
        let total: usize = fake
            .dataset()
            .conversation_ids()
            .map(|id| fake.dataset().event_count(id).unwrap())
            .sum();
        assert_eq!(report.added as usize, total - 200);
        assert_eq!(archive.counts().unwrap().events as usize, total);
        // The refused request, then the whole walk again.
        assert_eq!(fake.requests() - before, 1 + total.div_ceil(100));
        assert_eq!(report.outcome, Some(Outcome::ReachedEnd { gap: false }));
    }

    #[tokio::test]
    async fn each_page_indexes_exactly_its_new_events_text() {
        let fake = FakeX::start().await.unwrap();
        let client = Client::builder("t")
            .base_url(fake.base_url())
            .build()
            .unwrap();
        let dir = std::env::temp_dir().join(format!(
            "x-dm-sync-fts-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut archive = Archive::open(dir.join("a.sqlite")).unwrap();
        archive.sync(&client, &Scope::Inbox).await.unwrap();
        // A second walk over stored events (from the newest down to what is
        // covered) adds no row, and must add no index entry either.
        archive
            .connection
            .execute("UPDATE walks SET covered = NULL", [])
            .unwrap();
        archive.sync(&client, &Scope::Inbox).await.unwrap();
        let indexed = |archive: &Archive| -> (i64, i64) {
            archive
                .connection
                .query_row(
                    "SELECT (SELECT count(*) FROM events_fts_docsize),
                            (SELECT count(*) FROM events)",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .unwrap()
        };
        let (index_rows, events) = indexed(&archive);
        assert_eq!(index_rows, events, "one index entry per event, no more");
        // FTS5's own check that the index matches the events' text.
        archive
            .connection
            .execute(
                "INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .unwrap();
    }
}
