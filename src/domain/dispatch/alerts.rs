//! Escalations before TikTok's in-transit deadline. At each of the seller's thresholds (hours
//! before the deadline, `24, 6` by default) a label its carrier has not scanned yet is named in
//! a mail to its supplier's contacts (in the supplier's zone) and to the seller's owners (each in
//! their own zone): one mail per supplier and round, listing the labels that crossed a threshold
//! since the last round. Each label is escalated once per threshold (a unique row per label and
//! threshold, written in the same transaction as the mail), whatever the number of processes
//! and restarts. Runs on the batch clock.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use crate::db::DbPool;
use crate::db::models::dispatch::{self as clock, DueSoon};
use crate::db::models::supplier::{Supplier, contact_emails};
use crate::db::models::user::User;
use crate::db::models::workspace::Workspace;
use crate::db::models::{mail, order};
use crate::domain::DomainError;

/// The thresholds when the seller has not chosen (hours before the deadline).
pub const DEFAULT_HOURS: &str = "24, 6";

/// Reads thresholds: whole hours from 1 to 240, comma-separated; largest first, each once.
pub fn parse_hours(text: &str) -> Result<Vec<i64>, String> {
    let mut hours = Vec::new();
    for w in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match w.parse::<i64>() {
            Ok(h) if (1..=240).contains(&h) => hours.push(h),
            _ => return Err(format!("{w:?} is not a whole number of hours from 1 to 240")),
        }
    }
    hours.sort_unstable_by(|a, b| b.cmp(a));
    hours.dedup();
    Ok(hours)
}

/// Sends the escalations due at `now` in every workspace; returns how many labels were named.
pub async fn escalate(pool: &DbPool, now: NaiveDateTime) -> Result<usize, DomainError> {
    pool.run(move |c| {
        let mut named = 0;
        for ws in Workspace::all_ids(c)? {
            // Read first: most rounds find nothing new, and only then is a write transaction
            // (SQLite's one writer) taken; the unique row still decides between processes.
            if !anything_new(c, ws, now)? {
                continue;
            }
            named += crate::db::write_tx(c, |c| escalate_workspace(c, ws, now))?;
        }
        Ok(named)
    })
    .await
}

/// The seller's thresholds (the default when the stored text is unreadable).
fn thresholds(w: &Workspace) -> Vec<i64> {
    parse_hours(&w.alert_hours).unwrap_or_else(|_| parse_hours(DEFAULT_HOURS).unwrap_or_default())
}

/// Whether some label crossed a threshold it has not been escalated at.
fn anything_new(c: &mut crate::db::AnyConnection, ws: i64, now: NaiveDateTime) -> Result<bool, DomainError> {
    let hours = thresholds(&Workspace::find(c, ws)?);
    let Some(widest) = hours.first() else {
        return Ok(false);
    };
    let unix_now = now.and_utc().timestamp();
    let due = clock::due_before(c, ws, unix_now + widest * 3600)?;
    if due.is_empty() {
        return Ok(false);
    }
    let ids: Vec<i64> = due.iter().map(|p| p.package_id).collect();
    let sent: std::collections::HashSet<(i64, i64)> = clock::alerts_sent(c, &ids)?.into_iter().collect();
    Ok(due.iter().any(|p| {
        hours
            .iter()
            .any(|h| p.dispatch_due - unix_now <= h * 3600 && !sent.contains(&(p.package_id, *h)))
    }))
}

fn escalate_workspace(
    c: &mut crate::db::AnyConnection,
    ws: i64,
    now: NaiveDateTime,
) -> Result<usize, DomainError> {
    let w = Workspace::find(c, ws)?;
    let hours = thresholds(&w);
    let Some(widest) = hours.first() else { return Ok(0) };
    let unix_now = now.and_utc().timestamp();
    // Per supplier, the labels crossing a threshold now, with the nearest threshold crossed.
    let mut by_supplier: BTreeMap<i64, Vec<(DueSoon, i64)>> = BTreeMap::new();
    for p in clock::due_before(c, ws, unix_now + widest * 3600)? {
        let mut newest = None;
        for h in hours.iter().filter(|h| p.dispatch_due - unix_now <= *h * 3600) {
            if clock::record_alert(c, p.package_id, *h, now)? {
                newest = Some(*h);
            }
        }
        if let Some(h) = newest {
            by_supplier.entry(p.supplier_id).or_default().push((p, h));
        }
    }
    let mut named = 0;
    for (supplier_id, labels) in by_supplier {
        let Some(sup) = Supplier::find_in_workspace(c, ws, supplier_id)? else {
            continue;
        };
        for (p, h) in &labels {
            order::add_event(
                c,
                p.order_id,
                "clock",
                &format!(
                    "Not scanned {h} h before its in-transit deadline: {} and the seller's owners were told",
                    sup.name
                ),
                "podgate",
                "system",
            )?;
        }
        // The supplier's contacts read it in their language and zone; the seller's owners in
        // English and theirs.
        let mut to: Vec<(String, String, crate::i18n::Lang)> = Vec::new();
        for e in contact_emails(&sup.contacts) {
            let lang = crate::domain::languages::of_recipient(c, &sup, &e)?;
            to.push((e, sup.time_zone.clone(), lang));
        }
        to.extend(
            User::owners_to_mail(c, ws)?
                .into_iter()
                .map(|r| (r.email, r.time_zone, crate::i18n::Lang::En)),
        );
        for (email, zone, lang) in to {
            let (subject, body) =
                crate::mail::texts::dispatch_due(lang, &w.name, &sup.name, &labels, unix_now, &zone);
            mail::enqueue(c, Some(ws), "dispatch", &email, &subject, &body)?;
        }
        named += labels.len();
    }
    Ok(named)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_whole_hours_largest_first() {
        assert_eq!(parse_hours("6, 24,6").unwrap(), [24, 6]);
        assert_eq!(parse_hours("").unwrap(), Vec::<i64>::new());
        assert!(parse_hours("24, soon").unwrap_err().contains("\"soon\""));
        assert!(parse_hours("0").is_err() && parse_hours("241").is_err());
    }
}
