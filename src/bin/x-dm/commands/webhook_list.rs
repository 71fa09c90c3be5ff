//! `x-dm webhook list`: the app's webhooks.

use std::io::Write;

use crate::context::Context;
use crate::export::Failure;

/// `x-dm webhook list`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Writes each webhook as one JSON line, as X sent it.
pub async fn run(_: Args, context: Context) -> Result<(), Failure> {
    let client = context.app_client()?;
    let page = client.webhooks().send().await?;
    let mut out: Box<dyn Write> = match &context.output {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    for raw in page.raw_items() {
        out.write_all(&x_dm::compact_json(raw))?;
        out.write_all(b"\n")?;
    }
    Ok(out.flush()?)
}
