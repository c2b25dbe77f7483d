//! Files every node must reach: label PDFs, kept artwork, sealed batches' zips and merged
//! labels. Each node keeps them in its data dir as before; with `[storage] url = "s3://…"` the
//! bucket is where they truly live: a file is committed there (streamed in parts, never whole
//! in memory) before the database says it exists, and a node that lacks one fetches it into
//! its data dir on first use (to a temp name, then renamed), or reads it into memory when it
//! is small and read once (a label a seal packs). So a batch sealed on node A
//! downloads from node B, and a node that dies takes nothing with it. Without a bucket the data
//! dir alone is the store, as on one node. Through the `object_store` crate (Apache Arrow's):
//! any S3-compatible store (AWS, Garage, MinIO, R2…).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

mod arriving;
pub mod copy;
mod range;
pub mod stats;

pub use arriving::{Arriving, Readable};
pub use range::RangeReader;

use stats::Op;

/// `[storage]` in the configuration (or `PODGATE_STORAGE__URL` and so on).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StorageConfig {
    /// `s3://bucket` or `s3://bucket/prefix`. Unset: files live in the data dir only (one node).
    pub url: Option<String>,
    /// The S3 endpoint (`http://127.0.0.1:3900` for a local Garage); unset: AWS.
    pub endpoint: Option<String>,
    /// The bucket's region (Garage's default is `garage`). Default `us-east-1`.
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    /// Never logged or shown.
    #[serde(skip_serializing)]
    pub secret_access_key: Option<String>,
}

/// What went wrong with the store, said for an operator.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage configuration: {0}")]
    Config(String),
    #[error("the object store ({store}) failed: {source}")]
    Store {
        store: String,
        #[source]
        source: object_store::Error,
    },
    #[error("a local file: {0}")]
    Io(#[from] std::io::Error),
}

/// Parts of this size are uploaded two at a time: at most ~24 MiB of a file in memory.
const PART_BYTES: usize = 8 << 20;
const PARTS_IN_FLIGHT: usize = 2;

/// One object a listing found.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Its whole name in the bucket (`sftp/7/archive/…`).
    pub key: String,
    /// Its last part.
    pub name: String,
    pub size: u64,
    pub modified: chrono::DateTime<chrono::Utc>,
}

/// The bucket every node shares, or none (one node: the data dir alone). Cheap to clone.
#[derive(Clone, Default)]
pub struct Bucket {
    store: Option<Arc<dyn ObjectStore>>,
    /// `s3://bucket/prefix at endpoint`, for messages (no credentials).
    describe: String,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.store.is_some() {
            &self.describe
        } else {
            "data dir only"
        })
    }
}

impl Bucket {
    /// Opens the configured bucket (nothing is contacted yet); none when `url` is unset.
    pub fn open(cfg: &StorageConfig) -> Result<Bucket, StorageError> {
        let Some(url) = cfg.url.as_deref().filter(|u| !u.is_empty()) else {
            return Ok(Bucket::default());
        };
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| StorageError::Config(format!("url {url:?}: expected s3://bucket[/prefix]")))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StorageError::Config(format!("url {url:?} names no bucket")));
        }
        // A store that is down answers within seconds (a person waits on a download), not
        // after the client's default three minutes of retries; work that failed is done again
        // later (a seal at the next round of the batch clock).
        let retry = object_store::RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(15),
            ..Default::default()
        };
        let client = object_store::ClientOptions::new()
            .with_connect_timeout(Duration::from_secs(5))
            .with_timeout(Duration::from_secs(600));
        let mut b = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_region(cfg.region.clone().unwrap_or_else(|| "us-east-1".into()))
            .with_retry(retry)
            .with_client_options(client);
        if let Some(e) = &cfg.endpoint {
            b = b
                .with_endpoint(e)
                .with_allow_http(e.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let Some(k) = &cfg.access_key_id {
            b = b.with_access_key_id(k);
        }
        if let Some(s) = &cfg.secret_access_key {
            b = b.with_secret_access_key(s);
        }
        let s3 = b.build().map_err(|e| StorageError::Config(e.to_string()))?;
        let prefix = prefix.trim_matches('/');
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(PrefixStore::new(s3, prefix))
        };
        let describe = match &cfg.endpoint {
            Some(e) => format!("{url} at {e}"),
            None => url.to_string(),
        };
        Ok(Bucket {
            store: Some(store),
            describe,
        })
    }

    /// Whether files are shared through a bucket.
    pub fn is_shared(&self) -> bool {
        self.store.is_some()
    }

    fn failed(&self, source: object_store::Error) -> StorageError {
        StorageError::Store {
            store: self.describe.clone(),
            source,
        }
    }

    /// Uploads the finished file at `local` as `key` (a no-op without a bucket). Streams it in
    /// parts; the object appears whole or not at all.
    pub async fn commit(&self, key: &str, local: &Path) -> Result<(), StorageError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        stats::timed(Op::Commit, async {
            let mut file = tokio::fs::File::open(local).await?;
            let mut upload = BufWriter::with_capacity(store.clone(), ObjectPath::from(key), PART_BYTES)
                .with_max_concurrency(PARTS_IN_FLIGHT);
            if let Err(e) = tokio::io::copy(&mut file, &mut upload).await {
                let _ = upload.abort().await;
                return Err(e.into());
            }
            upload.shutdown().await.map_err(StorageError::Io)
        })
        .await
    }

    /// Makes sure `local` holds `key`: there already, or fetched from the bucket (streamed to a
    /// temp name beside it, then renamed). False when neither has it.
    pub async fn fetch(&self, key: &str, local: &Path) -> Result<bool, StorageError> {
        if tokio::fs::try_exists(local).await.unwrap_or(false) {
            return Ok(true);
        }
        let Some(store) = &self.store else {
            return Ok(false);
        };
        stats::timed(Op::Fetch, self.download(store, key, local)).await
    }

    /// Starts reading `key`; None when the bucket does not hold it.
    async fn get(
        &self,
        store: &Arc<dyn ObjectStore>,
        key: &str,
    ) -> Result<Option<object_store::GetResult>, StorageError> {
        match store.get(&ObjectPath::from(key)).await {
            Ok(g) => Ok(Some(g)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// [`Bucket::fetch`] once the file is known to be missing here.
    async fn download(
        &self,
        store: &Arc<dyn ObjectStore>,
        key: &str,
        local: &Path,
    ) -> Result<bool, StorageError> {
        let Some(got) = self.get(store, key).await? else {
            return Ok(false);
        };
        if let Some(dir) = local.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let tmp = fetch_name(local);
        let out = tokio::fs::File::create(&tmp).await?;
        let written = self.fill(got, out, &tmp, local, |_| {}).await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        written.map(|()| true)
    }

    /// [`Bucket::fetch`] for many files (a workspace's kept artwork), `in_flight` at a time: each
    /// is a round trip and an fsync. What neither holds is left for the reader to report.
    pub async fn fetch_many(
        &self,
        files: Vec<(String, std::path::PathBuf)>,
        in_flight: usize,
    ) -> Result<(), StorageError> {
        if self.store.is_none() {
            return Ok(());
        }
        futures::stream::iter(files)
            .map(|(key, local)| async move { self.fetch(&key, &local).await })
            .buffer_unordered(in_flight.max(1))
            .try_for_each(|_| async { Ok(()) })
            .await
    }

    /// The whole of `key`, read into memory (for small files read once, such as a label a seal
    /// packs: no file is created for it, which on a node that holds none of a batch's labels
    /// was most of the seal's time). None when it is not in the bucket (or there is none).
    pub async fn read(&self, key: &str) -> Result<Option<bytes::Bytes>, StorageError> {
        let Some(store) = &self.store else {
            return Ok(None);
        };
        stats::timed(Op::Read, async {
            let Some(got) = self.get(store, key).await? else {
                return Ok(None);
            };
            got.bytes().await.map(Some).map_err(|e| self.failed(e))
        })
        .await
    }

    /// The size of `key` in the bucket; None when it is not there (or there is no bucket).
    pub async fn size_of(&self, key: &str) -> Result<Option<u64>, StorageError> {
        let Some(store) = &self.store else {
            return Ok(None);
        };
        stats::timed(Op::Head, async {
            match store.head(&ObjectPath::from(key)).await {
                Ok(meta) => Ok(Some(meta.size)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(self.failed(e)),
            }
        })
        .await
    }

    /// The objects under `prefix` (at any depth), with their sizes and when they were written.
    pub async fn list(&self, prefix: &str) -> Result<Vec<Listed>, StorageError> {
        let Some(store) = &self.store else {
            return Ok(Vec::new());
        };
        stats::timed(Op::List, async {
            let mut out = Vec::new();
            let mut listing = store.list(Some(&ObjectPath::from(prefix)));
            while let Some(meta) = listing.next().await {
                let meta = meta.map_err(|e| self.failed(e))?;
                out.push(Listed {
                    name: meta.location.filename().unwrap_or_default().to_string(),
                    key: meta.location.to_string(),
                    size: meta.size,
                    modified: meta.last_modified,
                });
            }
            Ok(out)
        })
        .await
    }

    /// Removes `key` from the bucket (gone already is fine).
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let Some(store) = &self.store else {
            return Ok(());
        };
        stats::timed(Op::Delete, async {
            match store.delete(&ObjectPath::from(key)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(self.failed(e)),
            }
        })
        .await
    }

    /// [`Bucket::fetch`] from blocking code (packing runs on a blocking thread).
    pub fn fetch_blocking(&self, key: &str, local: &Path) -> Result<bool, StorageError> {
        if local.exists() || self.store.is_none() {
            return Ok(local.exists());
        }
        tokio::runtime::Handle::current().block_on(self.fetch(key, local))
    }

    /// Writes, reads back and removes a small object; how long that took.
    pub async fn probe(&self, node: &str) -> Result<Duration, StorageError> {
        let Some(store) = &self.store else {
            return Ok(Duration::ZERO);
        };
        let started = Instant::now();
        let key = ObjectPath::from(format!(".readyz/{node}"));
        store
            .put(&key, PutPayload::from_static(b"ready"))
            .await
            .map_err(|e| self.failed(e))?;
        let back = store
            .get(&key)
            .await
            .map_err(|e| self.failed(e))?
            .bytes()
            .await
            .map_err(|e| self.failed(e))?;
        let _ = store.delete(&key).await;
        if back.as_ref() != b"ready" {
            return Err(StorageError::Config(
                "the store gave back other bytes than written".into(),
            ));
        }
        Ok(started.elapsed())
    }

    /// What the bucket is, for messages.
    pub fn describe(&self) -> &str {
        if self.store.is_some() {
            &self.describe
        } else {
            "the data dir"
        }
    }
}

/// A fresh temp name beside `local` for a file being fetched (a dot file: no reader of the
/// folder takes it for the file; a process killed mid-fetch leaves it to the sweeps).
fn fetch_name(local: &Path) -> std::path::PathBuf {
    local.with_file_name(format!(
        ".{}.{}.fetch",
        local.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        hex::encode(crate::crypto::random_bytes::<4>())
    ))
}
