//! `x-dm send`: send a message to a user or a conversation, once.

use super::message::MessageArgs;
use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm send (--to <USER_ID> | --conversation <ID>) [--text TEXT | --text-file FILE] [--media-id ID]...`.
#[derive(Debug, clap::Args)]
#[group(id = "recipient", required = true, multiple = false, args = ["to", "conversation"])]
pub struct Args {
    /// The user to send to, in your one-to-one conversation with them.
    #[arg(long, value_name = "USER_ID")]
    pub to: Option<String>,

    /// The conversation to send to: `uid-uid` or a group's id.
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,

    #[command(flatten)]
    pub message: MessageArgs,
}

/// Sends the message and prints the new event's ids as one JSON line. A
/// send is never repeated: after a failure that may have reached X, the exit
/// code is 3.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let message = args.message.message()?;
    let page = match (args.to, args.conversation) {
        (Some(user), _) => client.send_message_to(&user, message).send().await?,
        (None, Some(id)) => client.send_message(&id, message).send().await?,
        (None, None) => return Err(Failure::Usage("name --to or --conversation".to_owned())),
    };
    export::answer(page.raw_items().first(), &context)
}
