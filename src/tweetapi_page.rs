//! One page of a TweetAPI conversation, read from whichever shape TweetAPI
//! sent it in.

use bytes::Bytes;

use crate::includes::Warning;
use crate::join::{Item, JoinCache, References, WithRaw};
use std::sync::Arc;

use crate::rate_limit::RateLimits;
use crate::raw::{self, RawItems};
use crate::transport::Fetched;
use crate::tweetapi::types::{
    ConversationInfo, ConversationPage, ConversationResponse, Message, Pagination, User,
    WrappedData,
};

/// One page of a TweetAPI conversation.
#[derive(Debug)]
pub struct TweetApiPage {
    messages: Vec<Message>,
    users: Vec<User>,
    conversation: Option<ConversationInfo>,
    has_more: Option<bool>,
    next_cursor: Option<String>,
    warnings: Vec<Warning>,
    /// The body, and each message's JSON in it once asked for.
    raw: Arc<RawItems>,
    rate_limits: RateLimits,
}

impl TweetApiPage {
    /// The page's messages, in the order TweetAPI sent them.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The page's messages, owned.
    pub fn into_messages(self) -> Vec<Message> {
        self.messages
    }

    /// Full profiles of the users in the messages.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// Users left out because they could not be decoded (one without an
    /// `id`, say): they join to nothing, but [`raw_body`](Self::raw_body)
    /// still holds them. A bad message is never left out: it fails the page.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The conversation's details, when TweetAPI sent them.
    pub fn conversation(&self) -> Option<&ConversationInfo> {
        self.conversation.as_ref()
    }

    /// Whether older messages remain, as TweetAPI said it.
    pub fn has_more(&self) -> Option<bool> {
        self.has_more
    }

    /// The cursor of the next (older) page, to save and resume from. Read
    /// from `cursor`, `nextCursor` or `pagination.nextCursor`, at the top or
    /// inside `data`: TweetAPI's docs and SDKs disagree on where it lives.
    pub fn next_cursor(&self) -> Option<&str> {
        self.next_cursor.as_deref()
    }

    /// The cursor to follow: none once TweetAPI says there is no more.
    pub(crate) fn continuation(&self) -> Option<String> {
        match self.has_more {
            Some(false) => None,
            _ => self.next_cursor.clone(),
        }
    }

    /// The response body exactly as TweetAPI sent it.
    pub fn raw_body(&self) -> &Bytes {
        self.raw.body()
    }

    /// Rate-limit windows, if TweetAPI ever sends their headers (it documents
    /// that it does not).
    pub fn rate_limits(&self) -> &RateLimits {
        &self.rate_limits
    }

    /// The messages joined to this page's users.
    pub fn joined(self) -> Vec<Item<Message, User>> {
        let mut cache = JoinCache::unbounded();
        let messages = self.merge_into(&mut cache);
        cache.join(messages)
    }

    /// Each message's JSON exactly as TweetAPI sent it, in the order of
    /// [`messages`](Self::messages).
    pub fn raw_messages(&self) -> &[Bytes] {
        self.raw.all()
    }

    pub(crate) fn merge_into(self, cache: &mut JoinCache<User>) -> Vec<WithRaw<Message>> {
        cache.add_users(self.users.into_iter().map(|user| (user.id.clone(), user)));
        raw::pair(self.messages, &self.raw)
    }

    pub(crate) fn from_response(fetched: Fetched<ConversationResponse>) -> Self {
        let Fetched {
            value,
            body,
            rate_limits,
            warnings,
        } = fetched;
        let mut page = Self::from_shape(value, body);
        page.rate_limits = rate_limits;
        page.warnings = warnings;
        page
    }

    fn from_shape(response: ConversationResponse, body: Bytes) -> Self {
        match response {
            ConversationResponse::ConversationPage(page) => Self::from_page(page, body),
            ConversationResponse::WrappedConversationPage(wrapper) => {
                let outer = [
                    wrapper.cursor,
                    wrapper.next_cursor,
                    next_of(wrapper.pagination),
                ];
                let mut page = match wrapper.data {
                    WrappedData::ConversationPage(page) => Self::from_page(page, body),
                    WrappedData::Array(messages) => Self {
                        raw: RawItems::new(body, raw::tweetapi_messages, messages.len()),
                        messages,
                        users: Vec::new(),
                        conversation: None,
                        has_more: None,
                        next_cursor: None,
                        warnings: Vec::new(),
                        rate_limits: RateLimits::default(),
                    },
                };
                page.next_cursor = page.next_cursor.or_else(|| first_cursor(outer));
                page.has_more = page.has_more.or(wrapper.has_more);
                page
            }
        }
    }

    fn from_page(page: ConversationPage, body: Bytes) -> Self {
        let next_cursor = first_cursor([page.cursor, page.next_cursor, next_of(page.pagination)]);
        Self {
            raw: RawItems::new(body, raw::tweetapi_messages, page.messages.len()),
            messages: page.messages,
            users: page.users,
            conversation: page.conversation_info,
            has_more: page.has_more,
            next_cursor,
            warnings: Vec::new(),
            rate_limits: RateLimits::default(),
        }
    }
}

fn next_of(pagination: Option<Pagination>) -> Option<String> {
    pagination.and_then(|pagination| pagination.next_cursor)
}

/// The first cursor that is present and not empty; TweetAPI's docs say an
/// empty cursor means the end.
fn first_cursor(candidates: [Option<String>; 3]) -> Option<String> {
    candidates
        .into_iter()
        .flatten()
        .find(|cursor| !cursor.is_empty())
}

impl References for Message {
    fn item_id(&self) -> &str {
        &self.id
    }
    fn user_ids(&self) -> Vec<&str> {
        self.sender_id
            .iter()
            .chain(&self.recipient_id)
            .map(String::as_str)
            .collect()
    }
}

impl Item<Message, User> {
    /// Who sent the message.
    pub fn sender(&self) -> Option<&User> {
        self.user(self.sender_id.as_deref()?)
    }

    /// Who received it (one-to-one conversations).
    pub fn recipient(&self) -> Option<&User> {
        self.user(self.recipient_id.as_deref()?)
    }
}
