//! The seal's memory as a process of its own: `bench seal` copies its world's data folder (the
//! database through `VACUUM INTO`, the stored labels and artwork, the keys) after the labels
//! are bought, and runs `podgate-bench seal-process` on the copy, which opens it as a podgate
//! node would, records the supplier's batch and seals it, and prints its own peak resident
//! memory. That peak holds what a sealing node holds (its code, pool, the pages it reads), and
//! none of the benchmark's world (the sandbox's orders, the purchase's caches), which grows
//! with the batch in the benchmark's process. With `--store`, two more copies are sealed by
//! nodes that share a bucket: one holds the labels (it bought them), the other none (every
//! label comes from the bucket); both put the zip and merged PDF in it before sealing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rocket::figment::providers::Serialized;

use crate::figures::Sampler;
use crate::seal::{peak_rss_mb, reset_peak_rss, rss_mb, status_mb};

/// Options of the child that seals (run by `bench seal`, not by hand).
#[derive(Debug, Clone, clap::Args)]
pub struct SealProcess {
    /// A podgate data folder (SQLite inside) with the labels bought and not sealed.
    #[arg(long)]
    pub data_dir: PathBuf,
    #[arg(long)]
    pub workspace: i64,
    #[arg(long)]
    pub supplier: i64,
}

/// Copies a podgate data folder whose SQLite database is `pool`'s into `to` (a consistent copy
/// of the database while nothing writes).
pub async fn copy_world(pool: &podgate::db::DbPool, from: &Path, to: &Path) -> anyhow::Result<()> {
    let db = to.join("podgate.db");
    let target = db.display().to_string().replace('\'', "''");
    pool.run(move |c| {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!("VACUUM INTO '{target}'"))
            .execute(c)
            .map_err(podgate::domain::DomainError::from)
    })
    .await?;
    // The deployment's keys: a node with others refuses to start.
    for name in ["cookie_key", "token_key", "sftp_host_ed25519"] {
        if from.join(name).exists() {
            std::fs::copy(from.join(name), to.join(name))?;
        }
    }
    for dir in ["labels", "artwork"] {
        let (src, dst) = (from.join(dir), to.join(dir));
        std::fs::create_dir_all(&dst)?;
        if let Ok(entries) = std::fs::read_dir(&src) {
            for e in entries.flatten() {
                if e.file_type()?.is_file() {
                    std::fs::copy(e.path(), dst.join(e.file_name()))?;
                }
            }
        }
    }
    Ok(())
}

/// Runs the child on a copied folder and returns what it printed (its last line, JSON). With
/// `bucket`, the child is a node of a deployment with a shared bucket (`PODGATE_STORAGE__*` of
/// this process's environment); without, those variables are taken away: the data dir alone.
pub fn seal_in_own_process(
    dir: &Path,
    workspace: i64,
    supplier: i64,
    bucket: bool,
) -> anyhow::Result<serde_json::Value> {
    let mut child = crate::figures::this_program_under("PODGATE_BENCH_SEAL_WRAPPER")?;
    if !bucket {
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("PODGATE_STORAGE__") {
                child.env_remove(k);
            }
        }
    }
    let out = child
        .arg("seal-process")
        .arg("--data-dir")
        .arg(dir)
        .args([
            "--workspace",
            &workspace.to_string(),
            "--supplier",
            &supplier.to_string(),
        ])
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "the sealing process failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout)?;
    let last = text.lines().rfind(|l| l.starts_with('{')).unwrap_or_default();
    Ok(serde_json::from_str(last)?)
}

/// The child: opens the folder, records the batch, seals it, and reports its peak memory.
pub async fn run(opts: SealProcess) -> anyhow::Result<serde_json::Value> {
    let figment = podgate::config::figment()
        .merge(Serialized::default("data_dir", &opts.data_dir))
        .merge(Serialized::default("db_pool_size", 4));
    let prepared = podgate::app::prepare(figment)?;
    let services = podgate::services::Services::new(prepared.pool.clone(), &prepared.config)?;
    let rss_before = rss_mb();
    reset_peak_rss();
    let sampler = Sampler::start();
    let t = Instant::now();
    let (ws, sup) = (opts.workspace, opts.supplier);
    let batch = prepared
        .pool
        .run(move |c| podgate::domain::batches::start_sealing(c, ws, sup, None, "bench"))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no open labels to seal in the copy"))?;
    // What recording the batch (a row per package, in one transaction) left on the heap,
    // apart from what packing and publishing add after it.
    let heap_recorded = status_mb("RssAnon:");
    let sealed = services.batches.finish_sealing(batch.id).await?;
    let seconds = t.elapsed().as_secs_f64();
    let (heap_peak, file_peak) = sampler.stop()?;
    anyhow::ensure!(
        sealed.status == podgate::db::models::batch::BatchStatus::Sealed,
        "the copy's batch was not sealed"
    );
    Ok(serde_json::json!({
        "labels": sealed.package_count,
        "seconds": crate::figures::round(seconds, 3),
        "rss_before_mb": crate::figures::round(rss_before, 1),
        "peak_rss_mb": crate::figures::round(peak_rss_mb(), 1),
        "heap_peak_mb": crate::figures::round(heap_peak, 1),
        "heap_after_recording_mb": crate::figures::round(heap_recorded, 1),
        "mapped_file_peak_mb": crate::figures::round(file_peak, 1),
    }))
}

/// Puts a copied folder's labels and artwork in the bucket; without `keep`, deletes its local
/// labels, so the node that seals it holds none of them (as a node that bought nothing).
/// Returns the files in the bucket.
pub async fn labels_to_bucket(
    dir: &Path,
    cfg: &podgate::storage::StorageConfig,
    keep: bool,
) -> anyhow::Result<u64> {
    let bucket = podgate::storage::Bucket::open(cfg)?;
    let files = podgate::storage::copy::files_to_copy(dir, &dir.join("batches"))?;
    let copied = podgate::storage::copy::copy_all(&bucket, &files, |_, _, _| {}).await?;
    for (key, path) in &files {
        if !keep && key.starts_with("labels/") {
            std::fs::remove_file(path)?;
        }
    }
    Ok(copied.files + copied.skipped)
}
