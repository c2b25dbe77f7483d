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

/// The labels' packages of a job, by order.
async fn job_orders(app: &TestApp) -> Vec<(Option<i64>, i64)> {
    app.query(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::packages::dsl::*;
        packages.select((job_id, order_id)).load(c)
    })
    .await
}

#[rocket::async_test]
async fn all_orders_matching_a_filter_are_bought_as_one_job_once_confirmed_and_never_twice() {
    let (app, _sb, _, _) = podgate_testkit::suppliers::routed_app().await;
    let filter = "routing=routed&status=AWAITING_SHIPMENT&label=none";
    let (_, page) = app.get(&format!("/orders?{filter}")).await;
    let n = matching(&page);
    assert!(n > 50, "more orders match than one page shows: {n}");
    assert!(
        page.contains(&format!("Buy labels for all {n} matching")),
        "{page}"
    );
    // The confirmation says how many and what filter.
    let confirm = format!("/labels/buy-matching?{filter}");
    let (s, body) = app.get(&confirm).await;
    assert_eq!(s, Status::Ok);
    assert!(
        body.contains(&format!("Buy labels for all {n} matching orders?"))
            && body.contains("status AWAITING_SHIPMENT")
            && body.contains(&format!("name=\"confirmed\" value=\"{n}\"")),
        "{body}"
    );
    // A count that is not today's buys nothing.
    let post = |confirmed: i64| {
        let app = &app;
        let confirm = confirm.clone();
        async move {
            let csrf = app.csrf(&confirm).await;
            let r = app
                .client
                .post(confirm.clone())
                .header(rocket::http::ContentType::Form)
                .body(podgate_testkit::form_body(&[
                    ("csrf_token", csrf.as_str()),
                    ("confirmed", &confirmed.to_string()),
                ]))
                .dispatch()
                .await;
            assert_eq!(r.status(), Status::SeeOther);
            r.headers().get_one("Location").unwrap().to_string()
        }
    };
    let to = post(n - 1).await;
    assert_eq!(to, confirm);
    let (_, again) = app.get(&to).await;
    assert!(
        again.contains(&format!(
            "{n} orders match this filter now, not the {} you confirmed: nothing was bought",
            n - 1
        )),
        "{again}"
    );
    assert!(job_orders(&app).await.is_empty(), "nothing planned");

    // Confirmed: one job holds every matching order.
    let job = post(n).await;
    assert!(job.starts_with("/labels/jobs/"), "{job}");
    let planned = job_orders(&app).await;
    let jobs: std::collections::BTreeSet<Option<i64>> = planned.iter().map(|p| p.0).collect();
    let orders: std::collections::BTreeSet<i64> = planned.iter().map(|p| p.1).collect();
    assert_eq!(jobs.len(), 1, "one job");
    assert_eq!(orders.len() as i64, n, "every matching order is in it");
    // Pressed again (a double click, a second tab): no label is planned twice.
    let second = post(n).await;
    assert_eq!(second, job, "sent to the job already buying them");
    assert_eq!(job_orders(&app).await.len(), planned.len());
    podgate_testkit::shops::page_eventually(&app, &job, " 0 remaining").await;
    // The list knows at once (not only after the next sync) that they have their labels, and
    // TikTok's copy, synced, agrees.
    let (_, after) = app.get(&format!("/orders?{filter}")).await;
    assert_eq!(matching(&after), 0, "every one of them has its label now");
    podgate_testkit::shops::sync_shop_now(&app).await;
    let (_, synced) = app.get(&format!("/orders?{filter}")).await;
    assert_eq!(matching(&synced), 0, "and TikTok says so too");
}

/// The list shows each order's suppliers, SKUs and answers, filters on the answer, and
/// "Exceptions only" holds rejections, late answers, pull requests and labels left unhanded.
#[rocket::async_test]
async fn the_list_shows_suppliers_and_answers_and_exceptions_include_the_handoffs() {
    use podgate_testkit::labels::{buy, orders_for, publish};
    let (app, _sb, shirts, _) = podgate_testkit::suppliers::routed_app().await;
    let ids = orders_for(&app, shirts, 4).await;
    buy(&app, &ids[..3]).await;
    publish(&app, shirts).await;
    let sup = podgate_testkit::suppliers::supplier_user(&app, shirts, "pat@shirtco.example").await;
    let rows = podgate_testkit::labels::batch_rows(&app, 1).await;
    let (rejected_row, rejected_order) = rows[0];
    podgate_testkit::suppliers::answer(&sup, rejected_row, "rejected", "Blank out of stock").await;
    podgate_testkit::suppliers::answer(&sup, rows[1].0, "accepted", "").await;

    let (_, page) = app.get("/orders?answer=rejected").await;
    assert_eq!(matching(&page), 1, "{page}");
    assert!(
        page.contains(&format!("href=\"/orders/{rejected_order}\"")),
        "{page}"
    );
    assert!(
        page.contains("<td>Shirt Co</td>") && page.contains("badge badge-broken\">rejected"),
        "the supplier and its answer are on the row: {page}"
    );
    // The CSV carries the same: suppliers, SKUs, answers.
    let (_, rows) = csv(&app, "/orders.csv?answer=rejected").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (&rows[0][12], &rows[0][14]),
        ("Shirt Co", "rejected"),
        "{:?}",
        rows[0]
    );
    assert!(!rows[0][13].is_empty(), "its SKUs: {:?}", rows[0]);
    let (_, accepted) = app.get("/orders?answer=accepted").await;
    assert_eq!(matching(&accepted), 1);
    let (_, exceptions) = app.get("/orders?exceptions=true").await;
    assert_eq!(matching(&exceptions), 1, "the rejection: {exceptions}");

    // The batch's answer deadline passes: the package still unanswered is late.
    app.query(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::batches::dsl::*;
        diesel::update(batches)
            .set(ack_due_at.eq(Some(podgate::db::models::now() - chrono::Duration::hours(1))))
            .execute(c)
    })
    .await;
    let (_, exceptions) = app.get("/orders?exceptions=true").await;
    assert_eq!(matching(&exceptions), 2, "the rejection and the late answer");

    // A label bought more than a day ago and never handed off is an exception too.
    buy(&app, &ids[3..]).await;
    let (_, exceptions) = app.get("/orders?exceptions=true").await;
    assert_eq!(matching(&exceptions), 2, "a fresh label waits for its cut-off");
    app.query(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::handoff_ready::dsl::*;
        diesel::update(handoff_ready)
            .set(ready_at.eq(podgate::db::models::now() - chrono::Duration::hours(25)))
            .execute(c)
    })
    .await;
    let (_, exceptions) = app.get("/orders?exceptions=true").await;
    assert_eq!(matching(&exceptions), 3, "{exceptions}");
    assert!(
        exceptions.contains(&format!("href=\"/orders/{}\"", ids[3])),
        "{exceptions}"
    );
}

/// "N orders match" on the first page and the shop, status and label chips comes from tallies
/// the database keeps as orders change (not from counting every order per page): after a sync,
/// a catalog that routes the orders, labels bought, a cancellation and another sync, every such
/// count agrees with the orders counted one by one, alone and combined (with routing, which is
/// counted from the orders themselves).
#[rocket::async_test]
async fn the_counts_kept_as_orders_change_agree_with_the_orders_themselves() {
    use podgate_testkit::labels::{buy, orders_for};
    let (app, sb, shirts, _) = podgate_testkit::suppliers::routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids[..2]).await;
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[2]).await;

    type Group = (i64, String, String, String, i64);
    let groups: Vec<Group> = app
        .query(|c| {
            use diesel::dsl::count_star;
            use diesel::prelude::*;
            use podgate::db::schema::orders::dsl::*;
            orders
                .group_by((shop_id, status, label_state, routing))
                .select((shop_id, status, label_state, routing, count_star()))
                .load(c)
        })
        .await;
    let total: i64 = groups.iter().map(|g| g.4).sum();
    let count_where =
        |f: &dyn Fn(&Group) -> bool| -> i64 { groups.iter().filter(|g| f(g)).map(|g| g.4).sum() };
    assert!(
        groups.iter().any(|g| g.2 != "none") && groups.iter().any(|g| g.1 == "CANCELLED"),
        "labels bought and an order cancelled: {groups:?}"
    );
    let check = || async {
        let (_, first) = app.get("/orders").await;
        assert_eq!(matching(&first), total);
        for g in &groups {
            let (shop, status, label, routing) = (g.0, &g.1, &g.2, &g.3);
            for (path, want) in [
                (format!("/orders?shop={shop}"), count_where(&|o| o.0 == shop)),
                (
                    format!("/orders?status={status}"),
                    count_where(&|o| &o.1 == status),
                ),
                (format!("/orders?label={label}"), count_where(&|o| &o.2 == label)),
                (
                    format!("/orders?routing={routing}"),
                    count_where(&|o| &o.3 == routing),
                ),
                (
                    format!("/orders?status={status}&label={label}&routing={routing}"),
                    count_where(&|o| &o.1 == status && &o.2 == label && &o.3 == routing),
                ),
            ] {
                let (_, page) = app.get(&path).await;
                assert_eq!(matching(&page), want, "{path}");
            }
        }
        let (_, none) = app.get("/orders?status=UNPAID&label=bought").await;
        assert_eq!(
            matching(&none),
            count_where(&|o| o.1 == "UNPAID" && o.2 == "bought")
        );
    };
    check().await;
    // Folded into one row per kind of order, the counts stay the same.
    let tally_rows = || {
        app.query(|c| {
            use diesel::prelude::*;
            podgate::db::schema::order_tallies::table
                .count()
                .get_result::<i64>(c)
        })
    };
    let kinds: std::collections::BTreeSet<(i64, &str, &str)> =
        groups.iter().map(|g| (g.0, g.1.as_str(), g.2.as_str())).collect();
    assert!(
        tally_rows().await as usize > kinds.len(),
        "changes since the last fold"
    );
    app.query(|c| podgate::db::models::order_tally::fold(c, 1)).await;
    assert_eq!(
        tally_rows().await as usize,
        kinds.len(),
        "one row per shop, status and label"
    );
    check().await;
}

/// The TikTok order ids a list page shows.
fn listed(page: &str) -> std::collections::BTreeSet<String> {
    page.split("<td><a href=\"/orders/")
        .skip(1)
        .filter_map(|s| Some(s.split_once("\">")?.1.split('<').next()?.to_string()))
        .collect()
}

/// The search box finds a recipient by any part of the name and in any case (three characters
/// or more through the name index, fewer by reading the names), an order by a SKU's prefix,
/// both at once, and nothing where nothing matches; when TikTok changes a name, the search
/// follows the new name and forgets the old one (the index is kept by the database in the same
/// transaction, and on SQLite FTS5's own check finds it in step with the orders).
#[rocket::async_test]
async fn searching_finds_any_part_of_a_name_in_any_case_and_follows_a_changed_name() {
    let (app, sb) = connected(WorldSettings {
        initial_orders: 90,
        orders_per_minute: 0.0,
        ..WorldSettings::default()
    })
    .await;
    let world = || -> Vec<tiktok::types::Order> {
        let w = sb.sandbox.world.lock().unwrap();
        w.orders.values().flat_map(|m| m.values().cloned()).collect()
    };
    let expected = |orders: &[tiktok::types::Order], text: &str| -> std::collections::BTreeSet<String> {
        orders
            .iter()
            .filter(|o| {
                o.recipient_address
                    .name
                    .to_lowercase()
                    .contains(&text.to_lowercase())
                    || o.line_items
                        .iter()
                        .any(|li| li.seller_sku.starts_with(&text.to_uppercase()))
            })
            .map(|o| o.id.clone())
            .collect()
    };
    let before = world();
    let named = before
        .iter()
        .find(|o| o.recipient_address.name.chars().count() >= 8)
        .expect("a recipient with a name");
    let name: Vec<char> = named.recipient_address.name.chars().collect();
    let middle: String = name[2..6].iter().collect::<String>().to_uppercase();
    let two: String = name[1..3].iter().collect();
    let sku = before[0].line_items[0].seller_sku.clone();
    let sku_prefix = sku[..sku.len().min(5)].to_lowercase();
    let quoted = format!("\"{middle}");
    for text in [
        middle.as_str(),
        two.as_str(),
        sku_prefix.as_str(),
        "zqxjv",
        &quoted,
    ] {
        let want = expected(&before, text);
        assert!(want.len() <= 50, "one page holds them: {text}");
        let (_, page) = app.get(&format!("/orders?q={}", urlencoding(text))).await;
        if want.is_empty() {
            assert!(page.contains("No orders match"), "{text}");
            continue;
        }
        assert_eq!(matching(&page), want.len() as i64, "count for {text:?}");
        assert_eq!(listed(&page), want, "orders for {text:?}");
    }
    assert!(!expected(&before, &middle).is_empty() && !expected(&before, &sku_prefix).is_empty());

    // TikTok changes the name: the new one is found, the old one no longer finds the order.
    let old_part: String = name.iter().collect::<String>().to_lowercase();
    podgate_testkit::shops::on_tiktok(&sb, &named.id, |o| {
        o.recipient_address.name = "Quentin Vexworthy".into();
        o.update_time = chrono::Utc::now().timestamp();
    });
    podgate_testkit::shops::sync_shop_now(&app).await;
    let (_, page) = app.get("/orders?q=XWOR").await;
    assert_eq!(listed(&page), [named.id.clone()].into(), "found by the new name");
    let (_, page) = app.get(&format!("/orders?q={}", urlencoding(&old_part))).await;
    assert!(
        !listed(&page).contains(&named.id),
        "the old name no longer finds it"
    );
    assert_eq!(listed(&page), expected(&world(), &old_part));
    if podgate_testkit::backend() == "sqlite" {
        // FTS5 compares every entry of the index with the orders it indexes.
        app.query(|c| {
            diesel::connection::SimpleConnection::batch_execute(
                c,
                "INSERT INTO search_order_names (search_order_names, rank) VALUES ('integrity-check', 1)",
            )
        })
        .await;
    }
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// How many rows of `table` the database's planner believes there are (its statistics): on
/// PostgreSQL `pg_class.reltuples` (-1 until the table is first analyzed), on SQLite the row
/// count `sqlite_stat1` records for the table's indexes (0 when it has none).
fn planner_rows(c: &mut podgate::db::AnyConnection, table: &str) -> diesel::QueryResult<f64> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Rows {
        #[diesel(sql_type = diesel::sql_types::Double)]
        n: f64,
    }
    let sql = match c {
        podgate::db::AnyConnection::Postgresql(_) => {
            format!("SELECT reltuples::float8 AS n FROM pg_class WHERE oid = '{table}'::regclass")
        }
        podgate::db::AnyConnection::Sqlite(_) => {
            let known = diesel::sql_query(
                "SELECT 1.0 AS n FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'",
            )
            .load::<Rows>(c)?;
            if known.is_empty() {
                return Ok(0.0);
            }
            format!(
                "SELECT COALESCE(MAX(CAST(stat AS INTEGER)), 0) * 1.0 AS n FROM sqlite_stat1 WHERE tbl = '{table}'"
            )
        }
    };
    Ok(diesel::sql_query(sql).get_result::<Rows>(c)?.n)
}

/// A first sync of many orders leaves the planner statistics that count them. PostgreSQL's
/// autovacuum analyzes a grown table only on its next round, and until then the list's
/// queries were planned for empty tables: 44 first pages a second under load instead of 848
/// at 100,000 orders (docs/performance.md).
#[rocket::async_test]
async fn a_first_sync_of_many_orders_leaves_the_planner_statistics_that_count_them() {
    let created = podgate::domain::shops::sync::STATISTICS_AFTER_CREATED as usize;
    let (app, _sb) = connected(WorldSettings {
        initial_orders: created,
        ..WorldSettings::default()
    })
    .await;
    let (orders, items) = app
        .query(|c| Ok((planner_rows(c, "orders")?, planner_rows(c, "order_items")?)))
        .await;
    assert!(
        orders >= created as f64 * 0.9 && items >= created as f64 * 0.9,
        "after syncing {created} orders the planner believes in {orders} orders and {items} units"
    );
}
