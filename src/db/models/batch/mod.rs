//! Handoff batches and their packages: what a supplier received, what it answered for each
//! package (current answer here, every change in `ack_events`), and every download.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::models::order::Order;
use crate::db::models::package::Package;
use crate::db::models::status::PackageStatus;
pub use crate::db::models::status::{AckStatus, BatchStatus};
use crate::db::schema::{batch_packages, batches, orders, packages};

mod answers;
mod downloads;
pub use answers::*;
pub use downloads::*;

/// A batch: `sealing` (being packed; invisible to the supplier) → `sealed`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = batches)]
pub struct Batch {
    pub id: i64,
    pub workspace_id: i64,
    pub supplier_id: i64,
    /// Numbered per supplier: batch-1, batch-2…
    pub seq: i64,
    pub status: BatchStatus,
    /// The cut-off that sealed it (none for "publish now").
    pub cutoff_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub sealed_at: Option<NaiveDateTime>,
    /// When the supplier's acknowledgements are due.
    pub ack_due_at: Option<NaiveDateTime>,
    pub package_count: i64,
    pub zip_sha256: Option<String>,
    pub zip_bytes: Option<i64>,
    pub labels_pdf_bytes: Option<i64>,
    pub first_downloaded_at: Option<NaiveDateTime>,
    /// When the seller was told the acknowledgements are overdue (once).
    pub overdue_notified_at: Option<NaiveDateTime>,
    /// The files' name without extension, e.g. `demo-prints-shirt-co-0001-2026-12-02`, fixed at
    /// sealing (renaming a supplier later renames nothing); empty for batches made before.
    pub file_stem: String,
}

impl Batch {
    /// The zip's file name, as the supplier sees it everywhere (portal, API, SFTP).
    pub fn zip_name(&self) -> String {
        format!("{}.zip", self.stem())
    }

    /// The merged labels PDF's file name.
    pub fn labels_pdf_name(&self) -> String {
        format!("{}-labels.pdf", self.stem())
    }

    /// The name every file of the batch starts with (`batch-<n>` for batches sealed before
    /// names carried the seller and the supplier).
    fn stem(&self) -> String {
        if self.file_stem.is_empty() {
            format!("batch-{}", self.seq)
        } else {
            self.file_stem.clone()
        }
    }
}

/// A package in a batch and the supplier's current answer for it.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = batch_packages)]
pub struct BatchPackage {
    pub id: i64,
    pub batch_id: i64,
    pub package_id: i64,
    /// 1-based place in the manifest and in `labels.pdf`.
    pub position: i64,
    /// False once the package left this batch (re-routed, voided); kept for history.
    pub active: bool,
    pub ack_status: AckStatus,
    pub ack_reason: Option<String>,
    pub ack_expected_date: Option<String>,
    pub ack_by: Option<String>,
    pub ack_channel: Option<String>,
    pub ack_at: Option<NaiveDateTime>,
    /// Set when the order was cancelled after sealing: the supplier must pull the package.
    pub pull_requested_at: Option<NaiveDateTime>,
}

pub use crate::db::models::status::PULL_ANSWERS;

impl BatchPackage {
    /// A pull request was made and the supplier has not answered it yet.
    pub fn pull_open(&self) -> bool {
        self.pull_requested_at.is_some() && !PULL_ANSWERS.contains(&self.ack_status)
    }
}

/// Labels of a supplier waiting for its next batch: stored, not held back, not voided, in no
/// batch now. Most urgent (TikTok's ship-by) first.
pub fn open_packages(conn: &mut AnyConnection, supplier_id: i64) -> QueryResult<Vec<Package>> {
    open_packages_ready_by(conn, supplier_id, None)
}

/// The open labels that were ready for handoff at or before `ready_by` (all when None): what a
/// cut-off at that moment seals.
pub fn open_packages_ready_by(
    conn: &mut AnyConnection,
    supplier_id: i64,
    ready_by: Option<NaiveDateTime>,
) -> QueryResult<Vec<Package>> {
    open_ready_by(supplier_id, ready_by)
        .select(Package::as_select())
        .load(conn)
}

/// The ids of [`open_packages_ready_by`], in the same order (what a new batch takes: the ids
/// alone, not every label's row).
pub fn open_package_ids_ready_by(
    conn: &mut AnyConnection,
    supplier_id: i64,
    ready_by: Option<NaiveDateTime>,
) -> QueryResult<Vec<i64>> {
    open_ready_by(supplier_id, ready_by)
        .select(packages::id)
        .load(conn)
}

type Backend = <AnyConnection as diesel::Connection>::Backend;

/// The supplier's stored labels in no active batch (ready by `ready_by`), most urgent first.
fn open_ready_by(
    supplier_id: i64,
    ready_by: Option<NaiveDateTime>,
) -> diesel::helper_types::IntoBoxed<'static, diesel::dsl::InnerJoin<packages::table, orders::table>, Backend>
{
    let in_batch = batch_packages::table
        .filter(batch_packages::active.eq(true))
        .select(batch_packages::package_id);
    let mut q = packages::table
        .inner_join(orders::table)
        .filter(packages::supplier_id.eq(supplier_id))
        .filter(packages::status.eq(PackageStatus::Stored))
        .filter(packages::held_reason.is_null())
        .filter(packages::id.ne_all(in_batch))
        .into_boxed();
    if let Some(t) = ready_by {
        use crate::db::schema::handoff_ready;
        let later = handoff_ready::table
            .filter(handoff_ready::ready_at.gt(t))
            .select(handoff_ready::package_id);
        q = q.filter(packages::id.ne_all(later));
    }
    q.order((orders::ship_by.asc(), packages::id.asc()))
}

/// Starts a batch with these packages (status `sealing`); the unique keys make a package enter
/// one batch only and a number be used once per supplier.
pub fn create_sealing(
    conn: &mut AnyConnection,
    workspace_id: i64,
    supplier_id: i64,
    cutoff_at: Option<NaiveDateTime>,
    created_by: &str,
    package_ids: &[i64],
    file_stem: &dyn Fn(i64) -> String,
) -> QueryResult<Batch> {
    let seq: Option<i64> = batches::table
        .filter(batches::supplier_id.eq(supplier_id))
        .select(diesel::dsl::max(batches::seq))
        .first(conn)?;
    let seq = seq.unwrap_or(0) + 1;
    let b: Batch = diesel::insert_into(batches::table)
        .values((
            batches::workspace_id.eq(workspace_id),
            batches::supplier_id.eq(supplier_id),
            batches::seq.eq(seq),
            batches::file_stem.eq(file_stem(seq)),
            batches::status.eq(BatchStatus::Sealing),
            batches::cutoff_at.eq(cutoff_at),
            batches::created_at.eq(super::now()),
            batches::created_by.eq(created_by),
            batches::package_count.eq(package_ids.len() as i64),
        ))
        .returning(batches::id)
        .get_result::<i64>(conn)
        .and_then(|id| find(conn, id))?;
    for (i, pid) in package_ids.iter().enumerate() {
        diesel::insert_into(batch_packages::table)
            .values((
                batch_packages::batch_id.eq(b.id),
                batch_packages::package_id.eq(pid),
                batch_packages::position.eq(i as i64 + 1),
                batch_packages::active.eq(true),
                batch_packages::ack_status.eq(AckStatus::Pending),
            ))
            .execute(conn)?;
    }
    // A label in a new batch (again, after a move) shows its new batch number in the queue.
    super::scorecard::touch(conn, package_ids)?;
    Ok(b)
}

/// What packing produced.
pub struct Packed<'a> {
    pub zip_sha256: &'a str,
    pub zip_bytes: i64,
    pub labels_pdf_bytes: i64,
    pub ack_due_at: NaiveDateTime,
}

/// Publishes a packed batch (only from `sealing`; true when this call did it).
pub fn mark_sealed(conn: &mut AnyConnection, id: i64, p: &Packed<'_>) -> QueryResult<bool> {
    let n = diesel::update(
        batches::table
            .find(id)
            .filter(batches::status.eq(BatchStatus::Sealing)),
    )
    .set((
        batches::status.eq(BatchStatus::Sealed),
        batches::sealed_at.eq(Some(super::now())),
        batches::zip_sha256.eq(Some(p.zip_sha256)),
        batches::zip_bytes.eq(Some(p.zip_bytes)),
        batches::labels_pdf_bytes.eq(Some(p.labels_pdf_bytes)),
        batches::ack_due_at.eq(Some(p.ack_due_at)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Batches still being packed (after a crash, packing runs again).
pub fn sealing(conn: &mut AnyConnection) -> QueryResult<Vec<Batch>> {
    batches::table
        .filter(batches::status.eq(BatchStatus::Sealing))
        .order(batches::id)
        .select(Batch::as_select())
        .load(conn)
}

/// Which of `ids` are sealed batches.
pub fn sealed_among(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<i64>> {
    batches::table
        .filter(batches::id.eq_any(ids))
        .filter(batches::status.eq(BatchStatus::Sealed))
        .select(batches::id)
        .load(conn)
}

/// Finds a batch.
pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Batch> {
    batches::table.find(id).select(Batch::as_select()).first(conn)
}

/// A supplier's sealed batch by its number.
pub fn find_by_seq(conn: &mut AnyConnection, supplier_id: i64, seq: i64) -> QueryResult<Option<Batch>> {
    batches::table
        .filter(batches::supplier_id.eq(supplier_id))
        .filter(batches::seq.eq(seq))
        .filter(batches::status.eq(BatchStatus::Sealed))
        .select(Batch::as_select())
        .first(conn)
        .optional()
}

/// A supplier's sealed batches, newest first.
pub fn of_supplier(conn: &mut AnyConnection, supplier_id: i64) -> QueryResult<Vec<Batch>> {
    batches::table
        .filter(batches::supplier_id.eq(supplier_id))
        .filter(batches::status.eq(BatchStatus::Sealed))
        .order(batches::seq.desc())
        .select(Batch::as_select())
        .load(conn)
}

/// A workspace's sealed batches, newest first.
pub fn of_workspace(conn: &mut AnyConnection, workspace_id: i64, limit: i64) -> QueryResult<Vec<Batch>> {
    batches::table
        .filter(batches::workspace_id.eq(workspace_id))
        .filter(batches::status.eq(BatchStatus::Sealed))
        .order(batches::id.desc())
        .limit(limit)
        .select(Batch::as_select())
        .load(conn)
}

/// The packages of a batch in manifest order, with their rows.
pub fn members(conn: &mut AnyConnection, batch_id: i64) -> QueryResult<Vec<(BatchPackage, Package)>> {
    batch_packages::table
        .inner_join(packages::table)
        .filter(batch_packages::batch_id.eq(batch_id))
        .order(batch_packages::position)
        .select((BatchPackage::as_select(), Package::as_select()))
        .load(conn)
}

/// At most `limit` of the batch's packages after `position`, in position order (a batch's
/// manifest is read this way, so packing never holds the whole batch).
pub fn members_after(
    conn: &mut AnyConnection,
    batch_id: i64,
    position: i64,
    limit: i64,
) -> QueryResult<Vec<(BatchPackage, Package)>> {
    batch_packages::table
        .inner_join(packages::table)
        .filter(batch_packages::batch_id.eq(batch_id))
        .filter(batch_packages::position.gt(position))
        .order(batch_packages::position)
        .limit(limit)
        .select((BatchPackage::as_select(), Package::as_select()))
        .load(conn)
}

/// The batch rows of packages of the given batches (for dashboards).
pub fn members_of(conn: &mut AnyConnection, batch_ids: &[i64]) -> QueryResult<Vec<BatchPackage>> {
    batch_packages::table
        .filter(crate::db::in_id_list(conn, "batch_packages.batch_id", batch_ids))
        .select(BatchPackage::as_select())
        .load(conn)
}

/// The active batch row of a package, if it is in a batch.
pub fn active_of_package(conn: &mut AnyConnection, package_id: i64) -> QueryResult<Option<BatchPackage>> {
    batch_packages::table
        .filter(batch_packages::package_id.eq(package_id))
        .filter(batch_packages::active.eq(true))
        .select(BatchPackage::as_select())
        .first(conn)
        .optional()
}

/// How a supplier names a package in an acknowledgement.
pub enum ActiveBy<'a> {
    Row(i64),
    TikTokPackage(&'a str),
    TikTokOrder(&'a str),
    /// The label's tracking number (what a scanner reads off the label).
    Tracking(&'a str),
    /// Every package of one of the supplier's batches.
    Batch(i64),
}

/// The packages a supplier holds now (active, in one of its sealed batches) that match, with
/// their orders.
pub fn active_for_supplier(
    conn: &mut AnyConnection,
    supplier_id: i64,
    by: ActiveBy<'_>,
) -> QueryResult<Vec<(BatchPackage, Package, Order)>> {
    let mut q = batch_packages::table
        .inner_join(packages::table.inner_join(orders::table))
        .inner_join(batches::table)
        .filter(batches::supplier_id.eq(supplier_id))
        .filter(batches::status.eq(BatchStatus::Sealed))
        .filter(batch_packages::active.eq(true))
        .into_boxed();
    q = match by {
        ActiveBy::Row(id) => q.filter(batch_packages::id.eq(id)),
        ActiveBy::TikTokPackage(p) => q.filter(packages::tiktok_package_id.eq(p.trim().to_string())),
        ActiveBy::TikTokOrder(o) => q.filter(orders::tiktok_order_id.eq(o.trim().to_string())),
        ActiveBy::Tracking(t) => q.filter(packages::tracking_number.eq(t.trim().to_string())),
        ActiveBy::Batch(id) => q.filter(batch_packages::batch_id.eq(id)),
    };
    q.order(batch_packages::id)
        .select((
            BatchPackage::as_select(),
            Package::as_select(),
            Order::as_select(),
        ))
        .load(conn)
}

/// A batch row by id.
pub fn find_package_row(conn: &mut AnyConnection, id: i64) -> QueryResult<BatchPackage> {
    batch_packages::table
        .find(id)
        .select(BatchPackage::as_select())
        .first(conn)
}

/// Whether a supplier already has a batch for this cut-off.
pub fn sealed_at_cutoff(
    conn: &mut AnyConnection,
    supplier_id: i64,
    cutoff: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        batches::table
            .filter(batches::supplier_id.eq(supplier_id))
            .filter(batches::cutoff_at.eq(cutoff)),
    ))
    .get_result(conn)
}

/// Sealed batches past their acknowledgement deadline with packages still unanswered, whose
/// seller was not told yet; with the number of unanswered packages.
pub fn overdue_unnotified(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<(Batch, usize)>> {
    let late: Vec<Batch> = batches::table
        .filter(batches::status.eq(BatchStatus::Sealed))
        .filter(batches::ack_due_at.lt(now))
        .filter(batches::overdue_notified_at.is_null())
        .select(Batch::as_select())
        .load(conn)?;
    let mut out = Vec::new();
    for b in late {
        let pending: i64 = batch_packages::table
            .filter(batch_packages::batch_id.eq(b.id))
            .filter(batch_packages::active.eq(true))
            .filter(batch_packages::ack_status.eq(AckStatus::Pending))
            .count()
            .get_result(conn)?;
        if pending > 0 {
            out.push((b, pending as usize));
        }
    }
    Ok(out)
}

/// Records that the seller was told about an overdue batch.
pub fn mark_overdue_notified(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(batches::table.find(id))
        .set(batches::overdue_notified_at.eq(Some(super::now())))
        .execute(conn)
}
