//! The SFTP file operations of one session over the supplier's virtual drop. Everything is
//! resolved when a handle is opened (which batch, which file, which result), so reads are a
//! positioned read of a local file — russh-sftp serves one request at a time, and a slow read
//! would stall the session.

use std::collections::HashMap;
use std::fs::File as FsFile;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use russh_sftp::protocol::{
    Attrs, Data, ExtendedReply, File, FileAttributes, Handle, Name, OpenFlags, Packet, Status, StatusCode,
    Version,
};
use russh_sftp::server::StatusReply;

use crate::db::models::audit::{self, Actor};
use crate::db::models::batch::Batch;
use crate::db::models::sftp::SftpLogin;
use crate::domain::DomainError;
use crate::domain::batches::files::{BatchFile, Reading, Source};

use super::Gateway;
use super::drop_view::{DropView, Entry, db_err, dir_attrs, err, file_attrs, ok, path_err};
use super::guard::LoginWatch;
use super::upload::Upload;
use super::vfs::{self, Area, Node};

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
    Write(Upload),
}

enum Body {
    File(FsFile),
    Bytes(Vec<u8>),
    /// A batch file on its way from the bucket, read as it arrives.
    Arriving(crate::storage::Arriving),
}

/// One SFTP session of a supplier's login.
pub struct SftpFiles {
    view: DropView,
    actor: Actor,
    handles: HashMap<String, Open>,
    next: u64,
    watch: Arc<LoginWatch>,
}

impl SftpFiles {
    /// A session for a login; `actor` is recorded on everything it does, and every request
    /// first asks `watch` whether the login still may act.
    pub fn new(gw: Arc<Gateway>, login: SftpLogin, actor: Actor, watch: Arc<LoginWatch>) -> SftpFiles {
        SftpFiles {
            view: DropView { gw, login },
            actor,
            handles: HashMap::new(),
            next: 1,
            watch,
        }
    }

    /// Refuses every request of a login that was disabled, deleted or whose supplier was
    /// archived since it signed in (the session is being closed).
    async fn live(&self) -> Result<(), StatusReply> {
        if self.watch.allowed().await {
            Ok(())
        } else {
            Err(err(
                StatusCode::PermissionDenied,
                "this login was disabled or its supplier archived; the session is closed",
            ))
        }
    }

    /// Opens a handle, within the session's limit of open handles.
    fn handle(&mut self, open: Open) -> Result<String, StatusReply> {
        let max = self.view.gw.settings.max_open_handles;
        if self.handles.len() >= max {
            return Err(err(
                StatusCode::Failure,
                &format!("at most {max} files and folders can be open at once; close some first"),
            ));
        }
        let h = format!("h{}", self.next);
        self.next += 1;
        self.handles.insert(h.clone(), open);
        Ok(h)
    }

    /// Records a finished (or abandoned) download of a batch zip.
    async fn record_read(&self, b: Batch, f: BatchFile, first: u64, read: u64, size: u64) {
        if read == 0 {
            return;
        }
        let complete = read >= size;
        if let Err(e) = self
            .view
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
            .view
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
        self.live().await?;
        Ok(Attrs {
            id,
            attrs: self.view.attrs_of(&path).await?,
        })
    }

    async fn lstat(&mut self, id: u32, path: String) -> Result<Attrs, Self::Error> {
        self.stat(id, path).await
    }

    async fn fstat(&mut self, id: u32, handle: String) -> Result<Attrs, Self::Error> {
        let attrs = match self.handles.get(&handle) {
            Some(Open::Read { size, .. }) => file_attrs(*size, 0, false),
            Some(Open::Write(u)) => file_attrs(u.size, 0, true),
            Some(Open::Dir(_)) => dir_attrs(0),
            None => return Err(err(StatusCode::Failure, "unknown handle")),
        };
        Ok(Attrs { id, attrs })
    }

    async fn opendir(&mut self, id: u32, path: String) -> Result<Handle, Self::Error> {
        self.live().await?;
        let node = vfs::resolve(&path).map_err(path_err)?;
        let files = self.view.listing(&node).await?;
        Ok(Handle {
            id,
            handle: self.handle(Open::Dir(files))?,
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
        self.live().await?;
        let Node::File(area, name) = vfs::resolve(&filename).map_err(path_err)? else {
            return Err(err(StatusCode::Failure, "that is a folder"));
        };
        let writing =
            flags.intersects(OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::APPEND);
        if writing {
            if area != Area::Inbox {
                return Err(err(StatusCode::PermissionDenied, "only /inbox accepts uploads"));
            }
            let upload = Upload::start(&self.view.gw, self.view.login.supplier_id, name)?;
            return Ok(Handle {
                id,
                handle: self.handle(Open::Write(upload))?,
            });
        }
        let open = match self.view.entry(area, &name).await? {
            Entry::Batch(b, f) => {
                let (source, size) = self.view.gw.batches.reading(&b, &f).await.map_err(db_err)?;
                let body = match source {
                    Reading::Now(Source::Path(p)) => Body::File(
                        FsFile::open(p).map_err(|_| err(StatusCode::NoSuchFile, "batch file missing"))?,
                    ),
                    Reading::Now(Source::Bytes(b)) => Body::Bytes(b),
                    Reading::Arriving(a) => Body::Arriving(a),
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
            Entry::Inbox(p, m) | Entry::Archived(p, m) => Open::Read {
                batch: None,
                body: Body::File(FsFile::open(p).map_err(|_| err(StatusCode::NoSuchFile, "no such file"))?),
                size: m.len(),
                read: 0,
                first: u64::MAX,
            },
        };
        Ok(Handle {
            id,
            handle: self.handle(open)?,
        })
    }

    async fn read(&mut self, id: u32, handle: String, offset: u64, len: u32) -> Result<Data, Self::Error> {
        self.live().await?;
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
            Body::Arriving(a) => {
                let mut buf = vec![0u8; n];
                let got = a.read_at(&mut buf, offset).await.map_err(|e| {
                    tracing::warn!(error = %e, "a batch file could not be read from the bucket");
                    err(
                        StatusCode::Failure,
                        "the file store cannot be reached; try again in a moment",
                    )
                })?;
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
        self.live().await?;
        let Some(Open::Write(upload)) = self.handles.get_mut(&handle) else {
            return Err(err(StatusCode::PermissionDenied, "not a writable handle"));
        };
        upload.write(offset, &data)?;
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
            Some(Open::Write(upload)) => {
                // A revoked login's upload is discarded (dropping it removes the staging file).
                self.live().await?;
                let name = upload.name.clone();
                upload.finish(&self.view.gw.inbox_dir(self.view.login.supplier_id))?;
                if !vfs::is_temporary(&name) {
                    super::inbox::process(&self.view.gw, &self.view.login, &self.actor, &name).await;
                }
            }
            Some(_) => {}
            None => return Err(err(StatusCode::Failure, "unknown handle")),
        }
        Ok(ok(id))
    }

    async fn rename(&mut self, id: u32, from: String, to: String) -> Result<Status, Self::Error> {
        self.live().await?;
        let (Node::File(Area::Inbox, a), Node::File(Area::Inbox, b)) = (
            vfs::resolve(&from).map_err(path_err)?,
            vfs::resolve(&to).map_err(path_err)?,
        ) else {
            return Err(err(
                StatusCode::PermissionDenied,
                "only files in /inbox can be renamed, within /inbox",
            ));
        };
        let sid = self.view.login.supplier_id;
        std::fs::rename(self.view.gw.inbox_path(sid, &a), self.view.gw.inbox_path(sid, &b))
            .map_err(|_| err(StatusCode::NoSuchFile, "no such file"))?;
        if vfs::is_temporary(&a) && !vfs::is_temporary(&b) {
            super::inbox::process(&self.view.gw, &self.view.login, &self.actor, &b).await;
        }
        Ok(ok(id))
    }

    async fn remove(&mut self, id: u32, filename: String) -> Result<Status, Self::Error> {
        self.live().await?;
        match vfs::resolve(&filename).map_err(path_err)? {
            Node::File(Area::Inbox, name) => {
                std::fs::remove_file(self.view.gw.inbox_path(self.view.login.supplier_id, &name))
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
                let handles = self.view.gw.settings.max_open_handles as u64;
                for v in [262_144u64, 261_120, 261_120, handles] {
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
