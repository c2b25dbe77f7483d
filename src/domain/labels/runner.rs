//! Runs label jobs in the background: each job at most once per process, and every job still
//! running in the database is picked up (after a restart, or when another podgate process on the
//! same PostgreSQL started it). Package claims keep two processes working one job from buying
//! anything twice.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::db::models::package;

use super::Labels;

/// Packages in flight per job and process.
pub const CONCURRENCY: usize = 16;

impl Labels {
    /// Runs a job in the background unless this process already runs it.
    pub fn spawn(&self, job_id: i64) {
        if !self
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(job_id)
        {
            return;
        }
        let me = self.clone();
        tokio::spawn(async move {
            if let Err(e) = me.run(job_id, CONCURRENCY).await {
                tracing::warn!(job = job_id, error = %e, "label job stopped");
            }
            me.running
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&job_id);
        });
    }

    /// Picks up running jobs (after a restart, or another process's) every `every` until
    /// shutdown.
    pub async fn watch(self, every: Duration, shutdown: CancellationToken) {
        loop {
            match self.pool.query(package::running_jobs).await {
                Ok(jobs) => jobs.into_iter().for_each(|id| self.spawn(id)),
                Err(e) => tracing::warn!(error = %e, "could not list running label jobs"),
            }
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }
}
