//! Factory API tokens: a supplier's people create them in the portal for their systems, each
//! with the scopes it needs (read batches, download files, acknowledge) and an expiry if they
//! like; the token is shown once (`pgt_…`), only its hash is kept, and every use is checked
//! against it.

use crate::db::DbPool;
use crate::db::models::api_token::{self, ApiToken};
use crate::db::models::audit::{self, Actor};

use super::{DomainError, FieldError};
use crate::crypto::{hash_token, new_token};

/// The prefix that makes a podgate token recognizable (in logs, secret scanners).
pub const PREFIX: &str = "pgt_";

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Scope {
    /// List batches and read their packages.
    Read,
    /// Download batch files (zip, merged PDF, checksums).
    Download,
    /// Send acknowledgements and the factory's steps.
    Acknowledge,
}

impl Scope {
    /// Every scope, in the form's order.
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Download, Scope::Acknowledge];

    /// As stored and as the API's errors name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Download => "download",
            Scope::Acknowledge => "acknowledge",
        }
    }

    /// What it allows, for people.
    pub fn meaning(self) -> &'static str {
        match self {
            Scope::Read => "list batches and their packages",
            Scope::Download => "download batch files",
            Scope::Acknowledge => "send answers and production steps",
        }
    }
}

/// A bearer value checked against the stored tokens.
#[derive(Debug)]
pub enum TokenCheck {
    /// Live: the request may go on (scopes still to check).
    Live(ApiToken),
    /// Not a token of ours, or revoked.
    Unknown,
    /// It was one of ours, but expired at this time.
    Expired(chrono::NaiveDateTime),
}

/// Expiry choices the portal offers, in days.
pub const EXPIRY_DAYS: [i64; 3] = [30, 90, 365];

/// Creates a token for the actor's supplier with these scopes, expiring after `expires_in` days
/// (one of [`EXPIRY_DAYS`], as the form sends it) or `never`; returns the token (shown once).
/// Every bad field is named at once.
pub async fn create(
    pool: &DbPool,
    actor: &Actor,
    supplier_id: Option<i64>,
    name: &str,
    scopes: &[String],
    expires_in: &str,
) -> Result<String, DomainError> {
    let (ws, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
    let name = name.trim().to_string();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 80 {
        errors.push(FieldError {
            field: "name",
            message: crate::i18n::Msg::new("token-bad-name"),
        });
    }
    let chosen: Vec<&str> = Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .filter(|s| scopes.iter().any(|x| x == s))
        .collect();
    if chosen.is_empty() || chosen.len() != scopes.len() {
        errors.push(FieldError {
            field: "scopes",
            message: crate::i18n::Msg::new("token-no-scope"),
        });
    }
    let expires_in_days = match expires_in.trim() {
        "never" => None,
        d => Some(d.parse::<i64>().unwrap_or(0)),
    };
    if expires_in_days.is_some_and(|d| !EXPIRY_DAYS.contains(&d)) {
        errors.push(FieldError {
            field: "expires_in_days",
            message: crate::i18n::Msg::new("token-bad-expiry"),
        });
    }
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    let token = format!("{PREFIX}{}", new_token());
    let hash = hash_token(&token);
    let scopes = chosen.join(" ");
    let actor = actor.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            let now = crate::db::models::now();
            let t = api_token::NewToken {
                workspace_id: ws,
                supplier_id: sid,
                name: &name,
                token_hash: &hash,
                created_by: &actor.label,
                created_at: now,
                scopes: &scopes,
                expires_at: expires_in_days.map(|d| now + chrono::Duration::days(d)),
            };
            let id = api_token::create(c, &t)?;
            audit::record(
                c,
                &actor,
                Some(ws),
                "api_token.created",
                &format!("api_token:{id}"),
                &format!("{name} ({scopes})"),
            )?;
            Ok::<_, DomainError>(())
        })
    })
    .await?;
    Ok(token)
}

/// Revokes one of the actor's supplier's tokens.
pub async fn revoke(
    pool: &DbPool,
    actor: &Actor,
    supplier_id: Option<i64>,
    id: i64,
) -> Result<(), DomainError> {
    let (ws, sid) = crate::domain::supplier_workspace(actor, supplier_id)?;
    let actor = actor.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            if !api_token::revoke(c, sid, id)? {
                return Err(DomainError::NotFound);
            }
            audit::record(
                c,
                &actor,
                Some(ws),
                "api_token.revoked",
                &format!("api_token:{id}"),
                "",
            )?;
            Ok(())
        })
    })
    .await
}

/// What a bearer value is: a live token, an expired one, or nothing of ours; refused when its
/// supplier is archived.
pub async fn authenticate(pool: &DbPool, bearer: &str) -> Result<TokenCheck, DomainError> {
    if !bearer.starts_with(PREFIX) {
        return Ok(TokenCheck::Unknown);
    }
    let hash = hash_token(bearer);
    pool.run(move |c| {
        let Some(t) = api_token::use_by_hash(c, &hash)? else {
            return Ok(TokenCheck::Unknown);
        };
        if let Some(at) = t.expires_at.filter(|at| *at <= crate::db::models::now()) {
            return Ok(TokenCheck::Expired(at));
        }
        if crate::db::models::supplier::Supplier::is_archived(c, t.supplier_id)? {
            return Err(DomainError::Forbidden(
                "The seller archived this supplier, so its API tokens are refused. Ask the seller to restore it."
                    .into(),
            ));
        }
        Ok(TokenCheck::Live(t))
    })
    .await
}

/// A supplier's tokens.
pub async fn list(pool: &DbPool, supplier_id: i64) -> Result<Vec<ApiToken>, DomainError> {
    pool.run(move |c| Ok(api_token::of_supplier(c, supplier_id)?))
        .await
}
