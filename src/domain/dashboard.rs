//! The seller's dashboard: what needs doing now, as counts that link to the page where it is
//! done (unrouted orders, orders ready for a label, labels waiting to be published, late or
//! missing answers, rejections, pull requests, orders past TikTok's ship-by, labels past
//! their in-transit deadline).

use chrono::NaiveDateTime;

use crate::db::AnyConnection;
use crate::db::models::order::{self, ListFilter};

use super::DomainError;

/// One thing to do: how many, where to do it, and how pressing it is.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ToDo {
    pub what: &'static str,
    pub count: usize,
    pub href: String,
    /// What to do there, in a few words.
    pub action: &'static str,
    /// Money or a deadline is at stake (shown first, in red, when not zero).
    pub urgent: bool,
}

fn awaiting() -> ListFilter {
    ListFilter {
        status: Some("AWAITING_SHIPMENT".into()),
        ..ListFilter::default()
    }
}

/// Counts what needs doing in a workspace now, most pressing first.
pub fn to_do(c: &mut AnyConnection, ws: i64, now: NaiveDateTime) -> Result<Vec<ToDo>, DomainError> {
    let count = |c: &mut AnyConnection, f: ListFilter| -> Result<usize, DomainError> {
        Ok(order::count_matching(c, ws, &f)? as usize)
    };
    let unix_now = now.and_utc().timestamp();
    let unrouted = count(
        c,
        ListFilter {
            routing: Some("unrouted".into()),
            ..awaiting()
        },
    )?;
    let partial = count(
        c,
        ListFilter {
            routing: Some("partial".into()),
            ..awaiting()
        },
    )?;
    let ready = count(
        c,
        ListFilter {
            routing: Some("routed".into()),
            label_state: Some("none".into()),
            ..awaiting()
        },
    )?;
    let past_ship_by = count(
        c,
        ListFilter {
            ship_by_before: Some(unix_now),
            label_state: Some("none".into()),
            ..awaiting()
        },
    )?;
    let d = super::batches::views::dashboard(c, ws, now)?;
    let (_, not_scanned_late) = crate::db::models::dispatch::unscanned_counts(c, ws, unix_now)?;
    let waiting = d.open.iter().map(|o| o.packages).sum();
    let ready_query = "status=AWAITING_SHIPMENT&routing=routed&label=none";
    let mut items = vec![
        ToDo {
            what: "Pull requests not answered",
            count: d.pulls_open.len(),
            href: "/orders?pulls=true".into(),
            action: "cancelled orders a supplier still holds: make sure they are not shipped",
            urgent: true,
        },
        ToDo {
            what: "Orders past TikTok's ship-by without a label",
            count: past_ship_by,
            href: "/orders?status=AWAITING_SHIPMENT&label=none&ship_by=overdue".into(),
            action: "buy their labels now, or cancel them",
            urgent: true,
        },
        ToDo {
            what: "Labels past their in-transit deadline, not scanned",
            count: not_scanned_late as usize,
            href: "/dispatch".into(),
            action: "late dispatches on TikTok: find out where each one stands",
            urgent: true,
        },
        ToDo {
            what: "Rejected by a supplier",
            count: d.rejected.len(),
            href: "/batches".into(),
            action: "re-route each package or void its label",
            urgent: true,
        },
        ToDo {
            what: "Batches with late answers",
            count: d.overdue_supplier,
            href: "/batches".into(),
            action: "past the supplier's answer deadline: contact them",
            urgent: true,
        },
        ToDo {
            what: "Orders without a supplier",
            count: unrouted,
            href: "/orders?status=AWAITING_SHIPMENT&routing=unrouted".into(),
            action: "add SKU rules on the Catalog page, or choose a supplier on the order",
            urgent: false,
        },
        ToDo {
            what: "Orders with some items without a supplier",
            count: partial,
            href: "/orders?status=AWAITING_SHIPMENT&routing=partial".into(),
            action: "their other items wait: add the missing SKU rules",
            urgent: false,
        },
        ToDo {
            what: "Orders ready for a label",
            count: ready,
            href: format!("/orders?{ready_query}"),
            action: "buy their labels (all at once from the list)",
            urgent: false,
        },
        ToDo {
            what: "Labels waiting to be published",
            count: waiting,
            href: "/batches".into(),
            action: "sealed at each supplier's next cut-off, or Publish now",
            urgent: false,
        },
        ToDo {
            what: "Batches not downloaded yet",
            count: d.not_downloaded,
            href: "/batches".into(),
            action: "the supplier has not fetched them",
            urgent: false,
        },
    ];
    // What is pressing and not zero first; the rest keep their order.
    items.sort_by_key(|i| !(i.urgent && i.count > 0));
    Ok(items)
}
