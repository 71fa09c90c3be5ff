//! `x-dm webhook delete <ID>`: delete a webhook of the app.

use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm webhook delete <ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The webhook's id.
    pub webhook_id: String,
}

/// Deletes the webhook and writes X's answer, `{"deleted":true}`, as one
/// line.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.app_client()?;
    let page = client.delete_webhook(&args.webhook_id).send().await?;
    export::answer(page.raw_items().first(), &context)
}
