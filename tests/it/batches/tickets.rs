//! The production ticket beside each label: read back by the tools a packing bench would use.
//! `pdftoppm` (poppler) renders the zip's `tickets.pdf`, `zbarimg` (zbar) decodes every
//! barcode on it: each ticket carries its package id (Code 128 and QR) and its label's tracking
//! number, in the labels' order.

use std::process::Command;

use super::*;

/// The barcodes `zbarimg` reads on an image: `(symbology, data)`.
pub(crate) fn decode(png: &std::path::Path) -> Vec<(String, String)> {
    let o = Command::new("zbarimg")
        .args(["-q", "--nodbus"])
        .arg(png)
        .output()
        .expect("zbarimg (Debian zbar-tools)");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Every page of a PDF as a PNG at 200 dpi, rendered by poppler's `pdftoppm`, in page order
/// (the folder lives as long as the first value).
pub(crate) fn pages_of(pdf: &[u8]) -> (tempfile::TempDir, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.pdf");
    std::fs::write(&file, pdf).unwrap();
    let o = Command::new("pdftoppm")
        .args(["-r", "200", "-png"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm (Debian poppler-utils)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pages = pngs_in(dir.path());
    (dir, pages)
}

/// The PNG files of a folder, by name.
pub(crate) fn pngs_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut pngs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pngs.sort();
    pngs
}

/// A PNG's width and height, from its header.
pub(crate) fn png_size(png: &std::path::Path) -> (u32, u32) {
    let b = std::fs::read(png).unwrap();
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    (be(16), be(20))
}

#[rocket::async_test]
async fn every_label_has_a_ticket_whose_codes_a_scanner_reads_back() {
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 4).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "bench@shirtco.example").await;
    let zip = super::print_profile::batch_zip(&app, &sup).await;
    let read = |entry: &str| zip[entry].clone();
    let tickets = read("tickets.pdf");
    let manifest: serde_json::Value = serde_json::from_slice(&read("manifest.json")).unwrap();
    let sums = String::from_utf8(read("SHA256SUMS")).unwrap();
    assert!(
        sums.contains(&format!("{}  tickets.pdf", hex::encode(Sha256::digest(&tickets)))),
        "{sums}"
    );
    let packages = manifest["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 4);

    let (_dir, pages) = pages_of(&tickets);
    assert_eq!(pages.len(), packages.len(), "a ticket per label");
    for (page, p) in pages.iter().zip(packages) {
        assert_eq!(
            png_size(page),
            (800, 1200),
            "4x6 inches at 200 dpi: {}",
            page.display()
        );
        let codes = decode(page);
        let package = p["package_id"].as_str().unwrap().to_string();
        let tracking = p["tracking_number"].as_str().unwrap().to_string();
        for want in [
            ("CODE-128".to_string(), package.clone()),
            ("QR-Code".to_string(), package.clone()),
            ("CODE-128".to_string(), tracking.clone()),
        ] {
            assert!(
                codes.contains(&want),
                "{} lacks {want:?}: {codes:?}",
                page.display()
            );
        }
        assert_eq!(codes.len(), 3, "{codes:?}");
    }
}

/// The packing bench, as a scanner types: one POST per scan.
async fn scan(sup: &TestApp, ticket: &str, code: &str) -> String {
    let page = if ticket.is_empty() {
        "/supplier/batches/1/verify".to_string()
    } else {
        format!("/supplier/batches/1/verify?ticket={ticket}")
    };
    let r = sup
        .post_form(
            &page,
            "/supplier/batches/1/verify",
            &[("ticket", ticket), ("code", code)],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther, "{ticket} then {code}");
    // Where the answer is shown (the address's #fragment is the browser's business).
    let to = r
        .headers()
        .get_one("Location")
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .to_string();
    drop(r);
    sup.get(&to).await.1
}

#[rocket::async_test]
async fn the_packing_bench_packs_a_right_pair_and_calls_out_every_wrong_one() {
    let (app, sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "bench@shirtco.example").await;
    let rows = podgate_testkit::labels::batch_rows(&app, 1).await;
    let pkg = |i: usize| {
        let order = rows[i].1;
        let app = &app;
        async move {
            app.query(move |c| {
                use diesel::prelude::*;
                use podgate::db::schema::packages::dsl::*;
                packages
                    .filter(order_id.eq(order))
                    .select((tiktok_package_id, tracking_number))
                    .first::<(Option<String>, Option<String>)>(c)
            })
            .await
        }
    };
    let (p0, t0) = pkg(0).await;
    let (p1, t1) = pkg(1).await;
    let (p0, t0, p1, t1) = (p0.unwrap(), t0.unwrap(), p1.unwrap(), t1.unwrap());
    let (_, batch) = sup.get("/supplier/batches/1").await;
    assert!(
        batch.contains("href=\"&#x2f;supplier&#x2f;batches&#x2f;1/verify\""),
        "{batch}"
    );

    // A label first: the ticket comes first.
    let page = scan(&sup, "", &t0).await;
    assert!(
        page.contains(&format!("{t0} is a label: scan the production ticket first")),
        "{page}"
    );
    // A ticket, then another package's label: red, and nothing recorded.
    let page = scan(&sup, "", &p0).await;
    assert!(
        page.contains("Ticket found: now scan its label.") && page.contains("id=\"verify-waiting\""),
        "{page}"
    );
    let page = scan(&sup, &p0, &t1).await;
    assert!(page.contains("data-outcome=\"error\""), "{page}");
    assert!(
        page.contains(&format!(
            "WRONG LABEL: this label is package {p1}&#x27;s (batch 1), not {p0}&#x27;s."
        )),
        "{page}"
    );
    let status = |row: i64| {
        let app = &app;
        async move {
            app.query(move |c| {
                use diesel::prelude::*;
                use podgate::db::schema::batch_packages::dsl::*;
                batch_packages.find(row).select(ack_status).first::<String>(c)
            })
            .await
        }
    };
    assert_eq!(status(rows[0].0).await, "pending");
    // The right pair: green, packed, on the dispatch clock and the answer history.
    let page = scan(&sup, &p0, &t0).await;
    assert!(page.contains("data-outcome=\"success\""), "{page}");
    assert!(
        page.contains(&format!("Right label: package {p0} is recorded as packed.")),
        "{page}"
    );
    assert_eq!(status(rows[0].0).await, "packed");
    // The same pair again: called out, nothing recorded twice.
    let page = scan(&sup, &p0, &t0).await;
    assert!(
        page.contains("data-outcome=\"warning\"") && page.contains("was already packed"),
        "{page}"
    );
    let events = app
        .query(move |c| {
            use diesel::prelude::*;
            use podgate::db::schema::ack_events::dsl::*;
            ack_events
                .filter(status.eq("packed"))
                .count()
                .get_result::<i64>(c)
        })
        .await;
    assert_eq!(events, 1, "one packed answer, whatever the scans");
    // Something that is nobody's package.
    let page = scan(&sup, "", "NOT-A-PACKAGE").await;
    assert!(page.contains("NOT-A-PACKAGE is no package of yours"), "{page}");
    // A package whose order was cancelled after sealing is never packed.
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[2]).await;
    let (p2, t2) = pkg(2).await;
    let (p2, t2) = (p2.unwrap(), t2.unwrap());
    let page = scan(&sup, &p2, &t2).await;
    assert!(
        page.contains("data-outcome=\"error\"") && page.contains("has a pull request"),
        "{page}"
    );
    assert_eq!(status(rows[2].0).await, "pending");
    let _ = t1;
}

#[rocket::async_test]
async fn a_supplier_who_prints_pairs_gets_each_ticket_followed_by_its_label() {
    let (app, _sb, shirts, _) = routed_app().await;
    let (status, body) = super::print_profile::set_profile(&app, shirts, &[("print_layout", "pairs")]).await;
    assert_eq!(status, Status::SeeOther, "{body}");
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "bench@shirtco.example").await;
    let (_, home) = sup.get("/supplier").await;
    assert!(
        home.contains("one file, print.pdf: each production ticket followed by its label"),
        "{home}"
    );
    let name = podgate_testkit::labels::zip_name(&app, 1).await;
    let bytes = sup
        .client
        .get(format!("/supplier/batches/1/{name}"))
        .dispatch()
        .await
        .into_bytes()
        .await
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert!(zip.by_name("tickets.pdf").is_err(), "one file, not two");
    let mut print = Vec::new();
    zip.by_name("print.pdf").unwrap().read_to_end(&mut print).unwrap();
    let mut json = Vec::new();
    zip.by_name("manifest.json")
        .unwrap()
        .read_to_end(&mut json)
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(manifest["print_layout"], "pairs");
    let (_dir, pages) = pages_of(&print);
    let packages = manifest["packages"].as_array().unwrap();
    assert_eq!(
        pages.len(),
        2 * packages.len(),
        "a ticket and a label per package"
    );
    for (pair, p) in pages.chunks(2).zip(packages) {
        let package = p["package_id"].as_str().unwrap().to_string();
        let tracking = p["tracking_number"].as_str().unwrap().to_string();
        let ticket = decode(&pair[0]);
        assert!(
            ticket.contains(&("QR-Code".to_string(), package.clone())),
            "{ticket:?}"
        );
        let label = decode(&pair[1]);
        assert!(
            label.contains(&("CODE-128".to_string(), tracking.clone()))
                && !label.iter().any(|c| c.0 == "QR-Code"),
            "the label follows its ticket: {label:?}"
        );
    }
}
