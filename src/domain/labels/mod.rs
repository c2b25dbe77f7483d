//! Buying official labels: a job records one intent per planned package before any call to
//! TikTok, then workers take packages one at a time (a guarded claim), reconcile with TikTok
//! before any repeat attempt, buy with Create Packages, and store the label PDF at once.
//! A label is never bought twice for the same units: the intent key is unique, the claim is
//! exclusive, a repeat attempt first looks for a package TikTok already made, and TikTok's
//! "already purchased" answer is reconciled instead of retried.

pub mod allocated;
mod artwork;
mod buy;
pub mod jobs;
pub mod outcome;
pub mod preflight;
mod problems;
mod runner;
pub mod service;
mod store;
pub mod zpl;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::db::models::audit::Actor;
use crate::db::models::order;
use crate::db::models::package::{self, NewPackage, Package};
use crate::db::models::status::PackageStatus;

use crate::db::DbPool;

use super::DomainError;
use super::artwork::Artworks;
use super::gateway::TikTokGateway;
use super::routing::{Catalog, pass, plan_items, plan_of, route_some};
pub use super::seller_workspace;

pub use buy::LEASE_SECS;
pub use problems::VOID_ADVICE;

pub use runner::CONCURRENCY;
pub use store::{LabelFeed, LabelReadError, LabelStore};

/// Buying, voiding and re-buying labels, and the jobs that buy them: every label action of
/// web, API and jobs goes through here. Actions that start buying start this process's
/// runner for the job themselves.
#[derive(Clone)]
pub struct Labels {
    pub pool: DbPool,
    pub tiktok: TikTokGateway,
    /// Where label PDFs are kept, by checksum.
    pub store: LabelStore,
    /// The artwork pre-flight every purchase passes first.
    pub artwork: Artworks,
    /// Jobs this process is running now (a job runs once per process).
    running: Arc<Mutex<HashSet<i64>>>,
}

/// What starting a purchase did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Started {
    /// The job buying what was planned; None when nothing was (no empty job is left behind).
    pub job_id: Option<i64>,
    /// Packages recorded for buying.
    pub planned: usize,
    /// Orders left out, with the reason and what to do.
    pub skipped: Vec<Skipped>,
    /// The job already buying these orders' labels, when that is why nothing new was planned
    /// (a second click on "Buy labels", another person's purchase).
    pub already_in: Option<i64>,
}

/// An order a purchase left out, named as the seller knows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    pub order_id: i64,
    /// TikTok's order id (empty for an order id that is not this workspace's).
    pub tiktok_order_id: String,
    /// Why, and what to do about it.
    pub reason: String,
}

impl Skipped {
    fn new(order_id: i64, tiktok_order_id: &str, reason: impl Into<String>) -> Skipped {
        Skipped {
            order_id,
            tiktok_order_id: tiktok_order_id.to_string(),
            reason: reason.into(),
        }
    }
}

/// Progress of a job, for the progress page.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct JobProgress {
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    /// Cancelled before purchase, or voided after.
    pub cancelled: usize,
    pub remaining: usize,
    pub failures: Vec<(i64, String)>,
    /// API calls repeated while buying (TikTok busy, rate limits, timeouts), and the last reason.
    pub retries: i64,
    pub last_retry: Option<String>,
}

impl JobProgress {
    /// Counts packages by outcome (from one read, so counts and rows always agree).
    pub fn of(pk: &[Package]) -> JobProgress {
        let done = pk.iter().filter(|p| p.status == PackageStatus::Stored).count();
        let cancelled = pk
            .iter()
            .filter(|p| matches!(p.status, PackageStatus::Cancelled | PackageStatus::Voided))
            .count();
        let failures: Vec<(i64, String)> = pk
            .iter()
            .filter(|p| p.status == PackageStatus::Failed)
            .map(|p| (p.id, p.error_message.clone().unwrap_or_default()))
            .collect();
        JobProgress {
            total: pk.len(),
            done,
            failed: failures.len(),
            cancelled,
            remaining: pk.len() - done - failures.len() - cancelled,
            failures,
            retries: pk.iter().map(|p| p.api_retries).sum(),
            last_retry: pk
                .iter()
                .filter(|p| p.api_retries > 0)
                .max_by_key(|p| p.updated_at)
                .and_then(|p| p.last_retry.clone()),
        }
    }
}

/// The most orders one "buy labels for all matching" takes (a job TikTok's rate limit buys in
/// well under an hour).
pub const MAX_MATCHING: usize = 20_000;

impl Labels {
    /// The label service over this database, gateway and store.
    pub fn new(pool: DbPool, tiktok: TikTokGateway, store: LabelStore, artwork: Artworks) -> Labels {
        Labels {
            pool,
            tiktok,
            store,
            artwork,
            running: Arc::default(),
        }
    }

    /// Buys labels for orders: plans the job ([`Labels::plan`]) and starts buying it in the
    /// background; the job page shows its progress.
    pub async fn start(&self, actor: &Actor, order_ids: Vec<i64>) -> Result<Started, DomainError> {
        let started = self.plan(actor, order_ids).await?;
        if let Some(job_id) = started.job_id {
            self.spawn(job_id);
        }
        Ok(started)
    }

    /// Buys labels for every order the orders list's filter matches, as one job, once the
    /// seller confirmed how many (`expected`): if the list changed meanwhile (orders arrived,
    /// shipped or were cancelled), nothing is bought and the seller is asked to look again.
    pub async fn start_matching(
        &self,
        actor: &Actor,
        filter: order::ListFilter,
        expected: usize,
    ) -> Result<Started, DomainError> {
        let ws = super::seller_workspace(actor)?;
        let ids = self
            .pool
            .query(move |c| order::matching_ids(c, ws, &filter, MAX_MATCHING as i64 + 1))
            .await?;
        if ids.len() > MAX_MATCHING {
            return Err(DomainError::Conflict(format!(
                "More than {MAX_MATCHING} orders match: narrow the filter (a shop, a supplier, a ship-by window) and buy in parts."
            )));
        }
        if ids.len() != expected {
            return Err(DomainError::Conflict(format!(
                "{} orders match this filter now, not the {expected} you confirmed: nothing was bought. Look at the count again and confirm.",
                ids.len()
            )));
        }
        self.start(actor, ids).await
    }

    /// Records a label job for orders: one intent per planned package, nothing bought yet.
    /// Orders that cannot get a label now are skipped with the reason; units that already have
    /// a package are never planned again (a double submit plans nothing new, and names the job
    /// already buying them). A purchase that plans nothing leaves no job.
    pub async fn plan(&self, actor: &Actor, mut order_ids: Vec<i64>) -> Result<Started, DomainError> {
        let ws = actor.workspace_id.ok_or(DomainError::NotFound)?;
        let mut seen = HashSet::new();
        order_ids.retain(|id| seen.insert(*id));
        let by = actor.label.clone();
        // Fetched before the transaction: the checks may wait on other servers.
        let mut artwork = self.artwork_problems(ws, &order_ids).await?;
        self.pool
            .run(move |conn| {
                crate::db::write_tx(conn, |conn| {
                    let job_id = package::create_job(conn, ws, &by)?;
                    let mut s = Started {
                        job_id: Some(job_id),
                        ..Started::default()
                    };
                    // Read in chunks (orders, units, units already held), the catalog once:
                    // a few queries per 500 orders instead of several per order.
                    let catalog = Catalog::load(conn, ws)?;
                    let reroute = pass::router_while_pending(conn, ws)?;
                    for chunk in order_ids.chunks(PLAN_CHUNK) {
                        if let Some(router) = &reroute {
                            route_some(conn, router, chunk)?;
                        }
                        let found = order::find_many_in_workspace(conn, ws, chunk)?;
                        let mut items = plan_items(conn, chunk)?;
                        let mut held_units = package::held_units_by_order(conn, chunk)?;
                        for &oid in chunk {
                            let Some(o) = found.get(&oid) else {
                                s.skipped
                                    .push(Skipped::new(oid, "", "not an order of this workspace"));
                                continue;
                            };
                            let p = plan_of(items.remove(&oid).unwrap_or_default(), &catalog);
                            let taken = held_units.remove(&oid).unwrap_or_default();
                            let art = artwork.remove(&oid);
                            plan_order(conn, job_id, o, p, &taken, art, &mut s)?;
                        }
                    }
                    if s.planned == 0 {
                        package::delete_job(conn, job_id)?;
                        s.job_id = None;
                    }
                    Ok(s)
                })
            })
            .await
    }

    /// Runs a job to the end with up to `concurrency` packages in flight.
    pub async fn run(&self, job_id: i64, concurrency: usize) -> Result<JobProgress, DomainError> {
        let mut set = tokio::task::JoinSet::new();
        loop {
            let ids = self
                .pool
                .query(move |c| package::claimable(c, job_id, 500))
                .await?;
            if ids.is_empty() && set.is_empty() {
                // Packages backing off, or held by another process, are waited for.
                let left = self.pool.query(move |c| package::unfinished(c, job_id)).await?;
                if left == 0 {
                    break;
                }
                // Held by a process of this machine that died: take them over now.
                let freed = self
                    .pool
                    .run(move |c| {
                        Ok::<_, DomainError>(package::release_gone(
                            c,
                            job_id,
                            &super::leases::holder_is_gone,
                        )?)
                    })
                    .await?;
                if freed == 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                continue;
            }
            for id in ids {
                while set.len() >= concurrency.max(1) {
                    let _ = set.join_next().await;
                }
                let me = self.clone();
                set.spawn(async move { me.buy_one(id).await });
            }
            if let Some(r) = set.join_next().await {
                if let Ok(Err(e)) = r {
                    tracing::warn!(error = %e, "label purchase step failed");
                }
            } else {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
        self.pool.query(move |c| package::finish_job(c, job_id)).await?;
        self.progress(job_id).await
    }

    /// Counts a job's packages by outcome.
    pub async fn progress(&self, job_id: i64) -> Result<JobProgress, DomainError> {
        let pk = self.pool.query(move |c| package::of_job(c, job_id)).await?;
        Ok(JobProgress::of(&pk))
    }
}

/// Orders read per query when planning a purchase.
const PLAN_CHUNK: usize = 500;

/// Plans one order of a purchase: skipped with the reason when it cannot get a label now, else
/// one intent per package whose units are not already held by another.
fn plan_order(
    conn: &mut crate::db::AnyConnection,
    job_id: i64,
    o: &order::Order,
    p: crate::domain::routing::Plan,
    taken: &HashSet<i64>,
    artwork: Option<Vec<String>>,
    s: &mut Started,
) -> Result<(), DomainError> {
    let (oid, tt) = (o.id, o.tiktok_order_id.as_str());
    if !matches!(o.status.as_str(), "AWAITING_SHIPMENT" | "PARTIALLY_SHIPPING") {
        s.skipped.push(Skipped::new(
            oid,
            tt,
            format!(
                "the order is {}; TikTok sells labels only for orders awaiting shipment",
                o.status
            ),
        ));
        return Ok(());
    }
    if !p.unrouted.is_empty() {
        s.skipped.push(Skipped::new(
            oid,
            tt,
            "some units have no supplier: add a SKU rule",
        ));
        return Ok(());
    }
    if let Some(problems) = artwork.filter(|p| !p.is_empty()) {
        let more = match problems.len() {
            1 => String::new(),
            n => format!(" ({} more artwork problems on the order's page)", n - 1),
        };
        s.skipped
            .push(Skipped::new(oid, tt, format!("{}{more}", problems[0])));
        return Ok(());
    }
    let mut held = 0;
    let packages = p.packages.len();
    for pk in p.packages {
        if pk.item_ids.iter().any(|i| taken.contains(i)) {
            held += 1;
            continue;
        }
        let (Some(w), Some((l, wi, h))) = (pk.weight_grams, pk.dimensions_in) else {
            s.skipped.push(Skipped::new(
                oid,
                tt,
                format!("the package for {} lacks weight or size", pk.supplier_name),
            ));
            continue;
        };
        let new = NewPackage {
            workspace_id: o.workspace_id,
            job_id,
            order_id: oid,
            supplier_id: pk.supplier_id,
            item_ids: pk.item_ids.clone(),
            weight_grams: w,
            dimensions: format!("{l}x{wi}x{h}"),
        };
        if package::record_intent(conn, &new)?.is_some() {
            s.planned += 1;
        }
    }
    if held > 0 && held == packages {
        s.skipped.push(Skipped::new(
            oid,
            tt,
            "its labels are already bought or being bought",
        ));
        s.already_in = package::job_holding_order(conn, oid)?.or(s.already_in);
    }
    Ok(())
}
