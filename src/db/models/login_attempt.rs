//! Sign-in attempts, kept in the database so throttling holds across restarts and processes
//! and covers every channel (web now, SFTP later).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::login_attempts;

/// Records one attempt.
pub fn record(
    conn: &mut AnyConnection,
    account: &str,
    ip: &str,
    channel: &str,
    succeeded: bool,
) -> QueryResult<usize> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::account.eq(account),
            login_attempts::ip.eq(ip),
            login_attempts::channel.eq(channel),
            login_attempts::succeeded.eq(succeeded),
            login_attempts::attempted_at.eq(super::now()),
        ))
        .execute(conn)
}

/// Failures for an account since `since`, and the time of the oldest of them.
pub fn failures_for_account(
    conn: &mut AnyConnection,
    account: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let q = login_attempts::table
        .filter(login_attempts::account.eq(account))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since));
    let n = q.count().get_result(conn)?;
    let oldest = q
        .select(diesel::dsl::min(login_attempts::attempted_at))
        .first(conn)?;
    Ok((n, oldest))
}

/// Failures from an address since `since`, and the time of the oldest of them.
pub fn failures_for_ip(
    conn: &mut AnyConnection,
    ip: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let q = login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since));
    let n = q.count().get_result(conn)?;
    let oldest = q
        .select(diesel::dsl::min(login_attempts::attempted_at))
        .first(conn)?;
    Ok((n, oldest))
}

/// Forgets an account's failures after a successful sign-in.
pub fn clear_account(conn: &mut AnyConnection, account: &str) -> QueryResult<usize> {
    diesel::delete(
        login_attempts::table
            .filter(login_attempts::account.eq(account))
            .filter(login_attempts::succeeded.eq(false)),
    )
    .execute(conn)
}

/// Drops attempts older than `before` (background housekeeping).
pub fn delete_older_than(conn: &mut AnyConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::attempted_at.lt(before))).execute(conn)
}
