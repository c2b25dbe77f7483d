//! How the shared bucket answers this process, for `/metrics`: per kind of operation, how many,
//! how many failed, and the seconds they took in all (a Prometheus summary's `_count` and
//! `_sum`: the store's mean latency over any window is their rates' quotient). Process-wide
//! counters, as a scrape of one node reads them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// What podgate asks of the bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// A file uploaded (in parts).
    Commit,
    /// A file downloaded into the data dir.
    Fetch,
    /// A small file read into memory (a label a seal packs), never written to the data dir.
    Read,
    /// An object's size asked.
    Head,
    List,
    Delete,
}

impl Op {
    const ALL: [Op; 6] = [Op::Commit, Op::Fetch, Op::Read, Op::Head, Op::List, Op::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Commit => "commit",
            Op::Fetch => "fetch",
            Op::Read => "read",
            Op::Head => "head",
            Op::List => "list",
            Op::Delete => "delete",
        }
    }
}

struct Counts {
    done: AtomicU64,
    failed: AtomicU64,
    micros: AtomicU64,
}

static COUNTS: [Counts; Op::ALL.len()] = [const {
    Counts {
        done: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        micros: AtomicU64::new(0),
    }
}; Op::ALL.len()];

/// Runs one operation on the bucket, counting it, its failure and its time.
pub(super) async fn timed<T, E>(op: Op, work: impl Future<Output = Result<T, E>>) -> Result<T, E> {
    let started = Instant::now();
    let result = work.await;
    record(op, started, result.is_ok());
    result
}

/// Counts one operation that began at `started` and has just ended, for work [`timed`] cannot
/// wrap (a download that goes on in a task of its own after its first bytes).
pub(super) fn record(op: Op, started: Instant, succeeded: bool) {
    let c = &COUNTS[op as usize];
    c.done.fetch_add(1, Ordering::Relaxed);
    c.micros
        .fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
    if !succeeded {
        c.failed.fetch_add(1, Ordering::Relaxed);
    }
}

/// One kind's totals since this process started.
#[derive(Debug, Clone, Copy)]
pub struct OpTotals {
    pub op: Op,
    pub count: u64,
    pub failed: u64,
    pub seconds: f64,
}

/// Every kind's totals since this process started (kinds never used are left out).
pub fn totals() -> Vec<OpTotals> {
    Op::ALL
        .iter()
        .map(|&op| {
            let c = &COUNTS[op as usize];
            OpTotals {
                op,
                count: c.done.load(Ordering::Relaxed),
                failed: c.failed.load(Ordering::Relaxed),
                seconds: c.micros.load(Ordering::Relaxed) as f64 / 1e6,
            }
        })
        .filter(|t| t.count > 0)
        .collect()
}
