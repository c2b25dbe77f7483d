//! Cross-site request forgery defence, in three layers: a synchronizer token in every form
//! (kept in an encrypted cookie, compared in constant time, and bound to the session: the
//! cookie also names the session it was issued for, so signing in or out makes old tokens
//! worthless), an Origin / Sec-Fetch-Site check on every unsafe request against `public_url`
//! (never the request's own Host header, which an attacker's DNS can choose), and SameSite
//! cookies. Every POST route takes a [`CsrfForm`], and a test walks the route table to prove it.

use rocket::data::{self, Data, FromData};
use rocket::fairing::{Fairing, Info, Kind};
use rocket::form::{Form, FromForm};
use rocket::http::Status;
use rocket::outcome::Outcome;
use rocket::request::Request;

use crate::config::AppConfig;
use crate::crypto::{constant_time_eq, hash_token, new_token};

use super::guards::{SESSION_COOKIE, app_cookie};

/// Name of the private cookie holding the CSRF token.
pub const CSRF_COOKIE: &str = "podgate_csrf";

/// A form that carries the CSRF token in a `csrf_token` field.
pub trait CsrfField {
    /// The submitted token.
    fn csrf_token(&self) -> &str;
}

/// Implements [`CsrfField`] for form structs with a `csrf_token: String` field.
#[macro_export]
macro_rules! csrf_form {
    ($($t:ty),+ $(,)?) => {$(
        impl $crate::web::csrf::CsrfField for $t {
            fn csrf_token(&self) -> &str { &self.csrf_token }
        }
    )+};
}

/// A form with only the CSRF token (buttons such as "Sign out").
#[derive(FromForm)]
pub struct EmptyForm {
    pub csrf_token: String,
}
crate::csrf_form!(EmptyForm);

/// What a CSRF cookie is bound to: a digest of the session cookie's token, or `-` without one.
pub fn binding(session_token: Option<&str>) -> String {
    match session_token {
        Some(t) => hash_token(t)[..32].to_string(),
        None => "-".into(),
    }
}

/// A fresh CSRF cookie value (`token.binding`) for the session `session_token`.
pub fn new_cookie_value(session_token: Option<&str>) -> String {
    format!("{}.{}", new_token(), binding(session_token))
}

/// The form token and the binding inside a CSRF cookie value.
pub fn split_cookie(value: &str) -> (&str, &str) {
    value.rsplit_once('.').unwrap_or((value, ""))
}

/// The binding of the session cookie this request arrived with.
fn request_binding(req: &Request<'_>) -> String {
    binding(
        req.cookies()
            .get_private(SESSION_COOKIE)
            .as_ref()
            .map(|c| c.value()),
    )
}

/// Gives every browser a CSRF token cookie before any page renders, and a new one whenever
/// the session it was bound to is gone or changed.
pub struct CsrfCookie;

#[rocket::async_trait]
impl Fairing for CsrfCookie {
    fn info(&self) -> Info {
        Info {
            name: "CSRF token cookie",
            kind: Kind::Request,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        let current = request_binding(req);
        let fits = req
            .cookies()
            .get_private(CSRF_COOKIE)
            .is_some_and(|c| split_cookie(c.value()).1 == current);
        if !fits {
            let session = req.cookies().get_private(SESSION_COOKIE);
            let c = app_cookie(
                req,
                CSRF_COOKIE,
                new_cookie_value(session.as_ref().map(|c| c.value())),
            );
            req.cookies().add_private(c);
        }
    }
}

/// Why a state-changing request was refused.
#[derive(Debug)]
pub enum CsrfError {
    /// The Origin or Sec-Fetch-Site header names another site.
    ForeignOrigin,
    /// The token is missing or does not match.
    BadToken,
    /// The form body could not be parsed.
    BadForm(String),
}

/// Refuses requests whose Origin is not podgate's own (`public_url`). Browsers send Origin on
/// every POST; when it is absent (old clients), Sec-Fetch-Site is used, and the token check
/// still applies.
pub fn check_origin(req: &Request<'_>) -> Result<(), CsrfError> {
    if let Some(origin) = req.headers().get_one("Origin") {
        let public = req
            .rocket()
            .state::<AppConfig>()
            .map(|c| c.public_url())
            .unwrap_or_default();
        let public_origin = url::Url::parse(&public)
            .map(|u| u.origin().ascii_serialization())
            .ok();
        if public_origin.as_deref() != Some(origin) {
            return Err(CsrfError::ForeignOrigin);
        }
    } else if req.headers().get_one("Sec-Fetch-Site") == Some("cross-site") {
        return Err(CsrfError::ForeignOrigin);
    }
    Ok(())
}

/// A form body accepted only from podgate's own pages.
pub struct CsrfForm<T>(pub T);

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + CsrfField + Send> FromData<'r> for CsrfForm<T> {
    type Error = CsrfError;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if let Err(e) = check_origin(req) {
            return Outcome::Error((Status::Forbidden, e));
        }
        let form = match Form::<T>::from_data(req, data).await {
            Outcome::Success(f) => f.into_inner(),
            Outcome::Forward(f) => return Outcome::Forward(f),
            Outcome::Error((status, errors)) => {
                // A form without its token field is a forgery attempt, not a typo.
                let missing_token = errors
                    .iter()
                    .any(|e| e.name.as_ref().is_some_and(|n| n == "csrf_token"));
                let status = if missing_token { Status::Forbidden } else { status };
                return Outcome::Error((status, CsrfError::BadForm(errors.to_string())));
            }
        };
        let cookie = req.cookies().get_private(CSRF_COOKIE);
        let current = request_binding(req);
        match cookie.as_ref().map(|c| split_cookie(c.value())) {
            Some((token, bound)) if bound == current && constant_time_eq(token, form.csrf_token()) => {
                Outcome::Success(CsrfForm(form))
            }
            _ => Outcome::Error((Status::Forbidden, CsrfError::BadToken)),
        }
    }
}
