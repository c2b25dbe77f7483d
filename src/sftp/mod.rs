//! The SFTP gateway: each supplier's drop for factory systems, served by russh inside
//! `podgate serve`. A virtual file system per supplier (outbox, inbox, results, archive) backed
//! by podgate's data; downloads stream from the stored files at the requested offsets;
//! acknowledgement files dropped in the inbox go through the same domain function as the web
//! portal. No shell, no forwarding; brute-force protection with escalating bans; an idle
//! timeout and a cap on sessions per supplier.

pub mod defender;
mod drop_view;
mod files;
mod guard;
mod inbox;
mod session;
mod upload;
pub mod vfs;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use russh::keys::{Algorithm, HashAlg, PrivateKey};
use tokio_util::sync::CancellationToken;

use crate::db::DbPool;
use crate::domain::batches::Batches;
use crate::net::limits::{Gate, GateLimits};

use defender::{Defender, DefenderConfig};

/// SFTP settings (`[default.sftp]`, or `PODGATE_SFTP__PORT` and so on).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(default)]
pub struct SftpSettings {
    /// Serve SFTP at all. Default on.
    pub enabled: bool,
    pub address: IpAddr,
    /// Default 2222.
    pub port: u16,
    /// Also offer an RSA host key and SHA-1 key exchange for old Java clients (JSch).
    pub legacy_clients: bool,
    /// Seconds without traffic before a session is closed. Default 900.
    pub idle_timeout_secs: u64,
    /// Concurrent sessions per supplier. Default 8.
    pub max_sessions_per_supplier: usize,
    /// Days a batch stays in `/outbox` before it shows in `/archive`, and a processed upload
    /// stays in `/archive` before it is removed. Default 30.
    pub retention_days: i64,
    /// Seconds a connection has to finish the SSH handshake and sign in. Default 20.
    pub handshake_timeout_secs: u64,
    /// Connections not yet signed in, in all. Default 64 (lowered to fit the descriptor limit).
    pub max_preauth_connections: usize,
    /// Connections not yet signed in, per address. Default 8.
    pub max_preauth_per_address: usize,
    /// New connections per address per minute. Default 60.
    pub connections_per_minute_per_address: u32,
    /// Files and folders a session may hold open at once. Default 64.
    pub max_open_handles: usize,
    /// Bytes a supplier's inbox may hold (uploads being written included), in MiB. Default 64.
    pub inbox_quota_mib: u64,
    /// Uploads left unfinished longer than this are swept from staging, in seconds. Default 3600.
    pub staging_max_age_secs: u64,
    pub defender: DefenderConfig,
    /// The Ed25519 host key, as OpenSSH writes it (`-----BEGIN OPENSSH PRIVATE KEY-----…`) or
    /// that text in base64 (one line, for an environment variable): the same on every node, so
    /// factories' clients never see it change. Default: generated into
    /// `<data_dir>/sftp_host_ed25519`. Never logged.
    #[serde(skip_serializing)]
    pub host_key: Option<String>,
}

impl Default for SftpSettings {
    fn default() -> Self {
        SftpSettings {
            enabled: true,
            address: IpAddr::from([127, 0, 0, 1]),
            port: 2222,
            legacy_clients: false,
            idle_timeout_secs: 900,
            max_sessions_per_supplier: 8,
            retention_days: 30,
            handshake_timeout_secs: 20,
            max_preauth_connections: 64,
            max_preauth_per_address: 8,
            connections_per_minute_per_address: 60,
            max_open_handles: 64,
            inbox_quota_mib: 64,
            staging_max_age_secs: 3600,
            defender: DefenderConfig::default(),
            host_key: None,
        }
    }
}

/// What every SFTP session shares.
pub struct Gateway {
    pub pool: DbPool,
    pub batches: Batches,
    pub settings: SftpSettings,
    pub defender: Defender,
    /// Where inbox uploads are kept (`<data_dir>/sftp/<supplier>/inbox`).
    pub dir: PathBuf,
    sessions: Mutex<HashMap<i64, usize>>,
    /// Connections not yet signed in (a permit each, given back at sign-in).
    pub preauth: Arc<Gate>,
}

/// A counted session of a supplier; released when dropped.
pub struct SessionSlot {
    gw: Arc<Gateway>,
    supplier_id: i64,
}

impl Drop for SessionSlot {
    fn drop(&mut self) {
        let mut m = self.gw.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.supplier_id) {
            *n = n.saturating_sub(1);
        }
    }
}

impl Gateway {
    /// Takes a session slot for a supplier, unless it has too many sessions open.
    pub fn take_slot(self: &Arc<Self>, supplier_id: i64) -> Option<SessionSlot> {
        let mut m = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(supplier_id).or_default();
        if *n >= self.settings.max_sessions_per_supplier {
            return None;
        }
        *n += 1;
        Some(SessionSlot {
            gw: self.clone(),
            supplier_id,
        })
    }

    /// A supplier's inbox folder.
    pub fn inbox_dir(&self, supplier_id: i64) -> PathBuf {
        self.dir.join(supplier_id.to_string()).join("inbox")
    }

    /// Where an inbox file is stored on disk (under its [`vfs::disk_name`]).
    pub fn inbox_path(&self, supplier_id: i64, name: &str) -> PathBuf {
        self.inbox_dir(supplier_id).join(vfs::disk_name(name))
    }

    /// Where a supplier's processed uploads are kept (shown in `/archive`).
    pub fn archive_dir(&self, supplier_id: i64) -> PathBuf {
        self.dir.join(supplier_id.to_string()).join("archive")
    }

    /// Where a processed upload is kept on disk, by its name in `/archive`.
    pub fn archive_path(&self, supplier_id: i64, name: &str) -> PathBuf {
        self.archive_dir(supplier_id).join(vfs::disk_name(name))
    }

    /// A processed upload's name in the shared bucket.
    fn archive_key(supplier_id: i64, disk_name: &str) -> String {
        format!("sftp/{supplier_id}/archive/{disk_name}")
    }

    /// Puts a processed upload (already in the archive folder) in the shared bucket, so the
    /// supplier's `/archive` shows it on every node.
    pub async fn commit_archived(
        &self,
        supplier_id: i64,
        name: &str,
    ) -> Result<(), crate::storage::StorageError> {
        let disk = vfs::disk_name(name);
        self.batches
            .labels
            .bucket
            .commit(
                &Self::archive_key(supplier_id, &disk),
                &self.archive_path(supplier_id, name),
            )
            .await
    }

    /// How long a processed upload stays in `/archive`.
    fn archive_retention(&self) -> Duration {
        Duration::from_secs(u64::try_from(self.settings.retention_days).unwrap_or(0) * 86_400)
    }

    /// Whether an object written at `modified` is past the archive's retention.
    fn past_retention(&self, modified: chrono::DateTime<chrono::Utc>) -> bool {
        (chrono::Utc::now() - modified)
            .to_std()
            .is_ok_and(|age| age > self.archive_retention())
    }

    /// Brings the supplier's processed uploads this node lacks from the shared bucket (small
    /// files: the factories' answers), before `/archive` is read; those past retention stay
    /// out (the sweep removes them from the bucket).
    pub async fn fetch_archive(&self, supplier_id: i64) {
        let bucket = &self.batches.labels.bucket;
        if !bucket.is_shared() {
            return;
        }
        let prefix = format!("sftp/{supplier_id}/archive");
        let fetched = async {
            for o in bucket.list(&prefix).await? {
                if !self.past_retention(o.modified) {
                    bucket
                        .fetch(&o.key, &self.archive_dir(supplier_id).join(&o.name))
                        .await?;
                }
            }
            Ok::<_, crate::storage::StorageError>(())
        }
        .await;
        if let Err(e) = fetched {
            tracing::warn!(supplier = supplier_id, error = %e, "the SFTP archive could not be fetched from the shared store");
        }
    }

    /// Removes processed uploads past retention from the shared bucket; how many.
    async fn sweep_bucket_archive(&self) -> usize {
        let bucket = &self.batches.labels.bucket;
        let swept = async {
            let mut n = 0;
            for o in bucket.list("sftp").await? {
                if o.key.contains("/archive/") && self.past_retention(o.modified) {
                    bucket.delete(&o.key).await?;
                    n += 1;
                }
            }
            Ok::<_, crate::storage::StorageError>(n)
        }
        .await;
        swept.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the SFTP archive could not be swept in the shared store");
            0
        })
    }

    /// Where a supplier's uploads are written until complete.
    pub fn staging_dir(&self, supplier_id: i64) -> PathBuf {
        self.dir.join(supplier_id.to_string()).join("staging")
    }

    /// Removes unfinished uploads older than the configured age (a client that vanished
    /// mid-upload, or a process that stopped); returns how many.
    pub fn sweep_staging(&self) -> usize {
        self.sweep("staging", Duration::from_secs(self.settings.staging_max_age_secs))
    }

    /// Removes processed uploads kept in `/archive` longer than the retention setting (their
    /// results stay in `/results`, their outcome on the web); returns how many.
    pub fn sweep_archive(&self) -> usize {
        self.sweep("archive", self.archive_retention())
    }

    /// Removes the files older than `max_age` from every supplier's `folder`.
    fn sweep(&self, folder: &str, max_age: Duration) -> usize {
        let mut swept = 0;
        let Ok(suppliers) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        for s in suppliers.flatten() {
            let Ok(files) = std::fs::read_dir(s.path().join(folder)) else {
                continue;
            };
            for f in files.flatten() {
                let old = f
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > max_age);
                if old && std::fs::remove_file(f.path()).is_ok() {
                    swept += 1;
                }
            }
        }
        swept
    }
}

/// The host keys: the configured one, else the data dir's, generated at first start (0600).
pub fn host_keys(data_dir: &Path, settings: &SftpSettings) -> anyhow::Result<Vec<PrivateKey>> {
    let ed25519 = match settings
        .host_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(k) => configured_key(k)?,
        None => load_or_create(&data_dir.join("sftp_host_ed25519"), Algorithm::Ed25519)?,
    };
    let mut keys = vec![ed25519];
    if settings.legacy_clients {
        keys.push(load_or_create(
            &data_dir.join("sftp_host_rsa"),
            Algorithm::Rsa { hash: None },
        )?);
    }
    Ok(keys)
}

/// A host key from the configuration: OpenSSH's text, or that text in base64.
fn configured_key(k: &str) -> anyhow::Result<PrivateKey> {
    use base64::Engine;
    let text = if k.starts_with("-----BEGIN") {
        k.to_string()
    } else {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(k)
            .context("sftp.host_key is neither an OpenSSH private key nor one in base64")?;
        String::from_utf8(bytes).context("sftp.host_key's base64 is not an OpenSSH private key")?
    };
    let key = russh::keys::decode_secret_key(&text, None)
        .context("sftp.host_key is not an OpenSSH private key podgate can read")?;
    anyhow::ensure!(
        key.algorithm() == Algorithm::Ed25519,
        "sftp.host_key must be an Ed25519 key (ssh-keygen -t ed25519), not {}",
        key.algorithm()
    );
    Ok(key)
}

fn load_or_create(path: &Path, alg: Algorithm) -> anyhow::Result<PrivateKey> {
    if path.exists() {
        return russh::keys::load_secret_key(path, None)
            .with_context(|| format!("reading {}", path.display()));
    }
    let key = PrivateKey::random(&mut rand::rng(), alg)?;
    let pem = key.to_openssh(russh::keys::ssh_key::LineEnding::LF)?;
    crate::secrets::write_private(path, pem.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(key)
}

/// The host keys' fingerprints (`SHA256:…`), for suppliers to pin.
pub fn fingerprints(data_dir: &Path, settings: &SftpSettings) -> Vec<(String, String)> {
    host_keys(data_dir, settings)
        .unwrap_or_default()
        .iter()
        .map(|k| {
            (
                k.algorithm().to_string(),
                k.public_key().fingerprint(HashAlg::Sha256).to_string(),
            )
        })
        .collect()
}

/// A running SFTP server.
pub struct SftpServer {
    pub addr: SocketAddr,
    pub task: tokio::task::JoinHandle<()>,
}

/// Starts the SFTP server; it stops when `shutdown` is cancelled.
pub async fn spawn(
    pool: DbPool,
    batches: Batches,
    settings: SftpSettings,
    data_dir: &Path,
    shutdown: CancellationToken,
) -> anyhow::Result<SftpServer> {
    let keys = host_keys(data_dir, &settings)?;
    let config = Arc::new(session::ssh_config(keys, &settings));
    let listener = tokio::net::TcpListener::bind((settings.address, settings.port))
        .await
        .with_context(|| format!("SFTP: listening on {}:{}", settings.address, settings.port))?;
    let addr = listener.local_addr()?;
    let preauth = Gate::new(
        GateLimits {
            total: settings.max_preauth_connections,
            per_address: settings.max_preauth_per_address,
            per_minute: settings.connections_per_minute_per_address,
        },
        Vec::new(),
    );
    let defender = Defender::new(settings.defender.clone(), pool.clone());
    let gw = Arc::new(Gateway {
        pool,
        batches,
        defender,
        dir: data_dir.join("sftp"),
        settings,
        sessions: Mutex::default(),
        preauth,
    });
    tokio::spawn(sweep_loop(gw.clone(), shutdown.clone()));
    let task = tokio::spawn(async move {
        loop {
            let Some((socket, peer)) = crate::net::accept(&listener, &shutdown, "sftp").await else {
                return;
            };
            // A ban this node has seen drops the address before the handshake costs anything;
            // one only another node has seen is read once the connection is admitted.
            if gw.defender.banned_here(&format!("ip:{}", peer.ip())).is_some() {
                tracing::info!(peer = %peer, "SFTP connection from a banned address dropped");
                continue;
            }
            let permit = match gw.preauth.admit(peer.ip()) {
                Ok(p) => p,
                Err(why) => {
                    tracing::debug!(peer = %peer, reason = %why, "SFTP connection refused");
                    continue;
                }
            };
            let _ = socket.set_nodelay(true);
            serve_connection(gw.clone(), config.clone(), socket, peer, permit);
        }
    });
    Ok(SftpServer { addr, task })
}

/// Runs one connection: it must sign in within the handshake timeout, and it can be cut at
/// any moment (timeout, revocation) even while the peer is silent.
fn serve_connection(
    gw: Arc<Gateway>,
    config: Arc<russh::server::Config>,
    socket: tokio::net::TcpStream,
    peer: SocketAddr,
    permit: crate::net::limits::Permit,
) {
    let kill = CancellationToken::new();
    let signed_in = CancellationToken::new();
    let timeout = Duration::from_secs(gw.settings.handshake_timeout_secs.max(1));
    {
        let (kill, signed_in) = (kill.clone(), signed_in.clone());
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep(timeout) => if !signed_in.is_cancelled() {
                    tracing::debug!(peer = %peer, "SFTP connection did not sign in in time: closed");
                    kill.cancel();
                },
                _ = kill.cancelled() => {}
            }
        });
    }
    let stream = guard::Killable::new(socket, kill.clone());
    let gw2 = gw.clone();
    let handler = session::SshSession::new(gw, peer, permit, kill.clone(), signed_in);
    tokio::spawn(async move {
        let _counted = crate::ops::metrics::SftpConnection::open();
        // A ban another node made (this one has not seen it yet) also ends it before the handshake.
        if gw2.defender.banned(&format!("ip:{}", peer.ip())).await.is_some() {
            tracing::info!(peer = %peer, "SFTP connection from a banned address dropped");
            kill.cancel();
            return;
        }
        match russh::server::run_stream(config, stream, handler).await {
            Ok(running) => {
                if let Err(e) = running.await {
                    tracing::debug!(peer = %peer, error = %e, "SFTP session ended with an error");
                }
            }
            Err(e) => tracing::debug!(peer = %peer, error = %e, "SFTP handshake failed"),
        }
        kill.cancel();
    });
}

/// Sweeps abandoned uploads and old archived ones at start and every ten minutes.
async fn sweep_loop(gw: Arc<Gateway>, shutdown: CancellationToken) {
    loop {
        let n = gw.sweep_staging();
        if n > 0 {
            tracing::info!(files = n, "SFTP: abandoned uploads swept from staging");
        }
        gw.defender.sweep().await;
        let n = gw.sweep_archive() + gw.sweep_bucket_archive().await;
        if n > 0 {
            tracing::info!(
                files = n,
                "SFTP: processed uploads past retention removed from the archive"
            );
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
        }
    }
}
