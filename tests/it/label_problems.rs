//! Label problems a seller handles: the service rule and a per-order service, thumbnails,
//! voiding and re-buying (never two live labels), retrying failures, cancelling the rest of a
//! job, and labels held back when TikTok cancels the order afterwards.

use rocket::http::Status;

use podgate_testkit::TestApp;
use podgate_testkit::labels::buy;
use podgate_testkit::suppliers::routed_app;

/// Orders ready for a label that go to one supplier (one package each).
async fn single_package_orders(app: &TestApp, n: usize) -> Vec<i64> {
    let ids = podgate_testkit::labels::ready_orders(app).await;
    let mut out = Vec::new();
    for id in ids {
        let sups: Vec<Option<i64>> = app
            .query(move |c| {
                use diesel::prelude::*;
                use podgate::db::schema::order_items::dsl::*;
                order_items
                    .filter(order_id.eq(id))
                    .select(supplier_id)
                    .distinct()
                    .load(c)
            })
            .await;
        if sups.len() == 1 {
            out.push(id);
        }
        if out.len() == n {
            break;
        }
    }
    assert_eq!(out.len(), n, "enough single-supplier orders");
    out
}

type Row = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

async fn packages_of(app: &TestApp, order: i64) -> Vec<Row> {
    app.query(move |c| {
        use diesel::prelude::*;
        use podgate::db::schema::packages::dsl::*;
        packages
            .filter(order_id.eq(order))
            .order(id)
            .select((
                id,
                status,
                tiktok_package_id,
                service_name,
                label_sha256,
                held_reason,
            ))
            .load(c)
    })
    .await
}

#[rocket::async_test]
async fn the_service_rule_and_a_per_order_choice_decide_what_is_bought() {
    let (app, _sb, _, _) = routed_app().await;
    let ids = single_package_orders(&app, 3).await;
    // Fastest for the workspace; one order overrides it with USPS Ground Advantage.
    let r = app
        .post_form(
            "/labels",
            "/labels/rules",
            &[("service_rule", "preferred"), ("preferred_carrier", "")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, page) = app.get("/labels").await;
    assert!(
        page.contains("Name the carrier to prefer"),
        "a bad rule is refused with what to do"
    );
    let r = app
        .post_form(
            "/labels",
            "/labels/rules",
            &[("service_rule", "fastest"), ("preferred_carrier", "")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let order_page = format!("/orders/{}", ids[0]);
    let (_, page) = app.get(&order_page).await;
    assert!(
        page.contains("(fastest)"),
        "the order page says what will be bought and why"
    );
    let r = app
        .post_form(
            &order_page,
            &format!("/orders/{}/service", ids[0]),
            &[("service", "USPS Ground Advantage")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    buy(&app, &ids).await;
    let first = packages_of(&app, ids[0]).await;
    assert_eq!(
        first[0].3.as_deref(),
        Some("USPS Ground Advantage"),
        "the override won"
    );
    for id in &ids[1..] {
        let svc = packages_of(&app, *id).await[0].3.clone().unwrap();
        // Shirt Co takes USPS and UPS only (fastest: Priority Mail, 1–3 days); Mug Works takes
        // any carrier (fastest: FedEx 2Day).
        assert!(
            svc == "USPS Priority Mail" || svc == "FedEx 2Day",
            "the fastest accepted service was chosen, got {svc}"
        );
    }
    let (_, page) = app.get(&order_page).await;
    assert!(page.contains("Shipping service for this order set to USPS Ground Advantage"));
}

#[rocket::async_test]
async fn a_label_previews_as_pdf_and_as_a_png_thumbnail() {
    let (app, _sb, _, _) = routed_app().await;
    let ids = single_package_orders(&app, 1).await;
    buy(&app, &ids).await;
    let p = packages_of(&app, ids[0]).await.remove(0);
    let r = app
        .client
        .get(format!("/packages/{}/thumbnail.png", p.0))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    assert_eq!(r.content_type(), Some(rocket::http::ContentType::PNG));
    let bytes = r.into_bytes().await.unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (216, 324), "a 4x6 label at 0.75 px/pt");
    let px = info.color_type.samples();
    let dark = buf[..info.buffer_size()]
        .chunks(px)
        .filter(|c| c[..3].iter().all(|v| *v < 80))
        .count();
    let total = (info.width * info.height) as usize;
    // Text, rules and the barcode are drawn; most of the label is white.
    assert!(dark > total / 50 && dark < total / 2, "{dark} dark of {total}");
}

#[rocket::async_test]
async fn a_voided_label_is_bought_again_only_after_tiktok_released_it() {
    let (app, sb, _, _) = routed_app().await;
    let ids = single_package_orders(&app, 1).await;
    buy(&app, &ids).await;
    let order_page = format!("/orders/{}", ids[0]);
    let (pid, _, tiktok_pkg, ..) = packages_of(&app, ids[0]).await.remove(0);
    let tiktok_pkg = tiktok_pkg.unwrap();

    // A reason is required; nothing changes without one.
    let r = app
        .post_form(&order_page, &format!("/packages/{pid}/void"), &[("reason", "  ")])
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    assert_eq!(packages_of(&app, ids[0]).await[0].1, "stored");
    let r = app
        .post_form(
            &order_page,
            &format!("/packages/{pid}/void"),
            &[("reason", "Wrong service")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, page) = app.get(&order_page).await;
    assert!(
        page.contains("voided by owner@example.com: Wrong service"),
        "{page}"
    );
    assert!(page.contains("Buy a new label"));

    // Re-buy while TikTok still holds the old label: nothing is bought, the reason says what to do.
    let r = app
        .post_form(&order_page, &format!("/packages/{pid}/rebuy"), &[])
        .await;
    let job = r.headers().get_one("Location").unwrap().to_string();
    let again = app
        .post_form(&order_page, &format!("/packages/{pid}/rebuy"), &[])
        .await;
    assert!(
        again
            .headers()
            .get_one("Location")
            .unwrap()
            .starts_with("/orders/"),
        "a double click plans one re-buy"
    );
    let page = podgate_testkit::shops::page_eventually(&app, &job, "1 failed").await;
    assert!(
        page.contains("cancel that label in TikTok Seller Center"),
        "{page}"
    );
    assert_eq!(sb.sandbox.state().purchases, 1);

    // The seller cancels it in Seller Center; a retry buys the new label.
    let url = format!("{}/sandbox/api/packages/{tiktok_pkg}/cancel_label", sb.base_url);
    let res = reqwest::Client::new().post(url).send().await.unwrap();
    assert!(res.status().is_success());
    let r = app.post_form(&job, &format!("{job}/retry"), &[]).await;
    assert_eq!(r.status(), Status::SeeOther);
    podgate_testkit::shops::page_eventually(&app, &job, "1 bought, 0 failed").await;
    let rows = packages_of(&app, ids[0]).await;
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].1.as_str(), rows[1].1.as_str()), ("voided", "stored"));
    assert_ne!(rows[1].2, rows[0].2, "a new TikTok package");
    let state = sb.sandbox.state();
    assert_eq!(
        (state.purchases, state.labels_cancelled, state.duplicate_labels),
        (2, 1, 0)
    );
    let (_, page) = app.get(&order_page).await;
    assert!(page.contains("New label requested by owner@example.com"));
}

#[rocket::async_test]
async fn cancelled_packages_are_planned_again_in_the_same_row() {
    let (app, sb, _, _) = routed_app().await;
    let ids = single_package_orders(&app, 4).await;
    let user = app
        .query(|c| podgate::db::models::user::User::find_by_email(c, "owner@example.com"))
        .await
        .unwrap();
    let actor =
        podgate::db::models::audit::Actor::user(&user, None, podgate::db::models::audit::Channel::Web);
    let labels = &app.services.labels;
    // Planned but not started: the seller cancels the rest.
    let s = labels.plan(&actor, ids.clone()).await.unwrap();
    assert_eq!(
        labels
            .cancel(&actor, s.job_id.expect("a job was planned"))
            .await
            .unwrap(),
        4
    );
    let p = labels
        .progress(s.job_id.expect("a job was planned"))
        .await
        .unwrap();
    assert_eq!((p.cancelled, p.remaining), (4, 0));
    // Selecting the orders again plans the same packages (no second row) and buys them.
    let job = buy(&app, &ids).await;
    let (_, page) = app.get(&job).await;
    assert!(page.contains("4 bought, 0 failed"), "{page}");
    assert_eq!(sb.sandbox.state().purchases, 4);
    let rows: i64 = app
        .query(|c| {
            use diesel::prelude::*;
            podgate::db::schema::packages::table.count().get_result(c)
        })
        .await;
    assert_eq!(rows, 4);
}

#[rocket::async_test]
async fn a_label_whose_order_is_cancelled_afterwards_is_held_back() {
    let (app, sb, _, _) = routed_app().await;
    let ids = single_package_orders(&app, 1).await;
    buy(&app, &ids).await;
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[0]).await;
    let row = packages_of(&app, ids[0]).await.remove(0);
    assert_eq!(row.1, "stored");
    assert!(row.5.unwrap().contains("kept out of handoff"));
    let (_, page) = app.get(&format!("/orders/{}", ids[0])).await;
    assert!(
        page.contains("held back from handoff") && page.contains("Void this label"),
        "{page}"
    );
}

/// The supplier of each unit of an order.
async fn unit_suppliers(app: &TestApp, order: i64) -> Vec<(i64, Option<i64>)> {
    app.query(move |c| {
        use diesel::prelude::*;
        use podgate::db::schema::order_items::dsl::*;
        order_items
            .filter(order_id.eq(order))
            .select((id, supplier_id))
            .order(id)
            .load(c)
    })
    .await
}

/// Units whose package has a label, or one being bought, stay with that package's supplier: a
/// rule change passes them by, and moving one by hand is refused with what to do instead.
#[rocket::async_test]
async fn units_in_a_package_keep_its_supplier_through_rule_changes() {
    let (app, _sb, shirts, mugs) = routed_app().await;
    let mut mine = Vec::new();
    for id in single_package_orders(&app, 20).await {
        if unit_suppliers(&app, id).await[0].1 == Some(shirts) {
            mine.push(id);
        }
    }
    let (bought, planned, free) = (mine[0], mine[1], mine[2]);
    buy(&app, &[bought]).await;
    // The intent is recorded; nothing buys it in this test (no runner was started).
    let actor = podgate_testkit::labels::owner_actor(&app).await;
    let started = app.services.labels.plan(&actor, vec![planned]).await.unwrap();
    assert_eq!(started.planned, 1);
    let before = (
        unit_suppliers(&app, bought).await,
        unit_suppliers(&app, planned).await,
    );

    // A rule above every other sends every SKU to Mug Works.
    let r = app
        .post_form(
            "/catalog",
            "/catalog/rules",
            &[
                ("pattern", "*"),
                ("match", "glob"),
                ("priority", "1"),
                ("supplier", "Mug Works"),
                ("product_code", ""),
                ("weight_g", "300"),
                ("length_in", "10"),
                ("width_in", "8"),
                ("height_in", "1"),
                ("art[front_print_url]", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    assert!(
        unit_suppliers(&app, free)
            .await
            .iter()
            .all(|(_, s)| *s == Some(mugs)),
        "an order without a package follows the new rule"
    );
    let after = (
        unit_suppliers(&app, bought).await,
        unit_suppliers(&app, planned).await,
    );
    assert_eq!(after, before, "units in a package keep its supplier");

    // Moving such a unit by hand is refused, saying why and what to do.
    for (order, item) in [(bought, before.0[0].0), (planned, before.1[0].0)] {
        let r = app
            .post_form(
                &format!("/orders/{order}"),
                &format!("/orders/{order}/items/{item}/supplier"),
                &[("supplier", &mugs.to_string())],
            )
            .await;
        assert_eq!(r.status(), Status::Conflict);
        let page = r.into_string().await.unwrap();
        assert!(
            page.contains("stays with that package") && page.contains("batch page"),
            "{page}"
        );
        let (_, order_page) = app.get(&format!("/orders/{order}")).await;
        assert!(
            order_page.contains("in a label's package"),
            "the order page says why: {order_page}"
        );
    }
    assert_eq!(unit_suppliers(&app, planned).await, before.1, "nothing moved");
}

#[rocket::async_test]
async fn tiktoks_allocated_service_is_bought_with_a_warning_or_held_as_the_seller_chose() {
    let (app, sb, _, _) = routed_app().await;
    // US TikTok Shipping label allocation: one service per package (USPS), whatever is asked.
    sb.sandbox.world.lock().unwrap().settings.label_allocation = true;
    app.query(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::suppliers::dsl::*;
        diesel::update(suppliers)
            .set(accepted_services.eq("UPS Ground"))
            .execute(c)
    })
    .await;
    let actor = podgate_testkit::labels::owner_actor(&app).await;
    let ids = podgate_testkit::labels::ready_orders(&app).await;
    let labels = &app.services.labels;
    let rules = |allocated: &'static str| {
        let app = &app;
        async move {
            let r = app
                .post_form(
                    "/labels",
                    "/labels/rules",
                    &[
                        ("service_rule", "cheapest"),
                        ("preferred_carrier", ""),
                        ("allocated_service", allocated),
                    ],
                )
                .await;
            assert_eq!(r.status(), Status::SeeOther);
        }
    };

    rules("hold").await;
    let (_, page) = app.get("/labels").await;
    assert!(
        page.contains("value=\"hold\" checked"),
        "the page shows the choice"
    );
    let held = labels.plan(&actor, vec![ids[0]]).await.unwrap();
    let progress = labels
        .run(held.job_id.expect("a job was planned"), 2)
        .await
        .unwrap();
    assert_eq!(progress.failed, held.planned, "{progress:?}");
    assert!(
        progress.failures[0].1.contains("TikTok allocates USPS") && progress.failures[0].1.contains("held"),
        "{progress:?}"
    );
    assert_eq!(sb.sandbox.state().purchases, 0, "nothing bought");

    rules("buy_and_warn").await;
    let bought = labels.plan(&actor, vec![ids[1]]).await.unwrap();
    let progress = labels
        .run(bought.job_id.expect("a job was planned"), 2)
        .await
        .unwrap();
    assert_eq!(progress.done, bought.planned, "{progress:?}");
    assert_eq!(sb.sandbox.state().purchases as usize, bought.planned);
    let tiktok_order: String = app
        .query(move |c| {
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl::*;
            orders.find(ids[1]).select(tiktok_order_id).first(c)
        })
        .await;
    let (_, page) = app.order_page(&tiktok_order).await;
    assert!(
        page.contains("allocated by TikTok; warning:") && page.contains("USPS"),
        "{page}"
    );
}
