//! Calls the generated client directly: one page of a DM conversation, each
//! event with its sender's handle.
//!
//! ```sh
//! X_ACCESS_TOKEN=... cargo run --example generated_client -- 123123123-456456456
//! ```
//!
//! `X_API_BASE_URL` points it at another server, such as a local mock.

use std::collections::HashMap;
use std::error::Error;

use x_dm::connect::{X_API_BASE_URL, x_client};
use x_dm::x::types::{DmEventExpansion, DmEventField, UserField};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let conversation = std::env::args()
        .nth(1)
        .ok_or("usage: generated_client <DM_CONVERSATION_ID>")?;
    let token = std::env::var("X_ACCESS_TOKEN")
        .map_err(|_| "set X_ACCESS_TOKEN to an OAuth 2.0 user-context access token")?;
    let base_url = std::env::var("X_API_BASE_URL").unwrap_or_else(|_| X_API_BASE_URL.to_owned());

    let client = x_client(&base_url, &token)?;
    let page = client
        .get_direct_messages_events_by_conversation_id()
        .id(conversation)
        .max_results(100)
        .dm_event_fields([
            DmEventField::Id,
            DmEventField::EventType,
            DmEventField::Text,
            DmEventField::SenderId,
            DmEventField::CreatedAt,
        ])
        .expansions([DmEventExpansion::SenderId])
        .user_fields([UserField::Username])
        .send()
        .await?
        .into_inner();

    let handles: HashMap<&str, &str> = page
        .includes
        .iter()
        .flat_map(|includes| &includes.users)
        .filter_map(|user| Some((user.id.as_str(), user.username.as_deref()?)))
        .collect();
    for event in &page.data {
        let sender = event.sender_id.as_deref().and_then(|id| handles.get(id));
        println!(
            "{}  @{:<15}  {:<17}  {}",
            event.created_at.as_deref().unwrap_or("-"),
            sender.unwrap_or(&"?"),
            event.event_type,
            event.text.as_deref().unwrap_or("")
        );
    }
    for problem in &page.errors {
        eprintln!("warning: {problem:?}");
    }
    if let Some(next) = page.meta.and_then(|meta| meta.next_token) {
        eprintln!("next page token: {next}");
    }
    Ok(())
}
