//! `podgate bench load`: the whole server under load, as a deployment sees it. A world of N
//! orders (through the sync path) and S suppliers with sealed batches is served by a separate
//! `podgate serve` process; `wrk` drives the orders list and the supplier portal with C
//! concurrent connections, then D OpenSSH `sftp` clients download batches at once. Baselines
//! in the same run: `/healthz` through the same stack and connections, and one download alone.
//! Reports p50/p99 latency, throughput and the server's peak memory.

use std::process::{Command, Stdio};

use anyhow::Context;

use podgate::db::models::audit::{Actor, Channel};
use podgate::db::models::user::Role;
use podgate::domain::DomainError;

use crate::orders::{SyncedShop, sign_in, synced_shop};
use podgate_testkit::world::PASSWORD;

/// The cipher of the SFTP downloads (as in `bench sftp`).
const CIPHER: &str = "aes256-gcm@openssh.com";

/// Options of the load benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct LoadBench {
    /// Orders in the seller's shop.
    #[arg(long, default_value_t = 100_000)]
    pub orders: usize,
    /// Suppliers, each with sealed batches in its portal and SFTP outbox.
    #[arg(long, default_value_t = 20)]
    pub suppliers: usize,
    /// Concurrent HTTP connections (wrk).
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Seconds of load per page.
    #[arg(long, default_value_t = 15)]
    pub seconds: u64,
    /// SFTP downloads at once.
    #[arg(long, default_value_t = 16)]
    pub downloads: usize,
    /// Size of each batch zip, in MiB.
    #[arg(long, default_value_t = 8)]
    pub batch_mib: u64,
    /// Database URL (default: an SQLite file in a temporary folder).
    #[arg(long)]
    pub database_url: Option<String>,
}

/// What `wrk --latency` measured.
#[derive(Debug, Default)]
pub(crate) struct Wrk {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    pub req_per_s: f64,
    pub bad_answers: u64,
}

fn duration_ms(s: &str) -> Option<f64> {
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic())?);
    let v: f64 = num.parse().ok()?;
    Some(match unit {
        "us" => v / 1000.0,
        "ms" => v,
        "s" => v * 1000.0,
        "m" => v * 60_000.0,
        _ => return None,
    })
}

/// Parses wrk's report (`--latency`).
fn parse_wrk(out: &str) -> anyhow::Result<Wrk> {
    let mut w = Wrk::default();
    for line in out.lines().map(str::trim) {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["50%", v] => w.p50_ms = duration_ms(v).context("wrk p50")?,
            ["99%", v] => w.p99_ms = duration_ms(v).context("wrk p99")?,
            [n, "requests", "in", ..] => w.requests = n.parse()?,
            ["Requests/sec:", v] => w.req_per_s = v.parse()?,
            ["Non-2xx", "or", "3xx", "responses:", n] => w.bad_answers = n.parse()?,
            _ => {}
        }
    }
    anyhow::ensure!(w.requests > 0, "wrk completed no request:\n{out}");
    Ok(w)
}

pub(crate) fn wrk(url: &str, cookie: &str, connections: usize, seconds: u64) -> anyhow::Result<Wrk> {
    wrk_paths(url, &[], cookie, connections, seconds)
}

/// `wrk` against `base`, each request one of `paths` at random (none: `base` itself).
pub(crate) fn wrk_paths(
    base: &str,
    paths: &[String],
    cookie: &str,
    connections: usize,
    seconds: u64,
) -> anyhow::Result<Wrk> {
    let script = tempfile::Builder::new().suffix(".lua").tempfile()?;
    if !paths.is_empty() {
        let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
        std::fs::write(
            script.path(),
            format!(
                "local paths = {{{}}}\nrequest = function()\n  return wrk.format(nil, paths[math.random(#paths)])\nend\n",
                list.join(", ")
            ),
        )?;
    }
    let mut cmd = Command::new("wrk");
    if !paths.is_empty() {
        cmd.args(["-s", &script.path().to_string_lossy()]);
    }
    let url = base;
    let out = cmd
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            // A slow page is measured, not dropped as a timeout (wrk's default is 2 s).
            "--timeout",
            "30s",
        ])
        .args(["-H", &format!("Cookie: {cookie}"), url])
        .output()
        .context("running wrk (apt-get install wrk)")?;
    anyhow::ensure!(
        out.status.success(),
        "wrk failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let w = parse_wrk(&String::from_utf8_lossy(&out.stdout))?;
    let url = paths.first().map_or(url.to_string(), |p| {
        format!("{url}{p} (and {} more)", paths.len() - 1)
    });
    eprintln!(
        "  {url}: p50 {:.2} ms, p99 {:.2} ms, {:.0} req/s, {} requests, {} not 2xx/3xx",
        w.p50_ms, w.p99_ms, w.req_per_s, w.requests, w.bad_answers
    );
    Ok(w)
}

/// Adds the suppliers, each with three sealed batches, a portal person for the first and an
/// SFTP key login for the first; returns the portal person's email.
async fn suppliers(world: &SyncedShop, opts: &LoadBench, pubkey: &str) -> anyhow::Result<String> {
    let pool = &world.prepared.pool;
    let actor = Actor::user(&world.owner, None, Channel::Cli);
    let ws = world.owner.workspace_id;
    let mut first = None;
    for n in 1..=opts.suppliers {
        let sid = podgate_testkit::world::supplier(pool, &world.owner, &format!("Factory {n}")).await?;
        for _ in 0..3 {
            podgate_testkit::world::synthetic_batch(
                pool,
                &world.services.batches,
                ws,
                sid,
                opts.batch_mib << 20,
            )
            .await?;
        }
        first.get_or_insert(sid);
    }
    let sid = first.context("at least one supplier")?;
    let email = "factory@bench.example".to_string();
    let (_, token) =
        podgate::domain::accounts::invite(pool, &actor, &email, Role::Supplier, Some(sid), "").await?;
    let anon = Actor::anonymous(None, Channel::Cli);
    podgate::domain::accounts::accept_invite(pool, &anon, &token, "Floor", PASSWORD, PASSWORD).await?;
    let parsed = russh::keys::PublicKey::from_openssh(pubkey.trim())?;
    let fp = parsed.fingerprint(russh::keys::HashAlg::Sha256).to_string();
    let key = pubkey.trim().to_string();
    pool.run(move |c| {
        let id = podgate::db::models::sftp::create_login(c, ws, sid, "bench-1", None, "", "bench")?;
        podgate::db::models::sftp::add_key(c, id, &key, &fp, "bench")?;
        Ok::<_, DomainError>(())
    })
    .await?;
    Ok(email)
}

/// `podgate serve` over a benchmark's world, as its own process (its memory its own): web on
/// `port`, SFTP on `sftp_port`, no TikTok behind it (the load is podgate's own pages and files),
/// per-address caps sized for one load generator on 127.0.0.1.
pub(crate) fn server_command(world: &SyncedShop, port: u16, sftp_port: u16) -> anyhow::Result<Command> {
    let mut cmd = crate::figures::this_program_under("PODGATE_BENCH_SERVER_WRAPPER")?;
    cmd.arg("serve")
        .env("PODGATE_DATA_DIR", world.dir.path())
        .env("PODGATE_DATABASE_URL", world.prepared.config.database_url())
        .env("PODGATE_PORT", port.to_string())
        .env("PODGATE_SFTP__PORT", sftp_port.to_string())
        .env("PODGATE_DB_POOL_SIZE", "16")
        .env("PODGATE_HTTP__MAX_CONNECTIONS_PER_ADDRESS", "512")
        .env("PODGATE_HTTP__CONNECTIONS_PER_MINUTE_PER_ADDRESS", "1000000")
        .env("PODGATE_TIKTOK__API_BASE", "http://127.0.0.1:9")
        .env("PODGATE_SYNC_INTERVAL_SECS", "86400")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Ok(cmd)
}

/// A child process killed when dropped.
pub(crate) struct Server(pub std::process::Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the benchmark and returns its figures.
pub async fn run(opts: LoadBench) -> anyhow::Result<serde_json::Value> {
    let port = podgate_testkit::net::free_port()?;
    let world = synced_shop(opts.orders, port, opts.database_url.as_deref()).await?;
    let key = world.dir.path().join("client_key");
    let pubkey = podgate_testkit::sftp::keygen(&key, "bench@factory")?;
    let supplier_email = suppliers(&world, &opts, &pubkey).await?;
    world.sandbox.stop();

    // The server under test is its own process, so its memory is its own.
    let sftp_port = podgate_testkit::net::free_port()?;
    let mut cmd = server_command(&world, port, sftp_port)?;
    cmd.env(
        "PODGATE_SFTP__MAX_SESSIONS_PER_SUPPLIER",
        (opts.downloads * 2).to_string(),
    )
    // Every simulated client comes from 127.0.0.1: per-address caps sized for that.
    .env(
        "PODGATE_SFTP__MAX_PREAUTH_PER_ADDRESS",
        (opts.downloads * 2).max(8).to_string(),
    )
    .env("PODGATE_SFTP__CONNECTIONS_PER_MINUTE_PER_ADDRESS", "100000");
    let server = Server(cmd.spawn()?);
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    podgate_testkit::net::wait_for(&format!("{base}/healthz")).await?;
    let owner = sign_in(&base, podgate_testkit::world::OWNER_EMAIL, PASSWORD).await?;
    let factory = sign_in(&base, &supplier_email, PASSWORD).await?;
    let idle_mib = crate::figures::proc_mib(pid, "VmRSS:");

    let (c, secs) = (opts.connections, opts.seconds);
    eprintln!("wrk, {c} connections, {secs} s per page:");
    let (oc, fc) = (owner.cookie.clone(), factory.cookie.clone());
    let b2 = base.clone();
    // The server's peak after each page's load: which one raises it.
    let peak_now = move || crate::figures::proc_mib(pid, "VmHWM:");
    let (healthz, orders, portal, peaks) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let healthz = wrk(&format!("{b2}/healthz"), &oc, c, secs)?;
        let after_healthz = peak_now();
        let sampler = crate::figures::Sampler::of(pid);
        let orders = wrk(&format!("{b2}/orders"), &oc, c, secs)?;
        let after_orders = peak_now();
        let (heap, files) = sampler.stop()?;
        eprintln!("during the orders list: heap at most {heap:.0} MiB, mapped files at most {files:.0} MiB (sampled)");
        let portal = wrk(&format!("{b2}/supplier"), &fc, c, secs)?;
        Ok((healthz, orders, portal, [after_healthz, after_orders, peak_now()]))
    })
    .await??;
    eprintln!(
        "server peak after /healthz {:.0} MiB, after the orders list {:.0} MiB, after the portal {:.0} MiB",
        peaks[0], peaks[1], peaks[2]
    );
    let web_peak = crate::figures::proc_mib(pid, "VmHWM:");
    // What the server holds now, by kind: its heap, and file pages it maps (SQLite's
    // memory-mapped database, counted once per connection that maps it; the kernel's to take
    // back, not the server's).
    let (web_anon, web_file) = (
        crate::figures::proc_mib(pid, "RssAnon:"),
        crate::figures::proc_mib(pid, "RssFile:"),
    );

    let (work, d) = (world.dir.path().to_path_buf(), opts.downloads);
    let (one, many) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let get = |n| {
            crate::sftp::download(
                sftp_port,
                "bench-1",
                &key,
                "/outbox/batch-1.zip",
                n,
                CIPHER,
                &work,
            )
        };
        Ok((get(1)?, get(d)?))
    })
    .await??;
    let peak = crate::figures::proc_mib(pid, "VmHWM:");
    drop(server);
    let (d50, d99) = (
        crate::figures::percentile(&many, 0.5),
        crate::figures::percentile(&many, 0.99),
    );
    let mb_s = (opts.batch_mib << 20) as f64 * d as f64 / 1e6 / many.last().copied().unwrap_or(1.0);
    eprintln!(
        "sftp: one download {:.2} s; {d} at once: p50 {d50:.2} s, p99 {d99:.2} s, {mb_s:.0} MB/s in all",
        one[0]
    );
    eprintln!(
        "server memory: {idle_mib:.0} MiB idle, peak {web_peak:.0} MiB after the web load ({web_anon:.0} MiB heap and {web_file:.0} MiB mapped files resident then), {peak:.0} MiB after SFTP"
    );
    let ratio = |a: f64, b: f64| crate::figures::round(a / b.max(1e-9), 2);
    Ok(serde_json::json!({
        "orders": world.loaded,
        "suppliers": opts.suppliers,
        "server_heap_after_web_mib": crate::figures::round(web_anon, 1),
        "server_peak_after_phase_mib": {
            "healthz": crate::figures::round(peaks[0], 1),
            "orders": crate::figures::round(peaks[1], 1),
            "portal": crate::figures::round(peaks[2], 1),
        },
        "server_mapped_files_after_web_mib": crate::figures::round(web_file, 1),
        "connections": c,
        "healthz_p50_ms": crate::figures::round(healthz.p50_ms, 2),
        "orders_p50_ms": crate::figures::round(orders.p50_ms, 2),
        "orders_p99_ms": crate::figures::round(orders.p99_ms, 2),
        "orders_req_per_s": crate::figures::round(orders.req_per_s, 1),
        "orders_p50_ratio_to_healthz": ratio(orders.p50_ms, healthz.p50_ms),
        "portal_p50_ms": crate::figures::round(portal.p50_ms, 2),
        "portal_p99_ms": crate::figures::round(portal.p99_ms, 2),
        "portal_req_per_s": crate::figures::round(portal.req_per_s, 1),
        "portal_p50_ratio_to_healthz": ratio(portal.p50_ms, healthz.p50_ms),
        "bad_answers": healthz.bad_answers + orders.bad_answers + portal.bad_answers,
        "downloads": d,
        "download_mib": opts.batch_mib,
        "download_one_s": crate::figures::round(one[0], 3),
        "download_p50_s": crate::figures::round(d50, 3),
        "download_p99_s": crate::figures::round(d99, 3),
        "download_p50_ratio_to_one": ratio(d50, one[0]),
        "sftp_mb_s": crate::figures::round(mb_s, 1),
        "server_idle_rss_mib": crate::figures::round(idle_mib, 1),
        "server_peak_rss_mib": crate::figures::round(peak, 1),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_reports() {
        let out = "Running 2s test @ http://127.0.0.1:1/orders\n  2 threads and 64 connections\n  Latency Distribution\n     50%  812.00us\n     75%    1.20ms\n     90%    2.00ms\n     99%    1.05s\n  5230 requests in 2.00s, 1.2MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:   2612.50\nTransfer/sec:    600.00KB\n";
        let w = parse_wrk(out).unwrap();
        assert_eq!((w.p50_ms, w.p99_ms), (0.812, 1050.0));
        assert_eq!((w.requests, w.bad_answers), (5230, 3));
        assert_eq!(w.req_per_s, 2612.5);
        assert!(parse_wrk("nothing").is_err());
    }
}
