//! First-run setup, sign-in and sign-out.

use minijinja::context;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::db::models::audit::{Actor, Channel};
use crate::domain::DomainError;
use crate::domain::accounts::{self, SetupInput};
use crate::domain::sessions;
use crate::domain::throttle::LoginPolicy;
use crate::web::csrf::{CSRF_COOKIE, CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::guards::{AnyUser, ClientIp, SESSION_COOKIE, UserAgent, cookie_with, set_session_cookie};
use crate::web::templates::{Flashed, Page};

use crate::web::forms::form_errors;

/// The login policy from configuration.
pub fn login_policy(cfg: &AppConfig) -> LoginPolicy {
    LoginPolicy {
        max_failures_per_account: cfg.login_max_failures_per_account,
        max_failures_per_ip: cfg.login_max_failures_per_ip,
        window: chrono::Duration::minutes(i64::from(cfg.login_window_minutes)),
        slow_down: std::time::Duration::from_secs(2),
    }
}

/// Only same-site relative paths are followed after sign-in (no open redirects).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace())
                && rocket::http::uri::Origin::parse(n).is_ok() =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Opens a session for a user who just proved who they are, and rotates the CSRF token so a
/// token seen before sign-in is worthless.
pub async fn start_session(
    jar: &CookieJar<'_>,
    pool: &DbPool,
    cfg: &AppConfig,
    user_id: i64,
    client: (&ClientIp, UserAgent),
) -> Result<(), WebError> {
    let ttl = chrono::Duration::hours(i64::from(cfg.session_ttl_hours));
    let token = sessions::open_session(pool, user_id, ttl, client.0.0.clone(), client.1.0).await?;
    jar.add_private(cookie_with(
        cfg.secure_cookies(),
        CSRF_COOKIE,
        crate::web::csrf::new_cookie_value(Some(&token)),
    ));
    set_session_cookie(cfg, jar, token);
    // The browser's zone (the page script keeps it in a cookie): the times in this person's
    // mail are written in it, until they choose one on the Account page.
    if let Some(zone) = jar.get(BROWSER_ZONE_COOKIE) {
        let zone = percent_encoding::percent_decode_str(zone.value()).decode_utf8_lossy();
        crate::domain::time_zones::remember_browser_zone(pool, user_id, &zone).await?;
    }
    Ok(())
}

/// The cookie `static/app.js` writes with the browser's IANA zone (a hint, not a secret).
pub const BROWSER_ZONE_COOKIE: &str = "podgate_tz";

#[derive(FromForm)]
struct SetupForm {
    csrf_token: String,
    workspace_name: String,
    name: String,
    email: String,
    password: String,
}
crate::csrf_form!(SetupForm);

#[get("/setup")]
async fn setup_page(pool: &State<DbPool>) -> Result<Result<Page, Redirect>, WebError> {
    if !accounts::needs_setup(pool).await? {
        return Ok(Err(Redirect::to("/login")));
    }
    Ok(Ok(Page::new(
        "auth/setup.html",
        context! { form => context!{}, errors => context!{} },
    )))
}

#[post("/setup", data = "<form>")]
async fn setup_submit<'r>(
    jar: &CookieJar<'r>,
    ua: UserAgent,
    pool: &State<DbPool>,
    cfg: &State<AppConfig>,
    ip: ClientIp,
    form: CsrfForm<SetupForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let f = form.0;
    let input = SetupInput {
        workspace_name: f.workspace_name.clone(),
        name: f.name.clone(),
        email: f.email.clone(),
        password: f.password,
    };
    let actor = Actor::anonymous(ip.0.clone(), Channel::Web);
    match accounts::setup_first_workspace(pool, &actor, input).await {
        Ok(user) => {
            start_session(jar, pool, cfg, user.id, (&ip, ua)).await?;
            Ok(Ok(Flashed::success(
                "/",
                format!("Welcome, {}. Your workspace is ready.", user.name),
            )))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let form = context! { workspace_name => f.workspace_name, name => f.name, email => f.email };
            Ok(Err(
                Page::new("auth/setup.html", context! { form, errors }).status(Status::UnprocessableEntity)
            ))
        }
    }
}

#[get("/login?<next>")]
async fn login_page(
    pool: &State<DbPool>,
    next: Option<String>,
    user: Option<AnyUser>,
) -> Result<Result<Page, Redirect>, WebError> {
    if accounts::needs_setup(pool).await? {
        return Ok(Err(Redirect::to("/setup")));
    }
    if user.is_some() {
        return Ok(Err(Redirect::to(safe_next(next.as_deref()))));
    }
    Ok(Ok(Page::new(
        "auth/login.html",
        context! { email => "", next => next, error => None::<String> },
    )))
}

#[derive(FromForm)]
struct LoginForm {
    csrf_token: String,
    email: String,
    password: String,
    next: Option<String>,
}
crate::csrf_form!(LoginForm);

#[post("/login", data = "<form>")]
async fn login_submit<'r>(
    jar: &CookieJar<'r>,
    ua: UserAgent,
    pool: &State<DbPool>,
    cfg: &State<AppConfig>,
    ip: ClientIp,
    lang: crate::i18n::Lang,
    form: CsrfForm<LoginForm>,
) -> Result<Result<Redirect, Page>, WebError> {
    let f = form.0;
    let actor = Actor::anonymous(ip.0.clone(), Channel::Web);
    match sessions::sign_in(pool, login_policy(cfg), &actor, &f.email, &f.password).await {
        Ok(user) => {
            start_session(jar, pool, cfg, user.id, (&ip, ua)).await?;
            Ok(Ok(Redirect::to(safe_next(f.next.as_deref()))))
        }
        Err(e @ (DomainError::BadCredentials | DomainError::Throttled { .. })) => {
            let status = if matches!(e, DomainError::Throttled { .. }) {
                Status::TooManyRequests
            } else {
                Status::Unauthorized
            };
            let message = match e {
                DomainError::Throttled { retry_after_minutes } => crate::i18n::Msg::new("sign-in-throttled")
                    .arg("minutes", retry_after_minutes)
                    .text(lang),
                _ => lang.t("sign-in-wrong"),
            };
            let ctx = context! { email => f.email, next => f.next, error => Some(message) };
            Ok(Err(Page::new("auth/login.html", ctx).status(status)))
        }
        // The only refusal after a right password: the person's supplier was archived.
        Err(DomainError::Forbidden(_)) => {
            let ctx = context! { email => f.email, next => f.next, error => Some(lang.t("sign-in-supplier-archived")) };
            Ok(Err(Page::new("auth/login.html", ctx).status(Status::Forbidden)))
        }
        Err(e) => Err(e.into()),
    }
}

#[post("/logout", data = "<form>")]
async fn logout(
    jar: &CookieJar<'_>,
    pool: &State<DbPool>,
    ip: ClientIp,
    user: Option<AnyUser>,
    lang: crate::i18n::Lang,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    if let (Some(token), Some(user)) = (jar.get_private(SESSION_COOKIE), user) {
        sessions::sign_out(pool, &user.actor(&ip), token.value()).await?;
    }
    jar.remove_private(rocket::http::Cookie::build(SESSION_COOKIE).path("/"));
    Ok(Flashed::success("/login", lang.t("signed-out")))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![setup_page, setup_submit, login_page, login_submit, logout]
}
