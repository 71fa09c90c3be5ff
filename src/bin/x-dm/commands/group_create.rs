//! `x-dm group create`: start a group conversation with its first message.

use x_dm::x::types::{CreateGroupRequest, NewConversationType};

use super::message::MessageArgs;
use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm group create --participants ID,ID[,...] [--text TEXT] [--media FILE]... [--media-id ID]...`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The other participants' user ids, comma-separated (2 to 49).
    #[arg(long, value_name = "IDS", value_delimiter = ',', required = true)]
    pub participants: Vec<String>,

    #[command(flatten)]
    pub message: MessageArgs,
}

/// Starts the group and prints its and its first message's ids as one JSON
/// line; exit code 3 if it may have been started after all.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let group = CreateGroupRequest {
        conversation_type: NewConversationType::Group,
        participant_ids: args.participants,
        message: args.message.message(&client, &context.progress).await?,
    };
    let page = client.create_group(group).send().await?;
    export::answer(page.raw_items().first(), &context)
}
