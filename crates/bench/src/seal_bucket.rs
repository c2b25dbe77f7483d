//! `bench seal --store`: the same batch sealed by three nodes, each in a process of its own on
//! a fresh copy of the world: from the data dir alone (the baseline), as a node that bought the
//! labels and stores the batch in the shared bucket, and as a node that holds none of the
//! labels (each comes from the bucket). Two cores shared with the store make one run vary by
//! half, so `--rounds` repeats the three (alternated, each round on fresh copies) and the
//! figures are the median of the rounds' ratios, with every round's ratio listed.

use std::path::Path;

use podgate::db::DbPool;

/// What each node of a round does, for the log.
const HERE: &str = "holds the labels (it bought them) and stores the batch in the bucket";
const ELSEWHERE: &str = "holds none of the labels (it reads each from the bucket) and stores the batch there";

/// One round's three copies of the world, made while its labels are still unsealed.
pub struct Round {
    alone: tempfile::TempDir,
    with_labels: tempfile::TempDir,
    without: tempfile::TempDir,
}

/// Copies the world for `rounds` rounds (before anything seals its labels), and puts the
/// labels in the bucket; the node without labels keeps none of them.
pub async fn prepare(pool: &DbPool, data_dir: &Path, rounds: usize) -> anyhow::Result<Vec<Round>> {
    let cfg: podgate::storage::StorageConfig = podgate::config::figment()
        .extract_inner("storage")
        .unwrap_or_default();
    anyhow::ensure!(
        cfg.url.is_some(),
        "--store seals with the bucket PODGATE_STORAGE__URL (and __ENDPOINT, __REGION, __ACCESS_KEY_ID, __SECRET_ACCESS_KEY) names: set them"
    );
    let mut out = Vec::new();
    for _ in 0..rounds.max(1) {
        let round = Round {
            alone: tempfile::tempdir()?,
            with_labels: tempfile::tempdir()?,
            without: tempfile::tempdir()?,
        };
        crate::seal_process::copy_world(pool, data_dir, round.alone.path()).await?;
        for (c, keep) in [(&round.with_labels, true), (&round.without, false)] {
            crate::seal_process::copy_world(pool, data_dir, c.path()).await?;
            crate::seal_process::labels_to_bucket(c.path(), &cfg, keep).await?;
        }
        out.push(round);
    }
    Ok(out)
}

/// Seals the batch as the three nodes, a round at a time; the figures as JSON.
pub async fn rounds(rounds: Vec<Round>, workspace: i64, supplier: i64) -> anyhow::Result<serde_json::Value> {
    let (mut here, mut elsewhere) = (Vec::new(), Vec::new());
    for (i, r) in rounds.iter().enumerate() {
        let round = i + 1;
        let local = seal(r.alone.path(), workspace, supplier, false).await?;
        eprintln!(
            "round {round}: the data dir alone {} s, peak RSS {} MiB",
            local["seconds"], local["peak_rss_mb"]
        );
        let shared = seal(r.with_labels.path(), workspace, supplier, true).await?;
        here.push(against(&local, shared, round, HERE));
        let shared = seal(r.without.path(), workspace, supplier, true).await?;
        elsewhere.push(against(&local, shared, round, ELSEWHERE));
    }
    let (here, elsewhere) = (summary(here, HERE), summary(elsewhere, ELSEWHERE));
    Ok(serde_json::json!({ "labels_here": here, "labels_elsewhere": elsewhere }))
}

/// Seals the batch on the copy at `path` in a process of its own (with the bucket or not).
async fn seal(path: &Path, workspace: i64, supplier: i64, bucket: bool) -> anyhow::Result<serde_json::Value> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        crate::seal_process::seal_in_own_process(&path, workspace, supplier, bucket)
    })
    .await?
}

/// A node's seal against the data dir's in the same round: (seconds ×, peak memory ×, its figures).
fn against(
    local: &serde_json::Value,
    shared: serde_json::Value,
    round: usize,
    what: &str,
) -> (f64, f64, serde_json::Value) {
    let f = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap_or(0.0);
    let time = f(&shared, "seconds") / f(local, "seconds").max(1e-9);
    let memory = f(&shared, "peak_rss_mb") / f(local, "peak_rss_mb").max(1e-9);
    eprintln!(
        "round {round}: a node that {what}: {} s, peak RSS {} MiB: {time:.2}x the time and {memory:.2}x the memory of the data dir alone",
        shared["seconds"], shared["peak_rss_mb"]
    );
    (time, memory, shared)
}

/// The rounds' median ratios, every round's time ratio, and the last round's seal.
fn summary(runs: Vec<(f64, f64, serde_json::Value)>, what: &str) -> serde_json::Value {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        match v.len() {
            0 => 0.0,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    };
    let times: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let time = median(times.clone());
    let memory = median(runs.iter().map(|r| r.1).collect());
    eprintln!(
        "a node that {what}: median of {} rounds {time:.2}x the time and {memory:.2}x the memory of the data dir alone",
        runs.len()
    );
    serde_json::json!({
        "seal": runs.last().map(|r| r.2.clone()),
        "ratio_seconds": crate::figures::round(time, 2),
        "ratio_peak_rss": crate::figures::round(memory, 2),
        "ratio_seconds_each_round": times.iter().map(|t| crate::figures::round(*t, 2)).collect::<Vec<_>>(),
    })
}
