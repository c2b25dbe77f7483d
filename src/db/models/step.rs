//! A package's steps on the dispatch clock, the first of each kind: when, through which channel
//! and by whom. Recording a step twice keeps the first (a unique index; a step never fails the
//! action that reports it).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::package_steps;

pub use super::status::ClockStep;

/// One step of one package.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = package_steps)]
pub struct PackageStep {
    pub id: i64,
    pub package_id: i64,
    pub step: ClockStep,
    pub at: NaiveDateTime,
    pub channel: String,
    pub actor: String,
}

/// Records a step unless the package already has it; whether it was new.
pub fn record(
    conn: &mut AnyConnection,
    package_id: i64,
    step: ClockStep,
    at: NaiveDateTime,
    channel: &str,
    actor: &str,
) -> QueryResult<bool> {
    // `ON CONFLICT DO NOTHING` is written per backend: Diesel's MultiConnection has no
    // portable form of it, and a check-then-insert would race between two nodes.
    let row = (
        package_steps::package_id.eq(package_id),
        package_steps::step.eq(step),
        package_steps::at.eq(at),
        package_steps::channel.eq(channel),
        package_steps::actor.eq(actor),
    );
    let target = (package_steps::package_id, package_steps::step);
    let n = match conn {
        AnyConnection::Postgresql(c) => diesel::insert_into(package_steps::table)
            .values(row)
            .on_conflict(target)
            .do_nothing()
            .execute(c)?,
        AnyConnection::Sqlite(c) => diesel::insert_into(package_steps::table)
            .values(row)
            .on_conflict(target)
            .do_nothing()
            .execute(c)?,
    };
    if n == 1 {
        super::scorecard::touch(conn, &[package_id])?;
    }
    Ok(n == 1)
}

/// Every step of these packages, in time order; steps within the same second (TikTok reports
/// whole seconds) in the clock's own order.
pub fn of_packages(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<PackageStep>> {
    let mut steps: Vec<PackageStep> = package_steps::table
        .filter(package_steps::package_id.eq_any(ids))
        .select(PackageStep::as_select())
        .load(conn)?;
    let rank = |s: &ClockStep| ClockStep::ALL.iter().position(|x| x == s).unwrap_or(0);
    steps.sort_by_key(|s| (s.at.and_utc().timestamp(), rank(&s.step), s.id));
    Ok(steps)
}
