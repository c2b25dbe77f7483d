//! `podgate bench labels`: buys N labels from an in-process sandbox with added latency per call
//! and a per-API rate limit, through the same code path as the web action, and compares the rate
//! with the floor the rate limit allows (each label needs one call to each of three APIs, and each
//! API has its own per-shop budget, so the best possible rate is the limit itself).

use anyhow::Context;
use std::time::Instant;

use podgate::db::models::audit::{Actor, Channel};
use podgate::domain::DomainError;
use tiktok_sandbox::{SandboxConfig, faults::FaultSettings, world::WorldSettings};

/// Options of the labels benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct LabelsBench {
    /// Labels to buy.
    #[arg(long, default_value_t = 1000)]
    pub count: usize,
    /// Added latency per API call, in milliseconds.
    #[arg(long, default_value_t = 50)]
    pub latency_ms: u64,
    /// Requests per second per API per shop.
    #[arg(long, default_value_t = 50)]
    pub rate_limit: u32,
    /// Packages in flight at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Shops the labels are spread over, one job for all (each shop has its own budget).
    #[arg(long, default_value_t = 1)]
    pub shops: usize,
    /// `podgate serve` processes buying together (more than 1 needs `--database-url` of an
    /// empty PostgreSQL database; with `PODGATE_STORAGE__URL` and its keys set, they share
    /// that bucket too). 1: bought in this process.
    #[arg(long, default_value_t = 1)]
    pub nodes: usize,
    /// Database URL (default: an SQLite file in a temporary folder).
    #[arg(long)]
    pub database_url: Option<String>,
    /// Where the nodes keep each shop's TikTok budget (`database`: shared; `process`: each its
    /// own, to see what sharing it prevents).
    #[arg(long, default_value = "database")]
    pub node_budget: String,
}

/// A seller with a connected sandbox shop full of orders, one supplier routing every SKU, and
/// the orders ready for labels: what the label and seal benchmarks start from.
pub struct SellerWorld {
    pub dir: tempfile::TempDir,
    pub sb: tiktok_sandbox::SandboxHandle,
    pub services: podgate::services::Services,
    pub actor: Actor,
    pub orders: Vec<i64>,
}

/// Builds a [`SellerWorld`] with `count` orders ready for a label.
pub async fn seller_world(opts: &LabelsBench) -> anyhow::Result<SellerWorld> {
    let dir = tempfile::tempdir()?;
    let sb = tiktok_sandbox::spawn(SandboxConfig {
        listen: "127.0.0.1:0".parse()?,
        world: WorldSettings {
            initial_orders: opts.count / opts.shops.max(1) + opts.count / 5 + 20,
            shops: opts.shops.max(1),
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
    let pool = prepared.pool.clone();
    let owner = podgate_testkit::world::owner(&pool).await?;
    let actor = Actor::user(&owner, None, Channel::Cli);
    let shops = podgate_testkit::world::connect_shop(&sb, &services, &owner).await?;
    podgate_testkit::world::supplier(&pool, &owner, "Bench Factory").await?;
    let csv =
        "pattern,match,supplier,weight_g,length_in,width_in,height_in\n*,glob,Bench Factory,400,10,8,2\n";
    podgate::domain::catalog::import(&pool, &actor, csv.as_bytes().to_vec()).await?;
    // Loading orders is not part of the measurement; lift the latency meanwhile.
    let set_latency = |ms| {
        sb.sandbox
            .world
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .faults
            .global
            .latency_ms = ms
    };
    set_latency(0);
    for shop in &shops {
        services.shops.sync_shop(&services.sync, shop.id).await?;
    }
    set_latency(opts.latency_ms);
    // The same number from each shop.
    let per_shop = (opts.count / shops.len()) as i64;
    let mut orders: Vec<i64> = Vec::with_capacity(opts.count);
    for shop in &shops {
        let shop = shop.id;
        orders.extend(
            pool.run(move |c| {
                use diesel::prelude::*;
                use podgate::db::schema::orders::dsl::*;
                Ok::<_, DomainError>(
                    orders
                        .filter(shop_id.eq(shop))
                        .filter(status.eq("AWAITING_SHIPMENT"))
                        .order(id)
                        .limit(per_shop)
                        .select(id)
                        .load::<i64>(c)?,
                )
            })
            .await?,
        );
    }
    Ok(SellerWorld {
        dir,
        sb,
        services,
        actor,
        orders,
    })
}

/// What the sandbox saw of a purchase: calls it refused for their rate (429), and labels sold
/// beyond one per planned package (must be 0).
pub fn sandbox_verdict(state: &tiktok_sandbox::control::StateView, planned: usize) -> (u64, u64) {
    let rate_limited = state
        .errors
        .get(&tiktok::codes::TOO_MANY_REQUESTS.to_string())
        .copied()
        .unwrap_or(0);
    let duplicates = state.duplicate_labels + state.purchases.saturating_sub(planned as u64);
    (rate_limited, duplicates)
}

/// Runs the benchmark and returns its figures.
pub async fn run(opts: LabelsBench) -> anyhow::Result<serde_json::Value> {
    if opts.nodes > 1 {
        return crate::labels_nodes::run(opts).await;
    }
    let SellerWorld {
        dir: _dir,
        sb,
        services,
        actor,
        orders,
    } = seller_world(&opts).await?;
    let labels = &services.labels;
    let started = labels.plan(&actor, orders).await?;
    eprintln!(
        "buying {} labels ({} ms per call, {} requests/s per API)…",
        started.planned, opts.latency_ms, opts.rate_limit
    );
    let t = Instant::now();
    let progress = labels
        .run(
            started.job_id.context("the benchmark planned no label")?,
            opts.concurrency,
        )
        .await?;
    let seconds = t.elapsed().as_secs_f64();
    let state = sb.sandbox.state();
    sb.stop();
    let rate = progress.done as f64 / seconds.max(1e-9);
    let floor = f64::from(opts.rate_limit) * opts.shops.max(1) as f64;
    let (rate_limited, duplicates) = sandbox_verdict(&state, started.planned);
    eprintln!(
        "{} labels from {} shop(s) in {seconds:.1} s: {rate:.1}/s against a floor of {floor:.0}/s \
         (ratio {:.2}); {} failed; {rate_limited} calls answered 429",
        progress.done,
        opts.shops.max(1),
        rate / floor,
        progress.failed
    );
    Ok(serde_json::json!({
        "labels": progress.done,
        "seconds": crate::figures::round(seconds, 2),
        "labels_per_s": crate::figures::round(rate, 1),
        "floor_labels_per_s": floor,
        "ratio_to_floor": crate::figures::round(rate / floor, 3),
        "duplicates": duplicates,
        "failed": progress.failed,
        "latency_ms": opts.latency_ms,
        "concurrency": opts.concurrency,
        "shops": opts.shops.max(1),
        "rate_limited": rate_limited,
    }))
}
