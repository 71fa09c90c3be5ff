//! `x-dm conversation <ID>`: show one Chat conversation.

use super::chat_selection::ChatSelection;
use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm conversation <ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The conversation: a user id, `uid-uid`, `uid:uid` or a `g` group id.
    pub id: String,

    #[command(flatten)]
    pub selection: ChatSelection,
}

/// Fetches the conversation and writes it.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let (fields, expansions, users) = args.selection.resolve();
    let page = client
        .conversation(&args.id)
        .fields(fields)
        .expansions(expansions)
        .user_fields(users)
        .send()
        .await?;
    export::one(&page, &context)
}
