//! The web portal's front door. Rocket 0.5 offers no header or body read timeouts and no
//! connection cap, so podgate listens on the public address itself: every connection passes
//! the [`Gate`] (total, per address, rate), is served by hyper with a header read timeout
//! (which also ends idle keep-alive connections), and each request body must keep up a
//! minimum rate. Requests are then relayed over loopback to Rocket, with the client's address
//! (worked out from `trusted_proxies`) in a header only this process can vouch for.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use ipnet::IpNet;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::limits::{Gate, GateLimits};

/// The header carrying the client's address from the front door to Rocket.
pub const CLIENT_IP_HEADER: &str = "x-podgate-client-ip";
/// The header carrying this process's front-door key, so a forged address is never believed.
pub const FRONT_KEY_HEADER: &str = "x-podgate-front-key";

/// Limits of the web listener (`[default.http]`, or `PODGATE_HTTP__MAX_CONNECTIONS`…).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(default)]
pub struct HttpLimits {
    /// Connections open at once. Default 1024 (lowered to fit the descriptor limit).
    pub max_connections: usize,
    /// Connections open at once from one address (trusted proxies exempt). Default 64.
    pub max_connections_per_address: usize,
    /// New connections per address per minute. Default 600.
    pub connections_per_minute_per_address: u32,
    /// Seconds to send a request's headers, and the longest an idle keep-alive connection
    /// is kept. Default 10.
    pub header_timeout_secs: u64,
    /// A request body must average at least this many bytes a second… Default 1024.
    pub body_min_bytes_per_sec: u64,
    /// …after this many seconds of grace. Default 10.
    pub body_grace_secs: u64,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            max_connections: 1024,
            max_connections_per_address: 64,
            connections_per_minute_per_address: 600,
            header_timeout_secs: 10,
            body_min_bytes_per_sec: 1024,
            body_grace_secs: 10,
        }
    }
}

type ProxyBody = BoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

/// What every connection of the front door shares.
struct Front {
    limits: HttpLimits,
    trusted: Vec<IpNet>,
    key: HeaderValue,
    upstream: watch::Receiver<Option<SocketAddr>>,
    client: Client<HttpConnector, ProxyBody>,
}

/// Binds the public address; connections wait for Rocket's loopback address on `upstream`.
pub async fn spawn(
    listen: SocketAddr,
    limits: HttpLimits,
    trusted: Vec<IpNet>,
    key: String,
    upstream: watch::Receiver<Option<SocketAddr>>,
    shutdown: CancellationToken,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("web: listening on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    let gate = Gate::new(
        GateLimits {
            total: limits.max_connections,
            per_address: limits.max_connections_per_address,
            per_minute: limits.connections_per_minute_per_address,
        },
        trusted.clone(),
    );
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client = Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector);
    let front = Arc::new(Front {
        limits,
        trusted,
        key: HeaderValue::from_str(&key)?,
        upstream,
        client,
    });
    let task = tokio::spawn(accept_loop(listener, gate, front, shutdown));
    Ok((addr, task))
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    gate: Arc<Gate>,
    front: Arc<Front>,
    shutdown: CancellationToken,
) {
    let mut refused_logged = Instant::now() - Duration::from_secs(60);
    loop {
        let Some((stream, peer)) = super::accept(&listener, &shutdown, "web").await else {
            return;
        };
        let permit = match gate.admit(peer.ip()) {
            Ok(p) => p,
            Err(why) => {
                if refused_logged.elapsed() > Duration::from_secs(10) {
                    tracing::warn!(peer = %peer.ip(), reason = %why, "web connections refused");
                    refused_logged = Instant::now();
                }
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let front = front.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let svc = {
                let front = front.clone();
                hyper::service::service_fn(move |req| front.clone().forward(peer.ip(), req))
            };
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(front.limits.header_timeout_secs.max(1)))
                .max_buf_size(256 * 1024)
                .keep_alive(true);
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => if let Err(e) = r {
                    tracing::debug!(peer = %peer, error = %e, "web connection ended with an error");
                },
                _ = shutdown.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(5), conn).await;
                }
            }
        });
    }
}

/// Headers that belong to one hop and are never relayed.
const HOP_BY_HOP: [HeaderName; 7] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

fn strip_hop_by_hop(h: &mut hyper::HeaderMap) {
    let listed: Vec<HeaderName> = h
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|n| HeaderName::from_bytes(n.trim().as_bytes()).ok())
        .collect();
    for n in HOP_BY_HOP.iter().chain(listed.iter()) {
        h.remove(n);
    }
}

impl Front {
    async fn forward(
        self: Arc<Self>,
        peer: IpAddr,
        req: Request<Incoming>,
    ) -> Result<Response<ProxyBody>, Infallible> {
        let Some(upstream) = self.upstream_addr().await else {
            return Ok(plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "podgate is starting; try again in a moment",
            ));
        };
        let client_ip = super::client_addr::client_ip(peer, req.headers(), &self.trusted);
        let (mut parts, body) = req.into_parts();
        strip_hop_by_hop(&mut parts.headers);
        parts.headers.remove(CLIENT_IP_HEADER);
        parts.headers.insert(
            CLIENT_IP_HEADER,
            HeaderValue::from_str(&client_ip.to_string()).unwrap_or(HeaderValue::from_static("")),
        );
        parts.headers.insert(FRONT_KEY_HEADER, self.key.clone());
        let pq = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        parts.uri = match format!("http://{upstream}{pq}").parse() {
            Ok(u) => u,
            Err(_) => return Ok(plain(StatusCode::BAD_REQUEST, "bad request target")),
        };
        let body = MinRateBody::new(
            body,
            self.limits.body_min_bytes_per_sec.max(1),
            Duration::from_secs(self.limits.body_grace_secs),
        )
        .boxed();
        match self.client.request(Request::from_parts(parts, body)).await {
            Ok(resp) => {
                let (mut parts, body) = resp.into_parts();
                strip_hop_by_hop(&mut parts.headers);
                Ok(Response::from_parts(parts, body.map_err(Into::into).boxed()))
            }
            Err(e) if is_too_slow(&e) => {
                let mut r = plain(
                    StatusCode::REQUEST_TIMEOUT,
                    "the request body arrived too slowly; send it again",
                );
                r.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                Ok(r)
            }
            Err(e) => {
                tracing::warn!(error = %e, "web: relaying to the portal failed");
                Ok(plain(
                    StatusCode::BAD_GATEWAY,
                    "podgate could not answer just now; try again",
                ))
            }
        }
    }

    /// Rocket's loopback address, waiting briefly while it starts.
    async fn upstream_addr(&self) -> Option<SocketAddr> {
        let mut rx = self.upstream.clone();
        let wait = rx.wait_for(|a| a.is_some());
        match tokio::time::timeout(Duration::from_secs(10), wait).await {
            Ok(Ok(a)) => *a,
            _ => None,
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<ProxyBody> {
    let mut r = Response::new(
        Full::new(Bytes::from_static(text.as_bytes()))
            .map_err(|e| match e {})
            .boxed(),
    );
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// A request body sent slower than the configured minimum rate.
#[derive(Debug, thiserror::Error)]
#[error("request body too slow")]
struct TooSlow;

fn is_too_slow(e: &hyper_util::client::legacy::Error) -> bool {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if s.is::<TooSlow>() {
            return true;
        }
        src = s.source();
    }
    false
}

/// A request body that must keep up `rate` bytes a second on average after `grace`.
struct MinRateBody {
    inner: Incoming,
    started: Instant,
    received: u64,
    rate: u64,
    grace: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl MinRateBody {
    fn new(inner: Incoming, rate: u64, grace: Duration) -> MinRateBody {
        let started = Instant::now();
        MinRateBody {
            inner,
            started,
            received: 0,
            rate,
            grace,
            deadline: Box::pin(tokio::time::sleep(grace)),
        }
    }

    fn due(&self) -> tokio::time::Instant {
        let allowed = self.grace + Duration::from_secs_f64(self.received as f64 / self.rate as f64);
        tokio::time::Instant::from_std(self.started + allowed)
    }
}

impl Body for MinRateBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(d) = frame.data_ref() {
                    this.received += d.len() as u64;
                    let due = this.due();
                    this.deadline.as_mut().reset(due);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(TooSlow.into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
