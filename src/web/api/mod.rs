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
use wire::{
    AckSet, Applied, AppliedLine, BatchItem, BatchList, BatchPackages, ErrorBody, ErrorDetail, RefusedLine,
};

pub mod docs;
pub mod wire;

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

/// The supplier's published batches, newest first, with how their packages stand.
#[utoipa::path(get, path = "/api/v1/batches", tag = "batches",
    security(("token" = ["read"])),
    responses(
        (status = 200, description = "The batches", body = BatchList),
        (status = 401, description = "No token, an unknown one (`unauthorized`) or an expired one (`token_expired`)", body = ErrorBody),
        (status = 403, description = "The token lacks the `read` scope (`insufficient_scope`), or the seller archived the supplier (`supplier_archived`)", body = ErrorBody),
    ))]
#[get("/api/v1/batches")]
async fn list(batches: &State<Batches>, f: Factory<Read>) -> Result<Json<BatchList>, WebError> {
    let list = batches.supplier_batches(f.token.supplier_id).await?;
    Ok(Json(BatchList {
        batches: list.iter().map(BatchItem::from).collect(),
    }))
}

/// One batch: every package still in it, with its answer and whether the seller asked to pull it.
#[utoipa::path(get, path = "/api/v1/batches/{seq}", tag = "batches",
    params(("seq" = i64, Path, description = "The batch's number (`batch` in the list)")),
    security(("token" = ["read"])),
    responses(
        (status = 200, description = "The batch and its packages", body = BatchPackages),
        (status = 401, description = "`unauthorized` or `token_expired`", body = ErrorBody),
        (status = 403, description = "`insufficient_scope` or `supplier_archived`", body = ErrorBody),
        (status = 404, description = "No such batch of this supplier (`not_found`)", body = ErrorBody),
        (status = 422, description = "The batch number is not a whole number that fits 64 bits (`invalid_input`)", body = ErrorBody),
    ))]
#[get("/api/v1/batches/<seq>")]
async fn show(batches: &State<Batches>, f: Factory<Read>, seq: i64) -> Result<Json<BatchPackages>, WebError> {
    let b = batches.supplier_batch(f.token.supplier_id, seq).await?;
    let d = batches.detail(b).await?;
    Ok(Json(BatchPackages::from(&d)))
}

/// A batch's file: the zip (its list name, or the older `batch-<n>.zip`), `labels.pdf`, one
/// package's production ticket (`ticket-<position>.pdf`), or the zip's `.sha256` line.
/// Resumable: send `Range: bytes=<from>-` to continue a download.
#[utoipa::path(get, path = "/api/v1/batches/{seq}/{file}", tag = "batches",
    params(
        ("seq" = i64, Path, description = "The batch's number"),
        ("file" = String, Path, description = "`<zip>` as listed, `<zip>.sha256`, `labels.pdf`, `ticket-<position>.pdf`, or `batch-<n>.zip`"),
        ("Range" = Option<String>, Header, description = "`bytes=<from>-<to>` for part of the file"),
    ),
    security(("token" = ["download"])),
    responses(
        (status = 200, description = "The whole file", content(
            (wire::FileBytes = "application/zip"), (wire::FileBytes = "application/pdf"), (String = "text/plain"))),
        (status = 206, description = "The part asked for (`Content-Range` says which)", content(
            (wire::FileBytes = "application/zip"), (wire::FileBytes = "application/pdf"), (String = "text/plain"))),
        (status = 401, description = "`unauthorized` or `token_expired`", body = ErrorBody),
        (status = 403, description = "`insufficient_scope` or `supplier_archived`", body = ErrorBody),
        (status = 404, description = "No such batch or file (`not_found`)", body = ErrorBody),
        (status = 422, description = "The batch number is not a whole number that fits 64 bits (`invalid_input`)", body = ErrorBody),
        (status = 416, description = "The range is past the end of the file"),
    ))]
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
    Applied(Json<Applied>),
    #[response(status = 422)]
    Refused(Json<ErrorBody>),
}

/// Answers packages: all lines are applied, or none (every refused line is named). The same
/// answer again changes nothing; the factory's steps (`received`, `in_production`, `printed`,
/// `packed`) move the package's dispatch clock.
#[utoipa::path(post, path = "/api/v1/acks", tag = "acknowledgements",
    request_body(content = AckSet, content_type = "application/json",
        description = "A list of answers, or `{\"acks\": [...]}`"),
    security(("token" = ["acknowledge"])),
    responses(
        (status = 200, description = "Every line applied", body = Applied),
        (status = 401, description = "`unauthorized` or `token_expired`", body = ErrorBody),
        (status = 403, description = "`insufficient_scope` or `supplier_archived`", body = ErrorBody),
        (status = 413, description = "Larger than an acknowledgement file may be (`too_large`)", body = ErrorBody),
        (status = 422, description = "Lines refused, nothing applied (`invalid_acks`, with `lines` and `not_applied`)", body = ErrorBody),
    ))]
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
        AckReply::Refused(Json(ErrorBody {
            error: ErrorDetail {
                code: "invalid_acks".into(),
                message: format!(
                    "{} line(s) refused, so nothing was applied ({not_applied} good line(s) not applied): fix them and send the whole set again.",
                    lines.len()
                ),
                request_id: None,
                lines: Some(
                    lines
                        .into_iter()
                        .map(|l| RefusedLine {
                            line: l.line,
                            message: l.message.to_string(),
                        })
                        .collect(),
                ),
                not_applied: Some(not_applied),
            },
        }))
    };
    match batches
        .acknowledge_bytes(&f.actor, f.token.supplier_id, Format::Json, &bytes)
        .await
    {
        Ok(done) => Ok(AckReply::Applied(Json(Applied {
            applied: done
                .applied
                .into_iter()
                .map(|a| AppliedLine {
                    line: a.line,
                    package_id: a.package_id,
                    order_id: a.order_id,
                    status: a.status.to_string(),
                    changed: a.changed,
                })
                .collect(),
        }))),
        Err(AckError::Refused(r)) => Ok(refused(r.lines, r.not_applied)),
        Err(AckError::Domain(d)) => Err(d.into()),
        Err(e @ AckError::CountChanged { .. }) => Err(DomainError::Conflict(e.to_string()).into()),
    }
}

/// The API's routes.
pub fn routes() -> Vec<Route> {
    let mut all = routes![list, show, download, acks];
    all.extend(docs::routes());
    all
}
