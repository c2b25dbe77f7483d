//! Webhooks pushed by the sandbox, the `podgate sandbox` command end to end, and paging by
//! `update_time` while orders change.

use super::*;

#[tokio::test]
async fn webhooks_arrive_signed_and_are_retried_until_accepted() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fx = Fixture::new(WorldSettings::default()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    fx.sb.sandbox.world.lock().unwrap().webhook_url =
        Some(format!("http://127.0.0.1:{port}/webhooks/tiktok"));
    let ids = {
        let mut w = fx.sb.sandbox.world.lock().unwrap();
        let shop = w.shops[0].id.clone();
        let id = w.new_order(&shop, 0, "ON_HOLD");
        w.set_order_status(&shop, &id, "AWAITING_SHIPMENT");
        id
    };
    let mut seen = Vec::new();
    let mut answered_500 = false;
    while seen.is_empty() {
        let (mut sock, _) = tokio::time::timeout(Duration::from_secs(10), listener.accept())
            .await
            .expect("webhook pushed")
            .unwrap();
        let mut buf = vec![0u8; 16384];
        let mut n = 0;
        loop {
            n += sock.read(&mut buf[n..]).await.unwrap();
            let text = String::from_utf8_lossy(&buf[..n]).to_string();
            if let Some(i) = text.find("\r\n\r\n") {
                let len: usize = text
                    .lines()
                    .find_map(|l| {
                        l.to_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap();
                if n >= i + 4 + len {
                    break;
                }
            }
        }
        let text = String::from_utf8_lossy(&buf[..n]).to_string();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let auth = head
            .lines()
            .find_map(|l| {
                l.strip_prefix("authorization: ")
                    .or_else(|| l.strip_prefix("Authorization: "))
            })
            .unwrap()
            .trim()
            .to_string();
        assert!(
            fx.client.verify_webhook(body.as_bytes(), &auth),
            "signature verifies"
        );
        assert!(!fx.client.verify_webhook(format!("{body} ").as_bytes(), &auth));
        if !answered_500 {
            // The first delivery fails; TikTok retries it.
            answered_500 = true;
            sock.write_all(
                b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            )
            .await
            .unwrap();
            continue;
        }
        sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let ev: WebhookEvent = serde_json::from_str(body).unwrap();
        seen.push(ev);
    }
    assert_eq!(seen[0].kind, 1);
    assert_eq!(seen[0].data["order_id"], ids);
    assert_eq!(seen[0].data["order_status"], "AWAITING_SHIPMENT");
    assert!(!seen[0].tts_notification_id.is_empty());
}

#[tokio::test]
async fn the_podgate_sandbox_command_serves_the_whole_flow() {
    let (mut child, base) = sandbox_command(&[
        "--app-key",
        "k123",
        "--app-secret",
        "s456",
        "--redirect-url",
        "http://127.0.0.1:9/cb",
        "--seed",
        "3",
        "--orders",
        "10",
    ])
    .await;
    let cfg = TikTokConfig {
        api_base: base.clone(),
        auth_base: base.clone(),
        authorize_url: format!("{base}/open/authorize"),
        app_key: "k123".into(),
        app_secret: "s456".into(),
        ..TikTokConfig::default()
    };
    let client = TikTokClient::new(cfg);
    let store = MemoryTokenStore::default();
    store
        .save("s", &Tokens::from(&authorize(&client).await.unwrap()))
        .await
        .unwrap();
    let seller = SellerApi {
        client: &client,
        store: &store,
        key: "s",
    };
    let cipher = seller.authorized_shops().await.unwrap().remove(0).cipher;
    let shop = SellerApi {
        client: &client,
        store: &store,
        key: "s",
    }
    .shop(&cipher);
    let filter = OrderSearch {
        order_status: Some("AWAITING_SHIPMENT".into()),
        ..OrderSearch::default()
    };
    let order = shop.search_orders_all(&filter, 20).await.unwrap().remove(0);
    let p = shop.create_package(&buy(order.id, vec![])).await.unwrap();
    let (doc, pdf) = shop.label_pdf(&p.package_id).await.unwrap();
    let text = lopdf::Document::load_mem(&pdf)
        .unwrap()
        .extract_text(&[1])
        .unwrap();
    assert!(text.contains(&doc.tracking_number));
    let state: serde_json::Value = reqwest::get(format!("{base}/sandbox/api/state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["purchases"], 1);
    // It stops on SIGTERM, as service managers expect.
    let pid = child.id().unwrap().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("stops on SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn paging_by_update_time_never_skips_orders_that_change_meanwhile() {
    let fx = Fixture::new(WorldSettings {
        initial_orders: 300,
        ..WorldSettings::default()
    })
    .await;
    let filter = OrderSearch::default();
    let first = fx
        .shop()
        .search_orders_page(&filter, 100, None, "update_time")
        .await
        .unwrap();
    let total = first.total_count as usize;
    let mut seen: std::collections::HashSet<String> = first.orders.iter().map(|o| o.id.clone()).collect();
    {
        // Orders already read change now: their update_time jumps past every other order.
        let mut w = fx.sb.sandbox.world.lock().unwrap();
        let shop = w.shops[0].id.clone();
        for o in first
            .orders
            .iter()
            .filter(|o| o.status == "AWAITING_SHIPMENT")
            .take(30)
        {
            w.set_order_status(&shop, &o.id, "CANCELLED");
        }
    }
    let mut token = first.next_page_token;
    while !token.is_empty() {
        let page = fx
            .shop()
            .search_orders_page(&filter, 100, Some(&token), "update_time")
            .await
            .unwrap();
        seen.extend(page.orders.iter().map(|o| o.id.clone()));
        token = page.next_page_token;
    }
    assert_eq!(
        seen.len(),
        total,
        "every order is seen once the pages are read to the end"
    );
}

#[tokio::test]
async fn the_sandbox_index_pages_update_time_windows_exactly_as_a_full_scan() {
    let fx = Fixture::new(WorldSettings {
        initial_orders: 450,
        // Nothing changes between the two readings (the sandbox's clock moves unpaid and held
        // orders along otherwise).
        orders_per_minute: 0.0,
        on_hold_secs: 1_000_000,
        ..WorldSettings::default()
    })
    .await;
    // The index serves a search by update time alone; a creation-time bound every order
    // meets sends the same search through the full scan.
    let pages_of = |filter: OrderSearch| {
        let fx = &fx;
        async move {
            let mut pages = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let page = fx
                    .shop()
                    .search_orders_page(&filter, 100, token.as_deref(), "update_time")
                    .await
                    .unwrap();
                let ids: Vec<String> = page.orders.iter().map(|o| o.id.clone()).collect();
                pages.push((ids, page.total_count, page.next_page_token.clone()));
                if page.next_page_token.is_empty() {
                    return pages;
                }
                token = Some(page.next_page_token);
            }
        }
    };
    let now = chrono::Utc::now().timestamp();
    for (ge, lt) in [
        (None, None),
        (Some(now - 36 * 3600), Some(now - 12 * 3600)),
        (Some(now - 3600), None),
    ] {
        let by_index = pages_of(OrderSearch {
            update_time_ge: ge,
            update_time_lt: lt,
            ..OrderSearch::default()
        })
        .await;
        let by_scan = pages_of(OrderSearch {
            update_time_ge: ge,
            update_time_lt: lt,
            create_time_ge: Some(0),
            ..OrderSearch::default()
        })
        .await;
        assert!(by_index.iter().map(|p| p.0.len()).sum::<usize>() > 0 || ge == Some(now - 3600));
        assert_eq!(by_index, by_scan, "window {ge:?}..{lt:?}");
    }
}
