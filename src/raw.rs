//! Each item's JSON exactly as the API sent it, cut out of the page body
//! without copying, so that writing an item back out loses nothing: not an
//! unknown field, not a `null`, not an empty list.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;

/// A page body and each item's JSON within it, cut on first use: a walk that
/// never writes items back out never pays for the second pass over the body.
#[derive(Debug)]
pub(crate) struct RawItems {
    body: Bytes,
    cut: fn(&Bytes) -> Vec<Bytes>,
    expected: usize,
    items: OnceLock<Vec<Bytes>>,
}

impl RawItems {
    /// `body`, whose `expected` items `cut` finds.
    pub fn new(body: Bytes, cut: fn(&Bytes) -> Vec<Bytes>, expected: usize) -> Arc<Self> {
        Arc::new(Self {
            body,
            cut,
            expected,
            items: OnceLock::new(),
        })
    }

    /// The whole body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Every item's JSON; empty if the body's items and the decoded ones do
    /// not line up, which decoding makes unlikely.
    pub fn all(&self) -> &[Bytes] {
        self.items.get_or_init(|| {
            let items = (self.cut)(&self.body);
            if items.len() == self.expected {
                items
            } else {
                Vec::new()
            }
        })
    }
}

/// One item's place in its page.
#[derive(Clone, Debug)]
pub(crate) struct RawRef {
    items: Arc<RawItems>,
    index: usize,
}

impl RawRef {
    /// The item's JSON as sent.
    pub fn json(&self) -> Option<&[u8]> {
        self.items.all().get(self.index).map(|bytes| bytes.as_ref())
    }
}

/// Pairs each item with its place in the page.
pub(crate) fn pair<T>(items: Vec<T>, raw: &Arc<RawItems>) -> Vec<(T, Option<RawRef>)> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let place = RawRef {
                items: Arc::clone(raw),
                index,
            };
            (item, Some(place))
        })
        .collect()
}

/// `data` of an X page: a list of items, or one item (2.167's single Chat
/// conversation).
pub(crate) fn x_items(body: &Bytes) -> Vec<Bytes> {
    #[derive(Deserialize)]
    struct Page<'a> {
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }
    match serde_json::from_slice::<Page<'_>>(body) {
        Ok(Page { data: Some(data) }) => one_or_many(body, data),
        _ => Vec::new(),
    }
}

/// The messages of a TweetAPI page, in whichever shape it came.
pub(crate) fn tweetapi_messages(body: &Bytes) -> Vec<Bytes> {
    #[derive(Deserialize)]
    struct Page<'a> {
        #[serde(borrow)]
        messages: Option<&'a RawValue>,
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }
    let Ok(page) = serde_json::from_slice::<Page<'_>>(body) else {
        return Vec::new();
    };
    match (page.messages, page.data) {
        (Some(messages), _) => many(body, messages),
        (None, Some(data)) if data.get().starts_with('[') => many(body, data),
        (None, Some(data)) => match serde_json::from_str::<Page<'_>>(data.get()) {
            Ok(Page {
                messages: Some(messages),
                ..
            }) => many(body, messages),
            _ => Vec::new(),
        },
        (None, None) => Vec::new(),
    }
}

fn one_or_many(body: &Bytes, value: &RawValue) -> Vec<Bytes> {
    if value.get().starts_with('{') {
        vec![slice(body, value)]
    } else {
        many(body, value)
    }
}

fn many(body: &Bytes, list: &RawValue) -> Vec<Bytes> {
    serde_json::from_str::<Vec<&RawValue>>(list.get())
        .map(|items| items.into_iter().map(|item| slice(body, item)).collect())
        .unwrap_or_default()
}

/// The bytes of `part`, which borrows from `body`, as a view of `body`.
fn slice(body: &Bytes, part: &RawValue) -> Bytes {
    let text = part.get();
    let start = (text.as_ptr() as usize).wrapping_sub(body.as_ptr() as usize);
    match start.checked_add(text.len()) {
        Some(end) if end <= body.len() => body.slice(start..end),
        // Not a view of the body after all: copying keeps the bytes right.
        _ => Bytes::copy_from_slice(text.as_bytes()),
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
    fn x_items_are_cut_verbatim() {
        let body =
            Bytes::from_static(br#"{"data":[{"id":"1","x":null},  {"id":"2","y":[]}],"meta":{}}"#);
        assert_eq!(
            texts(x_items(&body)),
            [r#"{"id":"1","x":null}"#, r#"{"id":"2","y":[]}"#]
        );
        let one = Bytes::from_static(br#"{"data": {"id": "g1", "type": "group"}}"#);
        assert_eq!(texts(x_items(&one)), [r#"{"id": "g1", "type": "group"}"#]);
        assert!(x_items(&Bytes::from_static(b"{}")).is_empty());
        assert!(x_items(&Bytes::from_static(b"not json")).is_empty());
    }

    #[test]
    fn tweetapi_messages_are_found_in_every_shape() {
        let shapes: [&'static [u8]; 3] = [
            br#"{"messages":[{"id":"1","requestId":null}],"hasMore":false}"#,
            br#"{"data":{"messages":[{"id":"1","requestId":null}]}}"#,
            br#"{"data":[{"id":"1","requestId":null}],"pagination":{}}"#,
        ];
        for shape in shapes {
            let body = Bytes::from_static(shape);
            assert_eq!(
                texts(tweetapi_messages(&body)),
                [r#"{"id":"1","requestId":null}"#]
            );
        }
    }
}
