//! Cross-cutting HTTP behaviour: a request id on every request and response, one structured
//! log line per request, and security headers.

use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Data, Request, Response};

/// The id of the current request, echoed in `X-Request-Id` and in error pages.
#[derive(Default, Clone)]
pub struct RequestId(pub String);

struct Started(Instant);

/// Assigns request ids and logs each request when it completes.
pub struct RequestLog;

#[rocket::async_trait]
impl Fairing for RequestLog {
    fn info(&self) -> Info {
        Info {
            name: "request id and log",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        let id = hex::encode(crate::crypto::random_bytes::<8>());
        req.local_cache(|| RequestId(id));
        req.local_cache(|| Started(Instant::now()));
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let id = req.local_cache(RequestId::default).0.clone();
        let ms = req
            .local_cache(|| Started(Instant::now()))
            .0
            .elapsed()
            .as_secs_f64()
            * 1000.0;
        tracing::info!(
            request_id = %id,
            method = %req.method(),
            path = %loggable_path(req),
            status = res.status().code,
            ms = format!("{ms:.1}"),
            "http"
        );
        res.set_header(Header::new("X-Request-Id", id));
    }
}

/// The request's path as logs may keep it: the matched route's pattern (`/invite/<token>`,
/// never the token itself); for an unmatched path, any long token-like segment is elided.
pub fn loggable_path(req: &Request<'_>) -> String {
    if let Some(r) = req.route() {
        return r.uri.path().to_string();
    }
    req.uri()
        .path()
        .segments()
        .map(|seg| {
            let tokenish = seg.len() >= 16
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.~%".contains(c));
            if tokenish { "…" } else { seg }
        })
        .fold(String::new(), |mut acc, seg| {
            acc.push('/');
            acc.push_str(seg);
            acc
        })
}

/// Content-Security-Policy and friends: only our own scripts, styles and frames.
pub struct SecurityHeaders;

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        // "Connect a shop" posts a form that redirects to TikTok's authorization page; browsers
        // apply form-action to that redirect, so TikTok's origin is allowed too.
        let authorize_origin = req
            .rocket()
            .state::<crate::domain::shops::Shops>()
            .and_then(|s| url::Url::parse(&s.tiktok.client.config().authorize_url).ok())
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        res.set_header(Header::new(
            "Content-Security-Policy",
            format!(
                "default-src 'self'; img-src 'self' data: https: {authorize_origin}; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'self'; form-action 'self' {authorize_origin}; base-uri 'none'; object-src 'self'"
            ),
        ));
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        let cfg = req.rocket().state::<crate::config::AppConfig>();
        if cfg.is_some_and(|c| c.public_url().starts_with("https://")) {
            res.set_header(Header::new("Strict-Transport-Security", "max-age=31536000"));
        }
        // Pages, labels, zips and API answers carry buyers' names and addresses: no copy is
        // kept by the browser or a shared cache. Only the embedded static files are cacheable.
        if !req.uri().path().starts_with("/static/") && !res.headers().contains("Cache-Control") {
            res.set_header(Header::new("Cache-Control", "no-store"));
        }
    }
}
