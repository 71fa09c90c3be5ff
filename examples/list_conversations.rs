//! Lists the Chat conversations in the inbox, with the handles of each
//! group's members.
//!
//! ```sh
//! X_ACCESS_TOKEN=... cargo run --example list_conversations
//! ```

use futures::TryStreamExt;
use x_dm::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(std::env::var("X_ACCESS_TOKEN")?)?;

    let mut conversations = client
        .conversations()
        .max_results(100)
        .fields([
            ChatConversationField::Id,
            ChatConversationField::Type,
            ChatConversationField::MemberIds,
            ChatConversationField::ParticipantIds,
        ])
        .expansions([
            ChatConversationExpansion::MemberIds,
            ChatConversationExpansion::ParticipantIds,
        ])
        .user_fields([UserField::Username])
        .items();

    while let Some(conversation) = conversations.try_next().await? {
        let people = if conversation.is_group() {
            conversation.members().collect::<Vec<_>>()
        } else {
            conversation.participants().collect()
        };
        let handles: Vec<&str> = people
            .into_iter()
            .map(|user| user.and_then(|u| u.username.as_deref()).unwrap_or("?"))
            .collect();
        println!("{}  {}", conversation.id, handles.join(", "));
    }
    Ok(())
}
