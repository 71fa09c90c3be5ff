//! Progress on standard error, only when it is a terminal: pages and items
//! done, and a countdown while the client waits for a rate-limit reset.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use x_dm::{Wait, WaitReason};

/// A spinner, or nothing when standard error is a pipe or a file.
#[derive(Clone)]
pub struct Progress {
    bar: Option<Arc<ProgressBar>>,
}

impl Progress {
    /// A spinner if standard error is a terminal.
    pub fn new() -> Self {
        if !std::io::stderr().is_terminal() {
            return Self { bar: None };
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Self {
            bar: Some(Arc::new(bar)),
        }
    }

    /// After each page.
    pub fn page(&self, pages: u64, items: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{pages} page(s), {items} item(s)"));
        }
    }

    /// A step of a longer task, such as an upload's progress.
    pub fn say(&self, message: impl Into<String>) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.into());
        }
    }

    /// Before each wait: counts down a rate-limit wait second by second.
    pub fn wait(&self, wait: &Wait) {
        let Some(bar) = self.bar.clone() else { return };
        let reason = match wait.reason {
            WaitReason::RateLimitExhausted | WaitReason::TooManyRequests => "rate limit reached",
            WaitReason::Retry { .. } => "retrying",
            WaitReason::Reconnect { .. } => "reconnecting",
            _ => "waiting",
        };
        let total = wait.duration;
        tokio::spawn(async move {
            let mut left = total;
            while !left.is_zero() {
                bar.set_message(format!("{reason}: resuming in {}s", left.as_secs() + 1));
                let step = left.min(Duration::from_secs(1));
                tokio::time::sleep(step).await;
                left -= step;
            }
        });
    }

    /// Clears the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
