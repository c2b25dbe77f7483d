//! The world's orders: made up from the catalog (one line item per unit, an address, a payment),
//! changed as TikTok would (a new update time each time), shown with what a shop may see, and
//! moved through their statuses.

use rand::RngExt;

use super::World;
use crate::catalog::{self, DESIGNS, PRODUCTS};
use tiktok::client::unix_now;
use tiktok::types::{Address, LineItem, Order, Payment};

impl World {
    /// Creates one order in a shop; returns its id.
    pub fn new_order(&mut self, shop_id: &str, created: i64, status: &str) -> String {
        let rng = &mut self.rng;
        let order_id = catalog::id(rng, "576");
        let units = match rng.random_range(0..100) {
            0..60 => 1,
            60..85 => 2,
            85..95 => 3,
            _ => 4,
        };
        let mut items = Vec::new();
        let mut subtotal: u64 = 0;
        let mut last: Option<(usize, usize, usize, usize)> = None;
        for _ in 0..units {
            // Buyers often take two of the same thing: repeat the previous SKU half the time.
            let choice = match last {
                Some(l) if rng.random_range(0..2) == 0 => l,
                _ => (
                    rng.random_range(0..PRODUCTS.len()),
                    rng.random_range(0..DESIGNS.len()),
                    rng.random_range(0..8),
                    rng.random_range(0..8),
                ),
            };
            last = Some(choice);
            let p = &PRODUCTS[choice.0];
            let (design, design_name) = DESIGNS[choice.1];
            let a = p.variants_a[choice.2 % p.variants_a.len()];
            let b = p.variants_b[choice.3 % p.variants_b.len()];
            let seller_sku = format!("{}-{design}-{}-{}", p.sku_prefix, code(a), code(b));
            let sku_id = format!("17{:016}", stable_hash(&seller_sku) % 10_000_000_000_000_000);
            subtotal += u64::from(p.price_cents);
            items.push(LineItem {
                id: catalog::id(rng, "577"),
                sku_id,
                product_id: format!("17{:016}", stable_hash(p.sku_prefix) % 10_000_000_000_000_000),
                product_name: format!("{design_name} {}", p.name),
                sku_name: format!("{a}, {b}"),
                // A path on the sandbox; the API answer carries the full URL.
                sku_image: format!("/sandbox/img/{}/{}.svg", p.image, design.to_lowercase()),
                seller_sku,
                original_price: catalog::money(u64::from(p.price_cents)),
                sale_price: catalog::money(u64::from(p.price_cents)),
                currency: "USD".into(),
                display_status: status.into(),
                ..LineItem::default()
            });
        }
        let shipping: u64 = if subtotal >= 3500 { 0 } else { 499 };
        let paid = if status == "UNPAID" {
            0
        } else {
            (created + 30).min(unix_now()).max(created)
        };
        let address = catalog::recipient(rng);
        let order = Order {
            id: order_id.clone(),
            status: status.into(),
            create_time: created,
            update_time: paid.max(created),
            paid_time: paid,
            rts_sla_time: if paid > 0 { paid + 3 * 24 * 3600 } else { 0 },
            tts_sla_time: if paid > 0 { paid + 4 * 24 * 3600 } else { 0 },
            shipping_due_time: if paid > 0 { paid + 3 * 24 * 3600 } else { 0 },
            collection_due_time: if paid > 0 { paid + 4 * 24 * 3600 } else { 0 },
            delivery_due_time: if paid > 0 { paid + 10 * 24 * 3600 } else { 0 },
            cancel_time: if status == "CANCELLED" { created + 600 } else { 0 },
            order_type: "NORMAL".into(),
            user_id: catalog::id(rng, "76"),
            buyer_email: format!("{}@scs.tiktokw.us", hex::encode(rng.random::<[u8; 6]>())),
            fulfillment_type: "FULFILLMENT_BY_SELLER".into(),
            shipping_type: "TIKTOK".into(),
            delivery_type: "HOME_DELIVERY".into(),
            delivery_option_name: "Standard shipping".into(),
            warehouse_id: catalog::warehouse_for_sku(
                items
                    .first()
                    .map(|i: &LineItem| i.seller_sku.as_str())
                    .unwrap_or_default(),
            )
            .into(),
            is_on_hold_order: status == "ON_HOLD",
            cancel_reason: if status == "CANCELLED" {
                "No longer needed".into()
            } else {
                String::new()
            },
            cancellation_initiator: if status == "CANCELLED" {
                "BUYER".into()
            } else {
                String::new()
            },
            payment: Payment {
                currency: "USD".into(),
                sub_total: catalog::money(subtotal),
                shipping_fee: catalog::money(shipping),
                seller_discount: "0.00".into(),
                platform_discount: "0.00".into(),
                total_amount: catalog::money(subtotal + shipping),
                original_total_product_price: catalog::money(subtotal),
                original_shipping_fee: catalog::money(shipping),
                tax: "0.00".into(),
            },
            recipient_address: address,
            line_items: items,
            ..Order::default()
        };
        self.orders_changed();
        self.orders
            .entry(shop_id.to_string())
            .or_default()
            .insert(order_id.clone(), order);
        order_id
    }

    /// Notes that an order changed (the search index rebuilds before the next search).
    pub(crate) fn orders_changed(&mut self) {
        self.orders_version += 1;
    }

    /// Changes an order of any shop as TikTok would; false when there is no such order.
    pub fn change_order(&mut self, order_id: &str, change: impl FnOnce(&mut Order)) -> bool {
        self.orders_changed();
        match self.orders.values_mut().find_map(|m| m.get_mut(order_id)) {
            Some(o) => {
                change(o);
                true
            }
            None => false,
        }
    }

    /// A shop's orders as (update_time, order id), sorted: what searches by update time page
    /// through without looking at every order (a shop may hold 100,000).
    pub(crate) fn by_update_time(&mut self, shop_id: &str) -> &[(i64, String)] {
        let version = self.orders_version;
        let stale = self.by_update.get(shop_id).is_none_or(|(v, _)| *v != version);
        if stale {
            let mut index: Vec<(i64, String)> = self
                .orders
                .get(shop_id)
                .map(|m| m.values().map(|o| (o.update_time, o.id.clone())).collect())
                .unwrap_or_default();
            index.sort_unstable();
            self.by_update.insert(shop_id.to_string(), (version, index));
        }
        self.by_update.get(shop_id).map_or(&[], |(_, i)| i.as_slice())
    }

    /// An order as the API shows it: the address is hidden while UNPAID or ON_HOLD, and image
    /// paths become URLs on this sandbox.
    pub fn visible_order(&self, o: &Order) -> Order {
        let mut o = o.clone();
        for li in &mut o.line_items {
            if li.sku_image.starts_with('/') {
                li.sku_image = format!("{}{}", self.base_url, li.sku_image);
            }
        }
        if matches!(o.status.as_str(), "UNPAID" | "ON_HOLD") {
            o.recipient_address = Address {
                region_code: "US".into(),
                ..Address::default()
            };
        }
        o
    }

    /// Moves an order to a new status, stamps it and queues the webhook.
    pub fn set_order_status(&mut self, shop_id: &str, order_id: &str, status: &str) {
        let now = unix_now();
        if self
            .orders
            .get(shop_id)
            .and_then(|m| m.get(order_id))
            .is_none_or(|o| o.status == status)
        {
            return;
        }
        self.orders_changed();
        let Some(o) = self.orders.get_mut(shop_id).and_then(|m| m.get_mut(order_id)) else {
            return;
        };
        o.status = status.into();
        // TikTok's update_time never goes back (an edit may have set it this very second).
        o.update_time = now.max(o.update_time);
        o.is_on_hold_order = status == "ON_HOLD";
        if status == "CANCELLED" {
            o.cancel_time = now;
        }
        // TikTok's times of the dispatch clock: in transit (the first scan) and delivered.
        if status == "IN_TRANSIT" && o.collection_time == 0 {
            o.collection_time = now;
        }
        if status == "DELIVERED" && o.delivery_time == 0 {
            o.delivery_time = now;
        }
        for li in &mut o.line_items {
            li.display_status = status.into();
            if status == "DELIVERED" && li.package_status.as_deref() == Some("FULFILLING") {
                li.package_status = Some("COMPLETED".into());
            }
        }
        if status == "DELIVERED" {
            for p in self
                .packages
                .values_mut()
                .filter(|p| p.order_id == order_id && p.status == "FULFILLING")
            {
                p.status = "COMPLETED".into();
                p.update_time = now;
                p.events.push(crate::tracking::event(crate::tracking::DELIVERED));
            }
        }
        let on_hold = o.is_on_hold_order;
        self.queue_webhook(
            1,
            shop_id,
            serde_json::json!({
                "order_id": order_id, "order_status": status, "is_on_hold_order": on_hold, "update_time": now,
            }),
        );
    }
}

/// A variant's short code in a seller SKU (`Heather Grey` → `HGRY`).
fn code(variant: &str) -> String {
    let up: String = variant
        .to_uppercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    match up.as_str() {
        "BLACK" => "BLK".into(),
        "WHITE" => "WHT".into(),
        "NAVY" => "NVY".into(),
        "HEATHERGREY" => "HGRY".into(),
        "FORESTGREEN" => "FGRN".into(),
        "NATURAL" => "NAT".into(),
        "ONESIZE" => "OS".into(),
        other => other.to_string(),
    }
}

/// FNV-1a, stable across runs (ids derived from SKUs stay the same).
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}
