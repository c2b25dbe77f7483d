//! The Mail page (owner): every message podgate queued, what happened to it, and a retry for
//! failed ones. Without an SMTP server this is where mail can be read.

use minijinja::context;
use rocket::{Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::db::models::mail;
use crate::domain::DomainError;
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::guards::OwnerUser;
use crate::web::templates::{Flashed, Page};

#[get("/mail")]
async fn index(pool: &State<DbPool>, cfg: &State<AppConfig>, user: OwnerUser) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let list = pool.query(move |c| mail::recent(c, ws, 200)).await?;
    let smtp = cfg
        .smtp
        .as_ref()
        .filter(|s| !s.host.is_empty())
        .map(|s| format!("{}:{}", s.host, s.port));
    Ok(Page::new("seller/mail.html", context! { mails => list, smtp }))
}

#[post("/mail/<id>/retry", data = "<form>")]
async fn retry(
    pool: &State<DbPool>,
    user: OwnerUser,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let ws = user.user.workspace_id;
    pool.run(move |c| {
        let m = mail::find(c, id)?;
        if m.workspace_id != Some(ws) {
            return Err(DomainError::NotFound);
        }
        mail::retry(c, id)?;
        Ok(())
    })
    .await?;
    Ok(Flashed::success(
        "/mail",
        "The message will be sent again shortly.",
    ))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![index, retry]
}
