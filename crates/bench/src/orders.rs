//! `podgate bench orders`: loads N sandbox orders into a fresh database through the real sync
//! path, then drives the orders list over HTTP with C concurrent connections (first pages,
//! filters, searches, deep keyset pages, order pages) and reports latency percentiles. The
//! baseline is `/healthz` through the same HTTP stack and session, measured the same way.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use rand::{RngExt, SeedableRng};

use tiktok_sandbox::{SandboxConfig, world::WorldSettings};

/// Options of the orders benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct OrdersBench {
    /// Orders to load.
    #[arg(long, default_value_t = 100_000)]
    pub orders: usize,
    /// Concurrent HTTP connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Requests to send to the orders pages.
    #[arg(long, default_value_t = 20_000)]
    pub requests: usize,
    /// Database URL (default: an SQLite file in a temporary folder).
    #[arg(long)]
    pub database_url: Option<String>,
}

pub(super) struct Session {
    pub http: reqwest::Client,
    pub base: String,
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
        base: base.to_string(),
        cookie: cookies.join("; "),
    })
}

/// Picks the next request: a kind (for the per-kind breakdown) and a path.
type PathFn = Arc<dyn Fn(&mut rand::rngs::StdRng) -> (usize, String) + Send + Sync>;

/// Sends `total` requests from `connections` workers; returns (kind, ms) samples and the wall time.
async fn drive(
    s: Arc<Session>,
    connections: usize,
    total: usize,
    paths: PathFn,
) -> anyhow::Result<(Vec<(usize, f64)>, f64)> {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..connections {
        let (s, next, paths) = (s.clone(), next.clone(), paths.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(w as u64);
            let mut lat = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let (kind, path) = paths(&mut rng);
                let t = Instant::now();
                let r = s
                    .http
                    .get(format!("{}{path}", s.base))
                    .header("cookie", &s.cookie)
                    .send()
                    .await?;
                let status = r.status().as_u16();
                let _ = r.bytes().await?;
                anyhow::ensure!(status == 200, "{path} answered HTTP {status}");
                lat.push((kind, t.elapsed().as_secs_f64() * 1000.0));
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut all = Vec::with_capacity(total);
    for t in tasks {
        all.extend(t.await??);
    }
    Ok((all, start.elapsed().as_secs_f64()))
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

/// Runs the benchmark and prints its figures.
pub async fn run(opts: OrdersBench) -> anyhow::Result<serde_json::Value> {
    let port = podgate_testkit::net::free_port()?;
    let SyncedShop {
        dir: _dir,
        sandbox: sb,
        prepared,
        services,
        loaded,
        load_seconds,
        ..
    } = synced_shop(opts.orders, port, opts.database_url.as_deref()).await?;

    let rocket = podgate::web::build(
        prepared.figment.clone(),
        prepared.config.clone(),
        services.clone(),
    )
    .ignite()
    .await?;
    let shutdown = rocket.shutdown();
    let server = tokio::spawn(rocket.launch());
    let base = format!("http://127.0.0.1:{port}");
    podgate_testkit::net::wait_for(&format!("{base}/healthz")).await?;
    let session = Arc::new(
        sign_in(
            &base,
            podgate_testkit::world::OWNER_EMAIL,
            podgate_testkit::world::PASSWORD,
        )
        .await?,
    );

    // Paths people use: first pages, filters, searches, deep keyset pages, order pages.
    let (min_t, max_t) = prepared
        .pool
        .run(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl::*;
            let lo: Option<i64> = orders.select(diesel::dsl::min(create_time)).first(c)?;
            let hi: Option<i64> = orders.select(diesel::dsl::max(create_time)).first(c)?;
            Ok::<_, podgate::domain::DomainError>((lo.unwrap_or(0), hi.unwrap_or(0)))
        })
        .await?;
    let count = loaded.max(1);
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
    let list_paths: PathFn = Arc::new(move |rng| {
        let kind = [0, 0, 0, 1, 2, 3, 4, 5, 6, 7][rng.random_range(0..10)];
        let t = rng.random_range(min_t..=max_t.max(min_t));
        let path = match kind {
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
        };
        (kind, path)
    });
    let baseline_paths: PathFn = Arc::new(|_| (0, "/healthz".to_string()));
    let warm = drive(
        session.clone(),
        opts.connections,
        opts.connections * 4,
        list_paths.clone(),
    )
    .await?;
    drop(warm);
    let (base_lat, _) = drive(
        session.clone(),
        opts.connections,
        opts.requests.min(5000),
        baseline_paths,
    )
    .await?;
    let (lat, wall) = drive(session.clone(), opts.connections, opts.requests, list_paths).await?;
    shutdown.notify();
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    sb.stop();

    let sorted = |samples: &[(usize, f64)], kind: Option<usize>| {
        let mut v: Vec<f64> = samples
            .iter()
            .filter(|(k, _)| kind.is_none_or(|x| x == *k))
            .map(|(_, ms)| *ms)
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    for (k, name) in KINDS.iter().enumerate() {
        let v = sorted(&lat, Some(k));
        eprintln!(
            "  {name:<20} n={:<6} p50 {:>8.2} ms  p99 {:>8.2} ms",
            v.len(),
            crate::figures::percentile(&v, 0.5),
            crate::figures::percentile(&v, 0.99)
        );
    }
    let all = sorted(&lat, None);
    let p50 = crate::figures::percentile(&all, 0.50);
    let p99 = crate::figures::percentile(&all, 0.99);
    let b50 = crate::figures::percentile(&sorted(&base_lat, None), 0.50);
    eprintln!(
        "orders pages: p50 {p50:.2} ms, p99 {p99:.2} ms; /healthz baseline p50 {b50:.2} ms; ratio {:.2}",
        p50 / b50.max(1e-9)
    );
    Ok(serde_json::json!({
        "orders": loaded,
        "connections": opts.connections,
        "requests": lat.len(),
        "p50_ms": crate::figures::round(p50, 2),
        "p99_ms": crate::figures::round(p99, 2),
        "req_per_s": crate::figures::round(lat.len() as f64 / wall, 1),
        "load_seconds": crate::figures::round(load_seconds, 1),
        "baseline_healthz_p50_ms": crate::figures::round(b50, 2),
        "p50_ratio_to_healthz": crate::figures::round(p50 / b50.max(1e-9), 2),
    }))
}
