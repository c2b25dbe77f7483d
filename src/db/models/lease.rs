//! Named leases: background work that only one process may do at a time (a shop's sync, a
//! batch's sealing) is taken with a guarded write, the database's equivalent of
//! `FOR UPDATE SKIP LOCKED` that SQLite also understands. A holder that dies stops renewing,
//! and its lease runs out.

use chrono::Duration;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::db::AnyConnection;
use crate::db::schema::leases;

/// Takes `name` for `holder` for `ttl`; true when taken (free, expired, or already ours).
pub fn try_take(conn: &mut AnyConnection, name: &str, holder: &str, ttl: Duration) -> QueryResult<bool> {
    let now = super::now();
    let n = diesel::update(
        leases::table
            .filter(leases::name.eq(name))
            .filter(leases::expires_at.lt(now).or(leases::holder.eq(holder))),
    )
    .set((leases::holder.eq(holder), leases::expires_at.eq(now + ttl)))
    .execute(conn)?;
    if n == 1 {
        return Ok(true);
    }
    // A savepoint, so a losing insert does not abort the caller's PostgreSQL transaction.
    let inserted = crate::db::write_tx(conn, |c| {
        diesel::insert_into(leases::table)
            .values((
                leases::name.eq(name),
                leases::holder.eq(holder),
                leases::expires_at.eq(now + ttl),
            ))
            .execute(c)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Takes a lease from a holder known to be dead; false when someone else was faster.
pub fn take_over(
    conn: &mut AnyConnection,
    name: &str,
    dead: &str,
    holder: &str,
    ttl: Duration,
) -> QueryResult<bool> {
    let n = diesel::update(
        leases::table
            .filter(leases::name.eq(name))
            .filter(leases::holder.eq(dead)),
    )
    .set((
        leases::holder.eq(holder),
        leases::expires_at.eq(super::now() + ttl),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Extends a lease this holder still has; false when it was lost (it ran out and was taken).
pub fn renew(conn: &mut AnyConnection, name: &str, holder: &str, ttl: Duration) -> QueryResult<bool> {
    let n = diesel::update(
        leases::table
            .filter(leases::name.eq(name))
            .filter(leases::holder.eq(holder)),
    )
    .set(leases::expires_at.eq(super::now() + ttl))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives a lease back, so the next taker need not wait for it to run out.
pub fn release(conn: &mut AnyConnection, name: &str, holder: &str) -> QueryResult<()> {
    diesel::delete(
        leases::table
            .filter(leases::name.eq(name))
            .filter(leases::holder.eq(holder)),
    )
    .execute(conn)?;
    Ok(())
}

/// Gives back every lease `holder` has (a process stopping); how many.
pub fn release_all(conn: &mut AnyConnection, holder: &str) -> QueryResult<usize> {
    diesel::delete(leases::table.filter(leases::holder.eq(holder))).execute(conn)
}

/// Who holds a lease now, if anyone does.
pub fn holder(conn: &mut AnyConnection, name: &str) -> QueryResult<Option<String>> {
    leases::table
        .filter(leases::name.eq(name))
        .filter(leases::expires_at.ge(super::now()))
        .select(leases::holder)
        .first(conn)
        .optional()
}
