//! What a seller does about labels beyond buying them: the service rule, a per-order service,
//! thumbnails, voiding and re-buying a label, retrying failures, cancelling the rest of a job.
//! Each handler is one call into the domain layer.

use minijinja::context;
use rocket::fs::NamedFile;
use rocket::http::ContentType;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::db::DbPool;
use crate::db::models::package;
use crate::db::models::workspace::Workspace;
use crate::domain::DomainError;
use crate::domain::labels::{LabelStore, Labels, VOID_ADVICE};
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::{WebError, flash_refusal};

use crate::web::guards::{ClientIp, CurrentUser};
use crate::web::templates::{Flashed, Page};

/// The labels page: the service rule and recent jobs.
#[get("/labels")]
async fn index(pool: &State<DbPool>, user: CurrentUser) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let (w, jobs) = pool
        .run(move |c| Ok::<_, DomainError>((Workspace::find(c, ws)?, package::recent_jobs(c, ws, 30)?)))
        .await?;
    Ok(Page::new(
        "seller/labels.html",
        context! { rule => w.service_rule, carrier => w.preferred_carrier, allocated => w.allocated_service, jobs },
    ))
}

#[derive(FromForm)]
struct RuleForm {
    csrf_token: String,
    service_rule: String,
    preferred_carrier: String,
    /// Absent from older forms: buy-and-warn, the default.
    allocated_service: Option<String>,
}
crate::csrf_form!(RuleForm);

#[post("/labels/rules", data = "<form>")]
async fn rules(
    labels: &State<Labels>,
    user: CurrentUser,
    ip: ClientIp,
    form: CsrfForm<RuleForm>,
) -> Result<Flashed, WebError> {
    let f = form.0;
    match labels
        .set_service_rule(
            &user.actor(&ip),
            &f.service_rule,
            &f.preferred_carrier,
            f.allocated_service.as_deref().unwrap_or("buy_and_warn"),
        )
        .await
    {
        Ok(()) => Ok(Flashed::success("/labels", "Saved: new labels follow this rule.")),
        Err(e) => flash_refusal("/labels", e),
    }
}

#[derive(FromForm)]
struct ServiceForm {
    csrf_token: String,
    service: String,
}
crate::csrf_form!(ServiceForm);

#[post("/orders/<id>/service", data = "<form>")]
async fn order_service(
    labels: &State<Labels>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<ServiceForm>,
) -> Result<Flashed, WebError> {
    let service = Some(form.0.service);
    labels
        .set_service_override(&user.actor(&ip), id, service.clone())
        .await?;
    let msg = match service.filter(|s| !s.trim().is_empty()) {
        Some(s) => format!("This order's labels will be bought with {s}."),
        None => "This order follows the workspace's service rule again.".into(),
    };
    Ok(Flashed::success(format!("/orders/{id}#labels"), msg))
}

#[get("/packages/<id>/thumbnail.png")]
async fn thumbnail(
    labels: &State<Labels>,
    store: &State<LabelStore>,
    user: CurrentUser,
    id: i64,
) -> Result<(ContentType, NamedFile), WebError> {
    let p = labels.package(user.user.workspace_id, id).await?;
    let sha = p.label_sha256.ok_or(DomainError::NotFound)?;
    let path = store
        .thumbnail(&sha)
        .await
        .map_err(|e| DomainError::Internal(format!("label thumbnail: {e}")))?;
    let f = NamedFile::open(path).await.map_err(|_| DomainError::NotFound)?;
    Ok((ContentType::PNG, f))
}

#[derive(FromForm)]
struct VoidForm {
    csrf_token: String,
    reason: String,
}
crate::csrf_form!(VoidForm);

#[post("/packages/<id>/void", data = "<form>")]
async fn void(
    labels: &State<Labels>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<VoidForm>,
) -> Result<Flashed, WebError> {
    let to = order_of(labels, user.user.workspace_id, id).await?;
    match labels.void(&user.actor(&ip), id, &form.0.reason).await {
        Ok(()) => Ok(Flashed::success(
            to,
            format!("Label voided: it will not go to a supplier. {VOID_ADVICE}"),
        )),
        Err(e) => flash_refusal(to, e),
    }
}

#[post("/packages/<id>/rebuy", data = "<form>")]
async fn rebuy(
    labels: &State<Labels>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let to = order_of(labels, user.user.workspace_id, id).await?;
    match labels.rebuy(&user.actor(&ip), id).await {
        Ok(crate::domain::labels::Started {
            job_id: Some(job),
            planned: 1,
            ..
        }) => Ok(Flashed::success(
            format!("/labels/jobs/{job}"),
            "Buying a new label.",
        )),
        Ok(_) => Ok(Flashed::error(
            to,
            "A new label was already requested for this package.",
        )),
        Err(e) => flash_refusal(to, e),
    }
}

#[post("/labels/jobs/<id>/retry", data = "<form>")]
async fn retry(
    labels: &State<Labels>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let n = labels.retry(&user.actor(&ip), id).await?;
    Ok(Flashed::success(
        format!("/labels/jobs/{id}"),
        format!("Retrying {n} package(s)."),
    ))
}

#[post("/labels/jobs/<id>/cancel", data = "<form>")]
async fn cancel(
    labels: &State<Labels>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let n = labels.cancel(&user.actor(&ip), id).await?;
    Ok(Flashed::success(
        format!("/labels/jobs/{id}"),
        format!("Cancelled {n} package(s) not bought yet; labels being bought right now finish."),
    ))
}

/// The order page of a package of the workspace (where its actions send the user back).
async fn order_of(labels: &Labels, ws: i64, id: i64) -> Result<String, WebError> {
    let p = labels.package(ws, id).await?;
    Ok(format!("/orders/{}#labels", p.order_id))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![index, rules, order_service, thumbnail, void, rebuy, retry, cancel]
}
