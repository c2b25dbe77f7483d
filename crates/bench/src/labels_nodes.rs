//! `podgate bench labels --nodes N`: the same purchase bought by N `podgate serve` processes on
//! one PostgreSQL (and, with `PODGATE_STORAGE__URL` and its keys in the environment, one
//! bucket), as a deployment of several nodes would: the job is planned here, the nodes pick it
//! up and share its packages and each shop's TikTok budget. Measured: labels per second over the
//! span of the purchases (first to last label sold) against the floor the rate limit allows, the
//! sandbox's busiest second per API, 429 answers, and labels sold twice (must be 0).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::labels::{LabelsBench, SellerWorld};

/// Stops the nodes when the benchmark ends, however it ends.
struct Nodes(Vec<Child>);

impl Drop for Nodes {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
        }
        for c in &mut self.0 {
            let _ = c.wait();
        }
    }
}

/// Starts `n` nodes on the world's database, each with a data dir of its own and the world's
/// keys; returns once every one answers `/readyz`.
async fn start_nodes(world: &SellerWorld, opts: &LabelsBench, database_url: &str) -> anyhow::Result<Nodes> {
    let exe = std::env::current_exe()?
        .parent()
        .context("the benchmark's folder")?
        .join("podgate");
    let first = world
        .services
        .labels
        .store
        .dir
        .parent()
        .context("the world's data dir")?
        .to_path_buf();
    let key = |f: &str| -> anyhow::Result<String> {
        Ok(std::fs::read_to_string(first.join(f))?.trim().to_string())
    };
    let tiktok = world.sb.sandbox.client_config();
    let mut nodes = Nodes(Vec::new());
    let mut ports = Vec::new();
    for i in 0..opts.nodes {
        let port = podgate_testkit::net::free_port()?;
        let dir = world.dir.path().join(format!("node-{i}"));
        let child = Command::new(&exe)
            .arg("serve")
            .env("PODGATE_DATA_DIR", &dir)
            .env("PODGATE_DATABASE_URL", database_url)
            .env("PODGATE_PORT", port.to_string())
            .env("PODGATE_NODE_ID", format!("bench-{i}"))
            .env("PODGATE_SFTP__ENABLED", "false")
            .env("PODGATE_SYNC_INTERVAL_SECS", "3600")
            .env("PODGATE_COOKIE_KEY", key("cookie_key")?)
            .env("PODGATE_TOKEN_KEY", key("token_key")?)
            .env("PODGATE_TIKTOK__API_BASE", &tiktok.api_base)
            .env("PODGATE_TIKTOK__AUTH_BASE", &tiktok.auth_base)
            .env("PODGATE_TIKTOK__APP_KEY", &tiktok.app_key)
            .env("PODGATE_TIKTOK__APP_SECRET", &tiktok.app_secret)
            .env("PODGATE_TIKTOK__RATE_LIMIT_PER_SEC", opts.rate_limit.to_string())
            .env("PODGATE_TIKTOK_BUDGET", &opts.node_budget)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        nodes.0.push(child);
        ports.push(port);
    }
    for port in ports {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                break;
            }
            anyhow::ensure!(Instant::now() < deadline, "a node did not become ready");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    Ok(nodes)
}

/// Runs the benchmark with `opts.nodes` processes.
pub async fn run(opts: LabelsBench) -> anyhow::Result<serde_json::Value> {
    let database_url = opts
        .database_url
        .clone()
        .filter(|u| u.starts_with("postgres"))
        .context("--nodes needs --database-url postgres://… (several processes share one PostgreSQL)")?;
    let world = super::labels::seller_world(&opts).await?;
    let nodes = start_nodes(&world, &opts, &database_url).await?;
    let pool = world.services.pool.clone();
    let started = world
        .services
        .labels
        .plan(&world.actor, world.orders.clone())
        .await?;
    let job = started.job_id.context("the benchmark planned no label")?;
    eprintln!(
        "{} nodes buying {} labels ({} ms per call, {} requests/s per API and shop)…",
        opts.nodes, started.planned, opts.latency_ms, opts.rate_limit
    );
    let t = Instant::now();
    let deadline = t + Duration::from_secs(600);
    loop {
        let left = pool
            .query(move |c| {
                use diesel::prelude::*;
                use podgate::db::schema::packages::dsl::*;
                packages
                    .filter(job_id.eq(job))
                    .filter(status.eq_any(["planned", "buying"]))
                    .count()
                    .get_result::<i64>(c)
            })
            .await?;
        if left == 0 {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the nodes did not finish in 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let wall = t.elapsed().as_secs_f64();
    drop(nodes);
    let (bought, first, last, holders) = pool
        .query(move |c| {
            use diesel::dsl::{count_star, max, min};
            use diesel::prelude::*;
            use podgate::db::schema::{package_steps as s, packages as p};
            let (n, first, last): (i64, Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>) =
                s::table
                    .inner_join(p::table)
                    .filter(p::job_id.eq(job))
                    .filter(s::step.eq("bought"))
                    .select((count_star(), min(s::at), max(s::at)))
                    .first(c)?;
            let holders: Vec<String> = p::table
                .filter(p::job_id.eq(job))
                .select(p::worker)
                .distinct()
                .load::<Option<String>>(c)?
                .into_iter()
                .flatten()
                .collect();
            Ok::<_, diesel::result::Error>((n, first, last, holders))
        })
        .await?;
    let span = match (first, last) {
        (Some(a), Some(b)) => (b - a).num_milliseconds() as f64 / 1000.0,
        _ => 0.0,
    };
    let state = world.sb.sandbox.state();
    world.sb.stop();
    let rate = (bought.max(1) - 1) as f64 / span.max(1e-3);
    let floor = f64::from(opts.rate_limit) * opts.shops.max(1) as f64;
    let (rate_limited, duplicates) = crate::labels::sandbox_verdict(&state, started.planned);
    let busiest = state.busiest_second.get("create_packages").copied().unwrap_or(0);
    eprintln!(
        "{bought} labels by {} nodes: {rate:.1}/s between the first and the last sale ({span:.1} s; \
         {wall:.1} s from planning, the nodes' 3 s pick-up included) against a floor of {floor:.0}/s \
         (ratio {:.2}); busiest second of Create Packages {busiest} (limit {} + burst); \
         {rate_limited} calls answered 429; {duplicates} sold twice; packages claimed by {}",
        opts.nodes,
        rate / floor,
        opts.rate_limit,
        holders.len()
    );
    Ok(serde_json::json!({
        "nodes": opts.nodes,
        "node_budget": opts.node_budget,
        "labels": bought,
        "span_seconds": crate::figures::round(span, 2),
        "wall_seconds": crate::figures::round(wall, 2),
        "labels_per_s": crate::figures::round(rate, 1),
        "floor_labels_per_s": floor,
        "ratio_to_floor": crate::figures::round(rate / floor, 3),
        "busiest_second_create_packages": busiest,
        "rate_limited": rate_limited,
        "duplicates": duplicates,
        "claimed_by_nodes": holders.len(),
        "latency_ms": opts.latency_ms,
    }))
}
