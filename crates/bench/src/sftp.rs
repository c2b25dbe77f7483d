//! `podgate bench sftp --size-mib 256 --streams S`: download throughput from podgate's SFTP
//! server with the OpenSSH `sftp` client, S downloads at once, against OpenSSH's own
//! sftp-server serving the same file on the same machine (a throwaway `sshd` on a loopback
//! port, same cipher) when openssh-server is installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rocket::figment::providers::Serialized;
use tokio_util::sync::CancellationToken;

use podgate::domain::DomainError;

/// Options of the SFTP benchmark.
#[derive(Debug, Clone, clap::Args)]
pub struct SftpBench {
    /// Size of the file downloaded, in MiB.
    #[arg(long, default_value_t = 256)]
    pub size_mib: u64,
    /// Downloads at once (each its own connection).
    #[arg(long, default_value_t = 1)]
    pub streams: usize,
    /// The cipher both servers use.
    #[arg(long, default_value = "aes256-gcm@openssh.com")]
    pub cipher: String,
    /// Then download it again from a node that does not hold it: the batch is in the bucket
    /// `PODGATE_STORAGE__URL` (and `__ENDPOINT`, `__REGION`, `__ACCESS_KEY_ID`,
    /// `__SECRET_ACCESS_KEY`) names and no longer in the data dir, so the first read fetches it.
    #[arg(long)]
    pub store: bool,
}

/// Runs `streams` concurrent `sftp` downloads of `remote`, each its own connection; returns
/// each download's seconds from the common start, sorted (the last is when all had ended).
pub(super) fn download(
    port: u16,
    user: &str,
    key: &Path,
    remote: &str,
    streams: usize,
    cipher: &str,
    dir: &Path,
) -> anyhow::Result<Vec<f64>> {
    let t = Instant::now();
    let mut waits = Vec::new();
    for i in 0..streams {
        let batch = dir.join(format!("b{i}.txt"));
        let out = dir.join(format!("out{i}"));
        std::fs::write(&batch, format!("get {remote} {}\n", out.display()))?;
        let mut child = podgate_testkit::sftp::openssh_sftp(port, key)
            .args(["-q", "-c", cipher, "-b"])
            .arg(&batch)
            .arg(format!("{user}@127.0.0.1"))
            .stdout(std::process::Stdio::null())
            .spawn()?;
        waits.push(std::thread::spawn(move || -> anyhow::Result<f64> {
            anyhow::ensure!(child.wait()?.success(), "an sftp download failed");
            let secs = t.elapsed().as_secs_f64();
            std::fs::remove_file(out)?;
            Ok(secs)
        }));
    }
    let mut secs = Vec::new();
    for w in waits {
        secs.push(
            w.join()
                .map_err(|_| anyhow::anyhow!("a download thread panicked"))??,
        );
    }
    secs.sort_by(f64::total_cmp);
    Ok(secs)
}

/// A throwaway sshd on loopback serving files with OpenSSH's sftp-server; None when not installed.
fn openssh(dir: &Path, pubkey: &str) -> anyhow::Result<Option<(std::process::Child, u16, String)>> {
    let sshd = Path::new("/usr/sbin/sshd");
    let server = ["/usr/lib/openssh/sftp-server", "/usr/libexec/sftp-server"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(server) = server.filter(|_| sshd.exists()) else {
        return Ok(None);
    };
    let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let host_key = dir.join("sshd_host_key");
    podgate_testkit::sftp::keygen(&host_key, "bench@factory")?;
    std::fs::write(dir.join("authorized_keys"), pubkey)?;
    let port = podgate_testkit::net::free_port()?;
    let cfg = dir.join("sshd_config");
    // MaxStartups: sshd's default (10:30:100) drops some of 16 simultaneous connections before
    // they authenticate, which failed the 16-stream comparison now and then.
    std::fs::write(
        &cfg,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nAuthorizedKeysFile {}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\nPermitRootLogin yes\nUsePAM no\nStrictModes no\nMaxStartups 100\nSubsystem sftp {server}\n",
            host_key.display(),
            dir.join("sshd.pid").display(),
            dir.join("authorized_keys").display()
        ),
    )?;
    std::fs::create_dir_all("/run/sshd").ok();
    let child = Command::new(sshd)
        .arg("-D")
        .arg("-e")
        .arg("-f")
        .arg(&cfg)
        .stderr(std::process::Stdio::null())
        .spawn()?;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Some((child, port, user)));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    anyhow::bail!("the throwaway sshd did not start")
}

/// Runs the benchmark and returns its figures.
pub async fn run(opts: SftpBench) -> anyhow::Result<serde_json::Value> {
    let dir = tempfile::tempdir()?;
    let figment = podgate::config::figment().merge(Serialized::default("data_dir", dir.path()));
    let prepared = podgate::app::prepare(figment)?;
    let services = podgate::services::Services::new(prepared.pool.clone(), &prepared.config)?;
    let pool = prepared.pool.clone();
    let owner = podgate_testkit::world::owner(&pool).await?;
    let sid = podgate_testkit::world::supplier(&pool, &owner, "Bench Factory").await?;
    let key = dir.path().join("client_key");
    let pubkey = podgate_testkit::sftp::keygen(&key, "bench@factory")?;
    let parsed = russh::keys::PublicKey::from_openssh(pubkey.trim())?;
    let fp = parsed.fingerprint(russh::keys::HashAlg::Sha256).to_string();
    let ws = owner.workspace_id;
    pool.run(move |c| {
        let id = podgate::db::models::sftp::create_login(c, ws, sid, "bench", None, "", "bench")?;
        podgate::db::models::sftp::add_key(c, id, pubkey.trim(), &fp, "bench")?;
        Ok::<_, DomainError>(())
    })
    .await?;
    eprintln!("writing a {} MiB batch…", opts.size_mib);
    let b = podgate_testkit::world::synthetic_batch(&pool, &services.batches, ws, sid, opts.size_mib << 20)
        .await?;
    let file: PathBuf = services.batches.zip_path(&b);
    let stop = CancellationToken::new();
    let settings = podgate::sftp::SftpSettings {
        port: 0,
        max_sessions_per_supplier: opts.streams.max(8),
        // Every stream comes from 127.0.0.1: per-address caps sized for that.
        max_preauth_per_address: opts.streams.max(8) * 2,
        connections_per_minute_per_address: 100_000,
        ..Default::default()
    };
    let server = podgate::sftp::spawn(
        pool.clone(),
        services.batches.clone(),
        settings,
        dir.path(),
        stop.clone(),
    )
    .await?;
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (port, cipher, streams, work) = (
        server.addr.port(),
        opts.cipher.clone(),
        opts.streams,
        dir.path().to_path_buf(),
    );
    let kp = key.clone();
    let podgate_s = tokio::task::spawn_blocking(move || {
        download(port, "bench", &kp, "/outbox/batch-1.zip", streams, &cipher, &work)
    })
    .await??
    .last()
    .copied()
    .unwrap_or_default();
    let peak = crate::figures::proc_mib(std::process::id(), "VmHWM:");
    let mb = (opts.size_mib << 20) as f64 * opts.streams as f64 / 1e6;
    let podgate_mb_s = mb / podgate_s;
    eprintln!(
        "podgate: {streams} × {} MiB in {podgate_s:.2} s = {podgate_mb_s:.0} MB/s",
        opts.size_mib
    );
    let from_bucket = if opts.store {
        let (name, path) = services
            .batches
            .shared_file(b.id, podgate::domain::batches::SharedFile::Zip);
        let bucket = bucket(&prepared.config.storage)?;
        bucket.commit(&name, &path).await?;
        std::fs::remove_file(&path)?;
        let (cipher, work, kp) = (opts.cipher.clone(), dir.path().to_path_buf(), key.clone());
        let s = tokio::task::spawn_blocking(move || {
            download(port, "bench", &kp, "/outbox/batch-1.zip", streams, &cipher, &work)
        })
        .await??
        .last()
        .copied()
        .unwrap_or_default();
        // The node keeps what it fetched: renamed into place once whole and synced.
        let kept = std::time::Instant::now();
        while !path.exists() && kept.elapsed() < std::time::Duration::from_secs(30) {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        anyhow::ensure!(path.exists(), "the download did not go through the bucket");
        let v = mb / s;
        eprintln!(
            "podgate, the batch only in the bucket (fetched on the first read): {v:.0} MB/s, {:.2}x the data dir",
            v / podgate_mb_s
        );
        Some(v)
    } else {
        None
    };
    stop.cancel();
    let pubkey = std::fs::read_to_string(key.with_extension("pub"))?;
    let openssh_mb_s = match openssh(dir.path(), &pubkey)? {
        Some((mut child, port, user)) => {
            let (cipher, work, remote) = (
                opts.cipher.clone(),
                dir.path().to_path_buf(),
                file.display().to_string(),
            );
            let kp = key.clone();
            let s = tokio::task::spawn_blocking(move || {
                download(port, &user, &kp, &remote, streams, &cipher, &work)
            })
            .await?;
            let _ = child.kill();
            let _ = child.wait();
            let v = mb / s?.last().copied().unwrap_or(f64::MAX);
            eprintln!("OpenSSH sftp-server: {v:.0} MB/s");
            Some(v)
        }
        None => {
            eprintln!("openssh-server is not installed: no baseline (apt-get install openssh-server)");
            None
        }
    };
    Ok(serde_json::json!({
        "size_mib": opts.size_mib,
        "streams": opts.streams,
        "podgate_mb_s": crate::figures::round(podgate_mb_s, 1),
        "from_bucket_mb_s": from_bucket.map(|v| crate::figures::round(v, 1)),
        "from_bucket_ratio": from_bucket.map(|v| crate::figures::round(v / podgate_mb_s, 3)),
        "openssh_mb_s": openssh_mb_s.map(|v| crate::figures::round(v, 1)),
        "ratio": openssh_mb_s.map(|v| crate::figures::round(podgate_mb_s / v, 3)),
        "peak_rss_mb": crate::figures::round(peak, 1),
        "cipher": opts.cipher,
    }))
}

/// The bucket `--store` downloads from: configured, or the benchmark cannot say anything.
fn bucket(cfg: &podgate::storage::StorageConfig) -> anyhow::Result<podgate::storage::Bucket> {
    anyhow::ensure!(
        cfg.url.is_some(),
        "--store needs a bucket: set PODGATE_STORAGE__URL (and __ENDPOINT, __REGION, __ACCESS_KEY_ID, __SECRET_ACCESS_KEY)"
    );
    Ok(podgate::storage::Bucket::open(cfg)?)
}
