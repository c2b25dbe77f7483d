//! File downloads that resume: `Range: bytes=…` answered with 206 and only those bytes,
//! streamed from disk, or from the shared bucket on a node that lacks the file. Used for batch
//! zips and merged label PDFs.

use std::io::SeekFrom;

use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use std::io::Seek;

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncSeek, ReadBuf};

use crate::domain::batches::files::Source;

/// The `Range` header of a request, if any.
pub struct RangeHeader(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RangeHeader {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        Outcome::Success(RangeHeader(req.headers().get_one("Range").map(str::to_string)))
    }
}

/// Which bytes to send: `Full`, one satisfiable range, or nothing satisfiable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Full,
    Part(u64, u64),
    Unsatisfiable,
}

impl Span {
    /// The first byte and number of bytes this span sends of a file of `len` bytes.
    pub fn bytes(self, len: u64) -> (u64, u64) {
        match self {
            Span::Full => (0, len),
            Span::Part(s, e) => (s, e - s + 1),
            Span::Unsatisfiable => (0, 0),
        }
    }
}

/// Reads a single `bytes=` range against a length (several ranges are answered in full).
pub fn span(header: Option<&str>, len: u64) -> Span {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Span::Full;
    };
    if spec.contains(',') {
        return Span::Full;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Span::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (Some(s), Some(e)) if s <= e => (s, e.min(len.saturating_sub(1))),
        (Some(s), None) if b.is_empty() => (s, len.saturating_sub(1)),
        (None, Some(n)) if a.is_empty() && n > 0 => (len.saturating_sub(n), len.saturating_sub(1)),
        _ => return Span::Full,
    };
    if len == 0 || start >= len {
        Span::Unsatisfiable
    } else {
        Span::Part(start, end)
    }
}

/// Where the bytes of an answer come from.
pub enum Body {
    /// This node's file, or bytes in memory: the answer's window is cut from it.
    Here(Source),
    /// Exactly the answer's bytes, streamed from the shared bucket.
    Bucket(crate::storage::RangeReader),
}

/// A file (or bytes) answered whole or in part.
pub struct Ranged {
    pub body: Body,
    pub len: u64,
    pub span: Span,
    pub content_type: ContentType,
    pub file_name: String,
    /// Strong validator for `If-Range` and caches (the file's SHA-256 when known).
    pub etag: Option<String>,
}

impl Ranged {
    /// The first byte and number of bytes this answer sends.
    pub fn sent(&self) -> (u64, u64) {
        self.span.bytes(self.len)
    }

    /// Whether the answer reaches the last byte (a whole download, or the rest of a resumed one).
    pub fn reaches_end(&self) -> bool {
        let (s, n) = self.sent();
        n > 0 && s + n == self.len
    }
}

impl<'r> Responder<'r, 'static> for Ranged {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let mut r = Response::build();
        r.header(self.content_type.clone())
            .raw_header("Accept-Ranges", "bytes")
            .header(Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", self.file_name),
            ));
        if let Some(e) = &self.etag {
            r.raw_header("ETag", format!("\"{e}\""));
        }
        let (start, n) = self.sent();
        match self.span {
            Span::Unsatisfiable => {
                return r
                    .status(Status::RangeNotSatisfiable)
                    .raw_header("Content-Range", format!("bytes */{}", self.len))
                    .ok();
            }
            Span::Part(s, e) => {
                r.status(Status::PartialContent)
                    .raw_header("Content-Range", format!("bytes {s}-{e}/{}", self.len));
            }
            Span::Full => {}
        }
        match self.body {
            Body::Bucket(reader) => {
                r.sized_body(n as usize, reader);
            }
            Body::Here(Source::Bytes(b)) => {
                let part = b[start as usize..(start + n) as usize].to_vec();
                r.sized_body(part.len(), std::io::Cursor::new(part));
            }
            Body::Here(Source::Path(p)) => {
                // Seeking a local file is immediate; the bytes are then streamed, never loaded.
                let mut file = std::fs::File::open(&p).map_err(|_| Status::NotFound)?;
                file.seek(SeekFrom::Start(start))
                    .map_err(|_| Status::InternalServerError)?;
                r.sized_body(n as usize, Window::new(tokio::fs::File::from_std(file), start, n));
            }
        }
        r.ok()
    }
}

/// A window `[start, start + len)` of a file, readable and seekable within itself.
struct Window {
    file: tokio::fs::File,
    start: u64,
    len: u64,
    /// Position inside the window.
    pos: u64,
    scratch: Vec<u8>,
}

impl Window {
    fn new(file: tokio::fs::File, start: u64, len: u64) -> Window {
        Window {
            file,
            start,
            len,
            pos: 0,
            scratch: Vec::new(),
        }
    }
}

impl AsyncRead for Window {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let left = (self.len - self.pos) as usize;
        if left == 0 {
            return Poll::Ready(Ok(()));
        }
        if buf.remaining() <= left {
            // The whole buffer fits in the window: read straight into it.
            let before = buf.filled().len();
            let r = Pin::new(&mut self.file).poll_read(cx, buf);
            if let Poll::Ready(Ok(())) = r {
                self.pos += (buf.filled().len() - before) as u64;
            }
            return r;
        }
        // Near the window's end: read at most what is left, through a small buffer.
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.resize(left.min(64 * 1024), 0);
        let mut tmp = ReadBuf::new(&mut scratch);
        let r = Pin::new(&mut self.file).poll_read(cx, &mut tmp);
        if let Poll::Ready(Ok(())) = r {
            let n = tmp.filled().len();
            buf.put_slice(tmp.filled());
            self.pos += n as u64;
        }
        self.scratch = scratch;
        r
    }
}

impl AsyncSeek for Window {
    fn start_seek(mut self: Pin<&mut Self>, position: SeekFrom) -> std::io::Result<()> {
        let target = match position {
            SeekFrom::Start(p) => p as i128,
            SeekFrom::End(d) => self.len as i128 + d as i128,
            SeekFrom::Current(d) => self.pos as i128 + d as i128,
        };
        let target = target.clamp(0, self.len as i128) as u64;
        self.pos = target;
        let abs = self.start + target;
        Pin::new(&mut self.file).start_seek(SeekFrom::Start(abs))
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<u64>> {
        match Pin::new(&mut self.file).poll_complete(cx) {
            Poll::Ready(Ok(_)) => Poll::Ready(Ok(self.pos)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(span(None, 100), Span::Full);
        assert_eq!(span(Some("bytes=0-9"), 100), Span::Part(0, 9));
        assert_eq!(span(Some("bytes=90-"), 100), Span::Part(90, 99));
        assert_eq!(span(Some("bytes=-10"), 100), Span::Part(90, 99));
        assert_eq!(span(Some("bytes=50-500"), 100), Span::Part(50, 99));
        assert_eq!(span(Some("bytes=100-"), 100), Span::Unsatisfiable);
        assert_eq!(span(Some("bytes=0-1,5-6"), 100), Span::Full);
        assert_eq!(span(Some("items=0-1"), 100), Span::Full);
        assert_eq!(span(Some("bytes=9-3"), 100), Span::Full);
    }
}
