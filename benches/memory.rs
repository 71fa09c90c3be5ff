//! Peak heap while streaming 10 pages and 1,000 pages of 100 events each with
//! `items()`, consuming each event as it comes. A counting global allocator
//! keeps the figures exact; flat memory means the two peaks are close.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::TryStreamExt;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only
// counters are updated around it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Walks `pages` pages and returns the peak heap above what was in use when
/// the walk started, and the events seen.
async fn peak_during_walk(client: &x_dm::Client) -> (usize, usize) {
    let baseline = CURRENT.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let mut events = client
        .dm_events(support::CONVERSATION)
        .max_results(100)
        .items();
    let mut count = 0;
    while let Some(event) = events.try_next().await.unwrap() {
        count += usize::from(!event.id.is_empty());
    }
    drop(events);
    (PEAK.load(Ordering::Relaxed) - baseline, count)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut peaks = Vec::new();
    for pages in [10, 1_000] {
        let server = runtime.block_on(support::StaticServer::start(pages));
        let client = x_dm::Client::builder("token")
            .base_url(&server.base_url)
            .build()
            .unwrap();
        // A first walk warms the connection pool and the runtime, so that the
        // measured one sees only what streaming itself holds.
        runtime.block_on(peak_during_walk(&client));
        let (peak, events) = runtime.block_on(peak_during_walk(&client));
        assert_eq!(events, pages * 100);
        println!(
            "memory/peak_heap_{pages}_pages: {:.1} KiB ({events} events)",
            peak as f64 / 1024.0
        );
        peaks.push(peak);
    }
    println!(
        "memory/ratio_1000_over_10: {:.2} (target at most 1.20)",
        peaks[1] as f64 / peaks[0] as f64
    );
}
