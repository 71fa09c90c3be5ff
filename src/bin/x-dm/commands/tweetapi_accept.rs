//! `x-dm tweetapi accept`: accept a message request.

use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm tweetapi accept <CONVERSATION_ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The conversation of the request: `userId1-userId2`, or a group's id.
    pub conversation_id: String,
}

/// Moves the request to the trusted inbox and prints TweetAPI's answer.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.tweetapi_client()?;
    let reply = client.accept(&args.conversation_id).send().await?;
    export::answer(Some(reply.raw_body()), &context)
}
