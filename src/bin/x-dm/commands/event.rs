//! `x-dm event <EVENT_ID>`: show one DM event.

use super::dm_event_selection::{DmEventSelection, select_dm_events};
use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm event <EVENT_ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The DM event's id.
    pub event_id: String,

    #[command(flatten)]
    pub selection: DmEventSelection,
}

/// Fetches the event and writes it.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let request = select_dm_events!(client.dm_event(&args.event_id), args.selection);
    export::one(&request.send().await?, &context)
}
