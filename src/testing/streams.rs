//! The fake's long-lived responses, which a test can cut: every stream open
//! when [`Streams::cut`] is called ends in a broken connection, as a network
//! failure would leave it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many times the open streams were cut, and how many were opened.
#[derive(Clone, Debug, Default)]
pub(crate) struct Streams(Arc<Counts>);

#[derive(Debug, Default)]
struct Counts {
    /// A stream notes it when it opens and ends once it moves.
    cuts: AtomicU64,
    opened: AtomicU64,
}

impl Streams {
    /// The cuts so far, to compare with later.
    pub fn generation(&self) -> u64 {
        self.0.cuts.load(Ordering::SeqCst)
    }

    /// Cuts every stream open now.
    pub fn cut(&self) {
        self.0.cuts.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a stream that has noted what is there already: what is
    /// written from now on, it sends.
    pub fn opened(&self) {
        self.0.opened.fetch_add(1, Ordering::SeqCst);
    }

    /// The streams opened so far.
    pub fn opened_count(&self) -> u64 {
        self.0.opened.load(Ordering::SeqCst)
    }
}
