//! "Labelled, not yet scanned": the seller's queue of labels whose carrier has not scanned them,
//! the most urgent first, each with its supplier, batch, the last step on its clock and the time
//! left before TikTok's in-transit deadline (in business days, as the seller's calendar counts
//! them). A package past its deadline is late, with the step where it stalled.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;

use crate::db::DbPool;
use crate::db::models::dispatch::{self as clock, Unscanned};
use crate::db::models::step::{self, PackageStep};
use crate::db::models::workspace::Workspace;
use crate::domain::DomainError;

/// How many rows the queue page shows (the most urgent; the counts cover all).
pub const PAGE: i64 = 100;

/// One label waiting for its carrier.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Waiting {
    #[serde(flatten)]
    pub package: Unscanned,
    /// The batch number it went to its supplier in (None: not published yet).
    pub batch: Option<i64>,
    /// The last step on its clock (where it is, or where it stalled).
    pub last_step: Option<PackageStep>,
    /// Past its deadline.
    pub late: bool,
    /// Business days left (negative: late by that many).
    pub business_days_left: i64,
    /// Seconds left (negative: late by that long); None without a deadline.
    pub seconds_left: Option<i64>,
}

/// The queue with its counts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Queue {
    pub total: i64,
    pub late: i64,
    pub rows: Vec<Waiting>,
    /// The seller's business time zone ("" = not set: UTC is used).
    pub time_zone: String,
}

/// What the queue reads from the database as of one version of the workspace's clock (see
/// [`Queues`]): the most urgent labels with their batch and last step, and every waiting
/// label's deadline (0: none), from which each request counts the late ones at its own time.
struct Snapshot {
    page: Vec<(Unscanned, Option<i64>, Option<PackageStep>)>,
    dues: Vec<i64>,
}

fn snapshot(c: &mut crate::db::AnyConnection, workspace_id: i64) -> Result<Snapshot, DomainError> {
    let dues = clock::unscanned_dues(c, workspace_id)?;
    let rows = clock::unscanned(c, workspace_id, PAGE)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.package_id).collect();
    let batches: HashMap<i64, i64> = clock::batches_of(c, &ids)?.into_iter().collect();
    let mut last: HashMap<i64, PackageStep> = HashMap::new();
    for s in step::of_packages(c, &ids)? {
        last.insert(s.package_id, s);
    }
    let page = rows
        .into_iter()
        .map(|p| {
            let id = p.package_id;
            (p, batches.get(&id).copied(), last.remove(&id))
        })
        .collect();
    Ok(Snapshot { page, dues })
}

/// Per workspace, what was read and at which version.
type Kept = HashMap<i64, (i64, Arc<Snapshot>)>;

/// The queue's reader. Whatever changes a waiting label (bought, published, answered, a
/// factory step, scanned, voided, its deadline, its order cancelled, a new batch) notes it for
/// the scorecard, and counting those notes moves the workspace's clock version
/// (`scorecard_version`); while the version stays, a process serves the queue from what it
/// read last, and only the time-dependent parts (late or not, time left) are worked out anew.
#[derive(Clone)]
pub struct Queues {
    pool: DbPool,
    kept: Arc<Mutex<Kept>>,
}

impl Queues {
    /// A reader over this database.
    pub fn new(pool: DbPool) -> Queues {
        Queues {
            pool,
            kept: Arc::default(),
        }
    }

    /// The labels not scanned yet, the most urgent first.
    pub async fn unscanned(&self, workspace_id: i64, now: NaiveDateTime) -> Result<Queue, DomainError> {
        let kept = self.kept.clone();
        self.pool
            .run(move |c| {
                super::scorecard::refresh(c, Some(workspace_id), now)?;
                // The workspace (and its version) is read before the labels: they are at least
                // as new as the version kept with them.
                let w = Workspace::find(c, workspace_id)?;
                let hit = kept.lock().ok().and_then(|k| {
                    k.get(&workspace_id)
                        .filter(|(v, _)| *v == w.scorecard_version)
                        .map(|(_, s)| s.clone())
                });
                let snap = match hit {
                    Some(s) => s,
                    None => {
                        let s = Arc::new(snapshot(c, workspace_id)?);
                        if let Ok(mut k) = kept.lock() {
                            k.insert(workspace_id, (w.scorecard_version, s.clone()));
                        }
                        s
                    }
                };
                let cal = super::calendar_of(&w);
                let now = now.and_utc().timestamp();
                let rows = snap
                    .page
                    .iter()
                    .map(|(p, batch, last)| {
                        let due = p.dispatch_due;
                        Waiting {
                            batch: *batch,
                            last_step: last.clone(),
                            late: due > 0 && due < now,
                            business_days_left: if due > 0 {
                                cal.business_days_between(now, due)
                            } else {
                                0
                            },
                            seconds_left: (due > 0).then(|| due - now),
                            package: p.clone(),
                        }
                    })
                    .collect();
                Ok(Queue {
                    total: snap.dues.len() as i64,
                    late: snap.dues.iter().filter(|d| **d > 0 && **d < now).count() as i64,
                    rows,
                    time_zone: w.time_zone,
                })
            })
            .await
    }
}

/// What a supplier's portal says of its labels not scanned yet: how many must be scanned within
/// a day, and how many are past TikTok's deadline.
pub async fn supplier_due(
    pool: &DbPool,
    supplier_id: i64,
    now: NaiveDateTime,
) -> Result<(i64, i64), DomainError> {
    let now = now.and_utc().timestamp();
    Ok(pool
        .query(move |c| clock::supplier_counts(c, supplier_id, now, 24 * 3600))
        .await?)
}
