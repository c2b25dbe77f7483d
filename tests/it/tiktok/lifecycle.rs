//! The sandbox's lifecycle as TikTok's pages define it: package PROCESSING (arranged, waiting
//! for the carrier) → FULFILLING (in transit) → COMPLETED (delivered); Search Package sorted
//! as asked (newest first by default); a cancellation's own webhook; a 401 answer final.

use super::*;

/// Buys a label for one awaiting order's items; returns (order id, package id).
async fn bought(fx: &Fixture, nth: usize) -> (String, String) {
    let order = fx.awaiting().await.remove(nth);
    let items = order.line_items.iter().map(|l| l.id.clone()).collect();
    let p = fx
        .shop()
        .create_package(&buy(order.id.clone(), items))
        .await
        .unwrap();
    (order.id, p.package_id)
}

async fn status(fx: &Fixture, package: &str) -> String {
    fx.shop().package_detail(package).await.unwrap().package_status
}

#[tokio::test]
async fn packages_move_processing_fulfilling_completed_as_the_docs_say() {
    let fx = Fixture::new(WorldSettings::default()).await;
    let (order, package) = bought(&fx, 0).await;
    assert_eq!(
        status(&fx, &package).await,
        "PROCESSING",
        "arranged, waiting for the carrier"
    );
    let line = |o: &Order| o.line_items[0].package_status.clone().unwrap_or_default();
    let detail = fx
        .shop()
        .order_details(std::slice::from_ref(&order))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        (detail.status.as_str(), line(&detail).as_str()),
        ("AWAITING_COLLECTION", "PROCESSING")
    );

    fx.sb.sandbox.world.lock().unwrap().scan(&package).unwrap();
    assert_eq!(status(&fx, &package).await, "FULFILLING", "collected, in transit");
    let detail = fx
        .shop()
        .order_details(std::slice::from_ref(&order))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        (detail.status.as_str(), line(&detail).as_str()),
        ("IN_TRANSIT", "FULFILLING")
    );

    {
        let mut w = fx.sb.sandbox.world.lock().unwrap();
        let shop = w.shops[0].id.clone();
        w.set_order_status(&shop, &order, "DELIVERED");
    }
    assert_eq!(status(&fx, &package).await, "COMPLETED", "delivered");
}

#[tokio::test]
async fn search_package_sorts_as_asked_and_newest_first_by_default() {
    let fx = Fixture::new(WorldSettings::default()).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(bought(&fx, 0).await.1);
        let mut w = fx.sb.sandbox.world.lock().unwrap();
        // Distinct creation times, one second apart.
        w.packages.get_mut(&ids[n]).unwrap().create_time -= 10 - n as i64;
    }
    // podgate's client asks for the oldest first, explicitly.
    let asc: Vec<String> = fx
        .shop()
        .search_packages_page(&PackageSearch::default(), 50, None)
        .await
        .unwrap()
        .packages
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(asc, ids);
    let w = fx.sb.sandbox.world.lock().unwrap();
    let shop = w.shops[0].id.clone();
    let f = PackageSearch::default();
    let default: Vec<String> = w
        .search_packages(&shop, &f, ("create_time", "DESC"), 50, None)
        .unwrap()
        .packages
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(default, ids.iter().rev().cloned().collect::<Vec<_>>());
    let bad = w
        .search_packages(&shop, &f, ("price", "ASC"), 50, None)
        .unwrap_err();
    assert_eq!(bad.code, 21001001);
}

#[tokio::test]
async fn a_cancellation_has_its_own_webhook_and_a_401_answer_is_not_pushed_again() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fx = Fixture::new(WorldSettings::default()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let kinds = std::sync::Arc::new(std::sync::Mutex::new(Vec::<i64>::new()));
    let seen = kinds.clone();
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Read until the JSON body is complete, then refuse it as a bad signature.
            loop {
                let n = sock.read(&mut chunk).await.unwrap();
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some((_, body)) = text.split_once("\r\n\r\n")
                    && let Ok(ev) = serde_json::from_str::<WebhookEvent>(body)
                {
                    seen.lock().unwrap().push(ev.kind);
                    break;
                }
            }
            let _ = sock
                .write_all(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
        }
    });
    let order = fx.awaiting().await.remove(0);
    {
        let mut w = fx.sb.sandbox.world.lock().unwrap();
        w.webhook_url = Some(format!("http://127.0.0.1:{port}/webhooks/tiktok"));
        let shop = w.shops[0].id.clone();
        w.cancel_order(&shop, &order.id).unwrap();
    }
    // The retry schedule is scaled by 0.001 here: 2 min → 0.12 s, 30 min → 1.8 s. Wait past
    // the first two retries.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut got = kinds.lock().unwrap().clone();
    got.sort();
    assert_eq!(
        got,
        vec![1, 11],
        "one order status change, one cancellation, each pushed once"
    );
    assert_eq!(fx.sb.sandbox.state().webhooks_refused, 2);
}

#[tokio::test]
async fn the_carrier_scans_labels_by_itself_some_late_and_get_tracking_tells() {
    let fx = Fixture::new(WorldSettings {
        seed: 9,
        scans: tiktok_sandbox::tracking::ScanSettings {
            after_secs: 1,
            late_share: 0.5,
            late_extra_secs: 3600,
            ..Default::default()
        },
        ..WorldSettings::default()
    })
    .await;
    let mut bought_now = Vec::new();
    for _ in 0..6 {
        bought_now.push(bought(&fx, 0).await);
    }
    let (order, _) = &bought_now[0];
    let events = fx.shop().tracking(order).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0].description.contains("label created"));
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let (mut scanned, mut waiting) = (0, 0);
    for (order, package) in &bought_now {
        let events = fx.shop().tracking(order).await.unwrap();
        let status = status(&fx, package).await;
        if events[0].description.starts_with("Accepted") {
            assert_eq!(status, "FULFILLING");
            assert!(
                events[0].update_time_millis >= events[1].update_time_millis,
                "newest first"
            );
            scanned += 1;
        } else {
            assert_eq!((status.as_str(), events.len()), ("PROCESSING", 1));
            waiting += 1;
        }
    }
    assert!(
        scanned > 0 && waiting > 0,
        "{scanned} scanned on time, {waiting} late"
    );
}

#[tokio::test]
async fn what_the_docs_leave_open_is_switchable_business_status_and_refresh_rotation() {
    // Default: a refresh retires the old refresh token, answers "success", keeps the period.
    let fx = Fixture::new(WorldSettings::default()).await;
    let first = fx.store.load("seller").await.unwrap();
    let url = |t: &str| {
        format!(
            "{}/api/v2/token/refresh?app_key={}&app_secret={}&refresh_token={t}&grant_type=refresh_token",
            fx.sb.base_url,
            fx.client.config().app_key,
            tiktok_sandbox::DEFAULT_APP_SECRET
        )
    };
    let v: serde_json::Value = reqwest::get(url(&first.refresh_token))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["code"].as_i64(), v["message"].as_str()),
        (Some(0), Some("success")),
        "{v}"
    );
    assert_eq!(
        v["data"]["refresh_token_expire_in"], first.refresh_expires_at,
        "{v}"
    );
    let again: serde_json::Value = reqwest::get(url(&first.refresh_token))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["code"], 36004005,
        "the old refresh token is retired: {again}"
    );

    // Switched: business refusals at HTTP 400, the refresh token kept.
    let fx = Fixture::new(WorldSettings {
        business_error_http: 400,
        rotate_refresh_token: false,
        ..WorldSettings::default()
    })
    .await;
    let on_hold = fx.first_with_status("ON_HOLD").await;
    let e = fx
        .shop()
        .create_package(&buy(on_hold.id, vec![]))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.class, e.http_status),
        (21011044, ErrorClass::Business, 400)
    );
    let t = fx.store.load("seller").await.unwrap();
    for _ in 0..2 {
        let r = fx.client.refresh_tokens(&t.refresh_token).await.unwrap();
        assert_eq!(r.refresh_token, t.refresh_token, "kept");
    }
}
