//! The command line: `serve [--demo]`, `migrate`, `user add|passwd|list`, `sandbox` (the TikTok
//! Shop sandbox on its own), `bench <what>` (runs `podgate-bench`), `mail test` and `keys accept`.

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::config::{self, AppConfig};
use crate::db::models::user::{Role, User};
use crate::db::models::workspace::Workspace;
use crate::db::{DbPool, DbUrl};
use crate::domain::accounts;

/// podgate: hand TikTok Shop labels and print files to print-on-demand suppliers.
#[derive(Debug, Parser)]
#[command(name = "podgate", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web portal and background jobs.
    Serve {
        /// Also run the TikTok Shop sandbox in this process and point podgate at it.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage people from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Run the TikTok Shop sandbox: our implementation of the API subset podgate uses.
    Sandbox(SandboxArgs),
    /// Measure performance: runs `podgate-bench` (built beside podgate with
    /// `cargo build --release -p podgate-bench`); ends with one JSON line of figures.
    #[command(disable_help_flag = true)]
    Bench {
        /// What to measure and its options (`podgate bench --help` lists them: it is podgate-bench's).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Mail: check delivery through the configured SMTP server.
    #[command(subcommand)]
    Mail(MailCommand),
    /// The keys every node on one database shares (cookie, token and SFTP host keys).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Files every node shares: move a node's data dir into a bucket.
    #[command(subcommand)]
    Storage(StorageCommand),
}

#[derive(Debug, Subcommand)]
enum StorageCommand {
    /// Copy this node's labels, artwork, sealed batches and SFTP archive into the configured bucket (files
    /// already there at the same size are skipped: run it again after a stop to carry on).
    Copy,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Make this node's keys the deployment's, after changing them on purpose on every node
    /// (nodes with other keys then refuse to start).
    Accept,
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// Send a test message now (or, without an SMTP server, queue it in the outbox).
    Test {
        /// Who gets the test message.
        address: String,
    },
}

#[derive(Debug, Args)]
struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9100")]
    listen: std::net::SocketAddr,
    /// The app key clients must use.
    #[arg(long, default_value = tiktok_sandbox::DEFAULT_APP_KEY)]
    app_key: String,
    /// The app secret clients sign with.
    #[arg(long, default_value = tiktok_sandbox::DEFAULT_APP_SECRET)]
    app_secret: String,
    /// Seed of the generated shop (same seed, same orders).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of shops of the sandbox seller.
    #[arg(long, default_value_t = 1)]
    shops: usize,
    /// Orders per shop at start.
    #[arg(long, default_value_t = 60)]
    orders: usize,
    /// New orders per minute per shop.
    #[arg(long, default_value_t = 2.0)]
    orders_per_minute: f64,
    /// Seconds a paid order stays ON_HOLD.
    #[arg(long, default_value_t = 60)]
    on_hold_secs: i64,
    /// Requests per second per API per shop before HTTP 429.
    #[arg(long, default_value_t = 50)]
    rate_limit: u32,
    /// Where the authorization page sends the seller back (the app's redirect URL).
    #[arg(long)]
    redirect_url: Option<String>,
    /// Where webhooks are pushed.
    #[arg(long)]
    webhook_url: Option<String>,
    /// Added latency per API call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of API calls answered with an error of a documented retryable class (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share of API calls carried out whose answer is then lost (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    lost_answer_rate: f64,
    /// Share of label purchases refused because the order is on hold (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    hold_rate: f64,
    /// Seconds from a label to the carrier's first scan (0: only when asked).
    #[arg(long, default_value_t = 0)]
    scan_after_secs: i64,
    /// Share of packages (0 to 1) the carrier scans late, and how much later (seconds).
    #[arg(long, default_value_t = 0.0)]
    late_scan_share: f64,
    #[arg(long, default_value_t = 36 * 3600)]
    late_scan_extra_secs: i64,
    /// Share of packages (0 to 1) the carrier never scans (never handed over, or lost).
    #[arg(long, default_value_t = 0.0)]
    never_scan_share: f64,
    /// US TikTok Shipping label allocation: one service per package, the asked one ignored.
    #[arg(long)]
    label_allocation: bool,
    /// HTTP status of business refusals (the docs do not say; default 200, code in the body).
    #[arg(long, default_value_t = 200)]
    business_error_http: u16,
    /// Keep the refresh token on refresh instead of rotating it (the docs do not say).
    #[arg(long)]
    keep_refresh_token: bool,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user (creates the workspace when it does not exist yet).
    Add(AddUser),
    /// Set a user's password and sign them out everywhere.
    Passwd {
        /// The user's email.
        email: String,
        /// The new password (read from PODGATE_PASSWORD when omitted).
        #[arg(long, env = "PODGATE_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// List every user.
    List,
}

#[derive(Debug, Args)]
struct AddUser {
    /// The user's email, used to sign in.
    email: String,
    /// Workspace (seller company) name.
    #[arg(long)]
    workspace: String,
    /// Display name.
    #[arg(long)]
    name: String,
    /// `owner` or `staff`.
    #[arg(long, default_value = "staff")]
    role: String,
    /// The password (read from PODGATE_PASSWORD when omitted).
    #[arg(long, env = "PODGATE_PASSWORD", hide_env_values = true)]
    password: String,
}

/// Parses the command line and runs the command.
pub fn main() -> anyhow::Result<()> {
    run(Cli::parse())
}

/// Runs a parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let figment = config::figment();
    match cli.command {
        Command::Serve { demo } => {
            let cfg = AppConfig::from_figment(&figment)?;
            crate::app::init_logging(cfg.log_format);
            let prepared = crate::app::prepare(figment)?;
            rocket::execute(crate::app::serve(prepared, demo))
        }
        Command::Migrate => {
            let cfg = AppConfig::from_figment(&figment)?;
            let url = DbUrl::parse(&cfg.database_url())?;
            let applied = url.run_migrations()?;
            if applied.is_empty() {
                println!("{} database is up to date", url.backend());
            } else {
                println!(
                    "applied {} migration(s) to the {} database: {}",
                    applied.len(),
                    url.backend(),
                    applied.join(", ")
                );
            }
            Ok(())
        }
        Command::User(cmd) => user_command(&figment, cmd),
        Command::Bench { args } => run_bench(&args),
        Command::Sandbox(a) => {
            crate::app::init_logging(crate::config::LogFormat::Text);
            rocket::execute(run_sandbox(a))
        }
        Command::Mail(MailCommand::Test { address }) => rocket::execute(mail_test(figment, address)),
        Command::Storage(StorageCommand::Copy) => {
            let cfg = AppConfig::from_figment(&figment)?;
            rocket::execute(storage_copy(cfg))
        }
        Command::Keys(KeysCommand::Accept) => {
            let cfg = AppConfig::from_figment(&figment)?;
            crate::app::private_files();
            std::fs::create_dir_all(cfg.data_dir())?;
            let (_, keys) = crate::app::node_keys(&cfg)?;
            let url = DbUrl::parse(&cfg.database_url())?;
            let pool = DbPool::open(&url, 1)?;
            let mut conn = pool.get()?;
            let changed =
                crate::domain::deployment_keys::accept(&mut conn, &keys, crate::domain::leases::worker_id())?;
            println!(
                "{changed} of {} key fingerprint(s) changed; every node must now use this node's keys",
                keys.len()
            );
            Ok(())
        }
    }
}

async fn mail_test(figment: rocket::figment::Figment, address: String) -> anyhow::Result<()> {
    let prepared = crate::app::prepare(figment)?;
    let (subject, body) = crate::mail::texts::test();
    match prepared.config.smtp.as_ref().filter(|s| !s.host.is_empty()) {
        Some(cfg) => {
            let mailer = crate::mail::Mailer::new(cfg)?;
            mailer
                .send(&address, &subject, &body)
                .await
                .map_err(|e| anyhow::anyhow!("could not send through {}:{}: {e}", cfg.host, cfg.port))?;
            println!(
                "sent a test message to {address} through {}:{}",
                cfg.host, cfg.port
            );
        }
        None => {
            prepared
                .pool
                .run(move |c| {
                    crate::db::models::mail::enqueue(c, None, "test", &address, &subject, &body)
                        .map_err(crate::domain::DomainError::from)
                })
                .await?;
            println!(
                "no SMTP server is configured ([default.smtp] or PODGATE_SMTP__HOST): the test message is kept in the outbox (the Mail page)"
            );
        }
    }
    Ok(())
}

async fn run_sandbox(a: SandboxArgs) -> anyhow::Result<()> {
    use tiktok_sandbox::{SandboxConfig, faults::FaultSettings, world::WorldSettings};
    let cfg = SandboxConfig {
        listen: a.listen,
        app_key: a.app_key.clone(),
        app_secret: a.app_secret.clone(),
        world: WorldSettings {
            seed: a.seed,
            shops: a.shops,
            initial_orders: a.orders,
            orders_per_minute: a.orders_per_minute,
            on_hold_secs: a.on_hold_secs,
            rate_limit_per_sec: a.rate_limit,
            scans: tiktok_sandbox::tracking::ScanSettings {
                after_secs: a.scan_after_secs,
                late_share: a.late_scan_share,
                late_extra_secs: a.late_scan_extra_secs,
                never_share: a.never_scan_share,
                ..Default::default()
            },
            label_allocation: a.label_allocation,
            business_error_http: a.business_error_http,
            rotate_refresh_token: !a.keep_refresh_token,
            ..WorldSettings::default()
        },
        faults: FaultSettings {
            latency_ms: a.latency_ms,
            error_rate: a.error_rate,
            lost_answer_rate: a.lost_answer_rate,
            hold_rate: a.hold_rate,
            ..FaultSettings::default()
        },
        redirect_url: a.redirect_url,
        webhook_url: a.webhook_url,
        ..SandboxConfig::default()
    };
    let handle = tiktok_sandbox::spawn(cfg).await?;
    println!("TikTok Shop sandbox listening on {}", handle.base_url);
    println!("  app key:    {}", a.app_key);
    println!("  app secret: {}", a.app_secret);
    println!("  authorize:  {}/open/authorize", handle.base_url);
    println!("  inspect:    {}/sandbox", handle.base_url);
    // Stop on ctrl-c or SIGTERM (service managers and `timeout` send the latter).
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        _ = term.recv() => {}
    }
    handle.stop();
    Ok(())
}

fn open_pool(figment: &rocket::figment::Figment) -> anyhow::Result<DbPool> {
    let cfg = AppConfig::from_figment(figment)?;
    let url = DbUrl::parse(&cfg.database_url())?;
    DbPool::open(&url, 1).context("opening the database")
}

fn user_command(figment: &rocket::figment::Figment, cmd: UserCommand) -> anyhow::Result<()> {
    let pool = open_pool(figment)?;
    let mut conn = pool.get()?;
    match cmd {
        UserCommand::Add(a) => {
            let role =
                Role::parse(&a.role).with_context(|| format!("--role {:?}: use owner or staff", a.role))?;
            let user =
                accounts::add_user_blocking(&mut conn, &a.workspace, &a.email, &a.name, role, &a.password)?;
            println!(
                "added {} ({}) to workspace {:?}",
                user.email, user.role, a.workspace
            );
        }
        UserCommand::Passwd { email, password } => {
            let user = accounts::set_password_blocking(&mut conn, &email, &password)?;
            println!("password set for {}; their sessions were signed out", user.email);
        }
        UserCommand::List => {
            println!(
                "{:<6} {:<32} {:<8} {:<24} workspace",
                "id", "email", "role", "name"
            );
            for u in User::list_all(&mut conn)? {
                let ws = Workspace::find(&mut conn, u.workspace_id)?;
                println!(
                    "{:<6} {:<32} {:<8} {:<24} {}",
                    u.id, u.email, u.role, u.name, ws.name
                );
            }
        }
    }
    Ok(())
}

/// `podgate bench …` runs the benchmark binary, the way `cargo foo` runs `cargo-foo`: the
/// benchmarks and their fixtures are not part of the product, so they are their own binary.
fn run_bench(args: &[String]) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let beside = exe.with_file_name(format!("podgate-bench{}", std::env::consts::EXE_SUFFIX));
    let program = if beside.exists() {
        beside
    } else {
        "podgate-bench".into()
    };
    let status = std::process::Command::new(&program).args(args).status().map_err(|e| {
        anyhow::anyhow!(
            "podgate bench needs the podgate-bench binary ({e}): build it with \
             `cargo build --release -p podgate-bench`, or run `cargo run --release -p podgate-bench -- <what>`"
        )
    })?;
    if status.success() {
        Ok(())
    } else {
        anyhow::bail!("podgate-bench failed ({status})")
    }
}

/// `podgate storage copy`: the data dir's files into the bucket, with progress.
async fn storage_copy(cfg: AppConfig) -> anyhow::Result<()> {
    use std::io::Write;
    let bucket = crate::storage::Bucket::open(&cfg.storage)?;
    let batches_dir = cfg
        .batches_dir
        .clone()
        .unwrap_or_else(|| cfg.data_dir().join("batches"));
    let files = crate::storage::copy::files_to_copy(cfg.data_dir(), &batches_dir)?;
    println!(
        "copying {} file(s) from {} to {}",
        files.len(),
        cfg.data_dir().display(),
        bucket.describe()
    );
    let done = crate::storage::copy::copy_all(&bucket, &files, |i, n, bytes| {
        if i == n || i % 100 == 0 {
            print!("\r{i} of {n} ({:.1} MiB copied)", bytes as f64 / 1048576.0);
            let _ = std::io::stdout().flush();
        }
    })
    .await?;
    println!(
        "\ndone: {} copied ({:.1} MiB), {} already there",
        done.files,
        done.bytes as f64 / 1048576.0,
        done.skipped
    );
    Ok(())
}
