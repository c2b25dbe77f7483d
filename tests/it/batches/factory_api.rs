//! The factory API: a supplier's token lists batches, downloads them and acknowledges packages.

use super::*;

#[rocket::async_test]
async fn the_factory_api_lists_downloads_and_acknowledges_with_a_token() {
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 2).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "it@shirtco.example").await;
    let token = podgate_testkit::suppliers::api_token(&sup, "Factory ERP").await;
    let auth = || Header::new("Authorization", format!("Bearer {token}"));
    let api = TestApp::reuse(&app).await;
    assert_eq!(
        api.client.get("/api/v1/batches").dispatch().await.status(),
        Status::Unauthorized
    );
    let list: serde_json::Value = api
        .client
        .get("/api/v1/batches")
        .header(auth())
        .dispatch()
        .await
        .into_json()
        .await
        .unwrap();
    let zip_file = podgate_testkit::labels::zip_name(&app, 1).await;
    assert!(zip_file.starts_with("acme-prints-shirt-co-0001-"), "{zip_file}");
    assert_eq!(list["batches"][0]["zip"], zip_file.as_str());
    let detail: serde_json::Value = api
        .client
        .get("/api/v1/batches/1")
        .header(auth())
        .dispatch()
        .await
        .into_json()
        .await
        .unwrap();
    let pkgs = detail["packages"].as_array().unwrap();
    assert_eq!(pkgs.len(), 2);
    let zip = api
        .client
        .get(format!("/api/v1/batches/1/{zip_file}"))
        .header(auth())
        .dispatch()
        .await;
    assert_eq!(zip.status(), Status::Ok);
    // A bad set applies nothing and names every bad line.
    let bad = serde_json::json!([
        {"package_id": pkgs[0]["package_id"], "status": "accepted"},
        {"package_id": "999", "status": "accepted"},
        {"package_id": pkgs[1]["package_id"], "status": "backordered"}
    ]);
    let r = api
        .client
        .post("/api/v1/acks")
        .header(auth())
        .body(bad.to_string())
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let e: serde_json::Value = r.into_json().await.unwrap();
    assert_eq!(e["error"]["code"], "invalid_acks");
    let lines: Vec<i64> = e["error"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3]);
    let detail: serde_json::Value = api
        .client
        .get("/api/v1/batches/1")
        .header(auth())
        .dispatch()
        .await
        .into_json()
        .await
        .unwrap();
    assert!(
        detail["packages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] == "pending"),
        "nothing applied"
    );
    let good = serde_json::json!({"acks": [
        {"package_id": pkgs[0]["package_id"], "status": "accepted"},
        {"order_id": pkgs[1]["order_id"], "status": "backordered", "expected_date": "2026-12-03"}
    ]});
    let r = api
        .client
        .post("/api/v1/acks")
        .header(auth())
        .body(good.to_string())
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    let (_, order_page) = app.get(&format!("/orders/{}", ids[1])).await;
    assert!(
        order_page.contains("backordered") && order_page.contains("api:Factory ERP"),
        "{order_page}"
    );
    // An oversized body is refused with the limit, not half-read.
    let huge = format!(
        "[{}]",
        vec!["{\"package_id\": \"1\", \"status\": \"accepted\"}"; 150_000].join(",")
    );
    let r = api
        .client
        .post("/api/v1/acks")
        .header(auth())
        .body(huge)
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let e: serde_json::Value = r.into_json().await.unwrap();
    assert!(
        e["error"]["lines"][0]["message"]
            .as_str()
            .unwrap()
            .contains("larger than 5 MiB"),
        "{e}"
    );
    // Revoked tokens stop working.
    let tokens: Vec<i64> = app
        .query(|c| {
            use diesel::prelude::*;
            podgate::db::schema::api_tokens::table
                .select(podgate::db::schema::api_tokens::id)
                .load(c)
        })
        .await;
    sup.post_form(
        "/supplier/tokens",
        &format!("/supplier/tokens/{}/revoke", tokens[0]),
        &[],
    )
    .await;
    assert_eq!(
        api.client
            .get("/api/v1/batches")
            .header(auth())
            .dispatch()
            .await
            .status(),
        Status::Unauthorized
    );
}

#[rocket::async_test]
async fn a_token_does_only_what_its_scopes_allow_and_stops_when_it_expires() {
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 1).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "it@shirtco.example").await;

    // The form names every mistake at once and keeps what was typed.
    let r = sup
        .post_form(
            "/supplier/tokens",
            "/supplier/tokens",
            &[("name", "Label printer"), ("expires_in_days", "7")],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let page = r.into_string().await.unwrap();
    assert!(page.contains("Choose what the token may do"), "{page}");
    assert!(
        page.contains("Choose one of the expiry periods offered"),
        "{page}"
    );
    assert!(page.contains("value=\"Label printer\""), "{page}");
    // An expiry that is not a number at all is named beside the other mistakes, not instead.
    let r = sup
        .post_form(
            "/supplier/tokens",
            "/supplier/tokens",
            &[("name", ""), ("expires_in_days", "soon")],
        )
        .await;
    let page = r.into_string().await.unwrap();
    assert!(
        page.contains("Name the system")
            && page.contains("Choose what the token may do")
            && page.contains("Choose one of the expiry periods offered"),
        "{page}"
    );

    // A read-only token, expiring in 30 days.
    let r = sup
        .post_form(
            "/supplier/tokens",
            "/supplier/tokens",
            &[
                ("name", "Dashboard"),
                ("scopes", "read"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    let page = r.into_string().await.unwrap();
    let token: String = page[page.find("pgt_").expect("the token is shown once")..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    let api = TestApp::reuse(&app).await;
    let call = |method: rocket::http::Method, path: String| {
        let api = &api;
        let token = token.clone();
        async move {
            let r = api
                .client
                .req(method, path)
                .header(Header::new("Authorization", format!("Bearer {token}")))
                .header(rocket::http::ContentType::JSON)
                .body("[]")
                .dispatch()
                .await;
            let status = r.status();
            (status, r.into_json::<serde_json::Value>().await)
        }
    };
    let (s, _) = call(rocket::http::Method::Get, "/api/v1/batches".into()).await;
    assert_eq!(s, Status::Ok);
    let zip = podgate_testkit::labels::zip_name(&app, 1).await;
    let (s, e) = call(rocket::http::Method::Get, format!("/api/v1/batches/1/{zip}")).await;
    assert_eq!(s, Status::Forbidden);
    let e = e.unwrap();
    assert_eq!(e["error"]["code"], "insufficient_scope");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("download"),
        "{e}"
    );
    let (s, e) = call(rocket::http::Method::Post, "/api/v1/acks".into()).await;
    assert_eq!(
        (s, e.unwrap()["error"]["code"].clone()),
        (Status::Forbidden, "insufficient_scope".into())
    );
    let (_, page) = sup.get("/supplier/tokens").await;
    assert!(page.contains("<td>read</td>"), "{page}");

    // Expired: refused with its own code, and its last use stays the last real one.
    let used = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::api_tokens as t;
            diesel::update(t::table.filter(t::name.eq("Dashboard")))
                .set(t::expires_at.eq(Some(podgate::db::models::now() - chrono::Duration::minutes(1))))
                .execute(c)?;
            t::table
                .filter(t::name.eq("Dashboard"))
                .select(t::last_used_at)
                .first::<Option<chrono::NaiveDateTime>>(c)
        })
        .await;
    let (s, e) = call(rocket::http::Method::Get, "/api/v1/batches".into()).await;
    assert_eq!(s, Status::Unauthorized);
    let e = e.unwrap();
    assert_eq!(e["error"]["code"], "token_expired");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Create a new one"),
        "{e}"
    );
    let after = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::api_tokens as t;
            t::table
                .filter(t::name.eq("Dashboard"))
                .select(t::last_used_at)
                .first::<Option<chrono::NaiveDateTime>>(c)
        })
        .await;
    assert_eq!(used, after, "an expired token's use is not recorded as a use");
}

/// The API's published contract, checked by a third party: schemathesis generates requests from
/// `/api/v1/openapi.json` (valid and invalid ones) against a podgate serving a real batch, and
/// every answer must be documented, match its schema and never be a server error.
#[rocket::async_test]
async fn schemathesis_finds_every_answer_in_the_published_contract() {
    use std::process::{Command, Stdio};
    let (app, sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "it@shirtco.example").await;
    let token = podgate_testkit::suppliers::api_token(&sup, "Contract check").await;

    // The document: OpenAPI 3.1, every operation, its page for people.
    let (s, page) = TestApp::reuse(&app).await.get("/api/docs").await;
    assert_eq!(s, Status::Ok);
    assert!(
        page.contains("#post--api-v1-acks") && page.contains("<code>insufficient_scope</code>"),
        "{page}"
    );
    let r = app.client.get("/api/v1/openapi.json").dispatch().await;
    let doc: serde_json::Value = r.into_json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: Vec<_> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        paths,
        [
            "/api/v1/acks",
            "/api/v1/batches",
            "/api/v1/batches/{seq}",
            "/api/v1/batches/{seq}/{file}"
        ]
    );

    // podgate as its own process on the same database and files.
    let port = podgate_testkit::net::free_port().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_podgate"))
        .arg("serve")
        .env("PODGATE_SFTP__ENABLED", "false")
        .env("PODGATE_DATA_DIR", app.config.data_dir())
        .env("PODGATE_DATABASE_URL", app.config.database_url())
        .env("PODGATE_PORT", port.to_string())
        .env("PODGATE_TIKTOK__API_BASE", &sb.base_url)
        .env("PODGATE_TIKTOK__AUTH_BASE", &sb.base_url)
        .env("PODGATE_TIKTOK__APP_KEY", tiktok_sandbox::DEFAULT_APP_KEY)
        .env("PODGATE_TIKTOK__APP_SECRET", tiktok_sandbox::DEFAULT_APP_SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let up = podgate_testkit::net::wait_for(&format!("http://127.0.0.1:{port}/healthz"))
        .await
        .is_ok();
    let out = up.then(|| {
        // Through python3, so a fresh pip install needs no shell rehash to be found.
        Command::new("python3")
            .args([
                "-c",
                "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())",
            ])
            .args(["run", &format!("http://127.0.0.1:{port}/api/v1/openapi.json")])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection",
            ])
            .args(["--max-examples", "60", "--seed", "7", "--generation-database", "none"])
            .args(["--report-dir", &app.dir.path().join("schemathesis").display().to_string()])
            // Its caches go to the test's own folder, not the checkout.
            .current_dir(app.dir.path())
            .output()
            .expect("schemathesis (pip install schemathesis)")
    });
    let _ = server.kill();
    let _ = server.wait();
    let out = out.expect("podgate serve did not start");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "schemathesis found answers outside the contract:\n{text}"
    );
    assert!(
        text.contains("4 selected") || text.contains("API Operations"),
        "it tested the operations:\n{text}"
    );
}
