//! `x-dm events <CONVERSATION_ID>` and `x-dm events --with <USER_ID>`:
//! export the events of one DM conversation.

use super::dm_event_walk::{DmEventWalk, export_dm_events};
use crate::context::Context;
use crate::export::Failure;

/// `x-dm events (<CONVERSATION_ID> | --with <USER_ID>)`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The DM conversation: `uid-uid` for one-to-one, a numeric id for groups.
    #[arg(required_unless_present = "with")]
    pub conversation_id: Option<String>,

    /// The one-to-one conversation with this user (a numeric user id),
    /// instead of a conversation id.
    #[arg(long, value_name = "USER_ID", conflicts_with = "conversation_id")]
    pub with: Option<String>,

    #[command(flatten)]
    pub walk: DmEventWalk,
}

/// Exports the conversation's events, page after page.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    match (args.conversation_id, args.with) {
        (_, Some(user)) => {
            let request = client.dm_events_with(&user);
            export_dm_events!(request, args.walk, "events --with", user, &context)
        }
        (Some(id), None) => {
            let request = client.dm_events(&id);
            export_dm_events!(request, args.walk, "events", id, &context)
        }
        (None, None) => Err(Failure::Usage(
            "name a conversation, or a user with --with".to_owned(),
        )),
    }
}
