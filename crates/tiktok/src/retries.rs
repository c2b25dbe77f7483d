//! Counts the API retries a piece of work needed (a package's purchase, a shop's sync), so the
//! seller sees that TikTok was slow or refusing, and why, even when the work succeeded.
//! The client records into the log of the task it runs in; work outside a log counts nothing.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::error::ApiError;

/// Retries since the process started, per (endpoint, error class): what `/metrics` shows.
static TOTALS: Mutex<BTreeMap<(String, &'static str), u64>> = Mutex::new(BTreeMap::new());

/// The process's retries so far, per (endpoint, error class).
pub fn retries_by_class() -> Vec<((String, &'static str), u64)> {
    let totals = TOTALS.lock().unwrap_or_else(|p| p.into_inner());
    totals.iter().map(|(k, v)| (k.clone(), *v)).collect()
}

tokio::task_local! {
    static CURRENT: Arc<RetryLog>;
}

/// Retries seen while a piece of work ran.
#[derive(Debug, Default)]
pub struct RetryLog {
    count: AtomicU64,
    last: Mutex<Option<String>>,
}

impl RetryLog {
    /// Runs `work` with every retry of its API calls counted here.
    pub async fn scope<F: Future>(self: &Arc<Self>, work: F) -> F::Output {
        CURRENT.scope(self.clone(), work).await
    }

    /// How many calls were repeated.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Why the last repeat happened, as a person reads it.
    pub fn last(&self) -> Option<String> {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Records a retry of `endpoint` after `error` into the current task's log, if any, and
    /// into the process's totals ([`retries_by_class`]).
    pub fn record(endpoint: &str, error: &ApiError) {
        {
            let mut totals = TOTALS.lock().unwrap_or_else(|p| p.into_inner());
            *totals
                .entry((endpoint.to_string(), error.class.as_str()))
                .or_default() += 1;
        }
        let _ = CURRENT.try_with(|log| {
            log.count.fetch_add(1, Ordering::Relaxed);
            let why = match error.http_status {
                0 => format!("{endpoint}: {} (code {})", error.message, error.code),
                h => format!("{endpoint}: HTTP {h}, {} (code {})", error.message, error.code),
            };
            *log.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
        });
    }
}
