//! `x-dm delete <EVENT_ID>`: delete a DM event the user sent.

use std::io::Write;

use crate::context::Context;
use crate::export::Failure;

/// `x-dm delete <EVENT_ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The DM event to delete.
    pub event_id: String,
}

/// Deletes the event and writes X's answer, `{"deleted":true}`, as one line.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let page = client.delete_dm_event(&args.event_id).send().await?;
    let answer = page.raw_items().first().cloned().unwrap_or_default();
    let mut out: Box<dyn Write> = match &context.output {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    out.write_all(&x_dm::compact_json(&answer))?;
    out.write_all(b"\n")?;
    Ok(out.flush()?)
}
