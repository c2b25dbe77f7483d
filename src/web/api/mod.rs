//! The factory API: a supplier's systems list batches, download them (Range supported) and send
//! acknowledgements with a bearer token created in the portal, each route only with a token of
//! its scope. Same rules as the portal, through
//! the same domain functions; errors are JSON with a stable `code`.

use rocket::data::{Data, ToByteUnit};
use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, routes};

use crate::db::DbPool;
use crate::db::models::api_token::ApiToken;
use crate::db::models::audit::{Actor, Channel};
use crate::db::models::user::Role;
use crate::domain::api_tokens::{Scope, TokenCheck};
use crate::domain::batches::Batches;
use crate::domain::batches::ackfile::{self, Format};
use crate::domain::batches::acks::AckError;
use crate::domain::{DomainError, api_tokens};
use crate::web::errors::WebError;
use crate::web::guards::ClientIp;
use crate::web::ranged::{RangeHeader, Ranged};

/// The scope a route needs, as a type, so each handler's guard says it.
pub trait Needs: Send + Sync + 'static {
    const SCOPE: Scope;
}

/// Listing batches and reading their packages.
pub struct Read;
impl Needs for Read {
    const SCOPE: Scope = Scope::Read;
}

/// Downloading batch files.
pub struct Download;
impl Needs for Download {
    const SCOPE: Scope = Scope::Download;
}

/// Sending acknowledgements.
pub struct Acknowledge;
impl Needs for Acknowledge {
    const SCOPE: Scope = Scope::Acknowledge;
}

/// A request authenticated by a live factory token that has the scope `S`.
pub struct Factory<S: Needs> {
    pub token: ApiToken,
    pub actor: Actor,
    scope: std::marker::PhantomData<S>,
}

/// Refuses a request with a code and message the catcher shows as the JSON error.
fn refuse<T>(req: &Request<'_>, status: Status, code: &'static str, message: String) -> Outcome<T, ()> {
    req.local_cache(|| crate::web::errors::GuardRefusal(Some((code, message))));
    Outcome::Error((status, ()))
}

#[rocket::async_trait]
impl<'r, S: Needs> FromRequest<'r> for Factory<S> {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let Some(bearer) = req
            .headers()
            .get_one("Authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
        else {
            return Outcome::Error((Status::Unauthorized, ()));
        };
        let Some(pool) = req.rocket().state::<DbPool>() else {
            return Outcome::Error((Status::InternalServerError, ()));
        };
        match api_tokens::authenticate(pool, bearer).await {
            Ok(TokenCheck::Live(token)) if !token.has_scope(S::SCOPE.as_str()) => refuse(
                req,
                Status::Forbidden,
                "insufficient_scope",
                format!(
                    "This token may not {} (its scopes: {}). Create a token with the {} scope in the portal.",
                    S::SCOPE.meaning(),
                    token.scopes,
                    S::SCOPE.as_str()
                ),
            ),
            Ok(TokenCheck::Live(token)) => {
                let ip = crate::web::guards::client_ip(req).map(|i| i.to_string());
                let actor = Actor {
                    workspace_id: Some(token.workspace_id),
                    user_id: None,
                    role: Some(Role::Supplier),
                    label: format!("api:{}", token.name),
                    ip,
                    channel: Channel::Api,
                };
                Outcome::Success(Factory {
                    token,
                    actor,
                    scope: std::marker::PhantomData,
                })
            }
            Ok(TokenCheck::Expired(at)) => refuse(
                req,
                Status::Unauthorized,
                "token_expired",
                format!(
                    "This token expired at {} UTC. Create a new one in the portal (API tokens).",
                    at.format("%Y-%m-%d %H:%M")
                ),
            ),
            Ok(TokenCheck::Unknown) => Outcome::Error((Status::Unauthorized, ())),
            Err(DomainError::Forbidden(m)) => refuse(req, Status::Forbidden, "supplier_archived", m),
            Err(_) => Outcome::Error((Status::InternalServerError, ())),
        }
    }
}

#[get("/api/v1/batches")]
async fn list(batches: &State<Batches>, f: Factory<Read>) -> Result<Json<serde_json::Value>, WebError> {
    let list = batches.supplier_batches(f.token.supplier_id).await?;
    let out: Vec<_> = list
        .iter()
        .map(|s| {
            serde_json::json!({
                "batch": s.batch.seq,
                "zip": s.zip_name,
                "zip_sha256": s.batch.zip_sha256,
                "zip_bytes": s.batch.zip_bytes,
                "published_at": s.batch.sealed_at,
                "ack_due_at": s.batch.ack_due_at,
                "downloaded": s.batch.first_downloaded_at.is_some(),
                "packages": s.counts,
            })
        })
        .collect();
    Ok(Json(serde_json::json!({ "batches": out })))
}

#[get("/api/v1/batches/<seq>")]
async fn show(
    batches: &State<Batches>,
    f: Factory<Read>,
    seq: i64,
) -> Result<Json<serde_json::Value>, WebError> {
    let b = batches.supplier_batch(f.token.supplier_id, seq).await?;
    let d = batches.detail(b).await?;
    let packages: Vec<_> = d
        .packages
        .iter()
        .filter(|p| p.active)
        .map(|p| {
            serde_json::json!({
                "position": p.position, "order_id": p.tiktok_order_id, "package_id": p.tiktok_package_id,
                "tracking_number": p.tracking_number, "carrier": p.carrier, "service": p.service,
                "status": p.ack_status, "reason": p.ack_reason, "expected_date": p.ack_expected_date,
                "pull_requested": p.pull_requested,
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "batch": d.summary.batch.seq, "zip": d.summary.zip_name, "zip_sha256": d.summary.batch.zip_sha256,
        "ack_due_at": d.summary.batch.ack_due_at, "packages": packages,
    })))
}

#[get("/api/v1/batches/<seq>/<file>")]
async fn download(
    batches: &State<Batches>,
    f: Factory<Download>,
    range: RangeHeader,
    seq: i64,
    file: &str,
) -> Result<Ranged, WebError> {
    let b = batches.supplier_batch(f.token.supplier_id, seq).await?;
    crate::web::batch_files::serve(batches, &f.actor, &b, file, range).await
}

/// The answer to a set of acknowledgements.
#[derive(rocket::Responder)]
enum AckReply {
    #[response(status = 200)]
    Applied(Json<serde_json::Value>),
    #[response(status = 422)]
    Refused(Json<serde_json::Value>),
}

#[post("/api/v1/acks", data = "<body>")]
async fn acks(
    batches: &State<Batches>,
    f: Factory<Acknowledge>,
    _ip: ClientIp,
    body: Data<'_>,
) -> Result<AckReply, WebError> {
    let bytes = body
        .open((ackfile::MAX_FILE_BYTES + 1).bytes())
        .into_bytes()
        .await
        .map_err(|e| DomainError::Internal(e.to_string()))?;
    let refused = |lines: Vec<crate::domain::batches::acks::LineError>, not_applied: usize| {
        AckReply::Refused(Json(serde_json::json!({
            "error": {
                "code": "invalid_acks",
                "message": format!(
                    "{} line(s) refused, so nothing was applied ({not_applied} good line(s) not applied): fix them and send the whole set again.",
                    lines.len()
                ),
                "lines": lines,
                "not_applied": not_applied,
            }
        })))
    };
    let set = match ackfile::parse(Format::Json, &bytes) {
        Ok(set) => set,
        Err(errors) => return Ok(refused(errors, 0)),
    };
    match batches.acknowledge(&f.actor, f.token.supplier_id, set).await {
        Ok(applied) => Ok(AckReply::Applied(Json(serde_json::json!({ "applied": applied })))),
        Err(AckError::Refused(r)) => Ok(refused(r.lines, r.not_applied)),
        Err(AckError::Domain(d)) => Err(d.into()),
    }
}

/// The API's routes.
pub fn routes() -> Vec<Route> {
    routes![list, show, download, acks]
}
