//! The orders list (filters, search, keyset pagination that stays fast at any depth) and the
//! order page (items, recipient, deadlines, packages and labels, timeline).

use std::collections::BTreeMap;

use minijinja::context;
use rocket::{FromForm, Route, State, get, routes};

use crate::db::DbPool;
use crate::db::models::order::{self, ListFilter};
use crate::db::models::shop::Shop;
use crate::db::models::supplier::Supplier;
use crate::domain::DomainError;
use crate::domain::labels::Labels;
use crate::web::errors::WebError;
use crate::web::guards::CurrentUser;
use crate::web::templates::Page;

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;

/// The list's query string.
#[derive(Debug, Default, FromForm)]
pub struct ListQuery {
    shop: Option<i64>,
    status: Option<String>,
    label: Option<String>,
    /// `overdue`, `24h` or `72h`.
    ship_by: Option<String>,
    exceptions: Option<bool>,
    /// Only orders with an unanswered pull request.
    pulls: Option<bool>,
    supplier: Option<i64>,
    /// The supplier's answer on the order's labels (`pending`, `accepted`, `rejected`…).
    answer: Option<String>,
    /// `routed`, `partial` or `unrouted`.
    routing: Option<String>,
    q: Option<String>,
    /// `urgent`: orders still to ship, the most urgent first; else newest first.
    sort: Option<String>,
    /// `create_time.id` of the last row of the previous page.
    after: Option<String>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl ListQuery {
    /// The filter this query string asks for, `limit` rows at a time.
    pub(super) fn filter(&self, now: i64, limit: i64) -> ListFilter {
        ListFilter {
            shop_id: self.shop,
            status: nonempty(&self.status),
            label_state: nonempty(&self.label),
            ship_by_before: match self.ship_by.as_deref() {
                Some("overdue") => Some(now),
                Some("24h") => Some(now + 24 * 3600),
                Some("72h") => Some(now + 72 * 3600),
                _ => None,
            },
            urgent_first: self.sort.as_deref() == Some("urgent"),
            exceptions_only: self.exceptions.unwrap_or(false),
            pulls_open: self.pulls.unwrap_or(false),
            answer: nonempty(&self.answer).and_then(|a| a.parse().ok()),
            supplier_id: self.supplier,
            routing: nonempty(&self.routing),
            query: nonempty(&self.q),
            after: self.after.as_deref().and_then(|a| {
                let (t, id) = a.split_once('.')?;
                Some((t.parse().ok()?, id.parse().ok()?))
            }),
            limit,
        }
    }

    /// The filter in words, one entry per field set ("status AWAITING_SHIPMENT", "search
    /// TEE-"), for a confirmation that says what it applies to.
    pub(super) fn described(&self) -> Vec<String> {
        url::form_urlencoded::parse(self.base_query().as_bytes())
            .filter(|(k, _)| k != "sort")
            .map(|(k, v)| {
                let what = match k.as_ref() {
                    "q" => "search",
                    "ship_by" => "ship by",
                    "exceptions" => return "exceptions only".to_string(),
                    "pulls" => return "open pull requests".to_string(),
                    "shop" => "shop #",
                    "supplier" => "supplier #",
                    other => other,
                };
                if what.ends_with('#') {
                    format!("{what}{v}")
                } else {
                    format!("{what} {v}")
                }
            })
            .collect()
    }

    /// The query string without the cursor, for "next page" and filter links.
    pub(super) fn base_query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("shop", self.shop), ("supplier", self.supplier)] {
            if let Some(v) = v {
                s.append_pair(k, &v.to_string());
            }
        }
        for (k, v) in [
            ("routing", &self.routing),
            ("answer", &self.answer),
            ("status", &self.status),
            ("label", &self.label),
            ("ship_by", &self.ship_by),
            ("q", &self.q),
            ("sort", &self.sort),
        ] {
            if let Some(v) = nonempty(v) {
                s.append_pair(k, &v);
            }
        }
        if self.exceptions == Some(true) {
            s.append_pair("exceptions", "true");
        }
        if self.pulls == Some(true) {
            s.append_pair("pulls", "true");
        }
        s.finish()
    }
}

/// How urgent a ship-by deadline is: `overdue`, `soon` (within 24 h), `ok`, or `none`.
pub fn urgency(ship_by: i64, status: &str, now: i64) -> &'static str {
    if ship_by == 0 || !matches!(status, "AWAITING_SHIPMENT" | "PARTIALLY_SHIPPING") {
        "none"
    } else if ship_by < now {
        "overdue"
    } else if ship_by < now + 24 * 3600 {
        "soon"
    } else {
        "ok"
    }
}

#[get("/orders?<query..>")]
async fn list(pool: &State<DbPool>, user: CurrentUser, query: ListQuery) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let now = chrono::Utc::now().timestamp();
    let filter = query.filter(now, PAGE_SIZE + 1);
    let cursor_filter = filter.clone();
    let (mut rows, matching, shops, sups, details) = pool
        .run(move |conn| {
            let rows = order::list(conn, ws, &filter)?;
            let matching = order::count_matching(conn, ws, &filter)?;
            let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
            let details = crate::db::models::order_rows::row_details(conn, &ids)?;
            Ok::<_, DomainError>((
                rows,
                matching,
                Shop::list(conn, ws)?,
                Supplier::list(conn, ws)?,
                details,
            ))
        })
        .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let next = if more {
        rows.last().map(|o| {
            let (k, id) = order::cursor_of(o, &cursor_filter);
            format!("{k}.{id}")
        })
    } else {
        None
    };
    let shop_names: BTreeMap<i64, String> = shops.iter().map(|s| (s.id, s.name.clone())).collect();
    let orders: Vec<_> = rows
        .iter()
        .map(|o| {
            context! {
                id => o.id, tiktok_order_id => o.tiktok_order_id, status => o.status, create_time => o.create_time,
                ship_by => o.ship_by, urgency => urgency(o.ship_by, &o.status, now), recipient_name => o.recipient_name,
                item_count => o.item_count, label_state => o.label_state, exception => o.exception, routing => o.routing,
                shop => shop_names.get(&o.shop_id).cloned().unwrap_or_default(), total => o.total_amount, currency => o.currency,
                handoff => details.get(&o.id),
            }
        })
        .collect();
    let base = query.base_query();
    let next_url = next.map(|n| {
        if base.is_empty() {
            format!("/orders?after={n}")
        } else {
            format!("/orders?{base}&after={n}")
        }
    });
    let export_url = if base.is_empty() {
        "/orders.csv".to_string()
    } else {
        format!("/orders.csv?{base}")
    };
    let ctx = context! {
        orders, next_url, matching, export_url, base_query => base, shops => shops.iter().map(|s| context!{ id => s.id, name => s.name }).collect::<Vec<_>>(),
        suppliers => sups.iter().map(|s| context!{ id => s.id, name => s.name }).collect::<Vec<_>>(),
        f => context! {
            supplier => query.supplier, routing => nonempty(&query.routing),
            shop => query.shop, status => nonempty(&query.status), label => nonempty(&query.label),
            ship_by => nonempty(&query.ship_by), q => nonempty(&query.q), exceptions => query.exceptions.unwrap_or(false),
            pulls => query.pulls.unwrap_or(false), sort => nonempty(&query.sort), answer => nonempty(&query.answer),
        },
        answers => ["pending", "accepted", "received", "in_production", "printed", "packed", "backordered", "rejected", "shipped", "pulled", "already_shipped"],
        first_page => query.after.is_none(),
        statuses => ["UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING", "AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"],
    };
    Ok(Page::new("seller/orders.html", ctx))
}

#[get("/orders/<id>")]
async fn detail(
    pool: &State<DbPool>,
    labels: &State<Labels>,
    user: CurrentUser,
    id: i64,
) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let preflight = labels.preflight(ws, id).await?;
    let order_id = preflight.order.id;
    let (events, labels, steps) = pool
        .run(move |conn| {
            let labels = crate::db::models::package::of_order(conn, order_id)?;
            let ids: Vec<i64> = labels.iter().map(|p| p.id).collect();
            Ok::<_, DomainError>((
                order::events(conn, order_id)?,
                labels,
                crate::db::models::step::of_packages(conn, &ids)?,
            ))
        })
        .await?;
    let (o, items, shop, sups) = (
        &preflight.order,
        &preflight.items,
        &preflight.shop,
        &preflight.suppliers,
    );
    // One line per SKU for reading; the units stay separate for fulfilment.
    let mut groups: BTreeMap<(String, String), (usize, &crate::db::models::order::OrderItem)> =
        BTreeMap::new();
    for it in items {
        groups
            .entry((it.seller_sku.clone(), it.sku_name.clone()))
            .or_insert((0, it))
            .0 += 1;
    }
    let lines: Vec<_> = groups
        .values()
        .map(|(qty, it)| context! { qty => qty, seller_sku => it.seller_sku, product_name => it.product_name, sku_name => it.sku_name, image_url => it.image_url, price => it.sale_price })
        .collect();
    let mut packages: BTreeMap<String, (Option<String>, usize)> = BTreeMap::new();
    for it in items {
        if let Some(p) = &it.tiktok_package_id {
            let e = packages
                .entry(p.clone())
                .or_insert((it.tracking_number.clone(), 0));
            e.1 += 1;
        }
    }
    let packages: Vec<_> = packages
        .iter()
        .map(|(id, (tracking, n))| context! { id => id, tracking => tracking, units => n })
        .collect();
    // Units tied to a package keep its supplier (the routing and the hand-made choice skip them).
    let held: std::collections::HashSet<i64> = labels
        .iter()
        .filter(|p| p.holds_units())
        .flat_map(|p| p.unit_ids())
        .collect();
    let now = chrono::Utc::now().timestamp();
    let ctx = context! {
        order => context! {
            id => o.id, tiktok_order_id => o.tiktok_order_id, status => o.status, create_time => o.create_time,
            paid_time => o.paid_time, ship_by => o.ship_by, urgency => urgency(o.ship_by, &o.status, now),
            total => o.total_amount, currency => o.currency, buyer_message => o.buyer_message, exception => o.exception,
            on_hold => o.status == "ON_HOLD", label_state => o.label_state, item_count => o.item_count,
            dispatch_due => o.dispatch_due, dispatch_due_source => o.dispatch_due_source,
            collected_at => o.collected_at, delivered_at => o.delivered_at,
            dispatch_late => o.dispatch_due > 0 && (if o.collected_at > 0 { o.collected_at } else { now }) > o.dispatch_due,
        },
        clock => labels.iter().filter(|l| steps.iter().any(|s| s.package_id == l.id)).map(|l| context! {
            package => l.tiktok_package_id.clone().unwrap_or_else(|| format!("#{}", l.id)),
            steps => steps.iter().filter(|s| s.package_id == l.id).collect::<Vec<_>>(),
        }).collect::<Vec<_>>(),
        recipient => o.recipient(), shop => shop.name, lines, packages, events,
        choices => preflight.choices.iter().map(|(sid, c)| context! {
            supplier => sups.iter().find(|s| s.id == *sid).map(|s| s.name.clone()).unwrap_or_default(),
            service => c.service.name, price => format!("{} {}", c.service.price, c.service.currency),
            days => format!("{}–{}", c.service.earliest_delivery_days, c.service.latest_delivery_days), why => c.why,
        }).collect::<Vec<_>>(),
        service_options => preflight.services.iter().flat_map(|(_, v)| v.iter().map(|s| s.name.clone()))
            .collect::<std::collections::BTreeSet<_>>(),
        service_override => o.service_override, rule => preflight.rule.name(),
        plan => preflight.plan, needs_label => preflight.needs_label, problems => preflight.problems, labels,
        units => items.iter().map(|i| context! {
            id => i.id, seller_sku => i.seller_sku, sku_name => i.sku_name, supplier_id => i.supplier_id,
            routed_by => i.routed_by, labelled => i.tracking_number.is_some() || held.contains(&i.id),
        }).collect::<Vec<_>>(),
        suppliers => sups.iter().filter(|s| !s.archived).map(|s| context! { id => s.id, name => s.name }).collect::<Vec<_>>(),
    };
    Ok(Page::new("seller/order.html", ctx))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![list, detail]
}
