//! The start page: setup for a new deployment, sign-in for strangers, the dashboard otherwise.

use minijinja::context;
use rocket::response::Redirect;
use rocket::{Route, State, get, routes};

use crate::db::DbPool;
use crate::db::models::audit;
use crate::domain::DomainError;
use crate::domain::accounts;
use crate::web::errors::WebError;
use crate::web::guards::{CurrentUser, SupplierUser};
use crate::web::templates::Page;

#[get("/")]
async fn dashboard(pool: &State<DbPool>, user: CurrentUser) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let (workspace, events, to_do, shops) = pool
        .run(move |conn| {
            let w = crate::db::models::workspace::Workspace::find(conn, ws)?;
            let e = audit::recent(conn, ws, 15)?;
            let t = crate::domain::dashboard::to_do(conn, ws, crate::db::models::now())?;
            let shops = crate::db::models::shop::Shop::list(conn, ws)?.len();
            Ok::<_, DomainError>((w, e, t, shops))
        })
        .await?;
    Ok(Page::new(
        "home.html",
        context! { workspace, events, to_do, shops },
    ))
}

#[get("/", rank = 2)]
fn supplier_root(_user: SupplierUser) -> Redirect {
    Redirect::to("/supplier")
}

#[get("/", rank = 3)]
async fn anonymous_root(pool: &State<DbPool>) -> Result<Redirect, WebError> {
    Ok(Redirect::to(if accounts::needs_setup(pool).await? {
        "/setup"
    } else {
        "/login"
    }))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![dashboard, supplier_root, anonymous_root]
}
