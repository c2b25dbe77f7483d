//! Storage of the supplier scorecard's day rows (one per workspace, supplier and UTC day of
//! purchase) and of the labels whose clock changed since their day was counted. Whatever
//! changes a label's figures — a clock step, its deadline, a void, an answer, a move to another
//! supplier — calls [`touch`] in the same transaction; the day is counted again before the
//! scorecard is next read (`domain::dispatch::scorecard::refresh`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::status::ClockStep;
use crate::db::schema::{package_steps, packages, scorecard_days, scorecard_dirty};

/// Seconds in a day: a row's `day` is its labels' purchase time divided by it (UTC days).
pub const DAY: i64 = 86_400;

/// One supplier's figures for the labels bought on one day.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = scorecard_days)]
pub struct DayRow {
    pub workspace_id: i64,
    pub supplier_id: i64,
    pub day: i64,
    pub labels: i64,
    pub decided: i64,
    pub late: i64,
    pub ack_histogram: String,
    pub scan_histogram: String,
    pub late_by_step: String,
    pub rejections: String,
    pub next_change: i64,
}

/// Notes that these labels' figures changed.
pub fn touch(conn: &mut AnyConnection, package_ids: &[i64]) -> QueryResult<()> {
    // One row at a time: Diesel's connection over both backends has no multi-row INSERT.
    for id in package_ids {
        diesel::insert_into(scorecard_dirty::table)
            .values(scorecard_dirty::package_id.eq(*id))
            .execute(conn)?;
    }
    Ok(())
}

/// Notes that every label of an order changed (its deadline or its carrier scan).
pub fn touch_order(conn: &mut AnyConnection, order_id: i64) -> QueryResult<()> {
    let ids: Vec<i64> = packages::table
        .filter(packages::order_id.eq(order_id))
        .select(packages::id)
        .load(conn)?;
    touch(conn, &ids)
}

/// A changed label: its note's id, and its workspace and purchase time (None: not bought, or
/// gone — nothing to count).
pub type Dirty = (i64, Option<i64>, Option<NaiveDateTime>);

/// Up to `limit` changed labels, of one workspace or of all.
pub fn dirty(conn: &mut AnyConnection, workspace: Option<i64>, limit: i64) -> QueryResult<Vec<Dirty>> {
    let mut q = scorecard_dirty::table
        .left_join(packages::table.on(packages::id.eq(scorecard_dirty::package_id)))
        .left_join(
            package_steps::table.on(package_steps::package_id
                .eq(scorecard_dirty::package_id)
                .and(package_steps::step.eq(ClockStep::Bought))),
        )
        .select((
            scorecard_dirty::id,
            packages::workspace_id.nullable(),
            package_steps::at.nullable(),
        ))
        .order(scorecard_dirty::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(ws) = workspace {
        q = q.filter(packages::workspace_id.eq(ws));
    }
    q.load(conn)
}

/// Forgets these notes (by id: a note written meanwhile stays for the next count).
pub fn clear(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<()> {
    for chunk in ids.chunks(5000) {
        diesel::delete(scorecard_dirty::table.filter(scorecard_dirty::id.eq_any(chunk))).execute(conn)?;
    }
    Ok(())
}

/// Days whose figures changed by themselves before `now` (an open label's deadline passed):
/// (workspace, day). A label due exactly at `now` is still open, so a day counted at `now` is
/// not stale at `now`.
pub fn stale(conn: &mut AnyConnection, workspace: Option<i64>, now: i64) -> QueryResult<Vec<(i64, i64)>> {
    let mut q = scorecard_days::table
        .filter(scorecard_days::next_change.gt(0))
        .filter(scorecard_days::next_change.lt(now))
        .select((scorecard_days::workspace_id, scorecard_days::day))
        .distinct()
        .into_boxed();
    if let Some(ws) = workspace {
        q = q.filter(scorecard_days::workspace_id.eq(ws));
    }
    q.load(conn)
}

/// Replaces a day's rows of a workspace (every supplier's) with freshly counted ones.
pub fn replace_day(
    conn: &mut AnyConnection,
    workspace_id: i64,
    day: i64,
    rows: &[DayRow],
) -> QueryResult<()> {
    diesel::delete(
        scorecard_days::table
            .filter(scorecard_days::workspace_id.eq(workspace_id))
            .filter(scorecard_days::day.eq(day)),
    )
    .execute(conn)?;
    for r in rows {
        diesel::insert_into(scorecard_days::table)
            .values(r)
            .execute(conn)?;
    }
    Ok(())
}

/// Notes that a workspace's rows changed (in the transaction that changed them).
pub fn bump_version(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<()> {
    use crate::db::schema::workspaces;
    diesel::update(workspaces::table.find(workspace_id))
        .set(workspaces::scorecard_version.eq(workspaces::scorecard_version + 1))
        .execute(conn)
        .map(drop)
}

/// A workspace's scorecard version.
pub fn version(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<i64> {
    use crate::db::schema::workspaces;
    workspaces::table
        .find(workspace_id)
        .select(workspaces::scorecard_version)
        .first(conn)
}

/// A workspace's rows from `first_day` on, of every supplier or of one.
pub fn days_since(
    conn: &mut AnyConnection,
    workspace_id: i64,
    supplier: Option<i64>,
    first_day: i64,
) -> QueryResult<Vec<DayRow>> {
    let mut q = scorecard_days::table
        .filter(scorecard_days::workspace_id.eq(workspace_id))
        .filter(scorecard_days::day.ge(first_day))
        .order((scorecard_days::supplier_id, scorecard_days::day))
        .into_boxed();
    if let Some(s) = supplier {
        q = q.filter(scorecard_days::supplier_id.eq(s));
    }
    q.load(conn)
}
