//! Hostile input: the acknowledgement file parsers and the catalog import never panic and never
//! half-accept a file, whatever bytes arrive (property tests; failing cases are kept in
//! `proptest-regressions/`); and markup typed into any field is shown as text.

use proptest::prelude::*;

use podgate::domain::batches::ackfile::{self, Format};

fn header() -> impl Strategy<Value = String> {
    prop::sample::subsequence(
        vec![
            "order_id",
            "package_id",
            "status",
            "reason",
            "expected_date",
            "colour",
        ],
        0..6,
    )
    .prop_map(|v| v.join(","))
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9]{1,20}",
        prop::sample::select(vec![
            "accepted",
            "Rejected",
            "backorder",
            "shipped",
            "pulled",
            "nope"
        ])
        .prop_map(String::from),
        "20[0-9]{2}-[0-1][0-9]-[0-3][0-9]",
        "\\PC{0,30}",
        Just("\"quoted, with comma\"".to_string()),
        Just("<script>alert(1)</script>".to_string()),
    ]
}

/// 400 cases in CI; `PROPTEST_CASES` sets more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

proptest! {
    // PROPTEST_CASES=20000 for the long form.
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn ack_csv_files_parse_whole_or_report_lines(h in header(), rows in prop::collection::vec(prop::collection::vec(cell(), 0..6), 0..20)) {
        let mut f = h.clone();
        for r in &rows {
            f.push('\n');
            f.push_str(&r.join(","));
        }
        match ackfile::parse(Format::Csv, f.as_bytes()) {
            Ok(set) => {
                // Line numbers are the editor's: the header is line 1, blank rows count.
                let last = rows.len() + 1;
                prop_assert!(set.lines.iter().all(|l| (2..=last).contains(&l.line)));
                prop_assert!(set.refused.iter().all(|e| (2..=last).contains(&e.line) && !e.message.to_string().is_empty()));
                if set.refused.is_empty() {
                    // Blank rows are skipped; every other row is a line, numbered as in the file.
                    let written: Vec<usize> = rows
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| !r.join(",").is_empty())
                        .map(|(i, _)| i + 2)
                        .collect();
                    prop_assert_eq!(set.lines.len(), written.len(), "every row is a line");
                    prop_assert!(set.lines.iter().zip(&written).all(|(l, n)| l.line == *n));
                }
            }
            Err(errors) => {
                // Nothing could be read: the file as a whole is refused (size, encoding, header).
                prop_assert!(!errors.is_empty());
                prop_assert!(errors.iter().all(|e| e.line == 0 && !e.message.to_string().is_empty()));
            }
        }
    }

    #[test]
    fn any_bytes_are_refused_or_read_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = ackfile::parse(Format::Csv, &bytes);
        let _ = ackfile::parse(Format::Json, &bytes);
        let _ = podgate::domain::catalog::parse(&bytes, 1, &[]);
    }

    #[test]
    fn json_acks_of_any_shape_never_half_apply(v in prop::collection::vec((cell(), cell(), cell()), 0..10)) {
        let items: Vec<serde_json::Value> = v.iter().map(|(a, b, c)| serde_json::json!({"package_id": a, "status": b, "reason": c})).collect();
        let text = serde_json::to_vec(&items).unwrap();
        if let Ok(set) = ackfile::parse(Format::Json, &text) {
            prop_assert_eq!(set.lines.len() + set.refused.len(), items.len(), "every item is a line or refused");
        }
    }
}

#[rocket::async_test]
async fn markup_in_fields_is_shown_as_text_everywhere() {
    let (app, _sb, shirts, _) = podgate_testkit::suppliers::routed_app().await;
    let evil = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let r = app
        .post_form(
            &format!("/suppliers/{shirts}"),
            &format!("/suppliers/{shirts}"),
            &[
                ("name", "Shirt Co"),
                ("contacts", "Ops <ops@shirtco.example>"),
                ("ship_from", evil),
                ("accepted_services", "USPS, UPS"),
                ("packaging", "HOOD 700 12x10x3"),
                ("cutoff_times", "10:00"),
                ("time_zone", "America/Los_Angeles"),
                ("ack_deadline_hours", "24"),
            ],
        )
        .await;
    assert_eq!(r.status(), rocket::http::Status::SeeOther);
    let r = app
        .post_form(
            "/labels",
            "/labels/rules",
            &[("service_rule", "preferred"), ("preferred_carrier", evil)],
        )
        .await;
    assert_eq!(r.status(), rocket::http::Status::SeeOther);
    let sup = podgate_testkit::suppliers::supplier_user(&app, shirts, "pat@shirtco.example").await;
    let r = sup
        .post_form(
            "/supplier/tokens",
            "/supplier/tokens",
            &[
                ("name", "<b>ERP</b>"),
                ("scopes", "read"),
                ("expires_in_days", "never"),
            ],
        )
        .await;
    assert_eq!(r.status(), rocket::http::Status::Ok, "the token is made");
    let tokens_page = r.into_string().await.unwrap();
    for (who, path) in [
        (&app, format!("/suppliers/{shirts}")),
        (&app, "/labels".to_string()),
        (&sup, "/supplier".to_string()),
    ] {
        let (_, page) = who.get(&path).await;
        assert!(
            !page.contains("<script>alert") && !page.contains("<img src=x"),
            "{path} shows raw markup"
        );
        assert!(
            page.contains("&lt;script&gt;") || page.contains("&lt;img"),
            "{path} shows the text escaped"
        );
    }
    assert!(!tokens_page.contains("<b>ERP</b>") && tokens_page.contains("&lt;b&gt;ERP&lt;&#x2f;b&gt;"));
}

/// Every file of the checked-in corpus (`tests/corpus/`: BOMs, CRLF, bad quotes, NUL bytes,
/// invalid UTF-8, 200 kB fields, 5,000 columns, 10,000-deep JSON, formula injection…) is read
/// whole or refused with reasons; none panics or overflows the stack.
#[test]
fn the_hostile_file_corpus_is_read_or_refused_with_reasons() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut seen = 0;
    for entry in std::fs::read_dir(root.join("acks")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let format = if name.ends_with(".json") {
            Format::Json
        } else {
            Format::Csv
        };
        match ackfile::parse(format, &bytes) {
            Ok(set) if set.refused.is_empty() => {
                let first = if format == Format::Csv { 2 } else { 1 };
                assert!(
                    set.lines.windows(2).all(|w| w[0].line < w[1].line)
                        && set.lines.first().is_none_or(|l| l.line >= first),
                    "{name}"
                );
                assert!(
                    !name.contains("unknown-status") && !name.contains("deep"),
                    "{name} was accepted"
                );
            }
            Ok(set) => {
                assert!(
                    set.refused
                        .iter()
                        .all(|e| !e.message.to_string().trim().is_empty()),
                    "{name}: {:?}",
                    set.refused
                );
                assert!(!name.starts_with("valid"), "{name} refused: {:?}", set.refused);
            }
            Err(errors) => {
                assert!(!errors.is_empty(), "{name}: refused without a reason");
                assert!(
                    errors.iter().all(|e| !e.message.to_string().trim().is_empty()),
                    "{name}: {errors:?}"
                );
                assert!(!name.starts_with("valid"), "{name} refused: {errors:?}");
            }
        }
        seen += 1;
    }
    for entry in std::fs::read_dir(root.join("catalog")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        // No supplier exists here, so every file is refused; what matters is how.
        let errors = podgate::domain::catalog::parse(&bytes, 1, &[]).unwrap_err();
        assert!(
            !errors.is_empty() && errors.iter().all(|e| !e.trim().is_empty()),
            "{path:?}"
        );
        seen += 1;
    }
    assert!(seen >= 35, "the corpus is there: {seen} files");
}

/// A form over the 64 KiB limit is refused with a page that says so, and nothing is created.
#[rocket::async_test]
async fn an_oversized_form_is_refused_with_a_clear_page() {
    let app = podgate_testkit::TestApp::new().await;
    app.setup_owner().await;
    let huge = "x".repeat(100 * 1024);
    let r = app
        .post_form(
            "/suppliers",
            "/suppliers",
            &[
                ("name", "Huge Co"),
                ("contacts", &huge),
                ("time_zone", "UTC"),
                ("ack_deadline_hours", "24"),
            ],
        )
        .await;
    let status = r.status();
    let body = r.into_string().await.unwrap_or_default();
    assert_eq!(status, rocket::http::Status::PayloadTooLarge, "{body}");
    assert!(
        body.contains("That was too large") && body.contains("Send a smaller"),
        "{body}"
    );
    let (_, list) = app.get("/suppliers").await;
    assert!(!list.contains("Huge Co"), "nothing was created");
}
