//! `x-dm tweetapi updates`: new messages, by polling TweetAPI, each written
//! once as a JSON line, with the place saved after each batch.
//!
//! Exactly once across a kill rests on three things: the saved state names
//! the cursor of the next batch and how long the output was when it was
//! saved; it is saved (atomically) only after the batch reached the disk;
//! and a resumed run cuts the output back to that length before polling
//! again from that cursor, which hands out the same batch.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use x_dm::tweetapi::Updates;

use super::tweetapi_items::Item;
use crate::args::Format;
use crate::checkpoint::reopen_output;
use crate::context::Context;
use crate::export::Failure;
use crate::output::{Output, Row};

/// `x-dm tweetapi updates [--follow] [--interval SECONDS] [--state FILE]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep polling until interrupted, writing each new message as it comes.
    #[arg(long)]
    pub follow: bool,

    /// Seconds between polls with --follow (fractions allowed).
    #[arg(long, value_name = "SECONDS", default_value = "10")]
    pub interval: f64,

    /// Save the cursor here after each batch, and resume from it. With
    /// --output, the file is cut back to the last saved batch on resume, so
    /// that a kill at any moment neither loses nor repeats a message; on
    /// standard output, a batch being written when the run was killed is
    /// written again.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
}

/// Where a run of `updates` is: the cursor of the next poll and how long the
/// output file was when it was saved.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    cursor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    output_len: Option<u64>,
}

impl State {
    fn load(path: &Path) -> Result<Option<Self>, Failure> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                Failure::Usage(format!(
                    "{}: not a saved updates state: {e}",
                    path.display()
                ))
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(Failure::Usage(format!("{}: {error}", path.display()))),
        }
    }

    /// Saves through a temporary file and a rename: a kill leaves either
    /// the old state or the new one.
    fn save(&self, path: &Path) -> io::Result<()> {
        let mut name = path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(".tmp");
        let temporary = path.with_file_name(name);
        {
            let file = File::create(&temporary)?;
            io::Write::write_all(
                &mut &file,
                &serde_json::to_vec(self).map_err(io::Error::other)?,
            )?;
            file.sync_all()?;
        }
        fs::rename(&temporary, path)
    }
}

/// Polls once, or until interrupted with --follow.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    if !(args.interval > 0.0 && args.interval <= 86_400.0) {
        return Err(Failure::Usage(
            "--interval must be more than 0 and at most 86400 seconds".to_owned(),
        ));
    }
    let client = context.tweetapi_client()?;
    let saved = match &args.state {
        Some(path) => State::load(path)?,
        None => None,
    };
    let position = saved.as_ref().and_then(|s| s.output_len).unwrap_or(0);
    let file = match &context.output {
        Some(path) if saved.is_some() => Some(reopen_output(path, position)?),
        Some(path) => Some(File::create(path)?),
        None => None,
    };
    let writing_file = file.is_some();
    context.progress.finish();
    let mut out = Output::new(file, Format::Jsonl, position, 0, writing_file)?;
    let mut request = client
        .updates()
        .interval(Duration::from_secs_f64(args.interval));
    let mut start = None;
    match &saved {
        Some(saved) => request = request.from_cursor(&saved.cursor),
        // The place is saved before anything is polled, so that messages
        // sent before a kill are still ahead of the next run.
        None => {
            let first = request.poll().await?;
            request = request.from_cursor(&first.cursor);
            start = Some(first);
        }
    }
    let state = args.state.as_deref();
    if let Some(first) = start {
        batch(&mut out, first, state, writing_file)?;
        if !args.follow {
            return Ok(out.finish()?);
        }
    }
    if args.follow {
        let mut stream = request.follow();
        while let Some(updates) = stream.try_next().await? {
            batch(&mut out, updates, state, writing_file)?;
        }
    } else {
        batch(&mut out, request.poll().await?, state, writing_file)?;
    }
    Ok(out.finish()?)
}

/// Writes one batch, makes it durable, then saves the place after it.
fn batch(
    out: &mut Output,
    updates: Updates,
    state: Option<&Path>,
    writing_file: bool,
) -> Result<(), Failure> {
    let rows: Vec<Row> = updates
        .messages
        .iter()
        .map(|m| {
            let item = Item::new(&m.id, m, Default::default());
            Row {
                id: item.id,
                raw: item.json,
                cells: item.cells,
            }
        })
        .collect();
    out.page(&[], &rows)?;
    let length = out.commit_page()?;
    if let Some(path) = state {
        let saved = State {
            cursor: updates.cursor,
            output_len: writing_file.then_some(length),
        };
        saved.save(path)?;
    }
    Ok(())
}
