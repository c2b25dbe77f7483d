//! Who is really connecting: the peer's address, unless the peer is a configured trusted proxy,
//! in which case the client is the nearest address in `X-Forwarded-For` (read from the right,
//! skipping other trusted proxies) or, failing that, `X-Real-IP`. Headers from anyone else are
//! ignored, so rotating them cannot dodge a per-address limit or forge an audit address.

use std::net::IpAddr;

use hyper::HeaderMap;
use ipnet::IpNet;

/// Parses `trusted_proxies` entries: addresses (`10.0.0.5`) or networks (`10.0.0.0/8`).
pub fn parse_networks(entries: &[String]) -> Result<Vec<IpNet>, String> {
    entries
        .iter()
        .map(|e| {
            let e = e.trim();
            e.parse::<IpNet>()
                .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{e:?} is not an address or network (e.g. 10.0.0.5 or 10.0.0.0/8)"))
        })
        .collect()
}

/// The client's address for a request that arrived from `peer`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    if let Some(ip) = forwarded.iter().rev().find(|ip| !is_trusted(ip)) {
        return *ip;
    }
    headers
        .get("x-real-ip")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let trusted = parse_networks(&["10.0.0.0/8".into(), "192.0.2.1".into()]).unwrap();
        let forged = headers(&[("x-real-ip", "203.0.113.9"), ("x-forwarded-for", "203.0.113.9")]);
        let stranger: IpAddr = "198.51.100.4".parse().unwrap();
        assert_eq!(client_ip(stranger, &forged, &trusted), stranger);
        assert_eq!(client_ip(stranger, &forged, &[]), stranger);
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.4.4.4")]);
        assert_eq!(
            client_ip(proxy, &chain, &trusted),
            "203.0.113.9".parse::<IpAddr>().unwrap(),
            "the nearest untrusted hop, not what the client wrote first"
        );
        assert_eq!(
            client_ip(proxy, &headers(&[("x-real-ip", "203.0.113.7")]), &trusted),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &trusted), proxy);
        assert!(parse_networks(&["nope".into()]).is_err());
    }
}
