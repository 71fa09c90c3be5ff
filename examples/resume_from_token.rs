//! Reads a conversation a page at a time and saves the token of the next page
//! after each one, so that a later run resumes where this one stopped.
//!
//! ```sh
//! X_ACCESS_TOKEN=... cargo run --example resume_from_token -- 123123123-456456456 token.txt
//! ```

use futures::TryStreamExt;
use x_dm::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: resume_from_token <DM_CONVERSATION_ID> <TOKEN_FILE>";
    let conversation = args.next().ok_or(usage)?;
    let token_file = args.next().ok_or(usage)?;
    let client = Client::new(std::env::var("X_ACCESS_TOKEN")?)?;

    let mut request = client.dm_events(conversation).max_results(100);
    if let Ok(saved) = std::fs::read_to_string(&token_file) {
        eprintln!("resuming from the saved token");
        request = request.pagination_token(saved.trim());
    }

    let mut pages = request.pages();
    while let Some(page) = pages.try_next().await? {
        for event in page.items() {
            println!("{}\t{}", event.id, event.text.as_deref().unwrap_or(""));
        }
        // Saved only once the page's events are out, so none is skipped.
        match page.next_token() {
            Some(next) => std::fs::write(&token_file, next)?,
            None => {
                let _ = std::fs::remove_file(&token_file);
            }
        }
    }
    Ok(())
}
