//! The artwork page: whether artwork is checked before labels are bought, the hosts on the
//! seller's own network artwork may come from, each product's print areas, and what the last
//! checks found (with thumbnails); "Check again" fetches every file anew at the next check.

use minijinja::context;
use rocket::http::{ContentType, Status};
use rocket::{FromForm, Route, State, get, post, routes};

use crate::db::DbPool;
use crate::db::models::artwork;
use crate::domain::artwork::{Artworks, SettingsInput};
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::forms::form_errors;
use crate::web::guards::{ClientIp, CurrentUser};
use crate::web::templates::{Flashed, Page};

async fn page(
    art: &Artworks,
    user: &CurrentUser,
    ip: &ClientIp,
    typed: Option<minijinja::Value>,
    errors: minijinja::Value,
) -> Result<Page, WebError> {
    let (w, checks) = art.page(&user.actor(ip)).await?;
    let form = typed.unwrap_or_else(|| {
        context! { check => w.artwork_check, private_hosts => w.artwork_private_hosts, print_areas => w.print_areas }
    });
    let checks: Vec<_> = checks
        .iter()
        .map(|c| {
            context! {
                url => c.url, ok => c.is_ok(), stale => c.status == "stale", sha256 => c.sha256, error => c.error,
                size => (c.width_px > 0).then(|| format!("{}x{} px", c.width_px, c.height_px)),
                format => c.format.to_uppercase(), bytes => c.bytes,
                checked_at => c.checked_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                thumb => !c.sha256.is_empty() && art.store.find_thumb(&c.sha256).is_some(),
            }
        })
        .collect();
    let failed = checks
        .iter()
        .filter(|c| c.get_attr("error").is_ok_and(|v| v.is_true()))
        .count();
    Ok(Page::new(
        "seller/artwork.html",
        context! { form, errors, checks, failed, placements => crate::domain::catalog::PLACEMENTS },
    ))
}

#[get("/catalog/artwork")]
async fn index(art: &State<Artworks>, user: CurrentUser, ip: ClientIp) -> Result<Page, WebError> {
    page(art, &user, &ip, None, context! {}).await
}

#[derive(FromForm)]
struct SettingsForm {
    csrf_token: String,
    /// A checkbox: present when ticked.
    check: Option<String>,
    #[field(default = String::new())]
    private_hosts: String,
    #[field(default = String::new())]
    print_areas: String,
}
crate::csrf_form!(SettingsForm);

#[post("/catalog/artwork", data = "<form>")]
async fn save(
    art: &State<Artworks>,
    user: CurrentUser,
    ip: ClientIp,
    form: CsrfForm<SettingsForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let f = form.0;
    let input = SettingsInput {
        check: f.check.is_some(),
        private_hosts: f.private_hosts.clone(),
        print_areas: f.print_areas.clone(),
    };
    match art.set(&user.actor(&ip), input).await {
        Ok(()) => Ok(Ok(Flashed::success(
            "/catalog/artwork",
            "Saved: the next purchase checks artwork this way.",
        ))),
        Err(e) => {
            let errors = minijinja::Value::from_serialize(form_errors(e)?);
            let typed = context! { check => f.check.is_some(), private_hosts => f.private_hosts, print_areas => f.print_areas };
            Ok(Err(page(art, &user, &ip, Some(typed), errors)
                .await?
                .status(Status::UnprocessableEntity)))
        }
    }
}

#[post("/catalog/artwork/recheck", data = "<_form>")]
async fn recheck(
    art: &State<Artworks>,
    user: CurrentUser,
    ip: ClientIp,
    _form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let n = art.check_again(&user.actor(&ip)).await?;
    Ok(Flashed::success(
        "/catalog/artwork",
        format!("{n} file(s) will be fetched again at the next order page or purchase."),
    ))
}

/// A thumbnail of artwork a check of this workspace found (by its SHA-256).
#[get("/catalog/artwork/<sha>/thumb.png")]
async fn thumb(
    art: &State<Artworks>,
    pool: &State<DbPool>,
    user: CurrentUser,
    sha: &str,
) -> Result<(ContentType, Vec<u8>), WebError> {
    let (ws, asked) = (user.user.workspace_id, sha.to_ascii_lowercase());
    let known = pool.query(move |c| artwork::workspace_has(c, ws, &asked)).await?;
    if known && art.store.find_thumb(sha).is_none() {
        art.fetch_kept(ws).await;
    }
    let path = art
        .store
        .find_thumb(sha)
        .filter(|_| known)
        .ok_or(WebError(crate::domain::DomainError::NotFound))?;
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|_| WebError(crate::domain::DomainError::NotFound))?;
    Ok((ContentType::PNG, bytes))
}

pub fn routes() -> Vec<Route> {
    routes![index, save, recheck, thumb]
}
