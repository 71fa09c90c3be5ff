//! One fake's dataset, behind a lock: reads take a snapshot, writes change a
//! copy of their own.
//!
//! A snapshot is an `Arc`, so a handler shapes its response without holding
//! the lock, and a test may keep one across awaits without blocking the
//! fake's writes. A write copies the dataset only while a snapshot of it is
//! still out (copy on write), so fakes that never write share the one
//! default dataset of the process.

use std::sync::{Arc, PoisonError, RwLock};

use super::data::Dataset;

/// The dataset of one fake. Clones share it: a long-lived response (the
/// activity stream) keeps one to read what is written while it is open.
#[derive(Clone, Debug)]
pub(crate) struct Store(Arc<RwLock<Arc<Dataset>>>);

impl Store {
    pub fn new(dataset: Arc<Dataset>) -> Self {
        Self(Arc::new(RwLock::new(dataset)))
    }

    /// The dataset as it is now; later writes do not change it.
    pub fn snapshot(&self) -> Arc<Dataset> {
        // Every write leaves the dataset whole, so a poisoned lock is fine.
        Arc::clone(&self.0.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Runs `change` on the dataset; reads that start afterwards see it.
    pub fn write<R>(&self, change: impl FnOnce(&mut Dataset) -> R) -> R {
        let mut dataset = self.0.write().unwrap_or_else(PoisonError::into_inner);
        change(Arc::make_mut(&mut dataset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::DEMO_CONVERSATION;
    use crate::testing::data::DEFAULT_SEED;

    #[test]
    fn a_snapshot_keeps_what_it_saw_and_a_write_reaches_later_reads() {
        let store = Store::new(Dataset::seeded(DEFAULT_SEED));
        let before = store.snapshot();
        let count = before.event_count(DEMO_CONVERSATION).unwrap();
        store.write(|data| data.add_message(DEMO_CONVERSATION, Some("hi"), &[]));
        assert_eq!(before.event_count(DEMO_CONVERSATION), Some(count));
        assert_eq!(
            store.snapshot().event_count(DEMO_CONVERSATION),
            Some(count + 1)
        );
        let other = Store::new(Dataset::seeded(DEFAULT_SEED));
        assert_eq!(other.snapshot().event_count(DEMO_CONVERSATION), Some(count));
    }
}
