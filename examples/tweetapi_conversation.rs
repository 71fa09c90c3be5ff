//! Reads a DM conversation through TweetAPI, which uses the account's session
//! cookie instead of an X API token.
//!
//! ```sh
//! TWEETAPI_KEY=... TWEETAPI_AUTH_TOKEN=... \
//!     cargo run --example tweetapi_conversation -- 123456789-987654321
//! ```

use futures::TryStreamExt;
use x_dm::TweetApiClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conversation = std::env::args()
        .nth(1)
        .ok_or("usage: tweetapi_conversation <CONVERSATION_ID>")?;
    let client = TweetApiClient::new(
        std::env::var("TWEETAPI_KEY")?,
        std::env::var("TWEETAPI_AUTH_TOKEN")?,
    )?;

    let mut messages = client.conversation(conversation).items();
    while let Some(message) = messages.try_next().await? {
        let sender = message.sender().and_then(|user| user.username.as_deref());
        println!(
            "{}  @{:<15}  {}",
            message.created_at.as_deref().unwrap_or("-"),
            sender.unwrap_or("?"),
            message.text.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
