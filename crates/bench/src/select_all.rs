//! `podgate bench select-all`: "Buy labels for all N matching" on a big workspace. N sandbox
//! orders are synced and routed by a catch-all rule; then every order the filter "awaiting
//! shipment, routed, no label" matches (at most the 20,000 one purchase takes) is planned as one
//! job — the work the seller's click does before the first label is bought. The baseline is
//! reading those orders' ids (what the confirmation counts), in the same process, on the same
//! database. Memory is the process's peak while planning (its peak is reset just before).

use std::time::Instant;

use podgate::db::models::audit::{Actor, Channel};
use podgate::db::models::order::{self, ListFilter};
use podgate::domain::labels::MAX_MATCHING;

/// Options of the select-all benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct SelectAllBench {
    /// Orders to load (about half are awaiting shipment).
    #[arg(long, default_value_t = 45_000)]
    pub orders: usize,
    /// Database URL (default: an SQLite file in a temporary folder).
    #[arg(long)]
    pub database_url: Option<String>,
}

/// Resets this process's peak resident memory (Linux: `clear_refs` 5), so the next peak read
/// is of what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Runs the benchmark and prints its figures.
pub async fn run(opts: SelectAllBench) -> anyhow::Result<serde_json::Value> {
    let port = podgate_testkit::net::free_port()?;
    let world = crate::orders::synced_shop(opts.orders, port, opts.database_url.as_deref()).await?;
    let pool = world.prepared.pool.clone();
    let actor = Actor::user(&world.owner, None, Channel::Cli);
    podgate_testkit::world::supplier(&pool, &world.owner, "Everything").await?;
    podgate::domain::catalog::import(
        &pool,
        &actor,
        b"pattern,match,priority,supplier,weight_g,length_in,width_in,height_in\n*,glob,500,Everything,340,10,8,1\n".to_vec(),
    )
    .await?;
    let filter = ListFilter {
        status: Some("AWAITING_SHIPMENT".into()),
        routing: Some("routed".into()),
        label_state: Some("none".into()),
        ..ListFilter::default()
    };

    let mut base = Vec::new();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let f = filter.clone();
        let t = Instant::now();
        ids = pool
            .query(move |c| order::matching_ids(c, 1, &f, MAX_MATCHING as i64))
            .await?;
        base.push(t.elapsed().as_secs_f64());
    }
    base.sort_by(f64::total_cmp);
    let baseline = base[1];
    let n = ids.len();
    eprintln!(
        "{} orders, {n} matching (at most {MAX_MATCHING}); reading their ids: {:.3} s (median of 3)",
        world.loaded, baseline
    );

    let me = std::process::id();
    let rss_before = crate::figures::proc_mib(me, "VmRSS:");
    reset_peak();
    let t = Instant::now();
    let started = world.services.labels.plan(&actor, ids).await?;
    let plan_s = t.elapsed().as_secs_f64();
    let peak = crate::figures::proc_mib(me, "VmHWM:");
    anyhow::ensure!(started.job_id.is_some(), "a job was planned");
    eprintln!(
        "planned {} label(s) for {n} orders in {plan_s:.3} s ({:.0} µs an order) = {:.1}× reading the ids; {} skipped",
        started.planned,
        plan_s * 1e6 / n.max(1) as f64,
        plan_s / baseline.max(1e-9),
        started.skipped.len()
    );
    eprintln!(
        "memory: {rss_before:.0} MiB before, peak {peak:.0} MiB while planning (+{:.0} MiB)",
        (peak - rss_before).max(0.0)
    );
    world.sandbox.stop();
    Ok(serde_json::json!({
        "orders": world.loaded,
        "matching": n,
        "planned_labels": started.planned,
        "skipped": started.skipped.len(),
        "baseline_ids_s": crate::figures::round(baseline, 3),
        "plan_s": crate::figures::round(plan_s, 3),
        "plan_us_per_order": crate::figures::round(plan_s * 1e6 / n.max(1) as f64, 1),
        "plan_ratio_to_ids": crate::figures::round(plan_s / baseline.max(1e-9), 1),
        "rss_before_mib": crate::figures::round(rss_before, 1),
        "peak_while_planning_mib": crate::figures::round(peak, 1),
    }))
}
