//! Network-level defences shared by the listeners: connection admission ([`limits`]), the
//! client's real address behind trusted proxies ([`client_addr`]), the web portal's front
//! door with read timeouts ([`front`]), the process's descriptor limit ([`rlimit`]) and the
//! addresses podgate may call out to ([`egress`]).

pub mod client_addr;
pub mod egress;
pub mod front;
pub mod limits;
pub mod rlimit;

/// Accepts the next connection, or `None` once `shutdown` is cancelled. An accept error (out
/// of descriptors, mostly) is logged and waited out for 100 ms instead of spinning.
pub async fn accept(
    listener: &tokio::net::TcpListener,
    shutdown: &tokio_util::sync::CancellationToken,
    what: &str,
) -> Option<(tokio::net::TcpStream, std::net::SocketAddr)> {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return None,
            r = listener.accept() => match r {
                Ok(x) => return Some(x),
                Err(e) => {
                    tracing::warn!(error = %e, listener = what, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            },
        }
    }
}

/// Descriptors kept back for the database pool, stored files, mail and the sandbox.
const RESERVED_FDS: u64 = 128;

/// Caps that fit the descriptor limit: each web connection can hold three descriptors (the
/// client's socket and both ends of the relay to Rocket), each SFTP connection one plus its
/// open files. Returns (web connections, web per address, SFTP pre-auth connections, SFTP
/// pre-auth per address), each the configured value or less.
pub fn fit_caps(fds: u64, web: (usize, usize), sftp: (usize, usize)) -> (usize, usize, usize, usize) {
    let spare = fds.saturating_sub(RESERVED_FDS).min(1 << 24) as usize;
    let web_total = web.0.min((spare * 6 / 10 / 3).max(4));
    let web_per = web.1.min((web_total / 4).max(1));
    let sftp_total = sftp.0.min((spare / 10).max(4));
    let sftp_per = sftp.1.min((sftp_total / 4).max(1));
    (web_total, web_per, sftp_total, sftp_per)
}

#[cfg(test)]
mod tests {
    #[test]
    fn caps_shrink_to_fit_a_low_descriptor_limit() {
        assert_eq!(super::fit_caps(1 << 20, (1024, 64), (64, 8)), (1024, 64, 64, 8));
        assert_eq!(super::fit_caps(u64::MAX, (1024, 64), (64, 8)), (1024, 64, 64, 8));
        let (w, wp, s, sp) = super::fit_caps(256, (1024, 64), (64, 8));
        assert!(w * 3 + s + 128 <= 256, "{w} {s}");
        assert!(wp < w && sp < s, "one address never fills a listener");
    }
}
