//! The demo's stand-in for a factory's own system: a small HTTP server that `serve --demo`
//! starts, to which the demo supplier's webhook endpoint points. It checks each delivery's
//! signature and age as a receiver should, and shows what arrived on its own page, the way the
//! Mail page shows podgate's mail. Kept in memory (the newest 100); not product code. It also
//! serves the demo seller's artwork files ([`super::artwork`]).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio_util::sync::CancellationToken;

use crate::domain::factory_webhooks::deliver::sign;

/// One request as the receiver saw it.
struct Received {
    at: chrono::DateTime<chrono::Utc>,
    id: String,
    event: String,
    verdict: String,
    body: String,
}

#[derive(Clone)]
struct Receiver {
    secret: String,
    got: Arc<Mutex<VecDeque<Received>>>,
}

/// Starts the receiver on `addr` until shutdown; it verifies with `secret`.
pub async fn spawn(addr: SocketAddr, secret: String, shutdown: CancellationToken) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let rx = Receiver {
        secret,
        got: Arc::default(),
    };
    tokio::spawn(async move {
        while let Some((stream, _)) = crate::net::accept(&listener, &shutdown, "demo webhook receiver").await
        {
            let rx = rx.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| rx.clone().answer(req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(10))
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Ok(())
}

impl Receiver {
    async fn answer(self, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
        if req.method() == Method::POST {
            return Ok(self.receive(req).await);
        }
        if let Some(name) = req.uri().path().strip_prefix("/artwork/") {
            return Ok(match super::artwork::file(name) {
                Some(png) => Response::builder()
                    .header("content-type", "image/png")
                    .body(Full::new(Bytes::from_static(png)))
                    .unwrap_or_default(),
                None => status(StatusCode::NOT_FOUND),
            });
        }
        let page = self.page();
        Ok(Response::builder()
            .header("content-type", "text/html; charset=utf-8")
            .body(Full::new(Bytes::from(page)))
            .unwrap_or_default())
    }

    async fn receive(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let header = |n: &str| {
            req.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (id, ts, sig) = (
            header("webhook-id"),
            header("webhook-timestamp"),
            header("webhook-signature"),
        );
        let body = match Limited::new(req.into_body(), 1 << 20).collect().await {
            Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
            Err(_) => return status(StatusCode::PAYLOAD_TOO_LARGE),
        };
        let verdict = verify(&self.secret, &id, &ts, &sig, &body);
        let event = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["type"].as_str().map(String::from))
            .unwrap_or_default();
        let ok = verdict == VERIFIED;
        let mut got = self.got.lock().unwrap_or_else(|p| p.into_inner());
        got.push_front(Received {
            at: chrono::Utc::now(),
            id,
            event,
            verdict: verdict.to_string(),
            body,
        });
        got.truncate(100);
        status(if ok {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::BAD_REQUEST
        })
    }

    fn page(&self) -> String {
        let got = self.got.lock().unwrap_or_else(|p| p.into_inner());
        let mut rows = String::new();
        for r in got.iter() {
            let pretty = serde_json::from_str::<serde_json::Value>(&r.body)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or_else(|_| r.body.clone());
            rows.push_str(&format!(
                "<article><h2>{} <small>{}</small></h2><p><time datetime=\"{}\">{}</time> · <code>webhook-id: {}</code></p><pre>{}</pre></article>",
                esc(&r.event),
                esc(&r.verdict),
                r.at.format("%Y-%m-%dT%H:%M:%SZ"),
                r.at.format("%Y-%m-%d %H:%M:%S UTC"),
                esc(&r.id),
                esc(&pretty)
            ));
        }
        if rows.is_empty() {
            rows.push_str("<p>Nothing received yet. Publish a batch, or use \"Send a test event\" on the supplier's Webhooks page.</p>");
        }
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\"><title>Shirt Co's system (demo webhook receiver)</title>\
             <style>body{{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}article{{border:1px solid #ccd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}}pre{{background:#f4f5f7;padding:.5rem;overflow:auto}}small{{font-weight:normal;color:#176b38}}</style>\
             <script>addEventListener('DOMContentLoaded',()=>document.querySelectorAll('time').forEach(t=>t.textContent=new Date(t.getAttribute('datetime')).toLocaleString()))</script></head>\
             <body><h1>Shirt Co's system: webhooks received</h1><p>The demo's stand-in for a factory's own system. Each delivery's signature is checked with the endpoint's secret (Standard Webhooks). Newest first; the page refreshes every 5 seconds.</p>{rows}</body></html>"
        )
    }
}

const VERIFIED: &str = "signature verified";

/// Checks a delivery as a receiver should: a signature made with our secret over this id,
/// timestamp and body, sent within five minutes.
fn verify(secret: &str, id: &str, ts: &str, sig: &str, body: &str) -> &'static str {
    let Ok(t) = ts.parse::<i64>() else {
        return "refused: no webhook-timestamp";
    };
    if (chrono::Utc::now().timestamp() - t).abs() > 300 {
        return "refused: timestamp too far from now";
    }
    let Ok(expected) = sign(secret, id, t, body) else {
        return "refused: bad secret";
    };
    if sig
        .split(' ')
        .any(|s| crate::crypto::constant_time_eq(s, &expected))
    {
        VERIFIED
    } else {
        "refused: signature does not match"
    }
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = code;
    r
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
