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
