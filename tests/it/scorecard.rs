//! The supplier scorecard's stored day rows: whatever happens to a label — a deadline from
//! TikTok, publication, an answer, a rejection, a carrier scan, a deadline passing, a void, a
//! move to another supplier — the scorecard read from them equals one counted from every label
//! of the window, and reading it leaves nothing to count.

use diesel::prelude::*;

use podgate::domain::dispatch::scorecard::{self, Score};
use podgate_testkit::TestApp;
use podgate_testkit::labels::{batch_rows, buy, orders_for, owner_actor, publish};
use podgate_testkit::shops::{on_tiktok, sync_shop_now, tiktok_ids};
use podgate_testkit::suppliers::{CATALOG, answer, import_csv, routed_app, supplier_user};

/// The scorecard from the stored rows, after checking it against a count of every label.
async fn checked(app: &TestApp, now: chrono::NaiveDateTime) -> Vec<Score> {
    let stored = app.services.scorecards.read(1, None, 7, now).await.unwrap();
    let counted = scorecard::recount(&app.pool, 1, None, 7, now).await.unwrap();
    assert_eq!(stored, counted, "the stored rows add up to the labels");
    let left: i64 = app
        .query(|c| podgate::db::schema::scorecard_dirty::table.count().get_result(c))
        .await;
    assert_eq!(left, 0, "reading the scorecard counted every change");
    stored
}

fn of<'a>(scores: &'a [Score], supplier: &str) -> &'a Score {
    scores
        .iter()
        .find(|s| s.supplier == supplier)
        .unwrap_or_else(|| panic!("{supplier} is on the scorecard: {scores:?}"))
}

async fn package_of(app: &TestApp, order: i64) -> (i64, String) {
    app.query(move |c| {
        use podgate::db::schema::packages::dsl::*;
        packages
            .filter(order_id.eq(order))
            .select((id, tiktok_package_id.assume_not_null()))
            .first(c)
    })
    .await
}

#[rocket::async_test]
async fn the_stored_scorecard_follows_every_change_to_a_label() {
    let (app, sb, shirts, mugs) = routed_app().await;
    let ids = orders_for(&app, shirts, 5).await;
    buy(&app, &ids).await;
    let now = podgate::db::models::now();
    let s = checked(&app, now).await;
    assert_eq!((of(&s, "Shirt Co").labels, of(&s, "Shirt Co").decided), (5, 0));

    // TikTok's deadlines: one passed an hour ago, the others still ahead.
    let tts = tiktok_ids(&app, &ids).await;
    let t = now.and_utc().timestamp();
    let dues = [t + 2 * 3600, t - 3600, t + 30 * 3600, t + 5 * 3600, t + 48 * 3600];
    for (o, due) in tts.iter().zip(dues) {
        on_tiktok(&sb, o, |o| o.tts_sla_time = due);
    }
    sync_shop_now(&app).await;
    let s = checked(&app, now).await;
    let shirt = of(&s, "Shirt Co");
    assert_eq!((shirt.decided, shirt.late), (1, 1), "{shirt:?}");
    assert_eq!(shirt.late_by_step.get("bought"), Some(&1));

    // Published; the supplier accepts one and rejects another.
    let batch = publish(&app, shirts).await;
    let batch_id: i64 = batch.trim_start_matches("/batches/").parse().unwrap();
    let rows = batch_rows(&app, batch_id).await;
    let row_of = |order: i64| rows.iter().find(|r| r.1 == order).unwrap().0;
    let pat = supplier_user(&app, shirts, "pat@shirtco.example").await;
    answer(&pat, row_of(ids[0]), "accepted", "").await;
    answer(&pat, row_of(ids[2]), "rejected", "Artwork file is 72 dpi").await;
    let s = checked(&app, now).await;
    let shirt = of(&s, "Shirt Co");
    assert!(shirt.ack_p50.is_some(), "{shirt:?}");
    assert_eq!(shirt.rejections.get("Artwork file is 72 dpi"), Some(&1));

    // The carrier scans the first label in time.
    let (_, first_pkg) = package_of(&app, ids[0]).await;
    sb.sandbox.world.lock().unwrap().scan(&first_pkg).unwrap();
    sync_shop_now(&app).await;
    let s = checked(&app, now).await;
    let shirt = of(&s, "Shirt Co");
    assert_eq!((shirt.decided, shirt.late), (2, 1), "{shirt:?}");
    assert!(shirt.scan_p50.is_some());

    // Six hours on, nobody touched anything: the label due in five hours is late now.
    let later = now + chrono::Duration::hours(6);
    let s = checked(&app, later).await;
    let shirt = of(&s, "Shirt Co");
    assert_eq!((shirt.decided, shirt.late), (3, 2), "{shirt:?}");

    // The seller voids the label due in two days: it leaves the scorecard.
    let (last_pkg, _) = package_of(&app, ids[4]).await;
    let actor = owner_actor(&app).await;
    app.services
        .labels
        .void(&actor, last_pkg, "Buyer changed the size")
        .await
        .unwrap();
    let s = checked(&app, later).await;
    assert_eq!(of(&s, "Shirt Co").labels, 4);

    // The rejected package moves to Mug Works (which also makes tees, at a priority that never
    // wins routing): its figures move with it.
    let (s, body) = import_csv(
        &app,
        &format!("{CATALOG}TEE,prefix,900,Mug Works,MW-T,,,,,,\nHOOD,prefix,900,Mug Works,MW-H,,,,,,\n"),
    )
    .await;
    assert_eq!(s, rocket::http::Status::SeeOther, "{body}");
    let (rejected_pkg, _) = package_of(&app, ids[2]).await;
    app.services
        .batches
        .reroute_package(&actor, rejected_pkg, mugs)
        .await
        .unwrap();
    let s = checked(&app, later).await;
    assert_eq!(of(&s, "Shirt Co").labels, 3);
    assert_eq!(of(&s, "Mug Works").labels, 1);

    // Every sync of an order sets its deadline again: one that changes nothing notes nothing.
    let order = ids[0];
    let noted = app
        .query(move |c| {
            use podgate::db::schema::orders::dsl::*;
            let (due, source, days): (i64, String, i64) = orders
                .find(order)
                .select((dispatch_due, dispatch_due_source, handling_days))
                .first(c)?;
            let changed = podgate::db::models::dispatch::set_due(c, order, due, &source, days)?;
            let notes: i64 = podgate::db::schema::scorecard_dirty::table
                .count()
                .get_result(c)?;
            Ok::<_, diesel::result::Error>((changed, notes))
        })
        .await;
    assert_eq!(noted, (false, 0), "an unchanged deadline is not a change");

    // The queue follows its labels the same way: an order TikTok cancels leaves it at once.
    let waiting = |page: &str| {
        let n = page.split("Labelled, not yet scanned (").nth(1).unwrap();
        n[..n.find(')').unwrap()].parse::<i64>().unwrap()
    };
    let (_, before) = app.get("/dispatch").await;
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[3]).await;
    let (_, after) = app.get("/dispatch").await;
    assert_eq!(waiting(&after), waiting(&before) - 1, "{after}");

    // The supplier's own scorecard reads the same rows.
    let own = app
        .services
        .scorecards
        .read(1, Some(shirts), 7, later)
        .await
        .unwrap();
    assert_eq!(own, vec![of(&s, "Shirt Co").clone()]);
}
