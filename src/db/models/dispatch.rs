//! Storage of the dispatch clock on orders: the in-transit deadline, the first carrier scan and
//! delivery (each set once), the labels a clock step applies to, and the queue of labels not yet
//! scanned, read from the `orders_dispatch` (workspace, scan, deadline, status) and
//! `packages_order_idx` (order, status, supplier) indexes alone.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::status::{ClockStep, PackageStatus};
use crate::db::schema::{batch_packages, batches, orders, packages, suppliers};

/// Sets an order's in-transit deadline and its own handling days; whether they changed. Only a
/// change notes the order's labels for the scorecard: every sync of an order calls this.
pub fn set_due(
    conn: &mut AnyConnection,
    order_id: i64,
    due: i64,
    source: &str,
    handling_days: i64,
) -> QueryResult<bool> {
    let n = diesel::update(
        orders::table.find(order_id).filter(
            orders::dispatch_due
                .ne(due)
                .or(orders::dispatch_due_source.ne(source))
                .or(orders::handling_days.ne(handling_days)),
        ),
    )
    .set((
        orders::dispatch_due.eq(due),
        orders::dispatch_due_source.eq(source),
        orders::handling_days.eq(handling_days),
    ))
    .execute(conn)?;
    if n == 1 {
        super::scorecard::touch_order(conn, order_id)?;
    }
    Ok(n == 1)
}

/// Records the first carrier scan or the delivery on an order, once: whether it was new.
pub fn mark(conn: &mut AnyConnection, order_id: i64, step: ClockStep, at: i64) -> QueryResult<bool> {
    let n = match step {
        ClockStep::Scanned => diesel::update(
            orders::table
                .filter(orders::id.eq(order_id))
                .filter(orders::collected_at.eq(0)),
        )
        .set(orders::collected_at.eq(at))
        .execute(conn)?,
        ClockStep::Delivered => diesel::update(
            orders::table
                .filter(orders::id.eq(order_id))
                .filter(orders::delivered_at.eq(0)),
        )
        .set(orders::delivered_at.eq(at))
        .execute(conn)?,
        _ => 0,
    };
    // The scorecard hears of it through the step recorded on each label (`step::record`).
    Ok(n == 1)
}

/// The order's packages that have a label (bought or stored; not voided or cancelled).
pub fn labelled_packages(conn: &mut AnyConnection, order_id: i64) -> QueryResult<Vec<i64>> {
    packages::table
        .filter(packages::order_id.eq(order_id))
        .filter(packages::status.eq_any([PackageStatus::Bought, PackageStatus::Stored]))
        .select(packages::id)
        .load(conn)
}

/// A label waiting for its first carrier scan.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct Unscanned {
    pub package_id: i64,
    pub tiktok_package_id: Option<String>,
    pub tracking_number: Option<String>,
    pub order_id: i64,
    pub tiktok_order_id: String,
    pub dispatch_due: i64,
    pub dispatch_due_source: String,
    pub supplier: String,
}

/// A page of labels not scanned yet, the most urgent first, then those without a deadline.
/// Read along `orders_dispatch` in deadline order (never sorting every waiting label).
pub fn unscanned(conn: &mut AnyConnection, workspace_id: i64, limit: i64) -> QueryResult<Vec<Unscanned>> {
    let page = |conn: &mut AnyConnection, with_due: bool, limit: i64| {
        let q = orders::table
            .inner_join(packages::table.on(packages::order_id.eq(orders::id)))
            .inner_join(suppliers::table.on(suppliers::id.eq(packages::supplier_id)))
            .filter(orders::workspace_id.eq(workspace_id))
            .filter(orders::collected_at.eq(0))
            .filter(orders::status.ne("CANCELLED"))
            .filter(packages::status.eq_any([PackageStatus::Bought, PackageStatus::Stored]))
            .order((orders::dispatch_due.asc(), packages::id.asc()))
            .limit(limit)
            .select((
                packages::id,
                packages::tiktok_package_id,
                packages::tracking_number,
                orders::id,
                orders::tiktok_order_id,
                orders::dispatch_due,
                orders::dispatch_due_source,
                suppliers::name,
            ))
            .into_boxed();
        if with_due {
            q.filter(orders::dispatch_due.gt(0)).load::<Unscanned>(conn)
        } else {
            q.filter(orders::dispatch_due.eq(0)).load::<Unscanned>(conn)
        }
    };
    let mut rows = page(conn, true, limit)?;
    let left = limit - rows.len() as i64;
    if left > 0 {
        rows.extend(page(conn, false, left)?);
    }
    Ok(rows)
}

/// The deadline of every label not scanned yet (0: none), read from the indexes alone.
pub fn unscanned_dues(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<i64>> {
    orders::table
        .inner_join(packages::table.on(packages::order_id.eq(orders::id)))
        .filter(orders::workspace_id.eq(workspace_id))
        .filter(orders::collected_at.eq(0))
        .filter(orders::status.ne("CANCELLED"))
        .filter(packages::status.eq_any([PackageStatus::Bought, PackageStatus::Stored]))
        .select(orders::dispatch_due)
        .load(conn)
}

/// How many labels are not scanned yet, and how many of them are past their deadline (one
/// pass over the indexes: `count` of a CASE counts only the late ones).
pub fn unscanned_counts(conn: &mut AnyConnection, workspace_id: i64, now: i64) -> QueryResult<(i64, i64)> {
    use diesel::dsl::{case_when, count, count_star};
    orders::table
        .inner_join(packages::table.on(packages::order_id.eq(orders::id)))
        .filter(orders::workspace_id.eq(workspace_id))
        .filter(orders::collected_at.eq(0))
        .filter(orders::status.ne("CANCELLED"))
        .filter(packages::status.eq_any([PackageStatus::Bought, PackageStatus::Stored]))
        .select((
            count_star(),
            count(case_when(
                orders::dispatch_due.gt(0).and(orders::dispatch_due.lt(now)),
                orders::id,
            )),
        ))
        .first(conn)
}

/// The batch number each of these packages is in (its active row), if any.
pub fn batches_of(conn: &mut AnyConnection, package_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    batch_packages::table
        .inner_join(batches::table.on(batches::id.eq(batch_packages::batch_id)))
        .filter(batch_packages::package_id.eq_any(package_ids))
        .filter(batch_packages::active.eq(true))
        .select((batch_packages::package_id, batches::seq))
        .load(conn)
}

/// Orders whose deadline is the seller's handling time and that are not in transit yet:
/// (id, paid time, the order's own handling days), for when the seller's calendar changes.
pub fn open_handling_orders(
    conn: &mut AnyConnection,
    workspace_id: i64,
) -> QueryResult<Vec<(i64, i64, i64)>> {
    orders::table
        .filter(orders::workspace_id.eq(workspace_id))
        .filter(orders::collected_at.eq(0))
        .filter(orders::dispatch_due_source.eq("handling"))
        .select((orders::id, orders::paid_time, orders::handling_days))
        .load(conn)
}

/// A label not scanned yet whose deadline falls before `until`, with its supplier.
#[derive(Debug, Clone, Queryable)]
pub struct DueSoon {
    pub package_id: i64,
    pub supplier_id: i64,
    pub order_id: i64,
    pub tiktok_order_id: String,
    pub tiktok_package_id: Option<String>,
    pub tracking_number: Option<String>,
    pub dispatch_due: i64,
}

/// Labels not scanned yet with a deadline before `until` (past ones included), by deadline.
pub fn due_before(conn: &mut AnyConnection, workspace_id: i64, until: i64) -> QueryResult<Vec<DueSoon>> {
    orders::table
        .inner_join(packages::table.on(packages::order_id.eq(orders::id)))
        .filter(orders::workspace_id.eq(workspace_id))
        .filter(orders::collected_at.eq(0))
        .filter(orders::dispatch_due.gt(0))
        .filter(orders::dispatch_due.le(until))
        .filter(orders::status.ne("CANCELLED"))
        .filter(packages::status.eq_any([PackageStatus::Bought, PackageStatus::Stored]))
        .order((orders::dispatch_due.asc(), packages::id.asc()))
        .select((
            packages::id,
            packages::supplier_id,
            orders::id,
            orders::tiktok_order_id,
            packages::tiktok_package_id,
            packages::tracking_number,
            orders::dispatch_due,
        ))
        .load(conn)
}

/// Records an escalation of a label at a threshold unless it was sent: whether it is new (a
/// unique index: two processes never both send it).
pub fn record_alert(
    conn: &mut AnyConnection,
    package_id: i64,
    hours: i64,
    at: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    use crate::db::schema::dispatch_alerts as a;
    let row = (
        a::package_id.eq(package_id),
        a::hours.eq(hours),
        a::sent_at.eq(at),
    );
    let target = (a::package_id, a::hours);
    let n = crate::db::on_backend!(conn, |c| diesel::insert_into(a::table)
        .values(row)
        .on_conflict(target)
        .do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

/// A supplier's labels not scanned yet: how many are due within `within` seconds of `now`, and
/// how many are past their deadline.
pub fn supplier_counts(
    conn: &mut AnyConnection,
    supplier_id: i64,
    now: i64,
    within: i64,
) -> QueryResult<(i64, i64)> {
    let base = || {
        orders::table
            .inner_join(packages::table.on(packages::order_id.eq(orders::id)))
            .filter(packages::supplier_id.eq(supplier_id))
            .filter(orders::collected_at.eq(0))
            .filter(orders::dispatch_due.gt(0))
            .filter(orders::status.ne("CANCELLED"))
            // Two equalities, not `eq_any`: Diesel prepares an `IN` list again on every use.
            .filter(
                packages::status
                    .eq(PackageStatus::Bought)
                    .or(packages::status.eq(PackageStatus::Stored)),
            )
    };
    let late = base()
        .filter(orders::dispatch_due.lt(now))
        .count()
        .get_result(conn)?;
    let soon = base()
        .filter(orders::dispatch_due.ge(now))
        .filter(orders::dispatch_due.le(now + within))
        .count()
        .get_result(conn)?;
    Ok((soon, late))
}

/// The escalations already sent for these labels: (package id, hours).
pub fn alerts_sent(conn: &mut AnyConnection, package_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    use crate::db::schema::dispatch_alerts as a;
    a::table
        .filter(a::package_id.eq_any(package_ids))
        .select((a::package_id, a::hours))
        .load(conn)
}

/// A label bought since a time, with its supplier and its order's clock.
#[derive(Debug, Clone, Queryable)]
pub struct Bought {
    pub package_id: i64,
    pub supplier_id: i64,
    pub supplier: String,
    pub bought_at: chrono::NaiveDateTime,
    pub dispatch_due: i64,
    pub collected_at: i64,
    pub tiktok_order_id: String,
    pub tiktok_package_id: Option<String>,
    pub tracking_number: Option<String>,
}

/// The workspace's labels bought from `since` until before `until` (their `bought` step; read
/// along `package_steps_by_time`), not voided.
pub fn bought_between(
    conn: &mut AnyConnection,
    workspace_id: i64,
    supplier: Option<i64>,
    since: chrono::NaiveDateTime,
    until: Option<chrono::NaiveDateTime>,
) -> QueryResult<Vec<Bought>> {
    use crate::db::schema::package_steps as s;
    let mut q = s::table
        .inner_join(packages::table.on(packages::id.eq(s::package_id)))
        .inner_join(orders::table.on(orders::id.eq(packages::order_id)))
        .inner_join(suppliers::table.on(suppliers::id.eq(packages::supplier_id)))
        .filter(packages::workspace_id.eq(workspace_id))
        .filter(s::step.eq(ClockStep::Bought))
        .filter(s::at.ge(since))
        .filter(packages::status.ne(PackageStatus::Voided))
        .order(s::at.asc())
        .select((
            packages::id,
            packages::supplier_id,
            suppliers::name,
            s::at,
            orders::dispatch_due,
            orders::collected_at,
            orders::tiktok_order_id,
            packages::tiktok_package_id,
            packages::tracking_number,
        ))
        .into_boxed();
    if let Some(sup) = supplier {
        q = q.filter(packages::supplier_id.eq(sup));
    }
    if let Some(until) = until {
        q = q.filter(s::at.lt(until));
    }
    q.load(conn)
}

/// The rejection reason of each of these labels the supplier rejected (its active batch row).
pub fn rejections_of(conn: &mut AnyConnection, package_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    batch_packages::table
        .filter(batch_packages::package_id.eq_any(package_ids))
        .filter(batch_packages::ack_status.eq(crate::db::models::status::AckStatus::Rejected))
        .select((batch_packages::package_id, batch_packages::ack_reason))
        .load::<(i64, Option<String>)>(conn)
        .map(|v| v.into_iter().map(|(id, r)| (id, r.unwrap_or_default())).collect())
}
