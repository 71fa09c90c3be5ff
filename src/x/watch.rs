//! New DM events as they arrive: the inbox or one conversation, polled
//! through the engine's [`Poll`], with X's ids ordered as the snowflakes
//! they are.

use std::cmp::Ordering;

use futures::TryStreamExt;
use futures::stream::{BoxStream, StreamExt};

use super::operations::{GetDirectMessagesEvents, GetDirectMessagesEventsByConversationId};
use super::types::DmEvent;
use super::{Item, Page};
use crate::Error;
use crate::engine::{Connection, Endpoint, Feed, FeedPage, Poll, Request};

/// The DM events of a list request (the inbox, or one conversation), read
/// from the newest page down: what [`DmWatch`] polls. The request's fields,
/// expansions, event types and page size are kept.
pub struct DmFeed<E: Endpoint> {
    request: Request<E>,
}

impl<E: Endpoint> std::fmt::Debug for DmFeed<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DmFeed")
            .field("request", &self.request)
            .finish()
    }
}

/// A watch of new DM events, built by [`Request::watch`] on
/// [`Client::inbox`](super::Client::inbox) or
/// [`Client::dm_events`](super::Client::dm_events).
pub type DmWatch<E> = Poll<DmFeed<E>>;

impl<E> Feed for DmFeed<E>
where
    E: Endpoint<Output = Page<DmEvent>>,
{
    type Item = Item<DmEvent>;

    fn newest_first(&self) -> BoxStream<'static, Result<FeedPage<Self::Item>, Error>> {
        self.request
            .clone()
            .at_newest()
            .pages()
            .map_ok(|page| FeedPage {
                rate_limits: *page.rate_limits(),
                items: page.joined(),
            })
            .boxed()
    }

    fn id(item: &Self::Item) -> &str {
        &item.id
    }

    fn compare(a: &str, b: &str) -> Ordering {
        snowflake_order(a, b)
    }

    fn connection(&self) -> &Connection {
        self.request.connection()
    }
}

/// X's ids are snowflakes, whose value grows with time: as decimal strings
/// without leading zeros, a longer one is larger. Anything else falls back
/// to the strings' order.
pub(crate) fn snowflake_order(a: &str, b: &str) -> Ordering {
    let decimal = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if decimal(a) && decimal(b) {
        let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

impl Request<GetDirectMessagesEvents> {
    /// A watch of the inbox for new events: each event after its start
    /// once, oldest first, in batches that each end with a position to save
    /// and resume from. See [`Poll`] for the interval, the start and the
    /// failures it waits out.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// use x_dm::Client;
    /// use x_dm::engine::Start;
    ///
    /// # async fn run() -> Result<(), x_dm::Error> {
    /// let client = Client::new(std::env::var("X_ACCESS_TOKEN").unwrap_or_default())?;
    /// let mut batches = client.inbox().watch().start(Start::Backfill(5)).stream();
    /// while let Some(batch) = batches.try_next().await? {
    ///     for event in &batch.items {
    ///         println!("{}", event.raw_json().unwrap_or_default());
    ///     }
    ///     let _save_me = serde_json::to_string(batch.position());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn watch(self) -> DmWatch<GetDirectMessagesEvents> {
        Poll::new(DmFeed { request: self })
    }
}

impl Request<GetDirectMessagesEventsByConversationId> {
    /// A watch of one conversation for new events; see the inbox's
    /// [`watch`](Request::<GetDirectMessagesEvents>::watch).
    pub fn watch(self) -> DmWatch<GetDirectMessagesEventsByConversationId> {
        Poll::new(DmFeed { request: self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_order_by_value_not_by_text() {
        assert_eq!(snowflake_order("999", "1000"), Ordering::Less);
        assert_eq!(
            snowflake_order("1580000000000000001", "1580000000000000001"),
            Ordering::Equal
        );
        assert_eq!(snowflake_order("1700", "0999"), Ordering::Greater);
        assert_eq!(snowflake_order("b", "a"), Ordering::Greater);
    }
}
