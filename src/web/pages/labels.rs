//! Buying labels from the browser: start a job for selected orders (or every order matching the
//! list's filter), follow it live (server-sent events), preview and reprint labels.

use std::time::Duration;

use minijinja::context;
use rocket::fs::NamedFile;
use rocket::http::ContentType;
use rocket::response::stream::{Event, EventStream};
use rocket::{FromForm, Route, State, get, post, routes};

use crate::db::DbPool;
use crate::db::models::package;
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

async fn job_rows(pool: &DbPool, ws: i64, job_id: i64) -> Result<Vec<package::Package>, WebError> {
    let rows = pool
        .run(move |c| Ok::<_, DomainError>(package::of_job(c, job_id)?))
        .await?;
    if rows.iter().any(|p| p.workspace_id != ws) {
        return Err(DomainError::NotFound.into());
    }
    Ok(rows)
}

#[get("/labels/jobs/<id>?<page>")]
async fn job(
    pool: &State<DbPool>,
    user: CurrentUser,
    id: i64,
    page: Option<usize>,
) -> Result<Page, WebError> {
    let ws = user.0.user.workspace_id;
    let exists = pool
        .run(move |c| {
            use crate::db::schema::label_jobs::dsl as j;
            use diesel::prelude::*;
            Ok::<_, DomainError>(
                j::label_jobs
                    .filter(j::id.eq(id))
                    .filter(j::workspace_id.eq(ws))
                    .count()
                    .get_result::<i64>(c)?
                    > 0,
            )
        })
        .await?;
    if !exists {
        return Err(DomainError::NotFound.into());
    }
    let all = job_rows(pool, ws, id).await?;
    let (rows, pager) = crate::web::paging::window(&all, page);
    let order_ids: Vec<i64> = rows.iter().map(|p| p.order_id).collect();
    let names: std::collections::BTreeMap<i64, String> = pool
        .run(move |c| {
            use crate::db::schema::orders::dsl as o;
            use diesel::prelude::*;
            let v: Vec<(i64, String)> = o::orders
                .filter(o::id.eq_any(order_ids))
                .select((o::id, o::tiktok_order_id))
                .load(c)?;
            Ok::<_, DomainError>(v.into_iter().collect())
        })
        .await?;
    let packages: Vec<_> = rows
        .iter()
        .map(|p| {
            let tiktok_order_id = names.get(&p.order_id).cloned().unwrap_or_default();
            context! { pkg => minijinja::Value::from_serialize(p), tiktok_order_id }
        })
        .collect();
    let progress = crate::domain::labels::JobProgress::of(&all);
    Ok(Page::new(
        "label_job.html",
        context! { job_id => id, packages, progress, pager },
    ))
}

/// Live progress: one event a second until nothing remains.
#[get("/labels/jobs/<id>/events")]
async fn events(
    labels: &State<Labels>,
    pool: &State<DbPool>,
    user: CurrentUser,
    id: i64,
) -> Result<EventStream![], WebError> {
    job_rows(pool, user.0.user.workspace_id, id).await?;
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

/// A package of the workspace (404 for anyone else's).
pub(super) async fn owned_package(pool: &DbPool, ws: i64, id: i64) -> Result<package::Package, WebError> {
    let p = pool
        .run(move |c| Ok::<_, DomainError>(package::find(c, id)?))
        .await?;
    if p.workspace_id != ws {
        return Err(DomainError::NotFound.into());
    }
    Ok(p)
}

#[get("/packages/<id>/label.pdf")]
async fn label(
    pool: &State<DbPool>,
    store: &State<LabelStore>,
    user: CurrentUser,
    id: i64,
) -> Result<(ContentType, NamedFile), WebError> {
    let p = owned_package(pool, user.0.user.workspace_id, id).await?;
    let sha = p.label_sha256.ok_or(DomainError::NotFound)?;
    let f = NamedFile::open(store.path(&sha))
        .await
        .map_err(|_| DomainError::NotFound)?;
    Ok((ContentType::PDF, f))
}

#[post("/packages/<id>/reprint", data = "<form>")]
async fn reprint(
    pool: &State<DbPool>,
    user: CurrentUser,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let p = owned_package(pool, user.0.user.workspace_id, id).await?;
    let who = user.0.user.email.clone();
    pool.run(move |c| {
        use crate::db::schema::packages::dsl as pk;
        use diesel::prelude::*;
        crate::db::write_tx(c, |c| {
            diesel::update(pk::packages.find(id))
                .set(pk::reprints.eq(pk::reprints + 1))
                .execute(c)?;
            crate::db::models::order::add_event(
                c,
                p.order_id,
                "reprint",
                &format!(
                    "Label of package {} reprinted",
                    p.tiktok_package_id.clone().unwrap_or_default()
                ),
                &who,
                "web",
            )?;
            Ok::<_, DomainError>(())
        })
    })
    .await?;
    Ok(Flashed::success(
        format!("/packages/{id}/label.pdf"),
        "Reprint recorded.",
    ))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![buy, job, events, label, reprint]
}
