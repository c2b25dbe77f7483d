//! The sandbox's own controls (not part of TikTok's API): an inspection page and JSON state
//! that prove what was bought, fault injection at run time, a carrier scan, new or cancelled
//! orders on demand, token expiry, and the label documents behind `doc_url`.

use std::collections::BTreeMap;

use rocket::http::{ContentType, Status};
use rocket::response::content::RawHtml;
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, put, routes};
use serde::{Deserialize, Serialize};

use super::Sandbox;
use super::catalog;
use super::faults::Faults;
use super::label;
use tiktok::client::unix_now;

/// What tests and people read to check the sandbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateView {
    /// Labels bought (successful Create Packages calls).
    pub purchases: u64,
    /// Labels cancelled in (simulated) Seller Center; their units may be labelled again.
    pub labels_cancelled: u64,
    /// Packages holding a label.
    pub labelled_packages: u64,
    /// Line items that ended up with more than one label (must stay 0).
    pub duplicate_labels: u64,
    pub packages: Vec<PackageView>,
    pub orders_by_status: BTreeMap<String, u64>,
    pub calls: BTreeMap<String, u64>,
    /// The most calls one shop made to each endpoint within one clock second.
    #[serde(default)]
    pub busiest_second: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
    pub webhooks_delivered: u64,
    pub webhooks_failed: u64,
    pub webhooks_refused: u64,
    pub shops: Vec<tiktok::types::Shop>,
    pub faults: Faults,
}

/// One package in the state view.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageView {
    pub id: String,
    pub order_id: String,
    pub shop_id: String,
    pub status: String,
    pub tracking_number: String,
    pub service: String,
    pub price: String,
    pub line_items: usize,
}

impl Sandbox {
    /// A snapshot of the state.
    pub fn state(&self) -> StateView {
        let w = self.world.lock().unwrap_or_else(|p| p.into_inner());
        let mut by_status = BTreeMap::new();
        for o in w.orders.values().flat_map(|m| m.values()) {
            *by_status.entry(o.status.clone()).or_default() += 1;
        }
        let mut labels_per_item: BTreeMap<&str, u64> = BTreeMap::new();
        for p in w
            .packages
            .values()
            .filter(|p| p.label_purchased && !p.label_cancelled)
        {
            for li in &p.line_item_ids {
                *labels_per_item.entry(li).or_default() += 1;
            }
        }
        StateView {
            purchases: w.purchases,
            labels_cancelled: w.labels_cancelled,
            labelled_packages: w.packages.values().filter(|p| p.label_purchased).count() as u64,
            duplicate_labels: labels_per_item.values().map(|n| n.saturating_sub(1)).sum(),
            packages: w
                .packages
                .values()
                .map(|p| PackageView {
                    id: p.id.clone(),
                    order_id: p.order_id.clone(),
                    shop_id: p.shop_id.clone(),
                    status: p.status.clone(),
                    tracking_number: p.tracking_number.clone(),
                    service: p.service_name.clone(),
                    price: p.price.clone(),
                    line_items: p.line_item_ids.len(),
                })
                .collect(),
            orders_by_status: by_status,
            calls: w.calls.clone(),
            busiest_second: w.busiest_second.clone(),
            errors: w.errors.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            webhooks_delivered: w.webhooks_delivered,
            webhooks_failed: w.webhooks_failed,
            webhooks_refused: w.webhooks_refused,
            shops: w.shops.clone(),
            faults: w.faults.clone(),
        }
    }
}

#[get("/sandbox/api/state")]
fn state(sb: &State<Sandbox>) -> Json<StateView> {
    Json(sb.state())
}

#[get("/sandbox")]
fn page(sb: &State<Sandbox>) -> RawHtml<String> {
    let s = sb.state();
    let esc = |x: &str| x.replace('&', "&amp;").replace('<', "&lt;");
    let rows: String = s
        .packages
        .iter()
        .map(|p| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&p.id),
                esc(&p.order_id),
                esc(&p.status),
                esc(&p.tracking_number),
                esc(&p.service),
                esc(&p.price)
            )
        })
        .collect();
    let kv = |m: &BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, v)| format!("<li>{}: {v}</li>", esc(k)))
            .collect::<String>()
    };
    RawHtml(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TikTok Shop sandbox</title>
<style>body{{font-family:system-ui,sans-serif;margin:1rem}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2rem .5rem}}</style></head><body>
<h1>TikTok Shop sandbox</h1>
<p><strong>Labels bought: <span id="purchases">{}</span></strong>; packages with a label: {}; duplicate labels: <span id="duplicates">{}</span>.</p>
<h2>Orders by status</h2><ul>{}</ul><h2>API calls</h2><ul>{}</ul><h2>Errors answered (by code)</h2><ul>{}</ul>
<p>Webhooks delivered: {}, given up: {}.</p>
<h2>Packages</h2><table><tr><th>Package</th><th>Order</th><th>Status</th><th>Tracking</th><th>Service</th><th>Price</th></tr>{rows}</table>
<p>Authorize without the app's <code>state</code>: <a href="/sandbox/partner-center">Partner Center's "Authorize App"</a> (a test shop) or <a href="/sandbox/app-store">the App Store</a>.</p>
<p>JSON: <a href="/sandbox/api/state">/sandbox/api/state</a>; faults: <code>POST /sandbox/api/faults</code>.</p></body></html>"#,
        s.purchases,
        s.labelled_packages,
        s.duplicate_labels,
        kv(&s.orders_by_status),
        kv(&s.calls),
        kv(&s.errors),
        s.webhooks_delivered,
        s.webhooks_failed
    ))
}

#[get("/sandbox/api/faults")]
fn get_faults(sb: &State<Sandbox>) -> Json<Faults> {
    Json(sb.world.lock().unwrap_or_else(|p| p.into_inner()).faults.clone())
}

#[post("/sandbox/api/faults", data = "<faults>")]
fn set_faults(sb: &State<Sandbox>, faults: Json<Faults>) -> Json<Faults> {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    w.faults = faults.into_inner();
    Json(w.faults.clone())
}

fn done(r: Result<(), super::fulfillment::SbError>) -> (Status, Json<serde_json::Value>) {
    match r {
        Ok(()) => (Status::Ok, Json(serde_json::json!({"ok": true}))),
        Err(e) => (
            Status::UnprocessableEntity,
            Json(serde_json::json!({"ok": false, "code": e.code, "message": e.message})),
        ),
    }
}

#[post("/sandbox/api/packages/<id>/scan")]
fn scan(sb: &State<Sandbox>, id: &str) -> (Status, Json<serde_json::Value>) {
    done(sb.world.lock().unwrap_or_else(|p| p.into_inner()).scan(id))
}

/// Seller Center's "cancel label" (not in the Open API).
#[post("/sandbox/api/packages/<id>/cancel_label")]
fn cancel_label(sb: &State<Sandbox>, id: &str) -> (Status, Json<serde_json::Value>) {
    done(
        sb.world
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .cancel_label(id),
    )
}

#[post("/sandbox/api/orders/<id>/cancel")]
fn cancel(sb: &State<Sandbox>, id: &str) -> (Status, Json<serde_json::Value>) {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    let shop = w
        .orders
        .iter()
        .find(|(_, m)| m.contains_key(id))
        .map(|(s, _)| s.clone());
    match shop {
        Some(shop) => done(w.cancel_order(&shop, id)),
        None => done(Err(super::fulfillment::refuse(21001011, "no such order"))),
    }
}

/// Body of the "new orders" control.
#[derive(Debug, Deserialize)]
struct NewOrders {
    count: usize,
    #[serde(default)]
    status: Option<String>,
}

#[post("/sandbox/api/orders", data = "<req>")]
fn new_orders(sb: &State<Sandbox>, req: Json<NewOrders>) -> Json<Vec<String>> {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    let status = req.status.clone().unwrap_or_else(|| "AWAITING_SHIPMENT".into());
    let shops: Vec<String> = w.shops.iter().map(|s| s.id.clone()).collect();
    let mut ids = Vec::new();
    for i in 0..req.count.min(100_000) {
        let shop = &shops[i % shops.len()];
        let id = w.new_order(shop, unix_now(), &status);
        let data = serde_json::json!({"order_id": id, "order_status": status, "is_on_hold_order": status == "ON_HOLD", "update_time": unix_now()});
        w.queue_webhook(1, shop, data);
        ids.push(id);
    }
    Json(ids)
}

#[post("/sandbox/api/tokens/expire")]
fn expire_tokens(sb: &State<Sandbox>) -> Json<usize> {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    let past = unix_now() - 1;
    w.access_tokens.values_mut().for_each(|t| t.expires_at = past);
    Json(w.access_tokens.len())
}

/// Ends every authorization period (`?revoke=true`: forgets the authorizations instead, as
/// when a seller deauthorizes the app), and expires the access tokens, so the next call
/// refreshes and TikTok answers 36004001 (or 36004005).
#[post("/sandbox/api/tokens/end_authorization?<revoke>")]
fn end_authorization(sb: &State<Sandbox>, revoke: Option<bool>) -> Json<usize> {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    let past = unix_now() - 1;
    w.access_tokens.values_mut().for_each(|t| t.expires_at = past);
    let n = w.refresh_tokens.len();
    if revoke == Some(true) {
        w.refresh_tokens.clear();
    } else {
        w.refresh_tokens.values_mut().for_each(|ends| *ends = past);
    }
    Json(n)
}

#[post("/sandbox/api/tokens/drop_scope?<scope>")]
fn drop_scope(sb: &State<Sandbox>, scope: &str) -> Json<usize> {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    w.access_tokens
        .values_mut()
        .for_each(|t| t.scopes.retain(|s| s != scope));
    Json(w.access_tokens.len())
}

/// The app registration the sandbox knows.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct AppSettings {
    pub redirect_url: Option<String>,
    pub webhook_url: Option<String>,
}

#[put("/sandbox/api/app", data = "<app>")]
fn set_app(sb: &State<Sandbox>, app: Json<AppSettings>) -> Json<AppSettings> {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    if app.redirect_url.is_some() {
        w.redirect_url = app.redirect_url.clone();
    }
    if app.webhook_url.is_some() {
        w.webhook_url = app.webhook_url.clone();
    }
    Json(AppSettings {
        redirect_url: w.redirect_url.clone(),
        webhook_url: w.webhook_url.clone(),
    })
}

/// A product picture: the design name on the product's color, as SVG.
#[get("/sandbox/img/<kind>/<file>")]
fn image(kind: &str, file: &str) -> Option<(ContentType, String)> {
    let design = file.strip_suffix(".svg")?;
    let (_, name) = catalog::DESIGNS
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(design))?;
    let color = match kind {
        "tee" => "#1f2937",
        "hoodie" => "#14532d",
        "mug" => "#f8fafc",
        "poster" => "#fde68a",
        _ => "#e7e5e4",
    };
    let ink = if matches!(kind, "tee" | "hoodie") {
        "#fef3c7"
    } else {
        "#1f2937"
    };
    let esc = name.replace('&', "&amp;").replace('<', "&lt;");
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160"><rect width="160" height="160" rx="12" fill="{color}" stroke="#94a3b8"/><text x="80" y="72" font-family="sans-serif" font-size="14" text-anchor="middle" fill="{ink}">{kind}</text><text x="80" y="96" font-family="sans-serif" font-size="12" text-anchor="middle" fill="{ink}">{esc}</text></svg>"##
    );
    Some((ContentType::SVG, svg))
}

#[get("/sandbox/docs/<file>")]
fn document(sb: &State<Sandbox>, file: &str) -> Result<(ContentType, Vec<u8>), Status> {
    let token = file.strip_suffix(".pdf").ok_or(Status::NotFound)?;
    let w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    let (pkg, order) = w.document(token).ok_or(Status::NotFound)?;
    Ok((
        ContentType::PDF,
        label::render(pkg, order, &catalog::sender_of(&order.warehouse_id)),
    ))
}

/// Control and inspection routes.
pub fn routes() -> Vec<Route> {
    routes![
        cancel_label,
        state,
        page,
        image,
        get_faults,
        set_faults,
        scan,
        cancel,
        new_orders,
        expire_tokens,
        end_authorization,
        drop_scope,
        set_app,
        document
    ]
}
