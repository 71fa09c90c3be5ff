//! Items joined to the objects their pages included, written once for every
//! API: each API's cache says what an item points to.
//!
//! A stream merges each page's includes into a cache shared by the pages that
//! follow, so a sender included once still resolves pages later. Caches are
//! bounded; each item sees only the objects its page references.

use std::collections::{HashMap, VecDeque};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use super::output::Cache;
use super::raw::RawRef;

/// An item with what its page included. Derefs to the item; serializes as the
/// item alone, exactly as the API sent it.
#[derive(Debug)]
pub struct Item<T, J> {
    value: T,
    /// Where the item's JSON as the API sent it is in the page body.
    raw: Option<RawRef>,
    joined: Arc<J>,
}

// Not derived: the joins are shared, so `J` need not be `Clone`.
impl<T: Clone, J> Clone for Item<T, J> {
    fn clone(&self) -> Self {
        Self {
            value: self.value.clone(),
            raw: self.raw.clone(),
            joined: Arc::clone(&self.joined),
        }
    }
}

impl<T, J> Item<T, J> {
    pub(crate) fn new(value: T, raw: Option<RawRef>, joined: Arc<J>) -> Self {
        Self { value, raw, joined }
    }

    /// The item without its joins.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The item's JSON exactly as the API sent it, unknown fields, `null`s and
    /// empty lists included.
    pub fn raw_json(&self) -> Option<&str> {
        std::str::from_utf8(self.raw.as_ref()?.json()?).ok()
    }

    /// What the item's page (and earlier pages) included for it.
    pub fn joined(&self) -> &J {
        &self.joined
    }
}

impl<T, J> Deref for Item<T, J> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Serialize, J> Serialize for Item<T, J> {
    /// Writes the JSON the API sent, so that nothing it sent is lost; the
    /// decoded value where that JSON is not at hand.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self
            .raw_json()
            .and_then(|text| serde_json::from_str::<&RawValue>(text).ok())
        {
            Some(raw) => raw.serialize(serializer),
            None => self.value.serialize(serializer),
        }
    }
}

/// An item with its JSON as the API sent it, when that is at hand.
pub type WithRaw<T> = (T, Option<RawRef>);

/// An item's own id, by which a stream passes over an item that ended the
/// previous page too.
pub trait Keyed {
    /// The id.
    fn key(&self) -> &str;
}

/// Joins each item of a batch to what `cache` holds for the batch.
pub(crate) fn join<T, C: Cache<Item = T>>(
    cache: &C,
    items: Vec<WithRaw<T>>,
) -> Vec<Item<T, C::Joined>> {
    let joined = Arc::new(cache.join(&items));
    items
        .into_iter()
        .map(|(item, raw)| Item::new(item, raw, Arc::clone(&joined)))
        .collect()
}

/// Objects remembered across pages, oldest forgotten first.
#[derive(Debug)]
pub struct Bounded<V> {
    map: HashMap<String, Arc<V>>,
    order: VecDeque<String>,
    capacity: usize,
}

impl<V> Bounded<V> {
    /// A memory of at most `capacity` objects.
    pub fn new(capacity: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    /// Remembers `value` under `id`.
    pub fn insert(&mut self, id: String, value: V) {
        // A newer copy replaces the older one but keeps its place in line.
        if self.map.insert(id.clone(), Arc::new(value)).is_none() {
            self.order.push_back(id);
        }
    }

    /// Forgets the oldest entries beyond the capacity. Called before a page's
    /// objects go in, never after, so that a page larger than the capacity
    /// still joins to all of its own objects.
    pub fn trim(&mut self) {
        while self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.map.remove(&oldest);
            }
        }
    }

    /// Copies the objects `ids` name into `into`.
    pub fn pick<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
        into: &mut HashMap<String, Arc<V>>,
    ) {
        for id in ids {
            if let Some(value) = self.map.get(id) {
                into.insert(id.to_owned(), Arc::clone(value));
            }
        }
    }

    /// How many objects it holds.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_are_forgotten_only_when_the_next_page_comes_in() {
        let mut users = Bounded::new(2);
        for id in ["1", "2", "3"] {
            users.insert(id.to_owned(), id.to_owned());
        }
        let mut picked = HashMap::new();
        users.pick(["1", "3"], &mut picked);
        assert_eq!(
            picked.len(),
            2,
            "a page larger than the capacity keeps its own"
        );
        users.trim();
        users.insert("4".to_owned(), "4".to_owned());
        assert_eq!(users.len(), 3);
        let mut picked = HashMap::new();
        users.pick(["1", "4"], &mut picked);
        assert!(!picked.contains_key("1"), "the oldest is forgotten");
        assert!(picked.contains_key("4"));
    }
}
