//! `x-dm events <CONVERSATION_ID>`: export the events of a DM conversation.

use std::path::PathBuf;

use x_dm::x::types::DmEventType;

use super::dm_event_selection::{DmEventSelection, select_dm_events};
use crate::args::{self, Amount, List};
use crate::context::Context;
use crate::export::{self, Failure, Plan, Stop};

/// `x-dm events <CONVERSATION_ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The DM conversation: `uid-uid` for one-to-one, a numeric id for groups.
    pub conversation_id: String,

    #[command(flatten)]
    pub amount: Amount,

    /// Events per request, 1 to 100.
    #[arg(long, value_name = "N")]
    pub max_results: Option<i32>,

    /// Only these event types (comma-separated).
    #[arg(long, value_name = "LIST", value_parser = args::event_types)]
    pub event_types: Option<List<DmEventType>>,

    #[command(flatten)]
    pub selection: DmEventSelection,

    /// Start from this page (a next_token saved from an earlier run).
    #[arg(long, value_name = "T")]
    pub pagination_token: Option<String>,

    /// Save progress here after each page, and resume from it when run again
    /// with the same output file. Needs --output.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
}

/// Exports the conversation's events, page after page.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let stop = Stop::from(args.amount);
    let mut request = select_dm_events!(client.dm_events(&args.conversation_id), args.selection);
    if let Some(size) = stop.page_size(args.max_results) {
        request = request.max_results(size);
    }
    // Every page is wanted: the next one can be on its way while this one
    // is written.
    request = request.read_ahead(matches!(stop, Stop::All));
    if let Some(types) = args.event_types.map(|list| list.0) {
        request = request.event_types(types);
    }
    let plan = Plan {
        command: "events",
        target: args.conversation_id.clone(),
        format: context.format,
        stop,
        start: args.pagination_token,
        checkpoint: args.checkpoint,
        output: context.output.clone(),
    };
    export::run(
        plan,
        |start| match start {
            Some(token) => request.pagination_token(token).pages(),
            None => request.pages(),
        },
        &context.progress,
    )
    .await
}
