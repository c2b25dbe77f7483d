//! Process wiring: configuration, secrets, database, logging, the listeners (the front door
//! before Rocket, the SFTP drop), the background jobs (sync, label jobs, batch clock, mail, webhooks,
//! housekeeping), and one shutdown path for all of them. The services come from
//! [`crate::services`].

use std::time::Duration;

use anyhow::Context;
use rocket::figment::Figment;
use tokio_util::sync::CancellationToken;

use crate::config::{AppConfig, LogFormat};
use crate::db::{DbPool, DbUrl};
use crate::domain::deployment_keys::NodeKey;
use crate::services::Services;

/// Installs the tracing subscriber (text or JSON lines, `RUST_LOG` filter, default `info`).
pub fn init_logging(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .with_target(false);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// What is logged: `RUST_LOG` when set, else podgate's info messages. Rocket's own messages
/// are off: they repeat request paths (tokens in reset and invite links included); podgate's
/// request log says the same with the route pattern instead.
pub fn log_filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rocket=off,_=off"))
}

/// Everything a running podgate needs, prepared from configuration.
pub struct Prepared {
    /// The figment Rocket is built from (with generated secrets filled in).
    pub figment: Figment,
    /// The typed configuration.
    pub config: AppConfig,
    /// The database pool (migrations already applied).
    pub pool: DbPool,
}

/// Reads configuration, creates the data dir and secrets, migrates and opens the database.
pub fn prepare(figment: Figment) -> anyhow::Result<Prepared> {
    let config = AppConfig::from_figment(&figment)?;
    private_files();
    std::fs::create_dir_all(config.data_dir())
        .with_context(|| format!("cannot create data_dir {}", config.data_dir().display()))?;
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(config.data_dir(), std::fs::Permissions::from_mode(0o700));
    }
    crate::domain::leases::name_node(config.node_id.as_deref());
    let (cookie_key, keys) = node_keys(&config)?;
    let url = DbUrl::parse(&config.database_url())?;
    let pool = DbPool::open(&url, config.db_pool_size)
        .with_context(|| format!("opening the {} database", url.backend()))?;
    {
        let mut conn = pool.get()?;
        crate::domain::deployment_keys::agree(&mut conn, &keys, crate::domain::leases::worker_id())?;
    }
    let figment = figment
        .merge(("secret_key", cookie_key))
        .merge(("log_level", rocket::config::LogLevel::Off))
        .merge(("cli_colors", false));
    Ok(Prepared {
        figment,
        config,
        pool,
    })
}

/// The keys this node uses (created where absent) as fingerprints every node must share, and
/// the cookie key itself for Rocket.
pub fn node_keys(config: &AppConfig) -> anyhow::Result<(Vec<u8>, Vec<NodeKey>)> {
    let dir = config.data_dir();
    let cookie_key = crate::secrets::load_or_create(config.cookie_key.as_deref(), dir, "cookie_key", 64)
        .context("cookie_key")?;
    let token_key = crate::secrets::load_or_create(config.token_key.as_deref(), dir, "token_key", 32)
        .context("token_key")?;
    let mut keys = vec![
        NodeKey::secret("cookie_key", &cookie_key),
        NodeKey::secret("token_key", &token_key),
    ];
    if config.sftp.enabled {
        // A host key that cannot be read stops the start here, with the reason.
        for k in crate::sftp::host_keys(dir, &config.sftp).context("sftp host key")? {
            let fingerprint = k
                .public_key()
                .fingerprint(russh::keys::HashAlg::Sha256)
                .to_string();
            keys.push(NodeKey::public(
                &format!("sftp_host_key {}", k.algorithm()),
                &fingerprint,
            ));
        }
    }
    Ok((cookie_key, keys))
}

/// Everything podgate writes (database, labels, zips, uploads, keys) is its own: files 0600,
/// folders 0700, whatever umask it was started with.
pub fn private_files() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Runs the web portal and background jobs until SIGTERM or ctrl-c, then stops them in order.
pub async fn serve(prepared: Prepared, demo: bool) -> anyhow::Result<()> {
    let Prepared {
        figment,
        mut config,
        pool,
    } = prepared;
    let sandbox = if demo {
        Some(start_demo_sandbox(&mut config).await?)
    } else {
        None
    };
    fit_listeners_to_descriptors(&mut config);
    let url = config.public_url();
    let services = Services::new(pool.clone(), &config)?;
    let demo = match &sandbox {
        Some(sb) => Some(crate::demo::seed(&services, sb, &config).await?),
        None => None,
    };
    let needs_setup = crate::domain::accounts::needs_setup(&pool).await?;
    let shutdown = CancellationToken::new();
    if let Some(creds) = &demo {
        crate::demo::start_receiver(&services, creds, shutdown.clone()).await?;
    }
    let jobs = tokio::spawn(housekeeping(pool.clone(), shutdown.clone()));
    // Label jobs survive restarts and are shared with other processes on the same database.
    let label_watch = tokio::spawn(
        services
            .labels
            .clone()
            .watch(Duration::from_secs(3), shutdown.clone()),
    );
    // Catalog changes' routing passes survive restarts and are shared with other processes.
    let routing = tokio::spawn(crate::domain::routing::pass::watch(
        pool.clone(),
        Duration::from_secs(3),
        shutdown.clone(),
    ));
    let clock = tokio::spawn(
        services
            .batches
            .clone()
            .clock(Duration::from_secs(config.batch_clock_secs), shutdown.clone()),
    );
    let mail = tokio::spawn(crate::mail::deliver_loop(
        pool.clone(),
        services.mailer.clone(),
        Duration::from_secs(5),
        shutdown.clone(),
    ));
    let webhooks = tokio::spawn(crate::domain::factory_webhooks::deliver::deliver_loop(
        services.webhooks.clone(),
        Duration::from_secs(2),
        shutdown.clone(),
    ));
    let smtp_missing = services.mailer.is_none();
    let sftp = if config.sftp.enabled {
        let s = crate::sftp::spawn(
            pool.clone(),
            services.batches.clone(),
            config.sftp.clone(),
            config.data_dir(),
            shutdown.clone(),
        )
        .await?;
        println!("Suppliers' SFTP drop listens on {}", s.addr);
        Some(s)
    } else {
        None
    };
    let every = Duration::from_secs(config.sync_interval_secs);
    let poller = tokio::spawn(services.shops.clone().poll_loop(
        services.sync.clone(),
        every,
        shutdown.clone(),
    ));
    // Rocket listens on loopback only; the front door owns the public address and its limits.
    let front_key = hex::encode(crate::crypto::random_bytes::<16>());
    let (upstream_tx, upstream_rx) = tokio::sync::watch::channel(None);
    let rocket_figment = figment
        .merge(("address", "127.0.0.1"))
        .merge(("port", 0))
        .merge(("ip_header", false))
        .merge(("keep_alive", 60));
    let rocket = crate::web::build(rocket_figment, config.clone(), services)
        .manage(crate::web::guards::FrontKey(front_key.clone()))
        .attach(rocket::fairing::AdHoc::on_liftoff(
            "front door upstream",
            move |r| {
                let addr = std::net::SocketAddr::new(r.config().address, r.config().port);
                Box::pin(async move {
                    let _ = upstream_tx.send(Some(addr));
                })
            },
        ))
        .ignite()
        .await?;
    let (front_addr, front) = crate::net::front::spawn(
        std::net::SocketAddr::new(config.address, config.port),
        config.http.clone(),
        config.trusted_proxy_networks(),
        front_key,
        upstream_rx,
        shutdown.clone(),
    )
    .await?;
    let web_addr = format!("http://{front_addr}");
    tracing::info!(database = pool.backend(), address = %web_addr, "podgate is listening");
    println!("podgate {} is running on {web_addr}", env!("CARGO_PKG_VERSION"));
    // What to register for the TikTok app in Partner Center (docs/tiktok.md).
    println!("TikTok app URLs to register: redirect {url}/shops/callback, webhook {url}/webhooks/tiktok");
    if smtp_missing {
        println!(
            "No SMTP server is configured ([default.smtp] or PODGATE_SMTP__HOST): mail is kept in the outbox; see {url}/mail."
        );
        tracing::warn!("no SMTP server configured: mail stays in the outbox");
    }
    if needs_setup {
        println!("Open {url}/setup to create your workspace and its owner.");
    } else {
        println!("Open {url}/ to sign in.");
    }
    let result = rocket.launch().await;
    shutdown.cancel();
    if let Some(sb) = sandbox {
        sb.stop();
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), jobs).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), poller).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), label_watch).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), routing).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), clock).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), mail).await;
    let _ = tokio::time::timeout(Duration::from_secs(15), webhooks).await;
    if let Some(s) = sftp {
        let _ = tokio::time::timeout(Duration::from_secs(10), s.task).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), front).await;
    crate::domain::leases::release_all(&pool).await;
    tracing::info!("podgate stopped");
    result.map(|_| ()).map_err(anyhow::Error::from)
}

/// Raises the descriptor limit and lowers the connection caps to what it can hold, saying so.
fn fit_listeners_to_descriptors(config: &mut AppConfig) {
    let fds = crate::net::rlimit::raise_nofile();
    let (h, s) = (&mut config.http, &mut config.sftp);
    let fitted = crate::net::fit_caps(
        fds,
        (h.max_connections, h.max_connections_per_address),
        (s.max_preauth_connections, s.max_preauth_per_address),
    );
    let wanted = (
        h.max_connections,
        h.max_connections_per_address,
        s.max_preauth_connections,
        s.max_preauth_per_address,
    );
    if fitted != wanted {
        tracing::warn!(
            descriptors = fds,
            web_connections = fitted.0,
            sftp_unauthenticated = fitted.2,
            "the descriptor limit is low: connection caps lowered to fit (raise `ulimit -n`)"
        );
    }
    (
        h.max_connections,
        h.max_connections_per_address,
        s.max_preauth_connections,
        s.max_preauth_per_address,
    ) = fitted;
}

/// Starts the sandbox in this process and points the TikTok client configuration at it.
async fn start_demo_sandbox(config: &mut AppConfig) -> anyhow::Result<tiktok_sandbox::SandboxHandle> {
    let cfg = tiktok_sandbox::SandboxConfig {
        listen: std::net::SocketAddr::new(config.address, config.demo_sandbox_port),
        redirect_url: Some(format!("{}/shops/callback", config.public_url())),
        webhook_url: Some(format!("{}/webhooks/tiktok", config.public_url())),
        // Enough orders awaiting shipment to try a batch of 50 labels at once.
        world: tiktok_sandbox::world::WorldSettings {
            initial_orders: 150,
            // The carrier scans a label ten minutes after it is bought, one in five a day and a
            // half later: the demo shows packages labelled but not yet scanned. The mug
            // partner's warehouse is often late, and sometimes never hands a package over: the
            // Dispatch page and its escalations have something to show.
            scans: tiktok_sandbox::tracking::ScanSettings {
                after_secs: 600,
                late_share: 0.2,
                late_extra_secs: 36 * 3600,
                by_warehouse: [(
                    "7000000000000000002".to_string(),
                    tiktok_sandbox::tracking::ScanProfile {
                        after_secs: 1800,
                        late_share: 0.6,
                        late_extra_secs: 3 * 24 * 3600,
                        never_share: 0.1,
                    },
                )]
                .into(),
                ..Default::default()
            },
            ..tiktok_sandbox::world::WorldSettings::default()
        },
        ..tiktok_sandbox::SandboxConfig::default()
    };
    let handle = tiktok_sandbox::spawn(cfg)
        .await
        .with_context(|| format!("starting the demo sandbox on port {}", config.demo_sandbox_port))?;
    config.tiktok = handle.sandbox.client_config();
    // The demo shop changes every few seconds; poll often so a newcomer sees it move.
    config.sync_interval_secs = config.sync_interval_secs.min(10);
    println!(
        "Demo: TikTok Shop sandbox on {} (inspect it at {}/sandbox)",
        handle.base_url, handle.base_url
    );
    println!(
        "      app key {} / app secret {}",
        config.tiktok.app_key, config.tiktok.app_secret
    );
    Ok(handle)
}

/// Hourly cleanup of expired sessions, old sign-in attempts and old webhook deliveries.
async fn housekeeping(pool: DbPool, shutdown: CancellationToken) {
    loop {
        match crate::domain::accounts::housekeeping(&pool).await {
            Ok((s, a)) if s + a > 0 => tracing::info!(sessions = s, attempts = a, "housekeeping"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
        match crate::domain::factory_webhooks::prune(&pool).await {
            Ok(n) if n > 0 => tracing::info!(deliveries = n, "old webhook deliveries removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "webhook housekeeping failed"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
        }
    }
}
