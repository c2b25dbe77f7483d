//! A supplier's print profile, as its factory would check it: the batch prints in runs of one
//! product and placement, each after a separator page; tickets on A6; labels named by the
//! seller's template; and ZPL for a 203 or 300 dpi thermal printer, read back by a third party
//! (`zebrafy`, from PyPI, turns the graphic fields into images; `zbarimg` reads the barcodes).

use std::process::Command;

use super::tickets::{decode, pages_of, png_size, pngs_in};
use super::*;

/// Sets Shirt Co's form, print profile included (`extra` overrides or adds fields).
pub(super) async fn set_profile(app: &TestApp, shirts: i64, extra: &[(&str, &str)]) -> (Status, String) {
    let mut fields = vec![
        ("name", "Shirt Co"),
        ("contacts", "Ops <ops@shirtco.example>"),
        ("ship_from", "1 Factory Way\nReno NV 89502"),
        ("accepted_services", "USPS, UPS"),
        ("packaging", "HOOD 700 12x10x3"),
        ("cutoff_times", "10:00, 15:00"),
        ("time_zone", "America/Los_Angeles"),
        ("ack_deadline_hours", "24"),
    ];
    fields.extend_from_slice(extra);
    let page = format!("/suppliers/{shirts}");
    let r = app.post_form(&page, &page, &fields).await;
    let status = r.status();
    (status, r.into_string().await.unwrap_or_default())
}

/// Batch 1's zip as the supplier downloads it: its entries by name.
pub(super) async fn batch_zip(app: &TestApp, sup: &TestApp) -> std::collections::BTreeMap<String, Vec<u8>> {
    let name = podgate_testkit::labels::zip_name(app, 1).await;
    let r = sup
        .client
        .get(format!("/supplier/batches/1/{name}"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    zip_entries(&r.into_bytes().await.unwrap()).into_iter().collect()
}

/// The images `zebrafy` makes of a ZPL file's graphic fields, as PNG files (in order).
pub(super) fn zebrafy_images(zpl: &[u8], dpi: i64) -> (tempfile::TempDir, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.zpl");
    std::fs::write(&file, zpl).unwrap();
    let script = "import sys\nfrom zebrafy import ZebrafyZPL\n\
        imgs = ZebrafyZPL(open(sys.argv[1]).read(), dpi=int(sys.argv[3])).to_images()\n\
        for i, im in enumerate(imgs): im.save(f'{sys.argv[2]}/g{i:04}.png')\n\
        print(len(imgs))";
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(&file)
        .arg(dir.path())
        .arg(dpi.to_string())
        .output()
        .expect("python3 with zebrafy (PyPI)");
    assert!(
        o.status.success(),
        "zebrafy: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let pngs = pngs_in(dir.path());
    (dir, pngs)
}

/// Each `^XA…^XZ` format of a ZPL file.
pub(super) fn formats(zpl: &[u8]) -> Vec<String> {
    String::from_utf8(zpl.to_vec())
        .unwrap()
        .split("^XZ")
        .filter(|f| f.contains("^XA"))
        .map(str::to_string)
        .collect()
}

/// The text `pdftotext` finds on a PDF page (1-based).
fn page_text(pdf: &[u8], page: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.pdf");
    std::fs::write(&file, pdf).unwrap();
    let o = Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string(), "-layout"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils)");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[rocket::async_test]
async fn a_batch_prints_in_product_runs_on_a6_with_the_seller_s_names_and_203_dpi_zpl() {
    let (app, _sb, shirts, _) = routed_app().await;
    let template = "{seller}-{supplier}-{seq}-{order}-{package}";
    let (s, body) = set_profile(
        &app,
        shirts,
        &[
            ("print_layout", "separate"),
            ("print_sort", "product"),
            ("page_size", "a6"),
            ("label_file_template", template),
            ("zpl_dpi", "203"),
        ],
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let ids = orders_for(&app, shirts, 8).await;
    buy(&app, &ids).await;
    // Each label was converted when it was bought, not left for the seal.
    let shas: Vec<Option<String>> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::packages::dsl::*;
            packages.select(label_sha256).load(c)
        })
        .await;
    assert_eq!(shas.iter().flatten().count(), 8);
    for sha in shas.iter().flatten() {
        let kept = app.services.labels.store.zpl_path(sha, 203);
        assert!(kept.exists(), "{} converted at purchase", kept.display());
    }
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "floor@shirtco.example").await;
    let (_, home) = sup.get("/supplier").await;
    for shown in [
        "in runs of one product and placement",
        "A6 (105x148 mm)",
        "203 dpi, beside the PDFs",
    ] {
        assert!(home.contains(shown), "the supplier sees its profile: {shown}");
    }
    let zip = batch_zip(&app, &sup).await;
    let manifest: serde_json::Value = serde_json::from_slice(&zip["manifest.json"]).unwrap();
    assert_eq!(manifest["print_sort"], "product");
    assert_eq!(manifest["page_size"], "a6");
    assert_eq!(manifest["zpl_dpi"], 203);
    let packages = manifest["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 8);

    // Runs: each group together, in group order, mixed packages last; a group is what the
    // package's lines say (product code and placements).
    let groups: Vec<&str> = packages
        .iter()
        .map(|p| p["print_group"].as_str().unwrap())
        .collect();
    for (p, g) in packages.iter().zip(&groups) {
        let lines = p["lines"].as_array().unwrap();
        let own: std::collections::BTreeSet<String> = lines
            .iter()
            .map(|l| {
                let placements: Vec<&str> = l["artwork"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["placement"].as_str().unwrap())
                    .collect();
                format!(
                    "{}, {}",
                    l["supplier_product_code"].as_str().unwrap(),
                    placements.join(" + ")
                )
            })
            .collect();
        if own.len() == 1 {
            assert_eq!(own.first().unwrap(), g);
        } else {
            assert_eq!(*g, "Mixed packages");
        }
    }
    let mut runs: Vec<&str> = groups.clone();
    runs.dedup();
    let mut sorted = runs.clone();
    sorted.sort_by_key(|g| (*g == "Mixed packages", g.to_string()));
    sorted.dedup();
    assert_eq!(runs, sorted, "one run per group, in order: {groups:?}");
    assert!(
        runs.len() >= 2,
        "the sandbox's tees and hoodies make two runs at least: {groups:?}"
    );

    // Names from the template, in the zip and its checksums.
    let sums = String::from_utf8(zip["SHA256SUMS"].clone()).unwrap();
    for p in packages {
        let want = format!(
            "Demo_Prints-Shirt_Co-1-{}-{}.pdf",
            p["order_id"].as_str().unwrap(),
            p["package_id"].as_str().unwrap()
        );
        let seller = app
            .query(|c| {
                use diesel::prelude::*;
                podgate::db::schema::workspaces::table
                    .select(podgate::db::schema::workspaces::name)
                    .first::<String>(c)
            })
            .await;
        let want = want.replace("Demo_Prints", &seller.replace(' ', "_"));
        assert_eq!(p["label_file"], want.as_str());
        assert!(zip.contains_key(&format!("labels/{want}")));
        assert!(sums.contains(&format!("  labels/{want}")));
    }
    for f in ["tickets.zpl", "labels.zpl", "tickets.pdf"] {
        assert!(
            sums.contains(&format!("{}  {f}", hex::encode(Sha256::digest(&zip[f])))),
            "{f} in SHA256SUMS"
        );
    }

    // tickets.pdf: a separator page before each run, then its tickets; A6 pages; each
    // package's print_page is its own ticket.
    let tickets = &zip["tickets.pdf"];
    let (_dir, pages) = pages_of(tickets);
    assert_eq!(pages.len(), packages.len() + runs.len());
    for page in &pages {
        assert_eq!(png_size(page), (827, 1166), "A6 at 200 dpi: {}", page.display());
    }
    let mut seen = std::collections::BTreeSet::new();
    for p in packages {
        let at = p["print_page"].as_u64().unwrap() as usize;
        seen.insert(at);
        let codes = decode(&pages[at - 1]);
        assert!(
            codes.contains(&(
                "QR-Code".to_string(),
                p["package_id"].as_str().unwrap().to_string()
            )),
            "page {at}: {codes:?}"
        );
    }
    let separators: Vec<usize> = (1..=pages.len()).filter(|n| !seen.contains(n)).collect();
    assert_eq!(separators.len(), runs.len());
    for (i, (n, g)) in separators.iter().zip(&runs).enumerate() {
        assert!(
            decode(&pages[n - 1]).is_empty(),
            "a separator has no code to confuse a scanner"
        );
        let text = page_text(tickets, *n);
        let count = groups.iter().filter(|x| *x == g).count();
        assert!(
            text.contains(&format!("NEXT RUN {} of {}", i + 1, runs.len()))
                || text.contains(&format!("NEXT RUN  {} of {}", i + 1, runs.len())),
            "{text}"
        );
        assert!(text.contains(&format!("{count} package")), "{text}");
    }

    // labels.zpl: a graphic field per label, in print order, 4x6 in at 203 dpi, whose barcode
    // zbar reads as the tracking number.
    let (_zdir, images) = zebrafy_images(&zip["labels.zpl"], 203);
    assert_eq!(images.len(), packages.len());
    for (img, p) in images.iter().zip(packages) {
        assert_eq!(
            png_size(img),
            (816, 1218),
            "4x6 in at 203 dpi (812 dots, rows in whole bytes)"
        );
        let codes = decode(img);
        let tracking = p["tracking_number"].as_str().unwrap().to_string();
        assert!(
            codes.iter().any(|(_, v)| *v == tracking),
            "{tracking} on {}: {codes:?}",
            img.display()
        );
    }
    // tickets.zpl: native fields, the same runs: a separator format then ticket formats whose
    // codes carry the package id and tracking number.
    let t = formats(&zip["tickets.zpl"]);
    assert_eq!(t.len(), packages.len() + runs.len());
    let tickets_only: Vec<&String> = t.iter().filter(|f| !f.contains("NEXT RUN")).collect();
    for (f, p) in tickets_only.iter().zip(packages) {
        let (package, tracking) = (
            p["package_id"].as_str().unwrap(),
            p["tracking_number"].as_str().unwrap(),
        );
        assert!(f.contains(&format!("^BCN,140,Y,N,N,A^FH^FD{package}^FS")), "{f}");
        assert!(f.contains(&format!("^BQN,2,5^FH^FDMA,{package}^FS")), "{f}");
        assert!(f.contains(&format!("^FD{tracking}^FS")), "{f}");
        assert!(f.contains("^PW812") && f.contains("^LL1218"));
    }
}

#[rocket::async_test]
async fn pairs_at_300_dpi_interleave_ticket_and_label_and_a_bad_profile_names_every_field() {
    let (app, _sb, shirts, _) = routed_app().await;
    let (s, body) = set_profile(
        &app,
        shirts,
        &[
            ("print_layout", "pairs"),
            ("print_sort", "by colour"),
            ("page_size", "A4"),
            ("label_file_template", "labels/{order}"),
            ("zpl_dpi", "600"),
        ],
    )
    .await;
    assert_eq!(s, Status::UnprocessableEntity, "refused, the form shown again");
    for (field, said) in [
        ("print_sort", "Choose the print order"),
        ("page_size", "Choose the tickets&#x27; page size"),
        ("label_file_template", "cannot be part of a file name"),
        ("zpl_dpi", "203 or 300 dpi"),
    ] {
        assert!(body.contains(&format!("id=\"e-{field}\"")), "{field} named");
        assert!(body.contains(said), "{said}: {body}");
    }
    assert!(
        body.contains("value=\"labels&#x2f;{order}\""),
        "what was typed is kept"
    );
    let (s, body) = set_profile(&app, shirts, &[("print_layout", "pairs"), ("zpl_dpi", "300")]).await;
    assert_eq!(s, Status::SeeOther, "{body}");

    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "floor@shirtco.example").await;
    let zip = batch_zip(&app, &sup).await;
    assert!(
        !zip.contains_key("labels.zpl") && !zip.contains_key("tickets.zpl"),
        "pairs: one file"
    );
    let manifest: serde_json::Value = serde_json::from_slice(&zip["manifest.json"]).unwrap();
    let packages = manifest["packages"].as_array().unwrap();
    let print = formats(&zip["print.zpl"]);
    assert_eq!(
        print.len(),
        2 * packages.len(),
        "no runs by ship-by: ticket, label, ticket, label…"
    );
    let (_zdir, images) = zebrafy_images(&zip["print.zpl"], 300);
    assert_eq!(images.len(), packages.len(), "a graphic field per label");
    for (i, p) in packages.iter().enumerate() {
        let package = p["package_id"].as_str().unwrap();
        assert!(
            print[2 * i].contains(&format!("^FDMA,{package}^FS")),
            "ticket {i} first"
        );
        assert!(
            print[2 * i + 1].contains("^GFA,") && print[2 * i + 1].contains(":Z64:"),
            "then its label"
        );
        assert_eq!(png_size(&images[i]), (1200, 1800), "4x6 in at 300 dpi");
        let tracking = p["tracking_number"].as_str().unwrap().to_string();
        assert!(decode(&images[i]).iter().any(|(_, v)| *v == tracking));
        assert_eq!(
            p["print_page"].as_u64().unwrap(),
            2 * i as u64 + 1,
            "print.pdf: ticket, label, …"
        );
    }
}
