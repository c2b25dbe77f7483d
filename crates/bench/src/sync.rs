//! `podgate bench sync`: a shop's first sync of N orders from an in-process sandbox that adds
//! latency to every call and answers HTTP 429 above the per-API limit, through the same code
//! path as the "Sync now" button. The floor is what the limit allows: 100 orders a page at
//! `rate_limit` pages a second; the figure is the sync's rate as a share of that floor.

use std::time::Instant;

use tiktok_sandbox::{SandboxConfig, faults::FaultSettings, world::WorldSettings};

use crate::figures::round;

/// Options of the sync benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct SyncBench {
    /// Orders in the sandbox shop.
    #[arg(long, default_value_t = 100_000)]
    pub orders: usize,
    /// Added latency per API call, in milliseconds.
    #[arg(long, default_value_t = 150)]
    pub latency_ms: u64,
    /// Requests per second per API per shop (the sandbox answers 429 above it).
    #[arg(long, default_value_t = 50)]
    pub rate_limit: u32,
    /// Database URL (default: an SQLite file in a temporary folder).
    #[arg(long)]
    pub database_url: Option<String>,
}

/// Runs the benchmark and returns its figures.
pub async fn run(opts: SyncBench) -> anyhow::Result<serde_json::Value> {
    let dir = tempfile::tempdir()?;
    let sb = tiktok_sandbox::spawn(SandboxConfig {
        listen: "127.0.0.1:0".parse()?,
        world: WorldSettings {
            initial_orders: opts.orders,
            orders_per_minute: 0.0,
            rate_limit_per_sec: opts.rate_limit,
            ..WorldSettings::default()
        },
        faults: FaultSettings {
            latency_ms: opts.latency_ms,
            ..FaultSettings::default()
        },
        ..SandboxConfig::default()
    })
    .await?;
    let (prepared, services) = crate::setup::podgate_for(
        &sb,
        dir.path(),
        opts.rate_limit,
        None,
        opts.database_url.as_deref(),
    )?;
    let owner = podgate_testkit::world::owner(&prepared.pool).await?;
    let shops = podgate_testkit::world::connect_shop(&sb, &services, &owner).await?;
    let in_sandbox = sb.sandbox.state().orders_by_status.values().sum::<u64>() as i64;
    let calls_before = sb.sandbox.state().calls.get("order_search").copied().unwrap_or(0);
    eprintln!(
        "first sync of {in_sandbox} orders ({} ms per call, {} requests/s per API)…",
        opts.latency_ms, opts.rate_limit
    );
    let t = Instant::now();
    let shop_id = shops[0].id;
    // The seller's progress bar, sampled: when a tenth of the orders were in, and so on.
    let sampler = {
        let registry = services.sync.clone();
        tokio::spawn(async move {
            let mut marks = Vec::new();
            let mut next = 0.1;
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                let p = registry.get(shop_id).unwrap_or_default();
                while p.total > 0 && p.fetched as f64 >= next * p.total as f64 && next < 1.0 {
                    marks.push(round(t.elapsed().as_secs_f64(), 1));
                    next += 0.1;
                }
                if !p.running && p.finished_at > 0 {
                    return marks;
                }
            }
        })
    };
    let applied = services
        .shops
        .sync_shop(&services.sync, shop_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the shop's sync was already running"))?;
    let seconds = t.elapsed().as_secs_f64();
    let marks = sampler.await?;
    eprintln!("seconds to each tenth of the orders: {marks:?}");
    let state = sb.sandbox.state();
    let searches = state.calls.get("order_search").copied().unwrap_or(0) - calls_before;
    let rate_limited = state
        .errors
        .get(&tiktok::codes::TOO_MANY_REQUESTS.to_string())
        .copied()
        .unwrap_or(0);
    let loaded = prepared
        .pool
        .run(|c| Ok::<_, podgate::domain::DomainError>(podgate::db::models::order::count(c, 1)?))
        .await?;
    anyhow::ensure!(
        loaded == in_sandbox,
        "the sync loaded {loaded} of the sandbox's {in_sandbox} orders"
    );
    let progress = services.sync.get(shops[0].id).unwrap_or_default();
    let per_s = loaded as f64 / seconds;
    let floor = f64::from(opts.rate_limit) * f64::from(podgate::domain::shops::sync::PAGE_SIZE);
    eprintln!(
        "{loaded} orders in {seconds:.1} s: {per_s:.0} orders/s, floor {floor:.0} (ratio {:.2}); \
         {searches} searches, {rate_limited} answered 429, {} retries",
        per_s / floor,
        progress.retries
    );
    Ok(serde_json::json!({
        "orders": loaded,
        "created": applied.created,
        "seconds": round(seconds, 2),
        "orders_per_s": round(per_s, 0),
        "floor_orders_per_s": floor,
        "ratio_to_floor": round(per_s / floor, 3),
        "latency_ms": opts.latency_ms,
        "rate_limit": opts.rate_limit,
        "searches": searches,
        "rate_limited": rate_limited,
        "retries": progress.retries,
        "seconds_to_each_tenth": marks,
        "database": if opts.database_url.is_some() { "postgresql" } else { "sqlite" },
    }))
}
