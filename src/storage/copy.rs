//! `podgate storage copy`: moves one node's files into the bucket before it joins others
//! (labels, kept artwork, sealed batches, the SFTP archive; not what can be made again from
//! them, nor packings or uploads under way). Resumable by nature: a file the bucket already holds at the same size is
//! skipped, so a copy stopped half-way is run again and carries on.

use std::path::{Path, PathBuf};

use super::{Bucket, StorageError};

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub files: u64,
    pub bytes: u64,
    /// Already in the bucket at the same size.
    pub skipped: u64,
}

/// The files to copy: (name in the bucket, local path).
pub fn files_to_copy(data_dir: &Path, batches_dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut add = |dir: &Path, prefix: &str, keep: &dyn Fn(&str) -> bool| -> std::io::Result<()> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // Dot files are temp files on their way in; folders are packings under way.
            if name.starts_with('.') || !entry.file_type()?.is_file() || !keep(&name) {
                continue;
            }
            out.push((format!("{prefix}/{name}"), entry.path()));
        }
        Ok(())
    };
    add(&data_dir.join("labels"), "labels", &|n| n.ends_with(".pdf"))?;
    add(&data_dir.join("artwork"), "artwork", &|n| {
        crate::domain::artwork::ARTWORK_FORMATS
            .iter()
            .any(|f| n.strip_suffix(f).is_some_and(|stem| stem.ends_with('.')))
    })?;
    add(batches_dir, "batches", &|n| {
        n.ends_with(".zip") || n.ends_with(".labels.pdf")
    })?;
    // Each supplier's processed SFTP uploads (`sftp/<supplier>/archive`).
    if let Ok(suppliers) = std::fs::read_dir(data_dir.join("sftp")) {
        for s in suppliers.flatten() {
            let id = s.file_name().to_string_lossy().into_owned();
            add(&s.path().join("archive"), &format!("sftp/{id}/archive"), &|_| {
                true
            })?;
        }
    }
    out.sort();
    Ok(out)
}

/// Copies every file the bucket lacks, calling `progress` after each (done, of, bytes so far).
pub async fn copy_all(
    bucket: &Bucket,
    files: &[(String, PathBuf)],
    mut progress: impl FnMut(usize, usize, u64),
) -> Result<Copied, StorageError> {
    if !bucket.is_shared() {
        return Err(StorageError::Config(
            "no bucket is configured: set [storage] url (and endpoint, region, keys) first".into(),
        ));
    }
    let mut done = Copied::default();
    for (i, (key, path)) in files.iter().enumerate() {
        let size = tokio::fs::metadata(path).await?.len();
        if bucket.size_of(key).await? == Some(size) {
            done.skipped += 1;
        } else {
            bucket.commit(key, path).await?;
            done.files += 1;
            done.bytes += size;
        }
        progress(i + 1, files.len(), done.bytes);
    }
    Ok(done)
}
