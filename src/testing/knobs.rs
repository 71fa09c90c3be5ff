//! What a test turns while the fake runs: the request count, the rate-limit
//! window and the queue of faults. Plain locks, never held across an await.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Fault;

/// The limit advertised when none is set: more than any test sends, so a
/// client never waits for a reset.
const UNLIMITED: u32 = 1_000_000;

/// The window advertised when no limit is set: X's usual 15 minutes.
const DEFAULT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Longer windows are cut to this, so that time arithmetic cannot overflow.
const LONGEST_WINDOW: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Shared state of one running fake.
#[derive(Debug)]
pub(crate) struct Knobs {
    requests: AtomicUsize,
    faults: Mutex<VecDeque<Fault>>,
    /// Faults for one operation each, by `operationId`, in queue order.
    operation_faults: Mutex<Vec<(&'static str, Fault)>>,
    window: Mutex<Window>,
}

/// Where a request stands in the rate-limit window, as the `x-rate-limit-*`
/// headers tell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Quota {
    pub limit: u32,
    pub remaining: u32,
    /// End of the window, in Unix seconds.
    pub reset: u64,
    /// Whether the request fits in the window.
    pub allowed: bool,
}

#[derive(Debug)]
struct Window {
    /// `None` when no limit is set: nothing is ever refused.
    limit: Option<u32>,
    length: Duration,
    used: u32,
    /// When the current window ends, since the Unix epoch.
    end: Duration,
}

impl Window {
    /// Windows on a fixed grid that starts at the current whole second, as a
    /// server with a steady limit has: a client that waits for the advertised
    /// reset finds a new window at once, and loses no time to drift.
    fn starting(limit: Option<u32>, length: Duration) -> Self {
        let length = length.min(LONGEST_WINDOW).max(Duration::from_millis(1));
        let origin = Duration::from_secs(since_epoch().as_secs());
        Self {
            limit,
            length,
            used: 0,
            end: origin + length,
        }
    }

    fn renew_if_over(&mut self) {
        let now = since_epoch();
        if now >= self.end {
            let passed = (now - self.end).as_nanos() / self.length.as_nanos() + 1;
            self.end += self.length * u32::try_from(passed).unwrap_or(u32::MAX);
            self.used = 0;
        }
    }

    /// The reset to advertise: the window's end, rounded up to the second
    /// as X's Unix-seconds header has it.
    fn reset(&self) -> u64 {
        self.end.as_secs() + u64::from(self.end.subsec_nanos() > 0)
    }

    fn quota(&self) -> Quota {
        let limit = self.limit.unwrap_or(UNLIMITED);
        Quota {
            limit,
            remaining: limit.saturating_sub(self.used),
            reset: self.reset(),
            allowed: self.limit.is_none_or(|limit| self.used <= limit),
        }
    }
}

impl Knobs {
    pub fn new(rate_limit: Option<(u32, Duration)>) -> Self {
        let window = match rate_limit {
            Some((limit, length)) => Window::starting(Some(limit), length),
            None => Window::starting(None, DEFAULT_WINDOW),
        };
        Self {
            requests: AtomicUsize::new(0),
            faults: Mutex::new(VecDeque::new()),
            operation_faults: Mutex::new(Vec::new()),
            window: Mutex::new(window),
        }
    }

    /// Counts one request, whatever becomes of it.
    pub fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    pub fn set_rate_limit(&self, limit: u32, length: Duration) {
        *lock(&self.window) = Window::starting(Some(limit), length);
    }

    /// Spends one request of the window: the quota after it, and whether it
    /// was allowed.
    pub fn spend(&self) -> Quota {
        let mut window = lock(&self.window);
        window.renew_if_over();
        window.used = window.used.saturating_add(1);
        window.quota()
    }

    /// The window as it stands, for a response that does not count against
    /// it (an injected fault).
    pub fn peek(&self) -> Quota {
        let mut window = lock(&self.window);
        window.renew_if_over();
        window.quota()
    }

    pub fn inject(&self, fault: Fault) {
        lock(&self.faults).push_back(fault);
    }

    pub fn inject_into(&self, operation: &'static str, fault: Fault) {
        lock(&self.operation_faults).push((operation, fault));
    }

    /// The next fault queued for `operation`; each is handed out once.
    pub fn next_fault_for(&self, operation: &str) -> Option<Fault> {
        let mut faults = lock(&self.operation_faults);
        let index = faults.iter().position(|(id, _)| *id == operation)?;
        Some(faults.remove(index).1)
    }

    /// The next queued fault; each is handed out once.
    pub fn next_fault(&self) -> Option<Fault> {
        lock(&self.faults).pop_front()
    }
}

/// A lock that a panicking holder does not spoil: every critical section
/// here leaves the state whole.
fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_counts_down_then_refuses() {
        let knobs = Knobs::new(Some((2, Duration::from_secs(60))));
        let first = knobs.spend();
        assert_eq!((first.limit, first.remaining, first.allowed), (2, 1, true));
        assert_eq!(knobs.peek().remaining, 1);
        assert!(knobs.spend().allowed);
        let third = knobs.spend();
        assert_eq!((third.remaining, third.allowed), (0, false));
        assert_eq!(third.reset, first.reset);
    }

    #[test]
    fn no_limit_never_refuses_and_resets_within_fifteen_minutes() {
        let knobs = Knobs::new(None);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        for _ in 0..10 {
            assert!(knobs.spend().allowed);
        }
        let quota = knobs.peek();
        assert_eq!(quota.remaining, UNLIMITED - 10);
        assert!(quota.reset > now && quota.reset <= now + 15 * 60 + 1);
    }

    #[test]
    fn an_elapsed_window_starts_again() {
        let knobs = Knobs::new(Some((1, Duration::ZERO)));
        assert!(knobs.spend().allowed);
        std::thread::sleep(Duration::from_millis(1100));
        assert!(knobs.spend().allowed);
    }

    #[test]
    fn faults_come_out_in_order_once() {
        let knobs = Knobs::new(None);
        knobs.inject(Fault::Status(503));
        knobs.inject(Fault::Truncate);
        assert!(matches!(knobs.next_fault(), Some(Fault::Status(503))));
        assert!(matches!(knobs.next_fault(), Some(Fault::Truncate)));
        assert!(knobs.next_fault().is_none());
    }
}
