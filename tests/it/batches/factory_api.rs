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
