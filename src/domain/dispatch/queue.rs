//! "Labelled, not yet scanned": the seller's queue of labels whose carrier has not scanned them,
//! the most urgent first, each with its supplier, batch, the last step on its clock and the time
//! left before TikTok's in-transit deadline (in business days, as the seller's calendar counts
//! them). A package past its deadline is late, with the step where it stalled.

use std::collections::HashMap;

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

/// The labels not scanned yet, the most urgent first.
pub async fn unscanned(pool: &DbPool, workspace_id: i64, now: NaiveDateTime) -> Result<Queue, DomainError> {
    pool.run(move |c| {
        let w = Workspace::find(c, workspace_id)?;
        let cal = super::calendar_of(&w);
        let now = now.and_utc().timestamp();
        let (total, late) = clock::unscanned_counts(c, workspace_id, now)?;
        let rows = clock::unscanned(c, workspace_id, PAGE)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.package_id).collect();
        let batches: HashMap<i64, i64> = clock::batches_of(c, &ids)?.into_iter().collect();
        let mut last: HashMap<i64, PackageStep> = HashMap::new();
        for s in step::of_packages(c, &ids)? {
            last.insert(s.package_id, s);
        }
        let rows = rows
            .into_iter()
            .map(|p| {
                let due = p.dispatch_due;
                Waiting {
                    batch: batches.get(&p.package_id).copied(),
                    last_step: last.remove(&p.package_id),
                    late: due > 0 && due < now,
                    business_days_left: if due > 0 {
                        cal.business_days_between(now, due)
                    } else {
                        0
                    },
                    seconds_left: (due > 0).then(|| due - now),
                    package: p,
                }
            })
            .collect();
        Ok(Queue {
            total,
            late,
            rows,
            time_zone: w.time_zone,
        })
    })
    .await
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
