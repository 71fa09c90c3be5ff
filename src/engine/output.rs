//! What a response becomes, and what a page offers the pagination and join
//! code that is written once for every operation.

use bytes::Bytes;
use reqwest::header::HeaderMap;

use super::join::{Keyed, WithRaw};
use super::rate_limit::RateLimits;
use crate::Error;

/// A successful response, read to the end.
#[derive(Debug)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as sent.
    pub body: Bytes,
    /// The rate-limit windows its headers described.
    pub rate_limits: RateLimits,
}

/// A facade type built from a successful response.
pub trait FromResponse: Sized + Send + 'static {
    /// Decodes the response, or says where its body went wrong.
    fn from_response(response: Response) -> Result<Self, Error>;
}

/// A page that can lead to another.
pub trait Paged {
    /// The token in the response field `field` (named by `x-pagination`).
    fn token(&self, field: &str) -> Option<&str>;
    /// Whether the response field `field` says more pages remain.
    fn has_more(&self, field: &str) -> Option<bool>;
}

/// A page whose items join to what it included.
pub trait Split: Sized + Send + 'static {
    /// The items.
    type Item: Keyed + Send + 'static;
    /// What a stream remembers of earlier pages' includes.
    type Cache: Cache<Item = Self::Item>;
    /// Moves the includes into `cache` and hands back the items, each with
    /// its JSON as sent.
    fn split(self, cache: &mut Self::Cache) -> Vec<WithRaw<Self::Item>>;
}

/// What a stream remembers of the objects earlier pages included.
pub trait Cache: Send + 'static {
    /// The items it joins.
    type Item;
    /// What one batch of items is joined to.
    type Joined: Send + Sync + 'static;
    /// The cache a stream keeps, bounded.
    fn for_stream() -> Self;
    /// A cache that forgets nothing, for one page on its own.
    fn unbounded() -> Self;
    /// What `items` point to, out of what the cache holds.
    fn join(&self, items: &[WithRaw<Self::Item>]) -> Self::Joined;
}

/// The response of an operation that answers with no content.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Empty {
    /// The HTTP status (204 as a rule).
    pub status: u16,
}

impl FromResponse for Empty {
    fn from_response(response: Response) -> Result<Self, Error> {
        Ok(Self {
            status: response.status,
        })
    }
}

/// Bytes that are not JSON: a media download.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Download {
    /// The `Content-Type` the server named.
    pub content_type: Option<String>,
    /// The bytes.
    pub bytes: Bytes,
}

impl FromResponse for Download {
    fn from_response(response: Response) -> Result<Self, Error> {
        let content_type = response
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Ok(Self {
            content_type,
            bytes: response.body,
        })
    }
}

/// One part of a multipart body.
#[derive(Clone, Debug)]
pub struct Part {
    name: String,
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

/// A `multipart/form-data` body, such as a media upload's.
///
/// It is kept as bytes, not a stream, so that the pre-send check can run
/// and an attempt that never reached the server can be made again.
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            bytes: Bytes::from(value.into()),
            file_name: None,
            content_type: None,
        });
        self
    }

    /// Adds a file field.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            bytes: bytes.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
        });
        self
    }

    /// The fields as the spec's body rules read them: a text field that is
    /// a whole number as a number, other text as a string, a file as
    /// present (no rule reads its bytes).
    pub(crate) fn checkable(&self) -> serde_json::Value {
        let fields = self.parts.iter().map(|part| {
            // A file's bytes are never read: a chunk may be megabytes.
            let text = match part.file_name {
                None => std::str::from_utf8(&part.bytes).ok(),
                Some(_) => None,
            };
            let value = match text {
                Some(text) => match text.parse::<i64>() {
                    Ok(number) => serde_json::Value::from(number),
                    Err(_) => serde_json::Value::from(text),
                },
                None => serde_json::Value::Bool(true),
            };
            (part.name.clone(), value)
        });
        serde_json::Value::Object(fields.collect())
    }

    /// The body and its `Content-Type`, with a boundary that no part holds.
    pub(crate) fn encode(&self) -> (Bytes, String) {
        let mut boundary = format!("x-dm-{:016x}", fastrand::u64(..));
        while self
            .parts
            .iter()
            .any(|p| contains(&p.bytes, boundary.as_bytes()))
        {
            boundary = format!("x-dm-{:016x}", fastrand::u64(..));
        }
        // The parts and room for their headers: one allocation, however
        // large a chunk.
        let size: usize = self.parts.iter().map(|p| p.bytes.len() + 256).sum();
        let mut out = Vec::with_capacity(size + boundary.len() + 8);
        for part in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let name = quote(&part.name);
            match &part.file_name {
                Some(file) => out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\n",
                        quote(file)
                    )
                    .as_bytes(),
                ),
                None => out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
                ),
            }
            if let Some(content_type) = &part.content_type {
                let content_type = quote(content_type);
                out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (
            Bytes::from(out),
            format!("multipart/form-data; boundary={boundary}"),
        )
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// A header parameter value cannot hold a quote or a line break.
fn quote(value: &str) -> String {
    value.replace(['"', '\r', '\n'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_carry_every_part_within_one_boundary() {
        let body = Multipart::new().text("media_category", "dm_image").file(
            "media",
            "a\"b.png",
            "image/png",
            &b"\x89PNG"[..],
        );
        let (bytes, content_type) = body.encode();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(text.matches(&format!("--{boundary}\r\n")).count(), 2);
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(text.contains("name=\"media_category\"\r\n\r\ndm_image\r\n"));
        assert!(text.contains("filename=\"a_b.png\"\r\nContent-Type: image/png\r\n"));
    }
}
