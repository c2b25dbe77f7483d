//! Connection admission for every listener: a cap on open connections in total and per client
//! address, and a per-address rate of new connections (a token bucket). A connection holds a
//! [`Permit`] for as long as it counts; dropping it gives the place back. Addresses listed as
//! trusted proxies are exempt from the per-address rules (every client arrives through them),
//! never from the total.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ipnet::IpNet;

/// The numbers a gate enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateLimits {
    /// Connections open at once, from everyone.
    pub total: usize,
    /// Connections open at once from one address.
    pub per_address: usize,
    /// New connections per address per minute (also the burst).
    pub per_minute: u32,
}

/// Why a connection was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("too many connections in all")]
    Total,
    #[error("too many connections from this address")]
    PerAddress,
    #[error("connecting too often from this address")]
    Rate,
}

#[derive(Debug)]
struct AddressState {
    open: usize,
    tokens: f64,
    refilled: Instant,
}

#[derive(Debug, Default)]
struct State {
    total: usize,
    by_address: HashMap<IpAddr, AddressState>,
}

/// One listener's admission state (in memory, per process).
#[derive(Debug)]
pub struct Gate {
    limits: GateLimits,
    exempt: Vec<IpNet>,
    state: Mutex<State>,
}

/// A connection's place; released when dropped.
#[derive(Debug)]
pub struct Permit {
    gate: Arc<Gate>,
    address: Option<IpAddr>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut s = self.gate.lock();
        s.total = s.total.saturating_sub(1);
        if let Some(ip) = self.address
            && let Some(a) = s.by_address.get_mut(&ip)
        {
            a.open = a.open.saturating_sub(1);
        }
    }
}

/// Entries kept before idle ones are swept (bounds memory under a scan of many addresses).
const SWEEP_AT: usize = 4096;

impl Gate {
    /// A gate with these limits; `exempt` addresses skip the per-address rules.
    pub fn new(limits: GateLimits, exempt: Vec<IpNet>) -> Arc<Gate> {
        Arc::new(Gate {
            limits,
            exempt,
            state: Mutex::default(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The limits this gate enforces.
    pub fn limits(&self) -> GateLimits {
        self.limits
    }

    /// Connections holding a permit now.
    pub fn open(&self) -> usize {
        self.lock().total
    }

    /// Admits a connection from `ip`, or says why not.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Permit, Refusal> {
        let now = Instant::now();
        let mut s = self.lock();
        if s.total >= self.limits.total {
            return Err(Refusal::Total);
        }
        if self.exempt.iter().any(|n| n.contains(&ip)) {
            s.total += 1;
            return Ok(Permit {
                gate: self.clone(),
                address: None,
            });
        }
        if s.by_address.len() >= SWEEP_AT {
            let full = f64::from(self.limits.per_minute);
            s.by_address.retain(|_, a| {
                a.open > 0 || a.tokens + now.duration_since(a.refilled).as_secs_f64() * full / 60.0 < full
            });
        }
        let burst = f64::from(self.limits.per_minute);
        let a = s.by_address.entry(ip).or_insert(AddressState {
            open: 0,
            tokens: burst,
            refilled: now,
        });
        a.tokens = (a.tokens + now.duration_since(a.refilled).as_secs_f64() * burst / 60.0).min(burst);
        a.refilled = now;
        if a.open >= self.limits.per_address {
            return Err(Refusal::PerAddress);
        }
        if a.tokens < 1.0 {
            return Err(Refusal::Rate);
        }
        a.tokens -= 1.0;
        a.open += 1;
        s.total += 1;
        Ok(Permit {
            gate: self.clone(),
            address: Some(ip),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn caps_in_total_and_per_address_and_gives_places_back() {
        let g = Gate::new(
            GateLimits {
                total: 3,
                per_address: 2,
                per_minute: 100,
            },
            vec!["10.9.0.0/16".parse().unwrap()],
        );
        let a1 = g.admit(ip("10.0.0.1")).unwrap();
        let _a2 = g.admit(ip("10.0.0.1")).unwrap();
        assert_eq!(g.admit(ip("10.0.0.1")).unwrap_err(), Refusal::PerAddress);
        let _b = g.admit(ip("10.0.0.2")).unwrap();
        assert_eq!(g.admit(ip("10.0.0.3")).unwrap_err(), Refusal::Total);
        drop(a1);
        assert_eq!(g.open(), 2);
        let _a3 = g.admit(ip("10.0.0.1")).unwrap();
        assert_eq!(
            g.admit(ip("10.9.1.1")).unwrap_err(),
            Refusal::Total,
            "exempt still counts"
        );
    }

    #[test]
    fn a_burst_of_new_connections_from_one_address_is_slowed() {
        let g = Gate::new(
            GateLimits {
                total: 100,
                per_address: 100,
                per_minute: 5,
            },
            vec!["127.0.0.9/32".parse().unwrap()],
        );
        for _ in 0..5 {
            drop(g.admit(ip("192.0.2.7")).unwrap());
        }
        assert_eq!(g.admit(ip("192.0.2.7")).unwrap_err(), Refusal::Rate);
        assert!(
            g.admit(ip("192.0.2.8")).is_ok(),
            "another address is not affected"
        );
        for _ in 0..20 {
            drop(g.admit(ip("127.0.0.9")).unwrap());
        }
    }
}
