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
        assert!(page.contains("1 package matches"), "{code:?}: {page}");
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
    assert!(seller.contains("1 package matches"), "{seller}");
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Selected packages are answered together, all or none: a selection holding a package whose
/// order was cancelled (a pull request) is refused whole, naming why, and nothing is recorded.
#[rocket::async_test]
async fn selected_packages_are_answered_together_or_not_at_all() {
    let (app, sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 4).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let rows = podgate_testkit::labels::batch_rows(&app, 1).await;
    let (_, page) = sup.get("/supplier/batches/1").await;
    assert!(
        page.contains("form=\"ack-selected\""),
        "rows can be selected: {page}"
    );
    let answer = |picked: Vec<i64>, status: &'static str| {
        let sup = &sup;
        async move {
            let csrf = sup.csrf("/supplier/batches/1").await;
            let mut fields: Vec<(&str, String)> = vec![
                ("csrf_token", csrf),
                ("status", status.into()),
                ("reason", String::new()),
                ("expected_date", String::new()),
            ];
            fields.extend(picked.iter().map(|r| ("row", r.to_string())));
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields.iter().map(|(k, v)| (*k, v.as_str())))
                .finish();
            let r = sup
                .client
                .post("/supplier/batches/1/ack")
                .header(rocket::http::ContentType::Form)
                .body(body)
                .dispatch()
                .await;
            assert_eq!(r.status(), Status::SeeOther);
            sup.get("/supplier/batches/1").await.1
        }
    };
    let statuses = || async {
        app.query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::batch_packages::dsl::*;
            batch_packages
                .order(position)
                .select(ack_status)
                .load::<String>(c)
        })
        .await
    };
    let page = answer(vec![rows[0].0, rows[1].0], "accepted").await;
    assert!(page.contains("Recorded: accepted for 2 packages."), "{page}");
    assert_eq!(statuses().await, ["accepted", "accepted", "pending", "pending"]);

    // The buyer cancels the fourth order: "shipped" for the third and fourth is refused whole.
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, rows[3].1).await;
    let page = answer(vec![rows[2].0, rows[3].0], "shipped").await;
    assert!(page.contains("Nothing was changed."), "{page}");
    assert_eq!(statuses().await, ["accepted", "accepted", "pending", "pending"]);
    let page = answer(vec![], "accepted").await;
    assert!(page.contains("Select the packages to answer"), "{page}");
    // A selection that holds an answered package says how many changed.
    let page = answer(vec![rows[1].0, rows[2].0], "accepted").await;
    assert!(
        page.contains("Recorded: accepted for 1 package (1 already had that answer)."),
        "{page}"
    );
}
