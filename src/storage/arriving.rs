//! A file fetched from the bucket that can be read while it arrives. The first reader of a
//! file this node lacks starts one download into a temp name beside it; every reader of this
//! process shares that download and reads each range as soon as its bytes are on disk; the
//! file is renamed into place once whole. So a factory's SFTP client receives a large batch
//! from the first second instead of after the node fetched it all.

use std::collections::HashMap;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;

use super::stats::{self, Op};
use super::{Bucket, StorageError};

/// How far a download got.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Progress {
    /// This many bytes are on disk.
    Written(u64),
    /// Whole, and renamed into place.
    Whole,
    Failed(String),
}

/// Bytes on disk before readers are told (fewer, larger flushes; a reader waits at most this).
const FLUSH_BYTES: usize = 1 << 20;

/// A file to read from now: here already, or arriving from the bucket.
pub enum Readable {
    Here(PathBuf),
    Arriving(Arriving),
}

/// A reader of a download under way.
pub struct Arriving {
    file: std::fs::File,
    progress: watch::Receiver<Progress>,
}

impl Arriving {
    /// Reads at `offset` once those bytes arrived (fewer at the end of the file); an error
    /// when the download failed.
    pub async fn read_at(&mut self, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
        let want = offset + buf.len() as u64;
        loop {
            match &*self.progress.borrow_and_update() {
                Progress::Written(n) if *n >= want => break,
                Progress::Whole => break,
                Progress::Failed(e) => return Err(std::io::Error::other(e.clone())),
                Progress::Written(_) => {}
            }
            if self.progress.changed().await.is_err() && *self.progress.borrow() != Progress::Whole {
                return Err(std::io::Error::other("the download from the bucket stopped"));
            }
        }
        self.file.read_at(buf, offset)
    }
}

/// Downloads under way in this process, by the local path they fill: (temp file, progress).
type Downloads = Mutex<HashMap<PathBuf, (PathBuf, watch::Receiver<Progress>)>>;

fn downloads() -> std::sync::MutexGuard<'static, HashMap<PathBuf, (PathBuf, watch::Receiver<Progress>)>> {
    static DOWNLOADS: OnceLock<Downloads> = OnceLock::new();
    DOWNLOADS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

impl Bucket {
    /// `local` to read from now: the file when this node holds it; else `key`'s download from
    /// the bucket, readable as it arrives (joined when one is under way). None when neither
    /// holds it.
    pub async fn open_arriving(&self, key: &str, local: &Path) -> Result<Option<Readable>, StorageError> {
        if tokio::fs::try_exists(local).await.unwrap_or(false) {
            return Ok(Some(Readable::Here(local.to_path_buf())));
        }
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let under_way = downloads().get(local).cloned();
        if let Some((tmp, progress)) = under_way {
            if let Ok(file) = std::fs::File::open(&tmp) {
                return Ok(Some(Readable::Arriving(Arriving { file, progress })));
            }
        }
        // One fetch from the request to the last byte, counted when it ends, however it ends.
        let started = std::time::Instant::now();
        let got = match self.get(store, key).await {
            Ok(Some(g)) => g,
            Ok(None) => {
                stats::record(Op::Fetch, started, true);
                return Ok(None);
            }
            Err(e) => {
                stats::record(Op::Fetch, started, false);
                return Err(e);
            }
        };
        if let Some(dir) = local.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let tmp = super::fetch_name(local);
        let out = tokio::fs::File::create(&tmp).await?;
        let file = std::fs::File::open(&tmp)?;
        let (tx, progress) = watch::channel(Progress::Written(0));
        downloads().insert(local.to_path_buf(), (tmp.clone(), progress.clone()));
        let (me, local) = (self.clone(), local.to_path_buf());
        tokio::spawn(async move {
            let done = me
                .fill(got, out, &tmp, &local, |n| {
                    tx.send_replace(Progress::Written(n));
                })
                .await;
            stats::record(Op::Fetch, started, done.is_ok());
            downloads().remove(&local);
            match done {
                Ok(()) => tx.send_replace(Progress::Whole),
                Err(e) => {
                    tracing::warn!(file = %local.display(), error = %e, "a download from the bucket failed");
                    let _ = tokio::fs::remove_file(&tmp).await;
                    tx.send_replace(Progress::Failed(format!("{e}")))
                }
            };
        });
        Ok(Some(Readable::Arriving(Arriving { file, progress })))
    }

    /// Writes the object's bytes to `tmp`, saying how many are on disk as they land (every
    /// [`FLUSH_BYTES`] and at the end), then makes them durable and renames the file to `local`,
    /// as old as the object: what ages out by time (the SFTP archive) ages out here when it
    /// does in the bucket, not again from the day it was fetched.
    pub(super) async fn fill(
        &self,
        got: object_store::GetResult,
        mut out: tokio::fs::File,
        tmp: &Path,
        local: &Path,
        mut on_disk: impl FnMut(u64),
    ) -> Result<(), StorageError> {
        let written_at = std::time::SystemTime::from(got.meta.last_modified);
        let mut body = got.into_stream();
        let (mut written, mut unflushed) = (0u64, 0usize);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| self.failed(e))?;
            out.write_all(&chunk).await?;
            unflushed += chunk.len();
            if unflushed >= FLUSH_BYTES {
                out.flush().await?;
                written += unflushed as u64;
                unflushed = 0;
                on_disk(written);
            }
        }
        out.flush().await?;
        on_disk(written + unflushed as u64);
        out.sync_all().await?;
        out.into_std().await.set_modified(written_at)?;
        tokio::fs::rename(tmp, local).await?;
        Ok(())
    }
}
