//! Work that one process at a time may do (a shop's sync, a batch's sealing), when several
//! `podgate serve` processes share one database: the work is taken under a named lease, kept
//! by a heartbeat while this process is alive, and given back when done. A process killed
//! mid-way stops its heartbeat, and another takes the work over once the lease runs out.

use chrono::Duration;

use crate::db::DbPool;
use crate::db::models::lease;

use super::DomainError;

/// How long a lease lasts without a heartbeat: how soon a crashed holder's work is taken over.
pub const LEASE_SECS: i64 = 20;

/// A lease this process holds; renewed every few seconds until dropped, then given back.
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
    let me = super::labels::worker_id();
    let my_host = me.rsplitn(3, '-').nth(2).unwrap_or_default();
    host == my_host
        && holder != me
        && pid.parse::<u32>().is_ok()
        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Takes the lease `name` for this process; None when another process holds it.
pub async fn take(pool: &DbPool, name: String) -> Result<Option<Held>, DomainError> {
    let ttl = Duration::seconds(LEASE_SECS);
    let n = name.clone();
    let taken = pool
        .run(move |c| {
            let me = super::labels::worker_id();
            if lease::try_take(c, &n, me, ttl)? {
                return Ok::<_, DomainError>(true);
            }
            match lease::holder(c, &n)? {
                Some(h) if holder_is_gone(&h) => Ok(lease::take_over(c, &n, &h, me, ttl)?),
                _ => Ok(false),
            }
        })
        .await?;
    if !taken {
        return Ok(None);
    }
    let (p, n) = (pool.clone(), name.clone());
    let heartbeat = tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs((LEASE_SECS / 4) as u64)).await;
            let n = n.clone();
            let _ = p
                .run(move |c| Ok::<_, DomainError>(lease::renew(c, &n, super::labels::worker_id(), ttl)?))
                .await;
        }
    });
    Ok(Some(Held {
        pool: pool.clone(),
        name,
        heartbeat,
    }))
}

impl Drop for Held {
    fn drop(&mut self) {
        self.heartbeat.abort();
        let (pool, name) = (self.pool.clone(), std::mem::take(&mut self.name));
        // Give it back at once; if this fails (or the runtime is gone) it simply runs out.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = pool
                    .run(move |c| Ok::<_, DomainError>(lease::release(c, &name, super::labels::worker_id())?))
                    .await;
            });
        }
    }
}
