//! One page of a TweetAPI conversation, read from whichever shape TweetAPI
//! sent it in.

use std::sync::Arc;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::Item;
use super::join::UserCache;
use super::types::{
    ConversationInfo, ConversationPage, ConversationResponse, Message, Pagination, User,
    WrappedData,
};
use crate::Error;
use crate::engine::explain::{Explain, deepest, failure};
use crate::engine::lenient::{self, Warning};
use crate::engine::raw::{self, RawItems};
use crate::engine::transport;
use crate::engine::{Cache, FromResponse, Paged, RateLimits, Response, Split, WithRaw};

/// One page of a TweetAPI conversation.
#[derive(Debug)]
pub struct Page {
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

impl Page {
    /// The page's messages, in the order TweetAPI sent them.
    pub fn items(&self) -> &[Message] {
        &self.messages
    }

    /// The page's messages, owned.
    pub fn into_items(self) -> Vec<Message> {
        self.messages
    }

    /// The page's messages: [`items`](Self::items), under its old name.
    #[deprecated(note = "use `items`, the name both APIs' pages share")]
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The page's messages, owned: [`into_items`](Self::into_items).
    #[deprecated(note = "use `into_items`, the name both APIs' pages share")]
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
    pub fn next_token(&self) -> Option<&str> {
        self.next_cursor.as_deref()
    }

    /// The next page's cursor: [`next_token`](Self::next_token).
    #[deprecated(note = "use `next_token`, the name both APIs' pages share")]
    pub fn next_cursor(&self) -> Option<&str> {
        self.next_cursor.as_deref()
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
    pub fn joined(self) -> Vec<Item> {
        let mut cache = UserCache::unbounded();
        let messages = self.split(&mut cache);
        crate::engine::join_items(&cache, messages)
    }

    /// Each message's JSON exactly as TweetAPI sent it, in the order of
    /// [`items`](Self::items).
    pub fn raw_items(&self) -> &[Bytes] {
        self.raw.all()
    }

    /// Each message's JSON: [`raw_items`](Self::raw_items).
    #[deprecated(note = "use `raw_items`, the name both APIs' pages share")]
    pub fn raw_messages(&self) -> &[Bytes] {
        self.raw.all()
    }

    /// Decodes a saved response body, such as a line written by
    /// `x-dm --format pages`.
    pub fn parse(body: impl Into<Bytes>) -> Result<Self, Error> {
        Self::decode(200, body.into(), RateLimits::default())
    }

    fn decode(status: u16, body: Bytes, rate_limits: RateLimits) -> Result<Self, Error> {
        // The documented shape first, straight: decoding the one-of buffers
        // the whole body before trying its shapes, which costs more than the
        // decoding itself.
        if let Ok(page) = serde_json::from_slice::<ConversationPage>(&body) {
            let mut page = Self::from_page(page, body);
            page.rate_limits = rate_limits;
            return Ok(page);
        }
        let (value, warnings) = lenient::decode_apart(&body, find_users, keep_users)
            .map_err(|failure| transport::decode_error(status, &body, failure))?;
        let mut page = Self::from_shape(value, body);
        page.rate_limits = rate_limits;
        page.warnings = warnings;
        Ok(page)
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
                        raw: RawItems::new(body, cut_messages, messages.len()),
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
            raw: RawItems::new(body, cut_messages, page.messages.len()),
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

impl FromResponse for Page {
    fn from_response(response: Response) -> Result<Self, Error> {
        Self::decode(response.status, response.body, response.rate_limits)
    }
}

impl Paged for Page {
    /// TweetAPI has one cursor, wherever a body puts it.
    fn token(&self, _field: &str) -> Option<&str> {
        self.next_cursor.as_deref()
    }

    fn has_more(&self, _field: &str) -> Option<bool> {
        self.has_more
    }
}

impl Split for Page {
    type Item = Message;
    type Cache = UserCache;

    fn split(self, cache: &mut UserCache) -> Vec<WithRaw<Message>> {
        cache.add(self.users);
        raw::pair(self.messages, &self.raw)
    }
}

impl Explain for ConversationResponse {
    fn explain(body: &[u8]) -> (String, String) {
        #[derive(Deserialize)]
        #[allow(dead_code, reason = "only decoded to find where the body fails")]
        struct Wrapped {
            data: ConversationPage,
        }
        #[derive(Deserialize)]
        #[allow(dead_code, reason = "only decoded to find where the body fails")]
        struct List {
            data: Vec<Message>,
        }
        deepest([
            failure::<Self>(body),
            failure::<ConversationPage>(body),
            failure::<Wrapped>(body),
            failure::<List>(body),
        ])
    }
}

/// TweetAPI's `users`, at the top or inside `data`: its includes.
fn find_users(body: &[u8]) -> Option<(&RawValue, String)> {
    #[derive(Deserialize)]
    struct Parts<'a> {
        #[serde(borrow)]
        users: Option<&'a RawValue>,
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }
    let top = serde_json::from_slice::<Parts<'_>>(body).ok()?;
    if let Some(users) = top.users {
        return Some((users, String::from("users")));
    }
    let inner = serde_json::from_str::<Parts<'_>>(top.data?.get()).ok()?;
    Some((inner.users?, String::from("data.users")))
}

/// Puts back the users that decode on their own.
fn keep_users(
    value: &mut ConversationResponse,
    users: &RawValue,
    path: &str,
    warnings: &mut Vec<Warning>,
) {
    let page = match value {
        ConversationResponse::ConversationPage(page) => page,
        ConversationResponse::WrappedConversationPage(wrapper) => match &mut wrapper.data {
            WrappedData::ConversationPage(page) => page,
            WrappedData::Array(_) => return,
        },
    };
    page.users = lenient::objects(Some((path, users)), warnings);
}

/// The messages of a TweetAPI page, in whichever shape it came.
fn cut_messages(body: &Bytes) -> Vec<Bytes> {
    #[derive(Deserialize)]
    struct Shape<'a> {
        #[serde(borrow)]
        messages: Option<&'a RawValue>,
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }
    let Ok(page) = serde_json::from_slice::<Shape<'_>>(body) else {
        return Vec::new();
    };
    match (page.messages, page.data) {
        (Some(messages), _) => raw::many(body, messages),
        (None, Some(data)) if data.get().starts_with('[') => raw::many(body, data),
        (None, Some(data)) => match serde_json::from_str::<Shape<'_>>(data.get()) {
            Ok(Shape {
                messages: Some(messages),
                ..
            }) => raw::many(body, messages),
            _ => Vec::new(),
        },
        (None, None) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(parts: Vec<Bytes>) -> Vec<String> {
        parts
            .into_iter()
            .map(|b| String::from_utf8(b.to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn a_user_that_does_not_decode_is_left_out_in_either_shape() {
        let bodies = [
            (
                &br#"{"messages":[{"id":"m1"}],"users":[{"name":"no id"},{"id":"u2"}]}"#[..],
                "users[0]",
            ),
            (
                &br#"{"data":{"messages":[{"id":"m1"}],"users":[{"name":"no id"},{"id":"u2"}]}}"#[..],
                "data.users[0]",
            ),
        ];
        for (body, path) in bodies {
            let page = Page::parse(body).unwrap();
            assert_eq!(page.items().len(), 1);
            assert_eq!(page.users().len(), 1);
            assert_eq!(page.warnings()[0].path, path);
        }
        // A bad message still fails the page, naming what is missing.
        let error = Page::parse(&br#"{"messages":[{}],"users":[{}]}"#[..]).unwrap_err();
        let crate::Error::Decode { path, message, .. } = error else {
            panic!("{error:?}")
        };
        assert_eq!(path, "messages[0]");
        assert!(message.starts_with("missing field `id`"), "{message}");
        let (path, message) = ConversationResponse::explain(br#"{"data":{"messages":[{}]}}"#);
        assert_eq!(path, "data.messages[0]");
        assert!(message.starts_with("missing field `id`"), "{message}");
    }

    #[test]
    fn messages_are_found_in_every_shape() {
        let shapes: [&'static [u8]; 3] = [
            br#"{"messages":[{"id":"1","requestId":null}],"hasMore":false}"#,
            br#"{"data":{"messages":[{"id":"1","requestId":null}]}}"#,
            br#"{"data":[{"id":"1","requestId":null}],"pagination":{}}"#,
        ];
        for shape in shapes {
            let body = Bytes::from_static(shape);
            assert_eq!(
                texts(cut_messages(&body)),
                [r#"{"id":"1","requestId":null}"#]
            );
        }
    }
}
