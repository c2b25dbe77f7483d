//! Sign-in and server-side sessions: password checks with throttling, and session tokens
//! whose hash is stored so a session can be revoked.

use chrono::Duration;

use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::now;
use crate::db::models::session::Session;
use crate::db::models::user::User;

use super::throttle::LoginPolicy;
use super::{DomainError, passwords};
use crate::crypto::{hash_token, new_token};

/// Checks an email and password, with throttling per address and per address + account
/// (see [`super::throttle`]): the attempt is reserved before the password is verified. A
/// supplier person whose supplier was archived is told so instead of being let in.
pub async fn sign_in(
    pool: &DbPool,
    policy: LoginPolicy,
    actor: &Actor,
    email: &str,
    password: &str,
) -> Result<User, DomainError> {
    let account = email.trim().to_lowercase();
    let ip = actor.ip.clone().unwrap_or_else(|| "unknown".into());
    let channel = actor.channel.as_str();
    let (acc, ipc) = (account.clone(), ip.clone());
    let (reservation, user) = pool
        .run(move |conn| {
            let r = policy.reserve(conn, &acc, &ipc, channel)?;
            Ok::<_, DomainError>((r, User::find_by_email(conn, &acc)?))
        })
        .await?;
    if let Some(d) = reservation.delay {
        tokio::time::sleep(d).await;
    }
    let ok = passwords::verify(password, user.as_ref().map(|u| u.password_hash.clone())).await
        && user.as_ref().is_some_and(|u| !u.disabled);
    let actor = actor.clone();
    // The attempt stays a failure, or becomes a success, with its audit row.
    let signed_in = pool
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| match (ok, user.clone()) {
                (true, Some(user)) => {
                    if let Some(s) = user.supplier_id
                        && crate::db::models::supplier::Supplier::is_archived(conn, s)?
                    {
                        return Err(DomainError::Forbidden(
                            "The seller archived your supplier account, so podgate is closed to it. \
                             Ask the seller to restore it."
                                .into(),
                        ));
                    }
                    policy.succeeded(conn, reservation, &account, &ip)?;
                    let a = Actor::user(&user, actor.ip.clone(), actor.channel);
                    audit::record(
                        conn,
                        &a,
                        None,
                        "auth.sign_in",
                        &format!("user:{}", user.id),
                        "signed in",
                    )?;
                    Ok::<_, DomainError>(Some(user))
                }
                (_, user) => {
                    let ws = user.as_ref().map(|u| u.workspace_id);
                    let subject = format!("account:{account}");
                    audit::record(
                        conn,
                        &actor,
                        ws,
                        "auth.sign_in_failed",
                        &subject,
                        "wrong email or password",
                    )?;
                    Ok(None)
                }
            })
        })
        .await?;
    signed_in.ok_or(DomainError::BadCredentials)
}

/// A signed-in browser: its session, its user and where they work.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session: Session,
    pub user: User,
    pub place: Place,
}

/// Where a signed-in person works, as the page header says it: the seller's workspace, and for
/// a supplier's people their supplier too (a factory serving several sellers sees whose
/// portal this is).
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub seller: String,
    pub supplier: Option<String>,
    /// The time zone the person reads times in, when known (a supplier's people: their
    /// supplier's); otherwise pages use the browser's.
    pub zone: Option<String>,
}

/// Opens a server-side session; returns the token to put in the cookie.
pub async fn open_session(
    pool: &DbPool,
    user_id: i64,
    ttl: Duration,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<String, DomainError> {
    let token = new_token();
    let hash = hash_token(&token);
    let ua = user_agent.map(|s| s.chars().take(300).collect::<String>());
    pool.run(move |conn| {
        Session::create(conn, user_id, &hash, now() + ttl, ip.as_deref(), ua.as_deref())?;
        Ok::<_, DomainError>(())
    })
    .await?;
    Ok(token)
}

/// Looks up the session behind a cookie token; `None` when it is unknown, expired or revoked.
pub async fn resolve_session(pool: &DbPool, token: &str) -> Result<Option<SignedIn>, DomainError> {
    let hash = hash_token(token);
    pool.run(move |conn| {
        let Some(session) = Session::find_live(conn, &hash)? else {
            return Ok(None);
        };
        let (user, seller) = User::find_with_workspace_name(conn, session.user_id)?;
        if user.disabled {
            return Ok(None);
        }
        // An archived supplier's people are signed out (signing in again says why).
        let supplier = match user.supplier_id {
            Some(s) => {
                match crate::db::models::supplier::Supplier::find_in_workspace(conn, user.workspace_id, s)? {
                    Some(sup) if !sup.archived => Some(sup),
                    _ => return Ok(None),
                }
            }
            None => None,
        };
        let place = Place {
            seller,
            zone: supplier.as_ref().map(|s| s.time_zone.clone()),
            supplier: supplier.map(|s| s.name),
        };
        // A write only once a minute: a write per request would queue every reader behind
        // SQLite's single writer.
        if session.last_seen_at < now() - Duration::minutes(1) {
            Session::touch(conn, session.id)?;
        }
        Ok(Some(SignedIn { session, user, place }))
    })
    .await
}

/// Revokes the session behind a token.
pub async fn sign_out(pool: &DbPool, actor: &Actor, token: &str) -> Result<(), DomainError> {
    let hash = hash_token(token);
    let actor = actor.clone();
    pool.run(move |conn| {
        if Session::delete_by_hash(conn, &hash)? > 0 {
            audit::record(
                conn,
                &actor,
                None,
                "auth.sign_out",
                &format!("user:{}", actor.user_id.unwrap_or(0)),
                "signed out",
            )?;
        }
        Ok(())
    })
    .await
}
