//! The operators' endpoints: `/healthz` (alive, database answers), `/readyz` (may take traffic:
//! database, migrations, file store) and `/metrics` (Prometheus text; with `metrics_token` set,
//! for bearers of it, otherwise for clients on this machine only).

use rocket::http::{ContentType, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::Json;
use rocket::{State, get, routes};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::ops::readiness::{Probe, Readiness};

/// Health check for load balancers and monitors: 200 when the database answers, 503 otherwise.
#[get("/healthz")]
async fn healthz(pool: &State<DbPool>) -> (Status, Json<serde_json::Value>) {
    let backend = pool.backend();
    match pool.ping().await {
        Ok(()) => (
            Status::Ok,
            Json(serde_json::json!({"status": "ok", "database": backend})),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                Status::ServiceUnavailable,
                Json(serde_json::json!({"status": "error", "database": backend})),
            )
        }
    }
}

/// Readiness: 200 with every check when this node may take traffic, 503 naming what is down.
#[get("/readyz")]
async fn readyz(probe: &State<Probe>) -> (Status, Json<Readiness>) {
    let r = probe.run().await;
    if !r.ready {
        let down: Vec<_> = r
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.problem.as_str())
            .collect();
        tracing::warn!(problems = ?down, "not ready");
    }
    let status = if r.ready {
        Status::Ok
    } else {
        Status::ServiceUnavailable
    };
    (status, Json(r))
}

/// Who may read `/metrics`: the bearer of `metrics_token` when one is configured, otherwise a
/// client on this machine (after trusted proxies, so a proxied stranger is not "local").
pub struct MetricsReader;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for MetricsReader {
    type Error = &'static str;
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let Some(cfg) = req.rocket().state::<AppConfig>() else {
            return Outcome::Error((Status::InternalServerError, "no configuration"));
        };
        let allowed = match cfg.metrics_token.as_deref().filter(|t| !t.is_empty()) {
            Some(token) => req
                .headers()
                .get_one("Authorization")
                .and_then(|h| h.strip_prefix("Bearer "))
                .is_some_and(|given| crate::crypto::constant_time_eq(given, token)),
            None => super::guards::client_ip(req).is_some_and(|ip| ip.is_loopback()),
        };
        if allowed {
            return Outcome::Success(MetricsReader);
        }
        let message = if cfg.metrics_token.as_deref().is_some_and(|t| !t.is_empty()) {
            "Send Authorization: Bearer <metrics_token> (podgate's configuration has it)."
        } else {
            "Metrics are shown to this machine only; set metrics_token to scrape from elsewhere."
        };
        req.local_cache(|| crate::web::errors::GuardRefusal(Some(("metrics_unauthorized", message.into()))));
        Outcome::Error((Status::Unauthorized, "metrics_token"))
    }
}

/// The metrics, in the text format Prometheus scrapes.
#[get("/metrics")]
async fn metrics(_reader: MetricsReader, pool: &State<DbPool>) -> Result<(ContentType, String), Status> {
    match crate::ops::metrics::render(pool, crate::domain::leases::worker_id()).await {
        Ok(text) => Ok((
            ContentType::parse_flexible(crate::ops::metrics::CONTENT_TYPE).unwrap_or(ContentType::Plain),
            text,
        )),
        Err(e) => {
            tracing::error!(error = %e, "metrics: the database did not answer");
            Err(Status::ServiceUnavailable)
        }
    }
}

/// The operators' routes.
pub fn routes() -> Vec<rocket::Route> {
    routes![healthz, readyz, metrics]
}
