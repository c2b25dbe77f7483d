//! Handoff batches end to end: the seller publishes, the supplier downloads (whole and resumed)
//! and acknowledges, the seller sees every outcome; the zip's contents, checksums and
//! determinism; isolation between suppliers; the factory API; mail through a real SMTP server.

use std::io::Read;
use std::process::Command;

use rocket::http::{Header, Status};
use sha2::{Digest, Sha256};

use podgate_testkit::TestApp;
use podgate_testkit::labels::{buy, orders_for, publish};
use podgate_testkit::suppliers::{routed_app, supplier_user};

fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

#[rocket::async_test]
async fn a_published_batch_is_a_checked_deterministic_zip_the_supplier_downloads_and_answers() {
    let (app, _sb, shirts, mugs) = routed_app().await;
    let ids = orders_for(&app, shirts, 4).await;
    let mug_ids = orders_for(&app, mugs, 1).await;
    buy(&app, &[ids.clone(), mug_ids].concat()).await;
    let (_, dash) = app.get("/batches").await;
    assert!(dash.contains("Publish now"), "{dash}");
    let page = publish(&app, shirts).await;
    publish(&app, mugs).await;
    let batch_id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();

    // The zip: every label, the merged PDF, both manifests, checksums over all of them.
    let b = app
        .query(move |c| podgate::db::models::batch::find(c, batch_id))
        .await;
    assert_eq!((b.seq, b.package_count, b.status.as_str()), (1, 4, "sealed"));
    let zpath = app.services.batches.zip_path(&b);
    let bytes = std::fs::read(&zpath).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&bytes)), b.zip_sha256.clone().unwrap());
    let unzip = Command::new("unzip").arg("-t").arg(&zpath).output().unwrap();
    assert!(
        unzip.status.success(),
        "{}",
        String::from_utf8_lossy(&unzip.stdout)
    );
    let entries = zip_entries(&bytes);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 9, "{names:?}");
    assert!(
        names[..4]
            .iter()
            .all(|n| n.starts_with("labels/000") && n.ends_with(".pdf"))
    );
    assert_eq!(
        &names[4..],
        [
            "labels.pdf",
            "tickets.pdf",
            "manifest.csv",
            "manifest.json",
            "SHA256SUMS"
        ]
    );
    let sums = String::from_utf8(entries[8].1.clone()).unwrap();
    for (name, body) in &entries[..8] {
        let line = format!("{}  {name}", hex::encode(Sha256::digest(body)));
        assert!(sums.lines().any(|l| l == line), "{name} checksum in {sums}");
    }
    let manifest: podgate::domain::batches::Manifest = serde_json::from_slice(&entries[7].1).unwrap();
    assert_eq!(manifest.packages.len(), 4);
    // Written a package at a time, laid out as the whole document pretty-printed.
    let mut pretty = serde_json::to_vec_pretty(&manifest).unwrap();
    pretty.push(b'\n');
    assert_eq!(
        String::from_utf8_lossy(&entries[7].1),
        String::from_utf8_lossy(&pretty)
    );
    let merged = lopdf::Document::load_mem(&entries[4].1).unwrap();
    assert_eq!(
        merged.get_pages().len(),
        4,
        "one page per label, in manifest order"
    );
    for (i, p) in manifest.packages.iter().enumerate() {
        let text = merged.extract_text(&[i as u32 + 1]).unwrap();
        assert!(
            text.contains(&p.tracking_number),
            "page {} is {}'s label: {text}",
            i + 1,
            p.tracking_number
        );
        assert_eq!(p.label_file, names[i].trim_start_matches("labels/"));
        assert!(p.lines.iter().all(|l| !l.seller_sku.is_empty() && l.quantity > 0));
    }
    let csv = String::from_utf8(entries[6].1.clone()).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("batch,position,order_id,package_id,tracking_number,carrier,service,ship_by,seller_sku,supplier_product_code"));
    assert!(header.contains("artwork_front_url"), "{header}");
    assert!(csv.contains("https://cdn.example.com/print/"));
    // Packing the same batch again gives the same bytes.
    let again = tempfile::tempdir().unwrap();
    let store = app.services.labels.store.clone();
    let re = podgate::domain::batches::pack_manifest(
        again.path(),
        b.id,
        &manifest,
        &store,
        &app.services.artwork.store,
        64,
    )
    .unwrap();
    assert_eq!(re.zip_sha256, b.zip_sha256.clone().unwrap(), "deterministic");

    // The supplier's contacts are told (queued in the outbox; delivery is tested below).
    // The mail names the seller (a factory serving several sellers must tell whose labels
    // these are) and its times are in the supplier's zone, named, never raw ISO strings.
    let mail: Vec<(String, String, String)> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::mail_outbox::dsl::*;
            mail_outbox
                .filter(kind.eq("batch"))
                .select((to_addr, subject, body))
                .load(c)
        })
        .await;
    let (_, subject, text) = mail
        .iter()
        .find(|m| m.0 == "ops@shirtco.example")
        .unwrap_or_else(|| panic!("{mail:?}"));
    assert_eq!(subject, "Acme Prints: new batch 1 for Shirt Co, 4 label(s)");
    assert!(text.contains("Acme Prints sent you batch 1"), "{text}");
    assert!(text.contains(&b.zip_name()), "{text}");
    let due = {
        use chrono::TimeZone;
        let la: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
        la.from_utc_datetime(&b.ack_due_at.unwrap())
            .format("%a %-d %b %Y, %H:%M %Z")
            .to_string()
    };
    assert!(due.ends_with("PST") || due.ends_with("PDT"), "{due}");
    assert!(text.contains(&format!("Please acknowledge by {due}.")), "{text}");
    assert!(text.contains("The first package must ship by "), "{text}");
    let iso = text.as_bytes().windows(11).any(|w| {
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10) && w[10] == b'T'
    });
    assert!(
        !iso && !text.contains(" UTC"),
        "no raw ISO or UTC time in a supplier's mail: {text}"
    );
    // The manifest says whose batch it is, in JSON and on every CSV row.
    assert_eq!(manifest.head.seller, "Acme Prints");
    assert!(
        header.ends_with(",seller,print_group,print_page")
            || header.contains(",seller,print_group,print_page,artwork_"),
        "{header}"
    );
    assert!(csv.lines().skip(1).all(|l| l.contains(",Acme Prints")), "{csv}");

    // The supplier sees only its own batch and downloads it in two parts (a resumed download).
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let (_, portal) = sup.get("/supplier").await;
    assert!(
        portal.contains("Shirt Co for <strong>Acme Prints</strong>"),
        "the header says whose portal this is: {portal}"
    );
    // Times on the portal are in the supplier's zone, named (the script keeps that zone).
    let sealed = {
        use chrono::TimeZone;
        let la: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
        la.from_utc_datetime(&b.sealed_at.unwrap())
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    };
    assert!(
        portal.contains(&format!("data-zone=\"America/Los_Angeles\">{sealed}</time>")),
        "{portal}"
    );
    let (_, seller_batches) = app.get("/batches").await;
    assert!(
        seller_batches.contains(" UTC</time>") && !seller_batches.contains("data-zone"),
        "the seller's pages leave the zone to the browser: {seller_batches}"
    );
    assert!(
        portal.contains("Batch 1") && portal.contains("<strong>new</strong>"),
        "{portal}"
    );
    assert_eq!(
        sup.get(&page).await.0,
        Status::Forbidden,
        "the seller's page is not theirs"
    );
    let (s, mine) = sup.get("/supplier/batches/1").await;
    assert_eq!(s, Status::Ok);
    assert!(!mine.contains("Mug Works"));
    assert_eq!(sup.get("/supplier/batches/2").await.0, Status::NotFound);
    // The file's name says whose batch it is, for a factory serving several sellers: seller,
    // supplier, number and the day it was sealed in the supplier's zone.
    let zip = b.zip_name();
    let day = {
        use chrono::TimeZone;
        let la: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
        la.from_utc_datetime(&b.sealed_at.unwrap()).date_naive()
    };
    assert_eq!(zip, format!("acme-prints-shirt-co-0001-{day}.zip"));
    assert!(mine.contains(&zip), "the batch page names the file: {mine}");
    let url = format!("/supplier/batches/1/{zip}");
    let url = url.as_str();
    let r = sup
        .client
        .get(url)
        .header(Header::new("Range", "bytes=0-99"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::PartialContent);
    assert_eq!(
        r.headers().get_one("Content-Range"),
        Some(format!("bytes 0-99/{}", bytes.len()).as_str())
    );
    let mut got = r.into_bytes().await.unwrap();
    assert_eq!(got.len(), 100);
    let r = sup
        .client
        .get(url)
        .header(Header::new("Range", "bytes=100-"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::PartialContent);
    got.extend(r.into_bytes().await.unwrap());
    assert_eq!(got, bytes, "the two parts make the zip");
    let r = sup
        .client
        .get(url)
        .header(Header::new("Range", format!("bytes={}-", bytes.len())))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::RangeNotSatisfiable);
    let (_, sha_line) = sup.get(&format!("{url}.sha256")).await;
    assert_eq!(sha_line, format!("{}  {zip}\n", b.zip_sha256.clone().unwrap()));
    // Scripts written for the names before still fetch the same file.
    let old = sup.client.get("/supplier/batches/1/batch-1.zip").dispatch().await;
    assert_eq!(
        old.into_bytes().await.unwrap(),
        bytes,
        "batch-1.zip is the same zip"
    );
    let r = sup.client.get("/supplier/batches/1/labels.pdf").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    assert!(r.into_bytes().await.unwrap().starts_with(b"%PDF-"));
    let (_, seller_view) = app.get(&page).await;
    assert!(
        seller_view.contains("partial (bytes 0+100)")
            && seller_view.contains(&format!("pat@shirtco.example via web · {zip} · complete")),
        "{seller_view}"
    );

    // Answers: three accepted, one rejected (a reason is required), all on the orders.
    let rows: Vec<i64> = app
        .query(move |c| {
            Ok(podgate::db::models::batch::members(c, batch_id)?
                .into_iter()
                .map(|(bp, _)| bp.id)
                .collect())
        })
        .await;
    let ack = |row: i64, status: &'static str, reason: &'static str| {
        let sup = &sup;
        async move {
            podgate_testkit::suppliers::answer(sup, row, status, reason).await;
            sup.get("/supplier/batches/1").await.1
        }
    };
    let p = ack(rows[3], "rejected", "").await;
    assert!(
        p.contains("a rejection needs a reason") && p.contains("Nothing was changed"),
        "{p}"
    );
    for r in &rows[..3] {
        ack(*r, "accepted", "").await;
    }
    ack(rows[3], "rejected", "Artwork file is 72 dpi").await;
    let p = ack(rows[0], "accepted", "").await;
    assert!(p.contains("Already recorded; nothing changed"));
    let p = ack(rows[0], "shipped", "").await;
    assert!(
        p.contains("accepted → <strong>shipped</strong>"),
        "a change is recorded beside the first answer"
    );
    let (_, order_page) = app.get(&format!("/orders/{}", ids[0])).await;
    assert!(
        order_page.contains("Shirt Co accepted package") && order_page.contains("Shirt Co shipped package")
    );
    assert!(order_page.contains("changed from accepted"));
    let (_, dash) = app.get("/batches").await;
    assert!(
        dash.contains("Artwork file is 72 dpi"),
        "the rejection is on the dashboard"
    );
    let owner_mail: i64 = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::mail_outbox::dsl::*;
            mail_outbox
                .filter(kind.eq("rejection"))
                .filter(to_addr.eq("owner@example.com"))
                .count()
                .get_result(c)
        })
        .await;
    assert_eq!(owner_mail, 1);

    // The rejected package goes to Mug Works (which makes tees and hoodies too, at a priority
    // that never wins routing, from the same address): its label joins Mug Works' next batch.
    let (s, body) = podgate_testkit::suppliers::import_csv(
        &app,
        &format!(
            "{}TEE,prefix,900,Mug Works,MW-T,,,,,,\nHOOD,prefix,900,Mug Works,MW-H,,,,,,\n",
            podgate_testkit::suppliers::CATALOG
        ),
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let pkg: i64 = app
        .query(move |c| Ok(podgate::db::models::batch::members(c, batch_id)?.remove(3).1.id))
        .await;
    let r = app
        .post_form(
            &page,
            &format!("/packages/{pkg}/reroute"),
            &[("supplier", &mugs.to_string())],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let next = publish(&app, mugs).await;
    let (_, p) = app.get(&next).await;
    assert!(p.contains("Mug Works · batch 2"), "{p}");
}

#[rocket::async_test]
async fn cut_offs_seal_once_each_and_late_acknowledgements_are_reported_once() {
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids[..2]).await;
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    let batches = &app.services.batches;
    // Shirt Co's cut-offs are 10:00 and 15:00 in Los Angeles (18:00 and 23:00 UTC in winter).
    batches.tick(at("2030-01-10 18:05")).await.unwrap();
    batches.tick(at("2030-01-10 18:06")).await.unwrap();
    buy(&app, &ids[2..]).await;
    batches.tick(at("2030-01-10 18:07")).await.unwrap();
    let sealed: Vec<(i64, i64, Option<chrono::NaiveDateTime>)> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::batches::dsl::*;
            batches.order(id).select((seq, package_count, cutoff_at)).load(c)
        })
        .await;
    assert_eq!(
        sealed,
        vec![(1, 2, Some(at("2030-01-10 18:00")))],
        "one batch per cut-off"
    );
    batches.tick(at("2030-01-10 23:01")).await.unwrap();
    let counts: Vec<i64> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::batches::dsl::*;
            batches.order(id).select(package_count).load(c)
        })
        .await;
    assert_eq!(counts, [2, 1], "the next cut-off takes what came after");
    // Nobody acknowledged within 24 hours: the owner is told, once.
    batches.tick(at("2030-01-12 00:00")).await.unwrap();
    batches.tick(at("2030-01-12 00:05")).await.unwrap();
    let overdue: Vec<String> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::mail_outbox::dsl::*;
            mail_outbox.filter(kind.eq("overdue")).select(subject).load(c)
        })
        .await;
    assert_eq!(overdue.len(), 2, "one message per late batch: {overdue:?}");
    assert!(overdue[0].contains("has not acknowledged batch"));
}

mod artwork;
mod factory_api;
mod find;
mod languages;
mod mail;
mod print_profile;
mod production;
mod resume;
mod spreadsheets;
pub(crate) mod tickets;
mod webhooks;

/// Signs in again from a browser whose zone is `zone` (the page script's cookie).
async fn sign_in_from_zone(app: &TestApp, zone: &str) {
    let browser = TestApp::reuse(app).await;
    let token = browser.csrf("/login").await;
    let r = browser
        .client
        .post("/login")
        .header(rocket::http::ContentType::Form)
        .cookie(rocket::http::Cookie::new("podgate_tz", zone.replace('/', "%2F")))
        .body(podgate_testkit::form_body(&[
            ("csrf_token", &token),
            ("email", "owner@example.com"),
            ("password", podgate_testkit::OWNER_PASSWORD),
        ]))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn a_sellers_mail_names_times_in_their_own_zone() {
    let (app, _sb, shirts, _) = routed_app().await;
    let zone_of_owner =
        || app.query(|c| podgate::db::models::user::User::find_by_email(c, "owner@example.com"));
    // The zone comes from the browser at sign-in …
    sign_in_from_zone(&app, "America/Chicago").await;
    assert_eq!(zone_of_owner().await.unwrap().time_zone, "America/Chicago");
    // … and a late batch's mail names its deadline there, not in UTC.
    let ids = orders_for(&app, shirts, 1).await;
    buy(&app, &ids).await;
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    app.services.batches.tick(at("2030-01-10 18:05")).await.unwrap();
    app.services.batches.tick(at("2030-01-12 00:00")).await.unwrap();
    let body: String = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::mail_outbox::dsl::*;
            mail_outbox.filter(kind.eq("overdue")).select(body).first(c)
        })
        .await;
    let due = app
        .query(|c| podgate::db::models::batch::find(c, 1))
        .await
        .ack_due_at
        .unwrap();
    let chicago = due
        .and_utc()
        .with_timezone(&chrono_tz::America::Chicago)
        .format("%a %-d %b %Y, %H:%M CST")
        .to_string();
    assert!(body.contains(&format!("they were due {chicago}.")), "{body}");
    assert!(!body.contains("UTC"), "{body}");

    // A zone chosen on the Account page wins over the browser's.
    let r = app
        .post_form("/account", "/account/time-zone", &[("time_zone", "Mars/Base")])
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    assert!(
        r.into_string()
            .await
            .unwrap()
            .contains("&quot;Mars&#x2f;Base&quot; is not a time zone")
    );
    let r = app
        .post_form(
            "/account",
            "/account/time-zone",
            &[("time_zone", "Europe/Berlin")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    sign_in_from_zone(&app, "America/Chicago").await;
    assert_eq!(zone_of_owner().await.unwrap().time_zone, "Europe/Berlin");
    let (_, page) = app.get("/account").await;
    assert!(
        page.contains("<option selected>Europe&#x2f;Berlin</option>"),
        "{page}"
    );
}
