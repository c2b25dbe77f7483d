//! "Forgot your password?": a one-time link by mail, valid for 30 minutes. The answer never
//! says whether an account exists, at most a few links are mailed per hour per account, and a
//! reset signs the account out everywhere and voids every other open link. The mail keeps its
//! link apart from the body, so the outbox and the Mail page never show it.

use chrono::Duration;

use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::session::Session;
use crate::db::models::user::User;
use crate::db::models::{mail, now, password_reset};

use super::{DomainError, FieldError, passwords};
use crate::crypto::{hash_token, new_token};

/// How long a reset link works.
pub const TTL_MINUTES: i64 = 30;
/// Links mailed per account per hour, at most.
pub const MAX_PER_HOUR: i64 = 3;

/// Mails a reset link when the address belongs to an active account; silent otherwise.
pub async fn request(pool: &DbPool, actor: &Actor, email: &str, public_url: &str) -> Result<(), DomainError> {
    let Ok(email) = super::accounts::normalize_email("email", email) else {
        return Ok(());
    };
    let token = new_token();
    let hash = hash_token(&token);
    let link = format!("{public_url}/password/reset/{token}");
    let actor = actor.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            let Some(u) = User::find_by_email(c, &email)?.filter(|u| !u.disabled) else {
                return Ok(());
            };
            if password_reset::count_since(c, u.id, now() - Duration::hours(1))? >= MAX_PER_HOUR {
                return Ok(());
            }
            password_reset::create(c, u.id, &hash, now() + Duration::minutes(TTL_MINUTES))?;
            let lang = crate::domain::languages::of_user(c, &u)?;
            let (subject, body) = crate::mail::texts::password_reset(lang, mail::LINK, TTL_MINUTES);
            mail::enqueue_with_link(c, Some(u.workspace_id), "reset", &u.email, &subject, &body, &link)?;
            audit::record(
                c,
                &actor,
                Some(u.workspace_id),
                "user.reset_requested",
                &format!("user:{}", u.id),
                "",
            )?;
            Ok(())
        })
    })
    .await
}

/// Whether a reset link still works.
pub async fn is_live(pool: &DbPool, token: &str) -> Result<bool, DomainError> {
    let hash = hash_token(token);
    pool.run(move |c| Ok(password_reset::is_live(c, &hash)?)).await
}

/// Sets a new password through a reset link (once), and signs the account out everywhere.
pub async fn reset(
    pool: &DbPool,
    actor: &Actor,
    token: &str,
    new: &str,
    confirm: &str,
) -> Result<(), DomainError> {
    if new != confirm {
        return Err(DomainError::Invalid(vec![FieldError {
            field: "confirm",
            message: crate::i18n::Msg::new("passwords-differ"),
        }]));
    }
    passwords::validate("password", new)?;
    let pw = passwords::hash(new).await?;
    let hash = hash_token(token);
    let actor = actor.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            let Some(user_id) = password_reset::consume(c, &hash)? else {
                return Err(DomainError::Conflict(
                    "This reset link was used already or has expired: ask for a new one.".into(),
                ));
            };
            password_reset::void_open(c, user_id)?;
            User::set_password_hash(c, user_id, &pw)?;
            let n = Session::delete_for_user(c, user_id, None)?;
            audit::record(
                c,
                &actor,
                None,
                "user.password_reset",
                &format!("user:{user_id}"),
                &format!("{n} sessions signed out"),
            )?;
            Ok(())
        })
    })
    .await
}
