//! Where podgate may connect on someone else's say-so (a supplier's webhook endpoint, later a
//! seller's artwork link): only public addresses, unless the seller allowed private ones. The
//! name is resolved here and the connection pinned to the address that was checked, so a DNS
//! answer that changes between the check and the connection cannot reach the private network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Why an address may not be called.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EgressError {
    #[error("{0}")]
    BadUrl(String),
    #[error("{host} does not resolve: {reason}")]
    Unresolved { host: String, reason: String },
    #[error(
        "{host} is a private or loopback address ({ip}); only public addresses are allowed unless the seller allows private ones for this supplier"
    )]
    Private { host: String, ip: IpAddr },
}

/// Whether an address is on the public internet (not loopback, private, link-local, shared,
/// multicast, documentation or otherwise reserved).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || ip.to_ipv4().is_some_and(|v4| !public_v4(v4)))
}

/// The URL's host and port, resolved, every address checked: all must be public unless
/// `private_ok`. Returns the host and the first address to connect to.
pub async fn resolve_checked(url: &url::Url, private_ok: bool) -> Result<(String, SocketAddr), EgressError> {
    let host = url
        .host_str()
        .ok_or_else(|| EgressError::BadUrl("the address has no host name".into()))?
        .trim_matches(|c| c == '[' || c == ']')
        .to_string();
    let port = url
        .port_or_known_default()
        .ok_or_else(|| EgressError::BadUrl("the address has no port".into()))?;
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| EgressError::Unresolved {
                host: host.clone(),
                reason: e.to_string(),
            })?
            .collect(),
    };
    let first = *addrs.first().ok_or_else(|| EgressError::Unresolved {
        host: host.clone(),
        reason: "no address".into(),
    })?;
    if !private_ok && let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
        return Err(EgressError::Private { host, ip: bad.ip() });
    }
    Ok((host, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_reserved_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} counted as public");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(ip.parse().unwrap()), "{ip} counted as private");
        }
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_unless_allowed() {
        let url = url::Url::parse("http://localhost:9/hook").unwrap();
        assert!(matches!(
            resolve_checked(&url, false).await,
            Err(EgressError::Private { .. })
        ));
        let (host, addr) = resolve_checked(&url, true).await.unwrap();
        assert_eq!(host, "localhost");
        assert!(addr.ip().is_loopback() && addr.port() == 9);
        let literal = url::Url::parse("https://[::1]/x").unwrap();
        assert!(matches!(
            resolve_checked(&literal, false).await,
            Err(EgressError::Private { .. })
        ));
    }
}
