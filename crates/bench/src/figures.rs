//! Figures shared by every benchmark (percentiles, rounding, a process's memory), and `all`:
//! every benchmark with the defaults docs/performance.md reports.

use crate::{labels, load, orders, routing, seal, sftp};

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
