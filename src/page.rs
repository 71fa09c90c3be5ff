//! One page of results, as the facade hands it out.

use bytes::Bytes;

use std::sync::Arc;

use crate::includes::Warning;
use crate::join::{Item, JoinCache, References, WithRaw};
use crate::rate_limit::RateLimits;
use crate::raw::{self, RawItems};
use crate::transport::Fetched;
use crate::x::types::{
    ChatConversation, ChatConversationData, ChatConversationResponse, ChatConversationsMeta,
    ChatConversationsResponse, DmEvent, DmEventsResponse, Expansions, Problem,
};

/// Pagination and count details of an X page, whichever endpoint sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Meta {
    /// How many items the page holds, as the API counted them.
    pub result_count: Option<i32>,
    /// The token of the next (older) page; absent on the last page.
    pub next_token: Option<String>,
    /// The token of the previous (newer) page.
    pub previous_token: Option<String>,
    /// Chat: whether more conversations can be fetched.
    pub has_more: Option<bool>,
    /// Chat: whether the user has pending message requests.
    pub has_message_requests: Option<bool>,
}

/// One page from X: its items, what it included, its partial errors and the
/// tokens that lead on. Save [`Page::next_token`] to resume later with
/// `.pagination_token(saved)`.
#[derive(Debug)]
pub struct Page<T> {
    items: Vec<T>,
    includes: Expansions,
    errors: Vec<Problem>,
    warnings: Vec<Warning>,
    meta: Meta,
    /// The body, and each item's JSON in it once asked for.
    raw: Arc<RawItems>,
    rate_limits: RateLimits,
}

impl<T> Page<T> {
    /// The page's items, in the order the API sent them.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The page's items, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The users, media, Tweets and so on that the page included. Tweets
    /// sent as 2.167's `posts` are in `tweets` too.
    pub fn includes(&self) -> &Expansions {
        &self.includes
    }

    /// Problems the API reported next to the data (a referenced Tweet that
    /// is gone, a field you may not see).
    pub fn errors(&self) -> &[Problem] {
        &self.errors
    }

    /// What the page left out because it could not be decoded: an included
    /// object that lacks a field its schema requires, say. Such an object is
    /// not in [`includes`](Self::includes) and joins to nothing, but
    /// [`raw_body`](Self::raw_body) still holds it. A bad item is never left
    /// out: it fails the page.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Pagination and count details.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// The token of the next (older) page, to save and resume from.
    pub fn next_token(&self) -> Option<&str> {
        self.meta.next_token.as_deref()
    }

    /// The token of the previous (newer) page.
    pub fn previous_token(&self) -> Option<&str> {
        self.meta.previous_token.as_deref()
    }

    /// The response body exactly as the API sent it.
    pub fn raw_body(&self) -> &Bytes {
        self.raw.body()
    }

    /// The rate-limit windows the response described.
    pub fn rate_limits(&self) -> &RateLimits {
        &self.rate_limits
    }

    /// The items joined to this page's own includes.
    pub fn joined(self) -> Vec<Item<T>>
    where
        T: References,
    {
        let mut cache = JoinCache::unbounded();
        let items = self.merge_into(&mut cache);
        cache.join(items)
    }

    /// Each item's JSON exactly as the API sent it, in the order of
    /// [`items`](Self::items).
    pub fn raw_items(&self) -> &[Bytes] {
        self.raw.all()
    }

    /// Moves the includes into a stream's cache and hands back the items,
    /// each with its JSON as sent.
    pub(crate) fn merge_into(self, cache: &mut JoinCache) -> Vec<WithRaw<T>> {
        cache.add(self.includes);
        raw::pair(self.items, &self.raw)
    }

    fn new(
        items: Vec<T>,
        includes: Option<Expansions>,
        errors: Vec<Problem>,
        meta: Meta,
        (body, rate_limits, warnings): (Bytes, RateLimits, Vec<Warning>),
    ) -> Self {
        let mut includes = includes.unwrap_or_default();
        // 2.167 renamed `includes.tweets` to `includes.posts`; one list is
        // enough for a caller.
        let posts = std::mem::take(&mut includes.posts);
        includes.tweets.extend(posts);
        Self {
            raw: RawItems::new(body, raw::x_items, items.len()),
            items,
            includes,
            errors,
            warnings,
            meta,
            rate_limits,
        }
    }
}

impl Page<DmEvent> {
    /// Decodes a saved DM events response body, such as a line written by
    /// `x-dm --format pages`.
    pub fn parse(body: impl Into<Bytes>) -> Result<Self, crate::Error> {
        crate::transport::decode_saved(body.into()).map(Self::from_response)
    }

    pub(crate) fn from_response(fetched: Fetched<DmEventsResponse>) -> Self {
        let Fetched {
            value: response,
            body,
            rate_limits,
            warnings,
        } = fetched;
        let meta = response.meta.map(|meta| Meta {
            result_count: meta.result_count,
            next_token: meta.next_token,
            previous_token: meta.previous_token,
            ..Meta::default()
        });
        let meta = meta.unwrap_or_default();
        Self::new(
            response.data,
            response.includes,
            response.errors,
            meta,
            (body, rate_limits, warnings),
        )
    }
}

impl Page<ChatConversation> {
    /// Decodes a saved Chat conversations response body.
    pub fn parse(body: impl Into<Bytes>) -> Result<Self, crate::Error> {
        crate::transport::decode_saved(body.into()).map(Self::from_list)
    }

    pub(crate) fn from_list(fetched: Fetched<ChatConversationsResponse>) -> Self {
        let Fetched {
            value: response,
            body,
            rate_limits,
            warnings,
        } = fetched;
        let meta = chat_meta(response.meta);
        Self::new(
            response.data,
            response.includes,
            response.errors,
            meta,
            (body, rate_limits, warnings),
        )
    }

    pub(crate) fn from_one(fetched: Fetched<ChatConversationResponse>) -> Self {
        let Fetched {
            value: response,
            body,
            rate_limits,
            warnings,
        } = fetched;
        // 2.167 sends one object; 2.166 a list of one.
        let items = match response.data {
            Some(ChatConversationData::ChatConversation(one)) => vec![one],
            Some(ChatConversationData::Array(list)) => list,
            None => Vec::new(),
        };
        let meta = chat_meta(response.meta);
        Self::new(
            items,
            response.includes,
            response.errors,
            meta,
            (body, rate_limits, warnings),
        )
    }
}

fn chat_meta(meta: Option<ChatConversationsMeta>) -> Meta {
    meta.map(|meta| Meta {
        result_count: meta.result_count,
        next_token: meta.next_token,
        has_more: meta.has_more,
        has_message_requests: meta.has_message_requests,
        ..Meta::default()
    })
    .unwrap_or_default()
}
