//! "Forgot your password?": ask for a link by mail, then choose a new password through it.

use crate::i18n::Lang;
use minijinja::context;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::db::models::audit::{Actor, Channel};
use crate::domain::{DomainError, password_reset};
use crate::web::csrf::CsrfForm;
use crate::web::errors::WebError;
use crate::web::guards::ClientIp;
use crate::web::templates::{Flashed, Page};

#[get("/password/forgot")]
fn forgot() -> Page {
    Page::new("auth/forgot.html", context! {})
}

#[derive(FromForm)]
struct ForgotForm {
    csrf_token: String,
    email: String,
}
crate::csrf_form!(ForgotForm);

#[post("/password/forgot", data = "<form>")]
async fn send_link(
    pool: &State<DbPool>,
    cfg: &State<AppConfig>,
    ip: ClientIp,
    lang: Lang,
    form: CsrfForm<ForgotForm>,
) -> Result<Flashed, WebError> {
    let actor = Actor::anonymous(ip.0.clone(), Channel::Web);
    password_reset::request(pool, &actor, &form.0.email, &cfg.public_url()).await?;
    Ok(Flashed::success("/login", lang.t("reset-link-sent")))
}

#[get("/password/reset/<token>")]
async fn reset_form(pool: &State<DbPool>, token: &str) -> Result<Page, WebError> {
    let live = password_reset::is_live(pool, token).await?;
    Ok(Page::new(
        "auth/reset.html",
        context! { token, live, errors => context! {} },
    ))
}

#[derive(FromForm)]
struct ResetForm {
    csrf_token: String,
    password: String,
    confirm: String,
}
crate::csrf_form!(ResetForm);

#[post("/password/reset/<token>", data = "<form>")]
async fn reset(
    pool: &State<DbPool>,
    ip: ClientIp,
    token: &str,
    lang: Lang,
    form: CsrfForm<ResetForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let actor = Actor::anonymous(ip.0.clone(), Channel::Web);
    match password_reset::reset(pool, &actor, token, &form.0.password, &form.0.confirm).await {
        Ok(()) => Ok(Ok(Flashed::success("/login", lang.t("reset-done")))),
        Err(DomainError::Conflict(_)) => {
            Ok(Ok(Flashed::error("/password/forgot", lang.t("reset-link-dead"))))
        }
        Err(e) => {
            let errors = crate::web::forms::form_errors_in(lang, e)?;
            Ok(Err(Page::new(
                "auth/reset.html",
                context! { token, live => true, errors },
            )
            .status(rocket::http::Status::UnprocessableEntity)))
        }
    }
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![forgot, send_link, reset_form, reset]
}
