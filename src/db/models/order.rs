//! Orders synced from TikTok, their per-unit line items, and the timeline of every event.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::order_search::NameIndex;
use crate::db::AnyConnection;
use crate::db::schema::{order_events, order_items, orders};
use tiktok::types as tt;

/// An order row.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = orders)]
pub struct Order {
    pub id: i64,
    pub workspace_id: i64,
    pub shop_id: i64,
    pub tiktok_order_id: String,
    pub status: String,
    pub create_time: i64,
    pub update_time: i64,
    pub paid_time: i64,
    /// TikTok's `rts_sla_time`: ship by then or the order is cancelled (0 = not set yet).
    pub ship_by: i64,
    pub recipient_name: String,
    #[serde(skip)]
    pub recipient_json: String,
    pub buyer_message: String,
    pub total_amount: String,
    pub currency: String,
    pub item_count: i64,
    /// `none`, `partial` or `bought`.
    pub label_state: String,
    /// A problem the seller must look at (e.g. cancelled after its label was bought).
    pub exception: Option<String>,
    pub synced_at: NaiveDateTime,
    /// `routed`, `partial` or `unrouted`.
    pub routing: String,
    /// A shipping service (name or carrier) the seller chose for this order, over the rules.
    pub service_override: Option<String>,
    /// The TikTok warehouse its labels ship from (empty until synced).
    pub warehouse_id: String,
    /// When it must be in transit (a carrier scan), unix seconds (0 = no deadline yet).
    pub dispatch_due: i64,
    /// Whose deadline that is: `tiktok` (the order's own) or `handling` (the seller's handling
    /// time in business days).
    pub dispatch_due_source: String,
    /// Business days TikTok gives a made-to-order order (0: the seller's default applies).
    pub handling_days: i64,
    /// The first carrier scan (TikTok's `collection_time`), unix seconds; 0 = not yet.
    pub collected_at: i64,
    /// Delivery (TikTok's `delivery_time`), unix seconds; 0 = not yet.
    pub delivered_at: i64,
}

impl Order {
    /// The recipient address as TikTok sent it.
    pub fn recipient(&self) -> tt::Address {
        serde_json::from_str(&self.recipient_json).unwrap_or_default()
    }
}

/// What a row of the orders list (and its CSV) shows of an order: the list reads these columns
/// only, not the recipient's address or the dispatch details of 51 orders a page.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
pub struct ListedOrder {
    pub id: i64,
    pub shop_id: i64,
    pub tiktok_order_id: String,
    pub status: String,
    pub create_time: i64,
    pub ship_by: i64,
    pub recipient_name: String,
    pub total_amount: String,
    pub currency: String,
    pub item_count: i64,
    pub label_state: String,
    pub exception: Option<String>,
    pub routing: String,
}

/// One unit of one SKU.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = order_items)]
pub struct OrderItem {
    pub id: i64,
    pub order_id: i64,
    pub tiktok_line_item_id: String,
    pub sku_id: String,
    pub seller_sku: String,
    pub product_name: String,
    pub sku_name: String,
    pub image_url: String,
    pub sale_price: String,
    pub status: String,
    pub tiktok_package_id: Option<String>,
    pub tracking_number: Option<String>,
    pub supplier_id: Option<i64>,
    pub rule_id: Option<i64>,
    /// `rule`, `manual` or `none`.
    pub routed_by: String,
}

/// A timeline entry.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = order_events)]
pub struct OrderEvent {
    pub id: i64,
    pub order_id: i64,
    pub kind: String,
    pub detail: String,
    pub actor: String,
    pub channel: String,
    pub created_at: NaiveDateTime,
}

/// Appends a timeline entry.
pub fn add_event(
    conn: &mut AnyConnection,
    order_id: i64,
    kind: &str,
    detail: &str,
    actor: &str,
    channel: &str,
) -> QueryResult<usize> {
    diesel::insert_into(order_events::table)
        .values((
            order_events::order_id.eq(order_id),
            order_events::kind.eq(kind),
            order_events::detail.eq(detail),
            order_events::actor.eq(actor),
            order_events::channel.eq(channel),
            order_events::created_at.eq(super::now()),
        ))
        .execute(conn)
}

/// A timeline entry to append: order, kind, detail, actor, channel.
pub type NewEvent<'a> = (i64, &'a str, String, &'a str, &'a str);

/// Appends many timeline entries with one statement per 500 (a page of a sync).
pub fn add_events(conn: &mut AnyConnection, events: &[NewEvent]) -> QueryResult<()> {
    let now = super::now();
    for chunk in events.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(order_id, kind, detail, actor, channel)| {
                (
                    order_events::order_id.eq(*order_id),
                    order_events::kind.eq(*kind),
                    order_events::detail.eq(detail),
                    order_events::actor.eq(*actor),
                    order_events::channel.eq(*channel),
                    order_events::created_at.eq(now),
                )
            })
            .collect();
        crate::db::on_backend!(conn, |c| diesel::insert_into(order_events::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

/// Sets or clears the seller's shipping service choice for an order.
pub fn set_service_override(
    conn: &mut AnyConnection,
    order_id: i64,
    service: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(orders::table.find(order_id))
        .set(orders::service_override.eq(service))
        .execute(conn)
}

/// Sets or clears the order's exception.
pub fn set_exception(conn: &mut AnyConnection, order_id: i64, exception: Option<&str>) -> QueryResult<usize> {
    diesel::update(orders::table.find(order_id))
        .set(orders::exception.eq(exception))
        .execute(conn)
}

/// Filters of the orders list; all optional.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub shop_id: Option<i64>,
    pub status: Option<String>,
    pub label_state: Option<String>,
    /// Orders that must ship before this Unix time (and are not shipped yet).
    pub ship_by_before: Option<i64>,
    /// Orders still to ship, the most urgent first (the ship-by index), instead of newest first.
    pub urgent_first: bool,
    pub exceptions_only: bool,
    /// Orders with a pull request their supplier has not answered.
    pub pulls_open: bool,
    /// Orders with a label its supplier answered so (`pending`: not answered yet).
    pub answer: Option<super::status::AckStatus>,
    /// Orders with at least one unit routed to this supplier.
    pub supplier_id: Option<i64>,
    /// `routed`, `partial` or `unrouted`.
    pub routing: Option<String>,
    /// Order id, seller SKU prefix or recipient name.
    pub query: Option<String>,
    /// Keyset cursor: the last row of the previous page ((create_time or ship_by), id).
    pub after: Option<(i64, i64)>,
    pub limit: i64,
}

type Backend = <AnyConnection as diesel::Connection>::Backend;

/// One page of a workspace's orders, newest first (or the most urgent first), by keyset (fast
/// at any depth).
pub fn list(conn: &mut AnyConnection, workspace_id: i64, f: &ListFilter) -> QueryResult<Vec<ListedOrder>> {
    let q = matching(workspace_id, f, NameIndex::of(conn));
    if by_ship_by(f) {
        let mut q = q;
        if let Some((t, id)) = f.after {
            // The bound alone first: the index is entered at the cursor (SQLite does not for
            // an OR), then the tie on the same deadline is settled by id.
            q = q.filter(orders::ship_by.ge(t)).filter(
                orders::ship_by
                    .gt(t)
                    .or(orders::ship_by.eq(t).and(orders::id.gt(id))),
            );
        }
        return q
            .order((orders::ship_by.asc(), orders::id.asc()))
            .limit(f.limit)
            .select(ListedOrder::as_select())
            .load(conn);
    }
    let mut q = q;
    if let Some((t, id)) = f.after {
        q = q.filter(orders::create_time.le(t)).filter(
            orders::create_time
                .lt(t)
                .or(orders::create_time.eq(t).and(orders::id.lt(id))),
        );
    }
    q.order((orders::create_time.desc(), orders::id.desc()))
        .limit(f.limit)
        .select(ListedOrder::as_select())
        .load(conn)
}

/// How many of the workspace's orders the filter matches (every page, not this one): from the
/// tallies the database keeps when the filter is only shop, status and label state (the first
/// page, the status chips), else by counting the matching orders.
pub fn count_matching(conn: &mut AnyConnection, workspace_id: i64, f: &ListFilter) -> QueryResult<i64> {
    match tally_filter(f) {
        Some(t) => super::order_tally::count(conn, workspace_id, &t),
        None => matching(workspace_id, f, NameIndex::of(conn))
            .count()
            .get_result(conn),
    }
}

/// The filter as a tally can answer it, when it can.
fn tally_filter(f: &ListFilter) -> Option<super::order_tally::TallyFilter> {
    let ListFilter {
        shop_id,
        status,
        label_state,
        ship_by_before,
        urgent_first,
        exceptions_only,
        pulls_open,
        answer,
        supplier_id,
        routing,
        query,
        after: _,
        limit: _,
    } = f;
    let plain = ship_by_before.is_none()
        && !urgent_first
        && !exceptions_only
        && !pulls_open
        && answer.is_none()
        && supplier_id.is_none()
        && routing.is_none()
        && query.as_deref().is_none_or(|q| q.trim().is_empty());
    plain.then(|| super::order_tally::TallyFilter {
        shop_id: *shop_id,
        status: status.clone(),
        label_state: label_state.clone(),
    })
}

/// The ids of every order the filter matches (at most `cap`), oldest first: "all N matching"
/// as one purchase, in the order the seller would have bought them page by page.
pub fn matching_ids(
    conn: &mut AnyConnection,
    workspace_id: i64,
    f: &ListFilter,
    cap: i64,
) -> QueryResult<Vec<i64>> {
    matching(workspace_id, f, NameIndex::of(conn))
        .order((orders::create_time.asc(), orders::id.asc()))
        .limit(cap)
        .select(orders::id)
        .load(conn)
}

/// Whether the list runs along ship-by (a deadline filter or "most urgent first").
fn by_ship_by(f: &ListFilter) -> bool {
    f.ship_by_before.is_some() || f.urgent_first
}

/// The workspace's orders the filter matches, unordered and without the cursor: one home for
/// the list, its count and its export.
fn matching(workspace_id: i64, f: &ListFilter, names: NameIndex) -> orders::BoxedQuery<'static, Backend> {
    let mut q = orders::table
        .filter(orders::workspace_id.eq(workspace_id))
        .into_boxed();
    if let Some(s) = f.shop_id {
        q = q.filter(orders::shop_id.eq(s));
    }
    if let Some(s) = &f.status {
        q = q.filter(orders::status.eq(s.clone()));
    }
    if let Some(s) = &f.label_state {
        q = q.filter(orders::label_state.eq(s.clone()));
    }
    if by_ship_by(f) {
        q = q
            .filter(orders::ship_by.gt(0))
            .filter(orders::status.eq_any(["AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"]));
    }
    if let Some(t) = f.ship_by_before {
        q = q.filter(orders::ship_by.lt(t));
    }
    if f.exceptions_only {
        q = super::order_rows::exceptions(q, super::now());
    }
    if let Some(a) = f.answer {
        q = super::order_rows::with_answer(q, a);
    }
    if f.pulls_open {
        use crate::db::schema::{batch_packages, packages};
        let with_open_pull = batch_packages::table
            .inner_join(packages::table)
            .filter(batch_packages::active.eq(true))
            .filter(batch_packages::pull_requested_at.is_not_null())
            .filter(batch_packages::ack_status.ne_all(super::status::PULL_ANSWERS))
            .select(packages::order_id);
        q = q.filter(orders::id.eq_any(with_open_pull));
    }
    if let Some(r) = &f.routing {
        q = q.filter(orders::routing.eq(r.clone()));
    }
    if let Some(sid) = f.supplier_id {
        let of_supplier = order_items::table
            .filter(order_items::supplier_id.eq(sid))
            .select(order_items::order_id);
        q = q.filter(orders::id.eq_any(of_supplier));
    }
    if let Some(text) = f.query.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        if text.chars().all(|c| c.is_ascii_digit()) {
            let (lo, hi) = super::order_search::prefix_range(text);
            q = q
                .filter(orders::tiktok_order_id.ge(lo))
                .filter(orders::tiktok_order_id.lt(hi));
        } else {
            q = q.filter(super::order_search::name_or_sku(workspace_id, text, names));
        }
    }
    q
}

/// The keyset cursor of a row for the list's current ordering.
pub fn cursor_of(o: &ListedOrder, f: &ListFilter) -> (i64, i64) {
    if by_ship_by(f) {
        (o.ship_by, o.id)
    } else {
        (o.create_time, o.id)
    }
}

/// Orders of a workspace by id, in one read (ids of other workspaces are simply absent).
pub fn find_many_in_workspace(
    conn: &mut AnyConnection,
    workspace_id: i64,
    ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, Order>> {
    Ok(orders::table
        .filter(orders::id.eq_any(ids))
        .filter(orders::workspace_id.eq(workspace_id))
        .select(Order::as_select())
        .load(conn)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect())
}

/// An order, only if it belongs to the workspace.
pub fn find_in_workspace(conn: &mut AnyConnection, workspace_id: i64, id: i64) -> QueryResult<Option<Order>> {
    orders::table
        .filter(orders::id.eq(id))
        .filter(orders::workspace_id.eq(workspace_id))
        .select(Order::as_select())
        .first(conn)
        .optional()
}

/// The TikTok order ids of these orders, by podgate id.
pub fn tiktok_ids(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> QueryResult<std::collections::BTreeMap<i64, String>> {
    let v: Vec<(i64, String)> = orders::table
        .filter(orders::id.eq_any(ids))
        .select((orders::id, orders::tiktok_order_id))
        .load(conn)?;
    Ok(v.into_iter().collect())
}

/// The line items of an order.
pub fn items(conn: &mut AnyConnection, order_id: i64) -> QueryResult<Vec<OrderItem>> {
    order_items::table
        .filter(order_items::order_id.eq(order_id))
        .order(order_items::id)
        .select(OrderItem::as_select())
        .load(conn)
}

/// The line items of several orders, in id order.
pub fn items_of_orders(conn: &mut AnyConnection, order_ids: &[i64]) -> QueryResult<Vec<OrderItem>> {
    order_items::table
        .filter(order_items::order_id.eq_any(order_ids))
        .order(order_items::id)
        .select(OrderItem::as_select())
        .load(conn)
}

/// The timeline of an order, oldest first.
pub fn events(conn: &mut AnyConnection, order_id: i64) -> QueryResult<Vec<OrderEvent>> {
    order_events::table
        .filter(order_events::order_id.eq(order_id))
        .order(order_events::id)
        .select(OrderEvent::as_select())
        .load(conn)
}

/// Counts a workspace's orders (for the shops page and tests).
pub fn count(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<i64> {
    orders::table
        .filter(orders::workspace_id.eq(workspace_id))
        .count()
        .get_result(conn)
}
