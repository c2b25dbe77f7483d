//! A supplier's answers on the packages of its batches: the current answer on the batch row,
//! every change appended to `ack_events`; a package taken out, or asked back (pulled).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{AckStatus, BatchPackage};
use crate::db::AnyConnection;
use crate::db::schema::{ack_events, batch_packages, packages};

/// One acknowledgement as recorded (never overwritten).
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = ack_events)]
pub struct AckEvent {
    pub id: i64,
    pub batch_package_id: i64,
    pub status: AckStatus,
    pub previous_status: AckStatus,
    pub reason: Option<String>,
    pub expected_date: Option<String>,
    pub actor: String,
    pub channel: String,
    pub created_at: NaiveDateTime,
}

/// Records a new answer as the current one and appends it to the history.
pub fn set_ack(
    conn: &mut AnyConnection,
    bp: &BatchPackage,
    status: &str,
    reason: Option<&str>,
    expected_date: Option<&str>,
    actor: &str,
    channel: &str,
) -> QueryResult<()> {
    let now = crate::db::models::now();
    diesel::update(batch_packages::table.find(bp.id))
        .set((
            batch_packages::ack_status.eq(status),
            batch_packages::ack_reason.eq(reason),
            batch_packages::ack_expected_date.eq(expected_date),
            batch_packages::ack_by.eq(Some(actor)),
            batch_packages::ack_channel.eq(Some(channel)),
            batch_packages::ack_at.eq(Some(now)),
        ))
        .execute(conn)?;
    diesel::insert_into(ack_events::table)
        .values((
            ack_events::batch_package_id.eq(bp.id),
            ack_events::status.eq(status),
            ack_events::previous_status.eq(&bp.ack_status),
            ack_events::reason.eq(reason),
            ack_events::expected_date.eq(expected_date),
            ack_events::actor.eq(actor),
            ack_events::channel.eq(channel),
            ack_events::created_at.eq(now),
        ))
        .execute(conn)?;
    // A rejection (or an answer changed from one) changes the supplier's scorecard.
    crate::db::models::scorecard::touch(conn, &[bp.package_id])
}

/// The answers recorded for a batch's packages, oldest first.
pub fn ack_history(conn: &mut AnyConnection, batch_id: i64) -> QueryResult<Vec<AckEvent>> {
    ack_events::table
        .inner_join(batch_packages::table)
        .filter(batch_packages::batch_id.eq(batch_id))
        .order(ack_events::id)
        .select(AckEvent::as_select())
        .load(conn)
}

/// Takes a package out of its batch (re-routed or voided); its history stays.
pub fn deactivate(conn: &mut AnyConnection, bp_id: i64) -> QueryResult<usize> {
    let package: Vec<i64> = diesel::update(batch_packages::table.find(bp_id))
        .set(batch_packages::active.eq(false))
        .returning(batch_packages::package_id)
        .get_results(conn)?;
    crate::db::models::scorecard::touch(conn, &package)?;
    Ok(package.len())
}

/// Asks the supplier to pull the sealed packages of a cancelled order; returns the rows asked.
pub fn request_pull(conn: &mut AnyConnection, order_id: i64) -> QueryResult<Vec<BatchPackage>> {
    let ids: Vec<i64> = packages::table
        .filter(packages::order_id.eq(order_id))
        .select(packages::id)
        .load(conn)?;
    let rows: Vec<BatchPackage> = batch_packages::table
        .filter(batch_packages::package_id.eq_any(&ids))
        .filter(batch_packages::active.eq(true))
        .filter(batch_packages::pull_requested_at.is_null())
        .select(BatchPackage::as_select())
        .load(conn)?;
    if !rows.is_empty() {
        diesel::update(batch_packages::table.filter(batch_packages::id.eq_any(rows.iter().map(|r| r.id))))
            .set(batch_packages::pull_requested_at.eq(Some(crate::db::models::now())))
            .execute(conn)?;
    }
    Ok(rows)
}

/// Asks the supplier to pull these batch rows (unless asked already).
pub fn request_pull_rows(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<usize> {
    diesel::update(
        batch_packages::table
            .filter(batch_packages::id.eq_any(ids))
            .filter(batch_packages::pull_requested_at.is_null()),
    )
    .set(batch_packages::pull_requested_at.eq(Some(crate::db::models::now())))
    .execute(conn)
}
