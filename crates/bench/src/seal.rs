//! `podgate bench seal --labels N`: seals one batch of N sandbox labels (buying them first,
//! untimed) and measures packing: time, zip size and the process's peak memory while sealing.
//! The baseline, run in the same process, is reading every label file once (the least work a
//! seal can do); the ratio says what building the merged PDF, the manifests and the zip costs
//! on top of that. With `--print-pack` the batch is sealed with a factory's whole print pack,
//! and its manifest packed again twice in the same run, as the plain seal and as the print
//! pack, so the second ratio is what the print pack costs. Every run also packs the batch again
//! whole, then stopped halfway and started again: the resumed packing's share of the whole.

use anyhow::Context;
use std::time::Instant;

use podgate::db::models::audit::Channel;

use crate::labels::{LabelsBench, SellerWorld, seller_world};

/// Options of the seal benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct SealBench {
    /// Labels in the batch.
    #[arg(long, default_value_t = 1000)]
    pub labels: usize,
    /// Seal with a factory's whole print pack (runs of one product and placement after
    /// separator pages, ZPL at 203 dpi beside the PDFs), and pack the same batch again as a
    /// plain seal (tickets only, by ship-by, no ZPL) for the ratio.
    #[arg(long)]
    pub print_pack: bool,
    /// Also seal the batch as two nodes of a deployment with a shared bucket (the one
    /// `PODGATE_STORAGE__URL`, `__ENDPOINT`, `__REGION`, `__ACCESS_KEY_ID` and
    /// `__SECRET_ACCESS_KEY` name), one that holds the labels and one that holds none: time
    /// and peak memory against the same seal from the data dir alone.
    #[arg(long)]
    pub store: bool,
    /// With `--store`: how many times to seal as the three nodes (alternated, fresh copies each
    /// round); the ratios are the rounds' medians.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
}

/// Peak resident memory since the last reset (Linux), in MiB.
pub(crate) fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

/// Resident memory now (Linux), in MiB.
pub(crate) fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

/// A field of this process's `/proc` status, in MiB.
pub(crate) fn status_mb(field: &str) -> f64 {
    crate::figures::proc_mib(std::process::id(), field)
}

/// Resets the peak so the next reading covers only what follows (Linux ≥ 4.0).
pub(crate) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Runs the benchmark and returns its figures.
pub async fn run(opts: SealBench) -> anyhow::Result<serde_json::Value> {
    let world_opts = LabelsBench {
        count: opts.labels,
        latency_ms: 0,
        rate_limit: 10_000,
        concurrency: 64,
        shops: 1,
        nodes: 1,
        database_url: None,
        node_budget: "database".into(),
    };
    let SellerWorld {
        dir,
        sb,
        services,
        mut actor,
        orders,
    } = seller_world(&world_opts).await?;
    actor.channel = Channel::Cli;
    // The supplier's print profile is set before its labels are bought, as a seller would: the
    // purchase converts each label to ZPL while it waits on TikTok's rate limit.
    if opts.print_pack {
        services
            .pool
            .run(|c| {
                use diesel::prelude::*;
                use podgate::db::schema::suppliers::dsl::*;
                diesel::update(suppliers)
                    .set((print_sort.eq("product"), zpl_dpi.eq(203)))
                    .execute(c)
                    .map_err(podgate::domain::DomainError::from)
            })
            .await?;
    }

    let labels = &services.labels;
    let started = labels.plan(&actor, orders).await?;
    eprintln!("buying {} labels to seal (not timed)…", started.planned);
    let progress = labels
        .run(started.job_id.context("the benchmark planned no label")?, 64)
        .await?;
    sb.stop();
    let (supplier, workspace): (i64, i64) = services
        .pool
        .run(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::suppliers::dsl::*;
            suppliers
                .select((id, workspace_id))
                .first(c)
                .map_err(podgate::domain::DomainError::from)
        })
        .await?;
    // A copy of the world with the labels bought, for the seal in a process of its own.
    let copy = tempfile::tempdir()?;
    crate::seal_process::copy_world(&services.pool, dir.path(), copy.path()).await?;
    let bucket_rounds = if opts.store {
        Some(crate::seal_bucket::prepare(&services.pool, dir.path(), opts.rounds).await?)
    } else {
        None
    };

    // Baseline: read every stored label once.
    let shas: Vec<String> = services
        .pool
        .run(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::packages::dsl::*;
            packages
                .filter(status.eq("stored"))
                .select(label_sha256)
                .load::<Option<String>>(c)
                .map(|v| v.into_iter().flatten().collect())
                .map_err(podgate::domain::DomainError::from)
        })
        .await?;
    let store = services.labels.store.clone();
    let t = Instant::now();
    let read: u64 = tokio::task::spawn_blocking(move || {
        shas.iter()
            .map(|s| std::fs::read(store.path(s)).map(|b| b.len() as u64).unwrap_or(0))
            .sum()
    })
    .await?;
    let baseline = t.elapsed().as_secs_f64();

    let before_mb = peak_rss_mb();
    reset_peak_rss();
    // What sealing itself adds: the peak while sealing over what the process held just before
    // (the benchmark's own world, the sandbox's orders among them, grows with the batch).
    let rss_before = rss_mb();
    eprintln!(
        "sealing a batch of {} labels ({:.1} MiB of PDFs)…",
        progress.done,
        read as f64 / 1048576.0
    );
    // The kernel keeps no peak per kind of memory: sample the heap's share (`RssAnon`) and the
    // mapped files' (`RssFile`: the SQLite file's pages the seal reads through mmap) every 5 ms.
    let (anon_before, file_before) = (status_mb("RssAnon:"), status_mb("RssFile:"));
    let sampler = crate::figures::Sampler::start();
    let t = Instant::now();
    let batch = services
        .batches
        .publish_now(&actor, supplier)
        .await?
        .ok_or_else(|| anyhow::anyhow!("nothing to seal"))?;
    let seconds = t.elapsed().as_secs_f64();
    let (anon_peak, file_peak) = sampler.stop()?;
    let (anon_growth, file_growth) = (anon_peak - anon_before, file_peak - file_before);
    let peak = peak_rss_mb();
    let growth = peak - rss_before;
    eprintln!(
        "of what sealing added: heap {anon_growth:.1} MiB at its peak (sampled), mapped files {file_growth:.1} MiB"
    );
    eprintln!(
        "sealed batch {} in {seconds:.2} s ({:.1}x reading the labels alone), zip {:.1} MiB, peak RSS {peak:.0} MiB while sealing, {growth:.1} MiB over the {rss_before:.0} MiB held before (process peak before: {before_mb:.0} MiB)",
        batch.seq,
        seconds / baseline.max(1e-9),
        batch.zip_bytes.unwrap_or(0) as f64 / 1048576.0
    );
    let print_pack = if opts.print_pack {
        Some(print_pack_ratio(&services, &batch).await?)
    } else {
        None
    };
    let resume = resume_ratio(&services, &batch).await?;
    let path = copy.path().to_path_buf();
    let own = tokio::task::spawn_blocking(move || {
        crate::seal_process::seal_in_own_process(&path, workspace, supplier, false)
    })
    .await??;
    eprintln!(
        "the same seal in a process of its own: {} s, peak RSS {} MiB (heap {} MiB, mapped files {} MiB at their peaks), {} MiB when it started",
        own["seconds"],
        own["peak_rss_mb"],
        own["heap_peak_mb"],
        own["mapped_file_peak_mb"],
        own["rss_before_mb"]
    );
    let with_bucket = match bucket_rounds {
        Some(r) => Some(crate::seal_bucket::rounds(r, workspace, supplier).await?),
        None => None,
    };
    Ok(serde_json::json!({
        "own_process": own,
        "with_bucket": with_bucket,
        "print_pack": print_pack,
        "resume": resume,
        "labels": batch.package_count,
        "seconds": crate::figures::round(seconds, 3),
        "zip_bytes": batch.zip_bytes,
        "peak_rss_mb": crate::figures::round(peak, 1),
        "rss_before_mb": crate::figures::round(rss_before, 1),
        "sealing_growth_mb": crate::figures::round(growth, 1),
        "sealing_heap_growth_mb": crate::figures::round(anon_growth, 1),
        "sealing_mapped_file_growth_mb": crate::figures::round(file_growth, 1),
        "baseline_read_seconds": crate::figures::round(baseline, 3),
        "ratio_to_baseline": crate::figures::round(seconds / baseline.max(1e-9), 1),
    }))
}

/// Packs a sealed batch's manifest again (into a scratch folder) as the plain seal and as the
/// print pack it was sealed with: the seconds of each and their ratio.
async fn print_pack_ratio(
    services: &podgate::services::Services,
    batch: &podgate::db::models::batch::Batch,
) -> anyhow::Result<serde_json::Value> {
    repacking(services, batch, |r| {
        let pack = &r.manifest;
        let mut plain = pack.clone();
        plain.head.print_sort = "ship_by".into();
        plain.head.zpl_dpi = 0;
        // What sealing by ship-by would have numbered: the same packages, most urgent first.
        plain.packages.sort_by(|a, b| (&a.ship_by, a.position).cmp(&(&b.ship_by, b.position)));
        for (i, p) in plain.packages.iter_mut().enumerate() {
            p.position = i as i64 + 1;
        }
        let store = &r.store;
        let time = |m: &podgate::domain::batches::Manifest, id: i64| -> anyhow::Result<(f64, u64)> {
            let t = Instant::now();
            let files = r.pack(m, id)?;
            Ok((t.elapsed().as_secs_f64(), files.zip_bytes))
        };
        // What converting the labels costs when nothing was made ahead (a cold store).
        let t = Instant::now();
        for p in &pack.packages {
            let pdf = std::fs::read(store.path(&p.label_sha256))?;
            podgate::domain::labels::zpl::label(&p.label_sha256, &pdf, 203)?;
        }
        let cold_s = t.elapsed().as_secs_f64();
        eprintln!(
            "converting the {} labels to ZPL from scratch: {cold_s:.2} s ({:.1} ms a label, done at purchase)",
            pack.packages.len(),
            1000.0 * cold_s / pack.packages.len().max(1) as f64
        );
        let (plain_s, plain_bytes) = time(&plain, 1)?;
        let (pack_s, pack_bytes) = time(pack, 2)?;
        let runs = {
            let mut g: Vec<&str> = pack.packages.iter().map(|p| p.print_group.as_str()).collect();
            g.dedup();
            g.len()
        };
        eprintln!(
            "packed again: plain {plain_s:.2} s ({:.1} MiB), print pack {pack_s:.2} s ({:.1} MiB, {runs} runs, ZPL 203 dpi): {:.2}x the plain seal",
            plain_bytes as f64 / 1048576.0,
            pack_bytes as f64 / 1048576.0,
            pack_s / plain_s.max(1e-9)
        );
        Ok(serde_json::json!({
            "plain_seconds": crate::figures::round(plain_s, 3),
            "print_pack_seconds": crate::figures::round(pack_s, 3),
            "runs": runs,
            "plain_zip_bytes": plain_bytes,
            "print_pack_zip_bytes": pack_bytes,
            "ratio_to_plain": crate::figures::round(pack_s / plain_s.max(1e-9), 2),
            "zpl_conversion_cold_seconds": crate::figures::round(cold_s, 3),
        }))
    })
    .await
}

/// Packs a sealed batch's manifest again (into a scratch folder) whole, then once more stopped
/// halfway (the middle package's label made unreadable, as a kill would stop it) and started
/// again: the seconds of the whole packing and of the rest after the stop, and their ratio.
async fn resume_ratio(
    services: &podgate::services::Services,
    batch: &podgate::db::models::batch::Batch,
) -> anyhow::Result<serde_json::Value> {
    repacking(services, batch, |r| {
        let (m, store) = (&r.manifest, &r.store);
        let pack = |id| r.pack(m, id);
        let t = Instant::now();
        let whole = pack(1)?;
        let whole_s = t.elapsed().as_secs_f64();
        let middle = store.path(&m.packages[m.packages.len() / 2].label_sha256);
        let good = std::fs::read(&middle)?;
        std::fs::write(&middle, b"%PDF-1.7 torn")?;
        let t = Instant::now();
        let stopped = pack(2);
        let stopped_s = t.elapsed().as_secs_f64();
        std::fs::write(&middle, &good)?;
        anyhow::ensure!(stopped.is_err(), "the stop did not stop the packing");
        let t = Instant::now();
        let resumed = pack(2)?;
        let resumed_s = t.elapsed().as_secs_f64();
        anyhow::ensure!(resumed.zip_sha256 == whole.zip_sha256, "the resumed zip differs");
        eprintln!(
            "packed again whole: {whole_s:.2} s; stopped halfway after {stopped_s:.2} s, then finished in {resumed_s:.2} s ({} of {} segments kept): {:.2}x the whole packing, the same zip",
            resumed.segments_kept,
            resumed.segments,
            resumed_s / whole_s.max(1e-9)
        );
        Ok(serde_json::json!({
            "whole_seconds": crate::figures::round(whole_s, 3),
            "stopped_after_seconds": crate::figures::round(stopped_s, 3),
            "resumed_seconds": crate::figures::round(resumed_s, 3),
            "segments": resumed.segments,
            "segments_kept": resumed.segments_kept,
            "ratio_to_whole": crate::figures::round(resumed_s / whole_s.max(1e-9), 2),
        }))
    })
    .await
}

/// A sealed batch's manifest, read back from its zip, to pack again into a scratch folder.
struct Repack {
    manifest: podgate::domain::batches::Manifest,
    store: podgate::domain::labels::LabelStore,
    art: podgate::domain::artwork::ArtworkStore,
    scratch: tempfile::TempDir,
}

impl Repack {
    /// Packs `m` as batch `id`, a chunk of packages a segment as sealing reads them.
    fn pack(
        &self,
        m: &podgate::domain::batches::Manifest,
        id: i64,
    ) -> Result<podgate::domain::batches::PackedFiles, podgate::domain::batches::PackError> {
        let chunk = podgate::domain::batches::MANIFEST_CHUNK as usize;
        podgate::domain::batches::pack_manifest(self.scratch.path(), id, m, &self.store, &self.art, chunk)
    }
}

/// Runs `f` on a blocking thread with the batch's manifest ready to pack again.
async fn repacking<T: Send + 'static>(
    services: &podgate::services::Services,
    batch: &podgate::db::models::batch::Batch,
    f: impl FnOnce(Repack) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let zip = services.batches.zip_path(batch);
    let (store, art) = (services.labels.store.clone(), services.artwork.store.clone());
    tokio::task::spawn_blocking(move || {
        let manifest = podgate::domain::batches::read_manifest(&zip)?;
        f(Repack {
            manifest,
            store,
            art,
            scratch: tempfile::tempdir()?,
        })
    })
    .await?
}
