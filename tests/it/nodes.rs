//! Several podgate nodes on one database: what they must share so that together they behave as
//! one (issue #20). TikTok counts each shop's calls per API whoever sends them.

use std::sync::Arc;

use podgate::db::{DbPool, DbUrl};
use podgate::domain::budget::SharedBudget;
use podgate_testkit::tiktok::Fixture;
use tiktok::{Budget, Pace, ProcessBudget, SellerApi, TikTokClient};
use tiktok_sandbox::world::WorldSettings;

const LIMIT: u32 = 20;
const BURST: u32 = 5;
const CALLS_PER_NODE: usize = 60;

/// Two nodes (two clients, each with its own connection pool) call one shop's warehouses API as
/// fast as they can; returns the sandbox's busiest second for that API and its 429 answers.
async fn two_nodes_calling(fx: &Fixture, budgets: [Arc<dyn Budget>; 2]) -> (u64, u64) {
    let before = fx.sb.sandbox.state();
    let mut cfg = fx.client.config().clone();
    cfg.rate_limit_per_sec = LIMIT;
    cfg.rate_burst = BURST;
    cfg.max_attempts = 1;
    let clients: Vec<Arc<TikTokClient>> = budgets
        .into_iter()
        .map(|b| Arc::new(TikTokClient::with_budget(cfg.clone(), b)))
        .collect();
    let mut calls = tokio::task::JoinSet::new();
    for client in &clients {
        for _ in 0..CALLS_PER_NODE {
            let (client, store, cipher) = (client.clone(), fx.store.clone(), fx.cipher.clone());
            calls.spawn(async move {
                let seller = SellerApi {
                    client: &client,
                    store: store.as_ref(),
                    key: "seller",
                };
                seller.shop(&cipher).warehouses().await.is_ok()
            });
        }
    }
    let mut ok = 0;
    while let Some(r) = calls.join_next().await {
        ok += usize::from(r.unwrap());
    }
    let after = fx.sb.sandbox.state();
    let refused = after.errors.get("36009002").copied().unwrap_or(0)
        - before.errors.get("36009002").copied().unwrap_or(0);
    assert_eq!(
        ok as u64 + refused,
        2 * CALLS_PER_NODE as u64,
        "every call answered or refused for its rate"
    );
    (after.busiest_second["warehouses"], refused)
}

/// Each node pacing itself alone sends twice the shop's limit and TikTok refuses the excess;
/// nodes sharing the budget through the database stay within the limit plus the burst, and
/// nothing is refused.
#[rocket::async_test]
async fn two_nodes_share_each_shops_tiktok_budget_through_the_database() {
    let fx = Fixture::new(WorldSettings {
        rate_limit_per_sec: LIMIT,
        ..WorldSettings::default()
    })
    .await;
    let pace = Pace {
        per_sec: LIMIT,
        burst: BURST,
    };

    let alone: [Arc<dyn Budget>; 2] = [
        Arc::new(ProcessBudget::new(pace)),
        Arc::new(ProcessBudget::new(pace)),
    ];
    let (_, refused_alone) = two_nodes_calling(&fx, alone).await;
    assert!(
        refused_alone > 0,
        "two nodes pacing alone go over the shop's limit (this test can tell)"
    );
    // The sandbox's limiter and its busiest second start afresh.
    let fx = Fixture::new(WorldSettings {
        rate_limit_per_sec: LIMIT,
        ..WorldSettings::default()
    })
    .await;

    let dir = tempfile::tempdir().unwrap();
    let db = podgate_testkit::TestDb::new(dir.path());
    let url = DbUrl::parse(&db.url).unwrap();
    url.run_migrations().unwrap();
    let node = |_| -> Arc<dyn Budget> { Arc::new(SharedBudget::new(DbPool::open(&url, 4).unwrap(), pace)) };
    let (busiest, refused) = two_nodes_calling(&fx, [node(0), node(1)]).await;
    eprintln!("alone: {refused_alone} refused; shared: busiest second {busiest}, {refused} refused");
    assert_eq!(refused, 0, "nothing refused for its rate");
    assert!(
        busiest <= u64::from(LIMIT + BURST),
        "at most the limit plus the burst in any second, across both nodes: {busiest}"
    );
}

fn podgate(data_dir: &std::path::Path, db: &podgate_testkit::TestDb) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_podgate"));
    c.env("PODGATE_DATA_DIR", data_dir)
        .env("PODGATE_DATABASE_URL", &db.url)
        .env("PODGATE_SFTP__PORT", "0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    c
}

/// Waits until `serve` answers `/readyz` on `port`, or fails with what it printed.
fn wait_ready(child: &mut std::process::Child, port: u16) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            use std::io::Read;
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("podgate serve ended ({status}): {err}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "podgate serve did not become ready"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The first node records its keys' fingerprints; a second node with keys of its own refuses
/// to start and names every key that differs and how to fix it; given the first node's keys
/// (configuration for the secrets, files for the SFTP host key) it starts; after `keys
/// accept` on a node with a new token key, the node still on the old one is the one refused.
#[test]
fn a_node_with_other_keys_than_the_deployments_refuses_to_start_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let db = podgate_testkit::TestDb::new(dir.path());
    let (a, b) = (dir.path().join("node-a"), dir.path().join("node-b"));
    let out = podgate(&a, &db).args(["keys", "accept"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 of 3 key fingerprint(s) changed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let port = podgate_testkit::net::free_port().unwrap();
    let out = podgate(&b, &db)
        .arg("serve")
        .env("PODGATE_PORT", port.to_string())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "refused to start");
    for named in [
        "- cookie_key:",
        "- token_key:",
        "- sftp_host_key ssh-ed25519:",
        "podgate keys accept",
    ] {
        assert!(err.contains(named), "{named} in: {err}");
    }

    // Node A's keys through configuration (its host key in base64, one line): node B starts.
    let read = |f: &str| std::fs::read_to_string(a.join(f)).unwrap().trim().to_string();
    let host_key = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(std::fs::read(a.join("sftp_host_ed25519")).unwrap())
    };
    let out = podgate(&b, &db)
        .arg("serve")
        .env("PODGATE_PORT", port.to_string())
        .env("PODGATE_COOKIE_KEY", read("cookie_key"))
        .env("PODGATE_TOKEN_KEY", read("token_key"))
        .env("PODGATE_SFTP__HOST_KEY", "not a key")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && err.contains("sftp.host_key is neither an OpenSSH private key nor one in base64"),
        "a bad host key stops the start with the reason: {err}"
    );
    let mut node_b = podgate(&b, &db)
        .arg("serve")
        .env("PODGATE_PORT", port.to_string())
        .env("PODGATE_COOKIE_KEY", read("cookie_key"))
        .env("PODGATE_TOKEN_KEY", read("token_key"))
        .env("PODGATE_SFTP__HOST_KEY", &host_key)
        .spawn()
        .unwrap();
    wait_ready(&mut node_b, port);
    node_b.kill().unwrap();
    node_b.wait().unwrap();

    // Node B's own (new) token key made the deployment's: now node A is the odd one out.
    let out = podgate(&b, &db)
        .args(["keys", "accept"])
        .env("PODGATE_COOKIE_KEY", read("cookie_key"))
        .env("PODGATE_SFTP__HOST_KEY", &host_key)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 of 3 key fingerprint(s) changed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = podgate(&a, &db)
        .arg("serve")
        .env("PODGATE_PORT", port.to_string())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("- token_key:") && !err.contains("- cookie_key:"),
        "{err}"
    );
}

/// A node stopped with SIGTERM hands its leases back at once, so another node takes its work
/// over without waiting for them to run out; its name on them is the configured `node_id`.
#[rocket::async_test]
async fn a_node_stopped_gracefully_hands_its_leases_back_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = podgate_testkit::TestDb::new(dir.path());
    let port = podgate_testkit::net::free_port().unwrap();
    let mut node = podgate(&dir.path().join("data"), &db)
        .arg("serve")
        .env("PODGATE_PORT", port.to_string())
        .env("PODGATE_NODE_ID", "web-1")
        .spawn()
        .unwrap();
    wait_ready(&mut node, port);
    let metrics = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let holder: String = metrics
        .split("podgate_sftp_connections{node=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the node names itself in /metrics: {metrics}"))
        .to_string();
    assert!(holder.starts_with("web-1-"), "{holder}");

    let url = DbUrl::parse(&db.url).unwrap();
    let pool = DbPool::open(&url, 2).unwrap();
    let h = holder.clone();
    pool.query(move |c| {
        podgate::db::models::lease::try_take(c, "shop:1:sync", &h, chrono::Duration::minutes(5))
    })
    .await
    .unwrap();
    let held = || {
        let pool = pool.clone();
        async move {
            pool.query(|c| podgate::db::models::lease::holder(c, "shop:1:sync"))
                .await
                .unwrap()
        }
    };
    assert_eq!(held().await.as_deref(), Some(holder.as_str()));
    let pid = node.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let status = node.wait().unwrap();
    assert!(status.success(), "stopped cleanly: {status}");
    assert_eq!(
        held().await,
        None,
        "the lease was handed back, not left to run out in 5 minutes"
    );
}
