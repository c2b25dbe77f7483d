//! Keeping the scorecard's day rows true: a day is counted again when one of its labels changed
//! (noted by whatever changed it, in its own transaction) or when an open label's deadline has
//! passed (the row says when). Run before a scorecard is read (its workspace) and on every
//! clock tick (all workspaces), so a page rarely has anything left to count. Recounting is
//! idempotent; a workspace's recount holds its lock, so two processes never interleave one.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;

use crate::db::AnyConnection;
use crate::db::models::scorecard::{self as store, DAY};
use crate::domain::DomainError;

/// Changed labels read per round.
const ROUND: i64 = 5000;

/// Counts again the days of `workspace` (or of every workspace) that changed by `now`, until
/// none is left; returns how many days were counted.
pub fn refresh(
    c: &mut AnyConnection,
    workspace: Option<i64>,
    now: NaiveDateTime,
) -> Result<usize, DomainError> {
    let unix = now.and_utc().timestamp();
    let mut counted = 0;
    loop {
        // Read first, outside any write: the common case is that nothing changed.
        let dirty = store::dirty(c, workspace, ROUND)?;
        let stale = store::stale(c, workspace, unix)?;
        if dirty.is_empty() && stale.is_empty() {
            return Ok(counted);
        }
        let mut days: BTreeSet<(i64, i64)> = stale.into_iter().collect();
        for (_, ws, at) in &dirty {
            if let (Some(ws), Some(at)) = (ws, at) {
                days.insert((*ws, at.and_utc().timestamp().div_euclid(DAY)));
            }
        }
        let ids: Vec<i64> = dirty.iter().map(|d| d.0).collect();
        crate::db::write_tx(c, |c| {
            let mut locked = None;
            for (ws, day) in &days {
                // Workspaces in ascending order, each locked once: no two recounts cross.
                if locked != Some(*ws) {
                    crate::db::lock_key(c, &format!("scorecard:{ws}"))?;
                    store::bump_version(c, *ws)?;
                    locked = Some(*ws);
                }
                let rows = super::fold::count_day(c, *ws, *day, unix)?;
                store::replace_day(c, *ws, *day, &rows)?;
            }
            store::clear(c, &ids)?;
            Ok::<_, DomainError>(())
        })?;
        counted += days.len();
        // A recounted day changes next after `now` (or never), so stale days are done in one
        // round; notes written meanwhile wait for the next refresh unless this round was full.
        if (ids.len() as i64) < ROUND {
            return Ok(counted);
        }
    }
}
