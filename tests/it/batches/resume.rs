//! A packing interrupted mid-way (here: a label found corrupt in the middle of the batch, as a
//! kill would stop it) continues from the segments it had packed, and gives the very bytes an
//! uninterrupted seal gave; a segment whose packages changed meanwhile is packed anew.

use super::print_profile::{batch_zip, set_profile};
use super::*;

/// Buys labels for 8 orders of the supplier and seals them: the batch's manifest.
async fn eight_packages_sealed(app: &TestApp, shirts: i64) -> podgate::domain::batches::Manifest {
    let ids = orders_for(app, shirts, 8).await;
    buy(app, &ids).await;
    publish(app, shirts).await;
    let sup = supplier_user(app, shirts, "floor@shirtco.example").await;
    let zip = batch_zip(app, &sup).await;
    serde_json::from_slice(&zip["manifest.json"]).unwrap()
}

#[rocket::async_test]
async fn an_interrupted_packing_continues_from_its_packed_segments_to_the_same_bytes() {
    let (app, _sb, shirts, _) = routed_app().await;
    // Runs with separator pages and ZPL: every counter a segment carries to the next.
    let (s, body) = set_profile(&app, shirts, &[("print_sort", "product"), ("zpl_dpi", "203")]).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let manifest = eight_packages_sealed(&app, shirts).await;
    assert_eq!(manifest.packages.len(), 8);
    let sealed: (i64, String) = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::batches::dsl::*;
            batches.select((id, zip_sha256.assume_not_null())).first(c)
        })
        .await;
    let (store, art) = (
        app.services.labels.store.clone(),
        app.services.artwork.store.clone(),
    );
    let scratch = tempfile::tempdir().unwrap();
    let kept = scratch.path().join(format!("{}.packing", sealed.0));
    let segments = || {
        std::fs::read_dir(&kept)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                    .count()
            })
            .unwrap_or(0)
    };
    // The fifth package's label goes bad on disk: the packing stops in the second segment of
    // three (three packages a segment), with the first one packed and kept.
    let bad = store.path(&manifest.packages[4].label_sha256);
    let good = std::fs::read(&bad).unwrap();
    let pack = |m: &podgate::domain::batches::Manifest| {
        podgate::domain::batches::pack_manifest(scratch.path(), sealed.0, m, &store, &art, 3)
    };
    let interrupt = |m| {
        std::fs::write(&bad, b"%PDF-1.7 torn").unwrap();
        let e = pack(m).unwrap_err();
        assert!(e.to_string().contains("does not match its checksum"), "{e}");
        std::fs::write(&bad, &good).unwrap();
    };
    interrupt(&manifest);
    assert_eq!(segments(), 1, "the first segment is kept");

    let resumed = pack(&manifest).unwrap();
    assert_eq!(
        (resumed.segments, resumed.segments_kept),
        (3, 1),
        "continued after it"
    );
    assert_eq!(
        resumed.zip_sha256, sealed.1,
        "the same bytes as the seal, which packed the batch in one segment"
    );
    assert!(!kept.exists(), "kept segments go once the zip is in place");

    // Interrupted again; meanwhile the first package's quantity changed: nothing kept is read,
    // and the zip says what the packages say now.
    interrupt(&manifest);
    let mut changed = manifest.clone();
    changed.packages[0].lines[0].quantity += 1;
    let repacked = pack(&changed).unwrap();
    assert_eq!((repacked.segments, repacked.segments_kept), (3, 0));
    let again = podgate::domain::batches::read_manifest(&repacked.zip).unwrap();
    assert_eq!(
        again.packages[0].lines[0].quantity,
        manifest.packages[0].lines[0].quantity + 1
    );
}

/// Packs `manifest` as batch 1 into `dir` on a blocking thread, as a seal does (a node that
/// shares a bucket reads its labels ahead in a task of the runtime), three packages a segment.
async fn pack_on_a_blocking_thread(
    dir: &std::path::Path,
    manifest: &podgate::domain::batches::Manifest,
    store: &podgate::domain::labels::LabelStore,
    art: &podgate::domain::artwork::ArtworkStore,
) -> Result<podgate::domain::batches::PackedFiles, String> {
    let (dir, m, store, art) = (dir.to_path_buf(), manifest.clone(), store.clone(), art.clone());
    tokio::task::spawn_blocking(move || {
        podgate::domain::batches::pack_manifest(&dir, 1, &m, &store, &art, 3).map_err(|e| e.to_string())
    })
    .await
    .unwrap()
}

/// With a bucket, the labels are read a segment ahead of the packing. A packing stopped in its
/// third segment and started again after the first package changed packs the first segment
/// anew, keeps the second (passing over the labels it had asked for it) and gives the very
/// bytes a whole packing of the changed batch gives.
#[rocket::async_test]
#[ignore = "needs the Garage server scripts/test starts"]
async fn labels_read_ahead_from_a_bucket_are_passed_over_for_a_kept_segment() {
    let (app, _sb, shirts, _) = routed_app().await;
    let manifest = eight_packages_sealed(&app, shirts).await;
    let store = podgate::domain::labels::LabelStore {
        dir: app.services.labels.store.dir.clone(),
        bucket: podgate::storage::Bucket::open(&podgate_testkit::bucket::config()).unwrap(),
    };
    assert!(store.bucket.is_shared());
    let art = app.services.artwork.store.clone();
    let (scratch, fresh) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let bad = store.path(&manifest.packages[6].label_sha256);
    let good = std::fs::read(&bad).unwrap();
    std::fs::write(&bad, b"%PDF-1.7 torn").unwrap();
    let e = pack_on_a_blocking_thread(scratch.path(), &manifest, &store, &art)
        .await
        .unwrap_err();
    assert!(e.contains("does not match its checksum"), "{e}");
    std::fs::write(&bad, &good).unwrap();

    let mut changed = manifest.clone();
    changed.packages[0].lines[0].quantity += 1;
    let resumed = pack_on_a_blocking_thread(scratch.path(), &changed, &store, &art)
        .await
        .unwrap();
    assert_eq!(
        (resumed.segments, resumed.segments_kept),
        (3, 1),
        "the first segment packed anew, the second kept"
    );
    let whole = pack_on_a_blocking_thread(fresh.path(), &changed, &store, &art)
        .await
        .unwrap();
    assert_eq!(whole.segments_kept, 0);
    assert_eq!(
        resumed.zip_sha256, whole.zip_sha256,
        "the same bytes as a whole packing"
    );
}
