//! The sandbox: our own faithful implementation of the TikTok Shop Open API subset podgate
//! uses, with a seeded print-on-demand shop, so podgate can be tried and tested without TikTok.
//! It runs as `podgate sandbox` on its own port, or in-process (tests, `serve --demo`).
//! Its own controls live under `/sandbox` and are not part of TikTok's API.

pub mod api;
pub mod auth;
pub mod catalog;
pub mod control;
pub mod endpoints;
pub mod faults;
pub mod fulfillment;
pub mod label;
pub mod logistics;
pub mod packages;
pub mod tracking;
pub mod unknown;
pub mod webhooks;
pub mod world;

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};
use tokio_util::sync::CancellationToken;

use faults::FaultSettings;
use tiktok::TikTokConfig;
use world::{World, WorldSettings};

/// Default app key when none is given.
pub const DEFAULT_APP_KEY: &str = "sandbox_app_key";
/// Default app secret when none is given.
pub const DEFAULT_APP_SECRET: &str = "sandbox_app_secret";

/// How to run a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub listen: SocketAddr,
    pub app_key: String,
    pub app_secret: String,
    /// The base URL clients use (defaults to `http://<listen>`).
    pub public_url: Option<String>,
    pub world: WorldSettings,
    pub faults: FaultSettings,
    pub redirect_url: Option<String>,
    pub webhook_url: Option<String>,
    /// Multiplies TikTok's webhook retry delays (1.0 = 2 min … 12 h).
    pub webhook_retry_scale: f64,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 9100)),
            app_key: DEFAULT_APP_KEY.into(),
            app_secret: DEFAULT_APP_SECRET.into(),
            public_url: None,
            world: WorldSettings::default(),
            faults: FaultSettings::default(),
            redirect_url: None,
            webhook_url: None,
            webhook_retry_scale: 1.0,
        }
    }
}

/// A running sandbox's shared state.
#[derive(Clone)]
pub struct Sandbox {
    pub world: Arc<Mutex<World>>,
    pub webhook_retry_scale: f64,
    limiter: Arc<DefaultKeyedRateLimiter<(String, &'static str)>>,
    /// Every call and its answer, once [`Sandbox::start_recording`] was called (the contract
    /// test holds them against TikTok's documentation).
    exchanges: Arc<Mutex<Option<Vec<Exchange>>>>,
}

/// One call the sandbox answered: what was asked and what it said.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
    /// The scope the sandbox required for it (none for the token calls).
    pub scope: Option<String>,
    pub code: i64,
    pub data: Option<serde_json::Value>,
}

impl Sandbox {
    fn new(cfg: &SandboxConfig) -> Sandbox {
        let mut w = World::new(cfg.world.clone(), &cfg.app_key, &cfg.app_secret);
        w.faults.global = cfg.faults.clone();
        w.redirect_url = cfg.redirect_url.clone();
        w.webhook_url = cfg.webhook_url.clone();
        let per_sec = NonZeroU32::new(cfg.world.rate_limit_per_sec.max(1)).unwrap_or(NonZeroU32::MIN);
        Sandbox {
            world: Arc::new(Mutex::new(w)),
            webhook_retry_scale: cfg.webhook_retry_scale,
            limiter: Arc::new(RateLimiter::keyed(Quota::per_second(per_sec))),
            exchanges: Arc::default(),
        }
    }

    /// Keeps every call and answer from now on.
    pub fn start_recording(&self) {
        let mut r = self.exchanges.lock().unwrap_or_else(|p| p.into_inner());
        r.get_or_insert_with(Vec::new);
    }

    /// The calls and answers kept so far.
    pub fn exchanges(&self) -> Vec<Exchange> {
        let r = self.exchanges.lock().unwrap_or_else(|p| p.into_inner());
        r.clone().unwrap_or_default()
    }

    pub(crate) fn recording(&self) -> bool {
        self.exchanges.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    pub(crate) fn record(&self, e: Exchange) {
        if let Some(v) = self.exchanges.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            v.push(e);
        }
    }

    /// The URL clients reach this sandbox at.
    pub fn base_url(&self) -> String {
        self.world
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .base_url
            .clone()
    }

    /// Client settings that point podgate at this sandbox.
    pub fn client_config(&self) -> TikTokConfig {
        let w = self.world.lock().unwrap_or_else(|p| p.into_inner());
        TikTokConfig {
            api_base: w.base_url.clone(),
            auth_base: w.base_url.clone(),
            authorize_url: format!("{}/open/authorize", w.base_url),
            app_key: w.app_key.clone(),
            app_secret: w.app_secret.clone(),
            service_id: "podgate-sandbox-service".into(),
            ..TikTokConfig::default()
        }
    }
}

/// A sandbox running in this process.
pub struct SandboxHandle {
    pub sandbox: Sandbox,
    pub base_url: String,
    stop: CancellationToken,
    shutdown: rocket::Shutdown,
}

impl SandboxHandle {
    /// Stops the server and its background tasks.
    pub fn stop(&self) {
        self.stop.cancel();
        self.shutdown.clone().notify();
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

fn rocket(sb: Sandbox, listen: SocketAddr) -> Rocket<Build> {
    let figment = Figment::from(rocket::Config::default())
        .merge(("address", listen.ip()))
        .merge(("port", listen.port()))
        .merge(("log_level", rocket::config::LogLevel::Off))
        .merge(("cli_colors", false))
        // The sandbox keeps no cookies, but Rocket refuses release builds without a key.
        .merge(("secret_key", crate::random_bytes::<64>().to_vec()))
        .merge(("shutdown.ctrlc", false))
        .merge(("limits.bytes", "4 MiB"))
        .merge(("limits.form", "64 KiB"))
        .merge(("limits.json", "4 MiB"));
    let mut routes = endpoints::routes();
    routes.extend(auth::routes());
    routes.extend(control::routes());
    routes.extend(unknown::routes());
    rocket::custom(figment)
        .manage(sb)
        .mount("/", routes)
        .register("/", unknown::catchers())
}

/// Starts a sandbox in this process and waits until it listens (port 0 picks a free port).
pub async fn spawn(cfg: SandboxConfig) -> anyhow::Result<SandboxHandle> {
    let (tx, rx) = tokio::sync::oneshot::channel::<u16>();
    let tx = Arc::new(Mutex::new(Some(tx)));
    let sandbox = Sandbox::new(&cfg);
    let rocket = rocket(sandbox.clone(), cfg.listen).attach(AdHoc::on_liftoff("sandbox port", move |r| {
        let tx = tx.clone();
        Box::pin(async move {
            if let Some(tx) = tx.lock().unwrap_or_else(|p| p.into_inner()).take() {
                let _ = tx.send(r.config().port);
            }
        })
    }));
    let ignited = rocket.ignite().await?;
    let shutdown = ignited.shutdown();
    let server = tokio::spawn(ignited.launch());
    let port = tokio::time::timeout(Duration::from_secs(30), rx).await??;
    // The base URL needs the real port, known only once bound.
    let base_url = cfg
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}:{port}", cfg.listen.ip()));
    sandbox.world.lock().unwrap_or_else(|p| p.into_inner()).base_url = base_url.clone();
    let stop = CancellationToken::new();
    tokio::spawn(ticker(sandbox.clone(), stop.clone()));
    tokio::spawn(webhooks::pusher(sandbox.clone(), stop.clone()));
    drop(server);
    Ok(SandboxHandle {
        sandbox,
        base_url,
        stop,
        shutdown,
    })
}

async fn ticker(sb: Sandbox, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
        sb.world.lock().unwrap_or_else(|p| p.into_inner()).tick();
    }
}

/// Random bytes from the operating system, for ids and secrets the sandbox makes up.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf
}
