//! What `/metrics` reads from the database: counts every node shares (label jobs, packages,
//! mail, leases, how far behind each shop's sync is), each one grouped query over an index.

use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::status::ShopStatus;
use crate::db::schema::{label_jobs, leases, mail_outbox, packages, shops};

/// The database's side of the metrics.
#[derive(Debug, Default, Clone)]
pub struct OpsSnapshot {
    /// Label jobs per status.
    pub label_jobs: Vec<(String, i64)>,
    /// Packages per status (their label's state).
    pub packages: Vec<(String, i64)>,
    /// Mail per status.
    pub mail: Vec<(String, i64)>,
    /// Leases held (unexpired) per holder: which node does which work.
    pub leases: Vec<(String, i64)>,
    /// Seconds since the stalest active shop's last successful sync (None: no shop has synced).
    pub sync_lag_max_secs: Option<i64>,
    /// Active shops whose last sync failed.
    pub shops_failing: i64,
    /// Active shops (syncing and buying).
    pub shops: i64,
}

/// Reads the snapshot.
pub fn snapshot(conn: &mut AnyConnection) -> QueryResult<OpsSnapshot> {
    let now = super::now();
    let label_jobs = label_jobs::table
        .group_by(label_jobs::status)
        .select((label_jobs::status, count_star()))
        .load(conn)?;
    let packages = packages::table
        .group_by(packages::status)
        .select((packages::status, count_star()))
        .load(conn)?;
    let mail = mail_outbox::table
        .group_by(mail_outbox::status)
        .select((mail_outbox::status, count_star()))
        .load(conn)?;
    let leases = leases::table
        .filter(leases::expires_at.gt(now))
        .group_by(leases::holder)
        .select((leases::holder, count_star()))
        .load(conn)?;
    let active = || shops::table.filter(shops::status.eq(ShopStatus::Active));
    let oldest: Option<chrono::NaiveDateTime> = active().select(min(shops::last_sync_ok_at)).first(conn)?;
    let shops_failing = active()
        .filter(shops::last_sync_error.is_not_null())
        .count()
        .get_result(conn)?;
    let shop_count = active().count().get_result(conn)?;
    Ok(OpsSnapshot {
        label_jobs,
        packages,
        mail,
        leases,
        sync_lag_max_secs: oldest.map(|t| (now - t).num_seconds().max(0)),
        shops_failing,
        shops: shop_count,
    })
}
