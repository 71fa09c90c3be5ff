//! `x-dm webhook replay <ID> --from TIME --to TIME`: have X deliver the
//! events of a span of the past 24 hours again.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm webhook replay`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The webhook to deliver the events to again.
    pub webhook_id: String,

    /// The first minute replayed: RFC 3339 (`2026-12-01T09:30:00Z`) or X's
    /// `yyyymmddhhmm`, in UTC.
    #[arg(long, value_name = "TIME", value_parser = time)]
    pub from: DateTime<Utc>,

    /// The last minute replayed, inclusive, in the same forms.
    #[arg(long, value_name = "TIME", value_parser = time)]
    pub to: DateTime<Utc>,
}

/// Starts the replay and writes X's answer (job_id, created_at) as one line.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    if args.from > args.to {
        return Err(Failure::Usage("--from must not be after --to".into()));
    }
    let client = context.app_client()?;
    let page = client
        .replay_webhook(args.webhook_id, args.from, args.to)
        .send()
        .await?;
    export::answer(page.raw_items().first(), &context)
}

fn time(value: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(value, "%Y%m%d%H%M")
        .map(|at| at.and_utc())
        .map_err(|_| format!("`{value}` is neither RFC 3339 nor yyyymmddhhmm"))
}
