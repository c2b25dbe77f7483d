//! `podgate bench orders`: loads N sandbox orders into a fresh database through the real sync
//! path, serves them from a separate `podgate serve` process and drives the orders list with
//! `wrk` (C connections): first pages, filters, searches, deep keyset pages and order pages,
//! each kind alone and all mixed. The baseline is `/healthz` through the same stack, session
//! and connections, measured the same way in the same run.

use std::time::Instant;

use anyhow::Context;
use rand::{RngExt, SeedableRng};

use tiktok_sandbox::{SandboxConfig, world::WorldSettings};

use crate::figures::round;

/// Options of the orders benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct OrdersBench {
    /// Orders to load.
    #[arg(long, default_value_t = 100_000)]
    pub orders: usize,
    /// Concurrent HTTP connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds of load for each kind of page (and for the mix, and the baseline).
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Database URL (default: an SQLite file in a temporary folder).
    #[arg(long)]
    pub database_url: Option<String>,
}

pub(super) struct Session {
    pub http: reqwest::Client,
    pub cookie: String,
}

pub(super) async fn sign_in(base: &str, email: &str, password: &str) -> anyhow::Result<Session> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(512)
        .build()?;
    let page = http.get(format!("{base}/login")).send().await?;
    let mut cookies: Vec<String> = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect();
    let html = page.text().await?;
    let token = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .context("no CSRF token on /login")?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf_token", token)
        .append_pair("email", email)
        .append_pair("password", password)
        .finish();
    let r = http
        .post(format!("{base}/login"))
        .header("cookie", cookies.join("; "))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(r.status().as_u16() == 303, "sign-in failed: HTTP {}", r.status());
    for v in r.headers().get_all("set-cookie") {
        if let Some(c) = v.to_str().ok().and_then(|s| s.split(';').next()) {
            let name = c.split('=').next().unwrap_or_default().to_string();
            cookies.retain(|old| !old.starts_with(&format!("{name}=")));
            cookies.push(c.to_string());
        }
    }
    Ok(Session {
        http,
        cookie: cookies.join("; "),
    })
}

/// A seller with one shop whose `orders` sandbox orders are synced into a fresh database.
pub(super) struct SyncedShop {
    pub dir: tempfile::TempDir,
    pub sandbox: tiktok_sandbox::SandboxHandle,
    pub prepared: podgate::app::Prepared,
    pub services: podgate::services::Services,
    pub owner: podgate::db::models::user::User,
    pub loaded: i64,
    pub load_seconds: f64,
}

/// Loads `orders` sandbox orders through the real sync path; `port` is the web port to configure.
pub(super) async fn synced_shop(
    orders: usize,
    port: u16,
    database_url: Option<&str>,
) -> anyhow::Result<SyncedShop> {
    let dir = tempfile::tempdir()?;
    let sb = tiktok_sandbox::spawn(SandboxConfig {
        listen: "127.0.0.1:0".parse()?,
        world: WorldSettings {
            initial_orders: orders,
            orders_per_minute: 0.0,
            rate_limit_per_sec: 10_000,
            ..WorldSettings::default()
        },
        ..SandboxConfig::default()
    })
    .await?;
    let (prepared, services) = crate::setup::podgate_for(&sb, dir.path(), 10_000, Some(port), database_url)?;
    let owner = podgate_testkit::world::owner(&prepared.pool).await?;
    let shops = podgate_testkit::world::connect_shop(&sb, &services, &owner).await?;
    eprintln!("loading {orders} orders through the sync path…");
    let t = Instant::now();
    services.shops.sync_shop(&services.sync, shops[0].id).await?;
    let load_seconds = t.elapsed().as_secs_f64();
    let loaded = prepared
        .pool
        .run(|c| Ok::<_, podgate::domain::DomainError>(podgate::db::models::order::count(c, 1)?))
        .await?;
    eprintln!("loaded {loaded} orders in {load_seconds:.1} s");
    Ok(SyncedShop {
        dir,
        sandbox: sb,
        prepared,
        services,
        owner,
        loaded,
        load_seconds,
    })
}

/// Kinds of orders page people open, as the benchmark asks for them.
const KINDS: [&str; 8] = [
    "first page",
    "status filter",
    "ship-by filter",
    "SKU search",
    "name search",
    "deep page + status",
    "deep page",
    "order page",
];

/// `n` paths of one kind (`KINDS`), between creation times `min_t..=max_t` and order ids 1..=count.
fn paths_of(
    kind: usize,
    n: usize,
    (min_t, max_t): (i64, i64),
    count: i64,
    rng: &mut rand::rngs::StdRng,
) -> Vec<String> {
    (0..n)
        .map(|_| {
            let t = rng.random_range(min_t..=max_t.max(min_t));
            match kind {
                0 => "/orders".to_string(),
                1 => "/orders?status=AWAITING_SHIPMENT".to_string(),
                2 => "/orders?ship_by=72h".to_string(),
                3 => format!(
                    "/orders?q=TEE-{}",
                    ["CATMOM", "SUNSET", "DOGDAD", "TACO"][rng.random_range(0..4)]
                ),
                4 => format!(
                    "/orders?q={}",
                    ["smith", "garcia", "nguyen", "patel"][rng.random_range(0..4)]
                ),
                5 => format!("/orders?status=AWAITING_SHIPMENT&after={t}.{}", i64::MAX),
                6 => format!("/orders?after={t}.{}", i64::MAX),
                _ => format!("/orders/{}", rng.random_range(1..=count)),
            }
        })
        .collect()
}

/// Runs the benchmark and prints its figures.
pub async fn run(opts: OrdersBench) -> anyhow::Result<serde_json::Value> {
    let port = podgate_testkit::net::free_port()?;
    let world = synced_shop(opts.orders, port, opts.database_url.as_deref()).await?;
    world.sandbox.stop();
    let range = world
        .prepared
        .pool
        .run(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl::*;
            let lo: Option<i64> = orders.select(diesel::dsl::min(create_time)).first(c)?;
            let hi: Option<i64> = orders.select(diesel::dsl::max(create_time)).first(c)?;
            Ok::<_, podgate::domain::DomainError>((lo.unwrap_or(0), hi.unwrap_or(0)))
        })
        .await?;
    // The server under test is its own process, as deployed; wrk is another.
    let sftp_port = podgate_testkit::net::free_port()?;
    let _server = crate::load::Server(crate::load::server_command(&world, port, sftp_port)?.spawn()?);
    let base = format!("http://127.0.0.1:{port}");
    podgate_testkit::net::wait_for(&format!("{base}/healthz")).await?;
    let session = sign_in(
        &base,
        podgate_testkit::world::OWNER_EMAIL,
        podgate_testkit::world::PASSWORD,
    )
    .await?;
    let (c, secs, cookie) = (opts.connections, opts.seconds, session.cookie.clone());
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let count = world.loaded.max(1);
    // First pages weigh three times the others in the mix, as people open them most.
    let mut mix = Vec::new();
    let mut per_kind = Vec::new();
    for (kind, _) in KINDS.iter().enumerate() {
        let paths = paths_of(kind, 100, range, count, &mut rng);
        mix.extend(paths.iter().cloned());
        per_kind.push(paths);
    }
    mix.extend(std::iter::repeat_n("/orders".to_string(), 200));
    let b = base.clone();
    let figures = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        // Warm the server's caches and connections first.
        crate::load::wrk_paths(&b, &mix, &cookie, c, 2)?;
        let healthz = crate::load::wrk(&format!("{b}/healthz"), &cookie, c, secs)?;
        let kinds = per_kind
            .iter()
            .map(|paths| crate::load::wrk_paths(&b, paths, &cookie, c, secs))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mixed = crate::load::wrk_paths(&b, &mix, &cookie, c, secs)?;
        Ok((healthz, kinds, mixed))
    })
    .await??;
    let (healthz, kinds, mixed) = figures;
    for (name, w) in KINDS.iter().zip(&kinds) {
        eprintln!(
            "  {name:<20} {:>7.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms",
            w.req_per_s, w.p50_ms, w.p99_ms
        );
    }
    let bad: u64 = kinds.iter().map(|w| w.bad_answers).sum::<u64>() + mixed.bad_answers;
    anyhow::ensure!(bad == 0, "{bad} orders pages answered other than 2xx/3xx");
    let ratio = healthz.req_per_s / mixed.req_per_s.max(1e-9);
    eprintln!(
        "orders pages mixed: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms; /healthz {:.0} req/s (ratio {ratio:.1})",
        mixed.req_per_s, mixed.p50_ms, mixed.p99_ms, healthz.req_per_s
    );
    let by_kind: serde_json::Map<String, serde_json::Value> = KINDS
        .iter()
        .zip(&kinds)
        .map(|(name, w)| {
            (
                name.to_string(),
                serde_json::json!({"req_per_s": round(w.req_per_s, 0), "p50_ms": w.p50_ms, "p99_ms": w.p99_ms}),
            )
        })
        .collect();
    Ok(serde_json::json!({
        "orders": world.loaded,
        "connections": c,
        "seconds_per_run": secs,
        "req_per_s": round(mixed.req_per_s, 0),
        "p50_ms": mixed.p50_ms,
        "p99_ms": mixed.p99_ms,
        "healthz_req_per_s": round(healthz.req_per_s, 0),
        "healthz_ratio": round(ratio, 2),
        "load_seconds": round(world.load_seconds, 1),
        "by_kind": by_kind,
    }))
}
