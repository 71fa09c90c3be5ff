//! `x-dm archive stats`: what the archive holds, per conversation, and when
//! it was last synced.

use std::fs::File;
use std::io::{self, Write};

use chrono::DateTime;
use x_dm::archive::Archive;

use crate::archive_db::{self, Database};
use crate::args::Format;
use crate::context::Context;
use crate::export::Failure;
use crate::output::one_line;

/// `x-dm archive stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: Database,
}

/// Writes the table, or one JSON object with `--format json`.
pub fn run(args: Args, context: Context) -> Result<(), Failure> {
    let path = args.database.path(context.demo())?;
    let archive = Archive::open_read_only(&path).map_err(|e| archive_db::failure(&path, e))?;
    let stats = archive.stats().map_err(|e| archive_db::failure(&path, e))?;
    let mut out: Box<dyn Write> = match &context.output {
        Some(file) => Box::new(File::create(file)?),
        None => Box::new(io::stdout().lock()),
    };
    let time = |ms: Option<i64>| {
        ms.and_then(DateTime::from_timestamp_millis)
            .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    let last_run = stats.last_run.as_ref();
    match context.format {
        Format::Json | Format::Jsonl => {
            let value = serde_json::json!({
                "conversations": stats.conversations.iter().map(|c| serde_json::json!({
                    "id": c.id,
                    "kind": c.kind,
                    "events": c.events,
                    "first_at": c.first_at,
                    "last_at": c.last_at,
                    "participants": c.participants,
                })).collect::<Vec<_>>(),
                "oldest_at": stats.oldest_at,
                "last_sync": last_run.map(|run| serde_json::json!({
                    "source": run.source,
                    "scope": run.scope,
                    "started_at": time(Some(run.started_ms)),
                    "ended_at": time(run.ended_ms),
                    "added": run.added,
                    "outcome": run.outcome,
                })),
            });
            writeln!(out, "{value}")?;
        }
        Format::Table | Format::Pages => {
            writeln!(
                out,
                "{:<34}  {:>7}  {:<24}  {:<24}  participants",
                "conversation", "events", "first", "last"
            )?;
            for c in &stats.conversations {
                writeln!(
                    out,
                    "{:<34}  {:>7}  {:<24}  {:<24}  {}",
                    c.id,
                    c.events,
                    c.first_at.as_deref().unwrap_or("-"),
                    c.last_at.as_deref().unwrap_or("-"),
                    one_line(&c.participants.join(", "))
                )?;
            }
            writeln!(
                out,
                "reaches back to {}",
                stats.oldest_at.as_deref().unwrap_or("- (empty)")
            )?;
            match last_run {
                Some(run) => writeln!(
                    out,
                    "last sync ({}) from {} started {}, ended {}: {} added, {}",
                    run.scope,
                    run.source,
                    time(Some(run.started_ms)).unwrap_or_default(),
                    time(run.ended_ms).unwrap_or_else(|| "never".to_owned()),
                    run.added,
                    one_line(run.outcome.as_deref().unwrap_or("running"))
                )?,
                None => writeln!(out, "never synced")?,
            }
        }
    }
    Ok(out.flush()?)
}
