//! The domain layer: every business action, shared by the web portal, the SFTP gateway,
//! the JSON API, background jobs and the CLI. No Rocket or russh types appear here; callers
//! pass an [`crate::db::models::audit::Actor`] saying who acts and through which channel.

pub mod accounts;
pub mod api_tokens;
pub mod artwork;
pub mod batches;
pub mod budget;
pub mod catalog;
pub mod dashboard;
pub mod deployment_keys;
pub mod dispatch;
pub mod factory_webhooks;
pub mod gateway;
pub mod labels;
pub mod languages;
pub mod leases;
pub mod password_reset;
pub mod passwords;
pub mod routing;
pub mod sessions;
pub mod sftp_logins;
pub mod shops;
pub mod spreadsheet;
pub mod suppliers;
pub mod throttle;
pub mod time_zones;

use crate::db::DbError;

/// A field-level problem in user input, shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The form field name.
    pub field: &'static str,
    /// What is wrong and what to do, worded for each reader (`i18n::Msg`).
    pub message: crate::i18n::Msg,
}

/// Errors of the domain layer; each channel turns them into its own answer.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Input is invalid; nothing was changed.
    #[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The thing does not exist, or the caller may not know that it exists.
    #[error("not found")]
    NotFound,
    /// The caller is known but not allowed to do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The action conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// Email or password is wrong (never says which).
    #[error("the email or password is incorrect")]
    BadCredentials,
    /// Too many failed sign-ins; try again later.
    #[error("too many failed sign-in attempts; try again in {retry_after_minutes} minutes")]
    Throttled { retry_after_minutes: i64 },
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Something unexpected; the detail is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
    /// A service podgate relies on (the file store) cannot be reached now; nothing was
    /// changed, and the same request will work once it is back.
    #[error("{0}; try again in a minute")]
    Unavailable(String),
}

impl From<diesel::result::Error> for DomainError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => DomainError::NotFound,
            other => DomainError::Db(DbError::Query(other)),
        }
    }
}

impl DomainError {
    /// A single-field validation error.
    pub fn invalid(field: &'static str, message: impl Into<crate::i18n::Msg>) -> Self {
        DomainError::Invalid(vec![FieldError {
            field,
            message: message.into(),
        }])
    }
}

/// The workspace of a seller (owner or staff); suppliers and strangers are refused, so a domain
/// function that only sellers may call cannot be reached through another door.
pub fn seller_workspace(actor: &crate::db::models::audit::Actor) -> Result<i64, DomainError> {
    use crate::db::models::user::Role;
    match (actor.role, actor.workspace_id) {
        (Some(Role::Owner | Role::Staff), Some(ws)) => Ok(ws),
        _ => Err(DomainError::Forbidden(
            "only the seller's team can do this".into(),
        )),
    }
}

/// The workspace and supplier of a supplier's own person (the supplier comes from who is signed
/// in, never from input); the seller's team and strangers are refused, so a supplier's own
/// settings (API tokens, SFTP logins, webhooks) cannot be reached through another door.
pub fn supplier_workspace(
    actor: &crate::db::models::audit::Actor,
    supplier_id: Option<i64>,
) -> Result<(i64, i64), DomainError> {
    use crate::db::models::user::Role;
    match (actor.role, actor.workspace_id, supplier_id) {
        (Some(Role::Supplier), Some(ws), Some(s)) => Ok((ws, s)),
        _ => Err(DomainError::Forbidden(
            "only the supplier's own people can do this".into(),
        )),
    }
}
