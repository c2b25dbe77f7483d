//! The orders list at volume: the count of every order the filter matches, the most urgent
//! first, and the CSV download of the whole filtered list (streamed past one chunk of rows).

use rocket::http::Status;
use tiktok_sandbox::world::WorldSettings;

use podgate_testkit::TestApp;
use podgate_testkit::shops::connected;

fn matching(page: &str) -> i64 {
    let at = page
        .split("id=\"orders-matching\"><strong>")
        .nth(1)
        .expect("a count");
    at[..at.find('<').unwrap()].parse().unwrap()
}

async fn csv(app: &TestApp, path: &str) -> (String, Vec<csv::StringRecord>) {
    let r = app.client.get(path.to_string()).dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    assert_eq!(
        r.content_type().map(|c| c.to_string()).as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let disposition = r
        .headers()
        .get_one("Content-Disposition")
        .unwrap_or_default()
        .to_string();
    let body = r.into_bytes().await.unwrap();
    let rows = csv::Reader::from_reader(body.as_slice())
        .records()
        .map(|r| r.expect("well-formed CSV"))
        .collect();
    (disposition, rows)
}

#[rocket::async_test]
async fn the_list_counts_sorts_by_urgency_and_exports_every_matching_order() {
    let (app, _sb) = connected(WorldSettings {
        initial_orders: 1_200,
        ..WorldSettings::default()
    })
    .await;
    let (all, awaiting): (i64, i64) = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl::*;
            let all = orders.count().get_result(c)?;
            let awaiting = orders
                .filter(status.eq_any(["AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"]))
                .filter(ship_by.gt(0))
                .count()
                .get_result(c)?;
            Ok((all, awaiting))
        })
        .await;
    assert!(all >= 1_200 && awaiting > 0, "{all} orders, {awaiting} to ship");

    // The count is of every page, not of the 50 rows shown.
    let (_, page) = app.get("/orders").await;
    assert_eq!(matching(&page), all, "the unfiltered count");
    let (_, page) = app.get("/orders?status=AWAITING_SHIPMENT").await;
    let awaiting_only = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl::*;
            orders
                .filter(status.eq("AWAITING_SHIPMENT"))
                .count()
                .get_result::<i64>(c)
        })
        .await;
    assert_eq!(matching(&page), awaiting_only);

    // Most urgent first: ship-by ascending, orders still to ship only, across pages.
    let (_, page) = app.get("/orders?sort=urgent").await;
    assert_eq!(matching(&page), awaiting);
    let times: Vec<i64> = page
        .split("<time datetime=\"")
        .skip(1)
        .map(|t| {
            chrono::DateTime::parse_from_rfc3339(&t[..t.find('"').unwrap()])
                .unwrap()
                .timestamp()
        })
        .collect();
    assert!(
        times.len() >= 50 && times.windows(2).all(|w| w[0] <= w[1]),
        "{times:?}"
    );
    let next = podgate_testkit::next_page_href(&page);
    assert!(next.contains("sort=urgent") && next.contains("after="), "{next}");
    let (_, page2) = app.get(&next).await;
    let first_of_2 = page2.split("<time datetime=\"").nth(1).unwrap();
    let first_of_2 =
        chrono::DateTime::parse_from_rfc3339(&first_of_2[..first_of_2.find('"').unwrap()]).unwrap();
    assert!(first_of_2.timestamp() >= *times.last().unwrap());

    // A hostile recipient name must not become a spreadsheet formula.
    app.query(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::orders::dsl::*;
        let first: i64 = orders.select(id).order(id).first(c)?;
        diesel::update(orders.find(first))
            .set(recipient_name.eq("=HYPERLINK(\"http://evil.example\")"))
            .execute(c)
    })
    .await;

    // The download holds every matching order once, past the first chunk of 1,000 rows.
    let (disposition, rows) = csv(&app, "/orders.csv").await;
    assert!(
        disposition.starts_with("attachment; filename=\"orders-") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    assert_eq!(rows.len() as i64, all, "one row per order");
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
    assert_eq!(ids.len(), rows.len(), "no order twice across chunks");
    assert!(
        rows.iter()
            .any(|r| r.get(5) == Some("'=HYPERLINK(\"http://evil.example\")")),
        "formula cells are neutralised"
    );
    // With the list's filter and sort: the same orders as the page counts, the most urgent first.
    let (_, urgent) = csv(&app, "/orders.csv?sort=urgent").await;
    assert_eq!(urgent.len() as i64, awaiting);
    let ship: Vec<&str> = urgent.iter().map(|r| r.get(4).unwrap()).collect();
    assert!(ship.windows(2).all(|w| w[0] <= w[1]), "ship-by ascending");
    assert!(
        urgent
            .iter()
            .all(|r| matches!(r.get(2), Some("AWAITING_SHIPMENT" | "PARTIALLY_SHIPPING")))
    );
}
