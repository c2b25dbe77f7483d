//! Sign-in attempts, kept in the database so throttling holds across restarts and processes
//! and covers every channel (web now, SFTP later).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::login_attempts;

/// Records one attempt; returns its id.
pub fn record(
    conn: &mut AnyConnection,
    account: &str,
    ip: &str,
    channel: &str,
    succeeded: bool,
) -> QueryResult<i64> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::account.eq(account),
            login_attempts::ip.eq(ip),
            login_attempts::channel.eq(channel),
            login_attempts::succeeded.eq(succeeded),
            login_attempts::attempted_at.eq(super::now()),
        ))
        .returning(login_attempts::id)
        .get_result(conn)
}

/// Turns a reserved attempt into a success.
pub fn mark_succeeded(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::succeeded.eq(true))
        .execute(conn)
}

/// Whose failed sign-ins to count.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// One account (a normalized email or login name).
    Account(&'a str),
    /// One client address.
    Ip(&'a str),
    /// One account from one address.
    AccountAt(&'a str, &'a str),
}

/// Failures of an account or address since `since`, and the time of the oldest of them.
pub fn failures(
    conn: &mut AnyConnection,
    who: Subject<'_>,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let mut q = login_attempts::table
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::attempted_at.gt(since))
        .into_boxed();
    q = match who {
        Subject::Account(a) => q.filter(login_attempts::account.eq(a.to_string())),
        Subject::Ip(ip) => q.filter(login_attempts::ip.eq(ip.to_string())),
        Subject::AccountAt(a, ip) => q
            .filter(login_attempts::account.eq(a.to_string()))
            .filter(login_attempts::ip.eq(ip.to_string())),
    };
    q.select((
        diesel::dsl::count_star(),
        diesel::dsl::min(login_attempts::attempted_at),
    ))
    .first(conn)
}

/// Forgets an account's failures from one address after a successful sign-in from it.
pub fn clear_account_at(conn: &mut AnyConnection, account: &str, ip: &str) -> QueryResult<usize> {
    diesel::delete(
        login_attempts::table
            .filter(login_attempts::account.eq(account))
            .filter(login_attempts::ip.eq(ip))
            .filter(login_attempts::succeeded.eq(false)),
    )
    .execute(conn)
}

/// Drops attempts older than `before` (background housekeeping).
pub fn delete_older_than(conn: &mut AnyConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::attempted_at.lt(before))).execute(conn)
}
