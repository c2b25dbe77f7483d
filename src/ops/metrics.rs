//! `/metrics` in Prometheus's text format: what the database says every node shares (label
//! jobs, packages, mail, leases per node, sync lag) and what this process counts itself (TikTok
//! retries by endpoint and class, SFTP connections open). Built anew per scrape from one
//! snapshot, so nothing is kept between scrapes and two nodes agree on the shared figures.

use std::sync::atomic::{AtomicI64, Ordering};

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::db::models::ops::OpsSnapshot;
use crate::db::{DbError, DbPool};

/// How long the last readiness probe of the shared bucket took, in microseconds (-1: none yet).
static STORE_PROBE_MICROS: AtomicI64 = AtomicI64::new(-1);

/// Records how long a probe of the shared bucket (a write, a read and a delete) took.
pub fn store_probe_took(took: std::time::Duration) {
    STORE_PROBE_MICROS.store(took.as_micros() as i64, Ordering::Relaxed);
}

/// SFTP connections this process has open.
static SFTP_CONNECTIONS: AtomicI64 = AtomicI64::new(0);

/// Counts one SFTP connection while it lives.
pub struct SftpConnection(());

impl SftpConnection {
    pub fn open() -> SftpConnection {
        SFTP_CONNECTIONS.fetch_add(1, Ordering::Relaxed);
        SftpConnection(())
    }
}

impl Drop for SftpConnection {
    fn drop(&mut self) {
        SFTP_CONNECTIONS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The content type of the text format.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

type ByLabel = Family<Vec<(String, String)>, Gauge>;

/// Reads the database's snapshot and renders every metric.
pub async fn render(pool: &DbPool, node: &str) -> Result<String, DbError> {
    let snapshot = pool.query(crate::db::models::ops::snapshot).await?;
    Ok(encode_all(&snapshot, node))
}

fn encode_all(s: &OpsSnapshot, node: &str) -> String {
    let mut registry = Registry::with_prefix("podgate");
    grouped(
        &mut registry,
        "label_jobs",
        "Label purchase jobs, by status",
        "status",
        &s.label_jobs,
    );
    grouped(
        &mut registry,
        "packages",
        "Packages, by the state of their label",
        "status",
        &s.packages,
    );
    grouped(
        &mut registry,
        "mail",
        "Mail in the outbox, by status",
        "status",
        &s.mail,
    );
    grouped(
        &mut registry,
        "leases",
        "Leases held, by holding process (node)",
        "holder",
        &s.leases,
    );

    let shops = Gauge::<i64>::default();
    shops.set(s.shops);
    registry.register("shops_active", "Active shops", shops);
    let failing = Gauge::<i64>::default();
    failing.set(s.shops_failing);
    registry.register(
        "shops_sync_failing",
        "Active shops whose last sync failed",
        failing,
    );
    let lag = Gauge::<i64>::default();
    lag.set(s.sync_lag_max_secs.unwrap_or(0));
    registry.register(
        "sync_lag_max_seconds",
        "Seconds since the stalest active shop last synced",
        lag,
    );

    let retries = Family::<Vec<(String, String)>, Counter>::default();
    for ((endpoint, class), n) in tiktok::retries::retries_by_class() {
        retries
            .get_or_create(&vec![("api".into(), endpoint), ("class".into(), class.into())])
            .inc_by(n);
    }
    registry.register(
        "tiktok_retries",
        "TikTok calls repeated by this node, by API and error class",
        retries,
    );

    let sftp = Family::<Vec<(String, String)>, Gauge>::default();
    sftp.get_or_create(&vec![("node".into(), node.into())])
        .set(SFTP_CONNECTIONS.load(Ordering::Relaxed));
    registry.register("sftp_connections", "SFTP connections open on this node", sftp);

    let probe = STORE_PROBE_MICROS.load(Ordering::Relaxed);
    if probe >= 0 {
        let took = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        took.set(probe as f64 / 1e6);
        registry.register(
            "store_probe_seconds",
            "How long the last readiness probe of the shared bucket took (write, read, delete)",
            took,
        );
    }

    store_operations(&mut registry);

    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = encode(&mut out, &registry);
    out
}

fn grouped(registry: &mut Registry, name: &str, help: &str, label: &str, rows: &[(String, i64)]) {
    let family = ByLabel::default();
    for (value, n) in rows {
        family.get_or_create(&vec![(label.into(), value.clone())]).set(*n);
    }
    registry.register(name, help, family);
}

/// The shared bucket's operations from this node: how many, how many failed, and their
/// seconds in all (mean latency = rate of the seconds / rate of the count).
fn store_operations(registry: &mut Registry) {
    let totals = crate::storage::stats::totals();
    if totals.is_empty() {
        return;
    }
    let count = Family::<Vec<(String, String)>, Counter>::default();
    let failed = Family::<Vec<(String, String)>, Counter>::default();
    let seconds = Family::<Vec<(String, String)>, Counter<f64, std::sync::atomic::AtomicU64>>::default();
    for t in totals {
        let label = vec![("op".to_string(), t.op.as_str().to_string())];
        count.get_or_create(&label).inc_by(t.count);
        failed.get_or_create(&label).inc_by(t.failed);
        seconds.get_or_create(&label).inc_by(t.seconds);
    }
    registry.register(
        "store_operations",
        "Operations on the shared bucket from this node, by kind",
        count,
    );
    registry.register(
        "store_failures",
        "Operations on the shared bucket that failed, by kind",
        failed,
    );
    registry.register(
        "store_operation_seconds",
        "Seconds the shared bucket took to answer this node, in all, by kind",
        seconds,
    );
}
