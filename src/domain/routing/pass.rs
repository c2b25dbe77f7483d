//! Routing a workspace's orders again after its catalog changed, as a background pass.
//!
//! A catalog change (a rule saved, imported or deleted) commits with a pass that starts at the
//! workspace's first order; the pass then routes [`SLICE`] orders (by id) per transaction,
//! under the workspace's routing lock, recording the last order routed. So the form answers
//! after one slice instead of after 100,000 orders, a sync or a unit moved by hand waits for
//! one slice at most, and a pass cut short by a crash or a restart goes on where it stopped.
//!
//! Why nothing goes out routed by the old rules meanwhile: a new order is routed by the rules of
//! the moment it arrives; a label purchase routes the orders it plans first
//! ([`router_while_pending`]); another change while a pass runs starts it over, since every
//! order must follow the newest rules.

use diesel::QueryResult;
use tokio_util::sync::CancellationToken;

use crate::db::models::order_tally::{self, TallyFilter};
use crate::db::models::package::Among;
use crate::db::models::routing_pass::{self, RoutingPass};
use crate::db::{AnyConnection, DbPool};
use crate::domain::{DomainError, leases};

use super::{Router, lock_workspace_routing, route_orders};

/// Orders routed per transaction: about 0.1 s of work on PostgreSQL, what a sync may wait.
pub const SLICE: i64 = 2_000;

/// Slices routed before a catalog change answers: a workspace of up to this many slices is
/// routed when its page shows again; a bigger one goes on in the background.
pub const SLICES_BEFORE_ANSWER: usize = 1;

/// Starts the workspace's pass over; in the catalog change's transaction, so the change and
/// "route every order again" commit together.
pub fn begin(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<()> {
    lock_workspace_routing(conn, workspace_id)?;
    let total = order_tally::count(conn, workspace_id, &TallyFilter::default())?;
    routing_pass::start(conn, workspace_id, total)
}

/// Routes the pass's next slice in one transaction. Returns where the pass stands after it, or
/// None when every order is routed (or none waited).
pub fn step(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Option<RoutingPass>> {
    crate::db::write_tx(conn, |conn| {
        lock_workspace_routing(conn, workspace_id)?;
        let Some(pass) = routing_pass::find(conn, workspace_id)? else {
            return Ok(None);
        };
        let end = routing_pass::slice_end(conn, workspace_id, pass.after_order_id, SLICE)?;
        let router = Router::load(conn, workspace_id)?;
        let slice = Among::Slice {
            workspace: workspace_id,
            after: pass.after_order_id,
            upto: end.unwrap_or(i64::MAX),
        };
        let routed = route_orders(conn, &router, slice)? as i64;
        match end {
            Some(upto) => {
                routing_pass::advance(conn, workspace_id, upto, routed)?;
                routing_pass::find(conn, workspace_id)
            }
            None => routing_pass::finish(conn, workspace_id).map(|_| None),
        }
    })
}

/// Where the workspace's pass stands (None: every order follows the current rules).
pub async fn progress(pool: &DbPool, workspace_id: i64) -> Result<Option<RoutingPass>, DomainError> {
    Ok(pool.query(move |c| routing_pass::find(c, workspace_id)).await?)
}

/// After a catalog change: routes up to [`SLICES_BEFORE_ANSWER`] slices now and the rest in
/// the background. True when every order is routed already.
pub async fn after_change(pool: &DbPool, workspace_id: i64) -> Result<bool, DomainError> {
    for _ in 0..SLICES_BEFORE_ANSWER {
        if pool.query(move |c| step(c, workspace_id)).await?.is_none() {
            return Ok(true);
        }
    }
    spawn(pool.clone(), workspace_id);
    Ok(false)
}

/// Routes the workspace's pass to its end in the background, unless another task or process
/// already does (it holds the lease; a crashed holder's pass is taken over by [`watch`]).
pub fn spawn(pool: DbPool, workspace_id: i64) {
    tokio::spawn(async move {
        if let Err(e) = run(&pool, workspace_id).await {
            tracing::warn!(workspace = workspace_id, error = %e, "routing pass stopped; it resumes on the next watch");
        }
    });
}

/// Routes slices until the pass ends, under the lease `routing:<workspace>`. A change that
/// started a new pass while the lease was being given back is picked up before returning.
pub async fn run(pool: &DbPool, workspace_id: i64) -> Result<(), DomainError> {
    loop {
        let Some(held) = leases::take(pool, format!("routing:{workspace_id}")).await? else {
            return Ok(());
        };
        let routed = async {
            while pool.query(move |c| step(c, workspace_id)).await?.is_some() {}
            Ok::<_, DomainError>(())
        }
        .await;
        held.release().await;
        routed?;
        if progress(pool, workspace_id).await?.is_none() {
            return Ok(());
        }
    }
}

/// Picks up passes nobody runs (after a restart, or a process that died mid-pass) every
/// `every` until shutdown.
pub async fn watch(pool: DbPool, every: std::time::Duration, shutdown: CancellationToken) {
    loop {
        match pool.query(routing_pass::pending).await {
            Ok(ws) => ws.into_iter().for_each(|w| spawn(pool.clone(), w)),
            Err(e) => tracing::warn!(error = %e, "could not list routing passes"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}

/// The rules a label purchase routes its orders by before planning them, when a catalog
/// change's pass is still on its way (None when every order follows the rules already). Called
/// in the purchase's transaction, it takes the workspace's routing lock: a package is never
/// planned for the supplier of a rule that no longer applies.
pub fn router_while_pending(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Option<Router>> {
    if routing_pass::find(conn, workspace_id)?.is_none() {
        return Ok(None);
    }
    lock_workspace_routing(conn, workspace_id)?;
    Router::load(conn, workspace_id).map(Some)
}
