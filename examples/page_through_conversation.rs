//! Pages through a whole DM conversation, oldest page last, printing each
//! event with its sender's handle.
//!
//! ```sh
//! X_ACCESS_TOKEN=... cargo run --example page_through_conversation -- 123123123-456456456
//! ```

use futures::TryStreamExt;
use x_dm::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conversation = std::env::args()
        .nth(1)
        .ok_or("usage: page_through_conversation <DM_CONVERSATION_ID>")?;
    let client = Client::new(std::env::var("X_ACCESS_TOKEN")?)?;

    let mut events = client
        .dm_events(conversation)
        .max_results(100)
        .fields([
            DmEventField::Id,
            DmEventField::EventType,
            DmEventField::Text,
            DmEventField::SenderId,
            DmEventField::CreatedAt,
        ])
        .expansions([DmEventExpansion::SenderId])
        .user_fields([UserField::Username])
        .items();

    while let Some(event) = events.try_next().await? {
        let when = event.created().map(|t| t.to_rfc3339()).unwrap_or_default();
        let sender = event.sender().and_then(|user| user.username.as_deref());
        let text = event.text.as_deref().unwrap_or("");
        println!("{when}  @{:<15}  {text}", sender.unwrap_or("?"));
    }
    Ok(())
}
