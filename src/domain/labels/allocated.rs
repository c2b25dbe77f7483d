//! US TikTok Shipping label allocation: for some sellers TikTok offers exactly one service per
//! package and Create Packages ignores `shipping_service_id` (changelog "US market: TikTok
//! Shipping label allocation"). A supplier's accepted services cannot then be honoured by
//! choosing another, so the seller decides once what happens: buy the allocated service and say
//! so, or hold the package with the reason.

use crate::db::models::supplier::Supplier;
use tiktok::types::ShippingService;

use super::service::accepts;
use super::service::{Choice, ServiceRule, choose};

/// What to do when the one offered service is not one the supplier accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocated {
    /// Buy it; the order's timeline says the supplier does not list it.
    BuyAndWarn,
    /// Buy nothing; the package waits with the reason.
    Hold,
}

impl Allocated {
    /// The setting by its stored name.
    pub fn parse(s: &str) -> Option<Allocated> {
        match s {
            "buy_and_warn" => Some(Allocated::BuyAndWarn),
            "hold" => Some(Allocated::Hold),
            _ => None,
        }
    }

    /// Reads the workspace's setting (unknown values read as buy-and-warn, the default).
    pub fn from_settings(s: &str) -> Allocated {
        Self::parse(s).unwrap_or(Allocated::BuyAndWarn)
    }

    pub fn name(self) -> &'static str {
        match self {
            Allocated::BuyAndWarn => "buy_and_warn",
            Allocated::Hold => "hold",
        }
    }
}

/// Picks the service like [`choose`], except when TikTok offers a single service (it allocates
/// it): then that one, or a hold, as the seller chose.
pub fn choose_offered(
    offered: &[ShippingService],
    supplier: &Supplier,
    rule: &ServiceRule,
    override_: Option<&str>,
    allocated: Allocated,
) -> Result<Choice, String> {
    let [only] = offered else {
        return choose(offered, supplier, rule, override_);
    };
    if accepts(supplier, only) {
        return Ok(Choice {
            service: only.clone(),
            why: "allocated by TikTok (the only service offered)".into(),
        });
    }
    match allocated {
        Allocated::BuyAndWarn => Ok(Choice {
            service: only.clone(),
            why: format!(
                "allocated by TikTok; warning: {} does not list {} among its accepted services",
                supplier.name, only.name
            ),
        }),
        Allocated::Hold => Err(format!(
            "TikTok allocates {} for this package and {} does not accept it, so the package is held. Add the service to {}'s accepted services, re-route the units, or choose “buy TikTok's allocated service and warn” on the Labels page; then Retry.",
            only.name, supplier.name, supplier.name
        )),
    }
}
