//! The artwork pre-flight as a seller and a factory meet it: a local server serves good,
//! low-resolution, oversized, slow, redirecting-to-loopback, missing and non-image files; only
//! orders whose every file passes get a label, each other order says why on its page; good
//! files are fetched once; the batch's tickets carry the artwork's thumbnail, and a supplier
//! who asks for files gets each once in the zip, named by its checksum.

use podgate_testkit::art::ArtServer;
use podgate_testkit::suppliers::{add_supplier, import_csv, supplier_user};
use tiktok_sandbox::world::WorldSettings;

use super::print_profile::{batch_zip, formats, set_profile, zebrafy_images};
use super::*;

/// A connected shop with artwork limits small enough to test (1 MiB, 2 s), Shirt Co making
/// everything, and a catalog whose artwork is on `art`.
async fn artwork_app(art: &ArtServer) -> (TestApp, tiktok_sandbox::SandboxHandle, i64) {
    let u = |p: &str| art.url(p);
    let catalog = format!(
        "pattern,match,priority,supplier,product_code,weight_g,length_in,width_in,height_in,front_print_url,front_checksum,back_print_url\n\
TEE-,prefix,100,Shirt Co,G5000,340,10,8,1,{},,{}\n\
HOOD-,prefix,100,Shirt Co,G18500,700,12,10,3,{},,\n\
MUG-,prefix,100,Shirt Co,MUG11,450,6,6,6,{},,\n\
POSTER-,prefix,100,Shirt Co,PST18,200,24,3,3,{},,\n\
TOTE-,prefix,100,Shirt Co,TOTE15,250,15,15,1,{},,{}\n",
        u("/good.png"),
        u("/moved.png"),
        u("/low.png"),
        u("/to-localhost.png"),
        u("/missing.png"),
        u("/big.png"),
        u("/slow.png"),
    );
    catalog_app(&catalog).await
}

/// A catalog that prints `hoodies` on the front of hoodies and `others` on the front of
/// everything else.
fn hoodies_apart(hoodies: &str, others: &str) -> String {
    format!(
        "pattern,match,priority,supplier,product_code,weight_g,length_in,width_in,height_in,front_print_url\n\
TEE-,prefix,100,Shirt Co,G5000,340,10,8,1,{others}\n\
HOOD-,prefix,100,Shirt Co,G18500,700,12,10,3,{hoodies}\n\
MUG-,prefix,100,Shirt Co,MUG11,450,6,6,6,{others}\n\
POSTER-,prefix,100,Shirt Co,PST18,200,24,3,3,{others}\n\
TOTE-,prefix,100,Shirt Co,TOTE15,250,15,15,1,{others}\n"
    )
}

/// A connected shop with artwork limits small enough to test (1 MiB, 2 s), Shirt Co making
/// everything, and this catalog imported.
async fn catalog_app(catalog: &str) -> (TestApp, tiktok_sandbox::SandboxHandle, i64) {
    let (app, sb) = podgate_testkit::shops::connected_with(
        WorldSettings {
            initial_orders: 80,
            ..WorldSettings::default()
        },
        |f| {
            f.merge(("artwork.max_bytes", 1024 * 1024))
                .merge(("artwork.timeout_secs", 2))
        },
    )
    .await;
    let shirts = add_supplier(&app, "Shirt Co", "USPS, UPS", "").await;
    let (s, body) = import_csv(&app, catalog).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    (app, sb, shirts)
}

/// Turns the pre-flight on with the artwork server's address allowed (not "localhost") and a
/// 12x16 in front area at 150 dpi for every product.
async fn allow_artwork_server(app: &TestApp) {
    let r = app
        .post_form(
            "/catalog/artwork",
            "/catalog/artwork",
            &[
                ("check", "on"),
                ("private_hosts", "127.0.0.1"),
                ("print_areas", "*, front, 12x16, 150"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
}

/// Ready orders by the product types of their units (`TEE`, `HOOD`…).
async fn orders_by_products(app: &TestApp) -> Vec<(i64, std::collections::BTreeSet<String>)> {
    let ready = podgate_testkit::labels::ready_orders(app).await;
    app.query(move |c| {
        use diesel::prelude::*;
        use podgate::db::schema::order_items as oi;
        let mut out = Vec::new();
        for id in ready {
            let skus: Vec<String> = oi::table
                .filter(oi::order_id.eq(id))
                .select(oi::seller_sku)
                .load(c)?;
            out.push((
                id,
                skus.iter()
                    .map(|s| s.split('-').next().unwrap_or_default().to_string())
                    .collect(),
            ));
        }
        Ok(out)
    })
    .await
}

#[tokio::test]
async fn only_orders_whose_artwork_passes_get_labels_and_each_other_order_says_why() {
    let art = ArtServer::start(2 * 1024 * 1024).await;
    let (app, _sb, shirts) = artwork_app(&art).await;

    // A bad settings form names both fields and keeps what was typed.
    let r = app
        .post_form(
            "/catalog/artwork",
            "/catalog/artwork",
            &[
                ("check", "on"),
                ("private_hosts", "http://127.0.0.1/art"),
                ("print_areas", "*, front, 12x16, 150\nG5000, chest, 10x10, 150"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let page = r.into_string().await.unwrap();
    assert!(
        page.contains("id=\"e-print_areas\"") && page.contains("Line 2"),
        "{page}"
    );
    assert!(page.contains("chest"), "{page}");
    assert!(page.contains("id=\"e-private_hosts\""), "{page}");
    assert!(
        page.contains("G5000, chest, 10x10, 150</textarea>"),
        "typed areas kept"
    );
    // The seller allows the artwork server's address (not "localhost") and sets the area.
    allow_artwork_server(&app).await;

    let orders = orders_by_products(&app).await;
    let tee_only: Vec<i64> = orders
        .iter()
        .filter(|(_, p)| p.len() == 1 && p.contains("TEE"))
        .map(|(id, _)| *id)
        .collect();
    assert!(tee_only.len() >= 2, "the world has orders of tees alone");
    let all: Vec<i64> = orders.iter().map(|(id, _)| *id).collect();
    buy(&app, &all).await;

    // Only orders of tees alone got a label.
    let labelled: Vec<i64> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::packages as p;
            p::table.select(p::order_id).distinct().order(p::order_id).load(c)
        })
        .await;
    assert_eq!(
        labelled, tee_only,
        "labels for tee-only orders, none for the rest"
    );

    // Each other order's page says what is wrong with its artwork and what to do.
    let expect = [
        (
            "HOOD",
            "600x800 px: 50 dpi on the 12x16 in front area, below its 150 dpi. Upload a file of at least 1800x2400 px",
        ),
        ("MUG", "private or loopback address (localhost is "),
        ("POSTER", "404 Not Found"),
        ("TOTE", "larger than 1 MiB"),
        ("TOTE", "did not arrive within 2 s"),
    ];
    for (product, says) in expect {
        let (id, _) = orders
            .iter()
            .find(|(_, p)| p.contains(product))
            .unwrap_or_else(|| panic!("an order with a {product}"));
        let page = app
            .get(&format!("/orders/{id}"))
            .await
            .1
            .replace("&#x2f;", "/")
            .replace("&#x27;", "'");
        assert!(
            page.contains(says),
            "order {id} ({product}) should say {says:?}:\n{page}"
        );
    }

    // The good file was fetched once (once more through the redirect to it), however many
    // orders and pages asked; a failed file is fetched again at each check.
    assert_eq!(art.hits("/good.png"), 2, "good.png direct and through moved.png");
    assert_eq!(art.hits("/moved.png"), 1);
    let missing = art.hits("/missing.png");
    assert!(missing >= 2, "the missing file is asked for again at each check");

    // The artwork page lists what the checks found, failures first, with a thumbnail of the good file.
    let (_, page) = app.get("/catalog/artwork").await;
    assert!(
        page.contains("badge-broken") && page.contains("badge-active"),
        "{page}"
    );
    let sha = hex::encode(Sha256::digest(podgate_testkit::art::png(1800, 2400)));
    assert!(
        page.contains(&format!("/catalog/artwork/{sha}/thumb.png")),
        "{page}"
    );
    let r = app
        .client
        .get(format!("/catalog/artwork/{sha}/thumb.png"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    let thumb = r.into_bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.png"), &thumb).unwrap();
    assert_eq!(
        super::tickets::png_size(&dir.path().join("t.png")),
        (192, 256),
        "a 3:4 thumbnail, 256 px on its longer side"
    );

    // "Check every file again": a good file is fetched anew at the next check (the hood's
    // low-resolution file is a good file; its print area is what it fails).
    let low = art.hits("/low.png");
    let r = app
        .post_form("/catalog/artwork", "/catalog/artwork/recheck", &[])
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    let (hood, _) = orders.iter().find(|(_, p)| p.contains("HOOD")).unwrap();
    let (_, page) = app.get(&format!("/orders/{hood}")).await;
    assert!(page.contains("600x800 px"), "{page}");
    assert_eq!(art.hits("/low.png"), low + 1, "fetched again after check again");

    // Shirt Co asks for files: its batch zip holds the good file once, named by its checksum,
    // the manifest names it and its checksum, and every tee's ticket shows its thumbnail.
    // Its printer also takes ZPL at 203 dpi.
    let (s, body) = set_profile(&app, shirts, &[("artwork_delivery", "files"), ("zpl_dpi", "203")]).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    publish(&app, shirts).await;
    let zip = batch_zip(&app, &sup).await;
    // The supplier's batch page shows the kept thumbnail through the batch, not the seller's
    // artwork host; the same picture the catalog shows, and nothing for a file the seller's
    // checks never kept.
    let (s, page) = sup.get("/supplier/batches/1").await;
    assert_eq!(s, Status::Ok);
    let art_file = format!("art-{sha}.png");
    let escaped = |s: &str| s.replace('/', "&#x2f;");
    let src = format!("src=\"{}/{art_file}\"", escaped("/supplier/batches/1"));
    assert!(page.contains(&src), "{page}");
    assert!(
        !page.contains(&format!("src=\"{}", escaped(&art.url("/good.png")))),
        "{page}"
    );
    let r = sup
        .client
        .get(format!("/supplier/batches/1/{art_file}"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    assert_eq!(r.content_type(), Some(rocket::http::ContentType::PNG));
    assert!(r.into_bytes().await.unwrap() == thumb, "the catalog's thumbnail");
    let stranger = format!("/supplier/batches/1/art-{}.png", "ab".repeat(32));
    let r = sup.client.get(stranger).dispatch().await;
    assert_eq!(r.status(), Status::NotFound);
    let files: Vec<&String> = zip.keys().filter(|k| k.starts_with("artwork/")).collect();
    assert_eq!(files, vec![&format!("artwork/{sha}.png")], "{:?}", zip.keys());
    let bytes = &zip[&format!("artwork/{sha}.png")];
    assert_eq!(hex::encode(Sha256::digest(bytes)), sha);
    let sums = String::from_utf8(zip["SHA256SUMS"].clone()).unwrap();
    assert!(sums.contains(&format!("{sha}  artwork/{sha}.png")), "{sums}");
    let manifest: serde_json::Value = serde_json::from_slice(&zip["manifest.json"]).unwrap();
    assert_eq!(manifest["artwork_delivery"], "files");
    for p in manifest["packages"].as_array().unwrap() {
        for l in p["lines"].as_array().unwrap() {
            for a in l["artwork"].as_array().unwrap() {
                assert_eq!(a["checksum"], format!("sha256:{sha}"), "{a}");
                assert_eq!(a["file"], format!("artwork/{sha}.png"), "{a}");
            }
        }
    }
    let csv = String::from_utf8(zip["manifest.csv"].clone()).unwrap();
    assert!(
        csv.lines().next().unwrap().contains("artwork_front_file"),
        "{csv}"
    );
    // pdfimages (poppler-utils) lists each picture drawn on each ticket: front and back are the
    // same file, so every ticket draws one embedded 192x256 thumbnail twice.
    let tickets = dir.path().join("tickets.pdf");
    std::fs::write(&tickets, &zip["tickets.pdf"]).unwrap();
    let o = Command::new("pdfimages")
        .arg("-list")
        .arg(&tickets)
        .output()
        .expect("pdfimages (poppler-utils)");
    let list = String::from_utf8_lossy(&o.stdout);
    let mut per_page: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for l in list.lines().skip(2) {
        let cols: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(&cols[3..6], ["192", "256", "rgb"], "{list}");
        per_page
            .entry(cols[0].to_string())
            .or_default()
            .push(cols[10].to_string());
    }
    assert_eq!(
        per_page.len(),
        tee_only.len(),
        "a thumbnail on every ticket: {list}"
    );
    for objects in per_page.values() {
        assert_eq!(objects.len(), 2, "front and back: {list}");
        assert_eq!(
            objects[0], objects[1],
            "one picture embedded once per ticket: {list}"
        );
    }
    // The same tickets as ZPL: each names every placement, draws the thumbnail as a graphic
    // field beside the ones it has room for (the first line's front and back at least), which
    // zebrafy (PyPI) turns back into a picture of black and white dots: 192x256 fitted in 48
    // dots is 36x48, sent in whole bytes, so 40 wide.
    let zpl = formats(&zip["tickets.zpl"]);
    let packages = manifest["packages"].as_array().unwrap();
    assert_eq!(zpl.len(), packages.len(), "a ZPL ticket per package");
    let mut drawn = 0;
    for (t, p) in zpl.iter().zip(packages) {
        for l in p["lines"].as_array().unwrap() {
            for a in l["artwork"].as_array().unwrap() {
                let file = a["url"].as_str().unwrap().rsplit('/').next().unwrap();
                assert!(
                    t.contains(&format!("{}: {file}", a["placement"].as_str().unwrap())),
                    "{t}"
                );
            }
        }
        let pictures = t.matches("^GFA").count();
        assert!(pictures >= 2, "front and back of the first line: {t}");
        assert!(t.contains(&format!("sha256 {}", &sha[..16])), "{t}");
        drawn += pictures;
    }
    let (_pictures, images) = zebrafy_images(&zip["tickets.zpl"], 203);
    assert_eq!(images.len(), drawn);
    for png in &images {
        let img = image::open(png).unwrap().to_luma8();
        assert_eq!(img.dimensions(), (40, 48), "{}", png.display());
        // The padding's 4 columns are white; the picture has dots of both kinds.
        let dark = img.pixels().filter(|p| p.0[0] < 128).count();
        assert!(dark > 0 && dark < 36 * 48, "dots of both kinds: {dark}");
    }
}

/// Print files exported as CMYK TIFF (LZW-compressed, as print shops and design tools export
/// them) are checked by their pixels like PNGs, thumbnailed in their colours, and reach a
/// supplier who asks for files as they are, named `artwork/<sha256>.tiff`.
#[tokio::test]
async fn a_cmyk_tiff_print_file_is_checked_thumbnailed_in_colour_and_handed_over_as_is() {
    let art = ArtServer::start(1024).await;
    let catalog = hoodies_apart(&art.url("/low.tiff"), &art.url("/good.tiff"));
    let (app, _sb, shirts) = catalog_app(&catalog).await;
    allow_artwork_server(&app).await;
    let orders = orders_by_products(&app).await;
    let all: Vec<i64> = orders.iter().map(|(id, _)| *id).collect();
    buy(&app, &all).await;

    // Every order without a hoodie got its label; the hoodie's 600x800 px TIFF is too small.
    let labelled: std::collections::BTreeSet<i64> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::packages as p;
            p::table.select(p::order_id).distinct().load(c)
        })
        .await
        .into_iter()
        .collect();
    let expected: std::collections::BTreeSet<i64> = orders
        .iter()
        .filter(|(_, p)| !p.contains("HOOD"))
        .map(|(id, _)| *id)
        .collect();
    assert!(!expected.is_empty() && expected.len() < orders.len());
    assert_eq!(labelled, expected);
    let (hood, _) = orders.iter().find(|(_, p)| p.contains("HOOD")).unwrap();
    let (_, page) = app.get(&format!("/orders/{hood}")).await;
    assert!(
        page.contains("600x800 px: 50 dpi on the 12x16 in front area"),
        "{page}"
    );

    // The artwork page names the format; the thumbnail is cyan on the left and black on the
    // right, as the CMYK file prints (a decoder reading its four channels as RGBA would not).
    let tiff = podgate_testkit::art::tiff_cmyk(1800, 2400);
    let sha = hex::encode(Sha256::digest(&tiff));
    let (_, page) = app.get("/catalog/artwork").await;
    assert!(page.contains("TIFF"), "{page}");
    let r = app
        .client
        .get(format!("/catalog/artwork/{sha}/thumb.png"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    let thumb = image::load_from_memory(&r.into_bytes().await.unwrap())
        .unwrap()
        .to_rgb8();
    assert_eq!(thumb.dimensions(), (192, 256));
    let [r, g, b] = thumb.get_pixel(40, 128).0;
    assert!(r < 60 && g > 200 && b > 200, "cyan on the left: {:?}", (r, g, b));
    let [r, g, b] = thumb.get_pixel(150, 128).0;
    assert!(r < 60 && g < 60 && b < 60, "black on the right: {:?}", (r, g, b));

    // A supplier who asks for files gets the TIFF itself, once, byte for byte.
    let (s, body) = set_profile(&app, shirts, &[("artwork_delivery", "files")]).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    publish(&app, shirts).await;
    let zip = batch_zip(&app, &sup).await;
    let files: Vec<&String> = zip.keys().filter(|k| k.starts_with("artwork/")).collect();
    assert_eq!(files, vec![&format!("artwork/{sha}.tiff")], "{:?}", zip.keys());
    assert!(
        zip[&format!("artwork/{sha}.tiff")] == tiff,
        "the seller's file as it is"
    );
    let sums = String::from_utf8(zip["SHA256SUMS"].clone()).unwrap();
    assert!(sums.contains(&format!("{sha}  artwork/{sha}.tiff")), "{sums}");
}

/// Artwork is checked as orders arrive: a sync that brings a new order checks, in the
/// background, every file the rules of the orders awaiting shipment name that no check has seen
/// yet. The artwork page shows a broken link before any order's page is opened or any label
/// bought, and the purchase does not fetch the good file again.
#[tokio::test]
async fn new_orders_artwork_is_checked_as_they_arrive_before_any_purchase() {
    let art = ArtServer::start(1024).await;
    let (good, missing) = (art.url("/good.png"), art.url("/missing.png"));
    let (app, sb, _) = catalog_app(&hoodies_apart(&missing, &good)).await;
    allow_artwork_server(&app).await;
    assert_eq!(
        (art.hits("/good.png"), art.hits("/missing.png")),
        (0, 0),
        "nothing checked while no order arrived"
    );

    // A new order arrives on TikTok and the next sync brings it.
    {
        let mut w = sb.sandbox.world.lock().unwrap();
        let shop = w.shops[0].id.clone();
        w.new_order(&shop, chrono::Utc::now().timestamp(), "AWAITING_SHIPMENT");
    }
    podgate_testkit::shops::sync_shop_now(&app).await;
    let page = podgate_testkit::shops::page_eventually(&app, "/catalog/artwork", "404 Not Found").await;
    let page = page.replace("&#x2f;", "/");
    assert!(page.contains(&missing) && page.contains(&good), "{page}");
    assert!(page.contains("badge-broken"), "{page}");
    assert_eq!(art.hits("/good.png"), 1, "each file fetched once");
    assert_eq!(art.hits("/missing.png"), 1);

    // Buying labels uses the good file's check; the broken link is tried again.
    let orders = orders_by_products(&app).await;
    let all: Vec<i64> = orders.iter().map(|(id, _)| *id).collect();
    buy(&app, &all).await;
    assert_eq!(art.hits("/good.png"), 1, "the good file is not fetched again");
    assert!(art.hits("/missing.png") >= 2, "a failed file is tried again");
}
