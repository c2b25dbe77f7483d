//! Local ports and servers coming up.

use std::time::Duration;

/// A free TCP port on loopback.
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

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
