//! TikTok's dispatch clock: each order's in-transit deadline (TikTok's own, or the seller's
//! handling time in business days), each label's steps from purchase to the first carrier
//! scan, and the queue of labels not scanned yet, most urgent first, with the late ones counted.

use rocket::http::Status;

use podgate::db::models::step::ClockStep;
use podgate::domain::dispatch::Calendar;
use podgate_testkit::TestApp;
use podgate_testkit::labels::{buy, orders_for, publish};
use podgate_testkit::shops::{on_tiktok, sync_shop_now, tiktok_ids};
use podgate_testkit::suppliers::{answer, routed_app, supplier_user};

#[rocket::async_test]
async fn labels_wait_in_the_queue_until_their_first_carrier_scan_and_late_ones_are_counted() {
    let (app, sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let zip = podgate_testkit::labels::zip_name(&app, 1).await;
    let r = sup
        .client
        .get(format!("/supplier/batches/1/{zip}"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    drop(r);
    let rows = podgate_testkit::labels::batch_rows(&app, 1).await;
    answer(&sup, rows[0].0, "accepted", "").await;

    // Three labels, none scanned: each waits with TikTok's own deadline.
    let (_, page) = app.get("/dispatch").await;
    assert!(page.contains("Labelled, not yet scanned (3)"), "{page}");
    assert_eq!(page.matches("TikTok's deadline").count(), 3, "{page}");
    assert!(page.contains("batch 1") && page.contains("Shirt Co"), "{page}");
    assert!(!page.contains("id=\"late-count\""), "nothing late yet");

    // The carrier scans the first package: it leaves the queue; its clock has every step.
    let first = rows[0].1;
    let pkg: String = app
        .query(move |c| {
            use diesel::prelude::*;
            use podgate::db::schema::packages::dsl::*;
            packages
                .filter(order_id.eq(first))
                .select(tiktok_package_id.assume_not_null())
                .first(c)
        })
        .await;
    sb.sandbox.world.lock().unwrap().scan(&pkg).unwrap();
    sync_shop_now(&app).await;
    let (_, page) = app.get("/dispatch").await;
    assert!(page.contains("Labelled, not yet scanned (2)"), "{page}");
    let steps: Vec<ClockStep> = app
        .query(move |c| {
            use diesel::prelude::*;
            use podgate::db::schema::packages::dsl::*;
            let p: i64 = packages.filter(order_id.eq(first)).select(id).first(c)?;
            Ok(podgate::db::models::step::of_packages(c, &[p])?
                .into_iter()
                .map(|s| s.step)
                .collect())
        })
        .await;
    assert_eq!(
        steps,
        [
            ClockStep::Bought,
            ClockStep::Published,
            ClockStep::Downloaded,
            ClockStep::Acknowledged,
            ClockStep::Scanned
        ]
    );
    let (_, order_page) = app.get(&format!("/orders/{first}")).await;
    assert!(
        order_page.contains("The carrier scanned the package: in transit (TikTok)")
            && order_page.contains(", on time."),
        "{order_page}"
    );
    // A second sync records nothing twice.
    sync_shop_now(&app).await;
    let (_, order_page) = app.get(&format!("/orders/{first}")).await;
    assert_eq!(order_page.matches("The carrier scanned the package").count(), 1);

    // TikTok's deadline for the second order passes: it is counted late, where it stalled.
    let tt = tiktok_ids(&app, &[rows[1].1]).await.remove(0);
    let past = chrono::Utc::now().timestamp() - 3 * 3600;
    on_tiktok(&sb, &tt, |o| o.tts_sla_time = past);
    sync_shop_now(&app).await;
    let (_, page) = app.get("/dispatch").await;
    assert!(
        page.contains("id=\"late-count\"><strong>1 label(s) past their deadline"),
        "{page}"
    );
    assert!(
        page.contains("late by 3 h 00 min") || page.contains("late by 2 h 59 min"),
        "{page}"
    );
    let late_row = &page[page.find("class=\"late\"").unwrap()..];
    assert!(
        late_row[..late_row.find("</tr>").unwrap()].contains("downloaded"),
        "it stalled after the download"
    );
}

#[rocket::async_test]
async fn without_tiktoks_deadline_the_sellers_business_days_count_and_the_calendar_form_names_mistakes() {
    let (app, sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 1).await;
    buy(&app, &ids).await;
    let tt = tiktok_ids(&app, &ids).await.remove(0);
    on_tiktok(&sb, &tt, |o| {
        o.tts_sla_time = 0;
        o.collection_due_time = 0;
    });
    sync_shop_now(&app).await;
    let due = || {
        let id = ids[0];
        app.query(move |c| {
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl;
            dsl::orders
                .find(id)
                .select((dsl::dispatch_due, dsl::dispatch_due_source, dsl::paid_time))
                .first::<(i64, String, i64)>(c)
        })
    };
    let (at, source, paid) = due().await;
    assert_eq!(source, "handling");
    assert_eq!(
        at,
        Calendar::new("", "", 2).end_of_business_days(paid, 2),
        "2 business days, UTC"
    );

    // Every mistake named at once, what was typed kept.
    let r = app
        .post_form(
            "/dispatch",
            "/dispatch/calendar",
            &[
                ("time_zone", "Mars/Base"),
                ("holidays", "2026-12-25, Xmas"),
                ("handling_days", "0"),
                ("alert_hours", "24, soon"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let page = r.into_string().await.unwrap();
    for said in [
        "&quot;Mars&#x2f;Base&quot; is not a time zone",
        "&quot;Xmas&quot; is not a date",
        "from 1 to 30",
        "2026-12-25, Xmas",
        "&quot;soon&quot; is not a whole number of hours",
    ] {
        assert!(page.contains(said), "{said:?}: {page}");
    }
    // A seller in New York with three handling days and the next day off: the open deadline moves.
    let paid_day = chrono::DateTime::from_timestamp(paid, 0).unwrap().date_naive();
    let holiday = paid_day.succ_opt().unwrap().format("%Y-%m-%d").to_string();
    let r = app
        .post_form(
            "/dispatch",
            "/dispatch/calendar",
            &[
                ("time_zone", "America/New_York"),
                ("holidays", &holiday),
                ("handling_days", "3"),
                ("alert_hours", "24, 6"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let cal = Calendar::new("America/New_York", &holiday, 3);
    let (at, source, _) = due().await;
    assert_eq!(
        (at, source.as_str()),
        (cal.end_of_business_days(paid, 3), "handling")
    );
    assert!(
        at > Calendar::new("America/New_York", "", 3).end_of_business_days(paid, 3) - 1,
        "the holiday is skipped"
    );
}

/// The escalation mails in the outbox: (to, subject, body).
async fn dispatch_mail(app: &TestApp) -> Vec<(String, String, String)> {
    app.query(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::mail_outbox::dsl::*;
        mail_outbox
            .filter(kind.eq("dispatch"))
            .order(id)
            .select((to_addr, subject, body))
            .load(c)
    })
    .await
}

#[rocket::async_test]
async fn labels_not_scanned_are_escalated_once_per_threshold_whatever_the_processes() {
    let (app, sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 2).await;
    buy(&app, &ids).await;
    let tts = tiktok_ids(&app, &ids).await;
    let now = chrono::Utc::now();
    let unix = now.timestamp();
    on_tiktok(&sb, &tts[0], |o| o.tts_sla_time = unix + 5 * 3600);
    on_tiktok(&sb, &tts[1], |o| o.tts_sla_time = unix + 20 * 3600);
    sync_shop_now(&app).await;

    // Two processes' clocks tick at once, and again after a restart: each label is named once
    // per threshold it crossed (the first: 24 h and 6 h at once, in one mail; the second: 24 h).
    let escalate = |at: chrono::DateTime<chrono::Utc>| {
        let pool = app.pool.clone();
        async move {
            podgate::domain::dispatch::alerts::escalate(&pool, at.naive_utc())
                .await
                .unwrap()
        }
    };
    let (a, b) = tokio::join!(escalate(now), escalate(now));
    assert_eq!(a + b, 2, "both labels named once between the two processes");
    assert_eq!(escalate(now).await, 0, "a restart sends nothing again");
    let mails = dispatch_mail(&app).await;
    let to: Vec<&str> = mails.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(to.len(), 2, "the supplier's contact and the owner: {to:?}");
    assert!(to.contains(&"owner@example.com"), "{to:?}");
    for (_, subject, body) in &mails {
        assert!(
            subject.contains("2 label(s) with Shirt Co must be scanned"),
            "{subject}"
        );
        assert!(body.contains(&tts[0]) && body.contains(&tts[1]), "{body}");
    }
    // The supplier's portal says it too.
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let (_, portal) = sup.get("/supplier").await;
    assert!(
        portal.contains("2 packages must be scanned by the carrier within 24 hours"),
        "{portal}"
    );
    let supplier_mail = mails.iter().find(|m| m.0 != "owner@example.com").unwrap();
    assert!(
        supplier_mail.2.contains(" PST ("),
        "in the supplier's zone: {}",
        supplier_mail.2
    );

    // 15 hours on: the second label crosses 6 h; the first (late now) was told at 6 h already.
    let later = now + chrono::Duration::hours(15);
    assert_eq!(escalate(later).await, 1);
    let mails = dispatch_mail(&app).await;
    assert_eq!(mails.len(), 4);
    assert!(
        mails[2].1.contains("1 label(s)") && mails[2].2.contains(&tts[1]) && !mails[2].2.contains(&tts[0])
    );
    let (_, order) = app.get(&format!("/orders/{}", ids[1])).await;
    assert_eq!(
        order
            .matches("Not scanned 24 h before its in-transit deadline")
            .count(),
        1,
        "{order}"
    );
    assert_eq!(order.matches("Not scanned 6 h before").count(), 1);
}

#[rocket::async_test]
async fn the_scorecard_counts_late_dispatches_as_tiktok_does_and_draws_them() {
    let (app, sb, shirts, _mugs) = routed_app().await;
    let ids = orders_for(&app, shirts, 4).await;
    buy(&app, &ids).await;
    let tts = tiktok_ids(&app, &ids).await;
    let now = chrono::Utc::now().timestamp();
    // In time and scanned; late and not scanned; scanned after its deadline; still in time.
    let dues = [now + 5 * 3600, now - 2 * 3600, now - 3600, now + 10 * 3600];
    for (t, due) in tts.iter().zip(dues) {
        on_tiktok(&sb, t, |o| o.tts_sla_time = due);
    }
    sync_shop_now(&app).await;
    for i in [0, 2] {
        let order = ids[i];
        let pkg: String = app
            .query(move |c| {
                use diesel::prelude::*;
                use podgate::db::schema::packages::dsl::*;
                packages
                    .filter(order_id.eq(order))
                    .select(tiktok_package_id.assume_not_null())
                    .first(c)
            })
            .await;
        sb.sandbox.world.lock().unwrap().scan(&pkg).unwrap();
    }
    sync_shop_now(&app).await;

    // By hand: three labels are decided (the fourth is still in time), two of them late.
    let scores = app
        .services
        .scorecards
        .read(1, None, 7, podgate::db::models::now())
        .await
        .unwrap();
    assert_eq!(scores.len(), 1);
    let s = &scores[0];
    assert_eq!(
        (s.supplier.as_str(), s.labels, s.decided, s.late),
        ("Shirt Co", 4, 3, 2)
    );
    assert!((s.late_rate.unwrap() - 200.0 / 3.0).abs() < 1e-9);
    assert!(
        s.scan_p50.is_some() && s.ack_p50.is_none(),
        "two scans, no answer yet"
    );
    assert_eq!(s.late_by_step.values().sum::<i64>(), 2);

    let (status, page) = app.get("/dispatch/scorecard?days=7").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("66.7%</strong> (2 of 3)"), "{page}");
    assert!(
        page.contains("<svg class=\"chart\"") && page.contains("<polyline"),
        "a chart: {page}"
    );
    assert!(page.contains("<title>Shirt Co</title>"), "{page}");
    // The labels behind the figures, as CSV: one row each, with the clock and the verdict.
    let csv = app.client.get("/dispatch/scorecard.csv?days=7").dispatch().await;
    assert_eq!(csv.status(), Status::Ok);
    let csv = csv.into_string().await.unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("supplier,order_id,package_id,tracking_number,bought_at,")
    );
    let verdicts: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').rev().nth(1).unwrap())
        .collect();
    assert_eq!(verdicts.len(), 4);
    assert_eq!(verdicts.iter().filter(|v| **v == "late").count(), 2, "{csv}");
    assert_eq!(verdicts.iter().filter(|v| **v == "on time").count(), 1, "{csv}");
    // The supplier sees its own figures, and no other supplier's.
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let (_, own) = sup.get("/supplier/scorecard?days=7").await;
    assert!(
        own.contains("Your scorecard") && own.contains("66.7%</strong> (2 of 3)"),
        "{own}"
    );
    let other = supplier_user(&app, _mugs, "it@mugworks.example").await;
    let (_, theirs) = other.get("/supplier/scorecard?days=7").await;
    assert!(
        !theirs.contains("Shirt Co") && !theirs.contains("66.7%"),
        "{theirs}"
    );
}
