//! SQLite has one writer at a time. A transaction that reads and then writes while another
//! connection commits must wait its turn (`write_tx`), not fail with "database is locked" as a
//! plain deferred transaction does — the race a seller met when clicking during a sync.

use std::time::Duration;

use diesel::prelude::*;

use podgate::db::{AnyConnection, DbPool, DbUrl, write_tx};

fn race(pool: &DbPool, guarded: bool, tag: &str) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let (other, tag_b) = (pool.clone(), format!("{tag}-b"));
    let b = std::thread::spawn(move || {
        rx.recv().unwrap();
        let mut c = other.get().unwrap();
        diesel::sql_query(format!(
            "INSERT INTO leases VALUES ('{tag_b}', 'b', '2030-01-01 00:00:00')"
        ))
        .execute(&mut *c)
        .map(|_| ())
    });
    let tag_a = format!("{tag}-a");
    let body = move |c: &mut AnyConnection| -> QueryResult<()> {
        let _: i64 = podgate::db::schema::leases::table.count().get_result(c)?;
        tx.send(()).unwrap();
        // The other connection commits now (or, under write_tx, waits for us).
        std::thread::sleep(Duration::from_millis(300));
        diesel::sql_query(format!(
            "INSERT INTO leases VALUES ('{tag_a}', 'a', '2030-01-01 00:00:00')"
        ))
        .execute(c)?;
        Ok(())
    };
    let mut pooled = pool.get().unwrap();
    let a: &mut AnyConnection = &mut pooled;
    let mine = if guarded {
        write_tx(a, body)
    } else {
        a.transaction(body)
    };
    b.join().unwrap().map_err(|e| format!("the other writer: {e}"))?;
    mine.map_err(|e| e.to_string())
}

#[test]
fn a_transaction_that_reads_then_writes_waits_for_the_other_writer_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = DbUrl::parse(&format!("sqlite://{}", dir.path().join("w.db").display())).unwrap();
    url.run_migrations().unwrap();
    let pool = DbPool::open(&url, 4).unwrap();
    let plain = race(&pool, false, "plain");
    assert!(
        plain.as_ref().is_err_and(|e| e.contains("locked")),
        "a plain transaction loses the race: {plain:?}"
    );
    assert_eq!(race(&pool, true, "guarded"), Ok(()), "write_tx waits its turn");
}

/// Named leases: one holder at a time, even among the tasks of one process; a live holder is
/// waited for, a dead holder of this machine is taken over at once, a run-out lease is free.
#[rocket::async_test]
async fn a_lease_has_one_holder_and_a_dead_holders_lease_is_taken_over() {
    use podgate::domain::leases::take;
    let dir = tempfile::tempdir().unwrap();
    let db = podgate_testkit::TestDb::new(dir.path());
    let url = DbUrl::parse(&db.url).unwrap();
    url.run_migrations().unwrap();
    let pool = DbPool::open(&url, 4).unwrap();

    let held = take(&pool, "shop:1:sync".into()).await.unwrap().expect("free");
    assert!(
        take(&pool, "shop:1:sync".into()).await.unwrap().is_none(),
        "held by another task"
    );
    drop(held);
    let mut again = None;
    for _ in 0..100 {
        again = take(&pool, "shop:1:sync".into()).await.unwrap();
        if again.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(again.is_some(), "given back when dropped");

    // Rows other processes hold: one alive (this test's own pid, another id), one dead.
    let me = podgate::domain::leases::worker_id();
    let host = me.rsplitn(3, '-').nth(2).unwrap().to_string();
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let rows = [
        ("alive", format!("{host}-{}-0000", std::process::id())),
        ("dead", format!("{host}-{}-0000", gone.id())),
        ("elsewhere", "another-host-1-0000".to_string()),
    ];
    for (name, holder) in rows {
        let in_a_minute = chrono::Utc::now().naive_utc() + chrono::Duration::minutes(1);
        pool.run(move |c| {
            podgate::db::models::lease::try_take(c, name, &holder, chrono::Duration::minutes(1))?;
            diesel::update(podgate::db::schema::leases::table.find(name))
                .set(podgate::db::schema::leases::expires_at.eq(in_a_minute))
                .execute(c)
                .map_err(podgate::domain::DomainError::from)
        })
        .await
        .unwrap();
    }
    assert!(
        take(&pool, "alive".into()).await.unwrap().is_none(),
        "a live holder is waited for"
    );
    assert!(
        take(&pool, "dead".into()).await.unwrap().is_some(),
        "a dead holder's lease is taken over"
    );
    assert!(
        take(&pool, "elsewhere".into()).await.unwrap().is_none(),
        "another machine's holder is waited for"
    );
    pool.run(|c| {
        diesel::update(podgate::db::schema::leases::table.find("elsewhere"))
            .set(
                podgate::db::schema::leases::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1)),
            )
            .execute(c)
            .map_err(podgate::domain::DomainError::from)
    })
    .await
    .unwrap();
    assert!(
        take(&pool, "elsewhere".into()).await.unwrap().is_some(),
        "a run-out lease is free"
    );
}

/// A sync rewriting orders, a seller moving units by hand and a rule change re-routing the
/// workspace all touch the same orders and units at once. None of them may fail: on
/// PostgreSQL, row locks taken in different orders deadlock (the 500 the access matrix met when
/// staff moved a unit during a sync they had started).
#[rocket::async_test]
async fn a_sync_manual_routing_and_a_rule_change_at_once_all_succeed() {
    use podgate::db::models::shop::Shop;
    use podgate::domain::shops::sync;
    let (owner, sb, shirts, mugs) = podgate_testkit::suppliers::routed_app().await;
    let actor = podgate_testkit::labels::owner_actor(&owner).await;
    let shop = owner.query(|c| Shop::find(c, 1)).await;
    let mut orders: Vec<_> = {
        let w = sb.sandbox.world.lock().unwrap();
        w.orders[&shop.tiktok_shop_id]
            .values()
            .map(|o| w.visible_order(o))
            .collect()
    };
    // Units, newest order first: the opposite of the order a re-route walks them in.
    let units: Vec<(i64, i64)> = owner
        .query(|c| {
            use podgate::db::schema::order_items as oi;
            oi::table
                .select((oi::order_id, oi::id))
                .order(oi::id.desc())
                .load(c)
        })
        .await;
    let until = std::time::Instant::now() + Duration::from_secs(3);
    let pool = owner.pool.clone();
    let syncing = tokio::task::spawn_blocking(move || {
        let mut errors = Vec::new();
        while std::time::Instant::now() < until {
            for o in &mut orders {
                o.update_time += 1;
            }
            let mut c = pool.get().unwrap();
            if let Err(e) = sync::apply_orders(&mut c, &shop, &orders, "test") {
                errors.push(format!("sync: {e}"));
            }
        }
        errors
    });
    let pool = owner.pool.clone();
    let rerouting = tokio::task::spawn_blocking(move || {
        let mut errors = Vec::new();
        while std::time::Instant::now() < until {
            let mut c = pool.get().unwrap();
            if let Err(e) = route_all(&mut c, 1) {
                errors.push(format!("re-route: {e}"));
            }
        }
        errors
    });
    let mut errors = Vec::new();
    let mut moved = 0;
    'outer: loop {
        for (i, (order, item)) in units.iter().enumerate() {
            if std::time::Instant::now() >= until {
                break 'outer;
            }
            let to = (i % 2 == 0).then_some(shirts);
            match podgate::domain::catalog::assign_item(&owner.pool, &actor, *order, *item, to).await {
                Ok(()) => moved += 1,
                Err(e) => errors.push(format!("assign: {e}")),
            }
        }
    }
    errors.extend(syncing.await.unwrap());
    errors.extend(rerouting.await.unwrap());
    assert!(moved > 0, "units were moved");
    assert!(
        errors.is_empty(),
        "{} failures, first: {:?}",
        errors.len(),
        errors.first()
    );
    assert_routing_consistent(&owner).await;

    // A unit moved by hand stays with its supplier through a rule change; a unit given back
    // follows the rules again.
    let ((order, item), (back_order, given_back)) = (units[0], units[1]);
    let assign = |o, i, to| podgate::domain::catalog::assign_item(&owner.pool, &actor, o, i, to);
    assign(order, item, Some(mugs)).await.unwrap();
    assign(back_order, given_back, None).await.unwrap();
    owner.query(|c| route_all(c, 1)).await;
    let (manual, by) = owner
        .query(move |c| {
            use podgate::db::schema::order_items as oi;
            let manual: Option<i64> = oi::table.find(item).select(oi::supplier_id).first(c)?;
            let by: String = oi::table.find(given_back).select(oi::routed_by).first(c)?;
            Ok((manual, by))
        })
        .await;
    assert_eq!(manual, Some(mugs), "the hand-made choice stays");
    assert_ne!(by, "manual", "a unit given back follows the rules");
    assert_routing_consistent(&owner).await;
}

/// Routes every order of the workspace again in this thread, a slice per transaction, as a
/// catalog change's background pass does.
fn route_all(c: &mut podgate::db::AnyConnection, ws: i64) -> diesel::QueryResult<()> {
    podgate::db::write_tx(c, |c| podgate::domain::routing::pass::begin(c, ws))?;
    while podgate::domain::routing::pass::step(c, ws)?.is_some() {}
    Ok(())
}

/// Every order's routing state is what its units say: routed, partial or unrouted.
async fn assert_routing_consistent(app: &podgate_testkit::TestApp) {
    let rows: Vec<(i64, String, Option<i64>)> = app
        .query(|c| {
            use podgate::db::schema::{order_items as oi, orders as o};
            o::table
                .inner_join(oi::table)
                .select((o::id, o::routing, oi::supplier_id))
                .load(c)
        })
        .await;
    let mut orders: std::collections::BTreeMap<i64, (String, usize, usize)> = Default::default();
    for (id, state, supplier) in rows {
        let e = orders.entry(id).or_insert((state, 0, 0));
        e.1 += 1;
        e.2 += usize::from(supplier.is_some());
    }
    for (id, (state, units, routed)) in orders {
        let want = match routed {
            0 => "unrouted",
            n if n == units => "routed",
            _ => "partial",
        };
        assert_eq!(state, want, "order {id}: {routed} of {units} units routed");
    }
}
