//! A TweetAPI answer of any of its DM endpoints but `conversation`: the
//! generated type it decodes to, read at the top level or inside `data`, and
//! the fields that lead on, wherever the spec's `x-pagination` names them.

use std::ops::Deref;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::engine::explain::{deepest, failure};
use crate::engine::transport;
use crate::engine::{FromResponse, Paged, RateLimits, Response};

/// One answer of a TweetAPI endpoint, decoded as its generated type `T`.
///
/// TweetAPI's general docs say success bodies come wrapped in `data`, while
/// each endpoint's page shows them bare: both are read. It derefs to `T`.
#[derive(Debug)]
pub struct Reply<T> {
    value: T,
    /// The body as JSON, where the fields that lead on are looked up.
    json: Value,
    body: Bytes,
    rate_limits: RateLimits,
}

impl<T> Reply<T> {
    /// The decoded answer.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded answer, owned.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The response body exactly as TweetAPI sent it.
    pub fn raw_body(&self) -> &Bytes {
        &self.body
    }

    /// Rate-limit windows, if TweetAPI ever sends their headers (it documents
    /// that it does not).
    pub fn rate_limits(&self) -> &RateLimits {
        &self.rate_limits
    }

    /// The value of a dotted field (`pagination.nextCursor`), at the top
    /// level or inside `data`.
    pub fn field(&self, path: &str) -> Option<&Value> {
        lookup(&self.json, path).or_else(|| lookup(self.json.get("data")?, path))
    }
}

impl<T: DeserializeOwned> Reply<T> {
    /// Decodes a saved response body.
    pub fn parse(body: impl Into<Bytes>) -> Result<Self, Error> {
        Self::decode(200, body.into(), RateLimits::default())
    }

    fn decode(status: u16, body: Bytes, rate_limits: RateLimits) -> Result<Self, Error> {
        let json: Value = serde_json::from_slice(&body)
            .map_err(|e| transport::decode_error(status, &body, (".".to_owned(), e.to_string())))?;
        // None of the answers read this way has a `data` field of its own,
        // and most have no required field, so that the envelope itself would
        // decode as an empty answer: an object in `data` is the answer.
        let wrapped = json.get("data").filter(|data| data.is_object());
        // Decoded from the tree by reference: no copy of it per reply.
        let inner = wrapped.map(T::deserialize);
        let value = match inner {
            Some(Ok(value)) => value,
            _ => match T::deserialize(&json) {
                Ok(value) => value,
                Err(bare) => {
                    let found = deepest([
                        failure::<T>(&body),
                        wrapped.and_then(|_| failure::<Wrapped<T>>(&body)),
                    ]);
                    let found = if found.0.is_empty() {
                        (".".to_owned(), bare.to_string())
                    } else {
                        found
                    };
                    return Err(transport::decode_error(status, &body, found));
                }
            },
        };
        Ok(Self {
            value,
            json,
            body,
            rate_limits,
        })
    }
}

/// The value at a dotted path under `at`, unless it is missing or null.
fn lookup<'a>(mut at: &'a Value, path: &str) -> Option<&'a Value> {
    for part in path.split('.') {
        at = at.get(part)?;
    }
    (!at.is_null()).then_some(at)
}

/// The body inside `data`, only decoded to say where it fails.
#[derive(serde::Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
#[allow(dead_code, reason = "only decoded to find where the body fails")]
struct Wrapped<T> {
    data: T,
}

impl<T> Deref for Reply<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: DeserializeOwned + Send + 'static> FromResponse for Reply<T> {
    fn from_response(response: Response) -> Result<Self, Error> {
        Self::decode(response.status, response.body, response.rate_limits)
    }
}

impl<T> Paged for Reply<T> {
    fn token(&self, field: &str) -> Option<&str> {
        self.field(field)?.as_str()
    }

    fn has_more(&self, field: &str) -> Option<bool> {
        self.field(field)?.as_bool()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Thing {
        #[allow(dead_code, reason = "decoded to show the shape fits")]
        items: Vec<u32>,
    }

    #[test]
    fn fields_are_found_at_the_top_or_inside_data() {
        let bare = Reply::<Thing>::parse(&br#"{"items":[1],"pagination":{"nextCursor":"n"}}"#[..])
            .unwrap();
        assert_eq!(bare.token("pagination.nextCursor"), Some("n"));
        let wrapped = Reply::<Thing>::parse(
            &br#"{"data":{"items":[1],"nextCursor":"m","hasMore":true}}"#[..],
        )
        .unwrap();
        assert_eq!(wrapped.token("nextCursor"), Some("m"));
        assert_eq!(wrapped.has_more("hasMore"), Some(true));
        assert_eq!(wrapped.token("cursor"), None);
        let null =
            Reply::<Thing>::parse(&br#"{"items":[],"cursor":null,"data":{"cursor":"d"}}"#[..])
                .unwrap();
        assert_eq!(
            null.token("cursor"),
            Some("d"),
            "a null does not hide `data`"
        );
    }

    #[test]
    fn a_body_that_fits_neither_shape_names_where_it_fails() {
        let error = Reply::<Thing>::parse(&br#"{"data":{"items":["x"]}}"#[..]).unwrap_err();
        let Error::Decode { path, .. } = error else {
            panic!("{error:?}")
        };
        assert_eq!(path, "data.items[0]");
        assert!(Reply::<Thing>::parse(&b"not json"[..]).is_err());
    }
}
