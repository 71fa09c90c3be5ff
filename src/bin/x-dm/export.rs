//! The export loop: pages in, formatted items out, a checkpoint after each
//! complete page.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io;
use std::path::PathBuf;

use bytes::Bytes;
use futures::TryStreamExt;
use futures::stream::BoxStream;
use serde::Serialize;
use x_dm::x::DmMediaUrl;
use x_dm::x::types::{ChatConversation, ChatMessageEvent, ChatMessageRequest, DmEvent, Problem};
use x_dm::{Page, TweetApiPage};

use crate::args::{Amount, Format};
use crate::checkpoint::{Checkpoint, reopen_output};
use crate::context::Context;
use crate::media_sink::MediaSink;
use crate::output::{Output, Row};
use crate::progress::Progress;

/// Why a run failed, and so its exit code.
#[derive(Debug)]
pub enum Failure {
    /// Invalid input: nothing was sent. Exit code 2.
    Usage(String),
    /// Anything else. Exit code 1.
    Run(String),
    /// A write that failed after it may have reached the server: it may
    /// have taken effect, and was not sent again. Exit code 3.
    Unconfirmed(String),
    /// The reader of standard output went away (`x-dm ... | head`): stop
    /// without a message, as other command-line tools do.
    ClosedPipe,
}

impl From<x_dm::Error> for Failure {
    fn from(error: x_dm::Error) -> Self {
        match error {
            x_dm::Error::InvalidInput(_) | x_dm::Error::InvalidCredential { .. } => {
                Failure::Usage(error.to_string())
            }
            error if error.may_have_taken_effect() => Failure::Unconfirmed(format!(
                "{error}; it may have taken effect, and was not sent again: check before retrying"
            )),
            other => Failure::Run(other.to_string()),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::BrokenPipe => Failure::ClosedPipe,
            _ => Failure::Run(error.to_string()),
        }
    }
}

/// When to stop.
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    /// After the first page.
    OnePage,
    /// After this many items.
    Items(u64),
    /// At the last page.
    All,
}

impl From<Amount> for Stop {
    fn from(amount: Amount) -> Self {
        match (amount.all, amount.limit) {
            (true, _) => Stop::All,
            (false, Some(limit)) => Stop::Items(limit),
            (false, None) => Stop::OnePage,
        }
    }
}

impl Stop {
    /// The page size that fetches no more than needed: `--limit 5` asks for 5.
    pub fn page_size(self, asked: Option<i32>) -> Option<i32> {
        match (asked, self) {
            (Some(asked), _) => Some(asked),
            (None, Stop::Items(limit)) => Some(limit.clamp(1, 100) as i32),
            (None, _) => None,
        }
    }
}

/// One export: what it is, where it goes, when it stops.
pub struct Plan {
    pub command: &'static str,
    pub target: String,
    pub format: Format,
    pub stop: Stop,
    pub start: Option<String>,
    pub checkpoint: Option<PathBuf>,
    pub output: Option<PathBuf>,
    /// Where the pages' attachments are saved, with `--download-media`.
    pub media: Option<MediaSink>,
}

impl Plan {
    /// An export of `command` on `target` in the context's format and file:
    /// from the first page, with no checkpoint and no media saved. Set the
    /// rest with struct update.
    pub fn new(
        command: &'static str,
        target: impl Into<String>,
        stop: Stop,
        context: &Context,
    ) -> Self {
        Self {
            command,
            target: target.into(),
            format: context.format,
            stop,
            start: None,
            checkpoint: None,
            output: context.output.clone(),
            media: None,
        }
    }
}

/// A page as the export loop needs it.
pub trait ExportPage {
    /// The body as the API sent it.
    fn body(&self) -> &[u8];
    /// The items as rows; `names` maps user ids to handles across pages.
    /// The table's cells are filled only with `table`: the other formats
    /// write the raw JSON, and building cells per item costs allocations.
    fn rows(&self, names: &mut Names, table: bool) -> Vec<Row>;
    /// The partial errors the page carried, and what it left out.
    fn warnings(&self) -> Vec<String>;
    /// The DM attachments the page included, by media key, that the
    /// download endpoint serves.
    fn media(&self) -> Vec<(String, DmMediaUrl)> {
        Vec::new()
    }
}

/// User handles seen so far, by id, for the table's sender column.
#[derive(Default)]
pub struct Names(HashMap<String, String>);

impl Names {
    fn learn(&mut self, id: &str, username: Option<&str>) {
        if let Some(username) = username {
            self.0.insert(id.to_owned(), format!("@{username}"));
        }
    }

    fn show(&self, id: Option<&str>) -> String {
        match id {
            Some(id) => self.0.get(id).cloned().unwrap_or_else(|| id.to_owned()),
            None => "-".to_owned(),
        }
    }
}

/// Writes one page, such as a single conversation or event, in the context's
/// format and file.
pub fn one<P: ExportPage>(page: &P, context: &Context) -> Result<(), Failure> {
    context.progress.finish();
    let file = context.output.as_ref().map(File::create).transpose()?;
    let mut out = Output::new(file, context.format, 0, 0, false)?;
    let rows = page.rows(&mut Names::default(), context.format == Format::Table);
    for warning in page.warnings() {
        eprintln!("warning: {}", crate::output::one_line(&warning));
    }
    out.page(page.body(), &rows)?;
    Ok(out.finish()?)
}

/// Writes a write's answer (`{"deleted":true}`, the new message's ids) as
/// one JSON line, to the context's file or standard output.
pub fn answer(raw: Option<&Bytes>, context: &Context) -> Result<(), Failure> {
    use std::io::Write as _;
    let raw = raw.cloned().unwrap_or_default();
    let mut out: Box<dyn io::Write> = match &context.output {
        Some(path) => Box::new(File::create(path)?),
        None => Box::new(io::stdout().lock()),
    };
    out.write_all(&x_dm::compact_json(&raw))?;
    out.write_all(b"\n")?;
    Ok(out.flush()?)
}

/// Runs an export from `pages`, resuming from the checkpoint if there is one.
///
/// `continuation` is the request's own reading of what leads on from a page
/// (`Request::continuation`), which the checkpoint saves.
pub async fn run<'a, P: ExportPage>(
    mut plan: Plan,
    continuation: impl Fn(&P) -> Option<String>,
    pages: impl FnOnce(Option<String>) -> BoxStream<'a, Result<P, x_dm::Error>>,
    progress: &Progress,
) -> Result<(), Failure> {
    if plan.checkpoint.is_some() && plan.output.is_none() {
        return Err(Failure::Usage(
            "--checkpoint needs --output: standard output cannot be cut back to the last complete page on resume"
                .to_owned(),
        ));
    }
    let output_path = plan.output.clone().unwrap_or_default();
    let fresh = Checkpoint::start(
        plan.command,
        &plan.target,
        plan.format,
        &output_path,
        plan.start.clone(),
    );
    let mut state = fresh.clone();
    if let Some(path) = &plan.checkpoint {
        if let Some(saved) = Checkpoint::load(path).map_err(Failure::Usage)? {
            saved.check_matches(&fresh, path).map_err(Failure::Usage)?;
            state = saved;
        }
        if state.done {
            eprintln!("x-dm: {}: this export is already complete", path.display());
            return Ok(());
        }
    }
    let file = match &plan.output {
        Some(path) if plan.checkpoint.is_some() => {
            Some(reopen_output(path, state.output_len).map_err(|e| Failure::Usage(e.to_string()))?)
        }
        Some(path) => Some(File::create(path)?),
        None => None,
    };
    let mut output = Output::new(
        file,
        plan.format,
        state.output_len,
        state.items_written,
        plan.checkpoint.is_some(),
    )?;
    let mut names = Names::default();
    let mut pages = pages(state.next_token.clone());
    let mut page_count = 0;
    while let Some(page) = pages.try_next().await? {
        page_count += 1;
        for warning in page.warnings() {
            eprintln!("warning: {}", crate::output::one_line(&warning));
        }
        let rows = page.rows(&mut names, plan.format == Format::Table);
        let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        // An item that ended the last page can start this one; it is out
        // already. A set, not the list: a page against a page is otherwise
        // 10,000 string comparisons.
        let previous: HashSet<&str> = state.previous_ids.iter().map(String::as_str).collect();
        let mut fresh: Vec<Row> = rows
            .into_iter()
            .filter(|row| !previous.contains(row.id.as_str()))
            .collect();
        drop(previous);
        let mut reached = matches!(plan.stop, Stop::OnePage);
        if let Stop::Items(limit) = plan.stop {
            let left = limit.saturating_sub(state.items_written);
            if fresh.len() as u64 >= left {
                fresh.truncate(usize::try_from(left).unwrap_or(usize::MAX));
                reached = true;
            }
        }
        output.page(page.body(), &fresh)?;
        // Before the checkpoint moves past the page: a kill in between
        // downloads its media again, skipping what is already saved.
        if let Some(sink) = &mut plan.media {
            sink.save(&page.media()).await?;
        }
        state.items_written += fresh.len() as u64;
        state.previous_ids = ids;
        state.next_token = continuation(&page);
        state.done = reached || state.next_token.is_none();
        if state.done {
            // Closed before the checkpoint says done, so that a kill in
            // between cannot leave a finished export without its last byte.
            output.close()?;
        }
        state.output_len = output.commit_page()?;
        if let Some(path) = &plan.checkpoint {
            state.save(path)?;
        }
        progress.page(page_count, state.items_written);
        if state.done {
            break;
        }
    }
    output.finish()?;
    progress.finish();
    Ok(())
}

/// A page's raw item, or the decoded item written out when the raw one is
/// not at hand.
fn raw_or_encoded(raw: Option<&Bytes>, item: &impl Serialize) -> Bytes {
    match raw {
        Some(raw) => raw.clone(),
        None => serde_json::to_vec(item)
            .map(Bytes::from)
            .unwrap_or_default(),
    }
}

/// A partial error, for a warning line.
fn describe(problem: &Problem) -> String {
    let value = serde_json::to_value(problem).unwrap_or_default();
    let text = |key: &str| {
        value
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    format!("{}: {} ({})", text("title"), text("detail"), text("type"))
}

/// What the export loop needs of an X item type: its rows, and the media
/// its pages include; the page's body and warnings are the same for all.
trait ExportItem: Sized {
    /// The page's items as rows; see [`ExportPage::rows`].
    fn rows(page: &Page<Self>, names: &mut Names, table: bool) -> Vec<Row>;
    /// See [`ExportPage::media`].
    fn media(_page: &Page<Self>) -> Vec<(String, DmMediaUrl)> {
        Vec::new()
    }
}

impl<T: ExportItem> ExportPage for Page<T> {
    fn body(&self) -> &[u8] {
        self.raw_body()
    }

    fn rows(&self, names: &mut Names, table: bool) -> Vec<Row> {
        T::rows(self, names, table)
    }

    fn media(&self) -> Vec<(String, DmMediaUrl)> {
        T::media(self)
    }

    fn warnings(&self) -> Vec<String> {
        let left_out = Page::warnings(self).iter().map(ToString::to_string);
        self.errors().iter().map(describe).chain(left_out).collect()
    }
}

impl ExportItem for DmEvent {
    fn rows(page: &Page<Self>, names: &mut Names, table: bool) -> Vec<Row> {
        if table {
            for user in &page.includes().users {
                names.learn(&user.id, user.username.as_deref());
            }
        }
        page.items()
            .iter()
            .enumerate()
            .map(|(i, event)| Row {
                id: event.id.clone(),
                raw: raw_or_encoded(page.raw_items().get(i), event),
                cells: if table {
                    let text = match &event.text {
                        Some(text) => text.clone(),
                        None => {
                            let who: Vec<String> = event
                                .participant_ids
                                .iter()
                                .map(|id| names.show(Some(id)))
                                .collect();
                            who.join(", ")
                        }
                    };
                    [
                        event.created_at.clone().unwrap_or_else(|| "-".to_owned()),
                        names.show(event.sender_id.as_deref()),
                        event.event_type.clone(),
                        text,
                    ]
                } else {
                    Default::default()
                },
            })
            .collect()
    }

    fn media(page: &Page<Self>) -> Vec<(String, DmMediaUrl)> {
        page.includes()
            .media
            .iter()
            .filter_map(|media| Some((media.media_key.clone()?, DmMediaUrl::of(media)?)))
            .collect()
    }
}

impl ExportItem for ChatConversation {
    fn rows(page: &Page<Self>, names: &mut Names, table: bool) -> Vec<Row> {
        if table {
            for user in &page.includes().users {
                names.learn(&user.id, user.username.as_deref());
            }
        }
        page.items()
            .iter()
            .enumerate()
            .map(|(i, conversation)| Row {
                id: conversation.id.clone(),
                raw: raw_or_encoded(page.raw_items().get(i), conversation),
                cells: if table {
                    let people = if conversation.member_ids.is_empty() {
                        &conversation.participant_ids
                    } else {
                        &conversation.member_ids
                    };
                    let people: Vec<String> =
                        people.iter().map(|id| names.show(Some(id))).collect();
                    [
                        conversation.id.clone(),
                        conversation.type_.clone().unwrap_or_else(|| "-".to_owned()),
                        people.join(", "),
                        conversation.group_name.clone().unwrap_or_default(),
                    ]
                } else {
                    Default::default()
                },
            })
            .collect()
    }
}

impl ExportItem for ChatMessageEvent {
    /// The table shows what can be shown without a key: when, who, whether
    /// it is encrypted, and the envelope's size.
    fn rows(page: &Page<Self>, _: &mut Names, table: bool) -> Vec<Row> {
        page.items()
            .iter()
            .enumerate()
            .map(|(i, event)| Row {
                id: event.event_id().unwrap_or_default().to_owned(),
                raw: raw_or_encoded(page.raw_items().get(i), event),
                cells: if table {
                    let kind = if event.is_encrypted() {
                        "encrypted"
                    } else {
                        "plain"
                    };
                    let size = event.envelope().map_or(0, |bytes| bytes.len());
                    [
                        event.created_at.clone().unwrap_or_else(|| "-".to_owned()),
                        event.sender_id.clone().unwrap_or_else(|| "-".to_owned()),
                        kind.to_owned(),
                        format!("({size}-byte envelope)"),
                    ]
                } else {
                    Default::default()
                },
            })
            .collect()
    }
}

impl ExportItem for ChatMessageRequest {
    fn rows(page: &Page<Self>, _: &mut Names, table: bool) -> Vec<Row> {
        page.items()
            .iter()
            .enumerate()
            .map(|(i, request)| Row {
                id: request.conversation_id.clone().unwrap_or_default(),
                raw: raw_or_encoded(page.raw_items().get(i), request),
                cells: if table {
                    [
                        request
                            .conversation_id
                            .clone()
                            .unwrap_or_else(|| "-".to_owned()),
                        request.sender_id.clone().unwrap_or_else(|| "-".to_owned()),
                        "request".to_owned(),
                        format!("{} encoded events", request.message_events.len()),
                    ]
                } else {
                    Default::default()
                },
            })
            .collect()
    }
}

impl ExportPage for TweetApiPage {
    fn body(&self) -> &[u8] {
        self.raw_body()
    }

    fn rows(&self, names: &mut Names, table: bool) -> Vec<Row> {
        if table {
            for user in self.users() {
                names.learn(&user.id, user.username.as_deref());
            }
        }
        self.items()
            .iter()
            .enumerate()
            .map(|(i, message)| Row {
                id: message.id.clone(),
                raw: raw_or_encoded(self.raw_items().get(i), message),
                cells: if table {
                    [
                        message.created_at.clone().unwrap_or_else(|| "-".to_owned()),
                        names.show(message.sender_id.as_deref()),
                        "message".to_owned(),
                        message.text.clone().unwrap_or_default(),
                    ]
                } else {
                    Default::default()
                },
            })
            .collect()
    }

    fn warnings(&self) -> Vec<String> {
        TweetApiPage::warnings(self)
            .iter()
            .map(ToString::to_string)
            .collect()
    }
}
