//! `podgate-bench <what>` (also reached as `podgate bench <what>`): measurements that print
//! ratios against a baseline measured in the same run and end with one JSON line of figures.
//! Build with `--release` for real numbers; docs/performance.md has the commands and figures.

mod figures;
mod labels;
mod labels_nodes;
mod load;
mod orders;
mod routing;
mod scorecard;
mod seal;
mod seal_bucket;
mod seal_process;
mod select_all;
mod setup;
mod sftp;
mod sync;

use clap::{Parser, Subcommand};

/// podgate's benchmarks: each ends with one JSON line of figures.
#[derive(Debug, Parser)]
#[command(name = "podgate-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Debug, Subcommand)]
enum Bench {
    /// Load sandbox orders through sync, then drive the orders list over HTTP.
    Orders(orders::OrdersBench),
    /// How long catalog changes take on a big workspace: the answer, the background re-route, its longest slice.
    Routing(routing::RoutingBench),
    /// A shop's first sync of N orders from an in-process sandbox with latency and a rate
    /// limit, as a share of the floor the limit allows.
    Sync(sync::SyncBench),
    /// Buy labels from an in-process sandbox with latency and a rate limit.
    Labels(labels::LabelsBench),
    /// "Buy labels for all N matching": plan one job for every matching order (at most
    /// 20,000) on a big workspace: time and peak memory.
    SelectAll(select_all::SelectAllBench),
    /// Seal one batch of N sandbox labels: time, zip size, peak memory.
    Seal(seal::SealBench),
    /// The seal of `bench seal` in a process of its own (run by it on a copy of its world).
    #[command(hide = true)]
    SealProcess(seal_process::SealProcess),
    /// The dispatch clock's pages (supplier scorecard, the "not yet scanned" queue) at N
    /// labels over 90 days, under wrk.
    Scorecard(scorecard::ScorecardBench),
    /// Download throughput of the SFTP drop against OpenSSH's sftp-server.
    Sftp(sftp::SftpBench),
    /// The whole server under load: orders list and supplier portal under wrk, concurrent SFTP
    /// downloads, the server's peak memory.
    Load(load::LoadBench),
    /// Every benchmark above with its defaults (the figures of docs/performance.md), one after
    /// the other; ends with one JSON line holding each one's figures.
    All,
    /// `podgate serve`, for the load benchmark's server process (its own process, so its memory
    /// is its own).
    #[command(hide = true)]
    Serve,
}

fn main() -> std::process::ExitCode {
    let run = || -> anyhow::Result<()> {
        let figures = match Cli::parse().command {
            Bench::Orders(o) => rocket::execute(orders::run(o))?,
            Bench::Routing(o) => rocket::execute(routing::run(o))?,
            Bench::Sync(o) => rocket::execute(sync::run(o))?,
            Bench::Labels(o) => rocket::execute(labels::run(o))?,
            Bench::Seal(o) => rocket::execute(seal::run(o))?,
            Bench::SealProcess(o) => rocket::execute(seal_process::run(o))?,
            Bench::SelectAll(o) => rocket::execute(select_all::run(o))?,
            Bench::Sftp(o) => rocket::execute(sftp::run(o))?,
            Bench::Load(o) => rocket::execute(load::run(o))?,
            Bench::Scorecard(o) => rocket::execute(scorecard::run(o))?,
            Bench::All => rocket::execute(all())?,
            Bench::Serve => return podgate::cli::run(podgate::cli::Cli::parse_from(["podgate", "serve"])),
        };
        println!("{figures}");
        Ok(())
    };
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Runs every benchmark with the defaults docs/performance.md reports, one after the other.
async fn all() -> anyhow::Result<serde_json::Value> {
    eprintln!("== bench orders");
    let orders = orders::run(orders::OrdersBench {
        orders: 100_000,
        connections: 64,
        seconds: 5,
        database_url: None,
    })
    .await?;
    eprintln!("== bench sync");
    let sync = sync::run(sync::SyncBench {
        orders: 100_000,
        latency_ms: 150,
        rate_limit: 50,
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
        shops: 1,
        nodes: 1,
        database_url: None,
        node_budget: "database".into(),
    })
    .await?;
    eprintln!("== bench seal");
    let seal = seal::run(seal::SealBench {
        labels: 1000,
        print_pack: false,
        store: false,
        rounds: 1,
    })
    .await?;
    eprintln!("== bench select-all");
    let select_all = select_all::run(select_all::SelectAllBench {
        orders: 45_000,
        database_url: None,
    })
    .await?;
    let mut sftp_runs = Vec::new();
    for streams in [1, 16] {
        eprintln!("== bench sftp --streams {streams}");
        sftp_runs.push(
            sftp::run(sftp::SftpBench {
                size_mib: 256,
                streams,
                cipher: "aes256-gcm@openssh.com".into(),
                store: false,
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
    eprintln!("== bench scorecard");
    let scorecard = scorecard::run(scorecard::ScorecardBench {
        packages: 100_000,
        suppliers: 20,
        connections: 16,
        seconds: 10,
        database_url: None,
    })
    .await?;
    Ok(serde_json::json!({
        "scorecard": scorecard, "orders": orders, "sync": sync, "routing": routing, "labels": labels, "seal": seal, "select_all": select_all, "sftp": sftp_runs, "load": load,
    }))
}
