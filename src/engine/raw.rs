//! Each item's JSON exactly as the API sent it, cut out of the page body
//! without copying, so that writing an item back out loses nothing: not an
//! unknown field, not a `null`, not an empty list.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use serde_json::value::RawValue;

/// A page body and each item's JSON within it, cut on first use: a walk that
/// never writes items back out never pays for the second pass over the body.
#[derive(Debug)]
pub struct RawItems {
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
pub struct RawRef {
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

/// `value`'s items: itself if it is an object, its elements if a list.
pub(crate) fn one_or_many(body: &Bytes, value: &RawValue) -> Vec<Bytes> {
    if value.get().starts_with('{') {
        vec![slice(body, value)]
    } else {
        many(body, value)
    }
}

/// The elements of the list `list`, as views of `body`.
pub(crate) fn many(body: &Bytes, list: &RawValue) -> Vec<Bytes> {
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
