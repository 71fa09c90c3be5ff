//! Stopping on SIGINT, SIGTERM or SIGHUP at a safe point, instead of
//! wherever the signal lands.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

/// A stop asked for by a signal, taken at the next safe point.
#[derive(Clone, Default)]
pub struct Stop {
    asked: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Stop {
    /// Listens from now on: a signal no longer ends the process at once.
    pub fn listen() -> io::Result<Self> {
        let stop = Self::default();
        let asked = stop.clone();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut interrupt = signal(SignalKind::interrupt())?;
            let mut terminate = signal(SignalKind::terminate())?;
            let mut hangup = signal(SignalKind::hangup())?;
            tokio::spawn(async move {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                    _ = hangup.recv() => {}
                }
                asked.ask();
            });
        }
        #[cfg(not(unix))]
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                asked.ask();
            }
        });
        Ok(stop)
    }

    fn ask(&self) {
        self.asked.store(true, Ordering::SeqCst);
        self.notify.notify_one();
    }

    pub fn is_requested(&self) -> bool {
        self.asked.load(Ordering::SeqCst)
    }

    pub async fn requested(&self) {
        if !self.is_requested() {
            self.notify.notified().await;
        }
    }
}
