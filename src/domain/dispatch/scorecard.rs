//! The supplier scorecard over the last 7, 30 or 90 days (labels bought in the window), per
//! supplier: how fast it acknowledges (published → first answer, p50/p90), how long from label
//! to the carrier's first scan (p50/p90), its late dispatch rate (labels past their in-transit
//! deadline, scanned late or not at all, over the labels whose deadline has passed or that were
//! scanned), the step where late ones stalled, rejections by reason, and the late rate per day
//! for the trend chart. Computed from the labels' clock steps of the window (`package_steps`).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;

use crate::db::DbPool;
use crate::db::models::dispatch as clock;
use crate::db::models::step::{ClockStep, PackageStep};
use crate::domain::DomainError;

/// The windows a scorecard covers, in days.
pub const WINDOWS: [i64; 3] = [7, 30, 90];

/// The window asked for, if it is one of [`WINDOWS`]; 30 days otherwise.
pub fn window(days: Option<i64>) -> i64 {
    days.filter(|d| WINDOWS.contains(d)).unwrap_or(30)
}

/// One supplier's figures.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Score {
    pub supplier_id: i64,
    pub supplier: String,
    pub labels: usize,
    /// Seconds from publication to the first answer: median and 90th percentile.
    pub ack_p50: Option<i64>,
    pub ack_p90: Option<i64>,
    /// Seconds from the label to the carrier's first scan.
    pub scan_p50: Option<i64>,
    pub scan_p90: Option<i64>,
    /// Labels whose deadline has passed or that were scanned, and how many of them were late.
    pub decided: usize,
    pub late: usize,
    /// `late / decided` in percent (None when nothing is decided yet).
    pub late_rate: Option<f64>,
    /// Late labels by the last step they reached before their deadline.
    pub late_by_step: BTreeMap<String, usize>,
    /// Rejections by reason.
    pub rejections: BTreeMap<String, usize>,
    /// Per day of purchase (in UTC): (decided, late).
    pub daily: BTreeMap<chrono::NaiveDate, (usize, usize)>,
}

/// The `q` quantile (0–1) of sorted values, nearest rank.
pub fn quantile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Whether a label is late: scanned after its deadline, or not scanned and the deadline passed.
/// None while it is still on time and not scanned (undecided).
pub fn is_late(due: i64, scanned: i64, now: i64) -> Option<bool> {
    match (due > 0, scanned > 0) {
        (false, _) => None,
        (true, true) => Some(scanned > due),
        (true, false) if due < now => Some(true),
        _ => None,
    }
}

/// The window's labels with their clock steps and rejection reasons.
struct Window {
    labels: Vec<clock::Bought>,
    steps: HashMap<i64, Vec<PackageStep>>,
    rejections: HashMap<i64, String>,
}

fn load(
    c: &mut crate::db::AnyConnection,
    workspace_id: i64,
    supplier: Option<i64>,
    since: NaiveDateTime,
) -> Result<Window, DomainError> {
    let labels = clock::bought_since(c, workspace_id, supplier, since)?;
    let ids: Vec<i64> = labels.iter().map(|l| l.package_id).collect();
    let mut steps: HashMap<i64, Vec<PackageStep>> = HashMap::new();
    let mut rejections: HashMap<i64, String> = HashMap::new();
    for chunk in ids.chunks(5000) {
        for s in crate::db::models::step::of_packages(c, chunk)? {
            steps.entry(s.package_id).or_default().push(s);
        }
        rejections.extend(clock::rejections_of(c, chunk)?);
    }
    Ok(Window {
        labels,
        steps,
        rejections,
    })
}

/// The scorecard's labels as CSV (every label of the window with its clock, times in UTC): the
/// figures' source, for a spreadsheet.
pub async fn csv(
    pool: &DbPool,
    workspace_id: i64,
    supplier: Option<i64>,
    days: i64,
    now: NaiveDateTime,
) -> Result<String, DomainError> {
    let since = now - chrono::Duration::days(days);
    pool.run(move |c| {
        let w = load(c, workspace_id, supplier, since)?;
        let unix_now = now.and_utc().timestamp();
        let iso = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default()
        };
        let mut out = csv::Writer::from_writer(Vec::new());
        let internal = |e: csv::Error| DomainError::Internal(e.to_string());
        let mut header = vec!["supplier", "order_id", "package_id", "tracking_number"];
        header.extend(ClockStep::ALL.iter().map(|s| s.as_str()));
        header.extend(["in_transit_deadline", "dispatch", "rejection_reason"]);
        crate::domain::spreadsheet::write_record(
            &mut out,
            header.iter().map(|h| {
                if ClockStep::ALL.iter().any(|s| s.as_str() == *h) {
                    format!("{h}_at")
                } else {
                    h.to_string()
                }
            }),
        )
        .map_err(internal)?;
        for l in &w.labels {
            let mine = w.steps.get(&l.package_id).map(Vec::as_slice).unwrap_or(&[]);
            let mut row = vec![
                l.supplier.clone(),
                l.tiktok_order_id.clone(),
                l.tiktok_package_id.clone().unwrap_or_default(),
                l.tracking_number.clone().unwrap_or_default(),
            ];
            for step in ClockStep::ALL {
                row.push(
                    mine.iter()
                        .find(|s| s.step == *step)
                        .map(|s| iso(s.at.and_utc().timestamp()))
                        .unwrap_or_default(),
                );
            }
            row.push(if l.dispatch_due > 0 {
                iso(l.dispatch_due)
            } else {
                String::new()
            });
            row.push(
                match is_late(l.dispatch_due, l.collected_at, unix_now) {
                    Some(true) => "late",
                    Some(false) => "on time",
                    None => "open",
                }
                .into(),
            );
            row.push(w.rejections.get(&l.package_id).cloned().unwrap_or_default());
            crate::domain::spreadsheet::write_record(&mut out, &row).map_err(internal)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| DomainError::Internal(e.to_string()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    })
    .await
}

/// The scorecard of every supplier (or of `supplier` alone) with labels bought in the last
/// `days` days.
pub async fn compute(
    pool: &DbPool,
    workspace_id: i64,
    supplier: Option<i64>,
    days: i64,
    now: NaiveDateTime,
) -> Result<Vec<Score>, DomainError> {
    let since = now - chrono::Duration::days(days);
    pool.run(move |c| {
        let Window {
            labels,
            steps,
            rejections,
        } = load(c, workspace_id, supplier, since)?;
        let unix_now = now.and_utc().timestamp();
        let mut scores: BTreeMap<i64, (Score, Vec<i64>, Vec<i64>)> = BTreeMap::new();
        for l in &labels {
            let (s, acks, scans) = scores.entry(l.supplier_id).or_insert_with(|| {
                (
                    Score {
                        supplier_id: l.supplier_id,
                        supplier: l.supplier.clone(),
                        ..Score::default()
                    },
                    Vec::new(),
                    Vec::new(),
                )
            });
            s.labels += 1;
            let mine = steps.get(&l.package_id).map(Vec::as_slice).unwrap_or(&[]);
            let at = |step: ClockStep| {
                mine.iter()
                    .find(|x| x.step == step)
                    .map(|x| x.at.and_utc().timestamp())
            };
            if let (Some(p), Some(a)) = (at(ClockStep::Published), at(ClockStep::Acknowledged)) {
                acks.push(a - p);
            }
            if let (Some(b), Some(sc)) = (at(ClockStep::Bought), at(ClockStep::Scanned)) {
                scans.push(sc - b);
            }
            if let Some(reason) = rejections.get(&l.package_id) {
                *s.rejections.entry(reason.clone()).or_default() += 1;
            }
            let Some(late) = is_late(l.dispatch_due, l.collected_at, unix_now) else {
                continue;
            };
            s.decided += 1;
            let day = s.daily.entry(l.bought_at.date()).or_default();
            day.0 += 1;
            if late {
                s.late += 1;
                day.1 += 1;
                let stalled = mine
                    .iter()
                    .rfind(|x| x.at.and_utc().timestamp() <= l.dispatch_due)
                    .map(|x| x.step.label())
                    .unwrap_or_else(|| "bought".into());
                *s.late_by_step.entry(stalled).or_default() += 1;
            }
        }
        Ok(scores
            .into_values()
            .map(|(mut s, mut acks, mut scans)| {
                acks.sort_unstable();
                scans.sort_unstable();
                s.ack_p50 = quantile(&acks, 0.5);
                s.ack_p90 = quantile(&acks, 0.9);
                s.scan_p50 = quantile(&scans, 0.5);
                s.scan_p90 = quantile(&scans, 0.9);
                s.late_rate = (s.decided > 0).then(|| 100.0 * s.late as f64 / s.decided as f64);
                s
            })
            .collect())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_lateness_as_defined() {
        let v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        assert_eq!(quantile(&v, 0.5), Some(50));
        assert_eq!(quantile(&v, 0.9), Some(90));
        assert_eq!(quantile(&[7], 0.9), Some(7));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(is_late(100, 90, 200), Some(false), "scanned in time");
        assert_eq!(is_late(100, 110, 200), Some(true), "scanned late");
        assert_eq!(is_late(100, 0, 200), Some(true), "not scanned, deadline passed");
        assert_eq!(is_late(100, 0, 50), None, "still on time");
        assert_eq!(is_late(0, 0, 50), None, "no deadline");
    }
}
