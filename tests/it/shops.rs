//! Connecting a sandbox shop from the browser, order sync by polling and webhooks, and the
//! orders pages.

use std::time::Duration;

use rocket::http::{ContentType, Header, Status};

use ::tiktok::sign::webhook_signature;
use tiktok_sandbox::SandboxHandle;
use tiktok_sandbox::world::WorldSettings;

use podgate_testkit::TestApp;
use podgate_testkit::shops::{app_with_sandbox, connect_shop, connected, page_eventually, sync_status};

async fn order_count(app: &TestApp) -> i64 {
    app.query(|c| podgate::db::models::order::count(c, 1)).await
}

#[rocket::async_test]
async fn a_seller_connects_a_sandbox_shop_and_its_orders_appear() {
    let (app, sb) = connected(WorldSettings {
        initial_orders: 120,
        ..WorldSettings::default()
    })
    .await;
    let (_, shops) = app.get("/shops").await;
    assert!(
        shops.contains("Sandbox POD Shop 1") && shops.contains("badge-active"),
        "{shops}"
    );
    assert!(
        shops.contains("Connected Sandbox POD Shop 1"),
        "flash says what happened"
    );
    let in_sandbox: u64 = sb.sandbox.state().orders_by_status.values().sum();
    assert_eq!(
        order_count(&app).await as u64,
        in_sandbox,
        "every sandbox order synced"
    );

    // Tokens are stored encrypted: the database never holds the plaintext.
    let plain = sb
        .sandbox
        .world
        .lock()
        .unwrap()
        .access_tokens
        .keys()
        .next()
        .unwrap()
        .clone();
    let stored: Vec<(String, String)> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::tiktok_connections::dsl::*;
            tiktok_connections
                .select((access_token_enc, refresh_token_enc))
                .load(c)
        })
        .await;
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].0.contains(&plain) && !stored[0].0.starts_with("TTP_"));

    // The list: 50 a page, keyset pages with no order twice.
    let (s, page1) = app.get("/orders").await;
    assert_eq!(s, Status::Ok);
    let ids =
        |html: &str| html.matches("href=\"/orders/").count() - html.matches("href=\"/orders/\"").count();
    assert_eq!(ids(&page1), 50, "{page1}");
    let href = podgate_testkit::next_page_href(&page1);
    let (_, page2) = app.get(&href).await;
    assert_eq!(ids(&page2), 50);
    let first_ids: Vec<&str> = page1
        .split("href=\"/orders/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert!(
        first_ids
            .iter()
            .all(|id| !page2.contains(&format!("href=\"/orders/{id}\""))),
        "pages do not overlap"
    );

    // Search by order id, SKU and recipient; filter by status.
    let o = {
        let w = sb.sandbox.world.lock().unwrap();
        w.orders
            .values()
            .next()
            .unwrap()
            .values()
            .find(|o| o.status == "AWAITING_SHIPMENT" && o.line_items.len() >= 2)
            .unwrap()
            .clone()
    };
    let (_, found) = app.get(&format!("/orders?q={}", &o.id[..12])).await;
    assert!(found.contains(&o.id));
    let sku = &o.line_items[0].seller_sku;
    let (_, found) = app.get(&format!("/orders?q={}", sku.to_lowercase())).await;
    assert!(found.contains(&o.id), "SKU search");
    let last = o.recipient_address.last_name.to_lowercase();
    let (_, found) = app.get(&format!("/orders?q={last}")).await;
    assert!(found.contains(&o.id), "recipient search");
    let (_, on_hold) = app.get("/orders?status=ON_HOLD").await;
    assert!(
        on_hold.contains("badge-status\">ON_HOLD<") && !on_hold.contains("badge-status\">AWAITING_SHIPMENT<")
    );

    // The order page: items grouped by SKU, recipient, deadline, timeline.
    let (_, page) = app.order_page(&o.id).await;
    assert!(page.contains(&o.recipient_address.name), "recipient shown");
    assert!(page.contains(&format!("Items ({} units)", o.line_items.len())));
    assert!(
        page.contains("Imported from TikTok as AWAITING_SHIPMENT"),
        "timeline"
    );
}

#[rocket::async_test]
async fn the_oauth_state_must_come_from_this_browser() {
    let (app, _sb) = app_with_sandbox(WorldSettings::default()).await;
    app.setup_owner().await;
    let r = app.post_form("/shops", "/shops/connect", &[]).await;
    let authorize = r.headers().get_one("Location").unwrap().to_string();
    let back = podgate_testkit::tiktok::approve(&authorize).await;
    let code = url::Url::parse(&back)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    let r = app
        .client
        .get(format!("/shops/callback?code={code}&state=forged"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, shops) = app.get("/shops").await;
    assert!(shops.contains("not started from this browser"), "{shops}");
    assert!(shops.contains("No shop is connected yet"));
}

fn signed(sb: &SandboxHandle, body: &str) -> (String, String) {
    let w = sb.sandbox.world.lock().unwrap();
    (
        body.to_string(),
        webhook_signature(&w.app_key, &w.app_secret, body.as_bytes()),
    )
}

#[rocket::async_test]
async fn webhooks_are_verified_deduplicated_and_applied_once() {
    let (app, sb) = connected(WorldSettings {
        initial_orders: 5,
        ..WorldSettings::default()
    })
    .await;
    let (shop_id, order_id) = {
        let mut w = sb.sandbox.world.lock().unwrap();
        let shop = w.shops[0].id.clone();
        let oid = w.orders[&shop]
            .values()
            .find(|o| o.status == "ON_HOLD")
            .unwrap()
            .id
            .clone();
        w.set_order_status(&shop, &oid, "AWAITING_SHIPMENT");
        (shop, oid)
    };
    let body = format!(
        r#"{{"type":1,"tts_notification_id":"n-1","shop_id":"{shop_id}","timestamp":1,"data":{{"order_id":"{order_id}","order_status":"AWAITING_SHIPMENT","update_time":1}}}}"#
    );
    let (body, sig) = signed(&sb, &body);
    let post = |b: String, s: String| {
        app.client
            .post("/webhooks/tiktok")
            .header(ContentType::JSON)
            .header(Header::new("Authorization", s))
            .body(b)
            .dispatch()
    };
    assert_eq!(
        post(body.clone(), "0".repeat(64)).await.status(),
        Status::Unauthorized,
        "bad signature"
    );
    assert_eq!(
        post(format!("{body} "), sig.clone()).await.status(),
        Status::Unauthorized,
        "body changed"
    );
    let r = post(body.clone(), sig.clone()).await;
    assert_eq!(r.status(), Status::Ok);
    assert_eq!(
        r.into_string().await.unwrap_or_default(),
        "",
        "empty 200 as TikTok expects"
    );
    assert_eq!(
        post(body.clone(), sig.clone()).await.status(),
        Status::Ok,
        "a duplicate is acknowledged"
    );
    // Applied in the background, once.
    let mut events = Vec::new();
    for _ in 0..200 {
        let oid = order_id.clone();
        events = app
            .query(move |c| {
                use diesel::prelude::*;
                use podgate::db::schema::{order_events as e, orders as o};
                e::table
                    .inner_join(o::table)
                    .filter(o::tiktok_order_id.eq(oid))
                    .filter(e::kind.eq("status"))
                    .select(e::detail)
                    .load::<String>(c)
            })
            .await;
        if !events.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(events, vec!["ON_HOLD → AWAITING_SHIPMENT (webhook)".to_string()]);
}

#[rocket::async_test]
async fn a_lost_webhook_is_caught_by_polling_and_late_cancellations_become_exceptions() {
    let (app, sb) = connected(WorldSettings {
        initial_orders: 10,
        ..WorldSettings::default()
    })
    .await;
    // Buy a label for one order directly on the sandbox, then the buyer cancels; no webhook is sent.
    let order_id = {
        let mut w = sb.sandbox.world.lock().unwrap();
        let shop = w.shops[0].id.clone();
        let oid = w.orders[&shop]
            .values()
            .find(|o| o.status == "AWAITING_SHIPMENT")
            .unwrap()
            .id
            .clone();
        let req = podgate_testkit::tiktok::buy(oid.clone(), vec![]);
        w.create_package(&shop, &req).unwrap();
        w.cancel_order(&shop, &oid).unwrap();
        oid
    };
    let r = app.post_form("/shops", "/shops/1/sync", &[]).await;
    assert_eq!(r.status(), Status::SeeOther);
    // The cancelled order with a label becomes an exception.
    page_eventually(&app, "/orders?exceptions=true", &order_id).await;
    let (_, page) = app.order_page(&order_id).await;
    assert!(
        page.contains("CANCELLED (sync)") && page.contains("Cancelled after its label was bought"),
        "{page}"
    );
}

#[rocket::async_test]
async fn another_workspace_cannot_see_these_orders() {
    let (app, _sb) = connected(WorldSettings {
        initial_orders: 3,
        ..WorldSettings::default()
    })
    .await;
    app.pool
        .run(|c| {
            podgate::domain::accounts::add_user_blocking(
                c,
                "Globex",
                "g@globex.example",
                "G",
                podgate::db::models::user::Role::Owner,
                "globex password",
            )
        })
        .await
        .unwrap();
    let other = TestApp::reuse(&app).await;
    assert_eq!(
        other.login("g@globex.example", "globex password").await,
        Status::SeeOther
    );
    let (_, list) = other.get("/orders").await;
    assert!(list.contains("No orders match"));
    assert_eq!(other.get("/orders/1").await.0, Status::NotFound);
    assert_eq!(
        other.post_form("/shops", "/shops/1/sync", &[]).await.status(),
        Status::NotFound
    );
    let (_, shops) = other.get("/shops").await;
    assert!(!shops.contains("Sandbox POD Shop"));
}

#[rocket::async_test]
async fn a_shop_whose_authorization_broke_is_shown_broken_with_a_reconnect_button() {
    let (app, sb) = connected(WorldSettings {
        initial_orders: 3,
        ..WorldSettings::default()
    })
    .await;
    {
        // The seller revoked podgate on TikTok: every token stops working.
        let mut w = sb.sandbox.world.lock().unwrap();
        w.access_tokens.clear();
        w.refresh_tokens.clear();
    }
    app.post_form("/shops", "/shops/1/sync", &[]).await;
    let page = page_eventually(&app, "/shops", "badge-broken").await;
    assert!(
        page.contains("Reconnect") && page.contains("reconnect the shop"),
        "says what to do: {page}"
    );
    {
        let r = connect_shop(&app).await;
        assert_eq!(r.status(), Status::SeeOther);
    }
    page_eventually(&app, "/shops", "badge-active").await;
}

#[rocket::async_test]
async fn the_deadline_filter_lists_the_most_urgent_orders_first_across_pages() {
    let (app, _sb) = connected(WorldSettings {
        initial_orders: 150,
        ..WorldSettings::default()
    })
    .await;
    let deadlines = |html: &str| -> Vec<String> {
        html.split("<td><time datetime=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    let (_, page1) = app.get("/orders?ship_by=72h").await;
    let first = deadlines(&page1);
    assert_eq!(first.len(), 50);
    let href = podgate_testkit::next_page_href(&page1);
    assert!(
        href.contains("ship_by=72h"),
        "the filter is kept on the next page: {href}"
    );
    let (_, page2) = app.get(&href).await;
    let all: Vec<String> = first.into_iter().chain(deadlines(&page2)).collect();
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "ascending ship-by deadlines across both pages");
}

/// Two podgate processes share a database: "Sync now" while the other one is syncing the shop
/// leaves the work to it, and the seller is told so instead of seeing nothing happen.
#[rocket::async_test]
async fn sync_now_while_another_process_syncs_says_so() {
    let (app, _sb) = connected(WorldSettings {
        initial_orders: 3,
        ..WorldSettings::default()
    })
    .await;
    app.query(|c| {
        podgate::db::models::lease::try_take(
            c,
            "shop:1:sync",
            "another-host-4242-0000",
            chrono::Duration::minutes(1),
        )
    })
    .await;
    let r = app.post_form("/shops", "/shops/1/sync", &[]).await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    let page = page_eventually(&app, "/shops", "another podgate process is syncing").await;
    assert!(!page.contains("failed:"), "{page}");
    let v = sync_status(&app).await;
    assert_eq!(v["shops"][0]["progress"]["elsewhere"], true, "{v}");
}

/// "Sync now" pressed the moment a sync ends runs a sync. It used to be refused as running
/// elsewhere while the ended sync's lease was still being given back in the background, so the
/// seller saw "Syncing…" and nothing happened (and CI once saw a sync that never came).
#[rocket::async_test]
async fn a_sync_asked_for_the_moment_the_last_one_ends_runs() {
    let (app, _sb) = connected(WorldSettings {
        initial_orders: 3,
        ..WorldSettings::default()
    })
    .await;
    for round in 1..=5 {
        let ran = app.services.shops.sync_shop(&app.services.sync, 1).await.unwrap();
        assert!(
            ran.is_some(),
            "sync {round} in a row was refused as already running"
        );
    }
}

mod authorization;
mod big_sync;
mod outside;
