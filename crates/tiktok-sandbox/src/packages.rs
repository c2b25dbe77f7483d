//! Packages after purchase and around it: detail and search (what reconciliation reads),
//! split orders, ship package (outside the US), carrier scans and cancellations.

use super::catalog;
use super::fulfillment::{SbError, page, refuse};
use super::world::{PackageState, World};
use tiktok::client::unix_now;
use tiktok::codes;
use tiktok::types::*;

impl World {
    /// Get Package Detail.
    pub fn package_detail(&self, shop_id: &str, id: &str) -> Result<PackageDetail, SbError> {
        let p = self.package(shop_id, id)?;
        let o = self.orders.get(shop_id).and_then(|m| m.get(&p.order_id));
        Ok(PackageDetail {
            package_id: p.id.clone(),
            orders: vec![PackageOrder {
                id: p.order_id.clone(),
            }],
            package_status: p.status.clone(),
            shipping_provider_name: p.provider_name.clone(),
            shipping_provider_id: p.provider_id.clone(),
            shipping_type: "TIKTOK".into(),
            tracking_number: p.tracking_number.clone(),
            create_time: p.create_time,
            update_time: p.update_time,
            handover_method: p.handover_method.clone(),
            order_line_item_ids: p.line_item_ids.clone(),
            // A package's addresses have no name parts or district levels (Get Package Detail).
            recipient_address: o
                .map(|o| o.recipient_address.clone())
                .unwrap_or_default()
                .without_parts(),
            sender_address: o
                .map(|o| catalog::sender_of(&o.warehouse_id))
                .unwrap_or_else(catalog::warehouse_address)
                .without_parts(),
            weight: Some(Weight {
                value: format!("{:.0}", p.weight_grams),
                unit: "GRAM".into(),
            }),
            dimension: Some(p.dimension.clone()),
        })
    }

    /// Search Package, sorted by `sort_field` (`create_time`, `update_time` or
    /// `order_pay_time`; default `create_time`) in `sort_order` (default `DESC`), as the page
    /// says.
    pub fn search_packages(
        &self,
        shop_id: &str,
        f: &PackageSearch,
        sort: (&str, &str),
        page_size: usize,
        token: Option<&str>,
    ) -> Result<PackagePage, SbError> {
        let (field, order) = sort;
        let desc = match order {
            "ASC" => false,
            "DESC" => true,
            _ => return Err(refuse(codes::INVALID_PARAMS, "sort_order must be ASC or DESC")),
        };
        if !matches!(field, "create_time" | "update_time" | "order_pay_time") {
            return Err(refuse(
                codes::INVALID_PARAMS,
                "sort_field must be create_time, update_time or order_pay_time",
            ));
        }
        let all: Vec<PackageSummary> = self
            .packages
            .values()
            .filter(|p| p.shop_id == shop_id)
            .filter(|p| {
                f.create_time_ge.is_none_or(|t| p.create_time >= t)
                    && f.create_time_lt.is_none_or(|t| p.create_time < t)
            })
            .filter(|p| {
                f.update_time_ge.is_none_or(|t| p.update_time >= t)
                    && f.update_time_lt.is_none_or(|t| p.update_time < t)
            })
            .filter(|p| f.package_status.as_ref().is_none_or(|s| &p.status == s))
            .map(|p| PackageSummary {
                id: p.id.clone(),
                orders: vec![PackageOrder {
                    id: p.order_id.clone(),
                }],
                create_time: p.create_time,
                update_time: p.update_time,
                status: p.status.clone(),
                tracking_number: p.tracking_number.clone(),
                shipping_provider_name: p.provider_name.clone(),
                shipping_provider_id: String::new(),
                order_line_item_ids: p.line_item_ids.clone(),
            })
            .collect();
        let total = all.len() as i64;
        let paid: std::collections::HashMap<&str, i64> = self
            .orders
            .get(shop_id)
            .map(|m| m.values().map(|o| (o.id.as_str(), o.paid_time)).collect())
            .unwrap_or_default();
        let key = |p: &PackageSummary| -> i64 {
            match field {
                "update_time" => p.update_time,
                "order_pay_time" => p
                    .orders
                    .first()
                    .and_then(|o| paid.get(o.id.as_str()).copied())
                    .unwrap_or_default(),
                _ => p.create_time,
            }
        };
        let mut refs: Vec<&PackageSummary> = all.iter().collect();
        refs.sort_unstable_by(|a, b| {
            let by = key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id));
            if desc { by.reverse() } else { by }
        });
        let (packages, next) = page(&refs, |p| (key(p), p.id.as_str()), desc, page_size, token)?;
        let packages = packages.into_iter().cloned().collect();
        Ok(PackagePage {
            next_page_token: next,
            total_count: total,
            packages,
        })
    }

    /// Get Order Split Attributes.
    pub fn split_attributes(&self, shop_id: &str, ids: &[String]) -> Vec<SplitAttribute> {
        ids.iter()
            .map(|id| match self.orders.get(shop_id).and_then(|m| m.get(id)) {
                Some(o) if o.status == "AWAITING_SHIPMENT" && o.line_items.len() > 1 => SplitAttribute {
                    order_id: id.clone(),
                    can_split: true,
                    reason: String::new(),
                    must_split: false,
                },
                Some(o) if o.line_items.len() <= 1 => SplitAttribute {
                    order_id: id.clone(),
                    can_split: false,
                    reason: "The order has only one item.".into(),
                    must_split: false,
                },
                Some(_) => SplitAttribute {
                    order_id: id.clone(),
                    can_split: false,
                    reason: "The order status does not allow splitting.".into(),
                    must_split: false,
                },
                None => SplitAttribute {
                    order_id: id.clone(),
                    can_split: false,
                    reason: "Order not found.".into(),
                    must_split: false,
                },
            })
            .collect()
    }

    /// Split Orders: one PROCESSING package (no label yet) per group.
    pub fn split_order(
        &mut self,
        shop_id: &str,
        order_id: &str,
        req: &SplitOrder,
    ) -> Result<SplitResult, SbError> {
        let o = self.order_mut(shop_id, order_id)?.clone();
        if o.status != "AWAITING_SHIPMENT" {
            Self::check_fulfillable(&o)?;
            return Err(refuse(21011048, "The order can no longer be split."));
        }
        let mut seen = std::collections::HashSet::new();
        for g in &req.splittable_groups {
            if g.order_line_item_ids.is_empty() {
                return Err(refuse(
                    codes::INVALID_PARAMS,
                    format!("splittable group {} is empty", g.id),
                ));
            }
            for id in &g.order_line_item_ids {
                if !seen.insert(id.clone()) {
                    return Err(refuse(
                        codes::INVALID_PARAMS,
                        format!("line item {id} is in two groups"),
                    ));
                }
                match o.line_items.iter().find(|li| &li.id == id) {
                    None => {
                        return Err(refuse(
                            codes::INVALID_PARAMS,
                            format!("line item {id} is not in order {order_id}"),
                        ));
                    }
                    Some(li) if li.package_id.is_some() => {
                        return Err(refuse(
                            codes::LABEL_ALREADY_PURCHASED,
                            "Items are already in a package.",
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        if req.splittable_groups.len() < 2 || seen.len() != o.line_items.len() {
            return Err(refuse(
                codes::INVALID_PARAMS,
                "Groups must cover every line item and make at least two packages.",
            ));
        }
        let now = unix_now();
        let mut out = Vec::new();
        for g in &req.splittable_groups {
            let id = catalog::id(&mut self.rng, "115");
            self.packages.insert(
                id.clone(),
                PackageState {
                    id: id.clone(),
                    shop_id: shop_id.into(),
                    order_id: order_id.into(),
                    line_item_ids: g.order_line_item_ids.clone(),
                    tracking_number: String::new(),
                    service_id: String::new(),
                    service_name: String::new(),
                    provider_name: String::new(),
                    price: String::new(),
                    weight_grams: 0.0,
                    dimension: Default::default(),
                    provider_id: String::new(),
                    events: Vec::new(),
                    scan_at: None,
                    status: "PROCESSING".into(),
                    label_purchased: false,
                    label_cancelled: false,
                    create_time: now,
                    update_time: now,
                    handover_method: String::new(),
                },
            );
            let order = self.order_mut(shop_id, order_id)?;
            for li in order
                .line_items
                .iter_mut()
                .filter(|li| g.order_line_item_ids.contains(&li.id))
            {
                li.package_id = Some(id.clone());
                // A package of its own, not arranged yet.
                li.package_status = Some("TO_FULFILL".into());
            }
            order.packages.push(PackageRef { id: id.clone() });
            out.push(SplitPackage {
                splittable_group_id: g.id.clone(),
                id,
            });
        }
        let list: Vec<_> = out
            .iter()
            .map(|p| serde_json::json!({"package_id": p.id, "order_id_list": [order_id]}))
            .collect();
        self.queue_webhook(4, shop_id, serde_json::json!({"sc_type": "SPLIT", "role_type": "ROLE_SELLER", "package_list": list, "update_time": now}));
        Ok(SplitResult { packages: out })
    }

    /// Ship Package (the schedule-shipping flow outside the US).
    pub fn ship_package(&mut self, shop_id: &str, id: &str, req: &ShipPackage) -> Result<(), SbError> {
        let p = self.package(shop_id, id)?.clone();
        if matches!(p.status.as_str(), "FULFILLING" | "COMPLETED") {
            return Err(refuse(21011006, "The package has already been shipped."));
        }
        if let Some(p) = self.packages.get_mut(id) {
            p.handover_method = req.handover_method.clone().unwrap_or_else(|| "DROP_OFF".into());
            p.update_time = unix_now();
        }
        Ok(())
    }

    /// The carrier scans a package: it is picked up, and the order moves to IN_TRANSIT once
    /// every package is.
    pub fn scan(&mut self, id: &str) -> Result<(), SbError> {
        let p = self
            .packages
            .get_mut(id)
            .ok_or_else(|| refuse(codes::NOT_THIS_SELLERS, "no such package"))?;
        if !p.label_purchased {
            return Err(refuse(21023035, "The package has no label yet."));
        }
        // Collected by the carrier and in transit (the docs' FULFILLING).
        p.status = "FULFILLING".into();
        p.update_time = unix_now();
        p.events.push(super::tracking::event(super::tracking::ACCEPTED));
        let (shop_id, order_id) = (p.shop_id.clone(), p.order_id.clone());
        let order = self.order_mut(&shop_id, &order_id)?;
        for li in order
            .line_items
            .iter_mut()
            .filter(|li| li.package_id.as_deref() == Some(id))
        {
            li.package_status = Some("FULFILLING".into());
        }
        let all = order
            .line_items
            .iter()
            .all(|li| li.package_status.as_deref() == Some("FULFILLING"));
        if all {
            self.set_order_status(&shop_id, &order_id, "IN_TRANSIT");
        }
        Ok(())
    }

    /// The seller cancels a label in Seller Center before the carrier picks the package up (the
    /// API has no call for this): the postage is refunded and the units can get a new label.
    pub fn cancel_label(&mut self, id: &str) -> Result<(), SbError> {
        let p = self
            .packages
            .get_mut(id)
            .ok_or_else(|| refuse(codes::NOT_THIS_SELLERS, "no such package"))?;
        if !p.label_purchased || p.label_cancelled {
            return Err(refuse(21023035, "The package has no label to cancel."));
        }
        if matches!(p.status.as_str(), "FULFILLING" | "COMPLETED") {
            return Err(refuse(
                21042102,
                "The carrier has picked this package up: its label cannot be cancelled.",
            ));
        }
        p.status = "CANCELLED".into();
        p.label_cancelled = true;
        p.update_time = unix_now();
        let (shop_id, order_id, pid) = (p.shop_id.clone(), p.order_id.clone(), p.id.clone());
        self.labels_cancelled += 1;
        let order = self.order_mut(&shop_id, &order_id)?;
        for li in order
            .line_items
            .iter_mut()
            .filter(|li| li.package_id.as_deref() == Some(pid.as_str()))
        {
            li.package_id = None;
            li.package_status = Some("TO_FULFILL".into());
            li.tracking_number = None;
            li.shipping_provider_name = None;
        }
        order.packages.retain(|r| r.id != pid);
        if matches!(
            order.status.as_str(),
            "AWAITING_COLLECTION" | "PARTIALLY_SHIPPING"
        ) {
            let labelled = order.line_items.iter().any(|li| li.package_id.is_some());
            let next = if labelled {
                "PARTIALLY_SHIPPING"
            } else {
                "AWAITING_SHIPMENT"
            };
            self.set_order_status(&shop_id, &order_id, next);
        }
        Ok(())
    }

    /// The buyer (or TikTok) cancels an order; its packages are cancelled too.
    pub fn cancel_order(&mut self, shop_id: &str, order_id: &str) -> Result<(), SbError> {
        self.order_mut(shop_id, order_id)?;
        for p in self.packages.values_mut().filter(|p| p.order_id == order_id) {
            p.status = "CANCELLED".into();
        }
        let o = self.order_mut(shop_id, order_id)?;
        o.cancel_reason = "Buyer cancelled".into();
        o.cancellation_initiator = "BUYER".into();
        let created = o.update_time;
        self.set_order_status(shop_id, order_id, "CANCELLED");
        // The cancellation's own webhook (type 11), as when TikTok accepts a buyer's request.
        let cancel_id = catalog::id(&mut self.rng, "403");
        self.queue_webhook(
            11,
            shop_id,
            serde_json::json!({
                "order_id": order_id, "cancellations_role": "BUYER",
                "cancel_status": "CANCELLATION_REQUEST_COMPLETE", "cancel_id": cancel_id,
                "create_time": created,
            }),
        );
        Ok(())
    }
}
