//! One page of results, as the facade hands it out: any X response in X's
//! envelope of `data`, `includes`, `errors` and `meta`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use bytes::Bytes;
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::Item;
use super::includes;
use super::join::{JoinCache, References};
use super::types::{Expansions, Problem};
use crate::Error;
use crate::engine::explain::Explain;
use crate::engine::lenient::{self, Warning};
use crate::engine::raw::{self, RawItems};
use crate::engine::transport;
use crate::engine::{Cache, FromResponse, Keyed, Paged, RateLimits, Response, Split, WithRaw};

/// Pagination and count details of an X page, whichever endpoint sent it:
/// the one `meta` vocabulary every X list response shares.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
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
    /// Chat events: the encoded key change events needed to decrypt the
    /// page's events, as X sent them (`null` reads as none).
    #[serde(deserialize_with = "crate::engine::nulls::or_default")]
    pub conversation_key_events: Vec<String>,
    /// Chat message and admin requests: how many there are in all.
    pub total_count: Option<i64>,
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

    /// Each item's JSON exactly as the API sent it, in the order of
    /// [`items`](Self::items).
    pub fn raw_items(&self) -> &[Bytes] {
        self.raw.all()
    }

    /// The items joined to this page's own includes.
    pub fn joined(self) -> Vec<Item<T>>
    where
        T: References + Keyed + Send + 'static,
    {
        let mut cache = JoinCache::unbounded();
        let items = self.merge_into(&mut cache);
        crate::engine::join_items(&cache, items)
    }

    /// Moves the includes into a stream's cache and hands back the items,
    /// each with its JSON as sent.
    pub(crate) fn merge_into(self, cache: &mut JoinCache<T>) -> Vec<WithRaw<T>> {
        cache.add(self.includes);
        raw::pair(self.items, &self.raw)
    }
}

impl<T: DeserializeOwned> Page<T> {
    /// Decodes a saved response body, such as a line written by
    /// `x-dm --format pages`.
    pub fn parse(body: impl Into<Bytes>) -> Result<Self, Error> {
        Self::decode(200, body.into(), RateLimits::default())
    }

    fn decode(status: u16, body: Bytes, rate_limits: RateLimits) -> Result<Self, Error> {
        let (envelope, warnings) = lenient::decode_apart(
            &body,
            includes::find,
            |envelope: &mut Envelope<T>, found, _, warnings| {
                envelope.includes = Some(includes::expansions(found, warnings));
            },
        )
        .map_err(|failure| transport::decode_error(status, &body, failure))?;
        let mut includes = envelope.includes.unwrap_or_default();
        // 2.167 renamed `includes.tweets` to `includes.posts`; one list is
        // enough for a caller.
        let posts = std::mem::take(&mut includes.posts);
        includes.tweets.extend(posts);
        Ok(Self {
            raw: RawItems::new(body, data_items, envelope.data.0.len()),
            items: envelope.data.0,
            includes,
            errors: envelope.errors,
            warnings,
            meta: envelope.meta.unwrap_or_default(),
            rate_limits,
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> FromResponse for Page<T> {
    fn from_response(response: Response) -> Result<Self, Error> {
        Self::decode(response.status, response.body, response.rate_limits)
    }
}

/// The `meta` fields `x-pagination` may name, as `meta.<field>`.
impl<T> Paged for Page<T> {
    fn token(&self, field: &str) -> Option<&str> {
        match field.strip_prefix("meta.")? {
            "next_token" => self.meta.next_token.as_deref(),
            "previous_token" => self.meta.previous_token.as_deref(),
            _ => None,
        }
    }

    fn has_more(&self, field: &str) -> Option<bool> {
        match field.strip_prefix("meta.")? {
            "has_more" => self.meta.has_more,
            _ => None,
        }
    }
}

impl<T: References + Keyed + Send + 'static> Split for Page<T> {
    type Item = T;
    type Cache = JoinCache<T>;

    fn split(self, cache: &mut JoinCache<T>) -> Vec<WithRaw<T>> {
        self.merge_into(cache)
    }
}

/// X's envelope around any response's items.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
struct Envelope<T> {
    #[serde(default)]
    data: OneOrMany<T>,
    includes: Option<Expansions>,
    #[serde(default, deserialize_with = "crate::engine::nulls::or_default")]
    errors: Vec<Problem>,
    meta: Option<Meta>,
}

impl<T: DeserializeOwned> Explain for Envelope<T> {}

/// `data` as a list of items or as one item (2.167's single Chat
/// conversation, a looked-up event). Decoded by looking at the JSON, not by
/// trying shapes in turn, so that a failure inside an item keeps its path.
struct OneOrMany<T>(Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Shape<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or a list of objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let one = T::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(OneOrMany(vec![one]))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(OneOrMany(Vec::new()))
            }
        }
        deserializer.deserialize_any(Shape(PhantomData))
    }
}

/// The JSON of each of `data`'s items, as views of the body.
fn data_items(body: &Bytes) -> Vec<Bytes> {
    #[derive(Deserialize)]
    struct Data<'a> {
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }
    match serde_json::from_slice::<Data<'_>>(body) {
        Ok(Data { data: Some(data) }) => raw::one_or_many(body, data),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x::types::{ChatConversation, DmEvent};

    #[test]
    fn every_field_x_pagination_names_is_one_the_page_reads() {
        let page = Page::<serde_json::Value>::parse(
            &br#"{"data":[],"meta":{"next_token":"n","previous_token":"p","has_more":true}}"#[..],
        )
        .unwrap();
        for operation in crate::x::OPERATIONS {
            let Some(pagination) = &operation.pagination else {
                continue;
            };
            let id = operation.id;
            assert!(
                page.token(pagination.next).is_some(),
                "{id}: {}",
                pagination.next
            );
            if let Some(previous) = pagination.previous {
                assert!(page.token(previous).is_some(), "{id}: {previous}");
            }
            if let Some(has_more) = pagination.has_more {
                assert!(page.has_more(has_more).is_some(), "{id}: {has_more}");
            }
        }
    }

    #[test]
    fn chat_meta_keeps_key_events_and_counts_and_reads_null_as_none() {
        let page = Page::<serde_json::Value>::parse(
            &br#"{"meta":{"conversation_key_events":["a2V5"],"total_count":3,"has_more":false}}"#[..],
        )
        .unwrap();
        assert_eq!(page.meta().conversation_key_events, ["a2V5"]);
        assert_eq!(page.meta().total_count, Some(3));
        assert_eq!(page.key_event_envelopes().unwrap(), [b"key".to_vec()]);
        let null =
            Page::<serde_json::Value>::parse(&br#"{"meta":{"conversation_key_events":null}}"#[..])
                .unwrap();
        assert!(null.meta().conversation_key_events.is_empty());
    }

    #[test]
    fn data_is_one_item_or_a_list_and_a_bad_item_keeps_its_path() {
        let list = Page::<DmEvent>::parse(
            &br#"{"data":[{"id":"1","event_type":"MessageCreate"}],"meta":{"next_token":"abc"}}"#[..],
        )
        .unwrap();
        assert_eq!(list.items().len(), 1);
        assert_eq!(list.token("meta.next_token"), Some("abc"));
        assert_eq!(list.next_token(), Some("abc"));
        let one = Page::<ChatConversation>::parse(&br#"{"data":{"id":"g1","type":"Group"}}"#[..])
            .unwrap();
        assert_eq!(one.items()[0].id, "g1");
        assert_eq!(
            one.raw_items()[0].as_ref(),
            br#"{"id":"g1","type":"Group"}"#
        );
        let error =
            Page::<ChatConversation>::parse(&br#"{"data":{"type":"Group"}}"#[..]).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("missing field `id`"), "{message}");
    }
}
