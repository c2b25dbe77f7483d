//! The handoff's money-losing mistakes, each pinned by a test that failed before its fix: bulk
//! answers that touched a cancelled package, the first labels after a quiet cut-off sealed at
//! once, acknowledgement files reported a kind of error at a time, pre-flight warnings on bought
//! orders, and re-routing a rejected package to a supplier that cannot take its label.

use rocket::http::Status;

use podgate::db::models::audit::{Actor, Channel};
use podgate::domain::batches::ackfile::{self, Format};

use podgate_testkit::TestApp;
use podgate_testkit::labels::{buy, orders_for, publish};
use podgate_testkit::suppliers::{routed_app, supplier_user};

/// The batch rows of a supplier's batch: (row id, TikTok package id, answer, pull requested).
async fn rows(app: &TestApp, batch_id: i64) -> Vec<(i64, String, String, bool)> {
    app.query(move |c| {
        Ok(podgate::db::models::batch::members(c, batch_id)?
            .into_iter()
            .map(|(bp, p)| {
                (
                    bp.id,
                    p.tiktok_package_id.unwrap_or_default(),
                    bp.ack_status.to_string(),
                    bp.pull_requested_at.is_some(),
                )
            })
            .collect())
    })
    .await
}

fn batch_id(page: &str) -> i64 {
    page.rsplit('/').next().unwrap().parse().unwrap()
}

#[rocket::async_test]
async fn accept_all_never_accepts_a_cancelled_package_and_confirms_the_count() {
    let (app, sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    let page = publish(&app, shirts).await;
    let batch = batch_id(&page);
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[1]).await;
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let (_, b) = sup.get("/supplier/batches/1").await;
    assert!(
        b.contains("Pull 1 package:") && b.contains("Accept all 2 waiting"),
        "{b}"
    );

    // The button asks first, with the count, and says what it leaves out.
    let r = sup
        .post_form("/supplier/batches/1", "/supplier/batches/1/accept-all", &[])
        .await;
    assert_eq!(r.status(), Status::Ok);
    let confirm = r.into_string().await.unwrap();
    assert!(
        confirm.contains("Accept 2 packages of batch 1?")
            && confirm.contains("1 package with a pull request is left out"),
        "{confirm}"
    );
    // A count that no longer holds changes nothing.
    let r = sup
        .post_form(
            "/supplier/batches/1",
            "/supplier/batches/1/accept-all",
            &[("confirmed", "3")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, b) = sup.get("/supplier/batches/1").await;
    assert!(b.contains("2 package(s) can be accepted now, not 3"), "{b}");
    assert!(rows(&app, batch).await.iter().all(|r| r.2 == "pending"));

    let r = sup
        .post_form(
            "/supplier/batches/1",
            "/supplier/batches/1/accept-all",
            &[("confirmed", "2")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let after = rows(&app, batch).await;
    let pulled: Vec<_> = after.iter().filter(|r| r.3).collect();
    assert_eq!(pulled.len(), 1);
    assert_eq!(pulled[0].2, "pending", "the cancelled package was not accepted");
    assert_eq!(after.iter().filter(|r| r.2 == "accepted").count(), 2);

    // Answering it by hand as if live is refused too, with what to answer instead.
    let row = pulled[0].0.to_string();
    let r = sup
        .post_form(
            "/supplier/batches/1",
            "/supplier/batches/1/ack",
            &[
                ("row", &row),
                ("status", "accepted"),
                ("reason", ""),
                ("expected_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, b) = sup.get("/supplier/batches/1").await;
    assert!(
        b.contains("has a pull request") && b.contains("answer pulled"),
        "{b}"
    );
    assert_eq!(rows(&app, batch).await.iter().find(|r| r.3).unwrap().2, "pending");

    // The seller sees the open pull request, its age, and can filter orders by it.
    let (_, dash) = app.get("/batches").await;
    assert!(
        dash.contains("2 accepted") && dash.contains("1 pull request(s) open"),
        "the summary counts the pull request apart: {dash}"
    );
    assert!(
        dash.contains("open pull request(s), oldest") && dash.contains("min old"),
        "{dash}"
    );
    let (_, list) = app.get("/orders?pulls=true").await;
    let cancelled = ids[1];
    assert!(list.contains(&format!("/orders/{cancelled}\"")), "{list}");
    assert!(
        !list.contains(&format!("/orders/{}\"", ids[0])),
        "only orders with a pull request"
    );
    assert!(list.contains("pull requested"), "{list}");

    // Answering the pull request closes it.
    let r = sup
        .post_form(
            "/supplier/batches/1",
            "/supplier/batches/1/ack",
            &[
                ("row", &row),
                ("status", "pulled"),
                ("reason", ""),
                ("expected_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, list) = app.get("/orders?pulls=true").await;
    assert!(!list.contains(&format!("/orders/{cancelled}\"")), "{list}");
}

#[rocket::async_test]
async fn labels_bought_after_a_quiet_cut_off_wait_for_the_next_one() {
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 2).await;
    // A cut-off two minutes ago (UTC), with nothing to seal.
    let now = podgate::db::models::now();
    let cut = (now - chrono::Duration::minutes(2)).format("%H:%M").to_string();
    app.query(move |c| {
        use diesel::prelude::*;
        use podgate::db::schema::suppliers::dsl::*;
        diesel::update(suppliers.find(shirts))
            .set((cutoff_times.eq(cut.clone()), time_zone.eq("UTC")))
            .execute(c)
    })
    .await;
    let batches = &app.services.batches;
    batches.tick(now).await.unwrap();
    buy(&app, &ids).await;
    let count = || async {
        app.query(|c| {
            use diesel::prelude::*;
            podgate::db::schema::batches::table.count().get_result::<i64>(c)
        })
        .await
    };
    batches.tick(podgate::db::models::now()).await.unwrap();
    batches
        .tick(podgate::db::models::now() + chrono::Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        count().await,
        0,
        "labels bought after the cut-off wait for the next one"
    );
    let (_, dash) = app.get("/batches").await;
    assert!(dash.contains("Publish now"), "they wait in the open batch");
    // The next cut-off (the same time tomorrow) seals them.
    batches.tick(now + chrono::Duration::hours(24)).await.unwrap();
    assert_eq!(count().await, 1);
    let n: i64 = app
        .query(|c| {
            use diesel::prelude::*;
            podgate::db::schema::batches::table
                .select(podgate::db::schema::batches::package_count)
                .first(c)
        })
        .await;
    assert_eq!(n, 2);
}

#[rocket::async_test]
async fn an_ack_file_reports_every_bad_line_of_every_kind_at_once() {
    let (app, sb, shirts, mugs) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    let mug = orders_for(&app, mugs, 1).await;
    buy(&app, &[ids.clone(), mug.clone()].concat()).await;
    let batch = batch_id(&publish(&app, shirts).await);
    let mug_batch = batch_id(&publish(&app, mugs).await);
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[2]).await;
    let r = rows(&app, batch).await;
    let other = rows(&app, mug_batch).await.remove(0).1;
    let pulled = r.iter().find(|r| r.3).unwrap().1.clone();
    let live: Vec<&String> = r.iter().filter(|r| !r.3).map(|r| &r.1).collect();
    // The factory's editor shows the header as line 1.
    let file = format!(
        "package_id,status,reason,expected_date\n\
         999000111,accepted,,\n\
         {},acepted,,\n\
         {},backordered,,03/12/2026\n\
         {other},accepted,,\n\
         {pulled},accepted,,\n\
         {},rejected,,\n\
         {},accepted,,\n",
        live[0], live[0], live[1], live[1]
    );
    let set = ackfile::parse(Format::Csv, file.as_bytes()).unwrap();
    let sup = Actor {
        workspace_id: Some(1),
        label: "sftp:shirtco".into(),
        ..Actor::anonymous(None, Channel::Sftp)
    };
    let e = match app.services.batches.acknowledge(&sup, shirts, set).await {
        Err(podgate::domain::batches::acks::AckError::Refused(r)) => r,
        other => panic!("refused expected: {other:?}"),
    };
    let lines: Vec<usize> = e.lines.iter().map(|l| l.line).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 7], "{:?}", e.lines);
    let says = |line: usize, what: &str| {
        let l = e.lines.iter().find(|l| l.line == line).unwrap();
        assert!(l.message.to_string().contains(what), "line {line}: {}", l.message);
    };
    says(2, "in none of your published batches");
    says(3, "acepted");
    says(4, "2026-12-01");
    says(5, "in none of your published batches");
    says(6, "has a pull request");
    says(7, "needs a reason");
    assert_eq!(e.not_applied, 1, "line 8 was good but not applied");
    let csv = ackfile::result_csv(podgate::i18n::Lang::En, &[], &e.lines, e.not_applied, &[]);
    assert!(csv.contains("1 good line(s) not applied"), "{csv}");
    assert!(
        rows(&app, batch).await.iter().all(|r| r.2 == "pending"),
        "nothing applied"
    );
}

#[rocket::async_test]
async fn a_bought_order_shows_no_pre_flight_warning() {
    let (app, _sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 1).await;
    let (_, before) = app.get(&format!("/orders/{}", ids[0])).await;
    assert!(before.contains("Ready: every unit has a supplier"), "{before}");
    buy(&app, &ids).await;
    let (_, after) = app.get(&format!("/orders/{}", ids[0])).await;
    assert!(!after.contains("Not ready for a label"), "{after}");
    assert!(
        after.contains("Every unit is in a package with a label"),
        "{after}"
    );
}

#[rocket::async_test]
async fn a_rejected_package_moves_only_to_a_supplier_that_can_take_its_label() {
    let (app, _sb, shirts, mugs) = routed_app().await;
    let far = podgate_testkit::suppliers::add_supplier(&app, "Far Tees", "", "").await;
    let near = podgate_testkit::suppliers::add_supplier(&app, "Near Tees", "", "").await;
    app.query(move |c| {
        use diesel::prelude::*;
        use podgate::db::schema::suppliers::dsl::*;
        diesel::update(suppliers.find(far))
            .set(ship_from.eq("9 Mill Road\nAustin TX 78701"))
            .execute(c)
    })
    .await;
    // Both also make tees (a rule that never wins routing: priority 900).
    let (s, body) = podgate_testkit::suppliers::import_csv(
        &app,
        &format!(
            "{}TEE,prefix,900,Near Tees,NT1,340,10,8,1,,\nTEE-*,glob,900,Far Tees,FT1,340,10,8,1,,\n",
            podgate_testkit::suppliers::CATALOG
        ),
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let ids = orders_for(&app, shirts, 4).await;
    buy(&app, &ids).await;
    let batch = batch_id(&publish(&app, shirts).await);
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    // A package of tees only (Shirt Co also makes hoodies, which Near Tees does not).
    let tees_only: Vec<(i64, i64)> = app
        .query(move |c| {
            use diesel::prelude::*;
            use podgate::db::schema::order_items::dsl::*;
            let mut out = Vec::new();
            for (bp, p) in podgate::db::models::batch::members(c, batch)? {
                let units: Vec<i64> = p.unit_ids().collect();
                let skus: Vec<String> = order_items.filter(id.eq_any(&units)).select(seller_sku).load(c)?;
                if skus.iter().all(|s| s.starts_with("TEE-")) {
                    out.push((bp.id, p.id));
                }
            }
            Ok(out)
        })
        .await;
    let (row, pkg) = tees_only[0];
    podgate_testkit::suppliers::answer(&sup, row, "rejected", "Out of blanks").await;
    // The dashboard's link leads to a page that offers the re-route.
    let (_, dash) = app.get("/batches").await;
    let link = format!("/packages/{pkg}/reroute");
    assert!(dash.contains(&link), "{dash}");
    let (_, page) = app.get(&link).await;
    assert!(
        page.contains("Near Tees") && page.contains("Move the package and its label"),
        "{page}"
    );
    assert!(
        !page.contains("Mug Works"),
        "Mug Works makes none of these items: {page}"
    );
    assert!(
        page.contains("Far Tees") && page.contains("buy a new label"),
        "{page}"
    );
    let post = |to: i64| {
        let link = link.clone();
        let app = &app;
        async move {
            let r = app
                .post_form(&link, &link, &[("supplier", &to.to_string())])
                .await;
            assert_eq!(r.status(), Status::SeeOther);
            let to = r.headers().get_one("Location").unwrap().to_string();
            drop(r);
            app.get(&to).await.1
        }
    };
    let p = post(mugs).await;
    assert!(p.contains("Mug Works has no catalog rule for"), "{p}");
    let p = post(far).await;
    assert!(p.contains("Far Tees ships from another address"), "{p}");
    // Near Tees registered under the mug warehouse: the tee label's sender is the apparel
    // warehouse, so moving it there would need a new label.
    let link_near = |warehouse: &'static str| {
        let app = &app;
        async move {
            let page = format!("/suppliers/{near}/warehouse");
            let r = app.post_form(&page, &page, &[("warehouse", warehouse)]).await;
            assert_eq!(r.status(), Status::SeeOther);
        }
    };
    link_near("7000000000000000002").await;
    let (_, page) = app.get(&link).await;
    assert!(!page.contains("Move the package and its label"), "{page}");
    let p = post(near).await;
    assert!(
        p.contains("Near Tees ships from another address or TikTok warehouse"),
        "{p}"
    );
    link_near("7000000000000000001").await;
    let p = post(near).await;
    assert!(p.contains("The label moves to Near Tees"), "{p}");
    let supplier_now: i64 = app
        .query(move |c| Ok(podgate::db::models::package::find(c, pkg)?.supplier_id))
        .await;
    assert_eq!(supplier_now, near);
}
