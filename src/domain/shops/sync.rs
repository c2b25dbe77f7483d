//! Order sync: incremental polling by `update_time` with an overlap window (so nothing is
//! missed when webhooks are lost or arrive out of order), webhooks applied in the background
//! and de-duplicated, idempotent upserts, and a timeline entry for every change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::db::models::shop::Shop;
use crate::db::models::webhook;
use tiktok::types::WebhookEvent;
use tiktok::{ApiError, ErrorClass, RetryLog};

use super::Shops;
pub use super::apply::{Applied, apply_orders};
use crate::domain::DomainError;

/// Polling restarts this many seconds before the newest `update_time` seen.
pub const OVERLAP_SECS: i64 = 300;
/// Orders per search page.
pub const PAGE_SIZE: u32 = 100;
/// Orders the sync's writer applies in one transaction when pages wait for it.
const WRITE_AT_MOST: usize = 1000;

/// A sync that created this many orders refreshes the planner's statistics when it ends
/// ([`crate::db::refresh_order_statistics`]): a first sync, or a large catch-up.
pub const STATISTICS_AFTER_CREATED: u64 = 1000;

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

    /// Pages every order updated since the cursor (minus the overlap) through
    /// [`windows`](super::windows) fetchers, applying each page in its own transaction as it
    /// arrives (one writer, so pages never wait on each other's locks). The cursor moves only
    /// when every window was read to its end.
    async fn sync_pages(
        &self,
        registry: &SyncRegistry,
        shop_id: i64,
        log: &RetryLog,
    ) -> Result<Applied, DomainError> {
        let shop = self.pool.query(move |conn| Shop::find(conn, shop_id)).await?;
        let key = shop.connection_id.to_string();
        let api = self.tiktok.seller(&key).shop(&shop.cipher);
        let plan = Mutex::new(super::windows::Plan::new(
            (shop.sync_cursor - OVERLAP_SECS).max(0),
            chrono::Utc::now().timestamp(),
        ));
        let (pages_tx, pages) = tokio::sync::mpsc::channel::<super::windows::Page>(4);
        let fetching = super::windows::fetch(&api, &plan, pages_tx);
        let writing = async {
            // Owned here, so a writer that fails stops the fetchers (their sends fail).
            let mut pages = pages;
            let mut total = Applied::default();
            let mut cursor = shop.sync_cursor;
            let mut first = true;
            let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
            while let Some(page) = pages.recv().await {
                // Pages that arrived meanwhile go in the same transaction: fewer commits, and
                // each index page rewritten once for several pages' rows.
                let sync_total = page.total;
                let mut orders = page.orders;
                let mut count = 1;
                while orders.len() < WRITE_AT_MOST
                    && let Ok(more) = pages.try_recv()
                {
                    orders.extend(more.orders);
                    count += 1;
                }
                cursor = orders.iter().map(|o| o.update_time).fold(cursor, i64::max);
                // Windows overlap by the orders at their edges: the seller is shown orders, not
                // copies read.
                seen.extend(orders.iter().map(|o| o.id.clone()));
                let shop2 = shop.clone();
                let applied = self
                    .pool
                    .run(move |conn| apply_orders(conn, &shop2, &orders, "sync"))
                    .await?;
                total.add(&applied);
                registry.update(shop_id, |p| {
                    p.pages += count;
                    p.fetched = seen.len() as u64;
                    if first {
                        p.total = sync_total;
                    }
                    p.created = total.created;
                    p.changed = total.changed;
                    p.retries = log.count();
                    p.last_retry = log.last();
                });
                first = false;
            }
            Ok::<_, DomainError>((total, cursor))
        };
        let (fetched, written) = tokio::join!(fetching, writing);
        let (total, cursor) = written?;
        if let Err(e) = fetched {
            let broken = is_authorization_problem(&e);
            let msg = format!("{} (code {}). {}", e.message, e.code, e.advice());
            let m2 = msg.clone();
            self.pool
                .run(move |conn| Ok::<_, DomainError>(Shop::record_sync(conn, shop_id, Err((&m2, broken)))?))
                .await?;
            return Err(DomainError::Conflict(msg));
        }
        self.pool
            .query(move |conn| Shop::record_sync(conn, shop_id, Ok(cursor)))
            .await?;
        if total.created >= STATISTICS_AFTER_CREATED {
            let refreshed = self.pool.query(crate::db::refresh_order_statistics).await;
            if let Err(e) = refreshed {
                tracing::warn!(shop_id, error = %e, "refreshing the planner's statistics failed");
            }
        }
        if total.created > 0 {
            self.artwork.spawn_check_ahead(shop.workspace_id);
        }
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
            let ws = shop.workspace_id;
            let a = self
                .pool
                .run(move |conn| apply_orders(conn, &shop, &orders, "webhook"))
                .await?;
            if a.created > 0 {
                self.artwork.spawn_check_ahead(ws);
            }
            total.add(&a);
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
