//! A sealed batch's files every node must reach (the zip and the merged labels): their names in
//! the shared bucket, and fetching one into this node's data dir before it is served.

use std::path::PathBuf;

use crate::domain::DomainError;
use crate::storage::{RangeReader, Readable, StorageError};

use super::{Batches, pack};

/// A sealed batch's files kept beside its rows: the zip, and the merged labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedFile {
    Zip,
    LabelsPdf,
}

impl Batches {
    /// A sealed batch's files every node must reach, by their names in the bucket.
    pub(super) fn shared_files(&self, batch_id: i64) -> [(String, PathBuf); 2] {
        [SharedFile::Zip, SharedFile::LabelsPdf].map(|f| self.shared_file(batch_id, f))
    }

    /// One of them: its name in the bucket and its path here.
    pub fn shared_file(&self, batch_id: i64, f: SharedFile) -> (String, PathBuf) {
        match f {
            SharedFile::Zip => (
                format!("batches/{batch_id}.zip"),
                pack::zip_path(&self.dir, batch_id),
            ),
            SharedFile::LabelsPdf => (
                format!("batches/{batch_id}.labels.pdf"),
                pack::labels_pdf_path(&self.dir, batch_id),
            ),
        }
    }

    /// One of a sealed batch's files to read from now: here, or arriving from the bucket (read
    /// as its bytes land, see [`crate::storage::Arriving`]).
    pub async fn arriving(&self, batch_id: i64, f: SharedFile) -> Result<Readable, DomainError> {
        let (key, path) = self.shared_file(batch_id, f);
        found(
            batch_id,
            &key,
            self.labels.bucket.open_arriving(&key, &path).await,
        )
    }

    /// Bytes `start..start + len` of one of a sealed batch's files straight from the bucket,
    /// when this node does not hold it; None when it does (or there is no bucket): read it here.
    pub async fn bucket_range(
        &self,
        batch_id: i64,
        f: SharedFile,
        start: u64,
        len: u64,
    ) -> Result<Option<RangeReader>, DomainError> {
        let (key, path) = self.shared_file(batch_id, f);
        let bucket = &self.labels.bucket;
        if !bucket.is_shared() || tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(None);
        }
        found(batch_id, &key, bucket.read_range(&key, start, len).await).map(Some)
    }

    /// Makes sure this node holds one of a sealed batch's files (fetched from the bucket when
    /// the batch was sealed on another node).
    pub async fn local(&self, batch_id: i64, f: SharedFile) -> Result<(), DomainError> {
        let (key, path) = self.shared_file(batch_id, f);
        let there = self.labels.bucket.fetch(&key, &path).await;
        found(batch_id, &key, there.map(|t| t.then_some(())))
    }
}

/// What reaching a sealed batch's file came to, said to the person asking: not found when
/// neither this node nor the bucket holds it (logged: a sealed batch must have its files),
/// "try again" when the bucket cannot be reached.
fn found<T>(batch_id: i64, key: &str, got: Result<Option<T>, StorageError>) -> Result<T, DomainError> {
    match got {
        Ok(Some(t)) => Ok(t),
        Ok(None) => {
            tracing::error!(batch = batch_id, file = %key, "a sealed batch's file is missing");
            Err(DomainError::NotFound)
        }
        Err(e) => {
            tracing::error!(batch = batch_id, error = %e, "a batch's file could not be reached in the bucket");
            Err(DomainError::Unavailable(
                "the file store cannot be reached".into(),
            ))
        }
    }
}
