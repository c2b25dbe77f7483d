//! A workspace's orders being routed again after its catalog changed: one row while orders
//! wait, holding the last order id already routed with the current rules. The rows are only
//! read and written under the workspace's routing lock (see `domain::routing::pass`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{orders, routing_passes as rp};

/// Where a workspace's re-route stands.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = rp)]
pub struct RoutingPass {
    pub workspace_id: i64,
    /// Orders with an id up to this one are routed with the current rules.
    pub after_order_id: i64,
    pub routed: i64,
    /// The workspace's orders when the pass began (orders arriving meanwhile are routed as
    /// they arrive, by the rules of that moment).
    pub total: i64,
    pub started_at: NaiveDateTime,
}

/// Starts the workspace's pass over (from its first order) for `total` orders.
pub fn start(conn: &mut AnyConnection, workspace_id: i64, total: i64) -> QueryResult<()> {
    diesel::delete(rp::table.find(workspace_id)).execute(conn)?;
    diesel::insert_into(rp::table)
        .values((
            rp::workspace_id.eq(workspace_id),
            rp::after_order_id.eq(0),
            rp::routed.eq(0),
            rp::total.eq(total),
            rp::started_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The workspace's pass, if orders wait for routing.
pub fn find(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Option<RoutingPass>> {
    rp::table
        .find(workspace_id)
        .select(RoutingPass::as_select())
        .first(conn)
        .optional()
}

/// Workspaces whose orders wait for routing.
pub fn pending(conn: &mut AnyConnection) -> QueryResult<Vec<i64>> {
    rp::table.select(rp::workspace_id).load(conn)
}

/// `orders.workspace_id = ?` written so that SQLite walks a slice by order id (the primary key)
/// rather than every order of the workspace through an index that starts with the workspace
/// (the unary `+` keeps SQLite's planner off those indexes; PostgreSQL plans with statistics).
pub fn order_of_workspace(workspace_id: i64) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    // An i64 printed into the statement: nothing a user typed.
    diesel::dsl::sql(&format!("+orders.workspace_id = {workspace_id}"))
}

/// The id of the `n`-th order of the workspace after `after` (by id): the end of the next
/// slice. None when fewer than `n` orders are left (the slice is the last).
pub fn slice_end(
    conn: &mut AnyConnection,
    workspace_id: i64,
    after: i64,
    n: i64,
) -> QueryResult<Option<i64>> {
    orders::table
        .filter(order_of_workspace(workspace_id))
        .filter(orders::id.gt(after))
        .order(orders::id)
        .offset(n - 1)
        .limit(1)
        .select(orders::id)
        .first(conn)
        .optional()
}

/// Records a routed slice ending at order `upto`.
pub fn advance(conn: &mut AnyConnection, workspace_id: i64, upto: i64, routed: i64) -> QueryResult<()> {
    diesel::update(rp::table.find(workspace_id))
        .set((rp::after_order_id.eq(upto), rp::routed.eq(rp::routed + routed)))
        .execute(conn)?;
    Ok(())
}

/// Ends the workspace's pass: every order is routed with the current rules.
pub fn finish(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<()> {
    diesel::delete(rp::table.find(workspace_id)).execute(conn)?;
    Ok(())
}
