//! Handoff batches: labels bought for a supplier's packages collect in its open batch; at a
//! cut-off (or "publish now") the batch is sealed: numbered, immutable, packed into one zip,
//! and announced to the supplier. Sealing is two-phase: the batch and its packages are recorded
//! as `sealing` in one transaction, packed (deterministically, so packing again after a crash
//! gives the same bytes), then published in a second transaction; a supplier never sees a
//! half-made batch. Web, API and SFTP all read batches and record acknowledgements here.

pub mod ackfile;
pub mod acks;
mod artwork;
pub mod clock;
pub mod files;
pub mod handoff;
mod manifest;
mod merge;
mod pack;
pub mod print;
pub mod reroute;
mod segment;
mod shared;
pub mod ticket;
pub mod verify;
pub mod views;
mod zpl;

// Packing is this module's own business; outside it, only the factory-facing manifest format,
// where a batch's zip lives, and the checksum lines a drop shows.
pub use manifest::{Manifest, label_file};
pub use pack::{PackError, PackedFiles, pack_manifest, read_manifest, sha256_file_line, sha256_of, zip_path};
pub use shared::SharedFile;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::Duration;

use crate::db::models::audit::{self, Actor};
use crate::db::models::batch::{self, Batch, Packed};
use crate::db::models::status::BatchStatus;
use crate::db::models::supplier::{SkuRule, Supplier};
use crate::db::models::{mail, order};
use crate::db::{AnyConnection, DbPool};
use crate::domain::factory_webhooks::{self, WebhookEvent};
use crate::domain::labels::LabelStore;
use crate::domain::{DomainError, seller_workspace};

use crate::db::models::step::{self, ClockStep};
use manifest::{ArtworkRef, Line, ManifestHead, PackageEntry, rfc3339};

/// The batch service, shared by every channel.
#[derive(Clone)]
pub struct Batches {
    pub pool: DbPool,
    pub labels: LabelStore,
    /// Artwork files and thumbnails the pre-flight kept (tickets' thumbnails, zips' files).
    pub artwork: crate::domain::artwork::ArtworkStore,
    /// Where zips and merged PDFs are kept (`<data_dir>/batches`).
    pub dir: PathBuf,
    /// podgate's public URL, for links in mail.
    pub public_url: String,
}

impl Batches {
    /// Seals a supplier's open batch now; None when it has no labels waiting.
    pub async fn publish_now(&self, actor: &Actor, supplier_id: i64) -> Result<Option<Batch>, DomainError> {
        let ws = seller_workspace(actor)?;
        let by = actor.label.clone();
        let started = self
            .pool
            .run(move |c| {
                Supplier::find_in_workspace(c, ws, supplier_id)?.ok_or(DomainError::NotFound)?;
                start_sealing(c, ws, supplier_id, None, &by)
            })
            .await?;
        match started {
            Some(b) => {
                let actor = actor.clone();
                let id = b.id;
                self.pool
                    .run(move |c| {
                        audit::record(c, &actor, Some(ws), "batch.publish", &format!("batch:{id}"), "")?;
                        Ok::<_, DomainError>(())
                    })
                    .await?;
                self.finish_sealing(b.id).await.map(Some)
            }
            None => Ok(None),
        }
    }

    /// Packs a `sealing` batch and publishes it (safe to run again after a crash). One process
    /// at a time seals a batch; while another holds it, this returns the batch still `sealing`.
    pub async fn finish_sealing(&self, batch_id: i64) -> Result<Batch, DomainError> {
        let Some(_held) = crate::domain::leases::take(&self.pool, format!("batch:{batch_id}:seal")).await?
        else {
            return Ok(self.pool.query(move |c| batch::find(c, batch_id)).await?);
        };
        let (b, sup, head, rules) = self
            .pool
            .run(move |c| {
                let b = batch::find(c, batch_id)?;
                let sup = Supplier::find_in_workspace(c, b.workspace_id, b.supplier_id)?
                    .ok_or(DomainError::NotFound)?;
                let head = manifest_head(c, &b, &sup)?;
                let rules = SkuRule::by_id(c, b.workspace_id)?;
                Ok::<_, DomainError>((b, sup, head, rules))
            })
            .await?;
        if b.status == BatchStatus::Sealed {
            return Ok(b);
        }
        // Artwork kept and labels bought by other nodes: packing reads them from this one.
        self.artwork.fetch_kept(&self.pool, b.workspace_id).await?;
        let art = self.artwork.clone();
        let (dir, store, pool, ws) = (
            self.dir.clone(),
            self.labels.clone(),
            self.pool.clone(),
            b.workspace_id,
        );
        let seller = head.seller.clone();
        // A template the form accepted; one stored before a check changed reads as the default.
        let names = print::FileNames::parse(&sup.label_file_template).unwrap_or_default();
        let files = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            // Packing reads the batch several times over: all from one snapshot, streamed
            // (what it read is not kept in this process's memory).
            crate::db::streaming(&mut conn, |c| {
                crate::db::read_snapshot(c, |c| {
                    let mut packages = |after: i64| {
                        manifest_packages(c, ws, batch_id, &rules, &names, &head, after)
                            .map_err(|e| pack::PackError::Manifest(e.to_string()))
                    };
                    pack::pack(&dir, batch_id, &head, &mut packages, &store, &art).map_err(|e| match e {
                        pack::PackError::Unavailable(why) => {
                            tracing::warn!(batch = batch_id, error = %why, "the batch's labels could not be read");
                            DomainError::Unavailable("the file store cannot be reached".into())
                        }
                        e => DomainError::Internal(format!("packing batch {batch_id}: {e}")),
                    })
                })
            })
        })
        .await
        .map_err(|e| DomainError::Internal(e.to_string()))??;
        // In the bucket before the batch says "sealed", so any node can hand it out.
        for (key, path) in self.shared_files(batch_id) {
            self.labels
                .bucket
                .commit(&key, &path)
                .await
                .map_err(|e| DomainError::Internal(format!("storing batch {batch_id}'s files: {e}")))?;
        }
        let base = self.public_url.clone();
        self.pool
            .run(move |c| {
                // An event and a step per label: streamed, so the changed pages spill early.
                crate::db::streaming(c, |c| {
                    crate::db::write_tx(c, |c| {
                        let due = crate::db::models::now() + Duration::hours(sup.ack_deadline_hours);
                        let p = Packed {
                            zip_sha256: &files.zip_sha256,
                            zip_bytes: files.zip_bytes as i64,
                            labels_pdf_bytes: files.labels_pdf_bytes as i64,
                            ack_due_at: due,
                        };
                        if batch::mark_sealed(c, batch_id, &p)? {
                            announce(c, &b, &sup, &seller, &files, &base, due)?;
                        }
                        Ok::<_, DomainError>(batch::find(c, batch_id)?)
                    })
                })
            })
            .await
    }

    /// Finishes every batch left `sealing` by a crash.
    pub async fn resume(&self) {
        let pending = self.pool.query(batch::sealing).await;
        for b in pending.unwrap_or_default() {
            if let Err(e) = self.finish_sealing(b.id).await {
                tracing::error!(batch = b.id, error = %e, "could not finish sealing a batch");
            }
        }
    }

    /// Clears what packings killed mid-way left behind (older than an hour, so never a packing
    /// running now in another process). Run once at start.
    pub async fn sweep_leftovers(&self) {
        let dir = self.dir.clone();
        let swept = tokio::task::spawn_blocking(move || {
            pack::sweep_leftovers(&dir, std::time::Duration::from_secs(3600))
        })
        .await;
        match swept {
            Ok(Ok(n)) if n > 0 => tracing::info!(files = n, "removed leftovers of interrupted packings"),
            Ok(Err(e)) => tracing::warn!(error = %e, "could not sweep packing leftovers"),
            _ => {}
        }
    }

    /// Where a sealed batch's zip is on this node (see [`Batches::local`]).
    pub fn zip_path(&self, b: &Batch) -> PathBuf {
        pack::zip_path(&self.dir, b.id)
    }

    /// Where a sealed batch's merged labels are.
    pub fn labels_pdf_path(&self, b: &Batch) -> PathBuf {
        pack::labels_pdf_path(&self.dir, b.id)
    }
}

/// Records a `sealing` batch with the supplier's open labels (None when there is none): at a
/// cut-off, those ready by that moment; published by hand (`cutoff_at` None), all of them.
pub fn start_sealing(
    c: &mut AnyConnection,
    ws: i64,
    supplier_id: i64,
    cutoff_at: Option<chrono::NaiveDateTime>,
    by: &str,
) -> Result<Option<Batch>, DomainError> {
    // A row per package: streamed, as packing and publishing are.
    crate::db::streaming(c, |c| {
        crate::db::write_tx(c, |c| {
            let ids = batch::open_package_ids_ready_by(c, supplier_id, cutoff_at)?;
            if ids.is_empty() {
                return Ok(None);
            }
            let seller = crate::db::models::workspace::Workspace::find(c, ws)?.name;
            let sup = Supplier::find_in_workspace(c, ws, supplier_id)?.ok_or(DomainError::NotFound)?;
            let ids = in_print_order(c, ws, &sup, ids)?;
            let day = files::local_date(&sup.time_zone, crate::db::models::now());
            let stem = |seq: i64| files::file_stem(&seller, &sup.name, seq, day);
            Ok(Some(batch::create_sealing(
                c,
                ws,
                supplier_id,
                cutoff_at,
                by,
                &ids,
                &stem,
            )?))
        })
    })
}

/// What the manifest says about the batch as a whole.
fn manifest_head(c: &mut AnyConnection, b: &Batch, sup: &Supplier) -> Result<ManifestHead, DomainError> {
    Ok(ManifestHead {
        batch: b.seq,
        seller: crate::db::models::workspace::Workspace::find(c, b.workspace_id)?.name,
        supplier: sup.name.clone(),
        created_at: b.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        print_layout: sup.print_layout.clone(),
        print_sort: sup.print_sort.clone(),
        page_size: sup.page_size.clone(),
        zpl_dpi: sup.zpl_dpi,
        artwork_delivery: sup.artwork_delivery.clone(),
    })
}

/// The supplier's packages in its print order (`ids` come most urgent first, which breaks
/// ties): the positions they get are the order every file of the batch prints in.
fn in_print_order(
    c: &mut AnyConnection,
    ws: i64,
    sup: &Supplier,
    ids: Vec<i64>,
) -> Result<Vec<i64>, DomainError> {
    let sort = print::PrintSort::parse(&sup.print_sort).unwrap_or_default();
    if !sort.has_runs() {
        return Ok(ids);
    }
    let rules = SkuRule::by_id(c, ws)?;
    let mut keyed = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MANIFEST_CHUNK as usize) {
        let units = crate::db::models::package::units_of(c, chunk)?;
        let order_ids: Vec<i64> = units.iter().map(|(_, o, _)| *o).collect();
        let items = items_by_order(c, &order_ids)?;
        let lines: BTreeMap<i64, Vec<Line>> = units
            .into_iter()
            .map(|(id, o, units)| {
                (
                    id,
                    package_lines(items.get(&o).map(Vec::as_slice).unwrap_or(&[]), &units, &rules),
                )
            })
            .collect();
        for id in chunk {
            let l = lines.get(id).map(Vec::as_slice).unwrap_or(&[]);
            keyed.push((sort.key(l), keyed.len(), *id));
        }
    }
    keyed.sort();
    Ok(keyed.into_iter().map(|(_, _, id)| id).collect())
}

/// These orders' line items, by order.
fn items_by_order(
    c: &mut AnyConnection,
    order_ids: &[i64],
) -> Result<BTreeMap<i64, Vec<order::OrderItem>>, DomainError> {
    let mut items: BTreeMap<i64, Vec<order::OrderItem>> = BTreeMap::new();
    for it in order::items_of_orders(c, order_ids)? {
        items.entry(it.order_id).or_default().push(it);
    }
    Ok(items)
}

/// What a package holds, as the manifest lists it: its units (`line_item_ids`, comma-separated
/// item ids of its order) grouped by SKU, with the routing rule's product code and artwork.
fn package_lines(items: &[order::OrderItem], units: &str, rules: &HashMap<i64, SkuRule>) -> Vec<Line> {
    let units: Vec<i64> = units.split(',').filter_map(|x| x.parse().ok()).collect();
    let mut lines: BTreeMap<(String, String), Line> = BTreeMap::new();
    for it in items.iter().filter(|i| units.contains(&i.id)) {
        let rule = it.rule_id.and_then(|r| rules.get(&r));
        let artwork: Vec<ArtworkRef> = rule
            .map(|r| crate::domain::catalog::rule::artwork_for_line(r, &it.seller_sku))
            .unwrap_or_default()
            .into_iter()
            .map(|a| ArtworkRef {
                placement: a.placement,
                url: a.print_url,
                checksum: a.checksum,
                mockup_url: a.mockup_url,
                file: String::new(),
                thumb: None,
            })
            .collect();
        let line = lines
            .entry((it.seller_sku.clone(), it.sku_name.clone()))
            .or_insert_with(|| Line {
                seller_sku: it.seller_sku.clone(),
                supplier_product_code: rule.map(|r| r.product_code.clone()).unwrap_or_default(),
                variant: it.sku_name.clone(),
                product_name: it.product_name.clone(),
                quantity: 0,
                line_item_ids: Vec::new(),
                artwork,
            });
        line.quantity += 1;
        line.line_item_ids.push(it.tiktok_line_item_id.clone());
    }
    lines.into_values().collect()
}

/// How many packages the manifest reads at a time: a packing's segment (see `pack`).
pub const MANIFEST_CHUNK: i64 = 200;

/// The manifest's entries of the batch's next packages after `after` (a chunk, in position
/// order): three reads per chunk (packages, their orders, their line items).
fn manifest_packages(
    c: &mut AnyConnection,
    ws: i64,
    batch_id: i64,
    rules: &HashMap<i64, SkuRule>,
    names: &print::FileNames,
    head: &ManifestHead,
    after: i64,
) -> Result<Vec<PackageEntry>, DomainError> {
    let members = batch::members_after(c, batch_id, after, MANIFEST_CHUNK)?;
    let order_ids: Vec<i64> = members.iter().map(|(_, p)| p.order_id).collect();
    let orders = order::find_many_in_workspace(c, ws, &order_ids)?;
    let items = items_by_order(c, &order_ids)?;
    let sort = head.profile().sort;
    let mut packages = Vec::with_capacity(members.len());
    for (bp, p) in members {
        let o = orders.get(&p.order_id).ok_or(DomainError::NotFound)?;
        let lines = package_lines(
            items.get(&o.id).map(Vec::as_slice).unwrap_or(&[]),
            &p.line_item_ids,
            rules,
        );
        let package_id = p.tiktok_package_id.clone().unwrap_or_default();
        let tracking_number = p.tracking_number.unwrap_or_default();
        let label_file = names.name(&print::NameParts {
            seller: &head.seller,
            supplier: &head.supplier,
            seq: head.batch,
            position: bp.position,
            order: &o.tiktok_order_id,
            package: &package_id,
            tracking: &tracking_number,
        });
        packages.push(PackageEntry {
            position: bp.position,
            label_file,
            order_id: o.tiktok_order_id.clone(),
            package_id,
            tracking_number,
            carrier: p.carrier.unwrap_or_default(),
            service: p.service_name.unwrap_or_default(),
            ship_by: rfc3339(o.ship_by),
            label_sha256: p.label_sha256.unwrap_or_default(),
            print_group: sort.group(&lines).unwrap_or_default(),
            print_page: 0,
            lines,
        });
    }
    artwork::attach_checked(c, ws, &mut packages, head.profile().artwork)?;
    Ok(packages)
}

/// Tells each order and the supplier's contacts that the batch is out, and starts each label's
/// "published" step (same transaction as the publication).
fn announce(
    c: &mut AnyConnection,
    b: &Batch,
    sup: &Supplier,
    seller: &str,
    files: &pack::PackedFiles,
    base_url: &str,
    due: chrono::NaiveDateTime,
) -> Result<(), DomainError> {
    let link = format!("{base_url}/supplier/batches/{}", b.seq);
    // Each order's timeline and each label's clock, a chunk of the batch at a time.
    let now = crate::db::models::now();
    let mut after = i64::MIN;
    loop {
        let members = batch::members_after(c, b.id, after, 500)?;
        let Some((last, _)) = members.last() else {
            break;
        };
        after = last.position;
        let events: Vec<order::NewEvent> = members
            .iter()
            .map(|(_, p)| {
                // No clock time in the text: a timeline is read in each viewer's zone, and the
                // batch page shows the deadline that way.
                let text = format!(
                    "Label {} handed to {} in batch {} (to acknowledge within {} h)",
                    p.tracking_number.as_deref().unwrap_or_default(),
                    sup.name,
                    b.seq,
                    sup.ack_deadline_hours
                );
                (p.order_id, "batch", text, "podgate", "system")
            })
            .collect();
        order::add_events(c, &events)?;
        for (_, p) in &members {
            step::record(c, p.id, ClockStep::Published, now, "system", &b.created_by)?;
        }
    }
    let earliest = files
        .earliest_ship_by
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.naive_utc());
    for to in sup.contact_emails() {
        let lang = crate::domain::languages::of_recipient(c, sup, &to)?;
        let (subject, body) =
            crate::mail::texts::new_batch(lang, sup, seller, b, files.packages, &link, due, earliest);
        mail::enqueue(c, Some(b.workspace_id), "batch", &to, &subject, &body)?;
    }
    let zip = b.zip_name();
    let api = format!("{base_url}/api/v1/batches/{}", b.seq);
    let data = serde_json::json!({
        "seller": seller,
        "batch": b.seq,
        "packages": files.packages,
        "zip": zip,
        "zip_sha256": files.zip_sha256,
        "zip_bytes": files.zip_bytes,
        "zip_url": format!("{api}/{zip}"),
        "batch_url": api,
        "portal_url": link,
        "ack_due_at": factory_webhooks::rfc3339(due),
        "earliest_ship_by": files.earliest_ship_by,
    });
    factory_webhooks::emit(c, sup.id, WebhookEvent::BatchPublished, data)?;
    Ok(())
}
