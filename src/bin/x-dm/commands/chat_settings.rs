//! `x-dm chat settings`: show the account's Chat privacy settings.

use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm chat settings`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Fetches the settings and writes them as X sent them.
pub async fn run(_: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let page = client.chat_settings().send().await?;
    export::answer(page.raw_items().first(), &context)
}
