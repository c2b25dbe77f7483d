//! A user's own account: password change, the time zone of their mail, and (a supplier's
//! people) the language they read podgate in.

use minijinja::context;
use rocket::http::Status;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::db::models::session::Session;
use crate::domain::{accounts, languages, time_zones};
use crate::web::csrf::CsrfForm;
use crate::web::errors::WebError;
use crate::web::guards::{AnyUser, BrowserLang, ClientIp};
use crate::web::templates::{Flashed, Page};

use crate::i18n::{Lang, Msg};
use crate::web::forms::{form_errors, form_errors_in};

async fn session_count(pool: &DbPool, user_id: i64) -> Result<i64, WebError> {
    Ok(pool
        .query(move |conn| Session::count_for_user(conn, user_id))
        .await?)
}

/// The account page, with a form's errors (or none).
async fn account_view(pool: &DbPool, user: &AnyUser, errors: minijinja::Value) -> Result<Page, WebError> {
    let sessions = session_count(pool, user.user.id).await?;
    Ok(Page::new(
        "auth/account.html",
        context! { errors, sessions, time_zone => user.user.time_zone.clone(), language => user.user.language.clone() },
    ))
}

#[get("/account")]
async fn account_page(pool: &State<DbPool>, user: AnyUser) -> Result<Page, WebError> {
    account_view(pool, &user, context! {}).await
}

#[derive(FromForm)]
struct LanguageForm {
    csrf_token: String,
    language: String,
}
crate::csrf_form!(LanguageForm);

/// The language a person reads the portal and their mail in ("": their browser's).
#[post("/account/language", data = "<form>")]
async fn choose_language(
    pool: &State<DbPool>,
    user: AnyUser,
    ip: ClientIp,
    lang: Lang,
    browser: BrowserLang,
    form: CsrfForm<LanguageForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    match languages::for_person(pool, &user.actor(&ip), user.user.id, &form.0.language).await {
        // Said in the language just chosen (or the browser's), as the next page will be.
        Ok(Some(chosen)) => Ok(Ok(Flashed::success(
            "/account",
            Msg::new("language-saved")
                .arg("language", chosen.native_name())
                .text(chosen),
        ))),
        Ok(None) => Ok(Ok(Flashed::success(
            "/account",
            browser.0.t("language-follows-browser"),
        ))),
        Err(e) => {
            let errors = minijinja::Value::from_serialize(form_errors_in(lang, e)?);
            Ok(Err(account_view(pool, &user, errors)
                .await?
                .status(Status::UnprocessableEntity)))
        }
    }
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
                context! { errors, sessions, time_zone => zone, language => user.user.language },
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
    lang: Lang,
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
        Ok(()) => Ok(Ok(Flashed::success("/account", lang.t("password-changed")))),
        Err(e) => {
            let errors = minijinja::Value::from_serialize(form_errors_in(lang, e)?);
            Ok(Err(account_view(pool, &user, errors)
                .await?
                .status(Status::UnprocessableEntity)))
        }
    }
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![account_page, change_password, choose_time_zone, choose_language]
}
