//! `podgate bench routing`: how long a catalog change keeps a big workspace busy. N sandbox
//! orders are synced into a fresh database; then rules are imported and deleted. Each change
//! is timed three ways: until the form's answer (the change and the first slice), the whole
//! routing pass (every slice; the bench runs them itself, holding the pass's lease), and the
//! longest slice (what a sync or a hand-made choice may wait). The baseline is one plain read
//! of every unit and its order — the data a re-route must look at — in the same process, on
//! the same database.

use std::time::Instant;

use diesel::prelude::*;

use podgate::db::models::audit::{Actor, Channel};
use podgate::domain::{DomainError, routing};

/// Options of the routing benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct RoutingBench {
    /// Orders to load.
    #[arg(long, default_value_t = 100_000)]
    pub orders: usize,
    /// Database URL (default: an SQLite file in a temporary folder).
    #[arg(long)]
    pub database_url: Option<String>,
}

/// Runs the benchmark and prints its figures.
pub async fn run(opts: RoutingBench) -> anyhow::Result<serde_json::Value> {
    let port = podgate_testkit::net::free_port()?;
    let world = crate::orders::synced_shop(opts.orders, port, opts.database_url.as_deref()).await?;
    let pool = world.prepared.pool.clone();
    let actor = Actor::user(&world.owner, None, Channel::Cli);
    podgate_testkit::world::supplier(&pool, &world.owner, "Tee Factory").await?;
    podgate_testkit::world::supplier(&pool, &world.owner, "Everything Else").await?;

    let mut base = Vec::new();
    let mut units = 0;
    for _ in 0..3 {
        let t = Instant::now();
        units = pool
            .run(|c| Ok::<_, DomainError>(routing::workspace_units(c, 1)?.len()))
            .await?;
        base.push(t.elapsed().as_secs_f64());
    }
    base.sort_by(f64::total_cmp);
    let baseline = base[1];
    eprintln!(
        "{} orders, {units} units; reading them all: {:.3} s (median of 3)",
        world.loaded, baseline
    );

    // Three changes a seller makes: a first catalog (routes most units), a catch-all rule
    // (routes the rest), deleting the first catalog's rule (moves those units to the catch-all).
    let changes: [(&str, &str); 3] = [
        (
            "first catalog",
            "pattern,match,supplier\nTEE-,prefix,Tee Factory\n",
        ),
        (
            "catch_all rule",
            "pattern,match,priority,supplier\n*,glob,500,Everything Else\n",
        ),
        ("delete a rule", ""),
    ];
    let mut figures = serde_json::Map::new();
    let mut worst: f64 = 0.0;
    let mut worst_slice: f64 = 0.0;
    let ws = actor.workspace_id.unwrap_or(1);
    // Held by the bench, so the background runner leaves the slices to it (and they are timed).
    let lease = podgate::domain::leases::take(&pool, format!("routing:{ws}"))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the routing lease is held elsewhere"))?;
    for (name, csv) in changes {
        let t = Instant::now();
        if csv.is_empty() {
            podgate::domain::catalog::delete_rule(&pool, &actor, 1).await?;
        } else {
            podgate::domain::catalog::import(&pool, &actor, csv.as_bytes().to_vec()).await?;
        }
        let answer = t.elapsed().as_secs_f64();
        let mut slowest: f64 = 0.0;
        loop {
            let s = Instant::now();
            let more = pool.query(move |c| routing::pass::step(c, ws)).await?;
            slowest = slowest.max(s.elapsed().as_secs_f64());
            if more.is_none() {
                break;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        worst = worst.max(secs);
        worst_slice = worst_slice.max(slowest);
        eprintln!(
            "  {name:<16} answer {answer:>6.3} s  whole pass {secs:>8.3} s ({:.1}× the read)  longest slice {slowest:.3} s",
            secs / baseline.max(1e-9)
        );
        let key = name.replace(' ', "_");
        figures.insert(format!("{key}_s"), crate::figures::round(secs, 3).into());
        figures.insert(format!("{key}_answer_s"), crate::figures::round(answer, 3).into());
    }
    lease.release().await;
    figures.insert(
        "longest_slice_s".into(),
        crate::figures::round(worst_slice, 3).into(),
    );
    let routed: i64 = pool
        .run(|c| {
            use podgate::db::schema::order_items as oi;
            Ok::<_, DomainError>(
                oi::table
                    .filter(oi::supplier_id.is_not_null())
                    .count()
                    .get_result(c)?,
            )
        })
        .await?;
    anyhow::ensure!(routed as usize == units, "{routed} of {units} units routed");
    eprintln!(
        "slowest change {worst:.3} s = {:.1}× reading every unit",
        worst / baseline.max(1e-9)
    );
    world.sandbox.stop();
    figures.insert("orders".into(), world.loaded.into());
    figures.insert("units".into(), units.into());
    figures.insert(
        "baseline_read_s".into(),
        crate::figures::round(baseline, 3).into(),
    );
    figures.insert(
        "slowest_ratio_to_read".into(),
        crate::figures::round(worst / baseline.max(1e-9), 1).into(),
    );
    Ok(serde_json::Value::Object(figures))
}
