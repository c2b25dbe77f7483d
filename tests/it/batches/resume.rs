//! A packing interrupted mid-way (here: a label found corrupt in the middle of the batch, as a
//! kill would stop it) continues from the segments it had packed, and gives the very bytes an
//! uninterrupted seal gave; a segment whose packages changed meanwhile is packed anew.

use super::print_profile::{batch_zip, set_profile};
use super::*;

#[rocket::async_test]
async fn an_interrupted_packing_continues_from_its_packed_segments_to_the_same_bytes() {
    let (app, _sb, shirts, _) = routed_app().await;
    // Runs with separator pages and ZPL: every counter a segment carries to the next.
    let (s, body) = set_profile(&app, shirts, &[("print_sort", "product"), ("zpl_dpi", "203")]).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let ids = orders_for(&app, shirts, 8).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "floor@shirtco.example").await;
    let zip = batch_zip(&app, &sup).await;
    let manifest: podgate::domain::batches::Manifest = serde_json::from_slice(&zip["manifest.json"]).unwrap();
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
