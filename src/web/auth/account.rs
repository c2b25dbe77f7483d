//! A user's own account: password change, and the time zone of their mail.

use minijinja::context;
use rocket::http::Status;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::db::models::session::Session;
use crate::domain::{accounts, time_zones};
use crate::web::csrf::CsrfForm;
use crate::web::errors::WebError;
use crate::web::guards::{AnyUser, ClientIp};
use crate::web::templates::{Flashed, Page};

use crate::web::forms::form_errors;

async fn session_count(pool: &DbPool, user_id: i64) -> Result<i64, WebError> {
    Ok(pool
        .query(move |conn| Session::count_for_user(conn, user_id))
        .await?)
}

#[get("/account")]
async fn account_page(pool: &State<DbPool>, user: AnyUser) -> Result<Page, WebError> {
    let sessions = session_count(pool, user.user.id).await?;
    Ok(Page::new(
        "auth/account.html",
        context! { errors => context!{}, sessions, time_zone => user.user.time_zone },
    ))
}

#[derive(FromForm)]
struct ZoneForm {
    csrf_token: String,
    time_zone: String,
}
crate::csrf_form!(ZoneForm);

/// The zone the times in this person's mail are written in.
#[post("/account/time-zone", data = "<form>")]
async fn choose_time_zone(
    pool: &State<DbPool>,
    user: AnyUser,
    ip: ClientIp,
    form: CsrfForm<ZoneForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let zone = form.0.time_zone;
    match time_zones::choose(pool, &user.actor(&ip), user.user.id, &zone).await {
        Ok(()) => Ok(Ok(Flashed::success(
            "/account",
            format!("Times in your mail are now in {}.", zone.trim()),
        ))),
        Err(e) => {
            let errors = form_errors(e)?;
            let sessions = session_count(pool, user.user.id).await?;
            Ok(Err(Page::new(
                "auth/account.html",
                context! { errors, sessions, time_zone => zone },
            )
            .status(Status::UnprocessableEntity)))
        }
    }
}

#[derive(FromForm)]
struct PasswordForm {
    csrf_token: String,
    current_password: String,
    new_password: String,
    confirm: String,
}
crate::csrf_form!(PasswordForm);

#[post("/account/password", data = "<form>")]
async fn change_password(
    pool: &State<DbPool>,
    cfg: &State<AppConfig>,
    user: AnyUser,
    ip: ClientIp,
    form: CsrfForm<PasswordForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let f = form.0;
    let r = accounts::change_password(
        pool,
        super::sign_in::login_policy(cfg),
        &user.actor(&ip),
        &user.signed_in(),
        &f.current_password,
        &f.new_password,
        &f.confirm,
    )
    .await;
    match r {
        Ok(()) => Ok(Ok(Flashed::success(
            "/account",
            "Password changed. Your other sessions were signed out.",
        ))),
        Err(e) => {
            let errors = form_errors(e)?;
            let sessions = session_count(pool, user.user.id).await?;
            Ok(Err(Page::new(
                "auth/account.html",
                context! { errors, sessions, time_zone => user.user.time_zone },
            )
            .status(Status::UnprocessableEntity)))
        }
    }
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![account_page, change_password, choose_time_zone]
}
