//! What must hold after the crash test's kills: labels bought once and stored, batches sealed
//! whole, acknowledgements applied once.

use std::collections::HashMap;
use std::io::Read;

use diesel::prelude::*;
use podgate::domain::batches::SharedFile;
use sha2::Digest;

use super::rig::packings_in;
use super::{Rig, q, sandbox_state};

/// Every package has its label, bought once, stored under its SHA-256.
pub(super) async fn check_labels(rig: &Rig, jobs: &[i64]) {
    let packages = rig.packages(jobs).await;
    let unfinished: Vec<_> = packages
        .iter()
        .filter(|p| p.status.as_str() != "stored")
        .map(|p| (p.id, p.status, p.error_message.clone()))
        .collect();
    assert!(unfinished.is_empty(), "every label stored: {unfinished:?}");
    let state = sandbox_state(&rig.base).await;
    assert_eq!(
        state["purchases"].as_u64().unwrap() as usize,
        packages.len(),
        "one purchase per package across every crash"
    );
    assert_eq!(state["duplicate_labels"], 0);
    for p in &packages {
        let sha = p.label_sha256.as_deref().unwrap();
        // Read through the store: in the node form, from the bucket every node shares.
        let pdf = std::fs::read(rig.services.labels.store.local(sha).await.unwrap()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(hex::encode(sha2::Sha256::digest(&pdf)), sha);
    }
}

/// When both suppliers' labels are all in sealed batches: the packages to acknowledge, by
/// supplier (TikTok package ids).
pub(super) async fn sealed(rig: &Rig) -> Option<Vec<(i64, Vec<String>)>> {
    q(&rig.pool, |c| {
        use podgate::db::schema::{batch_packages as bp, batches as b, packages as p};
        let sealing: i64 = b::table.filter(b::status.eq("sealing")).count().get_result(c)?;
        let loose: i64 = p::table
            .filter(p::status.eq("stored"))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                bp::table.filter(bp::package_id.eq(p::id)),
            )))
            .count()
            .get_result(c)?;
        if sealing > 0 || loose > 0 {
            return Ok(None);
        }
        let rows: Vec<(i64, Option<String>)> = bp::table
            .inner_join(b::table)
            .inner_join(p::table)
            .order(bp::id)
            .select((b::supplier_id, p::tiktok_package_id))
            .load(c)?;
        let mut plan: Vec<(i64, Vec<String>)> = Vec::new();
        for (sup, id) in rows {
            match plan.iter_mut().find(|(s, _)| *s == sup) {
                Some((_, ids)) => ids.push(id.unwrap()),
                None => plan.push((sup, vec![id.unwrap()])),
            }
        }
        Ok(Some(plan))
    })
    .await
}

/// Every batch is sealed whole (its zip matches its checksum, holds each of its labels and is
/// the zip an uninterrupted packing gives),
/// every package is in one batch, and every acknowledgement was applied exactly once.
pub(super) async fn check_batches_and_acks(rig: &Rig) {
    let (batches, members, events) = q(&rig.pool, |c| {
        use podgate::db::schema::{ack_events as e, batch_packages as bp, batches as b};
        let batches: Vec<(i64, String, i64, Option<String>)> = b::table
            .select((b::id, b::status, b::package_count, b::zip_sha256))
            .load(c)?;
        let members: Vec<(i64, i64, i64, String)> = bp::table
            .select((bp::id, bp::batch_id, bp::package_id, bp::ack_status))
            .load(c)?;
        let events: Vec<i64> = e::table.select(e::batch_package_id).load(c)?;
        Ok((batches, members, events))
    })
    .await;
    assert_eq!(batches.len(), 2, "one batch per supplier: {batches:?}");
    for (id, status, count, sha) in &batches {
        assert_eq!(status, "sealed", "batch {id}");
        // In the node form, the sealing node's files come from the bucket.
        for f in [SharedFile::Zip, SharedFile::LabelsPdf] {
            rig.services.batches.local(*id, f).await.unwrap();
        }
        let zip = std::fs::read(podgate::domain::batches::zip_path(&rig.services.batches.dir, *id)).unwrap();
        assert_eq!(
            Some(hex::encode(sha2::Sha256::digest(&zip))),
            *sha,
            "batch {id}'s zip is the one recorded"
        );
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut pdfs = 0;
        for i in 0..archive.len() {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            pdfs += usize::from(f.name().unwrap().starts_with("labels/") && bytes.starts_with(b"%PDF-"));
        }
        let inside = members.iter().filter(|m| m.1 == *id).count();
        assert_eq!(
            (pdfs, inside),
            (*count as usize, *count as usize),
            "batch {id} is whole"
        );
        let mut merged = Vec::new();
        archive
            .by_name("labels.pdf")
            .unwrap()
            .read_to_end(&mut merged)
            .unwrap();
        let pages = lopdf::Document::load_mem(&merged).unwrap().get_pages().len();
        assert_eq!(pages, *count as usize, "batch {id}'s labels.pdf has every label");
        // However many kills its packing went through, the zip is the one an uninterrupted
        // packing of its manifest gives, byte for byte.
        let path = podgate::domain::batches::zip_path(&rig.services.batches.dir, *id);
        let manifest = podgate::domain::batches::read_manifest(&path).unwrap();
        let scratch = tempfile::tempdir().unwrap();
        // On a blocking thread, as a seal packs (with a bucket, its labels are read ahead by a
        // task of the runtime).
        let (store, art, batch) = (
            rig.services.labels.store.clone(),
            rig.services.artwork.store.clone(),
            *id,
        );
        let dir = scratch.path().to_path_buf();
        let again = tokio::task::spawn_blocking(move || {
            let n = manifest.packages.len();
            podgate::domain::batches::pack_manifest(&dir, batch, &manifest, &store, &art, n)
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            Some(again.zip_sha256),
            *sha,
            "batch {id} packed as if never killed"
        );
    }
    let left: Vec<_> = rig.data_dirs().iter().flat_map(|d| packings_in(d)).collect();
    assert!(left.is_empty(), "no packing's segments left behind: {left:?}");
    let mut per_package: HashMap<i64, usize> = HashMap::new();
    for m in &members {
        *per_package.entry(m.2).or_default() += 1;
        assert_eq!(m.3, "accepted", "batch package {} acknowledged", m.0);
        let applied = events.iter().filter(|e| **e == m.0).count();
        assert_eq!(
            applied, 1,
            "batch package {}: its acknowledgement applied once",
            m.0
        );
    }
    assert!(per_package.values().all(|n| *n == 1), "no package in two batches");
}

/// Whether the outbox has nothing left to send.
pub(super) async fn mail_delivered(rig: &Rig) -> bool {
    let pending: i64 = q(&rig.pool, |c| {
        use podgate::db::schema::mail_outbox::dsl::*;
        mail_outbox.filter(status.eq("pending")).count().get_result(c)
    })
    .await;
    pending == 0
}

/// Each batch's announcement was queued once (sealing is claimed once) and reached the real
/// SMTP server; a message arrives twice only when a process died between sending it and
/// recording it (at-least-once), never because two live processes both sent it.
pub(super) async fn check_mail(rig: &Rig) {
    let mails: Vec<(String, String, String, i64)> = q(&rig.pool, |c| {
        use podgate::db::schema::mail_outbox::dsl::*;
        mail_outbox
            .filter(kind.eq("batch"))
            .select((to_addr, subject, status, attempts))
            .load(c)
    })
    .await;
    let to_suppliers: Vec<_> = mails.iter().filter(|m| m.0.starts_with("ops@")).collect();
    assert_eq!(to_suppliers.len(), 2, "one announcement per batch: {mails:?}");
    let delivered = podgate_testkit::mail::delivered(&rig.smtp);
    for (to, subject, status, attempts) in to_suppliers {
        assert_eq!(status, "sent", "{to}: {subject}");
        let copies = delivered
            .iter()
            .filter(|d| d.contains(to.as_str()) && d.contains(subject.as_str()))
            .count();
        assert!(
            copies >= 1 && copies as i64 <= *attempts,
            "{to}: {copies} copies of {subject:?} for {attempts} attempts"
        );
    }
}
