//! `x-dm chat requests`: list the pending Chat message requests.

use crate::args::Amount;
use crate::context::Context;
use crate::export::{self, Failure, Plan, Stop};
use x_dm::x::types::ChatMessageRequestField;

/// `x-dm chat requests`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub amount: Amount,

    /// The inbox: `you_may_know` (the apps' Priority tab, the default) or
    /// `low_quality` (their Hidden tab).
    #[arg(long, value_name = "INBOX")]
    pub inbox: Option<String>,
}

/// Exports the requests, page after page, with every field.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let stop = Stop::from(args.amount);
    let mut request = client
        .chat_message_requests()
        .fields(ChatMessageRequestField::all());
    if let Some(inbox) = args.inbox {
        request = request.inbox_type(inbox);
    }
    if let Some(size) = stop.page_size(None) {
        request = request.max_results(size.min(50));
    }
    let plan = Plan::new("chat requests", "", stop, &context);
    export::run(
        plan,
        request.continuation(),
        |_| request.pages(),
        &context.progress,
    )
    .await
}
