//! Fetching one artwork file for the pre-flight: http(s) only, through [`crate::net::egress`]
//! (every hop's address checked and the connection pinned to it, so a redirect or a changing
//! DNS answer cannot reach the private network unless the seller allowed that host), at most
//! `max_bytes`, within `timeout_secs` for the whole transfer, written to a file while hashed.

use std::path::Path;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::net::egress::{EgressError, resolve_checked};

/// Limits of artwork fetching (`[default.artwork]`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ArtworkLimits {
    /// The largest artwork file accepted, in bytes. Default 200 MiB.
    pub max_bytes: u64,
    /// Seconds one file may take, redirects included. Default 60.
    pub timeout_secs: u64,
    /// Redirects followed per file. Default 5.
    pub max_redirects: u8,
    /// Files fetched at once per check. Default 4.
    pub concurrency: usize,
    /// The most pixels an artwork file may have (a "decompression bomb" guard). Default 250 M.
    pub max_pixels: u64,
}

impl Default for ArtworkLimits {
    fn default() -> Self {
        ArtworkLimits {
            max_bytes: 200 * 1024 * 1024,
            timeout_secs: 60,
            max_redirects: 5,
            concurrency: 4,
            max_pixels: 250_000_000,
        }
    }
}

/// Why a file could not be fetched, said so the seller knows what to do.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("is not an http or https address: give a link the factory can download.")]
    Scheme,
    #[error(
        "is on a private or loopback address ({host} is {ip}): podgate fetches artwork only from public addresses, unless {host} is among the private artwork hosts on the Artwork page."
    )]
    Private { host: String, ip: std::net::IpAddr },
    #[error("could not be reached: {0}. Check the address and that the server is up.")]
    Unreachable(String),
    #[error("answered {0}: check the address, or upload the file again.")]
    Status(String),
    #[error("is larger than {limit} MiB, the most podgate fetches (artwork.max_bytes): send a smaller file.", limit = .0 / (1024 * 1024))]
    TooLarge(u64),
    #[error(
        "did not arrive within {0} s (artwork.timeout_secs): check that the server is up and fast enough, then check again."
    )]
    Timeout(u64),
    #[error("redirects more than {0} times: link the file itself.")]
    Redirects(u8),
    #[error("could not be stored here: {0}")]
    Storage(String),
}

impl From<EgressError> for FetchError {
    fn from(e: EgressError) -> Self {
        match e {
            EgressError::Private { host, ip } => FetchError::Private { host, ip },
            other => FetchError::Unreachable(other.to_string()),
        }
    }
}

/// What arrived.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Lower-case hex SHA-256.
    pub sha256: String,
    pub bytes: u64,
}

/// Fetches `url` into `into` (created or truncated). `private_ok` says whether a host may be
/// on a private address.
pub async fn fetch(
    url: &url::Url,
    private_ok: &(dyn Fn(&str) -> bool + Sync),
    limits: &ArtworkLimits,
    into: &Path,
) -> Result<Fetched, FetchError> {
    let secs = limits.timeout_secs.max(1);
    tokio::time::timeout(Duration::from_secs(secs), follow(url, private_ok, limits, into))
        .await
        .unwrap_or(Err(FetchError::Timeout(secs)))
}

async fn follow(
    url: &url::Url,
    private_ok: &(dyn Fn(&str) -> bool + Sync),
    limits: &ArtworkLimits,
    into: &Path,
) -> Result<Fetched, FetchError> {
    let mut url = url.clone();
    for _ in 0..=limits.max_redirects {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Scheme);
        }
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_string();
        let (host, addr) = resolve_checked(&url, private_ok(&host)).await?;
        let client = reqwest::Client::builder()
            .resolve(&host, addr)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!(
                "podgate/",
                env!("CARGO_PKG_VERSION"),
                " (artwork pre-flight)"
            ))
            .build()
            .map_err(|e| FetchError::Unreachable(e.to_string()))?;
        let mut r = client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| FetchError::Unreachable(message(e)))?;
        let status = r.status();
        if status.is_redirection() {
            let next = r
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| url.join(l).ok())
                .ok_or_else(|| FetchError::Status(format!("{status} without a usable Location")))?;
            url = next;
            continue;
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.to_string()));
        }
        if r.content_length().is_some_and(|n| n > limits.max_bytes) {
            return Err(FetchError::TooLarge(limits.max_bytes));
        }
        let storage = |e: std::io::Error| FetchError::Storage(e.to_string());
        let mut file = tokio::fs::File::create(into).await.map_err(storage)?;
        let mut hash = Sha256::new();
        let mut bytes = 0u64;
        while let Some(chunk) = r.chunk().await.map_err(|e| FetchError::Unreachable(message(e)))? {
            bytes += chunk.len() as u64;
            if bytes > limits.max_bytes {
                return Err(FetchError::TooLarge(limits.max_bytes));
            }
            hash.update(&chunk);
            file.write_all(&chunk).await.map_err(storage)?;
        }
        file.flush().await.map_err(storage)?;
        file.sync_all().await.map_err(storage)?;
        return Ok(Fetched {
            sha256: hex::encode(hash.finalize()),
            bytes,
        });
    }
    Err(FetchError::Redirects(limits.max_redirects))
}

/// reqwest's message without the URL (the problem already names it) and with its causes.
fn message(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        msg = format!("{msg}: {s}");
        source = s.source();
    }
    msg
}
