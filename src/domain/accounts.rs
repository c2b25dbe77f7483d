//! Workspaces, people and sign-in: first-run setup, sessions, invitations, password changes.

use chrono::Duration;

use super::throttle::LoginPolicy;
use crate::db::models::audit::{self, Actor};
use crate::db::models::invite::{Invite, NewInvite};
use crate::db::models::session::Session;
use crate::db::models::user::{NewUser, Role, User};
use crate::db::models::workspace::Workspace;
use crate::db::models::{login_attempt, now};
use crate::db::{AnyConnection, DbPool};

use super::sessions::SignedIn;
use super::{DomainError, FieldError, passwords};
use crate::crypto::{hash_token, new_token};

/// How long an invitation link stays valid.
pub const INVITE_TTL_DAYS: i64 = 7;

/// Normalizes and checks an email address.
pub fn normalize_email(field: &'static str, email: &str) -> Result<String, DomainError> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        });
    if ok {
        Ok(e)
    } else {
        Err(DomainError::invalid(
            field,
            crate::i18n::Msg::new("email-invalid"),
        ))
    }
}

/// `missing` is the message id asking for the value ("Enter your name.").
fn required(field: &'static str, value: &str, missing: &'static str, errors: &mut Vec<FieldError>) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldError {
            field,
            message: crate::i18n::Msg::new(missing),
        });
    } else if v.chars().count() > 200 {
        errors.push(FieldError {
            field,
            message: crate::i18n::Msg::new("too-long-200"),
        });
    }
    v.to_string()
}

fn collect(errors: Vec<FieldError>, more: Result<(), DomainError>) -> Result<(), DomainError> {
    let mut errors = errors;
    if let Err(DomainError::Invalid(e)) = more {
        errors.extend(e);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}

/// What the first-run setup page asks for.
#[derive(Debug, Clone)]
pub struct SetupInput {
    pub workspace_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

/// Creates the first workspace and its owner. Refused once any workspace exists.
pub async fn setup_first_workspace(
    pool: &DbPool,
    actor: &Actor,
    input: SetupInput,
) -> Result<User, DomainError> {
    let mut errors = Vec::new();
    let workspace_name = required(
        "workspace_name",
        &input.workspace_name,
        "enter-company-name",
        &mut errors,
    );
    let name = required("name", &input.name, "enter-your-name", &mut errors);
    let email = match normalize_email("email", &input.email) {
        Ok(e) => e,
        Err(DomainError::Invalid(v)) => {
            errors.extend(v);
            String::new()
        }
        Err(e) => return Err(e),
    };
    collect(errors, passwords::validate("password", &input.password))?;
    let hash = passwords::hash(&input.password).await?;
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            if Workspace::count(conn)? > 0 {
                return Err(DomainError::Conflict(
                    "podgate is already set up; sign in instead.".into(),
                ));
            }
            let ws = Workspace::create(conn, &workspace_name)?;
            let user = User::create(
                conn,
                &NewUser {
                    workspace_id: ws.id,
                    email: &email,
                    name: &name,
                    role: Role::Owner,
                    password_hash: &hash,
                    supplier_id: None,
                },
            )?;
            audit::record(
                conn,
                &actor,
                Some(ws.id),
                "workspace.setup",
                &format!("user:{}", user.id),
                &format!("created workspace {workspace_name:?} with owner {email}"),
            )?;
            Ok(user)
        })
    })
    .await
}

/// Whether the first-run setup is still open.
pub async fn needs_setup(pool: &DbPool) -> Result<bool, DomainError> {
    pool.run(|conn| Ok(Workspace::count(conn)? == 0)).await
}

/// Changes a user's own password after checking the current one (throttled like signing in,
/// so a borrowed session cannot guess it); revokes every other session.
pub async fn change_password(
    pool: &DbPool,
    policy: LoginPolicy,
    actor: &Actor,
    signed_in: &SignedIn,
    current: &str,
    new: &str,
    confirm: &str,
) -> Result<(), DomainError> {
    let mut errors = Vec::new();
    if new != confirm {
        errors.push(FieldError {
            field: "confirm",
            message: crate::i18n::Msg::new("new-passwords-differ"),
        });
    }
    collect(errors, passwords::validate("new_password", new))?;
    let account = signed_in.user.email.clone();
    let ip = actor.ip.clone().unwrap_or_else(|| "unknown".into());
    let (acc, ipc) = (account.clone(), ip.clone());
    let reserved = pool
        .run(move |conn| policy.reserve(conn, &acc, &ipc, "password"))
        .await;
    let reservation = match reserved {
        Ok(r) => r,
        Err(DomainError::Throttled { retry_after_minutes }) => {
            return Err(DomainError::invalid(
                "current_password",
                crate::i18n::Msg::new("current-password-throttled").arg("minutes", retry_after_minutes),
            ));
        }
        Err(e) => return Err(e),
    };
    if let Some(d) = reservation.delay {
        tokio::time::sleep(d).await;
    }
    if !passwords::verify(current, Some(signed_in.user.password_hash.clone())).await {
        return Err(DomainError::invalid(
            "current_password",
            crate::i18n::Msg::new("current-password-wrong"),
        ));
    }
    pool.run(move |conn| policy.succeeded(conn, reservation, &account, &ip))
        .await?;
    let hash = passwords::hash(new).await?;
    let (user_id, keep) = (signed_in.user.id, signed_in.session.id);
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            User::set_password_hash(conn, user_id, &hash)?;
            let revoked = Session::delete_for_user(conn, user_id, Some(keep))?;
            audit::record(
                conn,
                &actor,
                None,
                "user.password_changed",
                &format!("user:{user_id}"),
                &format!("{revoked} other sessions signed out"),
            )?;
            Ok(())
        })
    })
    .await
}

fn require_owner(actor: &Actor) -> Result<i64, DomainError> {
    match (actor.role, actor.workspace_id) {
        (Some(Role::Owner), Some(ws)) => Ok(ws),
        _ => Err(DomainError::Forbidden(
            "only the workspace owner can manage people".into(),
        )),
    }
}

/// Invites someone to the actor's workspace; returns the invitation and its one-time token.
/// The link (under `public_url`) is also mailed to them.
pub async fn invite(
    pool: &DbPool,
    actor: &Actor,
    email: &str,
    role: Role,
    supplier_id: Option<i64>,
    public_url: &str,
) -> Result<(Invite, String), DomainError> {
    let ws = require_owner(actor)?;
    if (role == Role::Supplier) != supplier_id.is_some() {
        return Err(DomainError::Internal(
            "a supplier invitation needs a supplier, and only it".into(),
        ));
    }
    let email = normalize_email("email", email)?;
    let token = new_token();
    let hash = hash_token(&token);
    let actor = actor.clone();
    let link = format!("{public_url}/invite/{token}");
    let inv = pool
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                if User::find_by_email(conn, &email)?.is_some() {
                    return Err(DomainError::invalid(
                        "email",
                        "Someone with this email already has an account.",
                    ));
                }
                if let Some(sid) = supplier_id {
                    // The supplier must be this workspace's.
                    crate::db::models::supplier::Supplier::find_in_workspace(conn, ws, sid)?
                        .ok_or(DomainError::NotFound)?;
                }
                let inv = Invite::create(
                    conn,
                    &NewInvite {
                        workspace_id: ws,
                        email: &email,
                        role: role.as_str(),
                        supplier_id,
                        token_hash: &hash,
                        invited_by: actor.user_id.unwrap_or_default(),
                        expires_at: now() + Duration::days(INVITE_TTL_DAYS),
                    },
                )?;
                audit::record(
                    conn,
                    &actor,
                    Some(ws),
                    "user.invited",
                    &format!("invite:{}", inv.id),
                    &format!("invited {email} as {}", role.as_str()),
                )?;
                // A supplier's new person reads the supplier's language until they choose.
                let seller = Workspace::find(conn, ws)?.name;
                let supplier = match supplier_id {
                    Some(sid) => crate::db::models::supplier::Supplier::find_in_workspace(conn, ws, sid)?,
                    None => None,
                };
                let lang = supplier.as_ref().map_or(crate::i18n::Lang::En, |s| s.lang());
                use crate::db::models::mail;
                let (subject, body) = crate::mail::texts::invite(
                    lang,
                    &seller,
                    supplier.as_ref().map(|s| s.name.as_str()),
                    mail::LINK,
                    INVITE_TTL_DAYS * 24,
                );
                mail::enqueue_with_link(conn, Some(ws), "invite", &email, &subject, &body, &link)?;
                Ok(inv)
            })
        })
        .await?;
    Ok((inv, token))
}

/// The open invitation behind a token, for the acceptance page.
pub async fn find_invite(pool: &DbPool, token: &str) -> Result<(Invite, Workspace), DomainError> {
    let hash = hash_token(token);
    pool.run(move |conn| {
        let inv = Invite::find_open(conn, &hash)?.ok_or(DomainError::NotFound)?;
        let ws = Workspace::find(conn, inv.workspace_id)?;
        Ok((inv, ws))
    })
    .await
}

/// Accepts an invitation: creates the account once, even if the link is submitted twice.
pub async fn accept_invite(
    pool: &DbPool,
    actor: &Actor,
    token: &str,
    name: &str,
    password: &str,
    confirm: &str,
) -> Result<User, DomainError> {
    let mut errors = Vec::new();
    let name = required("name", name, "enter-your-name", &mut errors);
    if password != confirm {
        errors.push(FieldError {
            field: "confirm",
            message: crate::i18n::Msg::new("passwords-differ"),
        });
    }
    collect(errors, passwords::validate("password", password))?;
    let hash = passwords::hash(password).await?;
    let token_hash = hash_token(token);
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            let inv = Invite::find_open(conn, &token_hash)?.ok_or(DomainError::NotFound)?;
            if Invite::mark_accepted(conn, inv.id)? == 0 {
                return Err(DomainError::NotFound);
            }
            if User::find_by_email(conn, &inv.email)?.is_some() {
                return Err(DomainError::Conflict(
                    "An account with this email exists already; sign in instead.".into(),
                ));
            }
            let role = Role::parse(&inv.role).unwrap_or(Role::Staff);
            let user = User::create(
                conn,
                &NewUser {
                    workspace_id: inv.workspace_id,
                    email: &inv.email,
                    name: &name,
                    role,
                    password_hash: &hash,
                    supplier_id: inv.supplier_id,
                },
            )?;
            let a = Actor::user(&user, actor.ip.clone(), actor.channel);
            audit::record(
                conn,
                &a,
                None,
                "user.joined",
                &format!("user:{}", user.id),
                &format!("accepted invite {}", inv.id),
            )?;
            Ok(user)
        })
    })
    .await
}

/// Withdraws an open invitation of the actor's workspace.
pub async fn revoke_invite(pool: &DbPool, actor: &Actor, invite_id: i64) -> Result<(), DomainError> {
    let ws = require_owner(actor)?;
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            if Invite::delete_in_workspace(conn, ws, invite_id)? == 0 {
                return Err(DomainError::NotFound);
            }
            audit::record(
                conn,
                &actor,
                Some(ws),
                "user.invite_revoked",
                &format!("invite:{invite_id}"),
                "invitation withdrawn",
            )?;
            Ok(())
        })
    })
    .await
}

/// Removes a person from the actor's workspace; their sessions end at once.
pub async fn remove_user(pool: &DbPool, actor: &Actor, user_id: i64) -> Result<(), DomainError> {
    let ws = require_owner(actor)?;
    if actor.user_id == Some(user_id) {
        return Err(DomainError::Conflict("You cannot remove yourself.".into()));
    }
    let actor = actor.clone();
    pool.run(move |conn| {
        crate::db::write_tx(conn, |conn| {
            let user = User::find_in_workspace(conn, ws, user_id)?.ok_or(DomainError::NotFound)?;
            if user.role() == Role::Owner {
                return Err(DomainError::Conflict("The owner cannot be removed.".into()));
            }
            User::delete(conn, user.id)?;
            audit::record(
                conn,
                &actor,
                Some(ws),
                "user.removed",
                &format!("user:{}", user.id),
                &format!("removed {}", user.email),
            )?;
            Ok(())
        })
    })
    .await
}

/// People and open invitations of a workspace, for the team page.
pub async fn team(pool: &DbPool, workspace_id: i64) -> Result<(Vec<User>, Vec<Invite>), DomainError> {
    pool.run(move |conn| {
        Ok((
            User::list_in_workspace(conn, workspace_id)?,
            Invite::list_open(conn, workspace_id)?,
        ))
    })
    .await
}

/// Adds a user from the command line, creating the named workspace when it does not exist.
pub fn add_user_blocking(
    conn: &mut AnyConnection,
    workspace_name: &str,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<User, DomainError> {
    let email = normalize_email("email", email)?;
    passwords::validate("password", password)?;
    let hash = passwords::hash_blocking(password)?;
    let actor = Actor::cli();
    crate::db::write_tx(conn, |conn| {
        if User::find_by_email(conn, &email)?.is_some() {
            return Err(DomainError::Conflict(format!(
                "a user with email {email} exists already"
            )));
        }
        let ws = match Workspace::find_by_name(conn, workspace_name)? {
            Some(ws) => ws,
            None => Workspace::create(conn, workspace_name)?,
        };
        let user = User::create(
            conn,
            &NewUser {
                workspace_id: ws.id,
                email: &email,
                name,
                role,
                password_hash: &hash,
                supplier_id: None,
            },
        )?;
        audit::record(
            conn,
            &actor,
            Some(ws.id),
            "user.created",
            &format!("user:{}", user.id),
            &format!("{email} as {}", role.as_str()),
        )?;
        Ok(user)
    })
}

/// Sets a user's password from the command line and signs them out everywhere.
pub fn set_password_blocking(
    conn: &mut AnyConnection,
    email: &str,
    password: &str,
) -> Result<User, DomainError> {
    let email = normalize_email("email", email)?;
    passwords::validate("password", password)?;
    let hash = passwords::hash_blocking(password)?;
    crate::db::write_tx(conn, |conn| {
        let user = User::find_by_email(conn, &email)?.ok_or(DomainError::NotFound)?;
        User::set_password_hash(conn, user.id, &hash)?;
        Session::delete_for_user(conn, user.id, None)?;
        audit::record(
            conn,
            &Actor::cli(),
            Some(user.workspace_id),
            "user.password_reset",
            &format!("user:{}", user.id),
            "password set from the command line",
        )?;
        Ok(user)
    })
}

/// Drops expired sessions and old sign-in attempts.
pub async fn housekeeping(pool: &DbPool) -> Result<(usize, usize), DomainError> {
    pool.run(|conn| {
        let s = Session::delete_expired(conn)?;
        let a = login_attempt::delete_older_than(conn, now() - Duration::days(7))?;
        Ok((s, a))
    })
    .await
}
