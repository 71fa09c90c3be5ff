//! `x-dm webhook validate <ID>`: have X send the webhook a CRC challenge.

use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm webhook validate <ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The webhook's id.
    pub webhook_id: String,
}

/// Triggers the CRC and writes X's answer, `{"valid":…}`, as one line.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.app_client()?;
    let page = client.validate_webhook(&args.webhook_id).send().await?;
    export::answer(page.raw_items().first(), &context)
}
