//! The seller's batches: what is waiting for each supplier (with "publish now"), every
//! published batch with its downloads and acknowledgements, and what needs attention —
//! rejections (re-route or void), batches past the supplier's deadline, packages past TikTok's
//! ship-by time.

use minijinja::context;
use rocket::http::ContentType;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::db::DbPool;
use crate::domain::DomainError;
use crate::domain::batches::Batches;
use crate::domain::batches::files::BatchFile;
use crate::domain::batches::views;
use crate::web::csrf::CsrfForm;
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, CurrentUser};
use crate::web::ranged::{RangeHeader, Ranged, span};
use crate::web::templates::{Flashed, Page};

#[get("/batches")]
async fn index(pool: &State<DbPool>, user: CurrentUser) -> Result<Page, WebError> {
    let ws = user.0.user.workspace_id;
    let now = crate::db::models::now();
    let d = pool.run(move |c| views::dashboard(c, ws, now)).await?;
    Ok(Page::new("batches.html", context! { d }))
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

#[get("/batches/<id>?<page>")]
async fn show(
    batches: &State<Batches>,
    user: CurrentUser,
    id: i64,
    page: Option<usize>,
) -> Result<Page, WebError> {
    let b = batches.workspace_batch(user.0.user.workspace_id, id).await?;
    let now = crate::db::models::now();
    let mut d = batches.pool.run(move |c| views::detail(c, b, now)).await?;
    let pager = page_packages(&mut d, page);
    Ok(Page::new("batch.html", context! { d, seller => true, pager }))
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
    let b = batches.workspace_batch(user.0.user.workspace_id, id).await?;
    serve(batches, &user.actor(&ip), &b, file, range).await
}

/// Keeps one page of a batch's packages (the history and counts stay whole).
pub fn page_packages(d: &mut views::BatchDetail, page: Option<usize>) -> minijinja::Value {
    let (rows, pager) = crate::web::paging::window(&d.packages, page);
    d.packages = rows.to_vec();
    pager
}

/// Answers a batch file download (whole or a range) and records it; shared with the portal.
pub async fn serve(
    batches: &Batches,
    actor: &crate::db::models::audit::Actor,
    b: &crate::db::models::batch::Batch,
    file: &str,
    range: RangeHeader,
) -> Result<Ranged, WebError> {
    let f = BatchFile::named(b, file).ok_or(DomainError::NotFound)?;
    let (source, len) = batches.source(b, &f).await?;
    let r = Ranged {
        source,
        len,
        span: span(range.0.as_deref(), len),
        content_type: ContentType::parse_flexible(f.content_type()).unwrap_or(ContentType::Binary),
        file_name: f.name(b),
        etag: matches!(f, BatchFile::Zip)
            .then(|| b.zip_sha256.clone())
            .flatten(),
    };
    let (first, n) = r.sent();
    if n > 0 {
        batches
            .record_download(actor, b, &f, first, n, r.reaches_end())
            .await?;
    }
    Ok(r)
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
    Ok(Page::new("reroute.html", context! { o }))
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
