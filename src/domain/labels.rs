//! Buying official labels: a job records one intent per planned package before any call to
//! TikTok, then workers take packages one at a time (a guarded claim), reconcile with TikTok
//! before any repeat attempt, buy with Create Packages, and store the label PDF at once.
//! A label is never bought twice for the same units: the intent key is unique, the claim is
//! exclusive, a repeat attempt first looks for a package TikTok already made, and TikTok's
//! "already purchased" answer is reconciled instead of retried.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Duration;
use diesel::Connection;
use sha2::{Digest, Sha256};

use crate::db::models::audit::Actor;
use crate::db::models::order;
use crate::db::models::package::{self, Bought, NewPackage, Package};
use crate::db::models::shop::Shop;
use crate::db::models::supplier::Supplier;
use crate::tiktok::error::codes;
use crate::tiktok::types::{CreatePackage, Dimension, ShippingServiceQuery, Weight};
use crate::tiktok::{ApiError, ShopApi};

use super::DomainError;
use super::preflight::accepts;
use super::routing::plan;
use super::shops::TikTok;

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

/// Content-addressed storage of label PDFs (`<dir>/<sha256>.pdf`, written to a temp name first).
#[derive(Clone)]
pub struct LabelStore {
    pub dir: PathBuf,
}

impl LabelStore {
    /// Stores a PDF; returns its SHA-256.
    pub async fn put(&self, pdf: &[u8]) -> std::io::Result<String> {
        let sha = hex::encode(Sha256::digest(pdf));
        let path = self.path(&sha);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(sha);
        }
        tokio::fs::create_dir_all(&self.dir).await?;
        let tmp = self.dir.join(format!(
            ".{sha}.{}.tmp",
            hex::encode(crate::secrets::random_bytes::<4>())
        ));
        tokio::fs::write(&tmp, pdf).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(sha)
    }

    /// Where a stored label lives.
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.pdf"))
    }
}

/// What starting a purchase did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Started {
    pub job_id: i64,
    /// Packages recorded for buying.
    pub planned: usize,
    /// Orders skipped, with the reason and what to do.
    pub skipped: Vec<(i64, String)>,
}

/// Progress of a job, for the progress page.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct JobProgress {
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    pub remaining: usize,
    pub failures: Vec<(i64, String)>,
}

impl JobProgress {
    /// Counts packages by outcome (from one read, so counts and rows always agree).
    pub fn of(pk: &[Package]) -> JobProgress {
        let done = pk.iter().filter(|p| p.status == "stored").count();
        let failures: Vec<(i64, String)> = pk
            .iter()
            .filter(|p| p.status == "failed")
            .map(|p| (p.id, p.error_message.clone().unwrap_or_default()))
            .collect();
        JobProgress {
            total: pk.len(),
            done,
            failed: failures.len(),
            remaining: pk.len() - done - failures.len(),
            failures,
        }
    }
}

impl TikTok {
    /// Records a label job for orders: one intent per planned package. Orders that cannot get a
    /// label now are skipped with the reason; units that already have a package are never
    /// planned again (a double submit plans nothing new).
    pub async fn start_labels(&self, actor: &Actor, order_ids: Vec<i64>) -> Result<Started, DomainError> {
        let ws = actor.workspace_id.ok_or(DomainError::NotFound)?;
        let by = actor.label.clone();
        self.pool
            .run(move |conn| {
                conn.transaction(|conn| {
                    let job_id = package::create_job(conn, ws, &by)?;
                    let mut s = Started {
                        job_id,
                        ..Started::default()
                    };
                    for oid in order_ids {
                        let Some(o) = order::find_in_workspace(conn, ws, oid)? else {
                            s.skipped.push((oid, "not found".into()));
                            continue;
                        };
                        if !matches!(o.status.as_str(), "AWAITING_SHIPMENT" | "PARTIALLY_SHIPPING") {
                            s.skipped.push((
                                oid,
                                format!(
                                    "the order is {}; TikTok sells labels only for orders awaiting shipment",
                                    o.status
                                ),
                            ));
                            continue;
                        }
                        let p = plan(conn, ws, o.id)?;
                        if !p.unrouted.is_empty() {
                            s.skipped
                                .push((oid, "some units have no supplier: add a SKU rule".into()));
                            continue;
                        }
                        let taken: Vec<i64> = package::of_order(conn, o.id)?
                            .iter()
                            .filter(|p| p.status != "failed")
                            .flat_map(|p| {
                                p.line_item_ids
                                    .split(',')
                                    .filter_map(|x| x.parse().ok())
                                    .collect::<Vec<i64>>()
                            })
                            .collect();
                        for pk in p.packages {
                            if pk.item_ids.iter().any(|i| taken.contains(i)) {
                                continue;
                            }
                            let (Some(w), Some((l, wi, h))) = (pk.weight_grams, pk.dimensions_in) else {
                                s.skipped.push((
                                    oid,
                                    format!("the package for {} lacks weight or size", pk.supplier_name),
                                ));
                                continue;
                            };
                            let new = NewPackage {
                                workspace_id: ws,
                                job_id,
                                order_id: o.id,
                                supplier_id: pk.supplier_id,
                                item_ids: pk.item_ids.clone(),
                                weight_grams: w,
                                dimensions: format!("{l}x{wi}x{h}"),
                            };
                            if package::record_intent(conn, &new)?.is_some() {
                                s.planned += 1;
                            }
                        }
                    }
                    Ok(s)
                })
            })
            .await
    }

    /// Runs a job to the end with up to `concurrency` packages in flight.
    pub async fn run_labels(
        self: &Arc<Self>,
        store: &LabelStore,
        job_id: i64,
        concurrency: usize,
    ) -> Result<JobProgress, DomainError> {
        let mut set = tokio::task::JoinSet::new();
        loop {
            let ids = self
                .pool
                .run(move |c| Ok::<_, DomainError>(package::claimable(c, job_id, 500)?))
                .await?;
            if ids.is_empty() && set.is_empty() {
                // Packages backing off, or held by another process, are waited for.
                let left = self
                    .pool
                    .run(move |c| Ok::<_, DomainError>(package::unfinished(c, job_id)?))
                    .await?;
                if left == 0 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                continue;
            }
            for id in ids {
                while set.len() >= concurrency.max(1) {
                    let _ = set.join_next().await;
                }
                let (me, store) = (self.clone(), store.clone());
                set.spawn(async move { me.buy_one(&store, id).await });
            }
            if let Some(r) = set.join_next().await {
                if let Ok(Err(e)) = r {
                    tracing::warn!(error = %e, "label purchase step failed");
                }
            } else {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
        self.pool
            .run(move |c| Ok::<_, DomainError>(package::finish_job(c, job_id)?))
            .await?;
        self.job_progress(job_id).await
    }

    /// Counts a job's packages by outcome.
    pub async fn job_progress(&self, job_id: i64) -> Result<JobProgress, DomainError> {
        let pk = self
            .pool
            .run(move |c| Ok::<_, DomainError>(package::of_job(c, job_id)?))
            .await?;
        Ok(JobProgress::of(&pk))
    }

    /// Takes one package through claim → (reconcile) → buy → document. Safe to call for a
    /// package someone else holds: it then does nothing.
    pub async fn buy_one(&self, store: &LabelStore, id: i64) -> Result<(), DomainError> {
        let lease = Duration::seconds(LEASE_SECS);
        let Some(p) = self
            .pool
            .run(move |c| Ok::<_, DomainError>(package::claim(c, id, lease)?))
            .await?
        else {
            return Ok(());
        };
        let pool = self.pool.clone();
        let _heartbeat = Heartbeat(tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                let _ = pool
                    .run(move |c| Ok::<_, DomainError>(package::renew(c, id, lease)?))
                    .await;
            }
        }));
        let (o, items, shop, supplier) = {
            let (oid, ws, sid) = (p.order_id, p.workspace_id, p.supplier_id);
            self.pool
                .run(move |c| {
                    let o = order::find_in_workspace(c, ws, oid)?.ok_or(DomainError::NotFound)?;
                    let items = order::items(c, o.id)?;
                    let shop = Shop::find(c, o.shop_id)?;
                    let sup = Supplier::find_in_workspace(c, ws, sid)?.ok_or(DomainError::NotFound)?;
                    Ok::<_, DomainError>((o, items, shop, sup))
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
        let api = self.seller(&key).shop(&shop.cipher);
        if p.status != "bought" {
            // Any earlier attempt may have reached TikTok: look before buying again.
            let adopted = if p.attempts > 1 {
                self.reconcile(&api, &p, &o.tiktok_order_id, &line_ids).await?
            } else {
                false
            };
            if !adopted {
                self.purchase(&api, &p, &o.tiktok_order_id, &line_ids, &supplier)
                    .await?;
            }
        }
        let p = self
            .pool
            .run(move |c| Ok::<_, DomainError>(package::find(c, id)?))
            .await?;
        let Some(tiktok_id) = p.tiktok_package_id.clone() else {
            return Ok(());
        };
        match api.label_pdf(&tiktok_id).await {
            Ok((doc, pdf)) => {
                let sha = store
                    .put(&pdf)
                    .await
                    .map_err(|e| DomainError::Internal(format!("storing the label: {e}")))?;
                let order_id = p.order_id;
                self.pool
                    .run(move |c| {
                        c.transaction(|c| {
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
        let (code, msg, retry) = (
            e.code,
            format!("{} (code {}). {}", e.message, e.code, e.advice()),
            e.is_retryable(),
        );
        self.pool
            .run(move |c| Ok::<_, DomainError>(package::mark_failed(c, id, code, &msg, retry)?))
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
        if ours
            .iter()
            .any(|li| li.package_id.as_deref() != Some(pid.as_str()))
        {
            let e = ApiError::from_envelope(
                codes::LABEL_ALREADY_PURCHASED,
                "TikTok holds these units in different packages: review this order on TikTok".into(),
                String::new(),
                200,
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
                c.transaction(|c| {
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

    /// Chooses the service (the cheapest the supplier accepts) and buys the label.
    async fn purchase(
        &self,
        api: &ShopApi<'_>,
        p: &Package,
        tiktok_order: &str,
        line_ids: &[String],
        supplier: &Supplier,
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
            Err(e) => return self.fail(p.id, &e).await,
        };
        let price = |s: &crate::tiktok::types::ShippingService| s.price.parse::<f64>().unwrap_or(f64::MAX);
        let Some(service) = services
            .iter()
            .filter(|s| accepts(supplier, s))
            .min_by(|a, b| price(a).total_cmp(&price(b)))
            .cloned()
        else {
            let e = ApiError::from_envelope(
                codes::NO_SHIPPING_SERVICE,
                format!("{} accepts none of the services TikTok offers", supplier.name),
                String::new(),
                200,
            );
            return self.fail(p.id, &e).await;
        };
        let req = CreatePackage {
            order_id: tiktok_order.to_string(),
            order_line_item_ids: line_ids.to_vec(),
            weight,
            dimension,
            shipping_service_id: Some(service.id.clone()),
        };
        match api.create_package(&req).await {
            Ok(created) => {
                let (id, order_id) = (p.id, p.order_id);
                self.pool
                    .run(move |c| {
                        c.transaction(|c| {
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
                                    "Label bought: {} {} for {} {}",
                                    s.shipping_provider_name, s.name, s.price, s.currency
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
            Err(e) if e.code == codes::LABEL_ALREADY_PURCHASED => {
                if !self.reconcile(api, p, tiktok_order, line_ids).await? {
                    self.fail(p.id, &e).await?;
                }
                Ok(())
            }
            Err(e) => self.fail(p.id, &e).await,
        }
    }
}
