//! The whole TweetAPI inbox: the conversations of its first state, then each
//! timeline it points to, to its end.

use std::collections::HashSet;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::generated::types::{ConversationInfo, InboxInitialState};
use super::{Client, Reply};
use crate::Error;

/// One of the inbox's two timelines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeline {
    /// Conversations the account takes part in.
    Trusted,
    /// Message requests, from people it does not follow.
    Untrusted,
}

impl Timeline {
    /// Whether a conversation of the first state belongs to this timeline:
    /// it says `trusted`, and one that does not say is taken as trusted.
    fn holds(self, conversation: &ConversationInfo) -> bool {
        let trusted = conversation.trusted != Some(false);
        trusted == (self == Timeline::Trusted)
    }

    fn name(self) -> &'static str {
        match self {
            Timeline::Trusted => "trusted",
            Timeline::Untrusted => "untrusted",
        }
    }
}

impl Reply<InboxInitialState> {
    /// Where `timeline` continues after the first state, or `None` when it
    /// ends there.
    ///
    /// TweetAPI's docs stop before showing it. X's own inbox state, which
    /// TweetAPI wraps, has `inbox_timelines.<timeline>.min_entry_id`, and
    /// TweetAPI camel-cases X's names elsewhere: both spellings are read,
    /// and a per-timeline `cursor`, and a timeline whose `status` is
    /// `AT_END` has nothing more.
    pub fn timeline_cursor(&self, timeline: Timeline) -> Option<&str> {
        let name = timeline.name();
        let status = [
            format!("inboxTimelines.{name}.status"),
            format!("inbox_timelines.{name}.status"),
        ];
        if status
            .iter()
            .any(|path| self.field(path).and_then(|v| v.as_str()) == Some("AT_END"))
        {
            return None;
        }
        [
            format!("inboxTimelines.{name}.cursor"),
            format!("inboxTimelines.{name}.minEntryId"),
            format!("inbox_timelines.{name}.cursor"),
            format!("inbox_timelines.{name}.min_entry_id"),
        ]
        .iter()
        .find_map(|path| self.field(path).and_then(|v| v.as_str()))
        .filter(|cursor| !cursor.is_empty())
    }

    /// The cursor [`Client::user_updates`] polls from.
    pub fn updates_cursor(&self) -> Option<&str> {
        self.cursor.as_deref().filter(|cursor| !cursor.is_empty())
    }
}

/// The whole inbox, built by [`Client::inbox`].
#[derive(Clone, Debug)]
#[must_use]
pub struct InboxRequest {
    client: Client,
    timelines: Vec<Timeline>,
    filter_low_quality: bool,
}

impl InboxRequest {
    pub(super) fn new(client: Client) -> Self {
        Self {
            client,
            timelines: vec![Timeline::Trusted, Timeline::Untrusted],
            filter_low_quality: false,
        }
    }

    /// Walks one timeline only.
    pub fn only(mut self, timeline: Timeline) -> Self {
        self.timelines = vec![timeline];
        self
    }

    /// Leaves out conversations TweetAPI marks low quality (`lowQuality`),
    /// as its timelines' `filterLowQuality` does.
    pub fn filter_low_quality(mut self, filter: bool) -> Self {
        self.filter_low_quality = filter;
        self
    }

    /// Every conversation: the first state's, in its order, then each
    /// timeline's pages in turn. A conversation met twice (the first state
    /// and a timeline's first page may overlap) is given once. Nothing is
    /// requested before the stream is polled.
    pub fn conversations(self) -> BoxStream<'static, Result<ConversationInfo, Error>> {
        let Self {
            client,
            timelines,
            filter_low_quality,
        } = self;
        let walk = stream::once({
            let client = client.clone();
            async move { client.inbox_initial_state().send().await }
        })
        .map(move |state| match state {
            Err(error) => stream::iter([Err(error)]).boxed(),
            Ok(state) => follow(&client, &state, &timelines, filter_low_quality),
        })
        .flatten();
        let mut seen = HashSet::new();
        walk.try_filter(move |conversation| {
            let fresh = seen.insert(conversation.id.clone());
            let wanted = !(filter_low_quality && conversation.low_quality == Some(true));
            std::future::ready(fresh && wanted)
        })
        .boxed()
    }
}

/// The first state's conversations of `timelines`, then those timelines.
fn follow(
    client: &Client,
    state: &Reply<InboxInitialState>,
    timelines: &[Timeline],
    filter_low_quality: bool,
) -> BoxStream<'static, Result<ConversationInfo, Error>> {
    let first: Vec<_> = state
        .conversations
        .iter()
        .filter(|c| timelines.iter().any(|t| t.holds(c)))
        .cloned()
        .map(Ok)
        .collect();
    let mut walk = stream::iter(first).boxed();
    for timeline in timelines {
        let Some(cursor) = state.timeline_cursor(*timeline) else {
            continue;
        };
        let pages = match timeline {
            Timeline::Trusted => client
                .trusted_timeline(cursor)
                .filter_low_quality(filter_low_quality)
                .pages()
                .map_ok(|page| page.into_value().conversations)
                .boxed(),
            Timeline::Untrusted => client
                .untrusted_timeline(cursor)
                .filter_low_quality(filter_low_quality)
                .pages()
                .map_ok(|page| page.into_value().conversations)
                .boxed(),
        };
        let conversations = pages
            .map_ok(|conversations| stream::iter(conversations.into_iter().map(Ok)))
            .try_flatten();
        walk = walk.chain(conversations).boxed();
    }
    walk
}
