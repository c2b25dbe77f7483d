//! The seller's label problems on the package rows: void, re-buy, hold back after a
//! cancellation, retry failures, cancel what is not bought yet. Each is one guarded UPDATE (or
//! an INSERT under a unique key), so double clicks and races change nothing twice.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::status::{JobStatus, PackageStatus};
use crate::db::schema::{label_jobs, packages};

use super::Package;
/// Records a fresh package for units whose label was voided (an explicit re-buy). The key names
/// the voided package, so a double click plans one re-buy only.
pub fn record_rebuy(conn: &mut AnyConnection, voided: &Package, job_id: i64) -> QueryResult<Option<i64>> {
    let now = super::super::now();
    // A savepoint, so a duplicate leaves the caller's transaction usable (PostgreSQL).
    let r = crate::db::write_tx(conn, |conn| {
        diesel::insert_into(packages::table)
            .values((
                packages::workspace_id.eq(voided.workspace_id),
                packages::job_id.eq(Some(job_id)),
                packages::order_id.eq(voided.order_id),
                packages::supplier_id.eq(voided.supplier_id),
                packages::intent_key.eq(format!("{}~rebuy-of-{}", voided.intent_key, voided.id)),
                packages::line_item_ids.eq(&voided.line_item_ids),
                packages::weight_grams.eq(voided.weight_grams),
                packages::dimensions.eq(&voided.dimensions),
                packages::status.eq(PackageStatus::Planned),
                packages::created_at.eq(now),
                packages::updated_at.eq(now),
            ))
            .returning(packages::id)
            .get_result(conn)
    });
    match r {
        Ok(id) => Ok(Some(id)),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Marks a label void (only a bought or stored one; true when this call did it).
pub fn void(conn: &mut AnyConnection, id: i64, by: &str, reason: &str) -> QueryResult<bool> {
    let now = super::super::now();
    let n = diesel::update(
        packages::table
            .find(id)
            .filter(packages::status.eq_any([PackageStatus::Bought, PackageStatus::Stored])),
    )
    .set((
        packages::status.eq(PackageStatus::Voided),
        packages::voided_at.eq(Some(now)),
        packages::voided_by.eq(Some(by)),
        packages::void_reason.eq(Some(reason)),
        packages::claimed_until.eq(None::<NaiveDateTime>),
        packages::updated_at.eq(now),
    ))
    .execute(conn)?;
    if n == 1 {
        super::super::scorecard::touch(conn, &[id])?;
    }
    Ok(n == 1)
}

/// Whether TikTok's package id belongs to a label voided in podgate.
pub fn voided_tiktok_package(conn: &mut AnyConnection, tiktok_package_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        packages::table
            .filter(packages::tiktok_package_id.eq(tiktok_package_id))
            .filter(packages::status.eq(PackageStatus::Voided)),
    ))
    .get_result(conn)
}

/// An order was cancelled: packages not bought yet are cancelled, labels already bought are held
/// back from handoff with the reason. Returns how many labels were held.
pub fn hold_for_cancelled_order(conn: &mut AnyConnection, order_id: i64, reason: &str) -> QueryResult<usize> {
    let now = super::super::now();
    diesel::update(
        packages::table
            .filter(packages::order_id.eq(order_id))
            .filter(packages::status.eq(PackageStatus::Planned)),
    )
    .set((
        packages::status.eq(PackageStatus::Cancelled),
        packages::error_message.eq(Some("The order was cancelled before its label was bought.")),
        packages::updated_at.eq(now),
    ))
    .execute(conn)?;
    diesel::update(
        packages::table
            .filter(packages::order_id.eq(order_id))
            .filter(packages::status.eq_any([
                PackageStatus::Buying,
                PackageStatus::Bought,
                PackageStatus::Stored,
            ]))
            .filter(packages::held_reason.is_null()),
    )
    .set((
        packages::held_reason.eq(Some(reason)),
        packages::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Gives failed packages of a job another go (with a fresh allowance of attempts, still
/// reconciling first); returns how many.
pub fn retry_failed(conn: &mut AnyConnection, job_id: i64) -> QueryResult<usize> {
    let now = super::super::now();
    let n = diesel::update(
        packages::table
            .filter(packages::job_id.eq(job_id))
            .filter(packages::status.eq(PackageStatus::Failed))
            .filter(packages::tiktok_package_id.is_null()),
    )
    .set((
        packages::status.eq(PackageStatus::Planned),
        packages::attempts.eq(1),
        packages::claimed_until.eq(None::<NaiveDateTime>),
        packages::updated_at.eq(now),
    ))
    .execute(conn)?;
    let m = diesel::update(
        packages::table
            .filter(packages::job_id.eq(job_id))
            .filter(packages::status.eq(PackageStatus::Failed))
            .filter(packages::tiktok_package_id.is_not_null()),
    )
    .set((
        packages::status.eq(PackageStatus::Bought),
        packages::attempts.eq(1),
        packages::claimed_until.eq(None::<NaiveDateTime>),
        packages::updated_at.eq(now),
    ))
    .execute(conn)?;
    if n + m > 0 {
        diesel::update(label_jobs::table.find(job_id))
            .set((
                label_jobs::status.eq(JobStatus::Running),
                label_jobs::finished_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    }
    Ok(n + m)
}

/// Cancels the packages of a job nobody is buying right now (planned, or waiting to retry);
/// packages being bought finish. Returns how many were cancelled.
pub fn cancel_remaining(conn: &mut AnyConnection, job_id: i64) -> QueryResult<usize> {
    let now = super::super::now();
    diesel::update(
        packages::table
            .filter(packages::job_id.eq(job_id))
            .filter(packages::status.eq(PackageStatus::Planned)),
    )
    .set((
        packages::status.eq(PackageStatus::Cancelled),
        packages::error_message.eq(Some(
            "Cancelled before purchase: select the order again to buy it.",
        )),
        packages::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Gives a package (and its units) to another supplier.
pub fn move_to_supplier(
    conn: &mut AnyConnection,
    id: i64,
    supplier_id: i64,
    units: &[i64],
) -> QueryResult<()> {
    use crate::db::schema::order_items;
    diesel::update(packages::table.find(id))
        .set((
            packages::supplier_id.eq(supplier_id),
            packages::updated_at.eq(super::super::now()),
        ))
        .execute(conn)?;
    diesel::update(order_items::table.filter(order_items::id.eq_any(units)))
        .set((
            order_items::supplier_id.eq(Some(supplier_id)),
            order_items::routed_by.eq("manual"),
        ))
        .execute(conn)?;
    super::super::scorecard::touch(conn, &[id])?;
    super::mark_handoff_ready(conn, id)
}
