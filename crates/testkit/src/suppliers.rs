//! Suppliers and SKU rules through the seller's forms, and a supplier's person in their own
//! browser: the routed world most handoff tests start from.

use rocket::http::{ContentType, Status};
use tiktok_sandbox::world::WorldSettings;

use crate::app::TestApp;

/// Posts a CSV file to the import form as a browser would (multipart).
pub async fn import_csv(app: &TestApp, csv: &str) -> (Status, String) {
    let token = app.csrf("/catalog").await;
    let b = "----podgateboundary7MA4YWxk";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"catalog.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{b}--\r\n"
    );
    let r = app
        .client
        .post("/catalog/import")
        .header(ContentType::new("multipart", "form-data").with_params(("boundary", b)))
        .body(body)
        .dispatch()
        .await;
    let s = r.status();
    (s, r.into_string().await.unwrap_or_default())
}

/// Adds a supplier through the form; returns its id.
pub async fn add_supplier(app: &TestApp, name: &str, accepts: &str, packaging: &str) -> i64 {
    let r = app
        .post_form(
            "/suppliers",
            "/suppliers",
            &[
                ("name", name),
                (
                    "contacts",
                    &format!("Ops <ops@{}.example>", name.to_lowercase().replace(' ', "")),
                ),
                ("ship_from", "1 Factory Way\nReno NV 89502"),
                ("accepted_services", accepts),
                ("packaging", packaging),
                ("cutoff_times", "10:00, 15:00"),
                ("time_zone", "America/Los_Angeles"),
                ("ack_deadline_hours", "24"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        Status::SeeOther,
        "{}",
        r.into_string().await.unwrap_or_default()
    );
    let loc = r.headers().get_one("Location").unwrap().to_string();
    loc.rsplit('/').next().unwrap().parse().unwrap()
}

pub const CATALOG: &str = "pattern,match,priority,supplier,product_code,weight_g,length_in,width_in,height_in,front_print_url,front_checksum\n\
TEE-,prefix,100,Shirt Co,G5000,340,10,8,1,https://cdn.example.com/print/tee-front.png,\n\
HOOD-,prefix,100,Shirt Co,G18500,,,,,https://cdn.example.com/print/hood-front.png,\n\
MUG-,prefix,100,Mug Works,MUG11,,,,,https://cdn.example.com/print/mug.png,sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n\
TEE-CATMOM-*,glob,10,Mug Works,SPECIAL,300,10,8,1,https://cdn.example.com/print/catmom.png,\n";

/// The password [`supplier_user`] chooses.
pub const SUPPLIER_PASSWORD: &str = "factory password";

/// Invites a person of a supplier, who joins in their own browser (returned, signed in).
pub async fn supplier_user(app: &TestApp, supplier: i64, email: &str) -> TestApp {
    let r = app
        .post_form(
            &format!("/suppliers/{supplier}"),
            &format!("/suppliers/{supplier}/invite"),
            &[("email", email)],
        )
        .await;
    let body = r.into_string().await.unwrap().replace("&#x2f;", "/");
    let link: String = body[body.find("/invite/").unwrap()..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let sup = TestApp::reuse(app).await;
    let r = sup
        .post_form(
            &link,
            &link,
            &[
                ("name", "Pat"),
                ("password", SUPPLIER_PASSWORD),
                ("confirm", SUPPLIER_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    sup
}

/// A connected shop, two suppliers and the catalog above.
pub async fn routed_app() -> (TestApp, tiktok_sandbox::SandboxHandle, i64, i64) {
    routed_app_with(|f| f).await
}

/// [`routed_app`], with more configuration applied.
pub async fn routed_app_with(
    extra: impl FnOnce(rocket::figment::Figment) -> rocket::figment::Figment,
) -> (TestApp, tiktok_sandbox::SandboxHandle, i64, i64) {
    let (app, sb) = crate::shops::connected_with(
        WorldSettings {
            initial_orders: 120,
            ..WorldSettings::default()
        },
        extra,
    )
    .await;
    let shirts = add_supplier(&app, "Shirt Co", "USPS, UPS", "HOOD 700 12x10x3").await;
    let mugs = add_supplier(&app, "Mug Works", "", "MUG 450 6x6x6").await;
    let (s, body) = import_csv(&app, CATALOG).await;
    assert_eq!(s, Status::SeeOther, "{body}");
    (app, sb, shirts, mugs)
}

/// A supplier's person answers one package (a batch row) on batch 1's page, as the portal's
/// form does; the answer must be taken (a redirect back to the batch).
pub async fn answer(sup: &TestApp, row: i64, status: &str, reason: &str) {
    let r = sup
        .post_form(
            "/supplier/batches/1",
            "/supplier/batches/1/ack",
            &[
                ("row", &row.to_string()),
                ("status", status),
                ("reason", reason),
                ("expected_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther, "{status} for row {row}");
}

/// Creates a factory API token on the supplier's portal, as its people do; returns it (`pgt_…`).
pub async fn api_token(sup: &TestApp, name: &str) -> String {
    let r = sup
        .post_form(
            "/supplier/tokens",
            "/supplier/tokens",
            &[
                ("name", name),
                ("scopes", "read"),
                ("scopes", "download"),
                ("scopes", "acknowledge"),
                ("expires_in_days", "never"),
            ],
        )
        .await;
    let page = r.into_string().await.unwrap();
    page[page.find("pgt_").expect("the new token is shown once")..]
        .chars()
        .take_while(|c| *c != '<')
        .collect()
}

/// Stores a token with every scope that never expires, straight in the database (fixtures
/// that need one per supplier without a portal session); `hash` is `podgate::crypto::hash_token`
/// of the token.
pub fn store_token(
    c: &mut podgate::db::AnyConnection,
    workspace_id: i64,
    supplier_id: i64,
    name: &str,
    hash: &str,
) -> diesel::QueryResult<i64> {
    podgate::db::models::api_token::create(
        c,
        &podgate::db::models::api_token::NewToken {
            workspace_id,
            supplier_id,
            name,
            token_hash: hash,
            created_by: "test",
            created_at: podgate::db::models::now(),
            scopes: "read download acknowledge",
            expires_at: None,
        },
    )
}
