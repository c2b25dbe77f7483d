//! The supplier's drop as one login sees it: which batches are in `outbox/` and `archive/`,
//! the result files, the inbox; their attributes and listings, and the replies SFTP clients get.
//! Shared by the file operations of a session and the checksum commands over exec.

use std::fs::File as FsFile;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use russh_sftp::protocol::{File, FileAttributes, Status, StatusCode};
use russh_sftp::server::StatusReply;

use crate::db::models::batch::{self, Batch};
use crate::db::models::sftp::{self as sftp_db, SftpLogin};
use crate::domain::batches::files::{BatchFile, Source};

use super::Gateway;
use super::vfs::{self, Area, Node, PathError};

/// A refusal with the message the client shows.
pub(super) fn err(code: StatusCode, msg: &str) -> StatusReply {
    code.with_message(msg)
}

/// Why a path is refused, in words a factory's operator can act on.
pub(super) fn path_err(e: PathError) -> StatusReply {
    match e {
        PathError::BadCharacters => err(
            StatusCode::PermissionDenied,
            "path has characters that are not allowed",
        ),
        PathError::BadName => err(
            StatusCode::PermissionDenied,
            "that is not a file name: use a name of at most 255 bytes, other than '.' or '..'",
        ),
        PathError::NoSuchPath => err(StatusCode::NoSuchFile, "no such file or folder"),
    }
}

/// A storage failure: logged here, a generic "try again" for the client.
pub(super) fn db_err(e: impl std::fmt::Display) -> StatusReply {
    tracing::warn!(error = %e, "SFTP request failed");
    err(StatusCode::Failure, "podgate could not read its data; try again")
}

/// The plain success status.
pub(super) fn ok(id: u32) -> Status {
    Status {
        id,
        status_code: StatusCode::Ok,
        error_message: "Ok".into(),
        language_tag: "en-US".into(),
    }
}

/// Attributes of a (virtual) folder.
pub(super) fn dir_attrs(mtime: u32) -> FileAttributes {
    FileAttributes {
        permissions: Some(0o040755),
        mtime: Some(mtime),
        atime: Some(mtime),
        size: Some(0),
        ..FileAttributes::default()
    }
}

/// Attributes of a file; only inbox files are writable.
pub(super) fn file_attrs(size: u64, mtime: u32, writable: bool) -> FileAttributes {
    FileAttributes {
        permissions: Some(if writable { 0o100644 } else { 0o100444 }),
        mtime: Some(mtime),
        atime: Some(mtime),
        size: Some(size),
        ..FileAttributes::default()
    }
}

/// A stored time as SFTP's 32-bit Unix seconds (0 when unknown).
pub(super) fn unix(t: Option<chrono::NaiveDateTime>) -> u32 {
    t.map(|t| t.and_utc().timestamp().max(0) as u32).unwrap_or(0)
}

/// A drop file: what it is and its attributes.
pub(super) enum Entry {
    Batch(Batch, BatchFile),
    Result(sftp_db::SftpUpload),
    Inbox(PathBuf, std::fs::Metadata),
    /// A processed upload, moved from the inbox (read-only).
    Archived(PathBuf, std::fs::Metadata),
}

/// The files of a folder on disk stored under [`vfs::disk_name`]s, with their names as sent.
fn stored_files(dir: &std::path::Path) -> Vec<(String, PathBuf, std::fs::Metadata)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = rd
        .flatten()
        .filter_map(|e| {
            let name = vfs::from_disk(&e.file_name().to_string_lossy())?;
            let m = e.metadata().ok().filter(|m| m.is_file())?;
            Some((name, e.path(), m))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The drop of one login: what its paths name.
pub(super) struct DropView {
    pub(super) gw: Arc<Gateway>,
    pub(super) login: SftpLogin,
}

impl DropView {
    /// The sealed batches of this supplier in an area (outbox: recent, archive: older).
    async fn batches(&self, area: Area) -> Result<Vec<Batch>, StatusReply> {
        let sid = self.login.supplier_id;
        let cutoff = crate::db::models::now() - chrono::Duration::days(self.gw.settings.retention_days);
        let all = self
            .gw
            .pool
            .query(move |c| batch::of_supplier(c, sid))
            .await
            .map_err(db_err)?;
        Ok(all
            .into_iter()
            .filter(|b| {
                let old = b.sealed_at.is_some_and(|s| s < cutoff);
                (area == Area::Archive) == old
            })
            .collect())
    }

    /// The file a name denotes in an area, or "no such file".
    pub(super) async fn entry(&self, area: Area, name: &str) -> Result<Entry, StatusReply> {
        let missing = || err(StatusCode::NoSuchFile, "no such file");
        match area {
            Area::Outbox | Area::Archive => {
                for b in self.batches(area).await? {
                    if let Some(f @ (BatchFile::Zip | BatchFile::ZipSha256)) = BatchFile::named(&b, name) {
                        return Ok(Entry::Batch(b, f));
                    }
                }
                if area == Area::Archive {
                    let p = self.gw.archive_path(self.login.supplier_id, name);
                    if !p.exists() {
                        self.gw.fetch_archive(self.login.supplier_id).await;
                    }
                    if let Ok(m) = std::fs::metadata(&p) {
                        return Ok(Entry::Archived(p, m));
                    }
                }
                Err(missing())
            }
            Area::Results => {
                let (sid, n) = (self.login.supplier_id, name.to_string());
                self.gw
                    .pool
                    .query(move |c| sftp_db::result_by_name(c, sid, &n))
                    .await
                    .map_err(db_err)?
                    .map(Entry::Result)
                    .ok_or_else(missing)
            }
            Area::Inbox => {
                let p = self.gw.inbox_path(self.login.supplier_id, name);
                if let Ok(m) = std::fs::metadata(&p) {
                    return Ok(Entry::Inbox(p, m));
                }
                self.just_processed(name).await?.ok_or_else(missing)
            }
        }
    }

    /// A file uploaded under `name` moments ago and already moved to `/archive`: clients check
    /// an upload by asking for its attributes right after it (paramiko's `put`, WinSCP), so for
    /// a few minutes the inbox name still answers, read-only, with the archived file. The
    /// inbox's listing does not show it.
    async fn just_processed(&self, name: &str) -> Result<Option<Entry>, StatusReply> {
        let (sid, n) = (self.login.supplier_id, name.to_string());
        let since = crate::db::models::now() - chrono::Duration::minutes(5);
        let Some(u) = self
            .gw
            .pool
            .query(move |c| sftp_db::latest_named(c, sid, &n, since))
            .await
            .map_err(db_err)?
        else {
            return Ok(None);
        };
        let p = self.gw.archive_path(sid, &sftp_db::archived_name(u.id, name));
        if !p.exists() {
            self.gw.fetch_archive(sid).await;
        }
        Ok(std::fs::metadata(&p).ok().map(|m| Entry::Archived(p, m)))
    }

    /// Size, time and permissions of a drop file.
    pub(super) fn entry_attrs(&self, e: &Entry) -> FileAttributes {
        match e {
            Entry::Batch(b, f) => {
                let size = match f {
                    BatchFile::Zip => b.zip_bytes.unwrap_or(0) as u64,
                    _ => crate::domain::batches::sha256_file_line(
                        b.zip_sha256.as_deref().unwrap_or(""),
                        &b.zip_name(),
                    )
                    .len() as u64,
                };
                file_attrs(size, unix(b.sealed_at), false)
            }
            Entry::Result(u) => file_attrs(u.result.len() as u64, unix(Some(u.created_at)), false),
            Entry::Inbox(_, m) | Entry::Archived(_, m) => {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_secs() as u32)
                    .unwrap_or(0);
                file_attrs(m.len(), mtime, matches!(e, Entry::Inbox(..)))
            }
        }
    }

    /// Attributes of whatever a path names (stat / lstat).
    pub(super) async fn attrs_of(&self, path: &str) -> Result<FileAttributes, StatusReply> {
        match vfs::resolve(path).map_err(path_err)? {
            Node::Root | Node::Dir(_) => Ok(dir_attrs(0)),
            Node::File(area, name) => {
                let e = self.entry(area, &name).await?;
                Ok(self.entry_attrs(&e))
            }
        }
    }

    /// The entries of a folder, `.` and `..` first.
    pub(super) async fn listing(&self, node: &Node) -> Result<Vec<File>, StatusReply> {
        let mut out = vec![File::new(".", dir_attrs(0)), File::new("..", dir_attrs(0))];
        match node {
            Node::Root => out.extend(Area::ALL.iter().map(|a| File::new(a.name(), dir_attrs(0)))),
            Node::Dir(area @ (Area::Outbox | Area::Archive)) => {
                for b in self.batches(*area).await? {
                    for f in [BatchFile::Zip, BatchFile::ZipSha256] {
                        let e = Entry::Batch(b.clone(), f.clone());
                        out.push(File::new(f.name(&b), self.entry_attrs(&e)));
                    }
                }
                if *area == Area::Archive {
                    self.gw.fetch_archive(self.login.supplier_id).await;
                    for (name, p, m) in stored_files(&self.gw.archive_dir(self.login.supplier_id)) {
                        out.push(File::new(name, self.entry_attrs(&Entry::Archived(p, m))));
                    }
                }
            }
            Node::Dir(Area::Results) => {
                let sid = self.login.supplier_id;
                let ups = self
                    .gw
                    .pool
                    .query(move |c| sftp_db::uploads_of(c, sid, 500))
                    .await
                    .map_err(db_err)?;
                for u in ups {
                    let name = u.result_name.clone();
                    out.push(File::new(name, self.entry_attrs(&Entry::Result(u))));
                }
            }
            Node::Dir(Area::Inbox) => {
                for (name, p, m) in stored_files(&self.gw.inbox_dir(self.login.supplier_id)) {
                    out.push(File::new(name, self.entry_attrs(&Entry::Inbox(p, m))));
                }
            }
            Node::File(..) => return Err(err(StatusCode::Failure, "not a folder")),
        }
        Ok(out)
    }
}

/// `sha256sum PATH` / `md5sum PATH` of a drop file, as the tools print it; None for any other
/// command.
pub async fn checksum_command(
    gw: &Arc<Gateway>,
    login: &SftpLogin,
    command: &str,
) -> Option<Result<String, String>> {
    let mut parts = command.split_whitespace();
    let tool = parts.next()?;
    if !matches!(tool, "sha256sum" | "md5sum") {
        return None;
    }
    let (Some(path), None) = (parts.next(), parts.next()) else {
        return Some(Err(format!("{tool}: give exactly one file")));
    };
    let view = DropView {
        gw: gw.clone(),
        login: login.clone(),
    };
    let Ok(Node::File(area, name)) = vfs::resolve(path) else {
        return Some(Err(format!("{tool}: {path}: no such file")));
    };
    let source = match view.entry(area, &name).await {
        Ok(Entry::Batch(b, f)) => gw.batches.source(&b, &f).await.ok().map(|(s, _)| s),
        Ok(Entry::Result(u)) => Some(Source::Bytes(u.result.into_bytes())),
        Ok(Entry::Inbox(p, _) | Entry::Archived(p, _)) => Some(Source::Path(p)),
        Err(_) => None,
    };
    let Some(source) = source else {
        return Some(Err(format!("{tool}: {path}: no such file")));
    };
    // Hashed in chunks on a blocking thread: a batch zip can be large.
    let sha = tool == "sha256sum";
    let digest = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut r: Box<dyn std::io::Read> = match source {
            Source::Path(p) => Box::new(FsFile::open(p)?),
            Source::Bytes(b) => Box::new(std::io::Cursor::new(b)),
        };
        let mut buf = vec![0u8; 64 * 1024];
        let (mut s256, mut m5) = (<sha2::Sha256 as sha2::Digest>::new(), md5::Context::new());
        loop {
            let n = r.read(&mut buf)?;
            if n == 0 {
                break;
            }
            if sha {
                sha2::Digest::update(&mut s256, &buf[..n]);
            } else {
                m5.consume(&buf[..n]);
            }
        }
        Ok(if sha {
            hex::encode(sha2::Digest::finalize(s256))
        } else {
            format!("{:x}", m5.compute())
        })
    })
    .await;
    let Ok(Ok(digest)) = digest else {
        return Some(Err(format!("{tool}: {path}: could not be read")));
    };
    Some(Ok(format!("{digest}  {path}\n")))
}
