//! The factory's own steps on the dispatch clock (received, in production, printed, packed) are
//! answers like the others: an SFTP file, the API and the portal each record them, once per
//! step, with the channel, and a package reported at any of them counts as accepted.

use rocket::http::Header;

use podgate::db::models::step::ClockStep;

use super::*;

/// Each package's clock steps from the supplier: (TikTok package id, [(step, channel)]).
async fn steps(app: &TestApp) -> Vec<(String, Vec<(ClockStep, String)>)> {
    app.query(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::packages::dsl::*;
        let ps: Vec<(i64, Option<String>)> = packages.order(id).select((id, tiktok_package_id)).load(c)?;
        let ids: Vec<i64> = ps.iter().map(|p| p.0).collect();
        let all = podgate::db::models::step::of_packages(c, &ids)?;
        Ok(ps
            .into_iter()
            .map(|(pid, tt)| {
                let mine = all
                    .iter()
                    .filter(|s| s.package_id == pid)
                    .filter(|s| {
                        !matches!(
                            s.step,
                            ClockStep::Bought | ClockStep::Published | ClockStep::Downloaded
                        )
                    })
                    .map(|s| (s.step, s.channel.clone()))
                    .collect();
                (tt.unwrap_or_default(), mine)
            })
            .collect())
    })
    .await
}

#[rocket::async_test]
async fn factory_steps_arrive_by_sftp_file_api_and_portal_each_recorded_once() {
    let d = drop_with_batch(15).await;
    let pkgs = package_ids(&d.app).await;
    // An SFTP file: one package printed, another in production ("in production" as people
    // write it).
    std::fs::write(
        d.tmp.path().join("steps.csv"),
        format!(
            "package_id,status\n{},printed\n{},in production\n",
            pkgs[0], pkgs[1]
        ),
    )
    .unwrap();
    let (ok, out) = sftp_key(&d, &d.key, "shirtco-erp", "put steps.csv /inbox/steps.csv\n", &[]);
    assert!(ok, "{out}");
    // The API: the third packed.
    let token = podgate_testkit::suppliers::api_token(&d.sup, "Floor ERP").await;
    let api = TestApp::reuse(&d.app).await;
    let r = api
        .client
        .post("/api/v1/acks")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .body(serde_json::json!([{ "package_id": pkgs[2], "status": "packed" }]).to_string())
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    drop(r);
    // The portal: the first one packed, then the file sent again (nothing recorded twice).
    let rows = podgate_testkit::labels::batch_rows(&d.app, 1).await;
    podgate_testkit::suppliers::answer(&d.sup, rows[0].0, "packed", "").await;
    let (ok, out) = sftp_key(
        &d,
        &d.key,
        "shirtco-erp",
        "put steps.csv /inbox/steps-again.csv\n",
        &[],
    );
    assert!(ok, "{out}");

    let got = steps(&d.app).await;
    let want = |s: &[(ClockStep, &str)]| s.iter().map(|(a, b)| (*a, b.to_string())).collect::<Vec<_>>();
    assert_eq!(got[0].0, pkgs[0]);
    assert_eq!(
        got[0].1,
        want(&[
            (ClockStep::Acknowledged, "sftp"),
            (ClockStep::Printed, "sftp"),
            (ClockStep::Packed, "web")
        ])
    );
    assert_eq!(
        got[1].1,
        want(&[
            (ClockStep::Acknowledged, "sftp"),
            (ClockStep::InProduction, "sftp")
        ])
    );
    assert_eq!(
        got[2].1,
        want(&[(ClockStep::Acknowledged, "api"), (ClockStep::Packed, "api")])
    );
    // Each step after accepting counts as accepted on the seller's batches page.
    let (_, batches) = d.app.get("/batches").await;
    assert!(batches.contains("3 accepted"), "{batches}");
    let (_, order) = d.app.get(&format!("/orders/{}", d.ids[0])).await;
    assert!(
        order.contains("Shirt Co printed package") && order.contains("packed · "),
        "{order}"
    );
}
