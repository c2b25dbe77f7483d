//! What keeps a connection honest after it is accepted: a socket that can be cut from outside
//! ([`Killable`]: the handshake timeout and revocation end a session even while it is blocked
//! on a silent or slow peer), and [`LoginWatch`], which re-checks a signed-in login against the
//! database (at most once a second on use, every few seconds while idle), so a disabled or
//! deleted login, or an archived supplier, loses its open sessions within seconds.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

use crate::db::DbPool;
use crate::db::models::sftp;

/// A stream that fails every read and write once its token is cancelled.
pub struct Killable<S> {
    inner: S,
    killed: Pin<Box<WaitForCancellationFutureOwned>>,
}

impl<S> Killable<S> {
    /// Wraps `inner`; cancelling `kill` cuts it.
    pub fn new(inner: S, kill: CancellationToken) -> Killable<S> {
        Killable {
            inner,
            killed: Box::pin(kill.cancelled_owned()),
        }
    }

    fn is_killed(&mut self, cx: &mut Context<'_>) -> bool {
        self.killed.as_mut().poll(cx).is_ready()
    }
}

fn cut() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "connection closed by podgate",
    )
}

impl<S: AsyncRead + Unpin> AsyncRead for Killable<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.is_killed(cx) {
            return Poll::Ready(Err(cut()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Killable<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.is_killed(cx) {
            return Poll::Ready(Err(cut()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if self.is_killed(cx) {
            return Poll::Ready(Err(cut()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// How often a signed-in login is re-checked while the session is in use, at most.
const ON_USE: Duration = Duration::from_secs(1);
/// How often it is re-checked while the session sits idle.
const WHILE_IDLE: Duration = Duration::from_secs(3);

/// A signed-in login, watched for revocation.
pub struct LoginWatch {
    pool: DbPool,
    login_id: i64,
    checked: std::sync::Mutex<Instant>,
    revoked: AtomicBool,
    kill: CancellationToken,
}

impl LoginWatch {
    /// Watches `login_id`; when it is revoked, `kill` is cancelled (ending the session).
    pub fn start(pool: DbPool, login_id: i64, kill: CancellationToken) -> Arc<LoginWatch> {
        let w = Arc::new(LoginWatch {
            pool,
            login_id,
            checked: std::sync::Mutex::new(Instant::now()),
            revoked: AtomicBool::new(false),
            kill,
        });
        let idle = w.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = idle.kill.cancelled() => return,
                    _ = tokio::time::sleep(WHILE_IDLE) => {}
                }
                if !idle.check().await {
                    return;
                }
            }
        });
        w
    }

    /// Whether the login may still act: free when checked within the last second.
    pub async fn allowed(&self) -> bool {
        if self.revoked.load(Ordering::Acquire) {
            return false;
        }
        let fresh = self.checked.lock().map(|t| t.elapsed() < ON_USE).unwrap_or(false);
        fresh || self.check().await
    }

    /// Asks the database now; a failed lookup keeps the session (it is not a revocation).
    async fn check(&self) -> bool {
        let id = self.login_id;
        let active = self.pool.query(move |c| sftp::login_active(c, id)).await;
        if let Ok(mut t) = self.checked.lock() {
            *t = Instant::now();
        }
        match active {
            Ok(true) | Err(_) => true,
            Ok(false) => {
                self.revoked.store(true, Ordering::Release);
                tracing::info!(login = id, "SFTP login revoked: closing its session");
                self.kill.cancel();
                false
            }
        }
    }
}
