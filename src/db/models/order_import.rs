//! Writing TikTok's copies of orders. Orders podgate has never seen go in a page at a time with
//! a few multi-row statements (a big shop's first sync is 100,000 of them, and each statement is
//! a round trip on PostgreSQL); a known order is updated on its own; an older copy never
//! overwrites a newer one, so applying the same copy twice changes nothing.

use std::collections::HashMap;

use diesel::prelude::*;

use super::order::Order;
use crate::db::AnyConnection;
use crate::db::schema::{order_items, orders};
use tiktok::types as tt;

/// What applying TikTok's copy of a known order changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upserted {
    /// The status changed (old, new).
    StatusChanged(i64, String, String),
    /// Refreshed without a status change.
    Refreshed(i64),
    /// The stored copy is newer (an out-of-order webhook or overlap): nothing changed.
    Stale(i64),
}

impl Upserted {
    /// The order it is about.
    pub fn order_id(&self) -> i64 {
        match self {
            Upserted::StatusChanged(id, ..) | Upserted::Refreshed(id) | Upserted::Stale(id) => *id,
        }
    }
}

/// `none`, `partial` or `bought`: how many of the order's units TikTok shows with a label.
fn label_state(items: &[tt::LineItem]) -> &'static str {
    let with = items
        .iter()
        .filter(|i| i.tracking_number.as_deref().is_some_and(|t| !t.is_empty()))
        .count();
    match with {
        0 => "none",
        n if n == items.len() => "bought",
        _ => "partial",
    }
}

/// Ids per `IN (…)` list and rows per multi-row `INSERT`: well under SQLite's bound-parameter
/// limit (23 columns × 200 rows) and PostgreSQL's.
const CHUNK: usize = 200;

/// The stored copies of some of a shop's orders, by TikTok order id, in one read per 200.
pub fn known(
    conn: &mut AnyConnection,
    shop_id: i64,
    tiktok_ids: &[&str],
) -> QueryResult<HashMap<String, Order>> {
    let mut out = HashMap::with_capacity(tiktok_ids.len());
    for chunk in tiktok_ids.chunks(CHUNK) {
        let found: Vec<Order> = orders::table
            .filter(orders::shop_id.eq(shop_id))
            .filter(orders::tiktok_order_id.eq_any(chunk))
            .select(Order::as_select())
            .load(conn)?;
        out.extend(found.into_iter().map(|o| (o.tiktok_order_id.clone(), o)));
    }
    Ok(out)
}

/// An order podgate has not seen, with the deadline the dispatch clock gave it and where the
/// rules route it.
pub struct NewOrder<'a> {
    pub tiktok: &'a tt::Order,
    pub dispatch_due: i64,
    pub dispatch_due_source: &'static str,
    pub handling_days: i64,
    /// Per line item, in TikTok's order: supplier, rule, `rule` or `none`.
    pub units: Vec<(Option<i64>, Option<i64>, &'static str)>,
    /// `routed`, `partial` or `unrouted`.
    pub routing: &'static str,
}

/// Inserts new orders (distinct TikTok ids, none stored yet) and their units with one statement
/// per 200 rows; returns their ids in the same order.
pub fn insert_new(
    conn: &mut AnyConnection,
    workspace_id: i64,
    shop_id: i64,
    new: &[NewOrder],
) -> QueryResult<Vec<i64>> {
    let now = super::now();
    let recipients: Vec<String> = new
        .iter()
        .map(|n| serde_json::to_string(&n.tiktok.recipient_address).unwrap_or_default())
        .collect();
    let mut ids: HashMap<&str, i64> = HashMap::with_capacity(new.len());
    for (chunk, recipients) in new.chunks(CHUNK).zip(recipients.chunks(CHUNK)) {
        let rows: Vec<_> = chunk
            .iter()
            .zip(recipients)
            .map(|(n, recipient)| {
                let o = n.tiktok;
                (
                    (
                        orders::workspace_id.eq(workspace_id),
                        orders::shop_id.eq(shop_id),
                        orders::tiktok_order_id.eq(&o.id),
                        orders::status.eq(&o.status),
                        orders::create_time.eq(o.create_time),
                        orders::update_time.eq(o.update_time),
                        orders::paid_time.eq(o.paid_time),
                        orders::ship_by.eq(o.rts_sla_time),
                        orders::recipient_name.eq(&o.recipient_address.name),
                        orders::recipient_json.eq(recipient),
                        orders::buyer_message.eq(&o.buyer_message),
                    ),
                    (
                        orders::total_amount.eq(&o.payment.total_amount),
                        orders::currency.eq(&o.payment.currency),
                        orders::item_count.eq(o.line_items.len() as i64),
                        orders::label_state.eq(label_state(&o.line_items)),
                        orders::synced_at.eq(now),
                        orders::warehouse_id.eq(&o.warehouse_id),
                        orders::dispatch_due.eq(n.dispatch_due),
                        orders::dispatch_due_source.eq(n.dispatch_due_source),
                        orders::handling_days.eq(n.handling_days),
                        orders::collected_at.eq(o.collection_time.max(0)),
                        orders::delivered_at.eq(o.delivery_time.max(0)),
                        orders::routing.eq(n.routing),
                    ),
                )
            })
            .collect();
        let inserted: Vec<(i64, String)> =
            crate::db::on_backend!(conn, |c| diesel::insert_into(orders::table)
                .values(&rows)
                .returning((orders::id, orders::tiktok_order_id))
                .get_results(c))?;
        for (id, tiktok_id) in inserted {
            if let Some(n) = chunk.iter().find(|n| n.tiktok.id == tiktok_id) {
                ids.insert(n.tiktok.id.as_str(), id);
            }
        }
    }
    let ids: Vec<i64> = new
        .iter()
        .map(|n| {
            ids.get(n.tiktok.id.as_str())
                .copied()
                .ok_or(diesel::result::Error::NotFound)
        })
        .collect::<QueryResult<_>>()?;
    let units: Vec<Unit> = new
        .iter()
        .zip(&ids)
        .flat_map(|(n, id)| {
            n.tiktok
                .line_items
                .iter()
                .zip(&n.units)
                .map(move |(li, to)| (*id, li, to))
        })
        .collect();
    insert_units(conn, &units)?;
    Ok(ids)
}

/// A unit to insert: its order, TikTok's line item, and where it is routed.
type Unit<'b> = (
    i64,
    &'b tt::LineItem,
    &'b (Option<i64>, Option<i64>, &'static str),
);

/// Inserts units with one statement per 200.
fn insert_units(conn: &mut AnyConnection, units: &[Unit]) -> QueryResult<()> {
    for chunk in units.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(order_id, li, (supplier, rule, by))| {
                (
                    order_items::order_id.eq(*order_id),
                    order_items::tiktok_line_item_id.eq(&li.id),
                    order_items::sku_id.eq(&li.sku_id),
                    order_items::seller_sku.eq(&li.seller_sku),
                    order_items::product_name.eq(&li.product_name),
                    order_items::sku_name.eq(&li.sku_name),
                    order_items::image_url.eq(&li.sku_image),
                    order_items::sale_price.eq(&li.sale_price),
                    order_items::status.eq(&li.display_status),
                    order_items::tiktok_package_id.eq(&li.package_id),
                    order_items::tracking_number.eq(&li.tracking_number),
                    order_items::supplier_id.eq(supplier),
                    order_items::rule_id.eq(rule),
                    order_items::routed_by.eq(*by),
                )
            })
            .collect();
        crate::db::on_backend!(conn, |c| diesel::insert_into(order_items::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

/// Applies TikTok's copy of a stored order and its units, unless the stored copy is newer.
pub fn update_from_tiktok(conn: &mut AnyConnection, e: &Order, o: &tt::Order) -> QueryResult<Upserted> {
    if e.update_time > o.update_time || (e.update_time == o.update_time && e.status == o.status) {
        return Ok(Upserted::Stale(e.id));
    }
    let recipient = serde_json::to_string(&o.recipient_address).unwrap_or_default();
    // A hidden address (ON_HOLD) must not erase one we already have.
    let keep_address = o.recipient_address.name.is_empty() && !e.recipient_name.is_empty();
    diesel::update(orders::table.find(e.id))
        .set((
            orders::status.eq(&o.status),
            orders::update_time.eq(o.update_time),
            orders::paid_time.eq(o.paid_time),
            orders::ship_by.eq(o.rts_sla_time),
            orders::recipient_name.eq(if keep_address {
                &e.recipient_name
            } else {
                &o.recipient_address.name
            }),
            orders::recipient_json.eq(if keep_address {
                &e.recipient_json
            } else {
                &recipient
            }),
            orders::total_amount.eq(&o.payment.total_amount),
            orders::label_state.eq(label_state(&o.line_items)),
            orders::synced_at.eq(super::now()),
            orders::warehouse_id.eq(&o.warehouse_id),
        ))
        .execute(conn)?;
    for li in &o.line_items {
        upsert_item(conn, e.id, li)?;
    }
    Ok(if e.status != o.status {
        Upserted::StatusChanged(e.id, e.status.clone(), o.status.clone())
    } else {
        Upserted::Refreshed(e.id)
    })
}

fn upsert_item(conn: &mut AnyConnection, order_id: i64, li: &tt::LineItem) -> QueryResult<()> {
    let existing = order_items::table
        .filter(order_items::order_id.eq(order_id))
        .filter(order_items::tiktok_line_item_id.eq(&li.id))
        .select(order_items::id)
        .first::<i64>(conn)
        .optional()?;
    match existing {
        Some(id) => {
            diesel::update(order_items::table.find(id))
                .set((
                    order_items::status.eq(&li.display_status),
                    order_items::tiktok_package_id.eq(&li.package_id),
                    order_items::tracking_number.eq(&li.tracking_number),
                ))
                .execute(conn)?;
        }
        None => insert_units(conn, &[(order_id, li, &(None, None, "none"))])?,
    }
    Ok(())
}
