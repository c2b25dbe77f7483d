//! On the factory floor a batch page finds a package by what is in hand: a scanned label (USPS
//! barcodes read `420` + ZIP + tracking number), or a typed order, package or tracking number.

use super::*;

#[rocket::async_test]
async fn a_scanned_label_finds_its_package_and_readies_its_answer() {
    let (app, _sb, shirts, mugs) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let rows: Vec<(String, String)> = app
        .query(|c| {
            Ok(podgate::db::models::batch::members(c, 1)?
                .into_iter()
                .map(|(_, p)| {
                    (
                        p.tracking_number.unwrap_or_default(),
                        p.tiktok_package_id.unwrap_or_default(),
                    )
                })
                .collect())
        })
        .await;
    let (tracking, package) = rows[1].clone();
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let (_, page) = sup.get("/supplier/batches/1").await;
    assert!(
        page.contains("id=\"f-find\" name=\"find\"") && page.contains("autofocus"),
        "the field a scanner types into has the focus: {page}"
    );
    // The barcode as a USB scanner types it (USPS: 420, the ZIP code, then the tracking number).
    for code in [
        tracking.clone(),
        format!("42090210{tracking}"),
        format!("  {}  ", tracking.to_lowercase()),
        package.clone(),
    ] {
        let (s, page) = sup
            .get(&format!("/supplier/batches/1?find={}", urlencode(&code)))
            .await;
        assert_eq!(s, Status::Ok);
        assert!(page.contains("1 package(s) match"), "{code:?}: {page}");
        assert_eq!(
            page.matches("class=\"ack-form\"").count(),
            1,
            "only that package: {page}"
        );
        assert!(page.contains(&tracking), "{page}");
        assert!(
            page.contains("name=\"status\" required autofocus"),
            "its answer is ready to choose: {page}"
        );
    }
    let (_, none) = sup.get("/supplier/batches/1?find=9400111").await;
    assert!(none.contains("No package of this batch has"), "{none}");
    assert_eq!(none.matches("class=\"ack-form\"").count(), 0);
    // Another supplier's people find nothing of it (their own batch list has no batch 1).
    let mug = supplier_user(&app, mugs, "mo@mugworks.example").await;
    let (s, _) = mug.get(&format!("/supplier/batches/1?find={tracking}")).await;
    assert_eq!(s, Status::NotFound);
    // The seller's batch page finds the same way.
    let (_, seller) = app.get(&format!("/batches/1?find={tracking}")).await;
    assert!(seller.contains("1 package(s) match"), "{seller}");
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
