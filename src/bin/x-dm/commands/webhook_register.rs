//! `x-dm webhook register <URL>`: register a webhook of the app.

use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm webhook register <URL>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The URL X is to deliver events to; X sends it a CRC challenge at once.
    pub url: String,
}

/// Registers the webhook and writes X's answer (id, url, valid, created_at)
/// as one line.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.app_client()?;
    let page = client.register_webhook(args.url).send().await?;
    export::answer(page.raw_items().first(), &context)
}
