//! `x-dm tweetapi conversation <ID>`: export a conversation through TweetAPI.

use std::path::PathBuf;

use crate::args::Amount;
use crate::context::Context;
use crate::export::{self, Failure, Plan, Stop};

/// `x-dm tweetapi conversation <ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The conversation: `userId1-userId2`, or a group's numeric id.
    pub id: String,

    #[command(flatten)]
    pub amount: Amount,

    /// Start from this page (a cursor saved from an earlier run).
    #[arg(long, value_name = "C")]
    pub cursor: Option<String>,

    /// Save progress here after each page, and resume from it when run again
    /// with the same output file. Needs --output.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
}

/// Exports the conversation's messages, page after page.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.tweetapi_client()?;
    let stop = Stop::from(args.amount);
    // Every page is wanted: the next one can be on its way while this one
    // is written.
    let request = client
        .conversation(&args.id)
        .read_ahead(matches!(stop, Stop::All));
    let plan = Plan {
        start: args.cursor,
        checkpoint: args.checkpoint,
        ..Plan::new("tweetapi conversation", args.id.clone(), stop, &context)
    };
    export::run(
        plan,
        request.continuation(),
        |start| match start {
            Some(cursor) => request.cursor(cursor).pages(),
            None => request.pages(),
        },
        &context.progress,
    )
    .await
}
