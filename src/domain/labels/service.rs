//! Which shipping service a label is bought with: the seller's per-order override when it is
//! offered, otherwise the workspace's rule (cheapest, fastest, or a preferred carrier), always
//! among the services the package's supplier accepts.

use crate::db::models::supplier::Supplier;
use tiktok::types::ShippingService;

/// Whether a supplier takes a service: its list names the service or the carrier (empty = any).
pub fn accepts(supplier: &Supplier, s: &ShippingService) -> bool {
    let list: Vec<String> = supplier
        .accepted_services
        .split(',')
        .map(|x| x.trim().to_lowercase())
        .filter(|x| !x.is_empty())
        .collect();
    list.is_empty()
        || list
            .iter()
            .any(|a| *a == s.name.to_lowercase() || *a == s.shipping_provider_name.to_lowercase())
}

/// The workspace's rule for picking a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceRule {
    /// The lowest price; ties go to the faster service.
    Cheapest,
    /// The fewest days to deliver (latest, then earliest); ties go to the cheaper service.
    Fastest,
    /// The cheapest service of this carrier when offered, else the cheapest of any.
    Preferred(String),
}

impl ServiceRule {
    /// Reads the rule as stored on the workspace (unknown values read as cheapest).
    pub fn from_settings(rule: &str, preferred_carrier: &str) -> ServiceRule {
        match rule {
            "fastest" => ServiceRule::Fastest,
            "preferred" if !preferred_carrier.trim().is_empty() => {
                ServiceRule::Preferred(preferred_carrier.trim().to_string())
            }
            _ => ServiceRule::Cheapest,
        }
    }

    /// The stored name of the rule.
    pub fn name(&self) -> &'static str {
        match self {
            ServiceRule::Cheapest => "cheapest",
            ServiceRule::Fastest => "fastest",
            ServiceRule::Preferred(_) => "preferred",
        }
    }
}

/// A chosen service and why, for the order's timeline.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Choice {
    pub service: ShippingService,
    pub why: String,
}

fn price(s: &ShippingService) -> f64 {
    s.price.parse::<f64>().unwrap_or(f64::MAX)
}

fn cheapest<'a>(it: impl Iterator<Item = &'a ShippingService>) -> Option<&'a ShippingService> {
    it.min_by(|a, b| {
        price(a)
            .total_cmp(&price(b))
            .then(a.latest_delivery_days.cmp(&b.latest_delivery_days))
    })
}

/// Whether a service matches an override or carrier name (service name or carrier, any case).
fn names(s: &ShippingService, wanted: &str) -> bool {
    let w = wanted.trim().to_lowercase();
    s.name.to_lowercase() == w || s.shipping_provider_name.to_lowercase() == w || s.id == wanted.trim()
}

/// Picks the service, or says why none fits and what to do.
pub fn choose(
    offered: &[ShippingService],
    supplier: &Supplier,
    rule: &ServiceRule,
    override_: Option<&str>,
) -> Result<Choice, String> {
    let ok: Vec<&ShippingService> = offered.iter().filter(|s| accepts(supplier, s)).collect();
    if let Some(wanted) = override_.filter(|w| !w.trim().is_empty()) {
        return match cheapest(ok.iter().copied().filter(|s| names(s, wanted))) {
            Some(s) => Ok(Choice {
                service: s.clone(),
                why: format!("the order's chosen service ({wanted})"),
            }),
            None => Err(format!(
                "The service chosen for this order ({wanted}) is not offered for this package or {} does not accept it: choose another service on the order page or clear the choice.",
                supplier.name
            )),
        };
    }
    let pick = match rule {
        ServiceRule::Cheapest => cheapest(ok.iter().copied()).map(|s| (s, "cheapest".to_string())),
        ServiceRule::Fastest => ok
            .iter()
            .copied()
            .min_by(|a, b| {
                a.latest_delivery_days
                    .cmp(&b.latest_delivery_days)
                    .then(a.earliest_delivery_days.cmp(&b.earliest_delivery_days))
                    .then(price(a).total_cmp(&price(b)))
            })
            .map(|s| (s, "fastest".to_string())),
        ServiceRule::Preferred(carrier) => cheapest(ok.iter().copied().filter(|s| names(s, carrier)))
            .map(|s| (s, format!("preferred carrier {carrier}")))
            .or_else(|| {
                cheapest(ok.iter().copied())
                    .map(|s| (s, format!("cheapest; {carrier} was not offered for this package")))
            }),
    };
    match pick {
        Some((s, why)) => Ok(Choice {
            service: s.clone(),
            why,
        }),
        None => Err(format!(
            "{} accepts none of the services TikTok offers for this package ({}): widen its accepted services or route the units elsewhere.",
            supplier.name,
            offered
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(name: &str, carrier: &str, price: &str, days: (i64, i64)) -> ShippingService {
        ShippingService {
            id: format!("id-{name}"),
            name: name.into(),
            price: price.into(),
            currency: "USD".into(),
            earliest_delivery_days: days.0,
            latest_delivery_days: days.1,
            shipping_provider_name: carrier.into(),
            ..ShippingService::default()
        }
    }

    fn supplier(accepted: &str) -> Supplier {
        Supplier {
            id: 1,
            workspace_id: 1,
            name: "Acme Print".into(),
            contacts: String::new(),
            ship_from: String::new(),
            accepted_services: accepted.into(),
            packaging: String::new(),
            cutoff_times: String::new(),
            time_zone: "UTC".into(),
            ack_deadline_hours: 24,
            archived: false,
            created_at: chrono::NaiveDateTime::default(),
            tiktok_warehouse_ids: String::new(),
            webhooks_private_ok: false,
            language: "en".into(),
            print_layout: "separate".into(),
            print_sort: "ship_by".into(),
            page_size: "4x6".into(),
            label_file_template: String::new(),
            zpl_dpi: 0,
            artwork_delivery: "links".into(),
        }
    }

    fn offered() -> Vec<ShippingService> {
        vec![
            svc("USPS Ground Advantage", "USPS", "4.10", (3, 5)),
            svc("UPS Ground", "UPS", "6.90", (2, 4)),
            svc("USPS Priority Mail", "USPS", "8.75", (1, 3)),
        ]
    }

    #[test]
    fn each_rule_picks_what_it_says() {
        let any = supplier("");
        let pick = |r: ServiceRule| choose(&offered(), &any, &r, None).unwrap().service.name;
        assert_eq!(pick(ServiceRule::Cheapest), "USPS Ground Advantage");
        assert_eq!(pick(ServiceRule::Fastest), "USPS Priority Mail");
        assert_eq!(pick(ServiceRule::Preferred("ups".into())), "UPS Ground");
        let c = choose(&offered(), &any, &ServiceRule::Preferred("FedEx".into()), None).unwrap();
        assert_eq!(c.service.name, "USPS Ground Advantage");
        assert!(c.why.contains("FedEx was not offered"), "{}", c.why);
    }

    #[test]
    fn supplier_limits_apply_to_rules_and_overrides() {
        let ups_only = supplier("UPS");
        let c = choose(&offered(), &ups_only, &ServiceRule::Fastest, None).unwrap();
        assert_eq!(c.service.name, "UPS Ground");
        let e = choose(
            &offered(),
            &ups_only,
            &ServiceRule::Cheapest,
            Some("USPS Priority Mail"),
        )
        .unwrap_err();
        assert!(e.contains("not offered") && e.contains("Acme Print"), "{e}");
        let none = choose(&offered(), &supplier("FedEx"), &ServiceRule::Cheapest, None).unwrap_err();
        assert!(none.contains("accepts none"), "{none}");
    }

    #[test]
    fn an_override_beats_the_rule() {
        let c = choose(
            &offered(),
            &supplier(""),
            &ServiceRule::Cheapest,
            Some("usps priority mail"),
        )
        .unwrap();
        assert_eq!(c.service.name, "USPS Priority Mail");
        assert!(c.why.contains("chosen"));
        assert_eq!(
            ServiceRule::from_settings("preferred", " "),
            ServiceRule::Cheapest
        );
        assert_eq!(ServiceRule::from_settings("fastest", ""), ServiceRule::Fastest);
    }
}
