//! Who reads podgate in which language: each supplier's person chooses theirs (or follows their
//! browser); the supplier chooses one for mail to contacts without an account and for its SFTP
//! result files. The seller's side is in English.

use crate::db::models::audit::{self, Actor};
use crate::db::models::supplier::Supplier;
use crate::db::models::user::User;
use crate::db::{AnyConnection, DbPool};
use crate::i18n::{Lang, Msg};

use super::DomainError;

/// A submitted language code: one of ours, or "" (`blank_ok`: follow the browser).
fn parse(code: &str, blank_ok: bool) -> Result<Option<Lang>, DomainError> {
    match Lang::from_code(code) {
        Some(l) => Ok(Some(l)),
        None if blank_ok && code.trim().is_empty() => Ok(None),
        None => Err(DomainError::invalid("language", Msg::new("language-unknown"))),
    }
}

/// The language a person chose on the Account page (None: their browser's); audited.
pub async fn for_person(
    pool: &DbPool,
    actor: &Actor,
    user_id: i64,
    code: &str,
) -> Result<Option<Lang>, DomainError> {
    let chosen = parse(code, true)?;
    let actor = actor.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            User::set_language(c, user_id, chosen.map_or("", Lang::code))?;
            audit::record(
                c,
                &actor,
                actor.workspace_id,
                "account.language",
                &format!("user:{user_id}"),
                &format!("chose {}", chosen.map_or("the browser's language", Lang::code)),
            )?;
            Ok::<(), DomainError>(())
        })
    })
    .await?;
    Ok(chosen)
}

/// The language of a supplier's mail to contacts and of its result files, chosen by its own
/// people; audited.
pub async fn for_supplier(
    pool: &DbPool,
    actor: &Actor,
    supplier_id: Option<i64>,
    code: &str,
) -> Result<Lang, DomainError> {
    let (ws, sid) = super::supplier_workspace(actor, supplier_id)?;
    let chosen = parse(code, false)?.unwrap_or(Lang::En);
    let actor = actor.clone();
    pool.run(move |c| {
        crate::db::write_tx(c, |c| {
            Supplier::set_language(c, sid, chosen.code())?;
            audit::record(
                c,
                &actor,
                Some(ws),
                "supplier.language",
                &format!("supplier:{sid}"),
                &format!("chose {} for mail and result files", chosen.code()),
            )?;
            Ok::<(), DomainError>(())
        })
    })
    .await?;
    Ok(chosen)
}

/// The language of mail to an address of a supplier: the person's own choice when the address
/// is one of its people's sign-in and they chose one, else the supplier's.
pub fn of_recipient(c: &mut AnyConnection, sup: &Supplier, email: &str) -> Result<Lang, DomainError> {
    let person = User::find_by_email(c, email)?
        .filter(|u| u.supplier_id == Some(sup.id))
        .and_then(|u| Lang::from_code(&u.language));
    Ok(person.unwrap_or_else(|| sup.lang()))
}

/// The language of mail to one of podgate's people: a supplier's person reads their own choice,
/// else their supplier's; the seller's team reads English.
pub fn of_user(c: &mut AnyConnection, u: &User) -> Result<Lang, DomainError> {
    if let Some(l) = Lang::from_code(&u.language) {
        return Ok(l);
    }
    match u.supplier_id {
        Some(sid) => Ok(Supplier::find_in_workspace(c, u.workspace_id, sid)?.map_or(Lang::En, |s| s.lang())),
        None => Ok(Lang::En),
    }
}
