//! The crash tests' rig: a sandbox process, a shared database, an SMTP sink, and `podgate
//! serve` processes started (and killed) in two slots, either as one node restarted or as two
//! nodes with their own data dirs sharing a bucket.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use rocket::figment::providers::Serialized;

use podgate::db::DbPool;
use podgate::db::models::audit::{Actor, Channel};
use podgate::db::models::package::Package;
use podgate::db::models::user::Role;
use podgate::domain::DomainError;
use podgate::domain::suppliers::SupplierInput;
use podgate::storage::StorageConfig;

use podgate_testkit::TestDb;

pub(super) fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A child process killed (and reaped) when dropped.
pub(super) struct Killed(pub(super) Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One `podgate serve` on its own port.
pub(super) struct Serve {
    pub(super) child: Killed,
    pub(super) port: u16,
}

impl Serve {
    /// Stops the process with SIGTERM (a graceful stop: it hands its leases back) and waits.
    pub(super) fn stop(mut self) {
        let pid = self.child.0.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let _ = self.child.0.wait();
    }

    /// SIGKILL: no graceful shutdown, whatever is in flight.
    pub(super) fn kill(mut self) {
        self.child.0.kill().unwrap();
        self.child.0.wait().unwrap();
    }
}

/// How the processes are deployed.
pub(super) enum Form {
    /// Every process on one machine's data dir (and node name), as one node restarted.
    OneNode,
    /// Each process slot a node of its own (`node-0`, `node-1`): its own data dir and node id,
    /// the deployment's keys from configuration, files in this shared bucket.
    Nodes(StorageConfig),
}

pub(super) async fn sandbox_state(base: &str) -> serde_json::Value {
    reqwest::get(format!("{base}/sandbox/api/state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub(super) async fn q<T: Send + 'static>(
    pool: &DbPool,
    f: impl FnOnce(&mut podgate::db::AnyConnection) -> QueryResult<T> + Send + 'static,
) -> T {
    pool.run(move |c| f(c).map_err(DomainError::from)).await.unwrap()
}

/// What the test drives: the sandbox process, the shared database and data folder.
pub(super) struct Rig {
    pub(super) base: String,
    db: TestDb,
    /// The test's own data dir (its in-process services), and the processes' in one-node form.
    pub(super) data: PathBuf,
    pub(super) pool: DbPool,
    pub(super) services: podgate::services::Services,
    /// The shared bucket and the deployment's keys (`PODGATE_*` variables), in the node form.
    nodes: Option<(StorageConfig, Vec<(&'static str, String)>)>,
    /// The SMTP server both processes deliver the batches' announcements to.
    pub(super) smtp: podgate_testkit::mail::Smtp,
    _sandbox: Killed,
}

impl Rig {
    pub(super) async fn new(dir: &Path, orders: u64, form: Form) -> Rig {
        Rig::new_on(dir, orders, form, TestDb::new(dir)).await
    }

    /// [`Rig::new`] on a database of the test's own.
    pub(super) async fn new_on(dir: &Path, orders: u64, form: Form, db: TestDb) -> Rig {
        let sb_port = podgate_testkit::net::free_port().unwrap();
        let base = format!("http://127.0.0.1:{sb_port}");
        let sandbox = Killed(
            Command::new(env!("CARGO_BIN_EXE_podgate"))
                .args(["sandbox", "--listen", &format!("127.0.0.1:{sb_port}")])
                .args([
                    "--orders",
                    &orders.to_string(),
                    "--seed",
                    "11",
                    "--orders-per-minute",
                    "0",
                ])
                .args(["--latency-ms", "30", "--redirect-url", "http://127.0.0.1:9/cb"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap(),
        );
        podgate_testkit::net::wait_for(&format!("{base}/sandbox/api/state"))
            .await
            .unwrap();
        let data = dir.join("data");
        let tiktok = ::tiktok::TikTokConfig {
            api_base: base.clone(),
            auth_base: base.clone(),
            authorize_url: format!("{base}/open/authorize"),
            app_key: tiktok_sandbox::DEFAULT_APP_KEY.into(),
            app_secret: tiktok_sandbox::DEFAULT_APP_SECRET.into(),
            ..::tiktok::TikTokConfig::default()
        };
        let figment = podgate::config::figment()
            .merge(Serialized::default("data_dir", &data))
            .merge(Serialized::default("database_url", &db.url))
            .merge(Serialized::default("tiktok", &tiktok))
            .merge(Serialized::default("tiktok.app_secret", &tiktok.app_secret));
        let bucket = match form {
            Form::OneNode => None,
            Form::Nodes(bucket) => Some(bucket),
        };
        let figment = match &bucket {
            Some(b) => podgate_testkit::bucket::merge(figment, b),
            None => figment,
        };
        let prepared = podgate::app::prepare(figment).unwrap();
        let services = podgate::services::Services::new(prepared.pool.clone(), &prepared.config).unwrap();
        let nodes = bucket.map(|b| (b, deployment_keys(&data, &db.url)));
        Rig {
            base,
            db,
            data,
            nodes,
            pool: prepared.pool.clone(),
            services,
            smtp: podgate_testkit::mail::smtp_sink(),
            _sandbox: sandbox,
        }
    }

    /// Every data dir a process of this rig writes to: the shared one, or each node's.
    pub(super) fn data_dirs(&self) -> Vec<PathBuf> {
        match &self.nodes {
            None => vec![self.data.clone()],
            Some(_) => (0..2).map(|slot| self.node_dir(slot)).collect(),
        }
    }

    /// Node `slot`'s data dir in the node form.
    pub(super) fn node_dir(&self, slot: usize) -> PathBuf {
        self.data.join(format!("node-{slot}"))
    }

    /// Starts a `podgate serve` in process slot `slot` (0 or 1; a node of its own in the node
    /// form), logging to `serve-<log>.log`.
    pub(super) fn serve(&self, slot: usize, log: usize) -> Serve {
        let port = podgate_testkit::net::free_port().unwrap();
        let out = std::fs::File::create(self.data.join(format!("serve-{log}.log"))).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_podgate"));
        match &self.nodes {
            None => cmd.env("PODGATE_DATA_DIR", &self.data),
            Some((bucket, keys)) => {
                cmd.env("PODGATE_DATA_DIR", self.node_dir(slot))
                    .env("PODGATE_NODE_ID", format!("node-{slot}"))
                    .envs(keys.iter().cloned());
                for (k, v) in [
                    ("URL", &bucket.url),
                    ("ENDPOINT", &bucket.endpoint),
                    ("REGION", &bucket.region),
                    ("ACCESS_KEY_ID", &bucket.access_key_id),
                    ("SECRET_ACCESS_KEY", &bucket.secret_access_key),
                ] {
                    cmd.env(format!("PODGATE_STORAGE__{k}"), v.as_deref().unwrap_or_default());
                }
                &mut cmd
            }
        };
        let child = cmd
            .arg("serve")
            .env("PODGATE_SFTP__PORT", "0")
            .env("PODGATE_BATCH_CLOCK_SECS", "1")
            .env("PODGATE_DATABASE_URL", &self.db.url)
            .env("PODGATE_PORT", port.to_string())
            .env("PODGATE_TIKTOK__API_BASE", &self.base)
            .env("PODGATE_TIKTOK__AUTH_BASE", &self.base)
            .env("PODGATE_TIKTOK__APP_KEY", tiktok_sandbox::DEFAULT_APP_KEY)
            .env("PODGATE_TIKTOK__APP_SECRET", tiktok_sandbox::DEFAULT_APP_SECRET)
            .env("PODGATE_SMTP__HOST", "127.0.0.1")
            .env("PODGATE_SMTP__PORT", self.smtp.2.to_string())
            .env("PODGATE_SMTP__TLS", "none")
            .stdout(Stdio::null())
            .stderr(out)
            .spawn()
            .unwrap();
        Serve {
            child: Killed(child),
            port,
        }
    }

    /// A seller with a synced shop, two suppliers (no cut-off yet), a catalog, a factory token
    /// per supplier, and label jobs recorded for at least `labels` packages (an order needs one
    /// or two). Returns the jobs and the tokens by supplier.
    pub(super) async fn seller(&self, labels: usize) -> (Vec<i64>, HashMap<i64, String>) {
        let owner = self
            .pool
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
        // This test is about purchase, sealing and answers; escalations before TikTok's
        // in-transit deadline (their own exactly-once test is in dispatch.rs) are switched off
        // so the mail phase waits for the batch announcements only.
        let ws = owner.workspace_id;
        self.pool
            .query(move |c| {
                use podgate::db::schema::workspaces::dsl::*;
                diesel::update(workspaces.find(ws))
                    .set(alert_hours.eq(""))
                    .execute(c)
            })
            .await
            .unwrap();
        let shops_svc = &self.services.shops;
        let back = podgate_testkit::tiktok::approve(&shops_svc.tiktok.client.authorization_url("s")).await;
        let url = url::Url::parse(&back).unwrap();
        let code = url
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .to_string();
        let shops = shops_svc.connect(&actor, &code).await.unwrap();
        let mut tokens = HashMap::new();
        for name in ["Shirt Co", "Mug Works"] {
            let input = SupplierInput {
                name: name.into(),
                contacts: format!("ops@{}.example", name.replace(' ', "").to_lowercase()),
                time_zone: "UTC".into(),
                ack_deadline_hours: "24".into(),
                ..SupplierInput::default()
            };
            let sup = podgate::domain::suppliers::create(&self.pool, &actor, input)
                .await
                .unwrap();
            let token = format!("pgt_{}", podgate::crypto::new_token());
            let hash = podgate::crypto::hash_token(&token);
            let ws = owner.workspace_id;
            q(&self.pool, move |c| {
                podgate_testkit::suppliers::store_token(c, ws, sup, "ERP", &hash)
            })
            .await;
            tokens.insert(sup, token);
        }
        let csv = "pattern,match,supplier,weight_g,length_in,width_in,height_in\nTEE-,prefix,Shirt Co,340,10,8,1\nHOOD-,prefix,Shirt Co,700,12,10,3\nMUG-,prefix,Mug Works,450,6,6,6\nPOSTER-,prefix,Mug Works,200,24,3,3\nTOTE-,prefix,Mug Works,250,15,15,1\n";
        podgate::domain::catalog::import(&self.pool, &actor, csv.as_bytes().to_vec())
            .await
            .unwrap();
        shops_svc
            .sync_shop(&self.services.sync, shops[0].id)
            .await
            .unwrap();
        let orders: Vec<i64> = q(&self.pool, |c| {
            use podgate::db::schema::orders::dsl::*;
            orders
                .filter(status.eq("AWAITING_SHIPMENT"))
                .order(id)
                .select(id)
                .load(c)
        })
        .await;
        assert!(
            orders.len() >= labels,
            "only {} orders await shipment",
            orders.len()
        );
        let (mut jobs, mut planned, mut taken) = (Vec::new(), 0, 0);
        while planned < labels && taken < orders.len() {
            let more = ((labels - planned) * 3 / 4).max(1).min(orders.len() - taken);
            let s = self
                .services
                .labels
                .plan(&actor, orders[taken..taken + more].to_vec())
                .await
                .unwrap();
            (taken, planned) = (taken + more, planned + s.planned);
            jobs.push(s.job_id.expect("a job was planned"));
        }
        assert!(planned >= labels, "only {planned} packages planned");
        (jobs, tokens)
    }

    /// Lets the processes' batch clocks seal every supplier's labels at a cut-off (today's
    /// 00:00 UTC, as if the labels had been bought before it).
    pub(super) async fn cut_off(&self) {
        q(&self.pool, |c| {
            use podgate::db::schema::suppliers::dsl::*;
            diesel::delete(podgate::db::schema::handoff_ready::table).execute(c)?;
            diesel::update(suppliers).set(cutoff_times.eq("00:00")).execute(c)
        })
        .await;
    }

    pub(super) async fn packages(&self, jobs: &[i64]) -> Vec<Package> {
        let jobs = jobs.to_vec();
        q(&self.pool, move |c| {
            let mut all = Vec::new();
            for j in jobs {
                all.extend(podgate::db::models::package::of_job(c, j)?);
            }
            Ok(all)
        })
        .await
    }
}

/// Polls `ready` every 20 ms until it holds; panics naming `what` after `limit`.
pub(super) async fn wait_for<F, Fut>(what: &str, limit: Duration, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !ready().await {
        assert!(started.elapsed() < limit, "{what}: not after {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How many of the jobs' packages have their label stored.
pub(super) async fn stored(rig: &Rig, jobs: &[i64]) -> usize {
    let packages = rig.packages(jobs).await;
    packages.iter().filter(|p| p.status.as_str() == "stored").count()
}

/// Every batch's status, in id order.
pub(super) async fn batch_statuses(rig: &Rig) -> Vec<String> {
    q(&rig.pool, |c| {
        use podgate::db::schema::batches::dsl::*;
        batches.order(id).select(status).load(c)
    })
    .await
}

/// The packings whose segments are kept in a node's data dir (`<batch>.packing`).
pub(super) fn packings_in(data_dir: &Path) -> Vec<String> {
    std::fs::read_dir(data_dir.join("batches"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".packing"))
                .collect()
        })
        .unwrap_or_default()
}

/// The deployment's keys, recorded once (`podgate keys accept` on the test's data dir) and
/// handed to every node through configuration, as an operator does; the SFTP host key in
/// base64.
fn deployment_keys(data: &Path, db_url: &str) -> Vec<(&'static str, String)> {
    use base64::Engine;
    let out = Command::new(env!("CARGO_BIN_EXE_podgate"))
        .args(["keys", "accept"])
        .env("PODGATE_DATA_DIR", data)
        .env("PODGATE_DATABASE_URL", db_url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read = |f: &str| std::fs::read_to_string(data.join(f)).unwrap().trim().to_string();
    let host = std::fs::read(data.join("sftp_host_ed25519")).unwrap();
    vec![
        ("PODGATE_COOKIE_KEY", read("cookie_key")),
        ("PODGATE_TOKEN_KEY", read("token_key")),
        (
            "PODGATE_SFTP__HOST_KEY",
            base64::engine::general_purpose::STANDARD.encode(host),
        ),
    ]
}
