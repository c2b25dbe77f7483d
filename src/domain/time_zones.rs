//! People's time zones. Pages show times in the viewer's zone in the browser; mail cannot, so
//! podgate keeps each person's zone: taken from their browser when they sign in (until they
//! choose one), or chosen on the Account page. A supplier's people and contacts read their
//! supplier's zone instead (set on the supplier).

use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::user::User;

use super::DomainError;

/// Whether `zone` is an IANA time zone name podgate knows (`America/Chicago`).
pub fn is_zone(zone: &str) -> bool {
    zone.parse::<chrono_tz::Tz>().is_ok()
}

/// Keeps the zone a person's browser reported at sign-in, unless they already have one (a
/// zone chosen on the Account page is never overwritten). Anything not a zone is ignored: the
/// browser's report is a hint, not input to refuse.
pub async fn remember_browser_zone(pool: &DbPool, user_id: i64, zone: &str) -> Result<(), DomainError> {
    let zone = zone.trim().to_string();
    if !is_zone(&zone) {
        return Ok(());
    }
    pool.run(move |c| {
        let u = User::find(c, user_id)?;
        if u.time_zone.is_empty() {
            User::set_time_zone(c, user_id, &zone)?;
        }
        // An owner's zone is the seller's business zone until the seller sets one (the
        // dispatch clock counts business days in it).
        if u.role == crate::db::models::user::Role::Owner.as_str() {
            crate::db::models::workspace::Workspace::default_time_zone(c, u.workspace_id, &zone)?;
        }
        Ok(())
    })
    .await
}

/// The zone a person chose on the Account page; audited.
pub async fn choose(pool: &DbPool, actor: &Actor, user_id: i64, zone: &str) -> Result<(), DomainError> {
    let zone = zone.trim().to_string();
    if !is_zone(&zone) {
        return Err(DomainError::invalid(
            "time_zone",
            format!("{zone:?} is not a time zone: choose one from the list, like America/Chicago."),
        ));
    }
    let actor = actor.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            User::set_time_zone(c, user_id, &zone)?;
            audit::record(
                c,
                &actor,
                actor.workspace_id,
                "account.time_zone",
                &format!("user:{user_id}"),
                &format!("chose the time zone {zone}"),
            )?;
            Ok(())
        })
    })
    .await
}
