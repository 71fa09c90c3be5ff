//! `x-dm activity delete <ID>`: end an X Activity API subscription.

use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm activity delete <ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The subscription's id.
    pub subscription_id: String,
}

/// Deletes the subscription and writes X's answer, `{"deleted":true}`, as
/// one line.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let page = client.unsubscribe(&args.subscription_id).send().await?;
    export::answer(page.raw_items().first(), &context)
}
