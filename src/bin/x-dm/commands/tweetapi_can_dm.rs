//! `x-dm tweetapi can-dm`: whether the account may message some users.

use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm tweetapi can-dm <USER_ID>[,<USER_ID>...]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The users, comma-separated (at most 50).
    #[arg(value_name = "USER_IDS")]
    pub user_ids: String,
}

/// Prints TweetAPI's answer (`dm-permissions`) as one JSON line.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.tweetapi_client()?;
    let ids: Vec<&str> = args
        .user_ids
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .collect();
    let reply = client.dm_permissions(ids).send().await?;
    export::answer(Some(reply.raw_body()), &context)
}
