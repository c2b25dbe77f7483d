//! Local ports and servers coming up.

use std::time::Duration;

/// A free TCP port on loopback, never the same twice in one process.
///
/// Asking the kernel for port 0 and letting it go can hand the same port to two callers in a
/// row (a CI run once gave a server's web and SFTP listeners one port), and any port in the
/// ephemeral range can be taken meanwhile by an outgoing connection. So ports are drawn at
/// random below that range, checked to be bindable, and remembered.
pub fn free_port() -> std::io::Result<u16> {
    use rand::RngExt;
    static HANDED_OUT: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut handed = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
    let mut rng = rand::rng();
    for _ in 0..1000 {
        let port = rng.random_range(PORTS_FROM..PORTS_TO);
        if handed.contains(&port) {
            continue;
        }
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            handed.push(port);
            return Ok(port);
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AddrNotAvailable,
        "no free port found below the ephemeral range",
    ))
}

/// Where test ports are drawn from: below Linux's default ephemeral range (32768–60999), above
/// the well-known services a CI machine runs (PostgreSQL 5432, Garage 3900–3903, …).
const PORTS_FROM: u16 = 12_000;
const PORTS_TO: u16 = 32_000;

/// Waits until a URL answers (at most 30 s).
pub async fn wait_for(url: &str) -> anyhow::Result<()> {
    for _ in 0..600 {
        if reqwest::get(url).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("{url} did not answer")
}
