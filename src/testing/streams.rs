//! The fake's long-lived responses, which a test can cut: every stream open
//! when [`Streams::cut`] is called ends in a broken connection, as a network
//! failure would leave it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many times the open streams were cut; a stream notes the count when
/// it opens and ends once it moves.
#[derive(Clone, Debug, Default)]
pub(crate) struct Streams(Arc<AtomicU64>);

impl Streams {
    /// The count now, to compare with later.
    pub fn generation(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Cuts every stream open now.
    pub fn cut(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}
