//! A fresh, empty database per test on the backend `PODGATE_TEST_BACKEND` names (`sqlite`, the
//! default, or `postgres` with `PODGATE_TEST_POSTGRES_URL`: each test gets its own schema).

use diesel::Connection;
use diesel::connection::SimpleConnection;

/// Which backend this test run uses.
pub fn backend() -> String {
    std::env::var("PODGATE_TEST_BACKEND").unwrap_or_else(|_| "sqlite".into())
}

/// A fresh, empty database for one test; dropped (PostgreSQL schema removed) afterwards.
pub struct TestDb {
    pub url: String,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub fn new(dir: &std::path::Path) -> TestDb {
        match backend().as_str() {
            "sqlite" => TestDb {
                url: format!("sqlite://{}", dir.join("test.db").display()),
                pg: None,
            },
            "postgres" => {
                let admin = std::env::var("PODGATE_TEST_POSTGRES_URL")
                    .expect("PODGATE_TEST_BACKEND=postgres needs PODGATE_TEST_POSTGRES_URL");
                let schema = format!("t_{}", hex::encode(podgate::crypto::random_bytes::<6>()));
                let mut c = diesel::PgConnection::establish(&admin).expect("connect to the test PostgreSQL");
                c.batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .expect("create schema");
                let sep = if admin.contains('?') { '&' } else { '?' };
                let url = format!("{admin}{sep}options=-csearch_path%3D{schema}");
                TestDb {
                    url,
                    pg: Some((admin, schema)),
                }
            }
            other => panic!("unknown PODGATE_TEST_BACKEND {other:?}"),
        }
    }

    /// A database the test brought itself (e.g. a [`crate::servers::PgCluster`]'s): used
    /// as is, nothing removed afterwards.
    pub fn at(url: String) -> TestDb {
        TestDb { url, pg: None }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, schema)) = &self.pg {
            if let Ok(mut c) = diesel::PgConnection::establish(admin) {
                let _ = c.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
            }
        }
    }
}
