//! `x-dm search`: find messages in the archive, newest first.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use chrono::{DateTime, NaiveDate, Utc};
use x_dm::archive::{Archive, Search};

use crate::archive_db::{self, Database};
use crate::args::Format;
use crate::context::Context;
use crate::export::Failure;
use crate::output::one_line;

/// `x-dm search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words that must all appear, in any order; `word*` matches a prefix.
    #[arg(value_name = "QUERY", required = true)]
    pub query: Vec<String>,

    #[command(flatten)]
    pub database: Database,

    /// Only in this conversation.
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,

    /// Only sent by this user: a handle (with or without @) or an id.
    #[arg(long, value_name = "USERNAME|ID")]
    pub from: Option<String>,

    /// Only sent on or after this day (YYYY-MM-DD, UTC) or time (RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = since)]
    pub since: Option<DateTime<Utc>>,

    /// Only sent on or before this day (YYYY-MM-DD, the whole day, UTC) or
    /// up to this time (RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = until)]
    pub until: Option<DateTime<Utc>>,

    /// At most N messages, the newest.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

/// A day's start, or a time.
fn since(text: &str) -> Result<DateTime<Utc>, String> {
    day_or_time(text, 0)
}

/// The end of a day (the next day's start, exclusive), or just after a time.
fn until(text: &str) -> Result<DateTime<Utc>, String> {
    day_or_time(text, 1)
}

fn day_or_time(text: &str, days_after: u64) -> Result<DateTime<Utc>, String> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = day
            .checked_add_days(chrono::Days::new(days_after))
            .ok_or_else(|| format!("`{text}`: out of range"))?;
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|time| {
            let time = time.with_timezone(&Utc);
            // `--until` takes its own instant in.
            if days_after > 0 {
                time + chrono::Duration::milliseconds(1)
            } else {
                time
            }
        })
        .map_err(|_| {
            format!(
                "`{text}`: expected a day (2024-05-31) or an RFC 3339 time (2024-05-31T18:00:00Z)"
            )
        })
}

/// Runs the search and writes what it found.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    if context.format == Format::Pages {
        return Err(Failure::Usage(
            "--format: search writes table, jsonl or json; pages are not kept".to_owned(),
        ));
    }
    let path = args.database.path(context.demo())?;
    let archive = Archive::open_read_only(&path).map_err(|e| archive_db::failure(&path, e))?;
    let mut search = Search::new(args.query.join(" "));
    if let Some(id) = args.conversation {
        search = search.conversation(id);
    }
    if let Some(who) = args.from {
        search = search.sender(who);
    }
    if let Some(time) = args.since {
        search = search.since(time);
    }
    if let Some(time) = args.until {
        search = search.until(time);
    }
    if let Some(limit) = args.limit {
        search = search.limit(limit);
    }
    let hits = archive
        .search(&search)
        .map_err(|e| archive_db::failure(&path, e))?;
    let sink: Box<dyn Write> = match &context.output {
        Some(file) => Box::new(File::create(file)?),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::new(sink);
    match context.format {
        Format::Table | Format::Pages => {
            for hit in &hits {
                let sender = match (&hit.sender_username, &hit.sender_id) {
                    (Some(name), _) => format!("@{name}"),
                    (None, Some(id)) => id.clone(),
                    (None, None) => "-".to_owned(),
                };
                writeln!(
                    out,
                    "{:<24}  {:<22}  {:<16}  {}",
                    hit.created_at.as_deref().unwrap_or("-"),
                    hit.conversation_id.as_deref().unwrap_or("-"),
                    one_line(&sender),
                    one_line(&hit.marked)
                )?;
            }
        }
        Format::Jsonl => {
            for hit in &hits {
                out.write_all(&x_dm::compact_json(hit.raw.as_bytes()))?;
                out.write_all(b"\n")?;
            }
        }
        Format::Json => {
            out.write_all(b"[")?;
            for (i, hit) in hits.iter().enumerate() {
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                out.write_all(&x_dm::compact_json(hit.raw.as_bytes()))?;
            }
            out.write_all(if hits.is_empty() { b"]\n" } else { b"\n]\n" })?;
        }
    }
    Ok(out.flush()?)
}
