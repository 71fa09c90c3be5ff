//! `x-dm chat members add|remove <ID> --users ID,ID`: change who is in a
//! Chat group.

use crate::context::Context;
use crate::export::{self, Failure};
use x_dm::x::types::{AddChatGroupMembersRequest, RemoveChatGroupMembersRequest};

/// `x-dm chat members add|remove <ID> --users ID,ID`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The group, by its `g` id.
    pub id: String,

    /// The users, by numeric id, comma-separated.
    #[arg(long, value_name = "ID,ID", value_delimiter = ',', required = true)]
    pub users: Vec<String>,
}

/// Adds the users and writes X's answer.
pub async fn add(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    // Without the Chat XDK the command rotates no key: it suits groups
    // whose key the caller manages elsewhere, or X's checks of the rest.
    let members = AddChatGroupMembersRequest {
        user_ids: args.users,
        action_signatures: Vec::new(),
        conversation_key_version: None,
        conversation_participant_keys: Vec::new(),
        encrypted_avatar_url: None,
        encrypted_title: None,
    };
    let page = client.add_chat_members(&args.id, members).send().await?;
    export::answer(page.raw_items().first(), &context)
}

/// Removes the users (your own id leaves the group) and writes X's answer.
pub async fn remove(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let members = RemoveChatGroupMembersRequest {
        user_ids: args.users,
        action_signatures: Vec::new(),
        group_key_rotation_data: None,
    };
    let page = client.remove_chat_members(&args.id, members).send().await?;
    export::answer(page.raw_items().first(), &context)
}
