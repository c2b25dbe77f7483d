//! A byte range of an object read straight from the bucket: an HTTP `Range` request (a
//! browser resuming a large zip) on a node that does not hold the file gets those bytes from
//! one ranged GET, streamed through; nothing is kept on this node, nothing is held whole.

use std::io::SeekFrom;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use futures::stream::BoxStream;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, ObjectStore};
use tokio::io::{AsyncRead, AsyncSeek, ReadBuf};

use super::stats::{self, Op};
use super::{Bucket, StorageError};

/// The bytes of one range, as they arrive.
pub struct RangeReader {
    body: BoxStream<'static, object_store::Result<Bytes>>,
    /// What arrived and was not read yet.
    pending: Bytes,
    /// Bytes read so far (the only position a reader may ask for).
    read: u64,
}

impl Bucket {
    /// Bytes `start..start + len` of `key`, streamed from the bucket; None when there is no
    /// bucket or it does not hold `key`.
    pub async fn read_range(
        &self,
        key: &str,
        start: u64,
        len: u64,
    ) -> Result<Option<RangeReader>, StorageError> {
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let opts = GetOptions::default().with_range(Some(start..start + len.max(1)));
        let got = stats::timed(Op::Fetch, async {
            match store.get_opts(&ObjectPath::from(key), opts).await {
                Ok(g) => Ok(Some(g)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(self.failed(e)),
            }
        })
        .await?;
        Ok(got.map(|g| RangeReader {
            body: g.into_stream(),
            pending: Bytes::new(),
            read: 0,
        }))
    }
}

impl AsyncRead for RangeReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        while self.pending.is_empty() {
            match Pin::new(&mut self.body).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => self.pending = chunk,
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(std::io::Error::other(e))),
                // The end of the range.
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = self.pending.len().min(buf.remaining());
        buf.put_slice(&self.pending.split_to(n));
        self.read += n as u64;
        Poll::Ready(Ok(()))
    }
}

/// A stream only reads forward: the one seek allowed asks where it is (what a sized HTTP body
/// never needs, since its length is given).
impl AsyncSeek for RangeReader {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> std::io::Result<()> {
        match position {
            SeekFrom::Current(0) => Ok(()),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "a range read from the bucket only reads forward",
            )),
        }
    }

    fn poll_complete(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<u64>> {
        Poll::Ready(Ok(self.read))
    }
}
