//! `podgate bench <what>`: measurements that print ratios against a baseline run in the same
//! process and end with one JSON line of figures. Build with `--release` for real numbers.

pub mod labels;
pub mod load;
pub mod orders;
pub mod routing;
pub mod seal;
pub mod sftp;

use std::time::Duration;

/// Latency percentiles of a set of samples, in milliseconds.
pub fn percentile(sorted_ms: &[f64], p: f64) -> f64 {
    if sorted_ms.is_empty() {
        return 0.0;
    }
    let idx = ((sorted_ms.len() as f64 - 1.0) * p).round() as usize;
    sorted_ms[idx.min(sorted_ms.len() - 1)]
}

/// Rounds for the JSON line.
pub fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

/// A free TCP port on loopback.
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A figure of `/proc/<pid>/status` (`VmHWM:` peak, `VmRSS:` now), in MiB.
pub fn proc_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The owner every benchmark world signs in as, and the password of its people.
pub const OWNER_EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "bench password 1";

/// Adds the benchmark seller's owner.
pub async fn owner(pool: &crate::db::DbPool) -> anyhow::Result<crate::db::models::user::User> {
    let user = pool
        .run(|c| {
            crate::domain::accounts::add_user_blocking(
                c,
                "Bench Prints",
                OWNER_EMAIL,
                "Bench",
                crate::db::models::user::Role::Owner,
                PASSWORD,
            )
        })
        .await?;
    Ok(user)
}

/// Connects the sandbox's shop for `owner`, approving as the seller would (a fresh auth code).
pub async fn connect_shop(
    sb: &tiktok_sandbox::SandboxHandle,
    services: &crate::services::Services,
    owner: &crate::db::models::user::User,
) -> anyhow::Result<Vec<crate::db::models::shop::Shop>> {
    let code = sb
        .sandbox
        .world
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .issue_auth_code(i64::MAX);
    let actor = crate::db::models::audit::Actor::user(owner, None, crate::db::models::audit::Channel::Cli);
    Ok(services.shops.connect(&actor, &code).await?)
}

/// Adds a supplier (UTC, answers due in 24 h); returns its id.
pub async fn supplier(
    pool: &crate::db::DbPool,
    owner: &crate::db::models::user::User,
    name: &str,
) -> anyhow::Result<i64> {
    let actor = crate::db::models::audit::Actor::user(owner, None, crate::db::models::audit::Channel::Cli);
    let input = crate::domain::suppliers::SupplierInput {
        name: name.into(),
        time_zone: "UTC".into(),
        ack_deadline_hours: "24".into(),
        ..Default::default()
    };
    Ok(crate::domain::suppliers::create(pool, &actor, input).await?)
}

/// Waits until a URL answers.
pub async fn wait_for(url: &str) -> anyhow::Result<()> {
    for _ in 0..600 {
        if reqwest::get(url).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("{url} did not answer")
}

/// Runs every benchmark with the defaults docs/performance.md reports, one after the other.
pub async fn all() -> anyhow::Result<serde_json::Value> {
    eprintln!("== bench orders");
    let orders = orders::run(orders::OrdersBench {
        orders: 100_000,
        connections: 64,
        requests: 20_000,
        database_url: None,
    })
    .await?;
    eprintln!("== bench routing");
    let routing = routing::run(routing::RoutingBench {
        orders: 100_000,
        database_url: None,
    })
    .await?;
    eprintln!("== bench labels");
    let labels = labels::run(labels::LabelsBench {
        count: 1000,
        latency_ms: 50,
        rate_limit: 50,
        concurrency: 64,
    })
    .await?;
    eprintln!("== bench seal");
    let seal = seal::run(seal::SealBench { labels: 1000 }).await?;
    let mut sftp_runs = Vec::new();
    for streams in [1, 16] {
        eprintln!("== bench sftp --streams {streams}");
        sftp_runs.push(
            sftp::run(sftp::SftpBench {
                size_mib: 256,
                streams,
                cipher: "aes256-gcm@openssh.com".into(),
            })
            .await?,
        );
    }
    eprintln!("== bench load");
    let load = load::run(load::LoadBench {
        orders: 100_000,
        suppliers: 20,
        connections: 64,
        seconds: 15,
        downloads: 16,
        batch_mib: 8,
        database_url: None,
    })
    .await?;
    Ok(serde_json::json!({
        "orders": orders, "routing": routing, "labels": labels, "seal": seal, "sftp": sftp_runs, "load": load,
    }))
}
