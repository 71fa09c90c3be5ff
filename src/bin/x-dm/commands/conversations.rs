//! `x-dm conversations`: list the Chat conversations in the inbox.

use super::chat_selection::ChatSelection;
use crate::args::Amount;
use crate::context::Context;
use crate::export::{self, Failure, Plan, Stop};

/// `x-dm conversations`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Conversations per request, 1 to 1000 (2.173; older servers take up
    /// to 100).
    #[arg(long, value_name = "N")]
    pub max_results: Option<i32>,

    #[command(flatten)]
    pub amount: Amount,

    #[command(flatten)]
    pub selection: ChatSelection,
}

/// Exports the inbox's conversations, page after page.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let stop = Stop::from(args.amount);
    let (fields, expansions, users) = args.selection.resolve();
    let mut request = client
        .conversations()
        .fields(fields)
        .expansions(expansions)
        .user_fields(users);
    if let Some(size) = stop.page_size(args.max_results) {
        request = request.max_results(size);
    }
    // Every page is wanted: the next one can be on its way while this one
    // is written.
    request = request.read_ahead(matches!(stop, Stop::All));
    let plan = Plan::new("conversations", "", stop, &context);
    export::run(
        plan,
        request.continuation(),
        |_| request.pages(),
        &context.progress,
    )
    .await
}
