//! The SFTP gateway: each supplier's drop for factory systems, served by russh inside
//! `podgate serve`. A virtual file system per supplier (outbox, inbox, results, archive) backed
//! by podgate's data; downloads stream from the stored files at the requested offsets;
//! acknowledgement files dropped in the inbox go through the same domain function as the web
//! portal. No shell, no forwarding; brute-force protection with escalating bans; an idle
//! timeout and a cap on sessions per supplier.

pub mod defender;
mod drop_view;
mod files;
mod inbox;
mod session;
pub mod vfs;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use russh::keys::{Algorithm, HashAlg, PrivateKey};
use tokio_util::sync::CancellationToken;

use crate::batches::Batches;
use crate::db::DbPool;

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
    /// Days a batch stays in `/outbox` before it shows in `/archive`. Default 30.
    pub retention_days: i64,
    pub defender: DefenderConfig,
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
            defender: DefenderConfig::default(),
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
}

/// Loads the host keys from the data dir, generating them at first start (0600).
pub fn host_keys(data_dir: &Path, legacy: bool) -> anyhow::Result<Vec<PrivateKey>> {
    let mut keys = vec![load_or_create(
        &data_dir.join("sftp_host_ed25519"),
        Algorithm::Ed25519,
    )?];
    if legacy {
        keys.push(load_or_create(
            &data_dir.join("sftp_host_rsa"),
            Algorithm::Rsa { hash: None },
        )?);
    }
    Ok(keys)
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
pub fn fingerprints(data_dir: &Path, legacy: bool) -> Vec<(String, String)> {
    host_keys(data_dir, legacy)
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
    let keys = host_keys(data_dir, settings.legacy_clients)?;
    let config = Arc::new(session::ssh_config(keys, &settings));
    let listener = tokio::net::TcpListener::bind((settings.address, settings.port))
        .await
        .with_context(|| format!("SFTP: listening on {}:{}", settings.address, settings.port))?;
    let addr = listener.local_addr()?;
    let gw = Arc::new(Gateway {
        pool,
        batches,
        defender: Defender::new(settings.defender.clone()),
        dir: data_dir.join("sftp"),
        settings,
        sessions: Mutex::default(),
    });
    let task = tokio::spawn(async move {
        loop {
            let (socket, peer) = tokio::select! {
                _ = shutdown.cancelled() => return,
                r = listener.accept() => match r {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::warn!(error = %e, "SFTP accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
            };
            // A banned address is dropped before the handshake costs anything.
            if gw.defender.banned(&format!("ip:{}", peer.ip())).is_some() {
                tracing::info!(peer = %peer, "SFTP connection from a banned address dropped");
                continue;
            }
            let _ = socket.set_nodelay(true);
            let handler = session::SshSession::new(gw.clone(), peer);
            let config = config.clone();
            tokio::spawn(async move {
                match russh::server::run_stream(config, socket, handler).await {
                    Ok(running) => {
                        if let Err(e) = running.await {
                            tracing::debug!(peer = %peer, error = %e, "SFTP session ended with an error");
                        }
                    }
                    Err(e) => tracing::debug!(peer = %peer, error = %e, "SFTP handshake failed"),
                }
            });
        }
    });
    Ok(SftpServer { addr, task })
}
