//! TweetAPI as a second source: every conversation of the TweetAPI inbox,
//! walked newest first into the same tables as X's events, with `source`
//! `tweetapi`.
//!
//! TweetAPI has no inbox-wide message list, so a sync lists the inbox's
//! conversations (its first state, then both timelines) and walks each one
//! as its own scope, `conversation:ID`, with the same rules as X's walks:
//! each page in one transaction with the cursor reached, a cut walk resumed
//! from its cursor, and a walk stopped at the first page that reaches what
//! the last complete walk of that conversation stored. A conversation whose
//! `lastMessageId` is already stored is not asked for at all.

use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::rows::{Event, PageRows};
use super::sync::{ToRows, Walker};
use super::{Archive, Error, Outcome, SyncReport};
use crate::tweetapi::{self, Page};

/// The `source` of TweetAPI's events, walks and runs.
const SOURCE: &str = "tweetapi";

impl Archive {
    /// Brings the archive up to date with every conversation of the TweetAPI
    /// inbox, the message requests included. Its events are stored with
    /// `source` `tweetapi`; a message already stored (from X, whose ids
    /// TweetAPI shares) is not stored again.
    pub async fn sync_tweetapi(&mut self, client: &tweetapi::Client) -> Result<SyncReport, Error> {
        self.sync_tweetapi_with(client, |_| {}).await
    }

    /// [`sync_tweetapi`](Self::sync_tweetapi), calling `on_page` after each
    /// page is stored.
    pub async fn sync_tweetapi_with(
        &mut self,
        client: &tweetapi::Client,
        mut on_page: impl FnMut(&SyncReport),
    ) -> Result<SyncReport, Error> {
        let mut report = self.start_run("inbox", SOURCE)?;
        let walked = self.walk_inbox(client, &mut report, &mut on_page).await;
        self.finish_run(report, walked)
    }

    async fn walk_inbox(
        &mut self,
        client: &tweetapi::Client,
        report: &mut SyncReport,
        on_page: &mut impl FnMut(&SyncReport),
    ) -> Result<Outcome, Error> {
        // The list is small (conversations, not messages) and is taken
        // whole first, so that no inbox request is pending while pages are
        // written.
        let conversations: Vec<_> = client.inbox().conversations().try_collect().await?;
        let mut outcome = Outcome::CaughtUp;
        for conversation in conversations {
            let key = format!("conversation:{}", conversation.id);
            let state = self.walk_state(&key, SOURCE)?;
            let newest = conversation
                .last_message_id
                .as_deref()
                .and_then(|id| id.parse::<i64>().ok());
            // Nothing newer than what the last complete walk stored, and no
            // walk to finish: not one request for this conversation.
            if state.next_token.is_none()
                && matches!((newest, state.covered), (Some(newest), Some(covered)) if newest <= covered)
            {
                continue;
            }
            let request = client.conversation(&conversation.id);
            let next = request.continuation();
            let walker = Walker {
                source: SOURCE,
                start: Box::new(move |cursor: Option<String>, ahead: bool| {
                    let request = request.clone().read_ahead(ahead);
                    match cursor {
                        Some(cursor) => request.cursor(cursor).pages(),
                        None => request.pages(),
                    }
                    .boxed()
                }),
                next: Box::new(next),
                rows: rows as ToRows<Page>,
            };
            let walked = self
                .walk_scope(&walker, &key, Some(&conversation.id), report, on_page)
                .await?;
            if let Outcome::ReachedEnd { gap: true } = walked {
                outcome = walked;
            }
        }
        Ok(outcome)
    }
}

/// TweetAPI's users, as sent, in the documented page shape.
#[derive(Deserialize)]
struct Body<'a> {
    #[serde(borrow)]
    users: Option<Vec<&'a RawValue>>,
}

/// The rows of one page of a TweetAPI conversation: its messages, each as
/// TweetAPI sent it, and its users. TweetAPI lists messages only, so each
/// is a `MessageCreate`; its attachment stays in its raw JSON (there is no
/// media key to download it by).
fn rows(page: Page, conversation: Option<&str>) -> Result<PageRows, Error> {
    let raws = page.raw_items().to_vec();
    let body = page.raw_body().clone();
    let messages = page.into_items().into_iter().map(|message| Event {
        conversation_id: message
            .conversation_id
            .or_else(|| conversation.map(str::to_owned)),
        id: message.id,
        event_type: "MessageCreate".to_owned(),
        sender_id: message.sender_id,
        created_at: message.created_at,
        text: message.text,
        participants: message.recipient_id.into_iter().collect(),
        media_keys: Vec::new(),
    });
    let mut rows = PageRows::of_events(messages, raws, "messages")?;
    if let Ok(Body { users: Some(users) }) = serde_json::from_slice::<Body<'_>>(&body) {
        rows.include_users(&body, users);
    }
    Ok(rows)
}
