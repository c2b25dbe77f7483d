//! A batch's files as every channel offers them — `batch-<n>.zip`, `batch-<n>.zip.sha256` and
//! `labels.pdf` — and the record of each download (who, when, channel, which bytes, complete or
//! partial) on the batch and on its orders' timelines.

use std::path::PathBuf;

use crate::db::models::audit::Actor;
use crate::db::models::batch::{self, Batch, NewDownload};
use crate::db::models::order;
use crate::db::models::status::BatchStatus;
use crate::domain::DomainError;

use super::Batches;

/// One file of a sealed batch.
#[derive(Debug, Clone)]
pub enum BatchFile {
    Zip,
    ZipSha256,
    LabelsPdf,
}

impl BatchFile {
    /// Which file a name means for this batch (None for any other name).
    pub fn named(b: &Batch, name: &str) -> Option<BatchFile> {
        let zip = b.zip_name();
        if name == zip {
            Some(BatchFile::Zip)
        } else if name == format!("{zip}.sha256") {
            Some(BatchFile::ZipSha256)
        } else if name == "labels.pdf" || name == format!("batch-{}-labels.pdf", b.seq) {
            Some(BatchFile::LabelsPdf)
        } else {
            None
        }
    }

    /// The file's name as offered.
    pub fn name(&self, b: &Batch) -> String {
        match self {
            BatchFile::Zip => b.zip_name(),
            BatchFile::ZipSha256 => format!("{}.sha256", b.zip_name()),
            BatchFile::LabelsPdf => format!("batch-{}-labels.pdf", b.seq),
        }
    }

    /// The MIME type.
    pub fn content_type(&self) -> &'static str {
        match self {
            BatchFile::Zip => "application/zip",
            BatchFile::ZipSha256 => "text/plain; charset=utf-8",
            BatchFile::LabelsPdf => "application/pdf",
        }
    }
}

/// Where to read a batch file from.
pub enum Source {
    Path(PathBuf),
    Bytes(Vec<u8>),
}

impl Batches {
    /// A sealed batch of this supplier by number (None when it is not theirs or not sealed).
    pub async fn supplier_batch(&self, supplier_id: i64, seq: i64) -> Result<Batch, DomainError> {
        self.pool
            .run(move |c| batch::find_by_seq(c, supplier_id, seq)?.ok_or(DomainError::NotFound))
            .await
    }

    /// A sealed batch of this workspace by id.
    pub async fn workspace_batch(&self, workspace_id: i64, id: i64) -> Result<Batch, DomainError> {
        let b = self.pool.query(move |c| batch::find(c, id)).await?;
        if b.workspace_id != workspace_id || b.status != BatchStatus::Sealed {
            return Err(DomainError::NotFound);
        }
        Ok(b)
    }

    /// Where a batch file's bytes are, and its length.
    pub async fn source(&self, b: &Batch, f: &BatchFile) -> Result<(Source, u64), DomainError> {
        Ok(match f {
            BatchFile::Zip => (Source::Path(self.zip_path(b)), b.zip_bytes.unwrap_or(0) as u64),
            BatchFile::LabelsPdf => (
                Source::Path(self.labels_pdf_path(b)),
                b.labels_pdf_bytes.unwrap_or(0) as u64,
            ),
            BatchFile::ZipSha256 => {
                let line =
                    super::pack::sha256_file_line(b.zip_sha256.as_deref().unwrap_or(""), &b.zip_name());
                let n = line.len() as u64;
                (Source::Bytes(line.into_bytes()), n)
            }
        })
    }

    /// Records a download of a batch file (the zip or the merged PDF) on the batch and on the
    /// timeline of each of its orders (the first complete one only, to keep timelines short).
    pub async fn record_download(
        &self,
        actor: &Actor,
        b: &Batch,
        f: &BatchFile,
        first_byte: u64,
        bytes: u64,
        complete: bool,
    ) -> Result<(), DomainError> {
        if matches!(f, BatchFile::ZipSha256) {
            return Ok(());
        }
        let (actor, name, id, seq) = (actor.clone(), f.name(b), b.id, b.seq);
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let earlier = batch::downloads(c, id)?
                        .iter()
                        .any(|d| d.complete && d.file == name);
                    batch::record_download(
                        c,
                        &NewDownload {
                            batch_id: id,
                            file: &name,
                            actor: &actor.label,
                            channel: actor.channel.as_str(),
                            first_byte: first_byte as i64,
                            bytes: bytes as i64,
                            complete,
                        },
                    )?;
                    if complete && !earlier {
                        for (_, p) in batch::members(c, id)? {
                            order::add_event(
                                c,
                                p.order_id,
                                "download",
                                &format!("Batch {seq} downloaded ({name})"),
                                &actor.label,
                                actor.channel.as_str(),
                            )?;
                        }
                    }
                    Ok(())
                })
            })
            .await
    }
}
