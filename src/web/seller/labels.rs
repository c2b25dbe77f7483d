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
    Ok(started_flash(started))
}

/// Where a purchase leads, and what it says: the job's page, with the orders left out named.
fn started_flash(started: crate::domain::labels::Started) -> Flashed {
    let left_out = left_out(&started.skipped);
    match (started.job_id, started.already_in) {
        (Some(job), _) if left_out.is_empty() => Flashed::success(
            format!("/labels/jobs/{job}"),
            format!("Buying {} label(s).", started.planned),
        ),
        (Some(job), _) => Flashed::warning(
            format!("/labels/jobs/{job}"),
            format!("Buying {} label(s). {left_out}", started.planned),
        ),
        (None, Some(job)) => Flashed::warning(
            format!("/labels/jobs/{job}"),
            format!("Nothing new to buy: these labels are already bought or being bought, here. {left_out}"),
        ),
        (None, None) => Flashed::warning("/orders", format!("No label bought. {left_out}")),
    }
}

/// "Skipped 2 order(s): 5781…: the order is CANCELLED…; …", naming orders by TikTok's id.
fn left_out(skipped: &[crate::domain::labels::Skipped]) -> String {
    const SHOWN: usize = 8;
    if skipped.is_empty() {
        return String::new();
    }
    let named: Vec<String> = skipped
        .iter()
        .take(SHOWN)
        .map(|s| {
            let who = if s.tiktok_order_id.is_empty() {
                format!("order #{}", s.order_id)
            } else {
                format!("order {}", s.tiktok_order_id)
            };
            format!("{who}: {}", s.reason)
        })
        .collect();
    let more = match skipped.len().saturating_sub(SHOWN) {
        0 => String::new(),
        n => format!("; and {n} more"),
    };
    format!("Skipped {} order(s): {}{more}.", skipped.len(), named.join("; "))
}

/// "Buy labels for all N matching": the confirmation page (how many orders, which filter).
#[get("/labels/buy-matching?<query..>")]
async fn confirm_matching(
    pool: &State<crate::db::DbPool>,
    user: CurrentUser,
    query: super::orders::ListQuery,
) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let filter = query.filter(chrono::Utc::now().timestamp(), 0);
    let count = pool
        .query(move |c| crate::db::models::order::count_matching(c, ws, &filter))
        .await?;
    let base = query.base_query();
    Ok(Page::new(
        "seller/buy_matching.html",
        context! {
            count, base, too_many => count as usize > crate::domain::labels::MAX_MATCHING,
            max => crate::domain::labels::MAX_MATCHING, filters => query.described(),
        },
    ))
}

#[derive(FromForm)]
struct ConfirmedForm {
    csrf_token: String,
    /// The count the seller saw and confirmed.
    confirmed: usize,
}
crate::csrf_form!(ConfirmedForm);

/// Buys labels for every order the filter matches, as one job (if the count is still the one
/// confirmed).
#[post("/labels/buy-matching?<query..>", data = "<form>")]
async fn buy_matching(
    labels: &State<Labels>,
    user: CurrentUser,
    ip: ClientIp,
    query: super::orders::ListQuery,
    form: CsrfForm<ConfirmedForm>,
) -> Result<Flashed, WebError> {
    let filter = query.filter(chrono::Utc::now().timestamp(), 0);
    let back = format!("/labels/buy-matching?{}", query.base_query());
    match labels
        .start_matching(&user.actor(&ip), filter, form.0.confirmed)
        .await
    {
        Ok(started) => Ok(started_flash(started)),
        Err(DomainError::Conflict(m)) => Ok(Flashed::error(back, m)),
        Err(e) => Err(e.into()),
    }
}

#[get("/labels/jobs/<id>?<page>")]
async fn job(
    labels: &State<Labels>,
    user: CurrentUser,
    id: i64,
    page: Option<usize>,
) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let all = labels.job_packages(ws, id).await?;
    let progress = crate::domain::labels::JobProgress::of(&all);
    let (rows, pager) = crate::web::paging::window(&all, page);
    let packages = labels.with_order_ids(rows.to_vec()).await?;
    let outcome = labels.outcome(ws, all).await?;
    Ok(Page::new(
        "seller/label_job.html",
        context! { job_id => id, packages, progress, pager, outcome },
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
    let path = store.local(&sha).await.map_err(|_| DomainError::NotFound)?;
    let f = NamedFile::open(path).await.map_err(|_| DomainError::NotFound)?;
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
    routes![buy, confirm_matching, buy_matching, job, events, label, reprint]
}
