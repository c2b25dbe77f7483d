//! What the orders list shows beside each order and filters on, from the handoff: the suppliers
//! making it, its SKUs, the suppliers' answers, and the exceptions a seller must look at
//! (rejections, pull requests, late answers, labels left unhanded).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::status::{AckStatus, PULL_ANSWERS, PackageStatus};
use crate::db::schema::{batch_packages, batches, handoff_ready, order_items, packages, suppliers};

/// How long a bought label may wait for its handoff before the order counts as an exception
/// (a supplier with no cut-off, a publish forgotten).
pub const UNHANDED_HOURS: i64 = 24;

/// The handoff side of one order's row.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RowDetail {
    pub suppliers: Vec<String>,
    pub skus: Vec<String>,
    /// The answers of the suppliers holding its labels (active batch rows), e.g. `accepted`.
    pub answers: Vec<AckStatus>,
    /// When its oldest pull request still unanswered was made.
    pub pull_requested_at: Option<NaiveDateTime>,
}

/// Suppliers, SKUs, answers and open pull requests of the orders of one page, in two reads.
pub fn row_details(
    conn: &mut AnyConnection,
    order_ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, RowDetail>> {
    let mut out: std::collections::HashMap<i64, RowDetail> = Default::default();
    let items: Vec<(i64, String, Option<String>)> = order_items::table
        .left_join(suppliers::table.on(order_items::supplier_id.eq(suppliers::id.nullable())))
        .filter(crate::db::in_id_list(conn, "order_items.order_id", order_ids))
        .order(order_items::id)
        .select((
            order_items::order_id,
            order_items::seller_sku,
            suppliers::name.nullable(),
        ))
        .load(conn)?;
    for (o, sku, sup) in items {
        let d = out.entry(o).or_default();
        if !d.skus.contains(&sku) {
            d.skus.push(sku);
        }
        if let Some(s) = sup
            && !d.suppliers.contains(&s)
        {
            d.suppliers.push(s);
        }
    }
    let answers: Vec<(i64, AckStatus, Option<NaiveDateTime>)> = batch_packages::table
        .inner_join(packages::table)
        .filter(batch_packages::active.eq(true))
        .filter(crate::db::in_id_list(conn, "packages.order_id", order_ids))
        .select((
            packages::order_id,
            batch_packages::ack_status,
            batch_packages::pull_requested_at,
        ))
        .load(conn)?;
    for (o, a, pulled) in answers {
        let d = out.entry(o).or_default();
        if !d.answers.contains(&a) {
            d.answers.push(a);
        }
        // A pull request is open until the supplier answers it (pulled, or too late to).
        if let Some(t) = pulled.filter(|_| !PULL_ANSWERS.contains(&a)) {
            d.pull_requested_at = Some(d.pull_requested_at.map_or(t, |x| x.min(t)));
        }
    }
    Ok(out)
}

type Backend = <AnyConnection as diesel::Connection>::Backend;
type OrdersQuery = crate::db::schema::orders::BoxedQuery<'static, Backend>;

/// Narrows the list to orders with a label whose supplier answered `answer` (active rows).
pub fn with_answer(q: OrdersQuery, answer: AckStatus) -> OrdersQuery {
    use crate::db::schema::orders;
    let answered = batch_packages::table
        .inner_join(packages::table)
        .filter(batch_packages::active.eq(true))
        .filter(batch_packages::ack_status.eq(answer))
        .select(packages::order_id);
    q.filter(orders::id.eq_any(answered))
}

/// Narrows the list to orders a seller must look at: an exception recorded on the order, a
/// rejection, an unanswered pull request, an answer past its batch's deadline, or a bought
/// label not handed off after [`UNHANDED_HOURS`].
pub fn exceptions(q: OrdersQuery, now: NaiveDateTime) -> OrdersQuery {
    use crate::db::schema::orders;
    let needs_look = batch_packages::table
        .inner_join(packages::table)
        .inner_join(batches::table)
        .filter(batch_packages::active.eq(true))
        .filter(
            batch_packages::ack_status
                .eq(AckStatus::Rejected)
                .or(batch_packages::pull_requested_at
                    .is_not_null()
                    .and(batch_packages::ack_status.ne_all(PULL_ANSWERS)))
                .or(batch_packages::ack_status
                    .eq(AckStatus::Pending)
                    .and(batches::ack_due_at.lt(now))),
        )
        .select(packages::order_id);
    let in_batch = batch_packages::table
        .filter(batch_packages::active.eq(true))
        .select(batch_packages::package_id);
    let waited = handoff_ready::table
        .filter(handoff_ready::ready_at.lt(now - Duration::hours(UNHANDED_HOURS)))
        .select(handoff_ready::package_id);
    let unhanded = packages::table
        .filter(packages::status.eq(PackageStatus::Stored))
        .filter(packages::held_reason.is_null())
        .filter(packages::id.ne_all(in_batch))
        .filter(packages::id.eq_any(waited))
        .select(packages::order_id);
    q.filter(
        orders::exception
            .is_not_null()
            .or(orders::id.eq_any(needs_look))
            .or(orders::id.eq_any(unhanded)),
    )
}
