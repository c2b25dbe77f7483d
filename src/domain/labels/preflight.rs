//! Pre-flight checks: before a package can go to label purchase, say what is wrong and what to
//! do: unrouted units, missing weight or dimensions, a supplier that accepts none of the
//! shipping services TikTok offers for the package.

use crate::db::models::order;
use crate::db::models::shop::Shop;
use crate::db::models::supplier::Supplier;
use tiktok::types::{Dimension, ShippingService, ShippingServiceQuery, Weight};

use crate::db::models::workspace::Workspace;

use super::Labels;
use super::allocated::{Allocated, choose_offered};
use super::service::{Choice, ServiceRule, accepts};
use crate::domain::DomainError;
use crate::domain::routing::{Plan, PlannedPackage, plan};

/// The plan of an order and every problem found, each saying what to do.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Preflight {
    pub plan: Plan,
    /// Whether the order still needs a label: it is (or will be) awaiting shipment and has units
    /// in no package yet. Orders that do not are not checked, so they show no warnings.
    pub needs_label: bool,
    pub problems: Vec<String>,
    /// Eligible services per planned package (supplier id → services it accepts).
    pub services: Vec<(i64, Vec<ShippingService>)>,
    /// The service each package would be bought with now (supplier id → choice and why).
    pub choices: Vec<(i64, Choice)>,
    /// The workspace's rule the choices followed.
    #[serde(skip)]
    pub rule: ServiceRule,
    /// What the checks read, so a page showing them need not read it again.
    pub order: order::Order,
    pub items: Vec<order::OrderItem>,
    pub shop: Shop,
    pub suppliers: Vec<Supplier>,
}

/// The TikTok weight and dimensions of a planned package.
pub fn package_size(p: &PlannedPackage) -> Option<(Weight, Dimension)> {
    let (l, w, h) = p.dimensions_in?;
    Some((
        Weight {
            value: p.weight_grams?.to_string(),
            unit: "GRAM".into(),
        },
        Dimension {
            length: format!("{l}"),
            width: format!("{w}"),
            height: format!("{h}"),
            unit: "INCH".into(),
        },
    ))
}

impl Labels {
    /// Plans an order and checks it, asking TikTok for eligible services when the rest is sound.
    pub async fn preflight(&self, workspace_id: i64, order_id: i64) -> Result<Preflight, DomainError> {
        let (o, items, plan, suppliers, shop, (rule, allocated), held, rules) = self
            .pool
            .run(move |conn| {
                let o =
                    order::find_in_workspace(conn, workspace_id, order_id)?.ok_or(DomainError::NotFound)?;
                let items = order::items(conn, o.id)?;
                let p = plan(conn, workspace_id, o.id)?;
                let sups = Supplier::list(conn, workspace_id)?;
                let shop = Shop::find(conn, o.shop_id)?;
                let w = Workspace::find(conn, workspace_id)?;
                let policy = (
                    ServiceRule::from_settings(&w.service_rule, &w.preferred_carrier),
                    Allocated::from_settings(&w.allocated_service),
                );
                let held = crate::db::models::package::held_unit_ids(
                    conn,
                    crate::db::models::package::Among::Order(o.id),
                )?;
                let rules = crate::db::models::supplier::SkuRule::by_id(conn, workspace_id)?;
                Ok::<_, DomainError>((o, items, p, sups, shop, policy, held, rules))
            })
            .await?;
        let mut problems = Vec::new();
        // Units in a package (a label being bought, bought or voided) or shipped with TikTok's
        // own label need no new one.
        let unlabelled = items
            .iter()
            .any(|i| !held.contains(&i.id) && i.tracking_number.is_none());
        let needs_label = unlabelled
            && matches!(
                o.status.as_str(),
                "AWAITING_SHIPMENT" | "PARTIALLY_SHIPPING" | "ON_HOLD" | "UNPAID"
            );
        if !needs_label {
            return Ok(Preflight {
                plan,
                needs_label,
                problems,
                services: Vec::new(),
                choices: Vec::new(),
                rule,
                order: o,
                items,
                shop,
                suppliers,
            });
        }
        if matches!(o.status.as_str(), "ON_HOLD" | "UNPAID") {
            problems.push("TikTok has not released this order yet (it is ON_HOLD or unpaid): wait until it is AWAITING_SHIPMENT.".into());
        }
        for (_, sku) in &plan.unrouted {
            problems.push(format!("A unit of {sku} has no supplier: create a SKU rule for it on the Catalog page, or choose its supplier below."));
        }
        for p in &plan.packages {
            if p.weight_grams.is_none() {
                problems.push(format!("The package for {} lacks weight or dimensions: add them to its SKU rules or to the supplier's packaging defaults.", p.supplier_name));
            }
            let Some(sup) = suppliers.iter().find(|s| s.id == p.supplier_id) else {
                continue;
            };
            if let Some(why) = crate::domain::shops::warehouses::refusal(sup, &o) {
                problems.push(why);
            }
            if sup.archived {
                problems.push(format!(
                    "{} is archived: route these units to another supplier.",
                    p.supplier_name
                ));
            }
        }
        problems.extend(self.order_artwork_problems(workspace_id, &items, &rules).await?);
        let mut services = Vec::new();
        let mut choices = Vec::new();
        if problems.is_empty() && shop.status == crate::db::models::shop::ShopStatus::Active {
            let key = shop.connection_id.to_string();
            let api = self.tiktok.seller(&key).shop(&shop.cipher);
            if plan.packages.len() > 1 {
                // Several suppliers means TikTok's split flow; ask whether this order may split.
                match api
                    .split_attributes(std::slice::from_ref(&o.tiktok_order_id))
                    .await
                {
                    Ok(attrs) => {
                        if let Some(a) = attrs
                            .iter()
                            .find(|a| a.order_id == o.tiktok_order_id && !a.can_split)
                        {
                            problems.push(format!(
                                "TikTok does not allow splitting this order ({}): route all its units to one supplier.",
                                if a.reason.is_empty() { "no reason given" } else { &a.reason }
                            ));
                        }
                    }
                    Err(e) => problems.push(format!(
                        "TikTok could not say whether the order may be split: {} (code {}). {}",
                        e.message,
                        e.code,
                        e.advice()
                    )),
                }
            }
            for p in &plan.packages {
                let Some((weight, dimension)) = package_size(p) else {
                    continue;
                };
                let line_ids: Vec<String> = items
                    .iter()
                    .filter(|i| p.item_ids.contains(&i.id))
                    .map(|i| i.tiktok_line_item_id.clone())
                    .collect();
                let q = ShippingServiceQuery {
                    order_line_item_ids: line_ids,
                    weight,
                    dimension,
                };
                match api.eligible_services(&o.tiktok_order_id, &q).await {
                    Ok(e) => {
                        let sup = suppliers.iter().find(|s| s.id == p.supplier_id);
                        let ok: Vec<ShippingService> = e
                            .shipping_services
                            .iter()
                            .filter(|s| sup.is_some_and(|sup| accepts(sup, s)))
                            .cloned()
                            .collect();
                        if let Some(sup) = sup {
                            match choose_offered(
                                &e.shipping_services,
                                sup,
                                &rule,
                                o.service_override.as_deref(),
                                allocated,
                            ) {
                                Ok(c) => choices.push((p.supplier_id, c)),
                                Err(why) => problems.push(why),
                            }
                        }
                        services.push((p.supplier_id, ok));
                    }
                    Err(e) => problems.push(format!(
                        "TikTok could not list shipping services: {} (code {}). {}",
                        e.message,
                        e.code,
                        e.advice()
                    )),
                }
            }
        }
        Ok(Preflight {
            plan,
            needs_label,
            problems,
            services,
            choices,
            rule,
            order: o,
            items,
            shop,
            suppliers,
        })
    }
}
