//! Work that one process at a time may do (a shop's sync, a batch's sealing), when several
//! `podgate serve` processes share one database: the work is taken under a named lease, kept
//! by a heartbeat while this process is alive, and given back when done. A process killed
//! mid-way stops its heartbeat, and another takes the work over once the lease runs out.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use chrono::Duration;

use crate::db::DbPool;
use crate::db::models::lease;

use super::DomainError;

/// How long a lease lasts without a heartbeat: how soon a crashed holder's work is taken over.
pub const LEASE_SECS: i64 = 20;

/// A lease this process holds; renewed every few seconds until given back ([`Held::release`])
/// or dropped (given back in the background).
pub struct Held {
    pool: DbPool,
    name: String,
    heartbeat: tokio::task::JoinHandle<()>,
}

/// Whether `holder` (a worker id: host-pid-random) is a process of this machine that is gone,
/// so its lease can be taken over at once instead of when it runs out. Holders on other
/// machines, or whose pid is alive (perhaps reused), are waited for.
pub fn holder_is_gone(holder: &str) -> bool {
    let mut parts = holder.rsplitn(3, '-');
    let (Some(_), Some(pid), Some(host)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let me = worker_id();
    let my_host = me.rsplitn(3, '-').nth(2).unwrap_or_default();
    host == my_host
        && holder != me
        && pid.parse::<u32>().is_ok()
        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// (Database, name) pairs this process holds, so two tasks of one process do not both take a
/// lease (the database row only tells processes apart; a test process opens many databases).
fn held() -> std::sync::MutexGuard<'static, HashSet<(String, String)>> {
    static HELD: OnceLock<Mutex<HashSet<(String, String)>>> = OnceLock::new();
    HELD.get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// Takes the lease `name` for this process; None when another process, or another task of
/// this one, holds it.
pub async fn take(pool: &DbPool, name: String) -> Result<Option<Held>, DomainError> {
    let key = (pool.database(), name.clone());
    if !held().insert(key.clone()) {
        return Ok(None);
    }
    let taken = take_row(pool, name.clone()).await;
    if !matches!(taken, Ok(true)) {
        held().remove(&key);
    }
    if !taken? {
        return Ok(None);
    }
    let ttl = Duration::seconds(LEASE_SECS);
    let (p, n) = (pool.clone(), name.clone());
    let heartbeat = tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs((LEASE_SECS / 4) as u64)).await;
            let n = n.clone();
            let _ = p.query(move |c| lease::renew(c, &n, worker_id(), ttl)).await;
        }
    });
    Ok(Some(Held {
        pool: pool.clone(),
        name,
        heartbeat,
    }))
}

/// Takes the lease's row: free, run out, or held by a dead process of this machine.
async fn take_row(pool: &DbPool, name: String) -> Result<bool, DomainError> {
    let ttl = Duration::seconds(LEASE_SECS);
    pool.run(move |c| {
        let me = worker_id();
        if lease::try_take(c, &name, me, ttl)? {
            return Ok::<_, DomainError>(true);
        }
        match lease::holder(c, &name)? {
            Some(h) if holder_is_gone(&h) => Ok(lease::take_over(c, &name, &h, me, ttl)?),
            _ => Ok(false),
        }
    })
    .await
}

impl Held {
    /// Gives the lease back and returns once it is free again, so work that says "done" right
    /// after can be started again at once (a sync asked for the moment the last one ended was
    /// otherwise refused as running elsewhere while the drop's background release was on its way).
    pub async fn release(mut self) {
        self.heartbeat.abort();
        give_back(self.pool.clone(), std::mem::take(&mut self.name)).await;
    }
}

/// Gives the lease's row back first, then lets this process's tasks take the name again (the
/// other order could delete a row another task of ours had just taken).
async fn give_back(pool: DbPool, name: String) {
    let key = (pool.database(), name.clone());
    let _ = pool
        .run(move |c| Ok::<_, DomainError>(lease::release(c, &name, worker_id())?))
        .await;
    held().remove(&key);
}

impl Drop for Held {
    fn drop(&mut self) {
        self.heartbeat.abort();
        if self.name.is_empty() {
            return; // released already
        }
        let (pool, name) = (self.pool.clone(), std::mem::take(&mut self.name));
        // If the runtime is gone, the row simply runs out.
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(give_back(pool, name));
            }
            Err(_) => {
                held().remove(&(pool.database(), name));
            }
        }
    }
}

/// The name of this process's node, set once at start from `node_id` (see [`name_node`]).
static NODE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Names this process's node (the configured `node_id`) before it takes any lease; without it
/// the machine's host name is used. Processes of one machine share a node name, which is how
/// a lease of a dead process of this node is taken over at once (see [`holder_is_gone`]).
pub fn name_node(node_id: Option<&str>) {
    if let Some(id) = node_id.map(str::trim).filter(|s| !s.is_empty()) {
        let _ = NODE.set(id.replace(char::is_whitespace, "_"));
    }
}

/// This process's name on the leases it holds, the packages it works on and its metrics: node,
/// process id and a random tag, so two podgate processes on one database can be told apart.
pub fn worker_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let node = NODE.get_or_init(|| {
            let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
            host.trim().to_string()
        });
        format!(
            "{node}-{}-{}",
            std::process::id(),
            hex::encode(crate::crypto::random_bytes::<2>())
        )
    })
}

/// Gives back every lease this process holds, at a graceful stop, so other nodes take its work
/// over at once instead of when the leases run out. Labels being bought keep their claims
/// until those run out: a purchase sent just before the stop may still reach TikTok, and the
/// next buyer must not look for it before then.
pub async fn release_all(pool: &DbPool) {
    match pool.query(|c| lease::release_all(c, worker_id())).await {
        Ok(n) if n > 0 => tracing::info!(leases = n, "leases handed back"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "leases could not be handed back; they run out on their own"),
    }
}
