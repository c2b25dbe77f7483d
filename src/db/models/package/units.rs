//! Which units a package holds: units in a package whose label is being bought, bought or
//! voided stay with its supplier, and no second package is planned for them.

use diesel::prelude::*;

use super::{Package, PackageStatus};
use crate::db::AnyConnection;
use crate::db::schema::packages;

/// Statuses of a package that gave up its units: they may be routed and planned again.
pub const RELEASED: [PackageStatus; 2] = [PackageStatus::Failed, PackageStatus::Cancelled];

/// Which orders a query over units looks at.
#[derive(Debug, Clone, Copy)]
pub enum Among<'a> {
    Workspace(i64),
    Order(i64),
    /// Some orders (a page of a sync: at most a few hundred).
    Orders(&'a [i64]),
    /// A workspace's orders with an id after `after`, up to `upto` (a slice of a re-route).
    Slice {
        workspace: i64,
        after: i64,
        upto: i64,
    },
}

/// The units already in a package (not released), of each of many orders, in one read.
pub fn held_units_by_order(
    conn: &mut AnyConnection,
    order_ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, std::collections::HashSet<i64>>> {
    let rows: Vec<(i64, String)> = packages::table
        .filter(packages::order_id.eq_any(order_ids))
        .filter(packages::status.ne_all(RELEASED))
        .select((packages::order_id, packages::line_item_ids))
        .load(conn)?;
    let mut by_order: std::collections::HashMap<i64, std::collections::HashSet<i64>> = Default::default();
    for (order, ids) in &rows {
        by_order.entry(*order).or_default().extend(parse_unit_ids(ids));
    }
    Ok(by_order)
}

/// Unit ids from a package's comma-separated list.
fn parse_unit_ids(ids: &str) -> impl Iterator<Item = i64> + '_ {
    ids.split(',').filter_map(|x| x.parse().ok())
}

impl Package {
    /// The podgate ids of its units.
    pub fn unit_ids(&self) -> impl Iterator<Item = i64> + '_ {
        parse_unit_ids(&self.line_item_ids)
    }

    /// Whether its units are tied to it (a label being bought, bought, stored or voided): they
    /// keep its supplier until the package itself is moved.
    pub fn holds_units(&self) -> bool {
        !RELEASED.contains(&self.status)
    }
}

/// Units tied to a package (see [`Package::holds_units`]): routing leaves them alone and no
/// second package is planned for them.
pub fn held_unit_ids(
    conn: &mut AnyConnection,
    among: Among<'_>,
) -> QueryResult<std::collections::HashSet<i64>> {
    let q = packages::table
        .filter(packages::status.ne_all(RELEASED))
        .select(packages::line_item_ids)
        .into_boxed();
    let lists: Vec<String> = match among {
        Among::Workspace(ws) => q.filter(packages::workspace_id.eq(ws)).load(conn)?,
        Among::Order(id) => q.filter(packages::order_id.eq(id)).load(conn)?,
        Among::Orders(ids) => q.filter(packages::order_id.eq_any(ids)).load(conn)?,
        Among::Slice {
            workspace,
            after,
            upto,
        } => q
            .filter(packages::workspace_id.eq(workspace))
            .filter(packages::order_id.gt(after))
            .filter(packages::order_id.le(upto))
            .load(conn)?,
    };
    Ok(lists.iter().flat_map(|ids| parse_unit_ids(ids)).collect())
}

/// The order's label state as podgate knows it once a label is stored (`bought` when every unit
/// is in a package with a label, else `partial`), so the list and the dashboard do not offer it
/// for buying until the next sync brings TikTok's own copy (which says the same).
pub(super) fn label_state_from_packages(conn: &mut AnyConnection, package_id: i64) -> QueryResult<()> {
    use crate::db::schema::{order_items, orders};
    let order: i64 = packages::table
        .find(package_id)
        .select(packages::order_id)
        .first(conn)?;
    let lists: Vec<String> = packages::table
        .filter(packages::order_id.eq(order))
        .filter(packages::status.eq_any([PackageStatus::Bought, PackageStatus::Stored]))
        .select(packages::line_item_ids)
        .load(conn)?;
    let labelled: std::collections::HashSet<i64> = lists.iter().flat_map(|l| parse_unit_ids(l)).collect();
    let units: i64 = order_items::table
        .filter(order_items::order_id.eq(order))
        .count()
        .get_result(conn)?;
    let state = if labelled.len() as i64 >= units {
        "bought"
    } else {
        "partial"
    };
    diesel::update(orders::table.find(order))
        .set(orders::label_state.eq(state))
        .execute(conn)?;
    Ok(())
}
