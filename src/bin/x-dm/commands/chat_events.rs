//! `x-dm chat events <ID>`: export the events of a Chat conversation, each
//! envelope exactly as X sent it.

use std::path::PathBuf;

use x_dm::x::types::ChatMessageEventField;

use crate::args::Amount;
use crate::context::Context;
use crate::export::{self, Failure, Plan, Stop};

/// `x-dm chat events <ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The conversation: a user id, `uid-uid`, `uid:uid` or a `g` group id.
    pub id: String,

    #[command(flatten)]
    pub amount: Amount,

    /// Events per request, 1 to 100.
    #[arg(long, value_name = "N")]
    pub max_results: Option<i32>,

    /// Start from this page (a next_token saved from an earlier run).
    #[arg(long, value_name = "T")]
    pub pagination_token: Option<String>,

    /// Save progress here after each page, and resume from it when run again
    /// with the same output file. Needs --output.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
}

/// Every field of the latest version: an export keeps whole envelopes,
/// with their signatures, tokens and key versions.
fn every_field() -> Vec<ChatMessageEventField> {
    ChatMessageEventField::all()
        .into_iter()
        .filter(|field| *field != ChatMessageEventField::CreatedAtMsec)
        .collect()
}

/// Exports the conversation's events, page after page.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let stop = Stop::from(args.amount);
    let mut request = client.chat_events(&args.id).fields(every_field());
    if let Some(size) = stop.page_size(args.max_results) {
        request = request.max_results(size);
    }
    request = request.read_ahead(matches!(stop, Stop::All));
    let plan = Plan {
        start: args.pagination_token,
        checkpoint: args.checkpoint,
        ..Plan::new("chat events", args.id, stop, &context)
    };
    export::run(
        plan,
        request.continuation(),
        |start| match start {
            Some(token) => request.pagination_token(token).pages(),
            None => request.pages(),
        },
        &context.progress,
    )
    .await
}
