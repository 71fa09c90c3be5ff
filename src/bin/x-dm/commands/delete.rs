//! `x-dm delete <EVENT_ID>`: delete a DM event the user sent.

use crate::context::Context;
use crate::export::{self, Failure};

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
    export::answer(page.raw_items().first(), &context)
}
