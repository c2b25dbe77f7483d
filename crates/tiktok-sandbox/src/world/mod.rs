//! The sandbox's state: one seller with its shops, orders and packages, the app's OAuth codes
//! and tokens, counters that tests read, and the order life cycle. All of it sits behind one
//! mutex; operations are synchronous and fast.

use std::collections::{BTreeMap, HashMap};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use super::catalog;
use super::faults::Faults;
use tiktok::client::unix_now;
use tiktok::types::{Order, Shop};

mod orders;

/// Tunables of the simulated world.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct WorldSettings {
    /// Seed of every random choice.
    pub seed: u64,
    /// Shops of the sandbox seller.
    pub shops: usize,
    /// Orders created per shop at start.
    pub initial_orders: usize,
    /// New orders per minute per shop (0 = none).
    pub orders_per_minute: f64,
    /// Seconds an order stays ON_HOLD after payment (TikTok: one hour).
    pub on_hold_secs: i64,
    /// Seconds from a carrier scan to delivery, and again from delivery to completion.
    pub transit_secs: i64,
    /// Lifetime of an access token, in seconds (TikTok: 7 days).
    pub access_token_ttl_secs: i64,
    /// Lifetime of a shipping document URL, in seconds (TikTok: 24 hours).
    pub doc_url_ttl_secs: i64,
    /// Requests per second per API per shop before HTTP 429 (TikTok: 50).
    pub rate_limit_per_sec: u32,
    /// When the carrier scans bought labels by itself.
    pub scans: super::tracking::ScanSettings,
    /// US TikTok Shipping label allocation: one service offered per package, and Create
    /// Packages ignores `shipping_service_id`.
    pub label_allocation: bool,
    /// The HTTP status of a business refusal (the docs do not say; 200 with the code in the
    /// body by default).
    pub business_error_http: u16,
    /// Whether a refresh gives a new refresh token and retires the old one (the docs do not
    /// say; on by default, the stricter case for a client).
    pub rotate_refresh_token: bool,
}

impl Default for WorldSettings {
    fn default() -> Self {
        WorldSettings {
            seed: 42,
            shops: 1,
            initial_orders: 60,
            orders_per_minute: 2.0,
            on_hold_secs: 60,
            transit_secs: 600,
            access_token_ttl_secs: 7 * 24 * 3600,
            doc_url_ttl_secs: 24 * 3600,
            rate_limit_per_sec: 50,
            scans: Default::default(),
            label_allocation: false,
            business_error_http: 200,
            rotate_refresh_token: true,
        }
    }
}

/// A bought label: a package and what was bought for it.
#[derive(Debug, Clone, Serialize)]
pub struct PackageState {
    pub id: String,
    pub shop_id: String,
    pub order_id: String,
    pub line_item_ids: Vec<String>,
    pub tracking_number: String,
    pub service_id: String,
    pub service_name: String,
    pub provider_name: String,
    pub price: String,
    pub weight_grams: f64,
    /// As given to Create Packages (empty for a split package without a label).
    pub dimension: tiktok::types::Dimension,
    pub provider_id: String,
    /// Carrier events, oldest first (Get Tracking).
    pub events: Vec<tiktok::types::TrackingEvent>,
    /// When the carrier scans it by itself ([`super::tracking::ScanSettings`]).
    pub scan_at: Option<i64>,
    /// As the docs define it: PROCESSING (arranged: label bought, or split and not arranged
    /// yet, see `label_purchased`) → FULFILLING (collected, in transit) → COMPLETED
    /// (delivered), or CANCELLED.
    pub status: String,
    pub label_purchased: bool,
    /// The seller cancelled the label in Seller Center (postage refunded, units free again).
    pub label_cancelled: bool,
    pub create_time: i64,
    pub update_time: i64,
    pub handover_method: String,
}

/// An OAuth authorization code.
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub expires_at: i64,
    pub used: bool,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub expires_at: i64,
    pub scopes: Vec<String>,
}

/// Scopes the sandbox grants.
pub const SCOPES: &[&str] = &[
    "seller.authorization.info",
    "seller.logistics",
    "seller.order.info",
    "seller.fulfillment.basic",
    "seller.fulfillment.package.write",
];

/// A webhook waiting to be pushed.
#[derive(Debug, Clone)]
pub struct PendingWebhook {
    pub body: Vec<u8>,
}

/// Everything the sandbox knows.
pub struct World {
    pub settings: WorldSettings,
    /// The URL clients reach the sandbox at (document URLs point here).
    pub base_url: String,
    pub app_key: String,
    pub app_secret: String,
    pub redirect_url: Option<String>,
    pub webhook_url: Option<String>,
    pub seller_name: String,
    pub open_id: String,
    pub shops: Vec<Shop>,
    /// Orders by shop id, then order id. Change them through [`World::change_order`] (or the
    /// sandbox's own methods): those keep the search index current.
    pub orders: BTreeMap<String, BTreeMap<String, Order>>,
    /// Moves on every change to an order, so the search index knows when to rebuild.
    orders_version: u64,
    /// Per shop: (the `orders_version` it was built at, every (update_time, order id) sorted).
    by_update: HashMap<String, (u64, Vec<(i64, String)>)>,
    pub packages: BTreeMap<String, PackageState>,
    pub auth_codes: HashMap<String, AuthCode>,
    pub access_tokens: HashMap<String, AccessToken>,
    /// Live refresh tokens (a refresh rotates them: the old one stops working).
    pub refresh_tokens: HashMap<String, i64>,
    /// Document URL tokens → (package id, expiry).
    pub documents: HashMap<String, (String, i64)>,
    /// Calls per endpoint name, including refused ones.
    pub calls: BTreeMap<String, u64>,
    /// Answers per error code.
    pub errors: BTreeMap<i64, u64>,
    /// The most calls one shop made to each endpoint within one clock second, whoever sent
    /// them: what TikTok's limit of 50 a second per shop and API counts.
    pub busiest_second: BTreeMap<String, u64>,
    /// Per (shop, endpoint): the second being counted and its calls so far.
    this_second: HashMap<(String, &'static str), (i64, u64)>,
    /// Successful label purchases (Create Packages calls that bought a label).
    pub purchases: u64,
    /// Labels the seller cancelled in Seller Center.
    pub labels_cancelled: u64,
    /// Webhooks delivered / given up.
    pub webhooks_delivered: u64,
    pub webhooks_failed: u64,
    /// Webhooks the receiver answered 401 (a bad signature): final, not retried.
    pub webhooks_refused: u64,
    pub outbox: Vec<PendingWebhook>,
    pub faults: Faults,
    pub rng: StdRng,
    order_accumulator: f64,
    last_tick: i64,
}

impl World {
    /// Builds a world from its settings and app credentials, with the initial orders.
    pub fn new(settings: WorldSettings, app_key: &str, app_secret: &str) -> World {
        let mut rng = StdRng::seed_from_u64(settings.seed);
        let open_id = catalog::id(&mut rng, "7");
        let shops: Vec<Shop> = (0..settings.shops.max(1))
            .map(|i| Shop {
                id: catalog::id(&mut rng, "749"),
                name: format!("Sandbox POD Shop {}", i + 1),
                region: "US".into(),
                seller_type: "LOCAL".into(),
                cipher: format!("TTP_{}", hex::encode(rng.random::<[u8; 12]>())),
                code: format!("USLC{}", rng.random_range(100000..999999)),
            })
            .collect();
        let now = unix_now();
        let mut world = World {
            base_url: String::new(),
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            redirect_url: None,
            webhook_url: None,
            seller_name: "Sandbox Seller".into(),
            open_id,
            orders: shops.iter().map(|s| (s.id.clone(), BTreeMap::new())).collect(),
            shops,
            packages: BTreeMap::new(),
            auth_codes: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            documents: HashMap::new(),
            calls: BTreeMap::new(),
            errors: BTreeMap::new(),
            busiest_second: BTreeMap::new(),
            this_second: HashMap::new(),
            purchases: 0,
            labels_cancelled: 0,
            webhooks_delivered: 0,
            webhooks_failed: 0,
            webhooks_refused: 0,
            outbox: Vec::new(),
            faults: Faults::default(),
            rng,
            order_accumulator: 0.0,
            last_tick: now,
            orders_version: 0,
            by_update: HashMap::new(),
            settings,
        };
        for shop in world.shops.clone() {
            for _ in 0..world.settings.initial_orders {
                // Spread over the last three days; old enough ones are already paid and released.
                let age = world.rng.random_range(0..3 * 24 * 3600);
                let roll = world.rng.random_range(0..100);
                let status = match roll {
                    0..5 => "UNPAID",
                    5..9 => "CANCELLED",
                    _ => "AWAITING_SHIPMENT",
                };
                world.new_order(&shop.id, now - age, status);
            }
            for _ in 0..3 {
                world.new_order(&shop.id, now, "ON_HOLD");
            }
        }
        world
    }

    /// The shop with this cipher.
    pub fn shop_by_cipher(&self, cipher: &str) -> Option<&Shop> {
        self.shops.iter().find(|s| s.cipher == cipher)
    }

    /// Queues a webhook (pushed when a webhook URL is configured).
    pub fn queue_webhook(&mut self, kind: i64, shop_id: &str, data: serde_json::Value) {
        if self.webhook_url.is_none() {
            return;
        }
        let event = serde_json::json!({
            "type": kind,
            "tts_notification_id": catalog::id(&mut self.rng, "73"),
            "shop_id": shop_id,
            "timestamp": unix_now(),
            "data": data,
        });
        self.outbox.push(PendingWebhook {
            body: serde_json::to_vec(&event).unwrap_or_default(),
        });
    }

    /// Advances time: new orders arrive, paid orders leave ON_HOLD, unpaid ones get paid.
    pub fn tick(&mut self) {
        let now = unix_now();
        self.scan_due(now);
        let elapsed = (now - self.last_tick).max(0) as f64;
        self.last_tick = now;
        self.order_accumulator += elapsed * self.settings.orders_per_minute / 60.0;
        let shop_ids: Vec<String> = self.shops.iter().map(|s| s.id.clone()).collect();
        while self.order_accumulator >= 1.0 {
            self.order_accumulator -= 1.0;
            for sid in &shop_ids {
                let id = self.new_order(sid, now, "ON_HOLD");
                self.queue_webhook(1, sid, serde_json::json!({
                    "order_id": id, "order_status": "ON_HOLD", "is_on_hold_order": true, "update_time": now,
                }));
            }
        }
        let mut moves = Vec::new();
        for (sid, orders) in &self.orders {
            for o in orders.values() {
                if o.status == "ON_HOLD" && o.paid_time + self.settings.on_hold_secs <= now {
                    moves.push((sid.clone(), o.id.clone(), "AWAITING_SHIPMENT"));
                } else if o.status == "UNPAID" && o.create_time + 2 * self.settings.on_hold_secs <= now {
                    moves.push((sid.clone(), o.id.clone(), "ON_HOLD"));
                } else if o.status == "IN_TRANSIT" && o.update_time + self.settings.transit_secs <= now {
                    moves.push((sid.clone(), o.id.clone(), "DELIVERED"));
                } else if o.status == "DELIVERED" && o.update_time + self.settings.transit_secs <= now {
                    moves.push((sid.clone(), o.id.clone(), "COMPLETED"));
                }
            }
        }
        for (sid, oid, status) in moves {
            if status == "ON_HOLD"
                && let Some(o) = self.orders.get_mut(&sid).and_then(|m| m.get_mut(&oid))
            {
                // set_order_status below notes the change.
                o.paid_time = now;
                o.rts_sla_time = now + 3 * 24 * 3600;
            }
            self.set_order_status(&sid, &oid, status);
        }
    }

    /// Counts a call to an endpoint.
    pub fn count_call(&mut self, endpoint: &str) {
        *self.calls.entry(endpoint.to_string()).or_default() += 1;
    }

    /// Counts an authenticated call for a shop in the clock second it arrived.
    pub fn count_shop_call(&mut self, shop_id: &str, endpoint: &'static str) {
        let second = unix_now();
        let slot = self
            .this_second
            .entry((shop_id.to_string(), endpoint))
            .or_insert((second, 0));
        if slot.0 != second {
            *slot = (second, 0);
        }
        slot.1 += 1;
        let busiest = self.busiest_second.entry(endpoint.to_string()).or_default();
        *busiest = (*busiest).max(slot.1);
    }

    /// Counts an error answer.
    pub fn count_error(&mut self, code: i64) {
        *self.errors.entry(code).or_default() += 1;
    }

    /// A fresh opaque token string.
    pub fn token(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", hex::encode(self.rng.random::<[u8; 20]>()))
    }

    /// Issues a single-use authorization code, as the authorization page does when the seller
    /// approves, valid until `expires_at` (Unix seconds).
    pub fn issue_auth_code(&mut self, expires_at: i64) -> String {
        let code = self.token("auth_");
        self.auth_codes.insert(
            code.clone(),
            AuthCode {
                expires_at,
                used: false,
            },
        );
        code
    }
}
