//! Catalog rules on the web form: editing a rule, several placements per rule, artwork URLs
//! templated per SKU (each line of a manifest gets its own file), and a bad form that keeps
//! what was typed and names each field as the form labels it.

use std::io::Read;

use rocket::http::Status;

use podgate::db::models::supplier::SkuRule;
use podgate_testkit::labels::{buy, orders_for, publish};
use podgate_testkit::suppliers::routed_app;

/// A rule form's fields: the nine plain ones, then placements as `art[<column>]`.
fn rule_form<'a>(plain: [&'a str; 9], art: &[(&'a str, &'a str)]) -> Vec<(String, &'a str)> {
    let names = [
        "pattern",
        "match",
        "priority",
        "supplier",
        "product_code",
        "weight_g",
        "length_in",
        "width_in",
        "height_in",
    ];
    let mut f: Vec<(String, &str)> = names.iter().map(|n| n.to_string()).zip(plain).collect();
    f.extend(art.iter().map(|(k, v)| (format!("art[{k}]"), *v)));
    f
}

async fn rule_by_pattern(app: &podgate_testkit::TestApp, pattern: &'static str) -> SkuRule {
    app.query(|c| SkuRule::list(c, 1))
        .await
        .into_iter()
        .find(|r| r.pattern == pattern)
        .expect("the rule exists")
}

#[rocket::async_test]
async fn a_rule_is_edited_with_several_placements_and_per_sku_artwork_reaches_the_manifest() {
    let (app, _sb, shirts, _mugs) = routed_app().await;
    let tee = rule_by_pattern(&app, "TEE-").await;
    let (_, catalog) = app.get("/catalog").await;
    assert!(
        catalog.contains(&format!("href=\"/catalog/rules/{}\"", tee.id)),
        "an Edit link per rule"
    );

    // The edit form shows what the rule holds.
    let edit = format!("/catalog/rules/{}", tee.id);
    let (s, page) = app.get(&edit).await;
    assert_eq!(s, Status::Ok);
    assert!(
        page.contains("value=\"G5000\"") && page.contains("tee-front.png"),
        "{page}"
    );

    // A bad edit: nothing saved, every bad field named as the form labels it, typed text kept.
    let bad = rule_form(
        [
            "TEE-", "prefix", "100", "Shirt Co", "G5000", "heavy", "10", "", "1",
        ],
        &[
            ("front_print_url", "https://cdn.example.com/{size}/front.png"),
            ("back_mockup_url", "https://cdn.example.com/back-mockup.jpg"),
        ],
    );
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let r = app.post_form(&edit, &edit, &fields).await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let page = r.into_string().await.unwrap();
    for needle in [
        "The rule was not saved",
        "Weight (grams) &quot;heavy&quot; must be whole grams above 0",
        "give Length (inches), Width (inches) and Height (inches) together",
        "Front print file URL &quot;https:&#x2f;&#x2f;cdn.example.com&#x2f;{size}&#x2f;front.png&quot; holds &quot;{size}&quot;",
        "Back print file URL is empty but the back mockup or checksum is set",
        "value=\"heavy\"",
        "back-mockup.jpg",
    ] {
        assert!(page.contains(needle), "missing {needle:?} in:\n{page}");
    }
    assert_eq!(
        rule_by_pattern(&app, "TEE-").await.weight_grams,
        Some(340),
        "nothing saved"
    );

    // A good edit: three placements, front and back templated per SKU.
    let good = rule_form(
        [
            "TEE-", "prefix", "100", "Shirt Co", "G5000", "350", "10", "8", "1",
        ],
        &[
            ("front_print_url", "https://cdn.example.com/{sku}/front.png"),
            ("front_mockup_url", "https://cdn.example.com/{sku}/mockup.jpg"),
            ("back_print_url", "https://cdn.example.com/{sku}/back.png"),
            ("sleeve_print_url", "https://cdn.example.com/logo-sleeve.png"),
            (
                "sleeve_checksum",
                "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            ),
        ],
    );
    let fields: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let r = app.post_form(&edit, &edit, &fields).await;
    assert_eq!(r.status(), Status::SeeOther);
    let saved = rule_by_pattern(&app, "TEE-").await;
    assert_eq!(
        (saved.id, saved.weight_grams),
        (tee.id, Some(350)),
        "the same rule, edited"
    );
    let (_, catalog) = app.get("/catalog").await;
    assert!(
        catalog.contains("front, back, sleeve") && catalog.contains("per SKU"),
        "{catalog}"
    );

    // Adding a second rule with the same match and pattern is refused: edit that one instead.
    let dup = rule_form(["TEE-", "prefix", "5", "Shirt Co", "", "", "", "", ""], &[]);
    let fields: Vec<(&str, &str)> = dup.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let r = app.post_form("/catalog", "/catalog/rules", &fields).await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    assert!(
        r.into_string()
            .await
            .unwrap()
            .contains("There is already a prefix rule for &quot;TEE-&quot;"),
        "a duplicate is named"
    );

    // The manifest gives each tee SKU its own files; the plain sleeve file is shared.
    let ids = orders_for(&app, shirts, 8).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let b = app.query(|c| podgate::db::models::batch::find(c, 1)).await;
    let bytes = std::fs::read(app.services.batches.zip_path(&b)).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut json = String::new();
    zip.by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut json)
        .unwrap();
    let manifest: podgate::domain::batches::Manifest = serde_json::from_str(&json).unwrap();
    let tee_lines: Vec<_> = manifest
        .packages
        .iter()
        .flat_map(|p| &p.lines)
        .filter(|l| l.seller_sku.starts_with("TEE-"))
        .collect();
    assert!(!tee_lines.is_empty(), "the batch holds tees");
    let mut fronts = std::collections::BTreeSet::new();
    for l in &tee_lines {
        let sku = percent_encoding::utf8_percent_encode(&l.seller_sku, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2D", "-")
            .replace("%5F", "_")
            .replace("%2E", ".");
        let url = |p: &str| l.artwork.iter().find(|a| a.placement == p).map(|a| a.url.clone());
        assert_eq!(
            url("front"),
            Some(format!("https://cdn.example.com/{sku}/front.png"))
        );
        assert_eq!(
            url("back"),
            Some(format!("https://cdn.example.com/{sku}/back.png"))
        );
        assert_eq!(
            url("sleeve").as_deref(),
            Some("https://cdn.example.com/logo-sleeve.png")
        );
        let front = l.artwork.iter().find(|a| a.placement == "front").unwrap();
        assert_eq!(
            front.mockup_url,
            format!("https://cdn.example.com/{sku}/mockup.jpg")
        );
        fronts.insert(url("front"));
    }
    let skus: std::collections::BTreeSet<_> = tee_lines.iter().map(|l| &l.seller_sku).collect();
    assert_eq!(fronts.len(), skus.len(), "one front file per SKU");
}
