//! What the dashboards show of batches: for the seller across suppliers, for a supplier its
//! own. Read-only assemblies of rows, shared by the web pages and the factory API.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;

use crate::db::AnyConnection;
use crate::db::models::batch::{self, AckEvent, Batch, Download};
use crate::db::models::order;
use crate::db::models::status::AckStatus;
use crate::db::models::supplier::Supplier;
use crate::domain::DomainError;

/// Counts of a batch's packages by answer.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct AckCounts {
    pub total: usize,
    pub pending: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub backordered: usize,
    pub shipped: usize,
    /// Pull requests not answered yet (these packages count under no other answer).
    pub pulls_open: usize,
    /// Pull requests answered (pulled, or already shipped).
    pub pulls_answered: usize,
}

/// A batch with its counts, for lists.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchSummary {
    pub batch: Batch,
    pub supplier: String,
    pub zip_name: String,
    pub counts: AckCounts,
    /// Past the supplier's acknowledgement deadline with packages unanswered.
    pub overdue: bool,
}

/// A package row of a batch page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PackageRow {
    pub row_id: i64,
    pub batch_id: i64,
    pub batch_seq: i64,
    /// The supplier's name.
    pub supplier: String,
    pub position: i64,
    pub active: bool,
    pub package_id: i64,
    pub order_id: i64,
    pub tiktok_order_id: String,
    pub tiktok_package_id: String,
    pub tracking_number: String,
    pub carrier: String,
    pub service: String,
    pub ship_by: i64,
    pub units: usize,
    pub ack_status: AckStatus,
    pub ack_reason: Option<String>,
    pub ack_expected_date: Option<String>,
    pub ack_by: Option<String>,
    pub ack_channel: Option<String>,
    pub ack_at: Option<NaiveDateTime>,
    pub pull_requested: bool,
    /// When the pull request was made (its age is what the seller watches).
    pub pull_requested_at: Option<NaiveDateTime>,
    /// A pull request not answered yet.
    pub pull_open: bool,
    /// The label's file name in the zip (`0001-<order>-<package>.pdf`); the page links it.
    pub label_file: String,
    /// What to make, as the batch's manifest says (SKU, product, variant, quantity, artwork):
    /// filled for a batch's own page ([`super::Batches::detail`]), empty in lists.
    pub lines: Vec<super::manifest::Line>,
}

/// Everything a batch page shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchDetail {
    pub summary: BatchSummary,
    pub packages: Vec<PackageRow>,
    pub downloads: Vec<Download>,
    pub history: Vec<AckEvent>,
}

fn counts(rows: &[crate::db::models::batch::BatchPackage]) -> AckCounts {
    let mut c = AckCounts::default();
    for r in rows.iter().filter(|r| r.active) {
        c.total += 1;
        if r.pull_open() {
            c.pulls_open += 1;
            continue;
        }
        if r.pull_requested_at.is_some() {
            c.pulls_answered += 1;
            continue;
        }
        match r.ack_status {
            AckStatus::Pending => c.pending += 1,
            s if s.is_accepted() => c.accepted += 1,
            AckStatus::Rejected => c.rejected += 1,
            AckStatus::Backordered => c.backordered += 1,
            AckStatus::Shipped => c.shipped += 1,
            AckStatus::Pulled | AckStatus::AlreadyShipped => {}
            _ => {}
        }
    }
    c
}

/// Summaries of batches (one query for all their packages).
pub fn summaries(
    c: &mut AnyConnection,
    batches: Vec<Batch>,
    now: NaiveDateTime,
) -> Result<Vec<BatchSummary>, DomainError> {
    let ids: Vec<i64> = batches.iter().map(|b| b.id).collect();
    let mut rows: BTreeMap<i64, Vec<_>> = BTreeMap::new();
    for r in batch::members_of(c, &ids)? {
        rows.entry(r.batch_id).or_default().push(r);
    }
    let mut names: BTreeMap<i64, String> = BTreeMap::new();
    let mut out = Vec::new();
    for b in batches {
        if let std::collections::btree_map::Entry::Vacant(e) = names.entry(b.supplier_id) {
            let s = Supplier::find_in_workspace(c, b.workspace_id, b.supplier_id)?;
            e.insert(s.map(|s| s.name).unwrap_or_default());
        }
        let counts = counts(rows.get(&b.id).map(Vec::as_slice).unwrap_or(&[]));
        out.push(BatchSummary {
            supplier: names[&b.supplier_id].clone(),
            zip_name: b.zip_name(),
            overdue: counts.pending > 0 && b.ack_due_at.is_some_and(|d| d < now),
            counts,
            batch: b,
        });
    }
    Ok(out)
}

/// A batch page's content.
pub fn detail(c: &mut AnyConnection, b: Batch, now: NaiveDateTime) -> Result<BatchDetail, DomainError> {
    let members = batch::members(c, b.id)?;
    let supplier = Supplier::find_in_workspace(c, b.workspace_id, b.supplier_id)?
        .map(|s| s.name)
        .unwrap_or_default();
    let mut packages = Vec::new();
    for (bp, p) in &members {
        let o = order::find_in_workspace(c, b.workspace_id, p.order_id)?.ok_or(DomainError::NotFound)?;
        packages.push(PackageRow {
            row_id: bp.id,
            batch_id: b.id,
            batch_seq: b.seq,
            supplier: supplier.clone(),
            position: bp.position,
            active: bp.active,
            package_id: p.id,
            order_id: o.id,
            tiktok_package_id: p.tiktok_package_id.clone().unwrap_or_default(),
            tracking_number: p.tracking_number.clone().unwrap_or_default(),
            carrier: p.carrier.clone().unwrap_or_default(),
            service: p.service_name.clone().unwrap_or_default(),
            ship_by: o.ship_by,
            units: p.line_item_ids.split(',').filter(|s| !s.is_empty()).count(),
            ack_status: bp.ack_status,
            ack_reason: bp.ack_reason.clone(),
            ack_expected_date: bp.ack_expected_date.clone(),
            ack_by: bp.ack_by.clone(),
            ack_channel: bp.ack_channel.clone(),
            ack_at: bp.ack_at,
            pull_requested: bp.pull_requested_at.is_some(),
            pull_requested_at: bp.pull_requested_at,
            pull_open: bp.pull_open(),
            label_file: super::label_file(
                bp.position,
                &o.tiktok_order_id,
                p.tiktok_package_id.as_deref().unwrap_or(""),
            ),
            lines: Vec::new(),
            tiktok_order_id: o.tiktok_order_id,
        });
    }
    let downloads = batch::downloads(c, b.id)?;
    let history = batch::ack_history(c, b.id)?;
    let summary = summaries(c, vec![b], now)?.remove(0);
    Ok(BatchDetail {
        summary,
        packages,
        downloads,
        history,
    })
}

/// A supplier's open batch (labels waiting for the next seal).
#[derive(Debug, Clone, serde::Serialize)]
pub struct OpenBatch {
    pub supplier_id: i64,
    pub supplier: String,
    pub packages: usize,
    /// The earliest TikTok ship-by among them (0 = none).
    pub earliest_ship_by: i64,
}

/// The seller's dashboard.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dashboard {
    pub open: Vec<OpenBatch>,
    pub batches: Vec<BatchSummary>,
    pub published: usize,
    pub not_downloaded: usize,
    pub awaiting_ack: usize,
    pub rejected: Vec<PackageRow>,
    pub overdue_supplier: usize,
    /// Packages not shipped yet whose TikTok ship-by time has passed.
    pub overdue_tiktok: Vec<PackageRow>,
    /// Pull requests the supplier has not answered, oldest first.
    pub pulls_open: Vec<PackageRow>,
}

/// Builds the seller's batches dashboard.
pub fn dashboard(c: &mut AnyConnection, ws: i64, now: NaiveDateTime) -> Result<Dashboard, DomainError> {
    let mut open = Vec::new();
    for s in Supplier::list(c, ws)?.into_iter().filter(|s| !s.archived) {
        let pk = batch::open_packages(c, s.id)?;
        let mut earliest = 0;
        for p in pk.iter().take(1) {
            earliest = order::find_in_workspace(c, ws, p.order_id)?
                .map(|o| o.ship_by)
                .unwrap_or(0);
        }
        open.push(OpenBatch {
            supplier_id: s.id,
            supplier: s.name,
            packages: pk.len(),
            earliest_ship_by: earliest,
        });
    }
    let recent = batch::of_workspace(c, ws, 200)?;
    let batches = summaries(c, recent, now)?;
    let unix_now = now.and_utc().timestamp();
    let mut rejected = Vec::new();
    let mut overdue_tiktok = Vec::new();
    let mut pulls_open = Vec::new();
    for b in batches
        .iter()
        .filter(|b| b.counts.rejected > 0 || b.counts.pulls_open > 0 || b.counts.total > b.counts.shipped)
    {
        let d = detail(c, b.batch.clone(), now)?;
        for p in d.packages.into_iter().filter(|p| p.active) {
            if p.pull_open {
                pulls_open.push(p.clone());
                continue;
            }
            if p.ack_status == AckStatus::Rejected {
                rejected.push(p.clone());
            }
            if p.ship_by > 0
                && p.ship_by < unix_now
                && !matches!(
                    p.ack_status,
                    AckStatus::Shipped | AckStatus::Pulled | AckStatus::AlreadyShipped
                )
            {
                overdue_tiktok.push(p);
            }
        }
    }
    Ok(Dashboard {
        published: batches.len(),
        not_downloaded: batches
            .iter()
            .filter(|b| b.batch.first_downloaded_at.is_none())
            .count(),
        awaiting_ack: batches.iter().filter(|b| b.counts.pending > 0).count(),
        overdue_supplier: batches.iter().filter(|b| b.overdue).count(),
        open,
        batches,
        rejected,
        overdue_tiktok,
        pulls_open: {
            pulls_open.sort_by_key(|p| p.pull_requested_at);
            pulls_open
        },
    })
}

impl super::Batches {
    /// One batch's page: its packages with their answers and what to make of each (from the
    /// manifest in the batch's zip: the page shows what the factory got), downloads, history.
    pub async fn detail(&self, b: Batch) -> Result<BatchDetail, DomainError> {
        let now = crate::db::models::now();
        let zip = self.zip_path(&b);
        if b.status == crate::db::models::status::BatchStatus::Sealed
            && let Err(e) = self.local(b.id, super::SharedFile::Zip).await
        {
            tracing::warn!(batch = b.id, "the batch's files cannot be fetched: {e}");
        }
        let mut d = self.pool.run(move |c| detail(c, b, now)).await?;
        let manifest = tokio::task::spawn_blocking(move || super::pack::read_manifest(&zip))
            .await
            .map_err(|e| DomainError::Internal(e.to_string()))?;
        match manifest {
            Ok(m) => {
                let mut by_position: BTreeMap<i64, _> =
                    m.packages.into_iter().map(|p| (p.position, p.lines)).collect();
                // Whether this node has a file's thumbnail, looked up once per file.
                let mut thumbs: HashMap<String, Option<String>> = HashMap::new();
                for p in &mut d.packages {
                    p.lines = by_position.remove(&p.position).unwrap_or_default();
                    for a in p.lines.iter_mut().flat_map(|l| l.artwork.iter_mut()) {
                        a.thumb = thumbs
                            .entry(a.checksum.clone())
                            .or_insert_with(|| {
                                crate::domain::artwork::bare_sha(&a.checksum)
                                    .filter(|sha| self.artwork.find_thumb(sha).is_some())
                                    .map(|sha| format!("art-{}.png", sha.to_ascii_lowercase()))
                            })
                            .clone();
                    }
                }
            }
            Err(e) => tracing::warn!(
                batch = d.summary.batch.id,
                "the batch's manifest cannot be read: {e}"
            ),
        }
        Ok(d)
    }

    /// A supplier's published batches, newest first, with how their packages stand: the list
    /// the supplier's portal and the factory API both show.
    pub async fn supplier_batches(&self, supplier_id: i64) -> Result<Vec<BatchSummary>, DomainError> {
        let now = crate::db::models::now();
        self.pool
            .run(move |c| {
                let list = batch::of_supplier(c, supplier_id)?;
                summaries(c, list, now)
            })
            .await
    }
}

/// The packages a scanned or typed code names: TikTok's order or package id, or the label's
/// tracking number — also as a label's barcode reads it, where USPS puts `420` and the ZIP code
/// before the tracking number. Case and surrounding spaces do not matter.
pub fn find_packages(rows: &[PackageRow], code: &str) -> Vec<PackageRow> {
    let code = code.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Vec::new();
    }
    let names = |p: &PackageRow| {
        let tracking = p.tracking_number.to_ascii_uppercase();
        code == p.tiktok_order_id.to_ascii_uppercase()
            || code == p.tiktok_package_id.to_ascii_uppercase()
            || code == tracking
            || (tracking.len() >= 10 && code.starts_with("420") && code.ends_with(&tracking))
    };
    rows.iter().filter(|p| names(p)).cloned().collect()
}
