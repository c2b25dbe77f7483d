//! One package through claim → (reconcile) → buy → document: the only code that spends the
//! seller's money, so every step is guarded and every repeat attempt looks before it buys.

use chrono::Duration;

use crate::db::models::order;
use crate::db::models::package::{self, Bought, Package};
use crate::db::models::shop::Shop;
use crate::db::models::status::PackageStatus;
use crate::db::models::supplier::Supplier;
use tiktok::codes;
use tiktok::types::{CreatePackage, Dimension, ShippingServiceQuery, Weight};
use tiktok::{ApiError, ErrorClass, RetryLog, ShopApi};

use super::super::DomainError;
use crate::db::models::workspace::Workspace;

use super::Labels;
use super::allocated::{Allocated, choose_offered};
use super::service::ServiceRule;

/// How long a worker's hold on a package lasts without a heartbeat; after a crash another
/// worker (or process) takes the package over this soon. Heartbeats renew it every few seconds
/// while the worker is alive, however slow TikTok is.
pub const LEASE_SECS: i64 = 20;

/// Renews a package's lease until dropped.
struct Heartbeat(tokio::task::JoinHandle<()>);

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How a package's service is chosen.
struct How<'a> {
    supplier: &'a Supplier,
    rule: &'a ServiceRule,
    override_: Option<&'a str>,
    allocated: Allocated,
}

/// A label TikTok holds that podgate must not adopt: a person decides (no retry by itself).
fn needs_a_person(message: String) -> ApiError {
    ApiError {
        class: ErrorClass::Business,
        code: codes::LABEL_ALREADY_PURCHASED,
        message,
        request_id: String::new(),
        http_status: 200,
    }
}

impl Labels {
    /// Takes one package through claim → (reconcile) → buy → document. Safe to call for a
    /// package someone else holds: it then does nothing.
    pub async fn buy_one(&self, id: i64) -> Result<(), DomainError> {
        let log = std::sync::Arc::new(RetryLog::default());
        let result = log.scope(self.buy_claimed(id)).await;
        if log.count() > 0 {
            let (n, last) = (log.count() as i64, log.last());
            self.pool
                .query(move |c| package::add_retries(c, id, n, last.as_deref()))
                .await?;
        }
        result
    }

    async fn buy_claimed(&self, id: i64) -> Result<(), DomainError> {
        let lease = Duration::seconds(LEASE_SECS);
        let Some(p) = self
            .pool
            .query(move |c| package::claim(c, id, lease, crate::domain::leases::worker_id()))
            .await?
        else {
            return Ok(());
        };
        let pool = self.pool.clone();
        let _heartbeat = Heartbeat(tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                let _ = pool.query(move |c| package::renew(c, id, lease)).await;
            }
        }));
        let (o, items, shop, supplier, (rule, allocated)) = {
            let (oid, ws, sid) = (p.order_id, p.workspace_id, p.supplier_id);
            self.pool
                .run(move |c| {
                    let o = order::find_in_workspace(c, ws, oid)?.ok_or(DomainError::NotFound)?;
                    let items = order::items(c, o.id)?;
                    let shop = Shop::find(c, o.shop_id)?;
                    let sup = Supplier::find_in_workspace(c, ws, sid)?.ok_or(DomainError::NotFound)?;
                    let w = Workspace::find(c, ws)?;
                    let rule = ServiceRule::from_settings(&w.service_rule, &w.preferred_carrier);
                    let allocated = Allocated::from_settings(&w.allocated_service);
                    Ok::<_, DomainError>((o, items, shop, sup, (rule, allocated)))
                })
                .await?
        };
        let unit_ids: Vec<i64> = p
            .line_item_ids
            .split(',')
            .filter_map(|x| x.parse().ok())
            .collect();
        let line_ids: Vec<String> = items
            .iter()
            .filter(|i| unit_ids.contains(&i.id))
            .map(|i| i.tiktok_line_item_id.clone())
            .collect();
        let key = shop.connection_id.to_string();
        let api = self.tiktok.seller(&key).shop(&shop.cipher);
        if p.status != PackageStatus::Bought {
            if let Some(why) = crate::domain::shops::warehouses::refusal(&supplier, &o) {
                // The label would carry another supplier's ship-from: nothing is bought.
                return self.fail(p.id, &needs_a_person(why)).await;
            }
            // Any earlier attempt may have reached TikTok: look before buying again.
            let adopted = if p.attempts > 1 {
                self.reconcile(&api, &p, &o.tiktok_order_id, &line_ids).await?
            } else {
                false
            };
            if !adopted {
                let how = How {
                    supplier: &supplier,
                    rule: &rule,
                    override_: o.service_override.as_deref(),
                    allocated,
                };
                self.purchase(&api, &p, &o.tiktok_order_id, &line_ids, &how)
                    .await?;
            }
        }
        let p = self.pool.query(move |c| package::find(c, id)).await?;
        let Some(tiktok_id) = p.tiktok_package_id.clone() else {
            return Ok(());
        };
        match api.label_pdf(&tiktok_id).await {
            Ok((doc, pdf)) => {
                let sha = self
                    .store
                    .put(&pdf)
                    .await
                    .map_err(|e| DomainError::Internal(format!("storing the label: {e}")))?;
                if supplier.zpl_dpi > 0 {
                    // Not fatal: sealing converts what is missing.
                    if let Err(e) = self.store.prepare_zpl(&sha, supplier.zpl_dpi).await {
                        tracing::warn!(package = id, error = %e, "could not convert the label to ZPL ahead of its batch");
                    }
                }
                let order_id = p.order_id;
                self.pool
                    .run(move |c| {
                        crate::db::write_tx(c, |c| {
                            package::mark_stored(c, id, &sha, &doc.tracking_number)?;
                            order::add_event(
                                c,
                                order_id,
                                "label",
                                &format!(
                                    "Label stored for package {tiktok_id} (tracking {})",
                                    doc.tracking_number
                                ),
                                "podgate",
                                "system",
                            )?;
                            Ok::<_, DomainError>(())
                        })
                    })
                    .await
            }
            Err(e) => self.fail(id, &e).await,
        }
    }

    async fn fail(&self, id: i64, e: &ApiError) -> Result<(), DomainError> {
        if e.is_retryable() {
            // The package goes back to the queue: a retry the seller should see counted.
            RetryLog::record("label purchase", e);
        }
        // "Already has a label" that reconciliation could not find yet: TikTok may not show
        // the package at once. It goes back to the queue (the next attempt reconciles before
        // anything is bought) instead of ending failed.
        let (code, msg, retry) = (
            e.code,
            format!("{} (code {}). {}", e.message, e.code, e.advice()),
            e.is_retryable() || e.class == ErrorClass::AlreadyFulfilled,
        );
        self.pool
            .query(move |c| package::mark_failed(c, id, code, &msg, retry))
            .await?;
        Ok(())
    }

    /// Looks for a package TikTok already made for these units; adopts it when found.
    async fn reconcile(
        &self,
        api: &ShopApi<'_>,
        p: &Package,
        tiktok_order: &str,
        line_ids: &[String],
    ) -> Result<bool, DomainError> {
        let orders = match api.order_details(&[tiktok_order.to_string()]).await {
            Ok(o) => o,
            Err(e) => {
                self.fail(p.id, &e).await?;
                return Err(DomainError::Conflict(e.to_string()));
            }
        };
        let Some(o) = orders.first() else { return Ok(false) };
        let ours: Vec<_> = o
            .line_items
            .iter()
            .filter(|li| line_ids.contains(&li.id))
            .collect();
        let Some(pid) = ours.iter().find_map(|li| li.package_id.clone()) else {
            return Ok(false);
        };
        // A label the seller voided in podgate but TikTok still holds is not adopted again.
        let voided = {
            let pid = pid.clone();
            self.pool
                .query(move |c| package::voided_tiktok_package(c, &pid))
                .await?
        };
        if voided {
            let e = needs_a_person(format!(
                "TikTok still holds the voided label {pid} for these units: cancel that label in TikTok Seller Center, then choose Retry"
            ));
            self.fail(p.id, &e).await?;
            return Ok(true);
        }
        if ours
            .iter()
            .any(|li| li.package_id.as_deref() != Some(pid.as_str()))
        {
            let e = needs_a_person(
                "TikTok holds these units in different packages: review this order on TikTok".into(),
            );
            self.fail(p.id, &e).await?;
            return Ok(true);
        }
        let detail = match api.package_detail(&pid).await {
            Ok(d) => d,
            Err(e) => {
                self.fail(p.id, &e).await?;
                return Err(DomainError::Conflict(e.to_string()));
            }
        };
        let (id, order_id, tracking) = (
            p.id,
            p.order_id,
            ours.first().and_then(|li| li.tracking_number.clone()),
        );
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let b = Bought {
                        tiktok_package_id: &pid,
                        tracking_number: tracking.as_deref(),
                        carrier: &detail.shipping_provider_name,
                        service_id: "",
                        service_name: "",
                        price: "",
                        currency: "",
                    };
                    package::mark_bought(c, id, &b)?;
                    order::add_event(
                        c,
                        order_id,
                        "label",
                        &format!(
                            "Found the label TikTok already sold for package {pid}; nothing bought twice"
                        ),
                        "podgate",
                        "system",
                    )?;
                    Ok::<_, DomainError>(())
                })
            })
            .await?;
        Ok(true)
    }

    /// Chooses the service (override, else the workspace's rule, among what the supplier
    /// accepts) and buys the label.
    async fn purchase(
        &self,
        api: &ShopApi<'_>,
        p: &Package,
        tiktok_order: &str,
        line_ids: &[String],
        how: &How<'_>,
    ) -> Result<(), DomainError> {
        let dims: Vec<String> = p.dimensions.split('x').map(str::to_owned).collect();
        let weight = Weight {
            value: p.weight_grams.to_string(),
            unit: "GRAM".into(),
        };
        let dimension = Dimension {
            length: dims.first().cloned().unwrap_or_default(),
            width: dims.get(1).cloned().unwrap_or_default(),
            height: dims.get(2).cloned().unwrap_or_default(),
            unit: "INCH".into(),
        };
        let q = ShippingServiceQuery {
            order_line_item_ids: line_ids.to_vec(),
            weight: weight.clone(),
            dimension: dimension.clone(),
        };
        let services = match api.eligible_services(tiktok_order, &q).await {
            Ok(s) => s.shipping_services,
            // These units already have a label on TikTok: find it instead of buying.
            Err(e) if e.class == ErrorClass::AlreadyFulfilled => {
                if !self.reconcile(api, p, tiktok_order, line_ids).await? {
                    self.fail(p.id, &e).await?;
                }
                return Ok(());
            }
            Err(e) => return self.fail(p.id, &e).await,
        };
        let choice = match choose_offered(&services, how.supplier, how.rule, how.override_, how.allocated) {
            Ok(c) => c,
            Err(why) => {
                let e = ApiError::from_envelope(codes::NO_SHIPPING_SERVICE, why, String::new(), 200);
                return self.fail(p.id, &e).await;
            }
        };
        let service = choice.service;
        let req = CreatePackage {
            order_id: tiktok_order.to_string(),
            order_line_item_ids: line_ids.to_vec(),
            weight,
            dimension,
            shipping_service_id: Some(service.id.clone()),
        };
        match api.create_package(&req).await {
            Ok(created) => {
                let asked = service.id.clone();
                let (id, order_id, mut why) = (p.id, p.order_id, choice.why);
                if created.shipping_service_info.id != asked && !created.shipping_service_info.id.is_empty() {
                    why = format!("{why}; TikTok allocated it instead of {}", service.name);
                }
                self.pool
                    .run(move |c| {
                        crate::db::write_tx(c, |c| {
                            let s = &created.shipping_service_info;
                            let b = Bought {
                                tiktok_package_id: &created.package_id,
                                tracking_number: None,
                                carrier: &s.shipping_provider_name,
                                service_id: &s.id,
                                service_name: &s.name,
                                price: &s.price,
                                currency: &s.currency,
                            };
                            package::mark_bought(c, id, &b)?;
                            order::add_event(
                                c,
                                order_id,
                                "label",
                                &format!(
                                    "Label bought: {} {} for {} {} ({})",
                                    s.shipping_provider_name, s.name, s.price, s.currency, why
                                ),
                                "podgate",
                                "system",
                            )?;
                            Ok::<_, DomainError>(())
                        })
                    })
                    .await
            }
            // TikTok says these units already have a label: find it instead of buying again.
            Err(e) if e.class == ErrorClass::AlreadyFulfilled => {
                if !self.reconcile(api, p, tiktok_order, line_ids).await? {
                    self.fail(p.id, &e).await?;
                }
                Ok(())
            }
            Err(e) => self.fail(p.id, &e).await,
        }
    }
}
