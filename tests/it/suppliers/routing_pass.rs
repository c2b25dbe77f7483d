//! A catalog change on a workspace bigger than one routing slice: the form answers after the
//! first slice, the catalog page shows how far the rest is, a label bought meanwhile follows
//! the new rules, and the pass, picked up again, routes the rest where it stopped.

use diesel::prelude::*;
use rocket::http::Status;
use tiktok_sandbox::world::WorldSettings;

use podgate::db::schema::{order_items as oi, orders as o, packages};
use podgate::domain::leases;
use podgate::domain::routing::pass::{self, SLICE};
use podgate_testkit::shops::connected;
use podgate_testkit::suppliers::{CATALOG, add_supplier, import_csv};

/// Orders whose every unit a rule of [`CATALOG`] routes.
fn routable(sku: &str) -> bool {
    ["TEE-", "HOOD-", "MUG-"].iter().any(|p| sku.starts_with(p))
}

#[rocket::async_test]
async fn a_catalog_change_on_a_big_workspace_answers_at_once_and_routes_the_rest_in_the_background() {
    let (app, _sb) = connected(WorldSettings {
        initial_orders: SLICE as usize + 400,
        ..WorldSettings::default()
    })
    .await;
    let shirts = add_supplier(&app, "Shirt Co", "USPS, UPS", "HOOD 700 12x10x3").await;
    let mugs = add_supplier(&app, "Mug Works", "", "MUG 450 6x6x6").await;
    let total: i64 = app.query(|c| o::table.count().get_result(c)).await;
    assert!(total > SLICE, "{total} orders: more than one slice");

    // The background runner is kept away, as if its process had died mid-pass: the test holds
    // the pass's lease.
    let lease = leases::take(&app.pool, "routing:1".into())
        .await
        .unwrap()
        .expect("the lease is free");
    let (s, body) = import_csv(&app, CATALOG).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let (_, page) = app.get("/catalog").await;
    assert!(
        page.contains("orders are being routed again in the background"),
        "the answer says routing goes on: {page}"
    );
    assert!(
        page.contains(&format!("{SLICE} of {total} orders routed")),
        "the page shows how far: {page}"
    );
    let (_, json) = app.get("/catalog/routing").await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["pending"], true, "{json}");
    assert_eq!(v["progress"]["routed"], SLICE, "{json}");

    // An order past the first slice, every unit routable, still unrouted; bought now, its
    // package goes to the supplier of the new rules.
    let rows: Vec<(i64, String, String, String)> = app
        .query(|c| {
            o::table
                .inner_join(oi::table)
                .filter(o::status.eq("AWAITING_SHIPMENT"))
                .order(o::id.desc())
                .select((o::id, o::routing, oi::seller_sku, o::tiktok_order_id))
                .load(c)
        })
        .await;
    let mut by_order: std::collections::BTreeMap<i64, (String, Vec<String>)> = Default::default();
    for (id, routing, sku, _) in rows {
        by_order.entry(id).or_insert((routing, Vec::new())).1.push(sku);
    }
    let (&late, (state, skus)) = by_order
        .iter()
        .rev()
        .find(|(_, (_, skus))| skus.iter().all(|s| routable(s)))
        .expect("a routable order");
    assert_eq!(state, "unrouted", "order {late} waits for the pass");
    let actor = podgate_testkit::labels::owner_actor(&app).await;
    let started = app.services.labels.plan(&actor, vec![late]).await.unwrap();
    assert!(
        started.planned >= 1 && started.skipped.is_empty(),
        "bought with the new rules: {:?}",
        started.skipped
    );
    let suppliers: Vec<i64> = app
        .query(move |c| {
            packages::table
                .filter(packages::order_id.eq(late))
                .select(packages::supplier_id)
                .load(c)
        })
        .await;
    let expected: std::collections::BTreeSet<i64> = skus
        .iter()
        .map(|s| {
            if s.starts_with("MUG-") || s.starts_with("TEE-CATMOM-") {
                mugs
            } else {
                shirts
            }
        })
        .collect();
    assert_eq!(
        suppliers
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        expected,
        "{skus:?}"
    );

    // Picked up again (by the next watch, or another process), the pass routes the rest
    // from where it stopped.
    lease.release().await;
    pass::run(&app.pool, 1).await.unwrap();
    let (_, page) = app.get("/catalog").await;
    assert!(
        !page.contains("Routing orders with the new rules"),
        "done: {page}"
    );
    let (_, json) = app.get("/catalog/routing").await;
    assert!(json.contains("\"pending\":false"), "{json}");
    let unrouted: Vec<String> = app
        .query(|c| {
            oi::table
                .filter(oi::supplier_id.is_null())
                .select(oi::seller_sku)
                .load(c)
        })
        .await;
    assert!(
        unrouted.iter().all(|s| !routable(s)),
        "every unit a rule covers is routed: {:?}",
        unrouted
            .iter()
            .filter(|s| routable(s))
            .take(5)
            .collect::<Vec<_>>()
    );
    let stale: i64 = app
        .query(|c| {
            o::table
                .filter(o::routing.eq("unrouted"))
                .inner_join(oi::table)
                .filter(oi::supplier_id.is_not_null())
                .count()
                .get_result(c)
        })
        .await;
    assert_eq!(stale, 0, "no order keeps a stale routing state");
}
