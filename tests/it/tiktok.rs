//! The TikTok Shop client against the sandbox: the whole seller flow, every error class, and
//! the checks a real TikTok makes on signatures, timestamps and tokens.

use std::time::Duration;

use ::tiktok::types::*;
use ::tiktok::{ErrorClass, MemoryTokenStore, SellerApi, TikTokClient, TikTokConfig, TokenStore, Tokens};
use podgate_testkit::tiktok::{Fixture, authorize, buy, dims, weight};
use tiktok_sandbox::{faults::FaultSettings, world::WorldSettings};

/// Runs the `podgate sandbox` command on a free port with these arguments (after
/// `--listen`) and waits until it answers; returns the child and its base URL.
pub async fn sandbox_command(args: &[&str]) -> (tokio::process::Child, String) {
    let port = podgate_testkit::net::free_port().unwrap();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_podgate"))
        .args(["sandbox", "--listen", &format!("127.0.0.1:{port}")])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..300 {
        if reqwest::get(format!("{base}/sandbox/api/state")).await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "podgate sandbox did not start");
    (child, base)
}

#[tokio::test]
async fn seller_flow_authorize_list_buy_and_download_a_real_label() {
    let fx = Fixture::new(WorldSettings {
        initial_orders: 120,
        seed: 7,
        ..WorldSettings::default()
    })
    .await;
    let shops = fx.seller().authorized_shops().await.unwrap();
    assert_eq!(shops.len(), 1);
    assert_eq!(shops[0].region, "US");
    assert!(shops[0].cipher.starts_with("TTP_"));

    // Every page is followed (120 orders at 50 a page), with opaque tokens containing '+' and '/'.
    let all = fx
        .shop()
        .search_orders_all(&OrderSearch::default(), 50)
        .await
        .unwrap();
    assert_eq!(all.len(), 123, "120 seeded + 3 on hold");
    let ids: std::collections::HashSet<_> = all.iter().map(|o| o.id.clone()).collect();
    assert_eq!(ids.len(), all.len(), "no order twice across pages");
    for o in &all {
        assert!(
            o.id.len() >= 18 && o.id.parse::<u64>().unwrap() > (1u64 << 53),
            "string ids beyond 2^53"
        );
        assert!(!o.line_items.is_empty());
        if o.status == "ON_HOLD" {
            assert!(
                o.recipient_address.name.is_empty(),
                "address hidden while on hold"
            );
        }
    }
    // Order detail in batches of at most 50.
    let detail = fx
        .shop()
        .order_details(&all.iter().map(|o| o.id.clone()).collect::<Vec<_>>())
        .await
        .unwrap();
    assert_eq!(detail.len(), all.len());

    let order = fx.awaiting().await.into_iter().next().unwrap();
    assert!(!order.recipient_address.name.is_empty());
    let items: Vec<String> = order.line_items.iter().map(|l| l.id.clone()).collect();
    let q = ShippingServiceQuery {
        order_line_item_ids: items.clone(),
        weight: weight(),
        dimension: dims(),
    };
    let services = fx.shop().eligible_services(&order.id, &q).await.unwrap();
    assert!(
        services
            .shipping_services
            .iter()
            .any(|s| s.name == "USPS Ground Advantage")
    );
    let cheapest = services
        .shipping_services
        .iter()
        .min_by(|a, b| {
            a.price
                .parse::<f64>()
                .unwrap()
                .total_cmp(&b.price.parse::<f64>().unwrap())
        })
        .unwrap();
    let created = fx
        .shop()
        .create_package(&CreatePackage {
            order_id: order.id.clone(),
            order_line_item_ids: items.clone(),
            weight: weight(),
            dimension: dims(),
            shipping_service_id: Some(cheapest.id.clone()),
        })
        .await
        .unwrap();
    assert_eq!(created.shipping_service_info.id, cheapest.id);

    let (doc, pdf) = fx.shop().label_pdf(&created.package_id).await.unwrap();
    assert!(!doc.tracking_number.is_empty());
    let parsed = lopdf::Document::load_mem(&pdf).expect("a valid PDF");
    let pages = parsed.get_pages();
    assert_eq!(pages.len(), 1);
    let page_id = *pages.values().next().unwrap();
    let media_box = parsed
        .get_object(page_id)
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    let size: Vec<f32> = media_box.iter().map(|o| o.as_float().unwrap()).collect();
    assert_eq!(size, vec![0.0, 0.0, 288.0, 432.0], "4 x 6 inches");
    let text = parsed.extract_text(&[1]).unwrap();
    assert!(
        text.contains(&doc.tracking_number),
        "tracking number printed: {text}"
    );
    assert!(
        text.contains(&order.recipient_address.name.to_uppercase()),
        "recipient printed: {text}"
    );

    // Buying again for the same items is refused, as TikTok does, and nothing is bought twice.
    let again = fx
        .shop()
        .create_package(&buy(order.id.clone(), items))
        .await
        .unwrap_err();
    assert_eq!(again.code, 21022025);
    assert_eq!(again.class, ErrorClass::AlreadyFulfilled);
    let state = fx.sb.sandbox.state();
    assert_eq!(state.purchases, 1);
    assert_eq!(state.duplicate_labels, 0);
    assert_eq!(
        state.calls["create_packages"], 2,
        "the refused retry reached TikTok once; no hidden retries"
    );

    // The package is found again by search and detail (what reconciliation relies on).
    let found = fx
        .shop()
        .search_packages_page(&PackageSearch::default(), 50, None)
        .await
        .unwrap();
    assert_eq!(found.packages.len(), 1);
    assert_eq!(found.packages[0].id, created.package_id);
    let detail = fx.shop().package_detail(&created.package_id).await.unwrap();
    assert_eq!(detail.tracking_number, doc.tracking_number);
    let order_now = fx
        .shop()
        .order_details(std::slice::from_ref(&order.id))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(order_now.status, "AWAITING_COLLECTION");

    // The carrier scans it: the order moves on and the label can no longer be printed.
    fx.sb
        .sandbox
        .world
        .lock()
        .unwrap()
        .scan(&created.package_id)
        .unwrap();
    let order_now = fx
        .shop()
        .order_details(std::slice::from_ref(&order.id))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(order_now.status, "IN_TRANSIT");
    let e = fx
        .shop()
        .shipping_document(&created.package_id, "SHIPPING_LABEL")
        .await
        .unwrap_err();
    assert_eq!(e.code, 21042102);
}

#[tokio::test]
async fn wrong_secret_is_a_bad_signature_and_is_not_retried() {
    let fx = Fixture::with(WorldSettings::default(), |c| {
        c.app_secret = "not-the-secret".into()
    })
    .await;
    let e = fx.seller().authorized_shops().await.unwrap_err();
    assert_eq!(e.class, ErrorClass::Configuration);
    assert_eq!(e.code, 106001);
    assert_eq!(e.http_status, 401);
    assert!(!e.request_id.is_empty());
    assert_eq!(fx.sb.sandbox.state().calls["authorized_shops"], 1);
}

#[tokio::test]
async fn tampered_body_and_stale_timestamp_are_refused() {
    let fx = Fixture::new(WorldSettings::default()).await;
    let token = fx.store.load("seller").await.unwrap().access_token;
    let cfg = fx.client.config().clone();
    let path = "/order/202309/orders/search";
    let send = |ts: i64, signed_body: &'static str, sent_body: &'static str| {
        let cfg = cfg.clone();
        let token = token.clone();
        let cipher = fx.cipher.clone();
        async move {
            let query: Vec<(String, String)> = vec![
                ("app_key".into(), cfg.app_key.clone()),
                ("page_size".into(), "10".into()),
                ("shop_cipher".into(), cipher),
                ("timestamp".into(), ts.to_string()),
            ];
            let sign =
                ::tiktok::sign::sign_request(&cfg.app_secret, path, &query, Some(signed_body.as_bytes()));
            let mut u = url::Url::parse(&format!("{}{path}", cfg.api_base)).unwrap();
            u.query_pairs_mut()
                .extend_pairs(&query)
                .append_pair("sign", &sign);
            let r = reqwest::Client::new()
                .post(u)
                .header("x-tts-access-token", token)
                .header("content-type", "application/json")
                .body(sent_body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let v: serde_json::Value = r.json().await.unwrap();
            (status, v["code"].as_i64().unwrap())
        }
    };
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        send(
            now,
            r#"{"order_status":"ON_HOLD"}"#,
            r#"{"order_status":"ON_HOLD"}"#
        )
        .await,
        (200, 0)
    );
    assert_eq!(
        send(
            now,
            r#"{"order_status":"ON_HOLD"}"#,
            r#"{"order_status":"UNPAID"}"#
        )
        .await,
        (401, 106001)
    );
    assert_eq!(
        send(now - 301, "{}", "{}").await.1,
        36009004,
        "older than five minutes"
    );
    assert_eq!(
        send(now + 120, "{}", "{}").await.1,
        36009004,
        "too far in the future"
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_retried() {
    let fx = Fixture::new(WorldSettings::default()).await;
    let before = fx.store.load("seller").await.unwrap();
    fx.sb
        .sandbox
        .world
        .lock()
        .unwrap()
        .access_tokens
        .values_mut()
        .for_each(|t| t.expires_at = 0);
    // The store still believes the token is valid for days: the 105002 answer triggers the refresh.
    let shops = fx.seller().authorized_shops().await.unwrap();
    assert_eq!(shops.len(), 1);
    let after = fx.store.load("seller").await.unwrap();
    assert_ne!(after.access_token, before.access_token);
    assert_ne!(
        after.refresh_token, before.refresh_token,
        "the new refresh token is kept"
    );
    let s = fx.sb.sandbox.state();
    assert_eq!(s.calls["token_refresh"], 1);
    assert_eq!(s.errors["105002"], 1);
    // The old refresh token no longer works (the sandbox rotates them), so keeping the new one mattered.
    assert!(fx.client.refresh_tokens(&before.refresh_token).await.is_err());
}

#[tokio::test]
async fn tokens_near_expiry_are_refreshed_once_for_many_concurrent_calls() {
    let fx = Fixture::new(WorldSettings::default()).await;
    let mut t = fx.store.load("seller").await.unwrap();
    t.access_expires_at = chrono::Utc::now().timestamp() + 10;
    fx.store.save("seller", &t).await.unwrap();
    let calls: Vec<_> = (0..8)
        .map(|_| async { fx.seller().authorized_shops().await })
        .collect();
    let results = join_all(calls).await;
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(
        fx.sb.sandbox.state().calls["token_refresh"],
        1,
        "single-flight refresh"
    );
}

async fn join_all<F: std::future::Future>(fs: Vec<F>) -> Vec<F::Output> {
    // Polls all futures concurrently on this task.
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = fs.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => results[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().map(|r| r.unwrap()).collect()
}

mod contract;
mod errors;
mod lifecycle;
mod sdk;
mod webhooks_and_paging;
