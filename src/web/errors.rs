//! How errors reach people: friendly HTML pages in the portal, JSON with a stable `code`
//! under `/api/`. Internal details are logged with the request id, never shown.

use minijinja::context;
use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Redirect, Responder};
use rocket::serde::json::Json;
use rocket::{Catcher, catch, catchers};

use crate::domain::DomainError;
use crate::i18n::Lang;

use super::fairings::RequestId;
use super::templates::Page;

/// An error leaving a web handler.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct WebError(#[from] pub DomainError);

impl From<crate::db::DbError> for WebError {
    fn from(e: crate::db::DbError) -> WebError {
        WebError(e.into())
    }
}

/// The stable machine-readable code and the HTTP status for an error.
fn classify(e: &DomainError) -> (Status, &'static str) {
    match e {
        DomainError::Invalid(_) => (Status::UnprocessableEntity, "invalid_input"),
        DomainError::NotFound => (Status::NotFound, "not_found"),
        DomainError::Forbidden(_) => (Status::Forbidden, "forbidden"),
        DomainError::Conflict(_) => (Status::Conflict, "conflict"),
        DomainError::BadCredentials => (Status::Unauthorized, "bad_credentials"),
        DomainError::Throttled { .. } => (Status::TooManyRequests, "throttled"),
        DomainError::Db(_) | DomainError::Internal(_) => (Status::InternalServerError, "internal"),
        DomainError::Unavailable(_) => (Status::ServiceUnavailable, "unavailable"),
    }
}

/// The message key of a status's title and advice (`error-404-title`, `error-404-next`).
fn advice_key(status: Status) -> String {
    const KNOWN: [u16; 9] = [400, 401, 403, 404, 409, 413, 422, 429, 503];
    if KNOWN.contains(&status.code) {
        status.code.to_string()
    } else {
        "other".into()
    }
}

fn is_api(req: &Request<'_>) -> bool {
    let path = req.uri().path();
    path.as_str().starts_with("/api/") || path == "/metrics"
}

/// Renders the error page (HTML) or error object (JSON) for a status.
pub fn error_response(
    req: &Request<'_>,
    status: Status,
    code: &str,
    message: Option<String>,
) -> response::Result<'static> {
    let key = advice_key(status);
    let request_id = req.local_cache(RequestId::default).0.clone();
    if is_api(req) {
        let message = message.unwrap_or_else(|| Lang::En.t(&format!("error-{key}-next")));
        let body =
            serde_json::json!({ "error": { "code": code, "message": message, "request_id": request_id } });
        return (status, Json(body)).respond_to(req);
    }
    // The page in the reader's language: the title and advice by status; a message the domain
    // gave (what was refused and why) as given.
    let lang = super::guards::reader_lang(req);
    let title = lang.t(&format!("error-{key}-title"));
    let message = message.unwrap_or_else(|| lang.t(&format!("error-{key}-next")));
    Page::new(
        "error.html",
        context! { status => status.code, title => title, message => message, request_id => request_id },
    )
    .status(status)
    .respond_to(req)
}

impl<'r> Responder<'r, 'static> for WebError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let (status, code) = classify(&self.0);
        let lang = if is_api(req) {
            Lang::En
        } else {
            super::guards::reader_lang(req)
        };
        let message = match &self.0 {
            DomainError::Db(_) | DomainError::Internal(_) => {
                tracing::error!(error = %self.0, path = %super::fairings::loggable_path(req), "request failed");
                None
            }
            // A page says it in the reader's words (the status's advice; each bad field).
            DomainError::NotFound | DomainError::Unavailable(_) if !is_api(req) => None,
            DomainError::Invalid(fields) if !is_api(req) => Some(
                fields
                    .iter()
                    .map(|f| f.message.text(lang))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            other => Some(other.to_string()),
        };
        error_response(req, status, code, message)
    }
}

/// Turns an action the domain refused (bad input, a conflicting state) into a message on the
/// page it came from; nothing was changed. Other errors stay errors.
pub fn flash_refusal(to: impl Into<String>, e: DomainError) -> Result<super::templates::Flashed, WebError> {
    flash_refusal_in(Lang::En, to, e)
}

/// `flash_refusal` in the reader's language.
pub fn flash_refusal_in(
    lang: Lang,
    to: impl Into<String>,
    e: DomainError,
) -> Result<super::templates::Flashed, WebError> {
    match e {
        DomainError::Invalid(fields) => Ok(super::templates::Flashed::error(
            to,
            fields
                .iter()
                .map(|f| f.message.text(lang))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        DomainError::Conflict(m) => Ok(super::templates::Flashed::error(to, m)),
        other => Err(other.into()),
    }
}

/// A catcher's answer: the error page or object for a status.
struct ErrorReply {
    status: Status,
    code: &'static str,
    message: Option<String>,
}

impl<'r> Responder<'r, 'static> for ErrorReply {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        error_response(req, self.status, self.code, self.message)
    }
}

#[catch(401)]
fn unauthorized(req: &Request<'_>) -> Result<Redirect, ErrorReply> {
    if is_api(req) {
        if let Some((code, message)) = &req.local_cache(|| GuardRefusal(None)).0 {
            return Err(ErrorReply {
                status: Status::Unauthorized,
                code,
                message: Some(message.clone()),
            });
        }
        let message = Some("Authentication required: send Authorization: Bearer <token>.".into());
        return Err(ErrorReply {
            status: Status::Unauthorized,
            code: "unauthorized",
            message,
        });
    }
    let next = req.uri().to_string();
    let to = if next == "/" {
        "/login".to_string()
    } else {
        format!("/login?next={}", urlencode(&next))
    };
    Ok(Redirect::to(to))
}

/// A guard's reason for refusing a request (code and message), for the catcher to show.
pub struct GuardRefusal(pub Option<(&'static str, String)>);

#[catch(default)]
fn default(status: Status, req: &Request<'_>) -> ErrorReply {
    if let Some((code, message)) = &req.local_cache(|| GuardRefusal(None)).0 {
        return ErrorReply {
            status,
            code,
            message: Some(message.clone()),
        };
    }
    if is_api(req) && status.code == 422 {
        return ErrorReply {
            status,
            code: "invalid_input",
            message: Some(
                "A value in the address is not valid (a batch number must be a whole number): see /api/docs."
                    .into(),
            ),
        };
    }
    let code = match status.code {
        400 => "bad_request",
        403 => "forbidden",
        404 => "not_found",
        413 => "too_large",
        422 => "invalid_input",
        429 => "throttled",
        503 => "unavailable",
        c if c >= 500 => "internal",
        _ => "error",
    };
    ErrorReply {
        status,
        code,
        message: None,
    }
}

/// Percent-encodes a string for a query parameter.
pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Every catcher, mounted at the root.
pub fn catchers() -> Vec<Catcher> {
    catchers![unauthorized, default]
}
