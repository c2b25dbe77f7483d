//! The seller's batches: what is waiting for each supplier (with "publish now"), every
//! published batch with its downloads and acknowledgements, and what needs attention —
//! rejections (re-route or void), batches past the supplier's deadline, packages past TikTok's
//! ship-by time.

use minijinja::context;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::db::DbPool;
use crate::domain::DomainError;
use crate::domain::batches::Batches;
use crate::domain::batches::views;
use crate::web::csrf::CsrfForm;
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, CurrentUser};
use crate::web::ranged::{RangeHeader, Ranged};
use crate::web::templates::{Flashed, Page};

#[get("/batches")]
async fn index(pool: &State<DbPool>, user: CurrentUser) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let now = crate::db::models::now();
    let d = pool.run(move |c| views::dashboard(c, ws, now)).await?;
    Ok(Page::new("seller/batches.html", context! { d }))
}

#[derive(FromForm)]
struct PublishForm {
    csrf_token: String,
    supplier: i64,
}
crate::csrf_form!(PublishForm);

#[post("/batches/publish", data = "<form>")]
async fn publish(
    batches: &State<Batches>,
    user: CurrentUser,
    ip: ClientIp,
    form: CsrfForm<PublishForm>,
) -> Result<Flashed, WebError> {
    match batches.publish_now(&user.actor(&ip), form.0.supplier).await? {
        Some(b) => Ok(Flashed::success(
            format!("/batches/{}", b.id),
            format!(
                "Published batch {} with {} label(s); the supplier's contacts are told by email.",
                b.seq, b.package_count
            ),
        )),
        None => Ok(Flashed::error(
            "/batches",
            "No labels are waiting for this supplier.",
        )),
    }
}

#[get("/batches/<id>?<page>&<find>")]
async fn show(
    batches: &State<Batches>,
    user: CurrentUser,
    id: i64,
    page: Option<usize>,
    find: Option<String>,
) -> Result<Page, WebError> {
    let b = batches.workspace_batch(user.user.workspace_id, id).await?;
    let mut d = batches.detail(b).await?;
    let (pager, found) = crate::web::batch_files::page_or_find(&mut d, page, find.as_deref());
    Ok(Page::new(
        "batch.html",
        context! { d, seller => true, pager, found, find },
    ))
}

#[get("/batches/<id>/<file>")]
async fn download(
    batches: &State<Batches>,
    user: CurrentUser,
    ip: ClientIp,
    range: RangeHeader,
    id: i64,
    file: &str,
) -> Result<Ranged, WebError> {
    let b = batches.workspace_batch(user.user.workspace_id, id).await?;
    crate::web::batch_files::serve(batches, &user.actor(&ip), &b, file, range).await
}

#[derive(FromForm)]
struct RerouteForm {
    csrf_token: String,
    supplier: i64,
}
crate::csrf_form!(RerouteForm);

/// The re-route page of a rejected package: suppliers that make it and can ship with its
/// label, those that would need a new label (and what it costs), and the confirmation.
#[get("/packages/<id>/reroute")]
async fn reroute_page(
    batches: &State<Batches>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
) -> Result<Page, WebError> {
    let o = batches.reroute_options(&user.actor(&ip), id).await?;
    Ok(Page::new("seller/reroute.html", context! { o }))
}

#[post("/packages/<id>/reroute", data = "<form>")]
async fn reroute(
    batches: &State<Batches>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<RerouteForm>,
) -> Result<Flashed, WebError> {
    match batches
        .reroute_package(&user.actor(&ip), id, form.0.supplier)
        .await
    {
        Ok(to) => Ok(Flashed::success(
            "/batches",
            format!("The label moves to {to}'s next batch."),
        )),
        Err(DomainError::Conflict(m)) => Ok(Flashed::error(format!("/packages/{id}/reroute"), m)),
        Err(e) => Err(e.into()),
    }
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![index, publish, show, download, reroute_page, reroute]
}
