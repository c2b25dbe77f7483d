//! One upload into a supplier's inbox: written to a staging file and renamed under its name
//! only once complete, within the file size limit; a new upload is refused (at open, where
//! every client shows the reason) once the supplier's inbox holds its quota, so the inbox
//! exceeds it by at most the uploads under way. An upload
//! dropped unfinished (the client vanished, the session was cut) removes its staging file;
//! the gateway's sweep removes any a crash left behind.

use std::fs::File as FsFile;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use russh_sftp::protocol::StatusCode;
use russh_sftp::server::StatusReply;

use super::Gateway;
use super::drop_view::err;

/// The largest upload accepted in the inbox.
pub const MAX_UPLOAD: u64 = crate::domain::batches::ackfile::MAX_FILE_BYTES as u64;

/// An upload being written.
pub struct Upload {
    pub name: String,
    /// `None` once renamed into the inbox.
    staging: Option<PathBuf>,
    file: Option<FsFile>,
    pub size: u64,
    /// A write was refused: the upload is incomplete and is discarded at close.
    pub failed: bool,
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(p) = self.staging.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Bytes in the files of a folder (not recursive; missing folder = 0).
fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn mib(b: u64) -> String {
    format!("{:.1} MiB", b as f64 / 1_048_576.0)
}

impl Upload {
    /// Starts an upload of `name`, unless the supplier's inbox is full.
    pub fn start(gw: &Gateway, supplier_id: i64, name: String) -> Result<Upload, StatusReply> {
        let quota = gw.settings.inbox_quota_mib.saturating_mul(1_048_576);
        let used = folder_bytes(&gw.inbox_dir(supplier_id)) + folder_bytes(&gw.staging_dir(supplier_id));
        if used >= quota {
            return Err(err(
                StatusCode::Failure,
                &format!(
                    "your inbox is full ({} of {}): remove files you uploaded before from /inbox, then upload again",
                    mib(used),
                    mib(quota)
                ),
            ));
        }
        let dir = gw.staging_dir(supplier_id);
        std::fs::create_dir_all(&dir).map_err(|_| err(StatusCode::Failure, "cannot store uploads now"))?;
        let staging = dir.join(format!(
            "{}.{}",
            hex::encode(crate::crypto::random_bytes::<8>()),
            super::vfs::disk_name(&name)
        ));
        let file =
            FsFile::create(&staging).map_err(|_| err(StatusCode::Failure, "cannot store uploads now"))?;
        Ok(Upload {
            name,
            staging: Some(staging),
            file: Some(file),
            size: 0,
            failed: false,
        })
    }

    /// Writes `data` at `offset`; past the size limit, the upload fails.
    pub fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), StatusReply> {
        let end = offset + data.len() as u64;
        if end > MAX_UPLOAD {
            self.failed = true;
            return Err(err(
                StatusCode::Failure,
                "acknowledgement files are limited to 5 MiB; split the file",
            ));
        }
        let Some(file) = &self.file else {
            return Err(err(StatusCode::Failure, "the upload is closed"));
        };
        if file.write_all_at(data, offset).is_err() {
            self.failed = true;
            return Err(err(StatusCode::Failure, "write failed"));
        }
        self.size = self.size.max(end);
        Ok(())
    }

    /// Makes the complete upload appear in the inbox under its name.
    pub fn finish(mut self, inbox: &Path) -> Result<(), StatusReply> {
        if self.failed {
            return Err(err(
                StatusCode::Failure,
                "the upload was incomplete and is discarded",
            ));
        }
        if let Some(mut f) = self.file.take() {
            let _ = f.flush();
            let _ = f.sync_all();
        }
        std::fs::create_dir_all(inbox).map_err(|_| err(StatusCode::Failure, "cannot store uploads now"))?;
        let Some(staging) = &self.staging else {
            return Err(err(StatusCode::Failure, "the upload is closed"));
        };
        std::fs::rename(staging, inbox.join(super::vfs::disk_name(&self.name)))
            .map_err(|_| err(StatusCode::Failure, "cannot store the upload"))?;
        self.staging = None;
        Ok(())
    }
}
