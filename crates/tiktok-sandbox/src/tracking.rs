//! Carrier events: Get Tracking (`GET /fulfillment/202309/orders/{order_id}/tracking`, scope
//! `seller.logistics`) answers every event of an order's packages, newest first, as
//! `{description, update_time_millis}`; and the carrier's first scan, made by the world's
//! clock after a configurable delay, some packages late, so podgate sees when a package is
//! really in transit (TikTok's clock is the first scan, not the label). Also Get Warehouse
//! List (`seller.logistics` too): where labels ship from.

use rand::RngExt;
use rocket::{State, get};

use super::Sandbox;
use super::api::{ApiReply, ApiRequest, Scope};
use super::fulfillment::SbError;
use super::world::World;
use tiktok::client::unix_now;
use tiktok::types::{Tracking, TrackingEvent};

/// When the carrier scans bought labels by itself: one profile for every warehouse, and others
/// for some warehouses (a supplier that is often late ships from its own).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ScanSettings {
    /// Seconds from label purchase to the first carrier scan (0: only when asked, with
    /// `POST /sandbox/api/packages/<id>/scan`).
    pub after_secs: i64,
    /// Share of packages (0–1) scanned `late_extra_secs` later than the rest.
    pub late_share: f64,
    pub late_extra_secs: i64,
    /// Share of packages (0–1) the carrier never scans (never handed over, or lost).
    pub never_share: f64,
    /// Another profile for the packages shipping from these warehouses (by warehouse id).
    pub by_warehouse: std::collections::BTreeMap<String, ScanProfile>,
}

/// How one warehouse's packages are scanned.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ScanProfile {
    pub after_secs: i64,
    pub late_share: f64,
    pub late_extra_secs: i64,
    pub never_share: f64,
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            after_secs: 0,
            late_share: 0.0,
            late_extra_secs: 36 * 3600,
            never_share: 0.0,
            by_warehouse: Default::default(),
        }
    }
}

impl ScanSettings {
    /// The profile of a warehouse's packages.
    pub fn profile(&self, warehouse_id: &str) -> ScanProfile {
        self.by_warehouse
            .get(warehouse_id)
            .cloned()
            .unwrap_or(ScanProfile {
                after_secs: self.after_secs,
                late_share: self.late_share,
                late_extra_secs: self.late_extra_secs,
                never_share: self.never_share,
            })
    }
}

/// Tracking texts, as a US carrier words them.
pub const LABEL_CREATED: &str = "Shipping label created, USPS awaiting item";
pub const ACCEPTED: &str = "Accepted at USPS origin facility";
pub const DELIVERED: &str = "Your package was delivered!";

impl World {
    /// When a package bought now, shipping from `warehouse_id`, will be scanned by itself, if
    /// ever.
    pub(super) fn scan_time(&mut self, bought_at: i64, warehouse_id: &str) -> Option<i64> {
        let s = self.settings.scans.profile(warehouse_id);
        if s.after_secs <= 0 {
            return None;
        }
        if s.never_share > 0.0 && self.rng.random_bool(s.never_share.clamp(0.0, 1.0)) {
            return None;
        }
        let late = s.late_share > 0.0 && self.rng.random_bool(s.late_share.clamp(0.0, 1.0));
        Some(bought_at + s.after_secs + if late { s.late_extra_secs } else { 0 })
    }

    /// Scans every package whose time has come (called by the clock).
    pub(super) fn scan_due(&mut self, now: i64) {
        let due: Vec<String> = self
            .packages
            .values()
            .filter(|p| p.status == "PROCESSING" && p.label_purchased && !p.label_cancelled)
            .filter(|p| p.scan_at.is_some_and(|t| t <= now))
            .map(|p| p.id.clone())
            .collect();
        for id in due {
            let _ = self.scan(&id);
        }
    }

    /// Get Tracking: the events of an order's packages, newest first.
    pub fn tracking(&mut self, shop_id: &str, order_id: &str) -> Result<Tracking, SbError> {
        self.order_mut(shop_id, order_id)?;
        let mut events: Vec<TrackingEvent> = self
            .packages
            .values()
            .filter(|p| p.order_id == order_id && p.shop_id == shop_id)
            .flat_map(|p| p.events.iter().cloned())
            .collect();
        events.sort_by_key(|e| std::cmp::Reverse(e.update_time_millis));
        Ok(Tracking { tracking: events })
    }
}

/// A tracking event now.
pub fn event(description: &str) -> TrackingEvent {
    TrackingEvent {
        description: description.into(),
        update_time_millis: unix_now() * 1000,
    }
}

#[get("/fulfillment/202309/orders/<order_id>/tracking")]
pub async fn get_tracking(sb: &State<Sandbox>, call: ApiRequest, order_id: &str) -> ApiReply {
    let order_id = order_id.to_string();
    sb.handle(
        call,
        None,
        Scope::Shop,
        "tracking",
        "seller.logistics",
        move |w, shop, _| w.tracking(shop, &order_id),
    )
    .await
}

#[get("/logistics/202309/warehouses")]
pub async fn get_warehouses(sb: &State<Sandbox>, call: ApiRequest) -> ApiReply {
    sb.handle(
        call,
        None,
        Scope::Shop,
        "warehouses",
        "seller.logistics",
        |_, _, _| {
            Ok(tiktok::types::WarehouseList {
                warehouses: super::catalog::warehouses(),
            })
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::WorldSettings;

    #[test]
    fn each_warehouse_scans_on_its_own_profile() {
        let slow = "7000000000000000002";
        let settings = WorldSettings {
            scans: ScanSettings {
                after_secs: 600,
                by_warehouse: [(
                    slow.to_string(),
                    ScanProfile {
                        after_secs: 3600,
                        late_share: 1.0,
                        late_extra_secs: 7200,
                        never_share: 0.0,
                    },
                )]
                .into(),
                ..Default::default()
            },
            ..WorldSettings::default()
        };
        let mut w = World::new(settings, "k", "s");
        assert_eq!(
            w.scan_time(1000, "7000000000000000001"),
            Some(1600),
            "the default profile"
        );
        assert_eq!(
            w.scan_time(1000, slow),
            Some(1000 + 3600 + 7200),
            "always late there"
        );
        w.settings.scans.by_warehouse.get_mut(slow).unwrap().never_share = 1.0;
        assert_eq!(w.scan_time(1000, slow), None, "never handed over");
    }
}
