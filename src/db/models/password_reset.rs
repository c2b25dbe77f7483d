//! One-time password reset links: only the token's hash is stored; a link works once, for a
//! short time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::password_resets;

/// Records a reset token for a user.
pub fn create(
    conn: &mut AnyConnection,
    user_id: i64,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::user_id.eq(user_id),
            password_resets::token_hash.eq(token_hash),
            password_resets::created_at.eq(super::now()),
            password_resets::expires_at.eq(expires_at),
        ))
        .execute(conn)
}

/// Resets asked for a user since a time (to cap how many links are mailed).
pub fn count_since(conn: &mut AnyConnection, user_id: i64, since: NaiveDateTime) -> QueryResult<i64> {
    password_resets::table
        .filter(password_resets::user_id.eq(user_id))
        .filter(password_resets::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// Uses a live token: marks it used and returns its user (None when unknown, used or expired).
pub fn consume(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<Option<i64>> {
    let now = super::now();
    let row: Option<(i64, i64)> = password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select((password_resets::id, password_resets::user_id))
        .first(conn)
        .optional()?;
    let Some((id, user)) = row else { return Ok(None) };
    let n = diesel::update(
        password_resets::table
            .find(id)
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok((n == 1).then_some(user))
}

/// Voids every open reset link of a user (after one was used): an older link lying in a
/// mailbox must not work any more.
pub fn void_open(conn: &mut AnyConnection, user_id: i64) -> QueryResult<usize> {
    diesel::update(
        password_resets::table
            .filter(password_resets::user_id.eq(user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(Some(super::now())))
    .execute(conn)
}

/// Whether a token is live (for showing the form).
pub fn is_live(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        password_resets::table
            .filter(password_resets::token_hash.eq(token_hash))
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(super::now())),
    ))
    .get_result(conn)
}
