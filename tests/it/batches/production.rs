//! The batch page as a production view: per package what to make (SKU, product, variant, the
//! artwork of each placement) as the batch's manifest says, its label to look at and print
//! again (recorded on that order only), and an answer refused beside the package it was for.

use super::*;

#[rocket::async_test]
async fn the_batch_page_shows_what_to_make_and_each_label_and_keeps_errors_beside_their_package() {
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let (_, page) = sup.get("/supplier/batches/1").await;

    // What to make: every line of the manifest, with its product, variant and artwork.
    let b = app.query(|c| podgate::db::models::batch::find(c, 1)).await;
    let manifest = podgate::domain::batches::read_manifest(&app.services.batches.zip_path(&b)).unwrap();
    for p in &manifest.packages {
        for l in &p.lines {
            let want = format!("{} × {}", l.quantity, l.seller_sku);
            assert!(page.contains(&want), "missing {want:?}: {page}");
            assert!(
                page.contains(&minijinja_escape(&l.variant)),
                "variant {:?}",
                l.variant
            );
            for a in &l.artwork {
                assert!(page.contains(&minijinja_escape(&a.url)), "artwork {}", a.url);
            }
        }
    }
    assert!(page.contains("class=\"art\""), "artwork thumbnails: {page}");

    // Each package's label: a picture on the page, the PDF to print again.
    let first = &manifest.packages[0];
    let pdf_path = format!("/supplier/batches/1/{}", first.label_file);
    assert!(
        page.contains(&format!("batches&#x2f;1/{}\"", first.label_file)),
        "{page}"
    );
    let png = sup.client.get(pdf_path.replace(".pdf", ".png")).dispatch().await;
    assert_eq!(png.status(), Status::Ok);
    assert_eq!(png.content_type(), Some(rocket::http::ContentType::PNG));
    let png = png.into_bytes().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a picture of the label");
    let pdf = sup.client.get(pdf_path.as_str()).dispatch().await;
    assert_eq!(pdf.status(), Status::Ok);
    let pdf = pdf.into_bytes().await.unwrap();
    let sha = hex::encode(sha2::Sha256::digest(&pdf));
    assert_eq!(sha, first.label_sha256, "the package's own label");
    // Another position's name, or a made-up one, is not found.
    let wrong = first.label_file.replacen("0001-", "0002-", 1);
    assert_eq!(
        sup.client
            .get(format!("/supplier/batches/1/{wrong}"))
            .dispatch()
            .await
            .status(),
        Status::NotFound
    );
    // The reprint is on that order's timeline, and only there.
    let events = |order: String| {
        let app = &app;
        async move {
            let (_, p) = app.order_page(&order).await;
            p.matches("Label downloaded again from batch 1").count()
        }
    };
    assert_eq!(events(first.order_id.clone()).await, 1);
    assert_eq!(events(manifest.packages[1].order_id.clone()).await, 0);

    // A rejection without a reason is refused beside that package, on the page it was sent from.
    let rows = podgate_testkit::labels::batch_rows(&app, 1).await;
    let row = rows[1].0;
    let r = sup
        .post_form(
            "/supplier/batches/1",
            "/supplier/batches/1/ack",
            &[
                ("row", &row.to_string()),
                ("status", "rejected"),
                ("reason", ""),
                ("expected_date", ""),
                ("page", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let to = r.headers().get_one("Location").unwrap().to_string();
    assert_eq!(
        to,
        format!("/supplier/batches/1?page=1#pkg-{row}"),
        "back to the package"
    );
    let (_, page) = sup.get(to.split('#').next().unwrap()).await;
    let at = page
        .find(&format!("id=\"err-{row}\""))
        .expect("the error is in the package's row");
    let row_start = page.find(&format!("id=\"pkg-{row}\"")).unwrap();
    assert!(row_start < at, "inside its row");
    assert!(
        page[at..].contains(&format!(
            "package {}: a rejection needs a reason",
            manifest.packages[1].package_id
        )),
        "names the package"
    );
    // No answer is chosen for anyone: every answer select starts on "Choose an answer".
    assert!(
        !page.contains("<option value=\"accepted\" selected"),
        "no default answer"
    );
}

/// How the page escapes text (minijinja's HTML escaping).
fn minijinja_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}
