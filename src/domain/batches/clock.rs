//! The batch clock: seals each supplier's open batch at its cut-off times (in the supplier's
//! time zone), finishes batches a crash left half-sealed, and tells the seller once when a
//! supplier is past its acknowledgement deadline. A unique key on (supplier, cut-off) lets
//! several podgate processes run the clock without sealing twice.

use std::time::Duration;

use chrono::{NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use tokio_util::sync::CancellationToken;

use crate::db::models::batch;
use crate::db::models::supplier::Supplier;
use crate::db::models::user::User;
use crate::db::models::{mail, workspace};
use crate::domain::DomainError;

use super::{Batches, start_sealing};

/// The latest cut-off at or before `now` (UTC), within the last day; None without cut-offs.
pub fn latest_cutoff(times: &str, zone: &str, now: NaiveDateTime) -> Option<NaiveDateTime> {
    cutoffs_around(times, zone, now).filter(|c| *c <= now).max()
}

/// The first cut-off after `now` (UTC), within the next day; None without cut-offs.
pub fn next_cutoff(times: &str, zone: &str, now: NaiveDateTime) -> Option<NaiveDateTime> {
    cutoffs_around(times, zone, now).filter(|c| *c > now).min()
}

/// Every cut-off (UTC) of the supplier's local yesterday, today and tomorrow: `times` are
/// `HH:MM` in its time zone, so daylight saving moves them in UTC, not on the factory's clock.
fn cutoffs_around(times: &str, zone: &str, now: NaiveDateTime) -> impl Iterator<Item = NaiveDateTime> {
    let tz: Option<Tz> = zone.parse().ok();
    let today = tz.map(|tz| tz.from_utc_datetime(&now).date_naive());
    times
        .split(',')
        .filter_map(|t| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok())
        .flat_map(move |t| (-1..=1).map(move |d| (t, d)))
        .filter_map(move |(t, d)| {
            let (tz, today) = (tz?, today?);
            let day = today + chrono::Duration::days(d);
            let local = tz.from_local_datetime(&day.and_time(t)).earliest()?;
            Some(local.with_timezone(&Utc).naive_utc())
        })
}

impl Batches {
    /// Runs the clock every `every` until shutdown.
    pub async fn clock(self, every: Duration, shutdown: CancellationToken) {
        self.sweep_leftovers().await;
        self.resume().await;
        loop {
            if let Err(e) = self.tick(crate::db::models::now()).await {
                tracing::warn!(error = %e, "batch clock round failed");
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }

    /// Removes the segments this node kept of packings it will never resume: their batches
    /// were sealed by another node (this node's seal failed — a full disk, say — or its lease
    /// ran out). Without this they would fill the disk until the day-old sweep.
    async fn drop_packings_sealed_elsewhere(&self) -> Result<(), DomainError> {
        let dir = self.dir.clone();
        let io = |e: std::io::Error| {
            DomainError::Internal(format!("packing segments in {}: {e}", self.dir.display()))
        };
        let kept = tokio::task::spawn_blocking(move || super::segment::kept_packings(&dir))
            .await
            .map_err(|e| DomainError::Internal(e.to_string()))?
            .map_err(io)?;
        if kept.is_empty() {
            return Ok(());
        }
        let sealed = self.pool.query(move |c| batch::sealed_among(c, &kept)).await?;
        for id in sealed {
            super::segment::drop_packing(&self.dir, id).map_err(io)?;
            tracing::info!(
                batch = id,
                "removed the segments of a packing another node finished"
            );
        }
        Ok(())
    }

    /// One round at `now`: seal at cut-offs, finish interrupted seals, flag overdue batches.
    pub async fn tick(&self, now: NaiveDateTime) -> Result<(), DomainError> {
        let due = self
            .pool
            .run(move |c| {
                let mut started = Vec::new();
                for ws in workspace::Workspace::all_ids(c)? {
                    for sup in Supplier::list(c, ws)?.into_iter().filter(|s| !s.archived) {
                        let Some(cut) = latest_cutoff(&sup.cutoff_times, &sup.time_zone, now) else {
                            continue;
                        };
                        if batch::sealed_at_cutoff(c, sup.id, cut)? {
                            continue;
                        }
                        // A racing process hits the unique key; its batch wins.
                        match start_sealing(c, ws, sup.id, Some(cut), "cut-off") {
                            Ok(Some(b)) => started.push(b.id),
                            Ok(None) => {}
                            Err(e) => tracing::debug!(supplier = sup.id, error = %e, "cut-off seal skipped"),
                        }
                    }
                }
                Ok::<_, DomainError>(started)
            })
            .await?;
        for id in due {
            self.finish_sealing(id).await?;
        }
        self.resume().await;
        self.drop_packings_sealed_elsewhere().await?;
        self.flag_overdue(now).await?;
        // The scorecard's day rows counted again where labels changed or deadlines passed, so
        // a page rarely finds anything left to count.
        self.pool
            .run(move |c| crate::domain::dispatch::scorecard::refresh(c, None, now))
            .await?;
        // Labels not scanned as TikTok's in-transit deadline nears: escalated once per
        // threshold (`dispatch::alerts`).
        crate::domain::dispatch::alerts::escalate(&self.pool, now)
            .await
            .map(|_| ())
    }

    async fn flag_overdue(&self, now: NaiveDateTime) -> Result<(), DomainError> {
        self.pool
            .run(move |c| {
                for (b, pending) in batch::overdue_unnotified(c, now)? {
                    let Some(sup) = Supplier::find_in_workspace(c, b.workspace_id, b.supplier_id)? else {
                        continue;
                    };
                    for to in User::owners_to_mail(c, b.workspace_id)? {
                        let (subject, body) = crate::mail::texts::overdue(&sup, &b, pending, &to.time_zone);
                        mail::enqueue(c, Some(b.workspace_id), "overdue", &to.email, &subject, &body)?;
                    }
                    batch::mark_overdue_notified(c, b.id)?;
                }
                Ok::<_, DomainError>(())
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_latest_cutoff_is_found_in_the_suppliers_zone() {
        // 14:00 and 18:00 in Los Angeles (UTC-8 in November) are 22:00 and 02:00 UTC.
        let z = "America/Los_Angeles";
        assert_eq!(
            latest_cutoff("14:00, 18:00", z, at("2026-11-25 23:00")),
            Some(at("2026-11-25 22:00"))
        );
        assert_eq!(
            latest_cutoff("14:00,18:00", z, at("2026-11-26 03:00")),
            Some(at("2026-11-26 02:00"))
        );
        assert_eq!(
            latest_cutoff("14:00,18:00", z, at("2026-11-25 21:59")),
            Some(at("2026-11-25 02:00"))
        );
        assert_eq!(latest_cutoff("", z, at("2026-11-25 23:00")), None);
        assert_eq!(latest_cutoff("14:00", "Not/AZone", at("2026-11-25 23:00")), None);
    }

    #[test]
    fn the_next_cutoff_is_the_first_after_now_across_midnight_and_daylight_saving() {
        let z = "America/Los_Angeles";
        assert_eq!(
            next_cutoff("14:00, 18:00", z, at("2026-11-25 21:00")),
            Some(at("2026-11-25 22:00"))
        );
        // At a cut-off, the next one is the following one.
        assert_eq!(
            next_cutoff("14:00, 18:00", z, at("2026-11-25 22:00")),
            Some(at("2026-11-26 02:00"))
        );
        // After the last of the day: tomorrow's first.
        assert_eq!(
            next_cutoff("14:00,18:00", z, at("2026-11-26 03:00")),
            Some(at("2026-11-26 22:00"))
        );
        // 10:00 in Los Angeles is 17:00 UTC in summer and 18:00 UTC once the clocks go back.
        assert_eq!(
            next_cutoff("10:00", z, at("2026-10-31 18:00")),
            Some(at("2026-11-01 18:00"))
        );
        assert_eq!(next_cutoff("", z, at("2026-11-25 23:00")), None);
    }
}
