//! `x-dm inbox`: export the events of every conversation, newest first.

use super::dm_event_walk::{DmEventWalk, export_dm_events};
use crate::context::Context;
use crate::export::Failure;

/// `x-dm inbox`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub walk: DmEventWalk,
}

/// Exports the inbox, page after page.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    export_dm_events!(client.inbox(), args.walk, "inbox", String::new(), &context)
}
