//! Whether this node may take traffic: its database answers, the database's schema has every
//! migration this binary knows, and its data dir and the shared bucket (when there is one)
//! each take a write and give it back. `/healthz`
//! only says the process is alive and reaches the database; a load balancer asks `/readyz`.

use std::path::PathBuf;

use diesel_migrations::MigrationHarness;
use serde::Serialize;

use crate::db::{DbPool, DbUrl};

/// One check and what it found.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    /// What is wrong, said so an operator knows where to look; empty when `ok`.
    pub problem: String,
}

/// Every check of one readiness probe.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    pub ready: bool,
    pub checks: Vec<Check>,
}

/// What the probe needs: the database and the folder files are kept in.
#[derive(Clone)]
pub struct Probe {
    pub pool: DbPool,
    pub url: DbUrl,
    pub store_dir: PathBuf,
    /// The bucket every node shares, when there is one.
    pub bucket: crate::storage::Bucket,
}

impl Probe {
    /// Runs every check (each bounded by the pool's own timeout) and says whether all passed.
    pub async fn run(&self) -> Readiness {
        let database = match self.pool.ping().await {
            Ok(()) => ok("database"),
            Err(e) => failed("database", format!("the database does not answer: {e}")),
        };
        let migrations = if database.ok {
            self.migrations().await
        } else {
            failed("migrations", "not checked: the database does not answer".into())
        };
        let store = self.store().await;
        let mut checks = vec![database, migrations, store];
        if self.bucket.is_shared() {
            checks.push(
                match self.bucket.probe(crate::domain::leases::worker_id()).await {
                    Ok(took) => {
                        crate::ops::metrics::store_probe_took(took);
                        ok("bucket")
                    }
                    Err(e) => failed("bucket", format!("{e}")),
                },
            );
        }
        Readiness {
            ready: checks.iter().all(|c| c.ok),
            checks,
        }
    }

    async fn migrations(&self) -> Check {
        let source = self.url.migrations();
        let pending = self
            .pool
            .query(move |c| {
                c.pending_migrations(source)
                    .map(|p| p.iter().map(|m| m.name().to_string()).collect::<Vec<_>>())
                    .map_err(|e| crate::db::DbError::Migration(e.to_string()))
            })
            .await;
        match pending {
            Ok(p) if p.is_empty() => ok("migrations"),
            Ok(p) => failed(
                "migrations",
                format!(
                    "{} migration(s) not applied yet ({}): run `podgate migrate` or start a node that does",
                    p.len(),
                    p.join(", ")
                ),
            ),
            Err(e) => failed("migrations", format!("cannot read the applied migrations: {e}")),
        }
    }

    /// Writes, reads back and removes a small file where labels and batches are kept.
    async fn store(&self) -> Check {
        let dir = self.store_dir.clone();
        let probe = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            let path = dir.join(format!(".readyz-{}", std::process::id()));
            std::fs::write(&path, b"ready")?;
            let back = std::fs::read(&path);
            let _ = std::fs::remove_file(&path);
            if back? != b"ready" {
                return Err(std::io::Error::other("read back something else"));
            }
            Ok(())
        })
        .await;
        match probe {
            Ok(Ok(())) => ok("store"),
            Ok(Err(e)) => failed(
                "store",
                format!("cannot write to {}: {e}", self.store_dir.display()),
            ),
            Err(e) => failed("store", format!("the check did not finish: {e}")),
        }
    }
}

fn ok(name: &'static str) -> Check {
    Check {
        name,
        ok: true,
        problem: String::new(),
    }
}

fn failed(name: &'static str, problem: String) -> Check {
    Check {
        name,
        ok: false,
        problem,
    }
}
