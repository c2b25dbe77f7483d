//! Applying TikTok's copies of orders (a page of a sync, or the orders a webhook names) in one
//! transaction: new orders in a few multi-row statements, known ones one by one with their
//! status changes, every order routed in one pass, and a timeline entry for every change.

use std::collections::HashMap;

use crate::db::AnyConnection;
use crate::db::models::order::{self, NewEvent};
use crate::db::models::order_import::{self, NewOrder, Upserted};
use crate::db::models::shop::Shop;
use crate::db::models::workspace::Workspace;
use crate::domain::{DomainError, dispatch, routing};
use tiktok::types::Order as TtOrder;

/// What applying some orders did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub created: u64,
    pub changed: u64,
    pub unchanged: u64,
}

impl Applied {
    /// Adds another application's counts.
    pub fn add(&mut self, other: &Applied) {
        self.created += other.created;
        self.changed += other.changed;
        self.unchanged += other.unchanged;
    }
}

/// Applies TikTok's copies of orders in one transaction, recording every change on the order.
/// Idempotent: the same copies applied again change nothing, an older copy never overwrites a
/// newer one.
pub fn apply_orders(
    conn: &mut AnyConnection,
    shop: &Shop,
    orders: &[TtOrder],
    source: &str,
) -> Result<Applied, DomainError> {
    crate::db::write_tx(conn, |conn| {
        routing::lock_workspace_routing(conn, shop.workspace_id)?;
        let router = routing::Router::load(conn, shop.workspace_id)?;
        let calendar = dispatch::calendar_of(&Workspace::find(conn, shop.workspace_id)?);
        let newest = newest_copies(orders);
        let ids: Vec<&str> = newest.iter().map(|o| o.id.as_str()).collect();
        let known = order_import::known(conn, shop.id, &ids)?;
        let (fresh, seen): (Vec<&TtOrder>, Vec<&TtOrder>) =
            newest.into_iter().partition(|o| !known.contains_key(&o.id));

        let rows: Vec<NewOrder> = fresh
            .iter()
            .map(|o| {
                let (due, due_source, handling) = dispatch::due_of(&calendar, o);
                let skus: Vec<&str> = o.line_items.iter().map(|li| li.seller_sku.as_str()).collect();
                let (units, routing) = routing::route_new(&router, &skus);
                NewOrder {
                    tiktok: o,
                    dispatch_due: due,
                    dispatch_due_source: due_source,
                    handling_days: handling,
                    units,
                    routing,
                }
            })
            .collect();
        let created = order_import::insert_new(conn, shop.workspace_id, shop.id, &rows)?;
        let mut applied = Applied {
            created: created.len() as u64,
            ..Applied::default()
        };
        let mut routed = Vec::new();
        let mut changes = Vec::new();
        for o in seen {
            match order_import::update_from_tiktok(conn, &known[&o.id], o)? {
                Upserted::Stale(_) => applied.unchanged += 1,
                up => {
                    routed.push(up.order_id());
                    changes.push((o, up));
                }
            }
        }
        // Routing first, as for a single order: units in a package keep their supplier. New
        // orders went in routed.
        routing::route_some(conn, &router, &routed)?;

        let mut events: Vec<NewEvent> = Vec::with_capacity(created.len());
        for (o, id) in fresh.iter().zip(&created) {
            events.push((
                *id,
                "imported",
                format!("Imported from TikTok as {} ({source})", o.status),
                "podgate",
                "system",
            ));
            events.extend(
                dispatch::imported_clock_events(o).map(|what| (*id, "clock", what, "tiktok", "system")),
            );
        }
        order::add_events(conn, &events)?;
        for (o, up) in changes {
            dispatch::on_order_synced(conn, &calendar, up.order_id(), o)?;
            match up {
                Upserted::StatusChanged(id, from, to) => {
                    applied.changed += 1;
                    on_status_changed(conn, o, id, &from, &to, source)?;
                }
                Upserted::Refreshed(_) | Upserted::Stale(_) => applied.unchanged += 1,
            }
        }
        Ok(applied)
    })
}

/// Each order once, in its newest copy (a webhook and a page may both name it).
fn newest_copies(orders: &[TtOrder]) -> Vec<&TtOrder> {
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(orders.len());
    let mut out: Vec<&TtOrder> = Vec::with_capacity(orders.len());
    for o in orders {
        match by_id.get(o.id.as_str()) {
            Some(&i) if out[i].update_time <= o.update_time => out[i] = o,
            Some(_) => {}
            None => {
                by_id.insert(&o.id, out.len());
                out.push(o);
            }
        }
    }
    out
}

/// A known order's status changed on TikTok: the timeline says so, and an order cancelled
/// after its label was bought is held back from handoff and shown as an exception.
fn on_status_changed(
    conn: &mut AnyConnection,
    o: &TtOrder,
    id: i64,
    from: &str,
    to: &str,
    source: &str,
) -> Result<(), DomainError> {
    // A cancelled order's labels leave the dispatch queue.
    crate::db::models::scorecard::touch_order(conn, id)?;
    order::add_event(
        conn,
        id,
        "status",
        &format!("{from} → {to} ({source})"),
        "tiktok",
        "system",
    )?;
    let held = if to == "CANCELLED" {
        crate::domain::batches::handoff::hold_cancelled_order(conn, id)?
    } else {
        0
    };
    if to == "CANCELLED" && (held > 0 || o.line_items.iter().any(|li| li.tracking_number.is_some())) {
        let msg = "Cancelled after its label was bought: keep it out of handoff and void the label.";
        order::set_exception(conn, id, Some(msg))?;
        order::add_event(conn, id, "exception", msg, "podgate", "system")?;
    }
    Ok(())
}
