//! TikTok's dispatch clock. What sellers are judged on is the carrier's first scan ("in
//! transit") by a deadline, not the label. Every order gets its in-transit deadline — TikTok's
//! own when the order carries one, else the seller's handling time in business days
//! ([`calendar`]) — and every package its steps on the clock (label bought, published,
//! downloaded, acknowledged, the factory's own steps, first carrier scan, delivered: when,
//! through which channel, by whom; `db::models::step`). The seller's queue of labels not yet
//! scanned, most urgent first, is [`queue`].

pub mod alerts;
pub mod calendar;
pub mod queue;
pub mod scorecard;
pub mod settings;

use chrono::NaiveDateTime;

use crate::db::AnyConnection;
use crate::db::models::step::{self, ClockStep};
use crate::db::models::workspace::Workspace;
use crate::db::models::{dispatch as clock, order};
use crate::domain::DomainError;

pub use calendar::Calendar;

/// Whose in-transit deadline an order has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueSource {
    /// TikTok's own (`tts_sla_time`, else `collection_due_time`): authoritative.
    TikTok,
    /// The seller's handling time in business days (TikTok gave none).
    Handling,
}

impl DueSource {
    /// As stored on the order.
    pub fn as_str(self) -> &'static str {
        match self {
            DueSource::TikTok => "tiktok",
            DueSource::Handling => "handling",
        }
    }
}

/// An order's in-transit deadline (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub at: i64,
    pub source: DueSource,
}

/// The business days TikTok gives a made-to-order or back-order order (its handling time plus
/// one, as TikTok counts them), or 0 when the seller's default applies.
pub fn order_handling_days(o: &tiktok::types::Order) -> i64 {
    let own = o
        .handling_duration
        .as_ref()
        .and_then(|h| h.days.trim().parse::<i64>().ok())
        .filter(|d| *d > 0);
    match (o.order_type.as_str(), own) {
        ("MADE_TO_ORDER" | "BACK_ORDER", Some(d)) => d + 1,
        _ => 0,
    }
}

/// An order's in-transit deadline: TikTok's own when the order carries one, else its paid time
/// plus the handling time (the order's own, or the seller's) in the seller's business days.
/// None before the order is paid (no clock runs yet).
pub fn deadline(
    cal: &Calendar,
    paid_time: i64,
    tiktok_due: i64,
    order_handling_days: i64,
) -> Option<Deadline> {
    if tiktok_due > 0 {
        return Some(Deadline {
            at: tiktok_due,
            source: DueSource::TikTok,
        });
    }
    if paid_time <= 0 {
        return None;
    }
    let days = if order_handling_days > 0 {
        order_handling_days
    } else {
        cal.handling_days
    };
    Some(Deadline {
        at: cal.end_of_business_days(paid_time, days),
        source: DueSource::Handling,
    })
}

/// TikTok's own in-transit deadline on an order (0 = none): the latest collection time, else
/// the time after which TikTok cancels an order not in transit.
pub fn tiktok_due(o: &tiktok::types::Order) -> i64 {
    if o.tts_sla_time > 0 {
        o.tts_sla_time
    } else {
        o.collection_due_time
    }
}

/// The seller's calendar.
pub fn calendar_of(w: &Workspace) -> Calendar {
    Calendar::new(&w.time_zone, &w.holidays, w.handling_days)
}

fn at(unix: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.naive_utc())
        .unwrap_or_default()
}

/// An order's in-transit deadline as stored (unix seconds, 0 = none), whose it is (`tiktok`,
/// `handling`, or empty), and the business days TikTok gives it (0: the seller's default).
pub fn due_of(cal: &Calendar, o: &tiktok::types::Order) -> (i64, &'static str, i64) {
    let handling = order_handling_days(o);
    let due = deadline(cal, o.paid_time, tiktok_due(o), handling);
    (
        due.map_or(0, |d| d.at),
        due.map_or("", |d| d.source.as_str()),
        handling,
    )
}

/// The timeline entries of what TikTok already reports on an order podgate imports (it has no
/// labels yet, so there is no label clock to move): its first carrier scan and delivery.
pub fn imported_clock_events(o: &tiktok::types::Order) -> impl Iterator<Item = String> + '_ {
    reported_steps(o)
        .filter(|(when, ..)| *when > 0)
        .map(|(_, _, what)| format!("{what} (TikTok)"))
}

/// The steps of the dispatch clock TikTok reports on an order: when (0 = not yet), which, and
/// how the timeline says it.
fn reported_steps(o: &tiktok::types::Order) -> impl Iterator<Item = (i64, ClockStep, &'static str)> {
    [
        (
            o.collection_time,
            ClockStep::Scanned,
            "The carrier scanned the package: in transit",
        ),
        (o.delivery_time, ClockStep::Delivered, "Delivered"),
    ]
    .into_iter()
}

/// After an order is synced from TikTok: its deadline, and the first carrier scan and delivery
/// as TikTok reports them, recorded once on the order, on each of its labels' clocks and on the
/// timeline.
pub fn on_order_synced(
    conn: &mut AnyConnection,
    cal: &Calendar,
    order_id: i64,
    o: &tiktok::types::Order,
) -> Result<(), DomainError> {
    let (due, source, handling) = due_of(cal, o);
    clock::set_due(conn, order_id, due, source, handling)?;
    for (when, step, what) in reported_steps(o) {
        if when <= 0 || !clock::mark(conn, order_id, step, when)? {
            continue;
        }
        for p in clock::labelled_packages(conn, order_id)? {
            step::record(conn, p, step, at(when), "tiktok", "TikTok")?;
        }
        order::add_event(
            conn,
            order_id,
            "clock",
            &format!("{what} (TikTok)"),
            "tiktok",
            "system",
        )?;
    }
    Ok(())
}
