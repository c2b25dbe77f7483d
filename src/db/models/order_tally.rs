//! How many orders a workspace has per shop, status and label state, read from the
//! tallies the database keeps itself (triggers on `orders`, migration `order_counts`) instead
//! of counting up to 100,000 orders on every page of the orders list.
//!
//! Every change to an order appends signed rows (+1 for what the order is now, -1 for what it
//! was), so a reader sums the rows of its workspace; a read that finds many rows folds them
//! into one per key. Folding deletes the rows it sums in the same statement (`DELETE …
//! RETURNING`), so a row appended meanwhile by another transaction is either folded or left,
//! never counted twice or lost.

use std::collections::BTreeMap;

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::order_tallies as t;

/// A read that sums more rows than this folds the workspace's rows first.
const FOLD_AFTER: usize = 256;

/// The filters a tally answers; any other filter of the list needs the orders themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TallyFilter {
    pub shop_id: Option<i64>,
    pub status: Option<String>,
    pub label_state: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = t)]
struct NewTally {
    workspace_id: i64,
    shop_id: i64,
    status: String,
    label_state: String,
    n: i64,
}

/// How many of the workspace's orders the filter matches, exactly as the orders table would
/// count them in this snapshot.
pub fn count(conn: &mut AnyConnection, workspace_id: i64, f: &TallyFilter) -> QueryResult<i64> {
    let rows = read(conn, workspace_id, f)?;
    if rows.len() <= FOLD_AFTER {
        return Ok(rows.iter().sum());
    }
    fold(conn, workspace_id)?;
    Ok(read(conn, workspace_id, f)?.iter().sum())
}

fn read(conn: &mut AnyConnection, workspace_id: i64, f: &TallyFilter) -> QueryResult<Vec<i64>> {
    let mut q = t::table.filter(t::workspace_id.eq(workspace_id)).into_boxed();
    if let Some(s) = f.shop_id {
        q = q.filter(t::shop_id.eq(s));
    }
    if let Some(s) = &f.status {
        q = q.filter(t::status.eq(s.clone()));
    }
    if let Some(s) = &f.label_state {
        q = q.filter(t::label_state.eq(s.clone()));
    }
    q.select(t::n).load(conn)
}

/// Folds the workspace's rows into one per key (keys that sum to zero go).
pub fn fold(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<()> {
    crate::db::write_tx(conn, |conn| {
        let taken: Vec<(i64, String, String, i64)> = crate::db::on_backend!(conn, |c| {
            diesel::delete(t::table.filter(t::workspace_id.eq(workspace_id)))
                .returning((t::shop_id, t::status, t::label_state, t::n))
                .get_results(c)
        })?;
        let mut sums: BTreeMap<(i64, String, String), i64> = BTreeMap::new();
        for (shop_id, status, label_state, n) in taken {
            *sums.entry((shop_id, status, label_state)).or_default() += n;
        }
        let rows: Vec<NewTally> = sums
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((shop_id, status, label_state), n)| NewTally {
                workspace_id,
                shop_id,
                status,
                label_state,
                n,
            })
            .collect();
        for chunk in rows.chunks(200) {
            crate::db::on_backend!(conn, |c| diesel::insert_into(t::table).values(chunk).execute(c))?;
        }
        Ok(())
    })
}
