//! Both migration folders stay in lock-step, and every migration runs up and down.

use std::collections::BTreeSet;
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::migration::MigrationSource;
use diesel_migrations::MigrationHarness;

use podgate::db::{AnyConnection, DbUrl};

use crate::common::TestDb;

fn names(folder: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| {
            for f in ["up.sql", "down.sql"] {
                assert!(e.path().join(f).is_file(), "{} lacks {f}", e.path().display());
            }
            e.file_name().to_string_lossy().into_owned()
        })
        .collect()
}

#[test]
fn sqlite_and_postgres_have_the_same_migrations() {
    let s = names("sqlite");
    let p = names("postgres");
    assert!(!s.is_empty());
    assert_eq!(
        s, p,
        "migrations/sqlite and migrations/postgres must hold the same names"
    );
}

fn table_count(conn: &mut AnyConnection) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = match conn {
        AnyConnection::Sqlite(_) => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'"
        }
        AnyConnection::Postgresql(_) => {
            "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations'"
        }
    };
    diesel::sql_query(sql).get_result::<N>(conn).unwrap().n
}

#[test]
fn every_migration_runs_up_and_down_on_this_backend() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let url = DbUrl::parse(&db.url).unwrap();
    let mut conn = url.connect().unwrap();
    let source = url.migrations();
    let all = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source)
        .unwrap()
        .len();
    let applied = conn.run_pending_migrations(url.migrations()).unwrap();
    assert_eq!(applied.len(), all);
    let tables = table_count(&mut conn);
    assert!(tables >= 6, "{tables} tables after migrating up");
    let reverted = conn.revert_all_migrations(url.migrations()).unwrap();
    assert_eq!(reverted.len(), all);
    assert_eq!(
        table_count(&mut conn),
        0,
        "down.sql must remove everything up.sql created"
    );
    conn.run_pending_migrations(url.migrations()).unwrap();
    assert_eq!(
        table_count(&mut conn),
        tables,
        "up again after down gives the same schema"
    );
    conn.batch_execute("SELECT 1").unwrap();
}
