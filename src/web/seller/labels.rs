//! Buying labels from the browser: start a job for selected orders (or every order matching the
//! list's filter), follow it live (server-sent events), preview and reprint labels.

use std::time::Duration;

use minijinja::context;
use rocket::fs::NamedFile;
use rocket::http::ContentType;
use rocket::response::stream::{Event, EventStream};
use rocket::{FromForm, Route, State, get, post, routes};

use crate::domain::DomainError;
use crate::domain::labels::{LabelStore, Labels};
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, CurrentUser};
use crate::web::templates::{Flashed, Page};

#[derive(FromForm)]
struct BuyForm {
    csrf_token: String,
    /// Selected orders (podgate ids).
    order: Vec<i64>,
}
crate::csrf_form!(BuyForm);

#[post("/labels/buy", data = "<form>")]
async fn buy(
    labels: &State<Labels>,
    user: CurrentUser,
    ip: ClientIp,
    form: CsrfForm<BuyForm>,
) -> Result<Flashed, WebError> {
    let orders = form.0.order;
    if orders.is_empty() {
        return Ok(Flashed::error(
            "/orders",
            "Select at least one order, then choose “Buy labels”.",
        ));
    }
    let started = labels.start(&user.actor(&ip), orders).await?;
    let mut msg = format!("Buying {} label(s).", started.planned);
    if !started.skipped.is_empty() {
        let reasons: Vec<String> = started
            .skipped
            .iter()
            .take(5)
            .map(|(id, why)| format!("order {id}: {why}"))
            .collect();
        msg.push_str(&format!(
            " Skipped {} order(s) — {}",
            started.skipped.len(),
            reasons.join("; ")
        ));
        if started.skipped.len() > 5 {
            msg.push_str("; …");
        }
    }
    Ok(Flashed::success(format!("/labels/jobs/{}", started.job_id), msg))
}

#[get("/labels/jobs/<id>?<page>")]
async fn job(
    labels: &State<Labels>,
    user: CurrentUser,
    id: i64,
    page: Option<usize>,
) -> Result<Page, WebError> {
    let all = labels.job_packages(user.user.workspace_id, id).await?;
    let progress = crate::domain::labels::JobProgress::of(&all);
    let (rows, pager) = crate::web::paging::window(&all, page);
    let packages = labels.with_order_ids(rows.to_vec()).await?;
    Ok(Page::new(
        "seller/label_job.html",
        context! { job_id => id, packages, progress, pager },
    ))
}

/// Live progress: one event a second until nothing remains.
#[get("/labels/jobs/<id>/events")]
async fn events(labels: &State<Labels>, user: CurrentUser, id: i64) -> Result<EventStream![], WebError> {
    labels.job_packages(user.user.workspace_id, id).await?;
    let labels = labels.inner().clone();
    let started = std::time::Instant::now();
    Ok(EventStream! {
        loop {
            let Ok(p) = labels.progress(id).await else { break };
            let elapsed = started.elapsed().as_secs_f64().max(0.001);
            let data = serde_json::json!({ "progress": p, "elapsed_s": elapsed });
            yield Event::json(&data).event("progress");
            if p.remaining == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
    })
}

#[get("/packages/<id>/label.pdf")]
async fn label(
    labels: &State<Labels>,
    store: &State<LabelStore>,
    user: CurrentUser,
    id: i64,
) -> Result<(ContentType, NamedFile), WebError> {
    let p = labels.package(user.user.workspace_id, id).await?;
    let sha = p.label_sha256.ok_or(DomainError::NotFound)?;
    let f = NamedFile::open(store.path(&sha))
        .await
        .map_err(|_| DomainError::NotFound)?;
    Ok((ContentType::PDF, f))
}

#[post("/packages/<id>/reprint", data = "<form>")]
async fn reprint(
    labels: &State<Labels>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    labels.record_reprint(&user.actor(&ip), id).await?;
    Ok(Flashed::success(
        format!("/packages/{id}/label.pdf"),
        "Reprint recorded.",
    ))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![buy, job, events, label, reprint]
}
