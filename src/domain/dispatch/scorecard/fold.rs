//! Counting labels into a scorecard's figures: per supplier and UTC day of purchase, the labels,
//! how many are decided and late (as TikTok counts a late dispatch), the answer-time and
//! label-to-scan histograms, where late ones stalled and the rejections by reason. The same
//! figures are stored per day (`scorecard_days`) and merged over a window.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;

use super::histogram::Histogram;
use crate::db::AnyConnection;
use crate::db::models::dispatch::{self as clock, Bought};
use crate::db::models::scorecard::{DAY, DayRow};
use crate::db::models::step::{self, ClockStep, PackageStep};
use crate::domain::DomainError;

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

/// Labels with their clock steps and rejection reasons.
pub(super) struct Labels {
    pub labels: Vec<Bought>,
    pub steps: HashMap<i64, Vec<PackageStep>>,
    pub rejections: HashMap<i64, String>,
}

impl Labels {
    /// A label's steps, in clock order.
    pub fn steps_of(&self, package_id: i64) -> &[PackageStep] {
        self.steps.get(&package_id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The workspace's labels bought from `since` until before `until` (all of them after `since`
/// without it), of every supplier or of one.
pub(super) fn load(
    c: &mut AnyConnection,
    workspace_id: i64,
    supplier: Option<i64>,
    since: NaiveDateTime,
    until: Option<NaiveDateTime>,
) -> Result<Labels, DomainError> {
    let labels = clock::bought_between(c, workspace_id, supplier, since, until)?;
    let ids: Vec<i64> = labels.iter().map(|l| l.package_id).collect();
    let mut steps: HashMap<i64, Vec<PackageStep>> = HashMap::new();
    let mut rejections = HashMap::new();
    for chunk in ids.chunks(5000) {
        for s in step::of_packages(c, chunk)? {
            steps.entry(s.package_id).or_default().push(s);
        }
        rejections.extend(clock::rejections_of(c, chunk)?);
    }
    Ok(Labels {
        labels,
        steps,
        rejections,
    })
}

/// One supplier's figures over some labels (a day's, or a window's once merged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub labels: i64,
    pub decided: i64,
    pub late: i64,
    pub ack: Histogram,
    pub scan: Histogram,
    pub late_by_step: BTreeMap<String, i64>,
    pub rejections: BTreeMap<String, i64>,
    /// When these figures change by themselves: the earliest deadline of an undecided label
    /// (0: none).
    pub next_change: i64,
}

fn add_counts(into: &mut BTreeMap<String, i64>, from: &BTreeMap<String, i64>) {
    for (k, n) in from {
        *into.entry(k.clone()).or_default() += n;
    }
}

fn soonest(a: i64, b: i64) -> i64 {
    match (a, b) {
        (0, x) | (x, 0) => x,
        (a, b) => a.min(b),
    }
}

impl Figures {
    /// Adds another set of figures (of the same supplier).
    pub fn merge(&mut self, o: &Figures) {
        self.labels += o.labels;
        self.decided += o.decided;
        self.late += o.late;
        self.ack.merge(&o.ack);
        self.scan.merge(&o.scan);
        add_counts(&mut self.late_by_step, &o.late_by_step);
        add_counts(&mut self.rejections, &o.rejections);
        self.next_change = soonest(self.next_change, o.next_change);
    }

    /// As a stored day row.
    pub fn to_row(&self, workspace_id: i64, supplier_id: i64, day: i64) -> DayRow {
        let json = |m: &BTreeMap<String, i64>| serde_json::to_string(m).unwrap_or_else(|_| "{}".into());
        DayRow {
            workspace_id,
            supplier_id,
            day,
            labels: self.labels,
            decided: self.decided,
            late: self.late,
            ack_histogram: self.ack.encode(),
            scan_histogram: self.scan.encode(),
            late_by_step: json(&self.late_by_step),
            rejections: json(&self.rejections),
            next_change: self.next_change,
        }
    }

    /// From a stored day row.
    pub fn from_row(r: &DayRow) -> Figures {
        // Most days have no rejection and many no late label: skip parsing an empty map.
        let map = |s: &str| {
            if s == "{}" {
                BTreeMap::new()
            } else {
                serde_json::from_str(s).unwrap_or_default()
            }
        };
        Figures {
            labels: r.labels,
            decided: r.decided,
            late: r.late,
            ack: Histogram::decode(&r.ack_histogram),
            scan: Histogram::decode(&r.scan_histogram),
            late_by_step: map(&r.late_by_step),
            rejections: map(&r.rejections),
            next_change: r.next_change,
        }
    }
}

/// Counts labels at `now` into figures per (supplier, UTC day of purchase).
pub(super) fn count(w: &Labels, now: i64) -> BTreeMap<(i64, i64), Figures> {
    let mut out: BTreeMap<(i64, i64), Figures> = BTreeMap::new();
    for l in &w.labels {
        let day = l.bought_at.and_utc().timestamp().div_euclid(DAY);
        let f = out.entry((l.supplier_id, day)).or_default();
        f.labels += 1;
        let mine = w.steps_of(l.package_id);
        let at = |step: ClockStep| {
            mine.iter()
                .find(|x| x.step == step)
                .map(|x| x.at.and_utc().timestamp())
        };
        if let (Some(p), Some(a)) = (at(ClockStep::Published), at(ClockStep::Acknowledged)) {
            f.ack.add(a - p);
        }
        if let (Some(b), Some(sc)) = (at(ClockStep::Bought), at(ClockStep::Scanned)) {
            f.scan.add(sc - b);
        }
        if let Some(reason) = w.rejections.get(&l.package_id) {
            *f.rejections.entry(reason.clone()).or_default() += 1;
        }
        let Some(late) = is_late(l.dispatch_due, l.collected_at, now) else {
            if l.dispatch_due > 0 {
                f.next_change = soonest(f.next_change, l.dispatch_due);
            }
            continue;
        };
        f.decided += 1;
        if late {
            f.late += 1;
            let stalled = mine
                .iter()
                .rfind(|x| x.at.and_utc().timestamp() <= l.dispatch_due)
                .map(|x| x.step.label())
                .unwrap_or_else(|| "bought".into());
            *f.late_by_step.entry(stalled).or_default() += 1;
        }
    }
    out
}

/// Counts a workspace's labels bought on one UTC day, every supplier's, as stored rows.
pub(super) fn count_day(
    c: &mut AnyConnection,
    workspace_id: i64,
    day: i64,
    now: i64,
) -> Result<Vec<DayRow>, DomainError> {
    let time = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.naive_utc())
            .ok_or_else(|| DomainError::Internal(format!("day {day} is out of range")))
    };
    let labels = load(
        c,
        workspace_id,
        None,
        time(day * DAY)?,
        Some(time((day + 1) * DAY)?),
    )?;
    Ok(count(&labels, now)
        .into_iter()
        .map(|((sid, d), f)| f.to_row(workspace_id, sid, d))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lateness_as_tiktok_counts_it() {
        assert_eq!(is_late(100, 90, 200), Some(false), "scanned in time");
        assert_eq!(is_late(100, 110, 200), Some(true), "scanned late");
        assert_eq!(is_late(100, 0, 200), Some(true), "not scanned, deadline passed");
        assert_eq!(is_late(100, 0, 50), None, "still on time");
        assert_eq!(is_late(0, 0, 50), None, "no deadline");
    }

    #[test]
    fn figures_survive_their_stored_row() {
        let mut f = Figures {
            labels: 3,
            decided: 2,
            late: 1,
            next_change: 1234,
            ..Figures::default()
        };
        f.ack.add(3600);
        f.scan.add(86_400);
        f.late_by_step.insert("downloaded".into(), 1);
        f.rejections.insert("artwork \"missing\"".into(), 1);
        let row = f.to_row(1, 2, 20_000);
        assert_eq!(Figures::from_row(&row), f);
        let mut g = f.clone();
        g.merge(&Figures {
            labels: 1,
            next_change: 99,
            ..Figures::default()
        });
        assert_eq!((g.labels, g.next_change), (4, 99));
        g.merge(&Figures::default());
        assert_eq!(g.next_change, 99, "no change stays no change");
    }
}
