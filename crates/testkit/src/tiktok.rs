//! The TikTok Shop sandbox for tests: a quiet shop, a seller's approval on its page, a client
//! authorized against it, and Create Packages requests.

use std::sync::Arc;

use tiktok::types::*;
use tiktok::{MemoryTokenStore, SellerApi, TikTokClient, TikTokConfig, TokenStore, Tokens};
use tiktok_sandbox::{SandboxConfig, SandboxHandle, faults::FaultSettings, world::WorldSettings};

/// A sandbox with a quiet shop (no orders arriving on their own), and a client pointed at it.
pub struct Fixture {
    pub sb: SandboxHandle,
    pub client: TikTokClient,
    pub store: Arc<MemoryTokenStore>,
    pub cipher: String,
}

pub async fn sandbox(world: WorldSettings) -> SandboxHandle {
    let cfg = SandboxConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        world: WorldSettings {
            orders_per_minute: 0.0,
            ..world
        },
        redirect_url: Some("http://127.0.0.1:9/callback".into()),
        webhook_retry_scale: 0.001,
        ..SandboxConfig::default()
    };
    tiktok_sandbox::spawn(cfg).await.expect("sandbox starts")
}

/// Approves an authorization URL on the sandbox's page as a seller would; returns where the
/// sandbox sends the browser back (the redirect URL with `code` and `state`).
pub async fn approve(url: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Authorize this app"), "{page}");
    let state = url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .to_string();
    let base = url.split("/open/").next().unwrap().to_string();
    let r = http
        .post(format!("{base}/open/authorize/decision"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("state={state}&decision=approve"))
        .send()
        .await
        .unwrap();
    r.headers().get("location").unwrap().to_str().unwrap().to_string()
}

/// Runs the seller's authorization through the sandbox's page, as a browser would.
pub async fn authorize(client: &TikTokClient) -> Result<tiktok::types::TokenData, String> {
    let back = url::Url::parse(&approve(&client.authorization_url("state-123")).await).unwrap();
    let q: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(q["state"], "state-123", "state comes back unchanged");
    client.exchange_code(&q["code"]).await.map_err(|e| e.to_string())
}

impl Fixture {
    pub async fn new(world: WorldSettings) -> Fixture {
        Self::with(world, |_| {}).await
    }

    pub async fn with(world: WorldSettings, tweak: impl FnOnce(&mut TikTokConfig)) -> Fixture {
        let sb = sandbox(world).await;
        let mut cfg = sb.sandbox.client_config();
        cfg.backoff_base_ms = 5;
        cfg.backoff_cap_ms = 50;
        let tokens = authorize(&TikTokClient::new(cfg.clone()))
            .await
            .expect("authorized");
        tweak(&mut cfg);
        let client = TikTokClient::new(cfg);
        let store = Arc::new(MemoryTokenStore::default());
        store.save("seller", &Tokens::from(&tokens)).await.unwrap();
        let cipher = sb.sandbox.state().shops[0].cipher.clone();
        Fixture {
            sb,
            client,
            store,
            cipher,
        }
    }

    pub fn seller(&self) -> SellerApi<'_> {
        SellerApi {
            client: &self.client,
            store: self.store.as_ref(),
            key: "seller",
        }
    }

    pub fn shop(&self) -> tiktok::ShopApi<'_> {
        self.seller().shop(&self.cipher)
    }

    pub async fn set_faults(&self, f: FaultSettings) {
        self.sb.sandbox.world.lock().unwrap().faults.global = f;
    }

    /// The first order in this status.
    pub async fn first_with_status(&self, status: &str) -> Order {
        let filter = OrderSearch {
            order_status: Some(status.into()),
            ..OrderSearch::default()
        };
        self.shop()
            .search_orders_all(&filter, 50)
            .await
            .unwrap()
            .remove(0)
    }

    /// Orders that can be fulfilled now.
    pub async fn awaiting(&self) -> Vec<Order> {
        let filter = OrderSearch {
            order_status: Some("AWAITING_SHIPMENT".into()),
            ..OrderSearch::default()
        };
        self.shop().search_orders_all(&filter, 50).await.unwrap()
    }
}

pub fn weight() -> Weight {
    Weight {
        value: "340".into(),
        unit: "GRAM".into(),
    }
}

/// A Create Packages request with the default service (empty `items` = every open item).
pub fn buy(order_id: impl Into<String>, items: Vec<String>) -> CreatePackage {
    CreatePackage {
        order_id: order_id.into(),
        order_line_item_ids: items,
        weight: weight(),
        dimension: dims(),
        shipping_service_id: None,
    }
}

pub fn dims() -> Dimension {
    Dimension {
        length: "10".into(),
        width: "8".into(),
        height: "2".into(),
        unit: "INCH".into(),
    }
}
