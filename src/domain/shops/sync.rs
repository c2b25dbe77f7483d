//! Order sync: incremental polling by `update_time` with an overlap window (so nothing is
//! missed when webhooks are lost or arrive out of order), webhooks applied in the background
//! and de-duplicated, idempotent upserts, and a timeline entry for every change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::db::AnyConnection;
use crate::db::models::order::{self, Upserted};
use crate::db::models::shop::Shop;
use crate::db::models::webhook;
use tiktok::types::{Order as TtOrder, OrderSearch, WebhookEvent};
use tiktok::{ApiError, ErrorClass, RetryLog};

use super::Shops;
use crate::domain::DomainError;

/// Polling restarts this many seconds before the newest `update_time` seen.
pub const OVERLAP_SECS: i64 = 300;
/// Orders per search page.
pub const PAGE_SIZE: u32 = 100;

/// Live progress of one shop's sync, shown in the browser.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SyncProgress {
    pub running: bool,
    pub pages: u64,
    pub fetched: u64,
    pub total: u64,
    pub created: u64,
    pub changed: u64,
    pub started_at: i64,
    pub finished_at: i64,
    pub error: Option<String>,
    /// API calls repeated (rate limits, server errors, timeouts) and why the last one was.
    pub retries: u64,
    pub last_retry: Option<String>,
    /// Another podgate process (sharing the database) was syncing the shop, so this one left
    /// it alone; the seller is told rather than shown nothing.
    pub elsewhere: bool,
}

/// Progress of every shop's sync in this process.
#[derive(Clone, Default)]
pub struct SyncRegistry(Arc<Mutex<HashMap<i64, SyncProgress>>>);

impl SyncRegistry {
    /// A copy of one shop's progress.
    pub fn get(&self, shop_id: i64) -> Option<SyncProgress> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&shop_id)
            .cloned()
    }

    /// Claims the shop for a sync; false when one is already running.
    fn start(&self, shop_id: i64) -> bool {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let p = m.entry(shop_id).or_default();
        if p.running {
            return false;
        }
        *p = SyncProgress {
            running: true,
            started_at: chrono::Utc::now().timestamp(),
            ..SyncProgress::default()
        };
        true
    }

    fn update(&self, shop_id: i64, f: impl FnOnce(&mut SyncProgress)) {
        f(self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(shop_id)
            .or_default());
    }
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub created: u64,
    pub changed: u64,
    pub unchanged: u64,
}

/// Applies TikTok's copies of orders in one transaction, recording every change on the order.
pub fn apply_orders(
    conn: &mut AnyConnection,
    shop: &Shop,
    orders: &[TtOrder],
    source: &str,
) -> Result<Applied, DomainError> {
    crate::db::write_tx(conn, |conn| {
        let mut a = Applied::default();
        crate::domain::routing::lock_workspace_routing(conn, shop.workspace_id)?;
        let router = crate::domain::routing::Router::load(conn, shop.workspace_id)?;
        let calendar = crate::domain::dispatch::calendar_of(&crate::db::models::workspace::Workspace::find(
            conn,
            shop.workspace_id,
        )?);
        for o in orders {
            let upserted = order::upsert_from_tiktok(conn, shop.workspace_id, shop.id, o)?;
            match &upserted {
                Upserted::Created(id) | Upserted::StatusChanged(id, ..) | Upserted::Refreshed(id) => {
                    crate::domain::routing::route_order(conn, &router, *id)?;
                    crate::domain::dispatch::on_order_synced(conn, &calendar, *id, o)?;
                }
                Upserted::Stale(_) => {}
            }
            match upserted {
                Upserted::Created(id) => {
                    a.created += 1;
                    order::add_event(
                        conn,
                        id,
                        "imported",
                        &format!("Imported from TikTok as {} ({source})", o.status),
                        "podgate",
                        "system",
                    )?;
                }
                Upserted::StatusChanged(id, from, to) => {
                    a.changed += 1;
                    // A cancelled order's labels leave the dispatch queue.
                    crate::db::models::scorecard::touch_order(conn, id)?;
                    order::add_event(
                        conn,
                        id,
                        "status",
                        &format!("{from} → {to} ({source})"),
                        "tiktok",
                        "system",
                    )?;
                    let held = if to == "CANCELLED" {
                        crate::domain::batches::handoff::hold_cancelled_order(conn, id)?
                    } else {
                        0
                    };
                    if to == "CANCELLED"
                        && (held > 0 || o.line_items.iter().any(|li| li.tracking_number.is_some()))
                    {
                        let msg = "Cancelled after its label was bought: keep it out of handoff and void the label.";
                        order::set_exception(conn, id, Some(msg))?;
                        order::add_event(conn, id, "exception", msg, "podgate", "system")?;
                    }
                }
                Upserted::Refreshed(_) | Upserted::Stale(_) => a.unchanged += 1,
            }
        }
        Ok(a)
    })
}

/// Whether the shop must be reconnected: a configuration error (app secret, clock, version)
/// is podgate's to fix and says so instead.
fn is_authorization_problem(e: &ApiError) -> bool {
    e.needs_reauthorization() || e.class == ErrorClass::ExpiredToken
}

impl Shops {
    /// Syncs one shop: every order updated since the cursor (minus the overlap), page by page.
    /// Returns None when a sync of this shop is already running.
    pub async fn sync_shop(
        &self,
        registry: &SyncRegistry,
        shop_id: i64,
    ) -> Result<Option<Applied>, DomainError> {
        if !registry.start(shop_id) {
            return Ok(None);
        }
        // Another process on the same database may be syncing this shop: leave it to it.
        let held = match crate::domain::leases::take(&self.pool, format!("shop:{shop_id}:sync")).await {
            Ok(Some(h)) => h,
            other => {
                registry.update(shop_id, |p| {
                    p.running = false;
                    p.elsewhere = other.is_ok();
                    p.error = other.as_ref().err().map(ToString::to_string);
                    p.finished_at = chrono::Utc::now().timestamp();
                });
                return other.map(|_| None);
            }
        };
        let log = Arc::new(RetryLog::default());
        let result = log.scope(self.sync_pages(registry, shop_id, &log)).await;
        held.release().await;
        let error = result.as_ref().err().map(ToString::to_string);
        registry.update(shop_id, |p| {
            p.retries = log.count();
            p.last_retry = log.last();
            p.running = false;
            p.finished_at = chrono::Utc::now().timestamp();
            p.error = error;
        });
        result.map(Some)
    }

    async fn sync_pages(
        &self,
        registry: &SyncRegistry,
        shop_id: i64,
        log: &RetryLog,
    ) -> Result<Applied, DomainError> {
        let shop = self.pool.query(move |conn| Shop::find(conn, shop_id)).await?;
        let key = shop.connection_id.to_string();
        let api = self.tiktok.seller(&key).shop(&shop.cipher);
        let filter = OrderSearch {
            update_time_ge: Some((shop.sync_cursor - OVERLAP_SECS).max(0)),
            ..OrderSearch::default()
        };
        let mut token: Option<String> = None;
        let mut total = Applied::default();
        let mut cursor = shop.sync_cursor;
        loop {
            let page = match api
                .search_orders_page(&filter, PAGE_SIZE, token.as_deref(), "update_time")
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    let broken = is_authorization_problem(&e);
                    let msg = format!("{} (code {}). {}", e.message, e.code, e.advice());
                    let m2 = msg.clone();
                    self.pool
                        .run(move |conn| {
                            Ok::<_, DomainError>(Shop::record_sync(conn, shop_id, Err((&m2, broken)))?)
                        })
                        .await?;
                    return Err(DomainError::Conflict(msg));
                }
            };
            cursor = page
                .orders
                .iter()
                .map(|o| o.update_time)
                .max()
                .unwrap_or(cursor)
                .max(cursor);
            let n = page.orders.len() as u64;
            let shop2 = shop.clone();
            let orders = page.orders;
            let applied = self
                .pool
                .run(move |conn| apply_orders(conn, &shop2, &orders, "sync"))
                .await?;
            total.created += applied.created;
            total.changed += applied.changed;
            total.unchanged += applied.unchanged;
            registry.update(shop_id, |p| {
                p.pages += 1;
                p.fetched += n;
                p.total = page.total_count.max(0) as u64;
                p.created = total.created;
                p.changed = total.changed;
                p.retries = log.count();
                p.last_retry = log.last();
            });
            if page.next_page_token.is_empty() || n == 0 {
                break;
            }
            token = Some(page.next_page_token);
        }
        self.pool
            .query(move |conn| Shop::record_sync(conn, shop_id, Ok(cursor)))
            .await?;
        Ok(total)
    }

    /// Checks and records a webhook; returns the event to process, or None for a duplicate.
    /// Refuses a bad signature. Cheap, so the HTTP answer goes out well within 3 seconds.
    pub async fn accept_webhook(
        &self,
        body: &[u8],
        authorization: &str,
    ) -> Result<Option<WebhookEvent>, DomainError> {
        if !self.tiktok.client.verify_webhook(body, authorization) {
            return Err(DomainError::Forbidden("bad webhook signature".into()));
        }
        let event: WebhookEvent = serde_json::from_slice(body)
            .map_err(|e| DomainError::invalid("body", format!("not a TikTok webhook: {e}")))?;
        // TikTok's id when present; otherwise what identifies the change itself.
        let key = if event.tts_notification_id.is_empty() {
            format!(
                "{}:{}:{}:{}",
                event.shop_id, event.kind, event.data["order_id"], event.data["update_time"]
            )
        } else {
            event.tts_notification_id.clone()
        };
        let (shop, kind, text) = (
            event.shop_id.clone(),
            event.kind,
            String::from_utf8_lossy(body).into_owned(),
        );
        let fresh = self
            .pool
            .query(move |conn| webhook::record_once(conn, &key, &shop, kind, &text))
            .await?;
        Ok(fresh.then_some(event))
    }

    /// Applies a webhook: re-reads the orders it names (webhooks are hints, TikTok's order
    /// detail is the truth).
    pub async fn process_webhook(&self, event: &WebhookEvent) -> Result<Applied, DomainError> {
        let mut ids: Vec<String> = Vec::new();
        if let Some(id) = event.data["order_id"].as_str() {
            ids.push(id.to_string());
        }
        if let Some(list) = event.data["package_list"].as_array() {
            for p in list {
                for o in p["order_id_list"].as_array().into_iter().flatten() {
                    if let Some(id) = o.as_str() {
                        ids.push(id.to_string());
                    }
                }
            }
        }
        let tiktok_shop = event.shop_id.clone();
        let shops = self
            .pool
            .query(move |conn| Shop::find_by_tiktok_id(conn, &tiktok_shop))
            .await?;
        let mut total = Applied::default();
        for shop in shops {
            if ids.is_empty() {
                continue;
            }
            let key = shop.connection_id.to_string();
            let orders = self
                .tiktok
                .seller(&key)
                .shop(&shop.cipher)
                .order_details(&ids)
                .await
                .map_err(|e| crate::domain::gateway::api_error("reading the order", &e))?;
            let a = self
                .pool
                .run(move |conn| apply_orders(conn, &shop, &orders, "webhook"))
                .await?;
            total.created += a.created;
            total.changed += a.changed;
            total.unchanged += a.unchanged;
        }
        let key = event.tts_notification_id.clone();
        if !key.is_empty() {
            self.pool
                .query(move |conn| webhook::mark_processed(conn, &key))
                .await?;
        }
        Ok(total)
    }

    /// Polls every active shop on an interval until shutdown.
    pub async fn poll_loop(self, registry: SyncRegistry, every: Duration, stop: CancellationToken) {
        loop {
            match self.pool.query(Shop::list_active).await {
                Ok(shops) => {
                    for s in shops {
                        if stop.is_cancelled() {
                            return;
                        }
                        if let Err(e) = self.sync_shop(&registry, s.id).await {
                            tracing::warn!(shop = s.id, error = %e, "sync failed");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "listing shops to sync failed"),
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }
}
