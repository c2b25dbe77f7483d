//! The supplier scorecard over the last 7, 30 or 90 days (labels bought in the window), per
//! supplier: how fast it acknowledges (published → first answer, p50/p90), how long from label
//! to the carrier's first scan (p50/p90), its late dispatch rate (labels past their in-transit
//! deadline, scanned late or not at all, over the labels whose deadline has passed or that were
//! scanned), the step where late ones stalled, rejections by reason, and the late rate per day
//! for the trend chart.
//!
//! Read from one stored row per supplier and UTC day of purchase (`fold` counts them,
//! `refresh` keeps them true as labels change and deadlines pass), so a 90-day scorecard of
//! 100,000 labels reads about 1,800 small rows, not every label and its steps.

mod export;
mod fold;
mod histogram;
mod refresh;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::DbPool;
use crate::db::models::scorecard::{self as store, DAY, DayRow};
use crate::domain::DomainError;

pub use export::csv;
pub use fold::{Figures, is_late};
pub use histogram::Histogram;
pub use refresh::refresh;

/// The windows a scorecard covers, in days.
pub const WINDOWS: [i64; 3] = [7, 30, 90];

/// The window asked for, if it is one of [`WINDOWS`]; 30 days otherwise.
pub fn window(days: Option<i64>) -> i64 {
    days.filter(|d| WINDOWS.contains(d)).unwrap_or(30)
}

/// The first UTC day of a window of `days` days ending today (today counts as one).
pub fn first_day(now: NaiveDateTime, days: i64) -> i64 {
    now.and_utc().timestamp().div_euclid(DAY) - (days - 1)
}

/// When a window starts: midnight UTC of its first day.
pub fn window_start(now: NaiveDateTime, days: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(first_day(now, days) * DAY, 0)
        .map(|d| d.naive_utc())
        .unwrap_or(now)
}

/// One supplier's figures over a window.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Score {
    pub supplier_id: i64,
    pub supplier: String,
    pub labels: i64,
    /// Seconds from publication to the first answer: median and 90th percentile (read from a
    /// histogram: within 4.5%).
    pub ack_p50: Option<i64>,
    pub ack_p90: Option<i64>,
    /// Seconds from the label to the carrier's first scan.
    pub scan_p50: Option<i64>,
    pub scan_p90: Option<i64>,
    /// Labels whose deadline has passed or that were scanned, and how many of them were late.
    pub decided: i64,
    pub late: i64,
    /// `late / decided` in percent (None when nothing is decided yet).
    pub late_rate: Option<f64>,
    /// Late labels by the last step they reached before their deadline.
    pub late_by_step: BTreeMap<String, i64>,
    /// Rejections by reason.
    pub rejections: BTreeMap<String, i64>,
    /// Per UTC day of purchase: (decided, late).
    pub daily: Daily,
}

/// Per UTC day of purchase: (decided, late).
pub type Daily = BTreeMap<NaiveDate, (i64, i64)>;

/// Merged scorecards with the version they were merged at.
type Kept = HashMap<Key, (i64, Arc<Vec<Score>>)>;

/// Merges day rows into each supplier's score (named by [`name`]).
fn scores(rows: &[DayRow]) -> Vec<Score> {
    let mut by: BTreeMap<i64, (Figures, Daily)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.labels > 0) {
        let (f, daily) = by.entry(r.supplier_id).or_default();
        f.merge(&Figures::from_row(r));
        if r.decided > 0
            && let Some(d) = chrono::DateTime::from_timestamp(r.day * DAY, 0)
        {
            daily.insert(d.date_naive(), (r.decided, r.late));
        }
    }
    by.into_iter()
        .map(|(id, (f, daily))| Score {
            supplier_id: id,
            supplier: String::new(),
            labels: f.labels,
            ack_p50: f.ack.quantile(0.5),
            ack_p90: f.ack.quantile(0.9),
            scan_p50: f.scan.quantile(0.5),
            scan_p90: f.scan.quantile(0.9),
            decided: f.decided,
            late: f.late,
            late_rate: (f.decided > 0).then(|| 100.0 * f.late as f64 / f.decided as f64),
            late_by_step: f.late_by_step,
            rejections: f.rejections,
            daily,
        })
        .collect()
}

/// Names the scores by their suppliers' names now, in name order.
fn name(
    c: &mut crate::db::AnyConnection,
    workspace_id: i64,
    mut scores: Vec<Score>,
) -> Result<Vec<Score>, DomainError> {
    let names: BTreeMap<i64, String> = crate::db::models::supplier::Supplier::list(c, workspace_id)?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    for s in &mut scores {
        s.supplier = names.get(&s.supplier_id).cloned().unwrap_or_default();
    }
    scores.sort_by(|a, b| {
        a.supplier
            .cmp(&b.supplier)
            .then(a.supplier_id.cmp(&b.supplier_id))
    });
    Ok(scores)
}

/// Which scorecard: workspace, supplier (None: every one), window in days, its first day.
type Key = (i64, Option<i64>, i64, i64);

/// Merged scorecards a process keeps at most (then it starts afresh).
const KEPT: usize = 1024;

/// The scorecard pages' reader. Keeps each scorecard it merged with the workspace's scorecard
/// version of the time: while the version stays (no day row changed, in any process) and the
/// window has not moved on a day, a page is served without reading a row.
#[derive(Clone)]
pub struct Scorecards {
    pool: DbPool,
    merged: Arc<Mutex<Kept>>,
}

impl Scorecards {
    /// A reader over this database.
    pub fn new(pool: DbPool) -> Scorecards {
        Scorecards {
            pool,
            merged: Arc::default(),
        }
    }

    /// The scorecard of every supplier (or of `supplier` alone) with labels bought in the last
    /// `days` days, from the stored day rows (counted again first where labels changed).
    pub async fn read(
        &self,
        workspace_id: i64,
        supplier: Option<i64>,
        days: i64,
        now: NaiveDateTime,
    ) -> Result<Vec<Score>, DomainError> {
        let merged = self.merged.clone();
        self.pool
            .run(move |c| {
                refresh(c, Some(workspace_id), now)?;
                // The version is read before the rows: rows read after it are at least as new.
                let version = store::version(c, workspace_id)?;
                let key = (workspace_id, supplier, days, first_day(now, days));
                let kept = merged
                    .lock()
                    .ok()
                    .and_then(|m| m.get(&key).filter(|(v, _)| *v == version).map(|(_, s)| s.clone()));
                let scores = match kept {
                    Some(s) => s.as_ref().clone(),
                    None => {
                        let rows = store::days_since(c, workspace_id, supplier, key.3)?;
                        let s = scores(&rows);
                        if let Ok(mut m) = merged.lock() {
                            if m.len() >= KEPT {
                                m.clear();
                            }
                            m.insert(key, (version, Arc::new(s.clone())));
                        }
                        s
                    }
                };
                name(c, workspace_id, scores)
            })
            .await
    }
}

/// The same scorecard counted from the labels themselves, every one of the window: what the
/// stored rows must always add up to (the tests hold [`Scorecards::read`] to it).
pub async fn recount(
    pool: &DbPool,
    workspace_id: i64,
    supplier: Option<i64>,
    days: i64,
    now: NaiveDateTime,
) -> Result<Vec<Score>, DomainError> {
    pool.run(move |c| {
        let labels = fold::load(c, workspace_id, supplier, window_start(now, days), None)?;
        let rows: Vec<DayRow> = fold::count(&labels, now.and_utc().timestamp())
            .into_iter()
            .map(|((sid, day), f)| f.to_row(workspace_id, sid, day))
            .collect();
        name(c, workspace_id, scores(&rows))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_counts_today_and_the_days_before() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 6)
            .unwrap()
            .and_hms_opt(15, 0, 0)
            .unwrap();
        assert_eq!(window_start(now, 7).to_string(), "2026-11-30 00:00:00");
        assert_eq!(first_day(now, 1) * DAY, now.and_utc().timestamp() / DAY * DAY);
        assert_eq!((window(Some(90)), window(Some(8)), window(None)), (90, 30, 30));
    }
}
