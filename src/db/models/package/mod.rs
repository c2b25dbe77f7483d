//! Packages to buy labels for: the intent is recorded before any call to TikTok, and every
//! state change is a guarded UPDATE, so two workers (or two processes) never buy the same label.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::AnyConnection;
pub use crate::db::models::status::{JobStatus, PackageStatus};
use crate::db::schema::packages;

mod jobs;
mod problems;
mod units;
pub use jobs::*;
pub use problems::*;
pub use units::*;

/// A package and its label's state.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = packages)]
pub struct Package {
    pub id: i64,
    pub workspace_id: i64,
    pub job_id: Option<i64>,
    pub order_id: i64,
    pub supplier_id: i64,
    /// Order id and sorted unit ids: one package per set of units, ever.
    pub intent_key: String,
    /// The podgate ids of the units, comma-separated.
    pub line_item_ids: String,
    pub weight_grams: i64,
    /// `LxWxH` in inches.
    pub dimensions: String,
    pub service_id: Option<String>,
    pub status: PackageStatus,
    pub attempts: i64,
    pub claimed_until: Option<NaiveDateTime>,
    pub tiktok_package_id: Option<String>,
    pub tracking_number: Option<String>,
    pub carrier: Option<String>,
    pub service_name: Option<String>,
    pub price: Option<String>,
    pub currency: Option<String>,
    pub label_sha256: Option<String>,
    pub error_code: Option<i64>,
    pub error_message: Option<String>,
    pub reprints: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Why this label must not go to a supplier (e.g. its order was cancelled afterwards).
    pub held_reason: Option<String>,
    pub voided_at: Option<NaiveDateTime>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
    /// The podgate process that last worked on this package (for two processes on one database).
    pub worker: Option<String>,
    /// API calls retried while buying (rate limits, server errors, timeouts).
    pub api_retries: i64,
    /// Why the last retry happened.
    pub last_retry: Option<String>,
}

/// A package to record.
pub struct NewPackage {
    pub workspace_id: i64,
    pub job_id: i64,
    pub order_id: i64,
    pub supplier_id: i64,
    pub item_ids: Vec<i64>,
    pub weight_grams: i64,
    pub dimensions: String,
}

/// The intent key of a set of units of an order.
pub fn intent_key(order_id: i64, item_ids: &[i64]) -> String {
    let mut ids = item_ids.to_vec();
    ids.sort_unstable();
    format!(
        "{order_id}:{}",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    )
}

/// Records the intent to buy one package; None when these units already have one.
pub fn record_intent(conn: &mut AnyConnection, p: &NewPackage) -> QueryResult<Option<i64>> {
    let key = intent_key(p.order_id, &p.item_ids);
    let now = super::now();
    // A savepoint, so a duplicate leaves the caller's transaction usable (PostgreSQL).
    let r = crate::db::write_tx(conn, |conn| {
        diesel::insert_into(packages::table)
            .values((
                packages::workspace_id.eq(p.workspace_id),
                packages::job_id.eq(Some(p.job_id)),
                packages::order_id.eq(p.order_id),
                packages::supplier_id.eq(p.supplier_id),
                packages::intent_key.eq(&key),
                packages::line_item_ids.eq(p
                    .item_ids
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")),
                packages::weight_grams.eq(p.weight_grams),
                packages::dimensions.eq(&p.dimensions),
                packages::status.eq(PackageStatus::Planned),
                packages::created_at.eq(now),
                packages::updated_at.eq(now),
            ))
            .returning(packages::id)
            .get_result(conn)
    });
    match r {
        Ok(id) => Ok(Some(id)),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            revive(conn, &key, p)
        }
        Err(e) => Err(e),
    }
}

/// Plans again a package that failed or was cancelled, in a new job: the same row, so these
/// units still have one package ever. Its attempt count is kept above zero, so the next attempt
/// looks on TikTok before buying (an earlier attempt may have reached it). A package TikTok
/// already sold goes straight to fetching its document.
fn revive(conn: &mut AnyConnection, key: &str, p: &NewPackage) -> QueryResult<Option<i64>> {
    let now = super::now();
    let mine = packages::table
        .filter(packages::intent_key.eq(key))
        .filter(packages::status.eq_any(RELEASED));
    let n = diesel::update(mine)
        .set((
            packages::job_id.eq(Some(p.job_id)),
            packages::supplier_id.eq(p.supplier_id),
            packages::weight_grams.eq(p.weight_grams),
            packages::dimensions.eq(&p.dimensions),
            packages::attempts.eq(1),
            packages::claimed_until.eq(None::<NaiveDateTime>),
            packages::updated_at.eq(now),
        ))
        .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    let (id, bought): (i64, Option<String>) = packages::table
        .filter(packages::intent_key.eq(key))
        .select((packages::id, packages::tiktok_package_id))
        .first(conn)?;
    let status = if bought.is_some() {
        PackageStatus::Bought
    } else {
        PackageStatus::Planned
    };
    diesel::update(packages::table.find(id))
        .set(packages::status.eq(status))
        .execute(conn)?;
    Ok(Some(id))
}

/// Takes a package for buying: only one caller wins, and a lease that ran out (a crash) can be
/// taken again. Returns the package when this caller won.
pub fn claim(
    conn: &mut AnyConnection,
    id: i64,
    lease: Duration,
    worker: &str,
) -> QueryResult<Option<Package>> {
    // One transaction, so a cancel never lands between taking the package and marking it.
    crate::db::write_tx(conn, |conn| claim_in_tx(conn, id, lease, worker))
}

fn claim_in_tx(
    conn: &mut AnyConnection,
    id: i64,
    lease: Duration,
    worker: &str,
) -> QueryResult<Option<Package>> {
    let now = super::now();
    let n = diesel::update(
        packages::table.filter(packages::id.eq(id)).filter(
            packages::status
                .eq(PackageStatus::Planned)
                .and(
                    packages::claimed_until
                        .is_null()
                        .or(packages::claimed_until.le(now)),
                )
                .or(packages::status
                    .eq(PackageStatus::Buying)
                    .and(packages::claimed_until.lt(now)))
                .or(packages::status
                    .eq(PackageStatus::Bought)
                    .and(packages::claimed_until.lt(now))),
        ),
    )
    .set((
        packages::attempts.eq(packages::attempts + 1),
        packages::claimed_until.eq(Some(now + lease)),
        packages::worker.eq(Some(worker)),
        packages::updated_at.eq(now),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    // A package already bought only needs its document; otherwise it is being bought now.
    diesel::update(
        packages::table
            .find(id)
            .filter(packages::status.eq(PackageStatus::Planned)),
    )
    .set(packages::status.eq(PackageStatus::Buying))
    .execute(conn)?;
    packages::table
        .find(id)
        .select(Package::as_select())
        .first(conn)
        .map(Some)
}

/// Adds the API retries one attempt at a package needed, and why the last one happened.
pub fn add_retries(conn: &mut AnyConnection, id: i64, n: i64, last: Option<&str>) -> QueryResult<usize> {
    diesel::update(packages::table.find(id))
        .set((
            packages::api_retries.eq(packages::api_retries + n),
            packages::last_retry.eq(last),
        ))
        .execute(conn)
}

/// Extends a worker's hold on a package while it works (a heartbeat).
pub fn renew(conn: &mut AnyConnection, id: i64, lease: Duration) -> QueryResult<usize> {
    diesel::update(
        packages::table
            .find(id)
            .filter(packages::status.eq_any([PackageStatus::Buying, PackageStatus::Bought])),
    )
    .set(packages::claimed_until.eq(Some(super::now() + lease)))
    .execute(conn)
}

/// Ends the holds of workers known to be dead (`gone`), so their packages are taken over now
/// rather than when the leases run out. Returns how many were freed.
pub fn release_gone(
    conn: &mut AnyConnection,
    job_id: i64,
    gone: &dyn Fn(&str) -> bool,
) -> QueryResult<usize> {
    let now = super::now();
    let held: Vec<(i64, Option<String>)> = packages::table
        .filter(packages::job_id.eq(job_id))
        .filter(packages::status.eq_any([PackageStatus::Buying, PackageStatus::Bought]))
        .filter(packages::claimed_until.ge(now))
        .select((packages::id, packages::worker))
        .load(conn)?;
    let mut freed = 0;
    for (id, worker) in held {
        let Some(w) = worker.filter(|w| gone(w)) else {
            continue;
        };
        freed += diesel::update(packages::table.find(id).filter(packages::worker.eq(w)))
            .set(packages::claimed_until.eq(Some(now - Duration::seconds(1))))
            .execute(conn)?;
    }
    Ok(freed)
}

/// Whether a package of a job may be taken now: planned and not claimed (or its claim ran
/// out), or left mid-purchase by a worker whose claim ran out. (A macro: the same filter is
/// used on its own and inside a subquery, where a boxed expression does not fit.)
macro_rules! claimable_now {
    ($job_id:expr, $now:expr) => {
        packages::job_id.eq($job_id).and(
            packages::status
                .eq(PackageStatus::Planned)
                .and(
                    packages::claimed_until
                        .is_null()
                        .or(packages::claimed_until.le($now)),
                )
                .or(packages::status
                    .eq_any([PackageStatus::Buying, PackageStatus::Bought])
                    .and(packages::claimed_until.lt($now))),
        )
    };
}

/// Packages of a job that a worker may take now, at most `limit`, taken in turn from each
/// shop: each shop has its own request budget at TikTok, so a job over three shops buys at
/// three times one shop's rate only if its packages in flight are spread over the three.
pub fn claimable(conn: &mut AnyConnection, job_id: i64, limit: i64) -> QueryResult<Vec<i64>> {
    use crate::db::schema::orders;
    let now = super::now();
    let shops: Vec<i64> = orders::table
        .filter(
            orders::id.eq_any(
                packages::table
                    .filter(claimable_now!(job_id, now))
                    .select(packages::order_id),
            ),
        )
        .select(orders::shop_id)
        .distinct()
        .load(conn)?;
    let per_shop = (limit / shops.len().max(1) as i64).max(1);
    let mut lanes: Vec<std::vec::IntoIter<i64>> = Vec::with_capacity(shops.len());
    for shop in shops {
        let ids: Vec<i64> = packages::table
            .filter(claimable_now!(job_id, now))
            .filter(
                packages::order_id.eq_any(orders::table.filter(orders::shop_id.eq(shop)).select(orders::id)),
            )
            .order(packages::id)
            .limit(per_shop)
            .select(packages::id)
            .load(conn)?;
        lanes.push(ids.into_iter());
    }
    let mut out = Vec::new();
    while !lanes.is_empty() {
        lanes.retain_mut(|lane| match lane.next() {
            Some(id) => {
                out.push(id);
                true
            }
            None => false,
        });
    }
    Ok(out)
}

/// Attempts before a package stops being retried by itself (a person can retry it later).
pub const MAX_ATTEMPTS: i64 = 8;

/// What TikTok sold.
pub struct Bought<'a> {
    pub tiktok_package_id: &'a str,
    pub tracking_number: Option<&'a str>,
    pub carrier: &'a str,
    pub service_id: &'a str,
    pub service_name: &'a str,
    pub price: &'a str,
    pub currency: &'a str,
}

/// Records the label bought (in the same transaction as the caller's timeline entry).
pub fn mark_bought(conn: &mut AnyConnection, id: i64, b: &Bought<'_>) -> QueryResult<usize> {
    // The first step of the package's dispatch clock.
    super::step::record(
        conn,
        id,
        super::step::ClockStep::Bought,
        super::now(),
        "system",
        "podgate",
    )?;
    diesel::update(packages::table.find(id))
        .set((
            packages::status.eq(PackageStatus::Bought),
            packages::tiktok_package_id.eq(Some(b.tiktok_package_id)),
            packages::tracking_number.eq(b.tracking_number),
            packages::carrier.eq(Some(b.carrier)),
            packages::service_id.eq(Some(b.service_id)),
            packages::service_name.eq(Some(b.service_name)),
            packages::price.eq(Some(b.price)),
            packages::currency.eq(Some(b.currency)),
            packages::error_code.eq(None::<i64>),
            packages::error_message.eq(None::<String>),
            packages::updated_at.eq(super::now()),
        ))
        .execute(conn)
}

/// Records the stored label document; the label is ready for handoff from now on.
pub fn mark_stored(conn: &mut AnyConnection, id: i64, sha256: &str, tracking: &str) -> QueryResult<usize> {
    let n = diesel::update(packages::table.find(id))
        .set((
            packages::status.eq(PackageStatus::Stored),
            packages::label_sha256.eq(Some(sha256)),
            packages::tracking_number.eq(Some(tracking)),
            packages::claimed_until.eq(None::<NaiveDateTime>),
            packages::updated_at.eq(super::now()),
        ))
        .execute(conn)?;
    mark_handoff_ready(conn, id)?;
    label_state_from_packages(conn, id)?;
    Ok(n)
}

/// Records that a package's label is ready for handoff to its supplier now (stored, or moved to
/// another supplier): the next cut-off after this moment seals it. Run inside the caller's
/// transaction.
pub fn mark_handoff_ready(conn: &mut AnyConnection, id: i64) -> QueryResult<()> {
    use crate::db::schema::handoff_ready;
    diesel::delete(handoff_ready::table.find(id)).execute(conn)?;
    diesel::insert_into(handoff_ready::table)
        .values((
            handoff_ready::package_id.eq(id),
            handoff_ready::ready_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failure with TikTok's code and message (status back to `planned` when a retry may
/// work, `failed` otherwise; a package already bought keeps `bought`).
pub fn mark_failed(
    conn: &mut AnyConnection,
    id: i64,
    code: i64,
    message: &str,
    retry: bool,
) -> QueryResult<usize> {
    let now = super::now();
    let (current, attempts): (PackageStatus, i64) = packages::table
        .find(id)
        .select((packages::status, packages::attempts))
        .first(conn)?;
    // A bought package whose label cannot be fetched for a reason retrying will not change
    // (the carrier already picked it up…) stops at once; it keeps its TikTok package id, so a
    // person's retry adopts it again instead of buying.
    let status = match (current, retry) {
        (PackageStatus::Bought, true) if attempts < MAX_ATTEMPTS => PackageStatus::Bought,
        (_, true) if attempts < MAX_ATTEMPTS => PackageStatus::Planned,
        _ => PackageStatus::Failed,
    };
    diesel::update(packages::table.find(id))
        .set((
            packages::status.eq(status),
            packages::error_code.eq(Some(code)),
            packages::error_message.eq(Some(message)),
            // Retries back off: 0.5 s, 1 s, 2 s … up to a minute.
            packages::claimed_until.eq(Some(
                now + Duration::milliseconds((250i64 << attempts.clamp(1, 8)).min(60_000)),
            )),
            packages::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Every package of an order.
pub fn of_order(conn: &mut AnyConnection, order_id: i64) -> QueryResult<Vec<Package>> {
    packages::table
        .filter(packages::order_id.eq(order_id))
        .order(packages::id)
        .select(Package::as_select())
        .load(conn)
}

/// Finds a package.
pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Package> {
    packages::table.find(id).select(Package::as_select()).first(conn)
}

/// Which order and units each of these packages holds: `(package, order, line_item_ids)`.
pub fn units_of(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64, String)>> {
    packages::table
        .filter(packages::id.eq_any(ids))
        .select((packages::id, packages::order_id, packages::line_item_ids))
        .load(conn)
}

/// A package of this workspace (None for another's, or none).
pub fn find_in_workspace(
    conn: &mut AnyConnection,
    workspace_id: i64,
    id: i64,
) -> QueryResult<Option<Package>> {
    packages::table
        .find(id)
        .filter(packages::workspace_id.eq(workspace_id))
        .select(Package::as_select())
        .first(conn)
        .optional()
}

/// Counts one more reprint of a package's label.
pub fn count_reprint(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(packages::table.find(id))
        .set(packages::reprints.eq(packages::reprints + 1))
        .execute(conn)
}
