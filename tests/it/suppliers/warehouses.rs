//! A supplier linked to its TikTok warehouse: the page lists the shop's warehouses with the
//! one at the supplier's ZIP code suggested, and a label is bought for a supplier only for
//! orders that ship from its warehouse (pre-flight says why, nothing is bought otherwise).

use rocket::http::Status;

use podgate_testkit::TestApp;
use podgate_testkit::suppliers::routed_app;

const APPAREL: &str = "7000000000000000001";
const MUGS: &str = "7000000000000000002";

async fn link(app: &TestApp, supplier: i64, ids: &[&str]) {
    let page = format!("/suppliers/{supplier}/warehouse");
    let fields: Vec<(&str, &str)> = ids.iter().map(|id| ("warehouse", *id)).collect();
    let r = app.post_form(&page, &page, &fields).await;
    assert_eq!(r.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn labels_are_bought_only_for_the_supplier_of_the_orders_warehouse() {
    let (app, sb, shirts, mugs) = routed_app().await;
    // Every supplier of the fixture is at 1 Factory Way, Reno NV 89502: the apparel warehouse.
    let (status, page) = app.get(&format!("/suppliers/{shirts}/warehouse")).await;
    assert_eq!(status, Status::Ok);
    assert!(
        page.contains("Mug partner") && page.contains("77 Kiln Rd, Columbus"),
        "{page}"
    );
    let suggested = page.split("suggested: same ZIP code").count() - 1;
    assert_eq!(suggested, 1, "only the Reno warehouse is suggested: {page}");
    link(&app, shirts, &[APPAREL]).await;
    // The mug supplier is linked to the wrong warehouse by mistake.
    link(&app, mugs, &[APPAREL]).await;
    let (_, page) = app.get(&format!("/suppliers/{mugs}")).await;
    assert!(page.contains(APPAREL), "{page}");

    // A one-mug order ships from the mug warehouse.
    let order: (i64, String) = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl::*;
            orders
                .filter(warehouse_id.eq(MUGS))
                .filter(item_count.eq(1))
                .filter(status.eq("AWAITING_SHIPMENT"))
                .filter(routing.eq("routed"))
                .select((id, tiktok_order_id))
                .first(c)
        })
        .await;
    let (_, page) = app.order_page(&order.1).await;
    assert!(
        page.contains(&format!(
            "ships from TikTok warehouse {MUGS}, but Mug Works is linked to warehouse {APPAREL}"
        )),
        "pre-flight says why: {page}"
    );
    let actor = podgate_testkit::labels::owner_actor(&app).await;
    let labels = &app.services.labels;
    let job = labels.plan(&actor, vec![order.0]).await.unwrap();
    let progress = labels
        .run(job.job_id.expect("a job was planned"), 2)
        .await
        .unwrap();
    assert_eq!(progress.failed, 1, "{progress:?}");
    assert!(
        progress.failures[0].1.contains("another ship-from address"),
        "{progress:?}"
    );
    assert_eq!(sb.sandbox.state().purchases, 0, "nothing bought");

    // Fixed: the mug supplier is linked to its own warehouse; a retry buys the label, whose
    // sender is the mug warehouse.
    link(&app, mugs, &[MUGS]).await;
    let r = app
        .post_form(
            &format!("/labels/jobs/{}", job.job_id.expect("a job was planned")),
            &format!("/labels/jobs/{}/retry", job.job_id.expect("a job was planned")),
            &[],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let page = podgate_testkit::shops::page_eventually(
        &app,
        &format!("/labels/jobs/{}", job.job_id.expect("a job was planned")),
        "1 bought, 0 failed",
    )
    .await;
    assert!(page.contains("1 bought"));
    let w = sb.sandbox.world.lock().unwrap();
    let pkg = w.packages.values().next().unwrap();
    let shop = w.shops[0].id.clone();
    let detail = w.package_detail(&shop, &pkg.id.clone()).unwrap();
    assert!(
        detail.sender_address.full_address.contains("Columbus"),
        "{:?}",
        detail.sender_address
    );
}
