//! Kill -9 in the middle of a label job, restart, let two processes finish it: nothing bought
//! twice, nothing lost. The sandbox runs as its own process so it outlives podgate's crash.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rocket::figment::providers::Serialized;

use podgate::db::models::audit::{Actor, Channel};
use podgate::db::models::user::Role;
use podgate::domain::suppliers::SupplierInput;

use crate::common::TestDb;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn state(base: &str) -> serde_json::Value {
    reqwest::get(format!("{base}/sandbox/api/state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_twice_then_two_processes_finish_the_job_buying_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let sb_port = free_port();
    let base = format!("http://127.0.0.1:{sb_port}");
    let _sandbox = Killed(
        Command::new(env!("CARGO_BIN_EXE_podgate"))
            .args([
                "sandbox",
                "--listen",
                &format!("127.0.0.1:{sb_port}"),
                "--orders",
                "150",
                "--seed",
                "11",
            ])
            .args([
                "--orders-per-minute",
                "0",
                "--latency-ms",
                "40",
                "--redirect-url",
                "http://127.0.0.1:9/cb",
            ])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    podgate::bench::wait_for(&format!("{base}/sandbox/api/state"))
        .await
        .unwrap();
    let data = dir.path().join("data");
    let tiktok = podgate::tiktok::TikTokConfig {
        api_base: base.clone(),
        auth_base: base.clone(),
        authorize_url: format!("{base}/open/authorize"),
        app_key: podgate::sandbox::DEFAULT_APP_KEY.into(),
        app_secret: podgate::sandbox::DEFAULT_APP_SECRET.into(),
        ..podgate::tiktok::TikTokConfig::default()
    };
    let figment = podgate::config::figment()
        .merge(Serialized::default("data_dir", &data))
        .merge(Serialized::default("database_url", &db.url))
        .merge(Serialized::default("tiktok", &tiktok))
        .merge(Serialized::default("tiktok.app_secret", &tiktok.app_secret));
    let prepared = podgate::app::prepare(figment).unwrap();
    let services = podgate::app::Services::new(prepared.pool.clone(), &prepared.config).unwrap();
    let pool = prepared.pool.clone();

    // A seller with a connected shop, two suppliers, a catalog, synced orders, and a job recorded.
    let owner = pool
        .run(|c| {
            podgate::domain::accounts::add_user_blocking(
                c,
                "Acme",
                "o@acme.example",
                "O",
                Role::Owner,
                "owner password",
            )
        })
        .await
        .unwrap();
    let actor = Actor::user(&owner, None, Channel::Web);
    let back = crate::tiktok::approve(&services.tiktok.client.authorization_url("s")).await;
    let code = url::Url::parse(&back)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    let shops = services.tiktok.connect(&actor, &code).await.unwrap();
    for name in ["Shirt Co", "Mug Works"] {
        let input = SupplierInput {
            name: name.into(),
            time_zone: "UTC".into(),
            ack_deadline_hours: "24".into(),
            ..SupplierInput::default()
        };
        podgate::domain::suppliers::create(&pool, &actor, input)
            .await
            .unwrap();
    }
    let csv = "pattern,match,supplier,weight_g,length_in,width_in,height_in\nTEE-,prefix,Shirt Co,340,10,8,1\nHOOD-,prefix,Shirt Co,700,12,10,3\nMUG-,prefix,Mug Works,450,6,6,6\nPOSTER-,prefix,Mug Works,200,24,3,3\nTOTE-,prefix,Mug Works,250,15,15,1\n";
    podgate::domain::catalog::import(&pool, &actor, csv.as_bytes().to_vec())
        .await
        .unwrap();
    services
        .tiktok
        .sync_shop(&services.sync, shops[0].id)
        .await
        .unwrap();
    let orders: Vec<i64> = pool
        .run(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl::*;
            Ok::<_, podgate::domain::DomainError>(
                orders.filter(status.eq("AWAITING_SHIPMENT")).select(id).load(c)?,
            )
        })
        .await
        .unwrap();
    let started = Arc::new(services.tiktok.clone())
        .start_labels(&actor, orders)
        .await
        .unwrap();
    assert!(started.planned >= 100, "{started:?}");

    // podgate serve resumes the recorded job at start; kill it hard twice mid-way.
    let serve = || {
        let port = free_port();
        Killed(
            Command::new(env!("CARGO_BIN_EXE_podgate"))
                .arg("serve")
                .env("PODGATE_SFTP__PORT", "0")
                .env("PODGATE_DATA_DIR", &data)
                .env("PODGATE_DATABASE_URL", &db.url)
                .env("PODGATE_PORT", port.to_string())
                .env("PODGATE_TIKTOK__API_BASE", &base)
                .env("PODGATE_TIKTOK__AUTH_BASE", &base)
                .env("PODGATE_TIKTOK__APP_KEY", podgate::sandbox::DEFAULT_APP_KEY)
                .env("PODGATE_TIKTOK__APP_SECRET", podgate::sandbox::DEFAULT_APP_SECRET)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    };
    for round in 1..=2 {
        let before = state(&base).await["purchases"].as_u64().unwrap();
        let mut p = serve();
        let deadline = Instant::now() + Duration::from_secs(60);
        while state(&base).await["purchases"].as_u64().unwrap() < before + 15 {
            assert!(Instant::now() < deadline, "round {round}: no progress");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // SIGKILL: no graceful shutdown, requests in flight.
        p.0.kill().unwrap();
        p.0.wait().unwrap();
    }
    // Two processes on the same database finish the job together (as two servers behind a load
    // balancer would); package claims keep them from buying anything twice.
    let (a, b) = (serve(), serve());
    let pids = [a.0.id().to_string(), b.0.id().to_string()];
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let left = pool
            .run(move |c| {
                Ok::<_, podgate::domain::DomainError>(podgate::db::models::package::unfinished(
                    c,
                    started.job_id,
                )?)
            })
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{left} packages never finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let packages = pool
        .run(move |c| {
            Ok::<_, podgate::domain::DomainError>(podgate::db::models::package::of_job(c, started.job_id)?)
        })
        .await
        .unwrap();
    let failed: Vec<_> = packages
        .iter()
        .filter(|p| p.status != "stored")
        .map(|p| (p.id, p.status.clone(), p.error_message.clone()))
        .collect();
    assert!(
        failed.is_empty(),
        "every package ends with its label stored: {failed:?}"
    );
    let s = state(&base).await;
    assert_eq!(
        s["purchases"].as_u64().unwrap() as usize,
        packages.len(),
        "one purchase per package across two crashes"
    );
    assert_eq!(s["duplicate_labels"], 0);
    for pid in &pids {
        let tag = format!("-{pid}-");
        assert!(
            packages
                .iter()
                .any(|p| p.worker.as_deref().is_some_and(|w| w.contains(&tag))),
            "process {pid} bought some of the labels"
        );
    }
    for p in &packages {
        let sha = p.label_sha256.as_deref().unwrap();
        assert!(
            std::fs::read(data.join("labels").join(format!("{sha}.pdf")))
                .unwrap()
                .starts_with(b"%PDF-")
        );
    }
}
