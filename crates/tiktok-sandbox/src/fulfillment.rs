//! The US "purchase shipping" flow and its neighbours, as TikTok enforces them: eligible
//! services, Create Packages (buys a label; refuses a second label for the same items),
//! shipping documents, package search and detail, split orders, ship package, carrier scans.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngExt;

use super::catalog;
use super::world::{PackageState, World};
use tiktok::client::unix_now;
use tiktok::codes;
use tiktok::types::*;

/// A refusal with TikTok's code, message and HTTP status.
#[derive(Debug, Clone)]
pub struct SbError {
    pub code: i64,
    pub message: String,
    pub http: u16,
}

/// Builds a business refusal (HTTP 200 with a non-zero code).
pub fn refuse(code: i64, message: impl Into<String>) -> SbError {
    SbError {
        code,
        message: message.into(),
        http: 200,
    }
}

/// A carrier service the sandbox sells.
struct ServiceDef {
    id: &'static str,
    name: &'static str,
    provider: &'static str,
    provider_id: &'static str,
    base_cents: u64,
    cents_per_100g: u64,
    earliest_days: i64,
    latest_days: i64,
    max_grams: f64,
}

const SERVICES: &[ServiceDef] = &[
    ServiceDef {
        id: "7208502187360519941",
        name: "USPS Ground Advantage",
        provider: "USPS",
        provider_id: "6617675021119438849",
        base_cents: 395,
        cents_per_100g: 28,
        earliest_days: 2,
        latest_days: 5,
        max_grams: 31_751.0,
    },
    ServiceDef {
        id: "7208502187360519942",
        name: "USPS Priority Mail",
        provider: "USPS",
        provider_id: "6617675021119438849",
        base_cents: 795,
        cents_per_100g: 35,
        earliest_days: 1,
        latest_days: 3,
        max_grams: 31_751.0,
    },
    ServiceDef {
        id: "7208502187360519943",
        name: "UPS Ground",
        provider: "UPS",
        provider_id: "6617675021119438850",
        base_cents: 899,
        cents_per_100g: 22,
        earliest_days: 1,
        latest_days: 5,
        max_grams: 68_000.0,
    },
    ServiceDef {
        id: "7208502187360519944",
        name: "FedEx Ground Economy",
        provider: "FedEx",
        provider_id: "6617675021119438851",
        base_cents: 645,
        cents_per_100g: 30,
        earliest_days: 2,
        latest_days: 7,
        max_grams: 31_751.0,
    },
    ServiceDef {
        id: "7208502187360519945",
        name: "FedEx 2Day",
        provider: "FedEx",
        provider_id: "6617675021119438851",
        base_cents: 1595,
        cents_per_100g: 40,
        earliest_days: 2,
        latest_days: 2,
        max_grams: 68_000.0,
    },
];

fn grams(w: &Weight) -> Result<f64, SbError> {
    let v: f64 = w
        .value
        .trim()
        .parse()
        .map_err(|_| refuse(codes::INVALID_PARAMS, "weight.value must be a number"))?;
    let g = match w.unit.as_str() {
        "GRAM" => v,
        "POUND" => v * 453.592,
        other => {
            return Err(refuse(
                codes::INVALID_PARAMS,
                format!("weight.unit {other:?} must be GRAM or POUND"),
            ));
        }
    };
    if g.is_finite() && g > 0.0 {
        Ok(g)
    } else {
        Err(refuse(codes::INVALID_PARAMS, "weight must be above zero"))
    }
}

/// A keyset page token: the sort key and id of the last item returned. Opaque, with '+' and
/// '/' in it as TikTok's are (clients must encode it properly), and stable while items change:
/// an item whose key moves is seen later, never skipped.
pub(crate) fn keyset_token(key: i64, id: &str) -> String {
    STANDARD.encode(format!("sandbox+/{key}/{id}?"))
}

pub(crate) fn parse_keyset_token(t: &str) -> Result<(i64, String), SbError> {
    let bad = || refuse(codes::INVALID_PARAMS, "invalid page_token");
    let raw = STANDARD.decode(t).map_err(|_| bad())?;
    let s = String::from_utf8(raw).map_err(|_| bad())?;
    let inner = s
        .strip_prefix("sandbox+/")
        .and_then(|r| r.strip_suffix('?'))
        .ok_or_else(bad)?;
    let (k, id) = inner.split_once('/').ok_or_else(bad)?;
    Ok((k.parse().map_err(|_| bad())?, id.to_string()))
}

/// One page of items already sorted by (key, id), ascending or descending, after the token.
pub fn page<'a, T>(
    items: &[&'a T],
    key: impl Fn(&T) -> (i64, &str),
    desc: bool,
    page_size: usize,
    token: Option<&str>,
) -> Result<(Vec<&'a T>, String), SbError> {
    let start = match token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => {
            let (k, id) = parse_keyset_token(t)?;
            items.partition_point(|it| {
                let (ik, iid) = key(it);
                if desc {
                    (ik, iid) >= (k, id.as_str())
                } else {
                    (ik, iid) <= (k, id.as_str())
                }
            })
        }
    };
    let end = (start + page_size).min(items.len());
    let next = match items[start..end].last() {
        Some(last) if end < items.len() => {
            let (k, id) = key(last);
            keyset_token(k, id)
        }
        _ => String::new(),
    };
    Ok((items[start..end].to_vec(), next))
}

/// One page of unsorted items in (key, id) order after the token, without sorting them all:
/// the items past the token are selected, then only the page is sorted (a shop may hold
/// 100,000 orders and clients page it in parallel windows). Same tokens as [`page`].
pub fn page_unsorted<'a, T>(
    mut items: Vec<&'a T>,
    key: impl Fn(&T) -> (i64, &str),
    desc: bool,
    page_size: usize,
    token: Option<&str>,
) -> Result<(Vec<&'a T>, String), SbError> {
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        let (k, id) = parse_keyset_token(t)?;
        items.retain(|it| {
            let (ik, iid) = key(it);
            if desc {
                (ik, iid) < (k, id.as_str())
            } else {
                (ik, iid) > (k, id.as_str())
            }
        });
    }
    let order = |a: &&T, b: &&T| {
        let o = key(a).cmp(&key(b));
        if desc { o.reverse() } else { o }
    };
    let more = items.len() > page_size;
    if more && page_size > 0 {
        items.select_nth_unstable_by(page_size - 1, order);
        items.truncate(page_size);
    }
    items.sort_unstable_by(order);
    let next = match items.last() {
        Some(last) if more => {
            let (k, id) = key(last);
            keyset_token(k, id)
        }
        _ => String::new(),
    };
    Ok((items, next))
}

impl World {
    /// An order of a shop, for changing it.
    pub(super) fn order_mut(&mut self, shop_id: &str, order_id: &str) -> Result<&mut Order, SbError> {
        self.orders_changed();
        self.orders
            .get_mut(shop_id)
            .and_then(|m| m.get_mut(order_id))
            .ok_or_else(|| {
                refuse(
                    codes::NOT_THIS_SELLERS,
                    format!("order {order_id} does not exist in this shop"),
                )
            })
    }

    /// Refuses orders that cannot get a label now.
    pub(super) fn check_fulfillable(o: &Order) -> Result<(), SbError> {
        match o.status.as_str() {
            // Items may still lack a label; the item check answers "already purchased" otherwise.
            "AWAITING_SHIPMENT" | "PARTIALLY_SHIPPING" | "AWAITING_COLLECTION" => Ok(()),
            "ON_HOLD" => Err(refuse(
                codes::ORDER_ON_HOLD,
                "Order status is on hold, please wait until the order status changes to awaiting shipment.",
            )),
            "CANCELLED" => Err(refuse(codes::ORDER_CANCELLED, "The order has been cancelled.")),
            "UNPAID" => Err(refuse(codes::ORDER_ON_HOLD, "The order is not paid yet.")),
            _ => Err(refuse(21011006, "The order has already been shipped.")),
        }
    }

    /// Resolves the line items a call names (all unpackaged ones when none are named).
    fn items_for(o: &Order, ids: &[String], allow_split_package: bool) -> Result<Vec<String>, SbError> {
        if ids.is_empty() {
            let open: Vec<String> = o
                .line_items
                .iter()
                .filter(|li| {
                    li.package_id.is_none()
                        || (allow_split_package && li.package_status.as_deref() == Some("TO_FULFILL"))
                })
                .map(|li| li.id.clone())
                .collect();
            if open.is_empty() {
                return Err(refuse(
                    codes::LABEL_ALREADY_PURCHASED,
                    "The label has already been purchased for this order.",
                ));
            }
            return Ok(open);
        }
        for id in ids {
            let li = o.line_items.iter().find(|li| &li.id == id).ok_or_else(|| {
                refuse(
                    codes::INVALID_PARAMS,
                    format!("order_line_item_id {id} is not in order {}", o.id),
                )
            })?;
            let has_label = li.package_id.is_some() && li.package_status.as_deref() != Some("TO_FULFILL");
            if has_label {
                return Err(refuse(
                    codes::LABEL_ALREADY_PURCHASED,
                    "The label has already been purchased for these items.",
                ));
            }
        }
        Ok(ids.to_vec())
    }

    /// What Get Eligible Shipping Service offers: every service, or under label allocation
    /// only the one TikTok allocates (here the cheapest USPS service, else the cheapest).
    fn offered(&mut self, order: &Order, g: f64) -> Vec<ShippingService> {
        let all = self.services_for(order, g);
        if !self.settings.label_allocation || all.is_empty() {
            return all;
        }
        let price = |s: &ShippingService| s.price.parse::<f64>().unwrap_or(f64::MAX);
        let pick = all
            .iter()
            .filter(|s| s.shipping_provider_name == "USPS")
            .min_by(|a, b| price(a).total_cmp(&price(b)))
            .or_else(|| all.iter().min_by(|a, b| price(a).total_cmp(&price(b))))
            .cloned();
        pick.map(|s| ShippingService {
            is_default: true,
            ..s
        })
        .into_iter()
        .collect()
    }

    fn services_for(&mut self, order: &Order, g: f64) -> Vec<ShippingService> {
        let zone = 1 + order
            .recipient_address
            .postal_code
            .bytes()
            .fold(0u64, |a, b| a + u64::from(b))
            % 8;
        SERVICES
            .iter()
            .filter(|s| g <= s.max_grams)
            .enumerate()
            .map(|(i, s)| ShippingService {
                id: s.id.into(),
                name: s.name.into(),
                shipping_provider_name: s.provider.into(),
                shipping_provider_id: s.provider_id.into(),
                price: catalog::money(
                    s.base_cents + s.cents_per_100g * (g / 100.0).ceil() as u64 + zone * 35,
                ),
                currency: "USD".into(),
                earliest_delivery_days: s.earliest_days,
                latest_delivery_days: s.latest_days,
                is_default: i == 0,
            })
            .collect()
    }

    /// Get Eligible Shipping Service.
    pub fn eligible_services(
        &mut self,
        shop_id: &str,
        order_id: &str,
        q: &ShippingServiceQuery,
    ) -> Result<EligibleServices, SbError> {
        let g = grams(&q.weight)?;
        let o = self.order_mut(shop_id, order_id)?.clone();
        Self::check_fulfillable(&o)?;
        let items = Self::items_for(&o, &q.order_line_item_ids, true)?;
        let services = self.offered(&o, g);
        if services.is_empty() {
            return Err(refuse(
                codes::NO_SHIPPING_SERVICE,
                "No shipping service is available for this package's weight and address.",
            ));
        }
        Ok(EligibleServices {
            order_id: o.id,
            order_line_id: items,
            shipping_services: services,
        })
    }

    /// Create Packages: buys one label for the named items, or refuses with 21022025.
    pub fn create_package(&mut self, shop_id: &str, req: &CreatePackage) -> Result<CreatedPackage, SbError> {
        let g = grams(&req.weight)?;
        let o = self.order_mut(shop_id, &req.order_id)?.clone();
        Self::check_fulfillable(&o)?;
        let items = Self::items_for(&o, &req.order_line_item_ids, true)?;
        let services = self.offered(&o, g);
        let asked = req
            .shipping_service_id
            .as_ref()
            .filter(|_| !self.settings.label_allocation);
        let service = match asked {
            Some(id) => services.iter().find(|s| &s.id == id).cloned().ok_or_else(|| {
                refuse(
                    codes::NO_SHIPPING_SERVICE,
                    format!("shipping_service_id {id} is not available for this package"),
                )
            })?,
            None => services
                .first()
                .cloned()
                .ok_or_else(|| refuse(codes::NO_SHIPPING_SERVICE, "No shipping service is available."))?,
        };
        // A package made by a split earlier keeps its id when its label is bought.
        let split_id = self
            .packages
            .values()
            .find(|p| {
                p.order_id == o.id
                    && !p.label_purchased
                    && p.status == "PROCESSING"
                    && p.line_item_ids == items
            })
            .map(|p| p.id.clone());
        let id = split_id.unwrap_or_else(|| catalog::id(&mut self.rng, "115"));
        let tracking = match service.shipping_provider_name.as_str() {
            "USPS" => catalog::id(&mut self.rng, "9400111")
                .chars()
                .chain("0000".chars())
                .take(22)
                .collect::<String>(),
            "UPS" => format!(
                "1Z{}{}",
                hex::encode_upper(self.rng.random::<[u8; 3]>()),
                &catalog::id(&mut self.rng, "03")[..10]
            ),
            _ => catalog::id(&mut self.rng, "7")[..12].to_string(),
        };
        let now = unix_now();
        let scan_at = self.scan_time(now, &o.warehouse_id);
        self.packages.insert(
            id.clone(),
            PackageState {
                id: id.clone(),
                shop_id: shop_id.into(),
                order_id: o.id.clone(),
                line_item_ids: items.clone(),
                tracking_number: tracking.clone(),
                service_id: service.id.clone(),
                service_name: service.name.clone(),
                provider_name: service.shipping_provider_name.clone(),
                price: service.price.clone(),
                weight_grams: g,
                dimension: req.dimension.clone(),
                provider_id: service.shipping_provider_id.clone(),
                events: vec![super::tracking::event(super::tracking::LABEL_CREATED)],
                scan_at,
                // Arranged, waiting for the carrier (the docs' PROCESSING).
                status: "PROCESSING".into(),
                label_purchased: true,
                label_cancelled: false,
                create_time: now,
                update_time: now,
                handover_method: "DROP_OFF".into(),
            },
        );
        self.purchases += 1;
        let order = self.order_mut(shop_id, &req.order_id)?;
        for li in order.line_items.iter_mut().filter(|li| items.contains(&li.id)) {
            li.package_id = Some(id.clone());
            li.package_status = Some("PROCESSING".into());
            li.tracking_number = Some(tracking.clone());
            li.shipping_provider_name = Some(service.shipping_provider_name.clone());
        }
        if !order.packages.iter().any(|p| p.id == id) {
            order.packages.push(PackageRef { id: id.clone() });
        }
        let all = order
            .line_items
            .iter()
            .all(|li| li.package_id.is_some() && li.package_status.as_deref() != Some("TO_FULFILL"));
        let next = if all {
            "AWAITING_COLLECTION"
        } else {
            "PARTIALLY_SHIPPING"
        };
        self.set_order_status(shop_id, &req.order_id, next);
        Ok(CreatedPackage {
            package_id: id,
            order_id: req.order_id.clone(),
            order_line_item_ids: items,
            shipping_service_info: ShippingService {
                is_default: false,
                ..service
            },
            create_time: now,
        })
    }

    /// A package of a shop.
    pub(super) fn package(&self, shop_id: &str, id: &str) -> Result<&PackageState, SbError> {
        self.packages
            .get(id)
            .filter(|p| p.shop_id == shop_id)
            .ok_or_else(|| {
                refuse(
                    codes::NOT_THIS_SELLERS,
                    format!("package {id} does not exist in this shop"),
                )
            })
    }

    /// Get Package Shipping Document: a fresh expiring URL to the label PDF.
    pub fn shipping_document(
        &mut self,
        shop_id: &str,
        id: &str,
        doc_type: &str,
        base_url: &str,
    ) -> Result<ShippingDocument, SbError> {
        if !matches!(
            doc_type,
            "SHIPPING_LABEL" | "PACKING_SLIP" | "SHIPPING_LABEL_AND_PACKING_SLIP"
        ) {
            return Err(refuse(
                codes::INVALID_PARAMS,
                format!("document_type {doc_type:?} is not supported here"),
            ));
        }
        let p = self.package(shop_id, id)?.clone();
        if !p.label_purchased {
            return Err(refuse(
                21023035,
                "Please arrange shipment before printing the shipping document.",
            ));
        }
        match p.status.as_str() {
            "FULFILLING" | "COMPLETED" => {
                return Err(refuse(
                    21042102,
                    "The package has been picked up; the label can no longer be printed.",
                ));
            }
            "CANCELLED" => return Err(refuse(21023059, "The package has been cancelled.")),
            _ => {}
        }
        let token = self.token("doc");
        self.documents.insert(
            token.clone(),
            (p.id.clone(), unix_now() + self.settings.doc_url_ttl_secs),
        );
        Ok(ShippingDocument {
            doc_url: format!("{base_url}/sandbox/docs/{token}.pdf"),
            tracking_number: p.tracking_number,
        })
    }

    /// The package behind a document URL token, while the URL is valid.
    pub fn document(&self, token: &str) -> Option<(&PackageState, &Order)> {
        let (pid, exp) = self.documents.get(token)?;
        if *exp < unix_now() {
            return None;
        }
        let p = self.packages.get(pid)?;
        let o = self.orders.get(&p.shop_id)?.get(&p.order_id)?;
        Some((p, o))
    }
}
