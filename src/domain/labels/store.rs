//! Content-addressed label storage: a PDF is stored once under its SHA-256; its PNG thumbnail
//! (on first request) and its ZPL per printer resolution (see `zpl`) are made once, beside it.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

/// Content-addressed storage of label PDFs (`<dir>/<sha256>.pdf`, written to a temp name first),
/// committed to the shared bucket when there is one (`labels/<sha256>.pdf`); thumbnails and ZPL
/// are made again from the PDF on whichever node needs them.
#[derive(Clone)]
pub struct LabelStore {
    pub dir: PathBuf,
    pub bucket: crate::storage::Bucket,
}

impl LabelStore {
    /// Stores a PDF (in the bucket too, before this returns); returns its SHA-256.
    pub async fn put(&self, pdf: &[u8]) -> std::io::Result<String> {
        let sha = hex::encode(Sha256::digest(pdf));
        let path = self.path(&sha);
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            tokio::fs::create_dir_all(&self.dir).await?;
            let tmp = self.tmp_path(&sha, "pdf");
            tokio::fs::write(&tmp, pdf).await?;
            tokio::fs::rename(&tmp, &path).await?;
        }
        // Also when the file was here already: a crash may have come before its upload.
        self.bucket
            .commit(&key(&sha), &path)
            .await
            .map_err(std::io::Error::other)?;
        Ok(sha)
    }

    /// The local path of a stored label, fetched from the bucket first when this node lacks it.
    pub async fn local(&self, sha256: &str) -> std::io::Result<PathBuf> {
        let path = self.path(sha256);
        let found = self.bucket.fetch(&key(sha256), &path).await;
        stored(sha256, path, found)
    }

    /// A packing's labels, in the order it asks for them ([`LabelFeed::want`]), for a packing
    /// on a blocking thread. Without a bucket each is read from its file when taken; with one,
    /// a task reads them `FEED_AHEAD` (128) ahead, each from this node's file or, when another node
    /// bought it, from the bucket into memory (no file is made for it here: creating a
    /// thousand files was most of a seal's time on a node that holds none of its labels).
    pub fn feed(&self) -> LabelFeed {
        let runtime = tokio::runtime::Handle::try_current();
        let (Ok(runtime), true) = (runtime, self.bucket.is_shared()) else {
            return LabelFeed::Local(self.clone());
        };
        let (want, wanted) = tokio::sync::mpsc::unbounded_channel::<String>();
        let (tx, rx) = tokio::sync::mpsc::channel(FEED_AHEAD);
        let store = self.clone();
        runtime.spawn(async move {
            use futures::StreamExt;
            let wanted =
                futures::stream::unfold(wanted, |mut w| async move { w.recv().await.map(|s| (s, w)) });
            let reads = wanted
                .map(|sha| {
                    let store = store.clone();
                    async move {
                        let read = store.bytes(&sha).await;
                        (sha, read)
                    }
                })
                .buffered(FEED_AHEAD);
            let mut reads = std::pin::pin!(reads);
            while let Some(read) = reads.next().await {
                if tx.send(read).await.is_err() {
                    return; // the packing stopped
                }
            }
        });
        LabelFeed::Ahead { want, rx }
    }

    /// A stored label's bytes: this node's file, else the bucket's copy (read into memory).
    async fn bytes(&self, sha256: &str) -> Result<Vec<u8>, LabelReadError> {
        match tokio::fs::read(self.path(sha256)).await {
            Ok(b) => return Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(LabelReadError::Io(e)),
        }
        match self.bucket.read(&key(sha256)).await {
            Ok(Some(b)) => Ok(b.to_vec()),
            Ok(None) => Err(LabelReadError::Io(not_stored(sha256))),
            Err(e) => Err(LabelReadError::Store(e)),
        }
    }

    /// [`LabelStore::local`] from blocking code.
    pub fn local_blocking(&self, sha256: &str) -> std::io::Result<PathBuf> {
        let path = self.path(sha256);
        let found = self.bucket.fetch_blocking(&key(sha256), &path);
        stored(sha256, path, found)
    }

    /// A fresh temporary name in the store for a file about to be renamed into place (a
    /// process killed mid-write leaves a dot file no reader looks at).
    fn tmp_path(&self, sha256: &str, ext: &str) -> PathBuf {
        self.dir.join(format!(
            ".{sha256}.{}.{ext}.tmp",
            hex::encode(crate::crypto::random_bytes::<4>())
        ))
    }

    /// Where a stored label lives.
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.pdf"))
    }

    /// Where a label's ZPL at `dpi` lives.
    pub fn zpl_path(&self, sha256: &str, dpi: i64) -> PathBuf {
        self.dir.join(format!("{sha256}.{dpi}.zpl"))
    }

    /// A label's ZPL at `dpi`, converted from its PDF (`pdf`, already read and checked) once
    /// and kept beside it. Blocking: run it on a blocking thread.
    pub fn zpl(&self, sha256: &str, pdf: &[u8], dpi: i64) -> std::io::Result<Vec<u8>> {
        let path = self.zpl_path(sha256, dpi);
        if let Ok(kept) = std::fs::read(&path) {
            return Ok(kept);
        }
        let zpl = super::zpl::label(sha256, pdf, dpi)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?
            .into_bytes();
        let tmp = self.tmp_path(sha256, "zpl");
        std::fs::write(&tmp, &zpl)?;
        std::fs::rename(&tmp, &path)?;
        Ok(zpl)
    }

    /// Converts a just-stored label to ZPL ahead of its batch (the supplier prints ZPL), while
    /// the purchase waits on TikTok's rate limit anyway; sealing then only reads it.
    pub async fn prepare_zpl(&self, sha256: &str, dpi: i64) -> std::io::Result<()> {
        let (store, sha) = (self.clone(), sha256.to_string());
        on_converter(move || {
            let pdf = std::fs::read(store.path(&sha))?;
            store.zpl(&sha, &pdf, dpi).map(|_| ())
        })
        .await?
    }

    /// Where a label's PNG thumbnail lives.
    pub fn thumbnail_path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.png"))
    }

    /// The PNG thumbnail of a stored label (first page), rendered once and kept beside it.
    pub async fn thumbnail(&self, sha256: &str) -> std::io::Result<PathBuf> {
        let path = self.thumbnail_path(sha256);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(path);
        }
        let pdf = tokio::fs::read(self.local(sha256).await?).await?;
        let png = tokio::task::spawn_blocking(move || render_thumbnail(pdf, THUMBNAIL_SCALE))
            .await
            .map_err(std::io::Error::other)??;
        let tmp = self.tmp_path(sha256, "png");
        tokio::fs::write(&tmp, png).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(path)
    }
}

/// How many labels a seal reads ahead of its packing from the bucket. Measured on a local
/// Garage (`bench seal --store --rounds`, 1,000 labels, the seal's time against the data dir's,
/// medians): 16 at a time 3.97×, 32 2.31×, 64 1.52–1.76×, 128 1.36–1.53×, 256 1.46×. Each
/// label in flight or waiting is held in memory (peak 1.23× the data dir's at 64, 1.31–1.36×
/// at 128).
pub const FEED_AHEAD: usize = 128;

/// Why a label could not be read for a packing.
#[derive(Debug, thiserror::Error)]
pub enum LabelReadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The bucket could not be reached: worth trying again later.
    #[error(transparent)]
    Store(#[from] crate::storage::StorageError),
}

/// A packing's labels (see [`LabelStore::feed`]).
pub enum LabelFeed {
    /// Each read from this node's files when taken.
    Local(LabelStore),
    /// Read ahead by a task, in the order wanted.
    Ahead {
        want: tokio::sync::mpsc::UnboundedSender<String>,
        rx: tokio::sync::mpsc::Receiver<(String, Result<Vec<u8>, LabelReadError>)>,
    },
}

impl LabelFeed {
    /// Asks for these labels after those asked before, to be taken in this order.
    pub fn want<'s>(&mut self, shas: impl IntoIterator<Item = &'s str>) {
        if let LabelFeed::Ahead { want, .. } = self {
            for sha in shas {
                // Only fails once the reader stopped, which taking the next label reports.
                let _ = want.send(sha.to_string());
            }
        }
    }

    /// Passes over the next `n` labels asked for (a packing found their segment already kept).
    pub fn skip(&mut self, n: usize) {
        if let LabelFeed::Ahead { rx, .. } = self {
            for _ in 0..n {
                if rx.blocking_recv().is_none() {
                    return;
                }
            }
        }
    }

    /// The next label, which must be `sha256`. Blocking: call it from a blocking thread.
    pub fn next_blocking(&mut self, sha256: &str) -> Result<Vec<u8>, LabelReadError> {
        match self {
            LabelFeed::Local(store) => Ok(std::fs::read(store.local_blocking(sha256)?)?),
            LabelFeed::Ahead { rx, .. } => match rx.blocking_recv() {
                Some((sha, read)) if sha == sha256 => read,
                Some((sha, _)) => Err(LabelReadError::Io(std::io::Error::other(format!(
                    "labels read out of order: {sha} came where {sha256} was expected"
                )))),
                None => Err(LabelReadError::Io(std::io::Error::other(
                    "the labels' reader stopped",
                ))),
            },
        }
    }
}

fn not_stored(sha256: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("label {sha256} is not stored"),
    )
}

/// A label's path once fetching it said whether it is anywhere.
fn stored(
    sha256: &str,
    path: PathBuf,
    found: Result<bool, crate::storage::StorageError>,
) -> std::io::Result<PathBuf> {
    match found {
        Ok(true) => Ok(path),
        Ok(false) => Err(not_stored(sha256)),
        Err(e) => Err(std::io::Error::other(e)),
    }
}

/// A label's name in the bucket.
fn key(sha256: &str) -> String {
    format!("labels/{sha256}.pdf")
}

/// A conversion waiting for a converter thread.
type Conversion = Box<dyn FnOnce() + Send>;

/// Runs `job` on one of two long-lived converter threads. Each conversion holds a page's pixels
/// (4 MiB at 203 dpi) for a few milliseconds; done on whichever blocking thread was free, the
/// allocator kept a few of those per thread (measured: 137 MiB more resident after buying
/// 1,000 labels), where two threads reuse their own. Two at a time also leaves the other work
/// of a purchase its share of the cores.
async fn on_converter<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> std::io::Result<T> {
    use std::sync::{Arc, Mutex, OnceLock, mpsc};
    static QUEUE: OnceLock<Mutex<mpsc::Sender<Conversion>>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Conversion>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..2 {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("label-convert-{i}"))
                .spawn(move || {
                    loop {
                        let next = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = next else { return };
                        // A conversion that panics fails alone (its caller sees the error).
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a label converter thread");
            }
        }
        Mutex::new(tx)
    });
    let (tx, rx) = tokio::sync::oneshot::channel();
    queue
        .lock()
        .map_err(|_| std::io::Error::other("the label converters stopped"))?
        .send(Box::new(move || {
            let _ = tx.send(job());
        }))
        .map_err(|_| std::io::Error::other("the label converters stopped"))?;
    rx.await
        .map_err(|_| std::io::Error::other("a label conversion failed"))
}

/// Thumbnail pixels per PDF point: a 4x6 in label (288x432 pt) becomes 216x324 px.
const THUMBNAIL_SCALE: f32 = 0.75;

/// Renders the first page of a PDF to PNG (pure Rust, no native PDF library).
pub fn render_thumbnail(pdf: Vec<u8>, scale: f32) -> std::io::Result<Vec<u8>> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    use hayro::vello_cpu::color::palette::css::WHITE;
    use hayro::{PixmapSettings, RenderCache, RenderSettings, render};

    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
    let pdf = Pdf::new(pdf).map_err(|_| bad("the label is not a readable PDF"))?;
    let pages = pdf.pages();
    let page = pages.first().ok_or_else(|| bad("the label PDF has no page"))?;
    let pixmap = render(
        page,
        &RenderCache::new(),
        &InterpreterSettings::default(),
        &RenderSettings::default(),
        &PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    pixmap
        .into_png()
        .map_err(|e| std::io::Error::other(format!("encoding the thumbnail: {e:?}")))
}
