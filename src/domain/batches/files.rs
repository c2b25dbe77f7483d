//! A batch's files as every channel offers them — `batch-<n>.zip`, `batch-<n>.zip.sha256` and
//! `labels.pdf` — and the record of each download (who, when, channel, which bytes, complete or
//! partial) on the batch and on its orders' timelines.

use std::path::PathBuf;

use crate::db::models::audit::Actor;
use crate::db::models::batch::{self, Batch, NewDownload};
use crate::db::models::order;
use crate::db::models::status::BatchStatus;
use crate::db::models::step::{self, ClockStep};
use crate::domain::DomainError;

use super::Batches;

/// A batch's file name without extension: seller, supplier, number and the day it was sealed in
/// the supplier's zone, e.g. `demo-prints-shirt-co-0001-2026-12-02`, so a factory serving
/// several sellers never gets two `batch-1.zip`, and its folder sorts by seller and number.
pub fn file_stem(seller: &str, supplier: &str, seq: i64, day: chrono::NaiveDate) -> String {
    format!(
        "{}-{}-{seq:04}-{day}",
        slug(seller, "seller"),
        slug(supplier, "supplier")
    )
}

/// Lowercase ASCII letters and digits joined by single dashes (common accents folded, other
/// letters dropped, at most 32 characters): safe in every file system, shell and SFTP client.
fn slug(name: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase).map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 32 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { fallback.to_string() } else { out }
}

/// é → e, ñ → n…: the Latin letters sellers' and factories' names use most.
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Today's date in a time zone (UTC when the zone is unknown).
pub fn local_date(zone: &str, now: chrono::NaiveDateTime) -> chrono::NaiveDate {
    use chrono::TimeZone;
    match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => tz.from_utc_datetime(&now).date_naive(),
        Err(_) => now.date(),
    }
}

/// One file of a sealed batch.
#[derive(Debug, Clone)]
pub enum BatchFile {
    Zip,
    ZipSha256,
    LabelsPdf,
    /// One package's label, named as in the zip (`0001-<order>-<package>.pdf`): a reprint.
    Label {
        position: i64,
        name: String,
    },
    /// A picture of one package's label (`0001-<order>-<package>.png`), for the batch page.
    LabelPreview {
        position: i64,
        name: String,
    },
    /// One package's production ticket, `ticket-<position>.pdf`, as its tickets file has it.
    Ticket {
        position: i64,
    },
    /// The kept thumbnail of artwork the batch's seller checked, `art-<sha256>.png`, for the
    /// batch page (instead of loading the seller's artwork host from the reader's browser).
    ArtworkThumb {
        sha256: String,
    },
}

/// The position a label file name starts with (`0001-…`), and whether it is the PNG preview.
fn label_position(name: &str) -> Option<(i64, bool)> {
    let (stem, png) = match (name.strip_suffix(".pdf"), name.strip_suffix(".png")) {
        (Some(s), _) => (s, false),
        (_, Some(s)) => (s, true),
        _ => return None,
    };
    let (pos, rest) = stem.split_once('-')?;
    (pos.len() == 4 && pos.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty())
        .then(|| pos.parse().ok().map(|p| (p, png)))
        .flatten()
}

impl BatchFile {
    /// The sealed batch's file in the bucket this one is served as, and its recorded size: the
    /// zip and the merged labels; None for files made from others or from the database.
    pub fn shared(&self, b: &Batch) -> Option<(super::SharedFile, u64)> {
        match self {
            BatchFile::Zip => Some((super::SharedFile::Zip, b.zip_bytes.unwrap_or(0) as u64)),
            BatchFile::LabelsPdf => Some((
                super::SharedFile::LabelsPdf,
                b.labels_pdf_bytes.unwrap_or(0) as u64,
            )),
            _ => None,
        }
    }

    /// Which file a name means for this batch (None for any other name).
    pub fn named(b: &Batch, name: &str) -> Option<BatchFile> {
        let zip = b.zip_name();
        if name == zip {
            Some(BatchFile::Zip)
        } else if name == format!("{zip}.sha256") {
            Some(BatchFile::ZipSha256)
        } else if name == b.labels_pdf_name() || name == "labels.pdf" {
            Some(BatchFile::LabelsPdf)
        } else if name == format!("batch-{}.zip", b.seq) {
            // The name before names carried seller and supplier: scripts that fetch it work on.
            Some(BatchFile::Zip)
        } else if name == format!("batch-{}.zip.sha256", b.seq) {
            Some(BatchFile::ZipSha256)
        } else if name == format!("batch-{}-labels.pdf", b.seq) {
            Some(BatchFile::LabelsPdf)
        } else if let Some(position) = name
            .strip_prefix("ticket-")
            .and_then(|n| n.strip_suffix(".pdf"))
            .filter(|n| !n.starts_with(['+', '-', '0']))
            .and_then(|n| n.parse().ok())
        {
            Some(BatchFile::Ticket { position })
        } else if let Some(sha256) = name
            .strip_prefix("art-")
            .and_then(|n| n.strip_suffix(".png"))
            .filter(|n| {
                n.len() == 64
                    && n.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            })
        {
            Some(BatchFile::ArtworkThumb {
                sha256: sha256.to_string(),
            })
        } else if let Some((position, png)) = label_position(name) {
            // Checked against the package at that position when it is read (`source`).
            let name = name.to_string();
            Some(if png {
                BatchFile::LabelPreview { position, name }
            } else {
                BatchFile::Label { position, name }
            })
        } else {
            None
        }
    }

    /// The file's name as offered.
    pub fn name(&self, b: &Batch) -> String {
        match self {
            BatchFile::Zip => b.zip_name(),
            BatchFile::ZipSha256 => format!("{}.sha256", b.zip_name()),
            BatchFile::LabelsPdf => b.labels_pdf_name(),
            BatchFile::Label { name, .. } | BatchFile::LabelPreview { name, .. } => name.clone(),
            BatchFile::Ticket { position } => format!("ticket-{position}.pdf"),
            BatchFile::ArtworkThumb { sha256 } => format!("art-{sha256}.png"),
        }
    }

    /// The MIME type.
    pub fn content_type(&self) -> &'static str {
        match self {
            BatchFile::Zip => "application/zip",
            BatchFile::ZipSha256 => "text/plain; charset=utf-8",
            BatchFile::LabelsPdf | BatchFile::Label { .. } | BatchFile::Ticket { .. } => "application/pdf",
            BatchFile::LabelPreview { .. } | BatchFile::ArtworkThumb { .. } => "image/png",
        }
    }
}

/// Where to read a batch file from.
pub enum Source {
    Path(PathBuf),
    Bytes(Vec<u8>),
}

/// Where to read a batch file from as soon as possible: a [`Source`], or the zip or merged
/// labels arriving from the bucket on a node that lacked them.
pub enum Reading {
    Now(Source),
    Arriving(crate::storage::Arriving),
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

    /// Where a batch file's bytes are to read as soon as possible (the SFTP server, whose
    /// clients read in order), and its length.
    pub async fn reading(&self, b: &Batch, f: &BatchFile) -> Result<(Reading, u64), DomainError> {
        if let Some((file, size)) = f.shared(b) {
            if let crate::storage::Readable::Arriving(a) = self.arriving(b.id, file).await? {
                return Ok((Reading::Arriving(a), size));
            }
        }
        let (source, size) = self.source(b, f).await?;
        Ok((Reading::Now(source), size))
    }

    /// A batch file to serve, whole on this node (fetched from the bucket first when it was
    /// sealed on another), and its size.
    pub async fn source(&self, b: &Batch, f: &BatchFile) -> Result<(Source, u64), DomainError> {
        match f {
            BatchFile::Zip | BatchFile::Ticket { .. } => self.local(b.id, super::SharedFile::Zip).await?,
            BatchFile::LabelsPdf => self.local(b.id, super::SharedFile::LabelsPdf).await?,
            _ => {}
        }
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
            BatchFile::Ticket { position } => {
                let pdf = self.ticket(b, *position).await?;
                let n = pdf.len() as u64;
                (Source::Bytes(pdf), n)
            }
            BatchFile::ArtworkThumb { sha256 } => {
                let path = self.artwork_thumb(b.workspace_id, sha256).await?;
                let len = tokio::fs::metadata(&path)
                    .await
                    .map_err(|_| DomainError::NotFound)?
                    .len();
                (Source::Path(path), len)
            }
            BatchFile::Label { position, name } | BatchFile::LabelPreview { position, name } => {
                let sha = self.label_at(b, *position, name).await?.1;
                let path = match f {
                    BatchFile::Label { .. } => self.labels.local(&sha).await.map_err(|e| {
                        tracing::error!(error = %e, "a batch's label could not be read");
                        DomainError::NotFound
                    })?,
                    _ => self
                        .labels
                        .thumbnail(&sha)
                        .await
                        .map_err(|e| DomainError::Internal(format!("label preview: {e}")))?,
                };
                let len = tokio::fs::metadata(&path)
                    .await
                    .map_err(|_| DomainError::NotFound)?
                    .len();
                (Source::Path(path), len)
            }
        })
    }

    /// The kept thumbnail of artwork this workspace's checks found (fetched from the bucket
    /// when this node lacks it); not found for any other.
    async fn artwork_thumb(&self, ws: i64, sha256: &str) -> Result<PathBuf, DomainError> {
        let asked = sha256.to_string();
        let known = self
            .pool
            .query(move |c| crate::db::models::artwork::workspace_has(c, ws, &asked))
            .await?;
        if !known {
            return Err(DomainError::NotFound);
        }
        if self.artwork.find_thumb(sha256).is_none() {
            self.artwork.fetch_kept(&self.pool, ws).await?;
        }
        self.artwork.find_thumb(sha256).ok_or(DomainError::NotFound)
    }

    /// The production ticket of the package at `position`, drawn from the manifest the batch was
    /// sealed with (what its tickets file holds, whatever happened to the package since).
    async fn ticket(&self, b: &Batch, position: i64) -> Result<Vec<u8>, DomainError> {
        let (zip, art) = (self.zip_path(b), self.artwork.clone());
        tokio::task::spawn_blocking(move || {
            let m = super::pack::read_manifest(&zip).map_err(|_| DomainError::NotFound)?;
            let p = m
                .packages
                .iter()
                .find(|p| p.position == position)
                .ok_or(DomainError::NotFound)?;
            Ok(super::ticket::render(
                &m.head,
                p,
                &super::ticket::Thumbs::new(art),
            ))
        })
        .await
        .map_err(|e| DomainError::Internal(e.to_string()))?
    }

    /// The order and label checksum of the active package at `position` of a batch, when
    /// `name` is that package's label file name (`.pdf` or `.png`); anything else is not found.
    async fn label_at(&self, b: &Batch, position: i64, name: &str) -> Result<(i64, String), DomainError> {
        let (id, ws, want) = (
            b.id,
            b.workspace_id,
            name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name).to_string(),
        );
        self.pool
            .run(move |c| {
                for (bp, p) in batch::members(c, id)? {
                    if bp.position != position || !bp.active {
                        continue;
                    }
                    let o = order::find_in_workspace(c, ws, p.order_id)?.ok_or(DomainError::NotFound)?;
                    let file = super::label_file(
                        position,
                        &o.tiktok_order_id,
                        p.tiktok_package_id.as_deref().unwrap_or(""),
                    );
                    if file.strip_suffix(".pdf") == Some(want.as_str()) {
                        return p
                            .label_sha256
                            .map(|s| (p.order_id, s))
                            .ok_or(DomainError::NotFound);
                    }
                }
                Err(DomainError::NotFound)
            })
            .await
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
        // The zip and the merged PDF go on every order of the batch (the first complete
        // download only, to keep timelines short); one label's reprint on its own order, each time.
        let label_order = match f {
            BatchFile::ZipSha256
            | BatchFile::LabelPreview { .. }
            | BatchFile::Ticket { .. }
            | BatchFile::ArtworkThumb { .. } => return Ok(()),
            BatchFile::Label { position, name } => Some(self.label_at(b, *position, name).await?.0),
            BatchFile::Zip | BatchFile::LabelsPdf => None,
        };
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
                    let (orders, what) = match label_order {
                        Some(o) if complete => (
                            vec![o],
                            format!("Label downloaded again from batch {seq} ({name})"),
                        ),
                        None if complete && !earlier => (
                            batch::members(c, id)?
                                .into_iter()
                                .map(|(_, p)| p.order_id)
                                .collect(),
                            format!("Batch {seq} downloaded ({name})"),
                        ),
                        _ => (Vec::new(), String::new()),
                    };
                    for o in orders {
                        order::add_event(c, o, "download", &what, &actor.label, actor.channel.as_str())?;
                    }
                    // The whole batch downloaded: a step on each of its packages' clocks.
                    if complete && label_order.is_none() {
                        let now = crate::db::models::now();
                        for (_, p) in batch::members(c, id)? {
                            step::record(
                                c,
                                p.id,
                                ClockStep::Downloaded,
                                now,
                                actor.channel.as_str(),
                                &actor.label,
                            )?;
                        }
                    }
                    Ok(())
                })
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_file_names_carry_seller_supplier_number_and_day() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            file_stem("Demo Prints", "Shirt Co", 1, day),
            "demo-prints-shirt-co-0001-2026-12-02"
        );
        assert_eq!(
            file_stem("Café Ünïcode!!", "  ", 12345, day),
            "cafe-unicode-supplier-12345-2026-12-02"
        );
        assert_eq!(file_stem("../../etc", "a/b", 3, day), "etc-a-b-0003-2026-12-02");
    }
}
