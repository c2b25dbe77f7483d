//! The seller's working calendar for the dispatch clock: business time zone, holidays and the
//! default handling time. Saving it moves every open deadline that was computed from it (TikTok's
//! own deadlines stay as TikTok set them).

use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::dispatch as clock;
use crate::db::models::workspace::Workspace;
use crate::domain::{DomainError, FieldError, seller_workspace};

use super::{Calendar, calendar};

/// The calendar form as typed.
#[derive(Debug, Clone, Default)]
pub struct CalendarInput {
    pub time_zone: String,
    pub holidays: String,
    pub handling_days: String,
    /// Hours before a deadline when a label not scanned yet is escalated (`24, 6`).
    pub alert_hours: String,
}

/// Checks and saves the seller's calendar, then moves the open handling-time deadlines; every
/// bad field is named. Returns how many orders got a new deadline.
pub async fn save(pool: &DbPool, actor: &Actor, input: CalendarInput) -> Result<usize, DomainError> {
    let ws = seller_workspace(actor)?;
    let mut errors = Vec::new();
    let zone = input.time_zone.trim().to_string();
    if !crate::domain::time_zones::is_zone(&zone) {
        errors.push(FieldError {
            field: "time_zone",
            message: format!("{zone:?} is not a time zone: choose one from the list.").into(),
        });
    }
    if let Err(bad) = calendar::parse_holidays(&input.holidays) {
        errors.push(FieldError {
            field: "holidays",
            message: format!("{}.", bad.join("; ")).into(),
        });
    }
    let days = match input.handling_days.trim().parse::<i64>() {
        Ok(d) if (1..=30).contains(&d) => d,
        _ => {
            errors.push(FieldError {
                field: "handling_days",
                message: "Handling time must be a whole number of business days from 1 to 30.".into(),
            });
            0
        }
    };
    let alert_hours = match super::alerts::parse_hours(&input.alert_hours) {
        Ok(h) => h.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
        Err(why) => {
            errors.push(FieldError {
                field: "alert_hours",
                message: format!("{why}; write them like 24, 6 (empty: no escalation mail).").into(),
            });
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    let holidays = input.holidays.trim().to_string();
    let actor = actor.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            Workspace::set_calendar(c, ws, &zone, &holidays, days, &alert_hours)?;
            let cal = Calendar::new(&zone, &holidays, days);
            let open = clock::open_handling_orders(c, ws)?;
            for (id, paid, own_days) in &open {
                let due = super::deadline(&cal, *paid, 0, *own_days);
                clock::set_due(c, *id, due.map_or(0, |d| d.at), "handling", *own_days)?;
            }
            audit::record(
                c,
                &actor,
                Some(ws),
                "dispatch.calendar",
                "workspace",
                &format!(
                    "set the working calendar: {zone}, {days} business day(s), holidays {holidays:?}, escalations at {alert_hours:?} h"
                ),
            )?;
            Ok(open.len())
        })
    })
    .await
}
