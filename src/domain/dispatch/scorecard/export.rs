//! The scorecard's labels as CSV: every label of the window with each clock step's time, its
//! in-transit deadline, its verdict (late, on time, open) and its rejection reason — the
//! figures' source, for a spreadsheet.

use chrono::NaiveDateTime;

use super::fold::{is_late, load};
use crate::db::DbPool;
use crate::db::models::step::ClockStep;
use crate::domain::DomainError;

/// The window's labels as CSV, times in UTC.
pub async fn csv(
    pool: &DbPool,
    workspace_id: i64,
    supplier: Option<i64>,
    days: i64,
    now: NaiveDateTime,
) -> Result<String, DomainError> {
    let since = super::window_start(now, days);
    pool.run(move |c| {
        let w = load(c, workspace_id, supplier, since, None)?;
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
            let mine = w.steps_of(l.package_id);
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
