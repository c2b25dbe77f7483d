//! Factory API tokens: a supplier's people create them in the portal for their systems; the
//! token is shown once (`pgt_…`), only its hash is kept, and every use is checked against it.

use crate::db::DbPool;
use crate::db::models::api_token::{self, ApiToken};
use crate::db::models::audit::{self, Actor};
use crate::db::models::user::Role;

use super::DomainError;
use crate::crypto::{hash_token, new_token};

/// The prefix that makes a podgate token recognizable (in logs, secret scanners).
pub const PREFIX: &str = "pgt_";

fn supplier_of(actor: &Actor, supplier_id: Option<i64>) -> Result<(i64, i64), DomainError> {
    match (actor.role, actor.workspace_id, supplier_id) {
        (Some(Role::Supplier), Some(ws), Some(s)) => Ok((ws, s)),
        _ => Err(DomainError::Forbidden(
            "only a supplier's people manage its API tokens".into(),
        )),
    }
}

/// Creates a token for the actor's supplier; returns the token (shown once).
pub async fn create(
    pool: &DbPool,
    actor: &Actor,
    supplier_id: Option<i64>,
    name: &str,
) -> Result<String, DomainError> {
    let (ws, sid) = supplier_of(actor, supplier_id)?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(DomainError::invalid(
            "name",
            "Name the system that will use the token (at most 80 characters).",
        ));
    }
    let token = format!("{PREFIX}{}", new_token());
    let hash = hash_token(&token);
    let actor = actor.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            let id = api_token::create(c, ws, sid, &name, &hash, &actor.label)?;
            audit::record(
                c,
                &actor,
                Some(ws),
                "api_token.created",
                &format!("api_token:{id}"),
                &name,
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
    let (ws, sid) = supplier_of(actor, supplier_id)?;
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

/// The token behind a bearer value, if it is live; refused when its supplier is archived.
pub async fn authenticate(pool: &DbPool, bearer: &str) -> Result<Option<ApiToken>, DomainError> {
    if !bearer.starts_with(PREFIX) {
        return Ok(None);
    }
    let hash = hash_token(bearer);
    pool.run(move |c| {
        let token = api_token::use_by_hash(c, &hash)?;
        if let Some(t) = &token
            && crate::db::models::supplier::Supplier::is_archived(c, t.supplier_id)?
        {
            return Err(DomainError::Forbidden(
                "The seller archived this supplier, so its API tokens are refused. Ask the seller to restore it."
                    .into(),
            ));
        }
        Ok(token)
    })
    .await
}

/// A supplier's tokens.
pub async fn list(pool: &DbPool, supplier_id: i64) -> Result<Vec<ApiToken>, DomainError> {
    pool.run(move |c| Ok(api_token::of_supplier(c, supplier_id)?))
        .await
}
