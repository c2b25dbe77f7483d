//! A podgate pointed at a fresh sandbox, its shop connected from the browser and synced.

use std::time::Duration;

use rocket::http::Status;
use tiktok_sandbox::SandboxHandle;
use tiktok_sandbox::world::WorldSettings;

use crate::app::TestApp;
use crate::tiktok::sandbox;

/// A podgate whose TikTok settings point at a fresh sandbox.
pub async fn app_with_sandbox(world: WorldSettings) -> (TestApp, SandboxHandle) {
    app_with_sandbox_and(world, |f| f).await
}

/// A podgate pointed at a fresh sandbox, with more configuration applied.
pub async fn app_with_sandbox_and(
    world: WorldSettings,
    extra: impl FnOnce(rocket::figment::Figment) -> rocket::figment::Figment,
) -> (TestApp, SandboxHandle) {
    let sb = sandbox(world).await;
    let mut tiktok = sb.sandbox.client_config();
    tiktok.backoff_base_ms = 5;
    tiktok.backoff_cap_ms = 50;
    let secret = tiktok.app_secret.clone();
    let app =
        TestApp::with(move |f| extra(f.merge(("tiktok", tiktok)).merge(("tiktok.app_secret", secret)))).await;
    (app, sb)
}

/// Runs "Connect a TikTok shop" as the owner would, approving on the sandbox's page.
pub async fn connect_shop(app: &TestApp) -> rocket::local::asynchronous::LocalResponse<'_> {
    let r = app.post_form("/shops", "/shops/connect", &[]).await;
    assert_eq!(r.status(), Status::SeeOther);
    let authorize = r.headers().get_one("Location").unwrap().to_string();
    let back = crate::tiktok::approve(&authorize).await;
    let query = back.split_once('?').unwrap().1.to_string();
    app.client
        .get(format!("/shops/callback?{query}"))
        .dispatch()
        .await
}

/// The shops' sync state as the shops page polls it.
pub async fn sync_status(app: &TestApp) -> serde_json::Value {
    app.client
        .get("/shops/sync-status")
        .dispatch()
        .await
        .into_json()
        .await
        .unwrap()
}

/// Syncs the workspace's shop now, in this task (no waiting on a background sync).
pub async fn sync_shop_now(app: &TestApp) {
    let shop: i64 = app
        .query(|c| {
            use diesel::prelude::*;
            podgate::db::schema::shops::table
                .select(podgate::db::schema::shops::id)
                .first(c)
        })
        .await;
    let ran = app
        .services
        .shops
        .sync_shop(&app.services.sync, shop)
        .await
        .unwrap();
    assert!(ran.is_some(), "the sync was refused as already running");
}

/// The buyer cancels an order on TikTok (the sandbox's control API), and podgate syncs it;
/// returns TikTok's order id.
pub async fn cancel_on_tiktok_and_sync(app: &TestApp, sb: &SandboxHandle, order: i64) -> String {
    let tiktok_order: String = app
        .query(move |c| {
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl::*;
            orders.find(order).select(tiktok_order_id).first(c)
        })
        .await;
    let url = format!("{}/sandbox/api/orders/{tiktok_order}/cancel", sb.base_url);
    let r = reqwest::Client::new().post(url).send().await.unwrap();
    assert!(r.status().is_success(), "the sandbox cancelled {tiktok_order}");
    sync_shop_now(app).await;
    tiktok_order
}

/// Waits until no sync is running.
pub async fn wait_synced(app: &TestApp) {
    for _ in 0..600 {
        let v = sync_status(app).await;
        let busy = v["shops"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["progress"]["running"] == true);
        let done = v["shops"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !s["last_sync_ok_at"].is_null() || !s["last_sync_error"].is_null());
        if !busy && done {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("sync did not finish");
}

/// Polls a page until it contains `needle` (background work finishing), or fails.
pub async fn page_eventually(app: &TestApp, path: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..500 {
        last = app.get(path).await.1;
        if last.contains(needle) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} never showed {needle:?}:\n{last}");
}

/// A connected, fully synced app.
pub async fn connected(world: WorldSettings) -> (TestApp, SandboxHandle) {
    connected_with(world, |f| f).await
}

/// [`connected`], with more configuration applied.
pub async fn connected_with(
    world: WorldSettings,
    extra: impl FnOnce(rocket::figment::Figment) -> rocket::figment::Figment,
) -> (TestApp, SandboxHandle) {
    let (app, sb) = app_with_sandbox_and(world, extra).await;
    app.setup_owner().await;
    {
        let r = connect_shop(&app).await;
        assert_eq!(r.headers().get_one("Location"), Some("/shops"));
    }
    wait_synced(&app).await;
    (app, sb)
}

/// Changes an order in the sandbox as TikTok would (its update time moves, so a sync sees it).
pub fn on_tiktok(
    sb: &tiktok_sandbox::SandboxHandle,
    order: &str,
    change: impl FnOnce(&mut tiktok::types::Order),
) {
    let mut w = sb.sandbox.world.lock().unwrap();
    let found = w.change_order(order, |o| {
        change(o);
        o.update_time += 1;
    });
    assert!(found, "the order is in the sandbox");
}

/// TikTok's order ids of these orders, in id order.
pub async fn tiktok_ids(app: &TestApp, ids: &[i64]) -> Vec<String> {
    let ids = ids.to_vec();
    app.query(move |c| {
        use diesel::prelude::*;
        use podgate::db::schema::orders::dsl::*;
        orders
            .filter(id.eq_any(ids))
            .order(id)
            .select(tiktok_order_id)
            .load(c)
    })
    .await
}
