//! TikTok's error classes as the client meets them: business errors keep their code and
//! message, transient ones are retried with backoff, a purchase is never blindly repeated.

use super::*;

#[tokio::test]
async fn missing_permission_and_business_errors_keep_code_and_message() {
    let fx = Fixture::new(WorldSettings::default()).await;
    let on_hold = fx.first_with_status("ON_HOLD").await;
    let e = fx
        .shop()
        .create_package(&buy(on_hold.id.clone(), vec![]))
        .await
        .unwrap_err();
    assert_eq!((e.code, e.class), (21011044, ErrorClass::Business));
    assert!(e.message.contains("on hold"));

    fx.sb
        .sandbox
        .world
        .lock()
        .unwrap()
        .access_tokens
        .values_mut()
        .for_each(|t| t.scopes.retain(|s| s != "seller.order.info"));
    let e = fx
        .shop()
        .search_orders_page(&OrderSearch::default(), 10, None, "create_time")
        .await
        .unwrap_err();
    assert_eq!((e.code, e.class), (105005, ErrorClass::MissingPermission));
    assert!(e.advice().contains("reconnect"));
}

#[tokio::test]
async fn bursts_of_429_and_transient_errors_are_absorbed_by_backoff() {
    let fx = Fixture::new(WorldSettings::default()).await;
    fx.set_faults(FaultSettings {
        burst_429: 4,
        ..FaultSettings::default()
    })
    .await;
    let shops = fx.seller().authorized_shops().await.unwrap();
    assert_eq!(shops.len(), 1);
    let s = fx.sb.sandbox.state();
    assert_eq!(s.calls["authorized_shops"], 5, "four 429s, then success");
    assert_eq!(s.errors["36009002"], 4);

    fx.set_faults(FaultSettings {
        error_rate: 0.3,
        ..FaultSettings::default()
    })
    .await;
    for _ in 0..10 {
        fx.shop()
            .search_orders_page(&OrderSearch::default(), 10, None, "create_time")
            .await
            .unwrap();
    }
    fx.set_faults(FaultSettings {
        error_rate: 1.0,
        ..FaultSettings::default()
    })
    .await;
    let e = fx.seller().authorized_shops().await.unwrap_err();
    assert!(
        matches!(
            e.class,
            ErrorClass::Transient | ErrorClass::RateLimited | ErrorClass::ExpiredToken
        ),
        "gives up after max attempts with the last retryable error: {e}"
    );
}

#[tokio::test]
async fn timeouts_are_retried_and_create_package_is_never_blindly_repeated() {
    let fx = Fixture::with(WorldSettings::default(), |c| c.timeout_ms = 300).await;
    let order = fx.awaiting().await.remove(0);
    fx.set_faults(FaultSettings {
        timeout_rate: 1.0,
        timeout_ms: 1000,
        ..FaultSettings::default()
    })
    .await;
    let e = fx
        .shop()
        .create_package(&buy(order.id.clone(), vec![]))
        .await
        .unwrap_err();
    assert_eq!(e.class, ErrorClass::Transient);
    assert_eq!(
        fx.sb.sandbox.state().calls["create_packages"],
        1,
        "a purchase is attempted once"
    );
    fx.set_faults(FaultSettings {
        timeout_rate: 0.5,
        timeout_ms: 1000,
        ..FaultSettings::default()
    })
    .await;
    let shops = fx.seller().authorized_shops().await;
    assert!(shops.is_ok(), "a safe call survives timeouts: {shops:?}");
}

#[tokio::test]
async fn a_document_still_generating_is_fetched_once_ready() {
    let fx = Fixture::new(WorldSettings::default()).await;
    let order = fx.awaiting().await.remove(0);
    let p = fx
        .shop()
        .create_package(&buy(order.id.clone(), vec![]))
        .await
        .unwrap();
    fx.set_faults(FaultSettings {
        doc_generating_rate: 0.6,
        ..FaultSettings::default()
    })
    .await;
    let (_, pdf) = fx.shop().label_pdf(&p.package_id).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn split_an_order_into_two_packages_and_buy_each_label() {
    let fx = Fixture::new(WorldSettings {
        initial_orders: 80,
        ..WorldSettings::default()
    })
    .await;
    let order = fx
        .awaiting()
        .await
        .into_iter()
        .find(|o| o.line_items.len() >= 2)
        .expect("a multi-item order");
    let attrs = fx
        .shop()
        .split_attributes(std::slice::from_ref(&order.id))
        .await
        .unwrap();
    assert!(attrs[0].can_split);
    let (first, rest) = order.line_items.split_at(1);
    let groups = SplitOrder {
        splittable_groups: vec![
            SplittableGroup {
                id: "g1".into(),
                order_line_item_ids: first.iter().map(|l| l.id.clone()).collect(),
            },
            SplittableGroup {
                id: "g2".into(),
                order_line_item_ids: rest.iter().map(|l| l.id.clone()).collect(),
            },
        ],
    };
    let split = fx.shop().split_order(&order.id, &groups).await.unwrap();
    assert_eq!(split.packages.len(), 2);
    for (g, sp) in groups.splittable_groups.iter().zip(&split.packages) {
        assert_eq!(sp.splittable_group_id, g.id);
        let created = fx
            .shop()
            .create_package(&buy(order.id.clone(), g.order_line_item_ids.clone()))
            .await
            .unwrap();
        assert_eq!(created.package_id, sp.id, "the split package gets the label");
    }
    assert_eq!(fx.sb.sandbox.state().purchases, 2);
    fx.shop()
        .ship_package(
            &split.packages[0].id,
            &ShipPackage {
                handover_method: Some("PICKUP".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        fx.shop()
            .package_detail(&split.packages[0].id)
            .await
            .unwrap()
            .handover_method,
        "PICKUP"
    );
}

#[tokio::test]
async fn unknown_paths_methods_and_versions_answer_tiktoks_json_envelope() {
    let fx = Fixture::new(WorldSettings::default()).await;
    let http = reqwest::Client::new();
    let base = &fx.sb.base_url;
    for (method, path, code) in [
        (reqwest::Method::GET, "/fulfillment/202309/nothing", 36009009),
        (
            reqwest::Method::DELETE,
            "/fulfillment/202309/packages/1",
            36009010,
        ),
        (reqwest::Method::POST, "/fulfillment/202401/packages", 36009014),
        (reqwest::Method::GET, "/order/202212/orders", 36009014),
    ] {
        let r = http
            .request(method.clone(), format!("{base}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/json",
            "{method} {path}"
        );
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["code"], code, "{method} {path}: {v}");
        assert!(v["request_id"].as_str().is_some_and(|s| !s.is_empty()));
    }
}
