//! The SFTP file operations of one session over the supplier's virtual drop. Everything is
//! resolved when a handle is opened (which batch, which file, which result), so reads are a
//! positioned read of a local file — russh-sftp serves one request at a time, and a slow read
//! would stall the session.

use std::collections::HashMap;
use std::fs::File as FsFile;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;

use russh_sftp::protocol::{
    Attrs, Data, ExtendedReply, File, FileAttributes, Handle, Name, OpenFlags, Packet, Status, StatusCode,
    Version,
};
use russh_sftp::server::StatusReply;

use crate::batches::files::{BatchFile, Source};
use crate::db::models::audit::{self, Actor};
use crate::db::models::batch::{self, Batch};
use crate::db::models::sftp::{self as sftp_db, SftpLogin};
use crate::domain::DomainError;

use super::Gateway;
use super::vfs::{self, Area, Node, PathError};

/// The largest upload accepted in the inbox.
const MAX_UPLOAD: u64 = crate::batches::ackfile::MAX_FILE_BYTES as u64;

enum Open {
    Dir(Vec<File>),
    /// A batch file (or a generated one) being read.
    Read {
        batch: Option<Box<(Batch, BatchFile)>>,
        body: Body,
        size: u64,
        read: u64,
        first: u64,
    },
    Write {
        name: String,
        staging: PathBuf,
        file: FsFile,
        size: u64,
        /// A write was refused: the upload is incomplete and is discarded at close.
        failed: bool,
    },
}

enum Body {
    File(FsFile),
    Bytes(Vec<u8>),
}

/// One SFTP session of a supplier's login.
pub struct SftpFiles {
    gw: Arc<Gateway>,
    login: SftpLogin,
    actor: Actor,
    handles: HashMap<String, Open>,
    next: u64,
}

fn err(code: StatusCode, msg: &str) -> StatusReply {
    code.with_message(msg)
}

fn path_err(e: PathError) -> StatusReply {
    match e {
        PathError::BadCharacters => err(
            StatusCode::PermissionDenied,
            "path has characters that are not allowed",
        ),
        PathError::BadName => err(
            StatusCode::PermissionDenied,
            "file names may use letters, digits, '.', '_' and '-' (at most 128)",
        ),
        PathError::NoSuchPath => err(StatusCode::NoSuchFile, "no such file or folder"),
    }
}

fn db_err(e: DomainError) -> StatusReply {
    tracing::warn!(error = %e, "SFTP request failed");
    err(StatusCode::Failure, "podgate could not read its data; try again")
}

fn ok(id: u32) -> Status {
    Status {
        id,
        status_code: StatusCode::Ok,
        error_message: "Ok".into(),
        language_tag: "en-US".into(),
    }
}

fn dir_attrs(mtime: u32) -> FileAttributes {
    FileAttributes {
        permissions: Some(0o040755),
        mtime: Some(mtime),
        atime: Some(mtime),
        size: Some(0),
        ..FileAttributes::default()
    }
}

fn file_attrs(size: u64, mtime: u32, writable: bool) -> FileAttributes {
    FileAttributes {
        permissions: Some(if writable { 0o100644 } else { 0o100444 }),
        mtime: Some(mtime),
        atime: Some(mtime),
        size: Some(size),
        ..FileAttributes::default()
    }
}

fn unix(t: Option<chrono::NaiveDateTime>) -> u32 {
    t.map(|t| t.and_utc().timestamp().max(0) as u32).unwrap_or(0)
}

/// A drop file: what it is and its attributes.
enum Entry {
    Batch(Batch, BatchFile),
    Result(sftp_db::SftpUpload),
    Inbox(PathBuf, std::fs::Metadata),
}

impl SftpFiles {
    /// A session for a login; `actor` is recorded on everything it does.
    pub fn new(gw: Arc<Gateway>, login: SftpLogin, actor: Actor) -> SftpFiles {
        SftpFiles {
            gw,
            login,
            actor,
            handles: HashMap::new(),
            next: 1,
        }
    }

    fn handle(&mut self, open: Open) -> String {
        let h = format!("h{}", self.next);
        self.next += 1;
        self.handles.insert(h.clone(), open);
        h
    }

    /// The sealed batches of this supplier in an area (outbox: recent, archive: older).
    async fn batches(&self, area: Area) -> Result<Vec<Batch>, StatusReply> {
        let sid = self.login.supplier_id;
        let cutoff = crate::db::models::now() - chrono::Duration::days(self.gw.settings.retention_days);
        let all = self
            .gw
            .pool
            .run(move |c| Ok::<_, DomainError>(batch::of_supplier(c, sid)?))
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

    async fn entry(&self, area: Area, name: &str) -> Result<Entry, StatusReply> {
        let missing = || err(StatusCode::NoSuchFile, "no such file");
        match area {
            Area::Outbox | Area::Archive => {
                for b in self.batches(area).await? {
                    if let Some(f @ (BatchFile::Zip | BatchFile::ZipSha256)) = BatchFile::named(&b, name) {
                        return Ok(Entry::Batch(b, f));
                    }
                }
                Err(missing())
            }
            Area::Results => {
                let (sid, n) = (self.login.supplier_id, name.to_string());
                self.gw
                    .pool
                    .run(move |c| Ok::<_, DomainError>(sftp_db::result_by_name(c, sid, &n)?))
                    .await
                    .map_err(db_err)?
                    .map(Entry::Result)
                    .ok_or_else(missing)
            }
            Area::Inbox => {
                let p = self.gw.inbox_dir(self.login.supplier_id).join(name);
                std::fs::metadata(&p)
                    .map(|m| Entry::Inbox(p, m))
                    .map_err(|_| missing())
            }
        }
    }

    fn entry_attrs(&self, e: &Entry) -> FileAttributes {
        match e {
            Entry::Batch(b, f) => {
                let size = match f {
                    BatchFile::Zip => b.zip_bytes.unwrap_or(0) as u64,
                    _ => crate::batches::pack::sha256_file_line(
                        b.zip_sha256.as_deref().unwrap_or(""),
                        &b.zip_name(),
                    )
                    .len() as u64,
                };
                file_attrs(size, unix(b.sealed_at), false)
            }
            Entry::Result(u) => file_attrs(u.result.len() as u64, unix(Some(u.created_at)), false),
            Entry::Inbox(_, m) => {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_secs() as u32)
                    .unwrap_or(0);
                file_attrs(m.len(), mtime, true)
            }
        }
    }

    async fn attrs_of(&self, path: &str) -> Result<FileAttributes, StatusReply> {
        match vfs::resolve(path).map_err(path_err)? {
            Node::Root | Node::Dir(_) => Ok(dir_attrs(0)),
            Node::File(area, name) => {
                let e = self.entry(area, &name).await?;
                Ok(self.entry_attrs(&e))
            }
        }
    }

    async fn listing(&self, node: &Node) -> Result<Vec<File>, StatusReply> {
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
            }
            Node::Dir(Area::Results) => {
                let sid = self.login.supplier_id;
                let ups = self
                    .gw
                    .pool
                    .run(move |c| Ok::<_, DomainError>(sftp_db::uploads_of(c, sid, 500)?))
                    .await
                    .map_err(db_err)?;
                for u in ups {
                    let name = u.result_name.clone();
                    out.push(File::new(name, self.entry_attrs(&Entry::Result(u))));
                }
            }
            Node::Dir(Area::Inbox) => {
                if let Ok(rd) = std::fs::read_dir(self.gw.inbox_dir(self.login.supplier_id)) {
                    for e in rd.flatten() {
                        let name = e.file_name().to_string_lossy().to_string();
                        if let Ok(m) = e.metadata()
                            && m.is_file()
                            && vfs::valid_name(&name)
                        {
                            out.push(File::new(name, self.entry_attrs(&Entry::Inbox(e.path(), m))));
                        }
                    }
                }
            }
            Node::File(..) => return Err(err(StatusCode::Failure, "not a folder")),
        }
        Ok(out)
    }

    /// Records a finished (or abandoned) download of a batch zip.
    async fn record_read(&self, b: Batch, f: BatchFile, first: u64, read: u64, size: u64) {
        if read == 0 {
            return;
        }
        let complete = read >= size;
        if let Err(e) = self
            .gw
            .batches
            .record_download(&self.actor, &b, &f, first, read, complete)
            .await
        {
            tracing::warn!(error = %e, "could not record an SFTP download");
        }
        let actor = self.actor.clone();
        let what = format!(
            "{} bytes of {} ({})",
            read,
            f.name(&b),
            if complete { "complete" } else { "partial" }
        );
        let _ = self
            .gw
            .pool
            .run(move |c| {
                audit::record(
                    c,
                    &actor,
                    None,
                    "sftp.download",
                    &format!("batch:{}", b.id),
                    &what,
                )?;
                Ok::<_, DomainError>(())
            })
            .await;
    }

    fn staging_dir(&self) -> PathBuf {
        self.gw
            .dir
            .join(self.login.supplier_id.to_string())
            .join("staging")
    }
}

impl russh_sftp::server::Handler for SftpFiles {
    type Error = StatusReply;

    fn unimplemented(&self) -> Self::Error {
        err(StatusCode::OpUnsupported, "not supported by this drop")
    }

    async fn init(&mut self, _version: u32, _ext: HashMap<String, String>) -> Result<Version, Self::Error> {
        let mut v = Version::new();
        v.extensions.insert("limits@openssh.com".into(), "1".into());
        v.extensions.insert("posix-rename@openssh.com".into(), "1".into());
        Ok(v)
    }

    async fn realpath(&mut self, id: u32, path: String) -> Result<Name, Self::Error> {
        let node = vfs::resolve(&path).map_err(path_err)?;
        Ok(Name {
            id,
            files: vec![File::dummy(node.path())],
        })
    }

    async fn stat(&mut self, id: u32, path: String) -> Result<Attrs, Self::Error> {
        Ok(Attrs {
            id,
            attrs: self.attrs_of(&path).await?,
        })
    }

    async fn lstat(&mut self, id: u32, path: String) -> Result<Attrs, Self::Error> {
        self.stat(id, path).await
    }

    async fn fstat(&mut self, id: u32, handle: String) -> Result<Attrs, Self::Error> {
        let attrs = match self.handles.get(&handle) {
            Some(Open::Read { size, .. }) => file_attrs(*size, 0, false),
            Some(Open::Write { size, .. }) => file_attrs(*size, 0, true),
            Some(Open::Dir(_)) => dir_attrs(0),
            None => return Err(err(StatusCode::Failure, "unknown handle")),
        };
        Ok(Attrs { id, attrs })
    }

    async fn opendir(&mut self, id: u32, path: String) -> Result<Handle, Self::Error> {
        let node = vfs::resolve(&path).map_err(path_err)?;
        let files = self.listing(&node).await?;
        Ok(Handle {
            id,
            handle: self.handle(Open::Dir(files)),
        })
    }

    async fn readdir(&mut self, id: u32, handle: String) -> Result<Name, Self::Error> {
        match self.handles.get_mut(&handle) {
            Some(Open::Dir(files)) if !files.is_empty() => {
                let n = files.len().min(100);
                Ok(Name {
                    id,
                    files: files.drain(..n).collect(),
                })
            }
            Some(Open::Dir(_)) => Err(StatusCode::Eof.into()),
            _ => Err(err(StatusCode::Failure, "not a folder handle")),
        }
    }

    async fn open(
        &mut self,
        id: u32,
        filename: String,
        flags: OpenFlags,
        _attrs: FileAttributes,
    ) -> Result<Handle, Self::Error> {
        let Node::File(area, name) = vfs::resolve(&filename).map_err(path_err)? else {
            return Err(err(StatusCode::Failure, "that is a folder"));
        };
        let writing =
            flags.intersects(OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::APPEND);
        if writing {
            if area != Area::Inbox {
                return Err(err(StatusCode::PermissionDenied, "only /inbox accepts uploads"));
            }
            std::fs::create_dir_all(self.staging_dir())
                .map_err(|_| err(StatusCode::Failure, "cannot store uploads now"))?;
            let staging = self.staging_dir().join(format!(
                "{}.{}",
                hex::encode(crate::secrets::random_bytes::<8>()),
                name
            ));
            let file =
                FsFile::create(&staging).map_err(|_| err(StatusCode::Failure, "cannot store uploads now"))?;
            return Ok(Handle {
                id,
                handle: self.handle(Open::Write {
                    name,
                    staging,
                    file,
                    size: 0,
                    failed: false,
                }),
            });
        }
        let open = match self.entry(area, &name).await? {
            Entry::Batch(b, f) => {
                let (source, size) = self.gw.batches.source(&b, &f).await.map_err(db_err)?;
                let body = match source {
                    Source::Path(p) => Body::File(
                        FsFile::open(p).map_err(|_| err(StatusCode::NoSuchFile, "batch file missing"))?,
                    ),
                    Source::Bytes(b) => Body::Bytes(b),
                };
                Open::Read {
                    batch: Some(Box::new((b, f))),
                    body,
                    size,
                    read: 0,
                    first: u64::MAX,
                }
            }
            Entry::Result(u) => Open::Read {
                batch: None,
                size: u.result.len() as u64,
                body: Body::Bytes(u.result.into_bytes()),
                read: 0,
                first: u64::MAX,
            },
            Entry::Inbox(p, m) => Open::Read {
                batch: None,
                body: Body::File(FsFile::open(p).map_err(|_| err(StatusCode::NoSuchFile, "no such file"))?),
                size: m.len(),
                read: 0,
                first: u64::MAX,
            },
        };
        Ok(Handle {
            id,
            handle: self.handle(open),
        })
    }

    async fn read(&mut self, id: u32, handle: String, offset: u64, len: u32) -> Result<Data, Self::Error> {
        let Some(Open::Read {
            body,
            size,
            read,
            first,
            ..
        }) = self.handles.get_mut(&handle)
        else {
            return Err(err(StatusCode::Failure, "not a readable handle"));
        };
        if offset >= *size {
            return Err(StatusCode::Eof.into());
        }
        let n = (len as u64).min(*size - offset).min(261_120) as usize;
        let data = match body {
            Body::Bytes(b) => b[offset as usize..offset as usize + n].to_vec(),
            Body::File(f) => {
                let mut buf = vec![0u8; n];
                let got = f
                    .read_at(&mut buf, offset)
                    .map_err(|_| err(StatusCode::Failure, "read failed"))?;
                buf.truncate(got);
                buf
            }
        };
        *read += data.len() as u64;
        *first = (*first).min(offset);
        Ok(Data { id, data })
    }

    async fn write(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        data: Vec<u8>,
    ) -> Result<Status, Self::Error> {
        let Some(Open::Write {
            file, size, failed, ..
        }) = self.handles.get_mut(&handle)
        else {
            return Err(err(StatusCode::PermissionDenied, "not a writable handle"));
        };
        let end = offset + data.len() as u64;
        if end > MAX_UPLOAD {
            *failed = true;
            return Err(err(
                StatusCode::Failure,
                "acknowledgement files are limited to 5 MiB; split the file",
            ));
        }
        if file.write_all_at(&data, offset).is_err() {
            *failed = true;
            return Err(err(StatusCode::Failure, "write failed"));
        }
        *size = (*size).max(end);
        Ok(ok(id))
    }

    async fn close(&mut self, id: u32, handle: String) -> Result<Status, Self::Error> {
        match self.handles.remove(&handle) {
            Some(Open::Read {
                batch: Some(bf),
                read,
                first,
                size,
                ..
            }) => {
                let (b, f) = *bf;
                self.record_read(b, f, if first == u64::MAX { 0 } else { first }, read, size)
                    .await;
            }
            Some(Open::Write {
                staging,
                failed: true,
                ..
            }) => {
                // Never let an incomplete upload appear under its name.
                let _ = std::fs::remove_file(&staging);
                return Err(err(
                    StatusCode::Failure,
                    "the upload was incomplete and is discarded",
                ));
            }
            Some(Open::Write {
                name,
                staging,
                mut file,
                ..
            }) => {
                let _ = file.flush();
                let _ = file.sync_all();
                drop(file);
                let dest_dir = self.gw.inbox_dir(self.login.supplier_id);
                std::fs::create_dir_all(&dest_dir)
                    .map_err(|_| err(StatusCode::Failure, "cannot store uploads now"))?;
                // The upload appears under its name only once complete.
                std::fs::rename(&staging, dest_dir.join(&name))
                    .map_err(|_| err(StatusCode::Failure, "cannot store the upload"))?;
                if !vfs::is_temporary(&name) {
                    super::inbox::process(&self.gw, &self.login, &self.actor, &name).await;
                }
            }
            Some(_) => {}
            None => return Err(err(StatusCode::Failure, "unknown handle")),
        }
        Ok(ok(id))
    }

    async fn rename(&mut self, id: u32, from: String, to: String) -> Result<Status, Self::Error> {
        let (Node::File(Area::Inbox, a), Node::File(Area::Inbox, b)) = (
            vfs::resolve(&from).map_err(path_err)?,
            vfs::resolve(&to).map_err(path_err)?,
        ) else {
            return Err(err(
                StatusCode::PermissionDenied,
                "only files in /inbox can be renamed, within /inbox",
            ));
        };
        let dir = self.gw.inbox_dir(self.login.supplier_id);
        std::fs::rename(dir.join(&a), dir.join(&b))
            .map_err(|_| err(StatusCode::NoSuchFile, "no such file"))?;
        if vfs::is_temporary(&a) && !vfs::is_temporary(&b) {
            super::inbox::process(&self.gw, &self.login, &self.actor, &b).await;
        }
        Ok(ok(id))
    }

    async fn remove(&mut self, id: u32, filename: String) -> Result<Status, Self::Error> {
        match vfs::resolve(&filename).map_err(path_err)? {
            Node::File(Area::Inbox, name) => {
                std::fs::remove_file(self.gw.inbox_dir(self.login.supplier_id).join(name))
                    .map_err(|_| err(StatusCode::NoSuchFile, "no such file"))?;
                Ok(ok(id))
            }
            _ => Err(err(
                StatusCode::PermissionDenied,
                "only your own uploads in /inbox can be removed",
            )),
        }
    }

    async fn setstat(
        &mut self,
        id: u32,
        _path: String,
        _attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
        // Clients set times and modes after uploads; accepted and ignored.
        Ok(ok(id))
    }

    async fn fsetstat(
        &mut self,
        id: u32,
        _handle: String,
        _attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
        Ok(ok(id))
    }

    async fn mkdir(
        &mut self,
        _id: u32,
        _path: String,
        _attrs: FileAttributes,
    ) -> Result<Status, Self::Error> {
        Err(err(StatusCode::PermissionDenied, "the drop's folders are fixed"))
    }

    async fn rmdir(&mut self, _id: u32, _path: String) -> Result<Status, Self::Error> {
        Err(err(StatusCode::PermissionDenied, "the drop's folders are fixed"))
    }

    async fn symlink(&mut self, _id: u32, _link: String, _target: String) -> Result<Status, Self::Error> {
        Err(err(StatusCode::PermissionDenied, "links are not allowed"))
    }

    async fn readlink(&mut self, _id: u32, _path: String) -> Result<Name, Self::Error> {
        Err(err(StatusCode::NoSuchFile, "there are no links"))
    }

    async fn extended(&mut self, id: u32, request: String, data: Vec<u8>) -> Result<Packet, Self::Error> {
        match request.as_str() {
            "limits@openssh.com" => {
                // max packet, max read, max write, max open handles (as OpenSSH's sftp-server).
                let mut d = Vec::with_capacity(32);
                for v in [262_144u64, 261_120, 261_120, 64] {
                    d.extend_from_slice(&v.to_be_bytes());
                }
                Ok(Packet::ExtendedReply(ExtendedReply { id, data: d }))
            }
            "posix-rename@openssh.com" => {
                let (from, rest) =
                    ssh_string(&data).ok_or_else(|| err(StatusCode::BadMessage, "bad rename"))?;
                let (to, _) = ssh_string(rest).ok_or_else(|| err(StatusCode::BadMessage, "bad rename"))?;
                let status = self.rename(id, from, to).await?;
                Ok(Packet::Status(status))
            }
            _ => Err(self.unimplemented()),
        }
    }
}

/// Reads one SSH string (u32 length + bytes).
fn ssh_string(b: &[u8]) -> Option<(String, &[u8])> {
    let n = u32::from_be_bytes(b.get(..4)?.try_into().ok()?) as usize;
    let s = b.get(4..4 + n)?;
    Some((String::from_utf8(s.to_vec()).ok()?, &b[4 + n..]))
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
    let files = SftpFiles::new(gw.clone(), login.clone(), Actor::cli());
    let Ok(Node::File(area, name)) = vfs::resolve(path) else {
        return Some(Err(format!("{tool}: {path}: no such file")));
    };
    let source = match files.entry(area, &name).await {
        Ok(Entry::Batch(b, f)) => gw.batches.source(&b, &f).await.ok().map(|(s, _)| s),
        Ok(Entry::Result(u)) => Some(Source::Bytes(u.result.into_bytes())),
        Ok(Entry::Inbox(p, _)) => Some(Source::Path(p)),
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
