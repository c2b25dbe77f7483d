//! Database access shared by the web portal, the SFTP gateway and background jobs.
//!
//! One Diesel schema serves SQLite and PostgreSQL through `#[derive(MultiConnection)]`.
//! The backend is chosen from the URL scheme (never guessed), migrations for each backend
//! are embedded in the binary, and every blocking Diesel call runs on tokio's blocking pool.

mod id_list;
pub mod models;
pub mod schema;

pub use id_list::{InIdList, in_id_list};

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Migrations for SQLite; `migrations/postgres` must hold the same names (a test enforces it).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// Migrations for PostgreSQL.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the deployment uses; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL, for larger or multi-process deployments.
    Postgresql(diesel::PgConnection),
    /// SQLite, the embedded default.
    Sqlite(diesel::SqliteConnection),
}

/// Runs a statement Diesel's multi-backend connection cannot express (multi-row `INSERT`,
/// `ON CONFLICT`) on the connection's own backend: the body is written once and type-checked
/// for each.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgresql($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// Runs `f` in a read-only transaction that sees one snapshot throughout (REPEATABLE READ on
/// PostgreSQL, whose default gives each statement its own; on SQLite a transaction's reads
/// already share one), for work that reads the same rows several times over.
pub fn read_snapshot<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(|c| {
        if matches!(c, AnyConnection::Postgresql(_)) {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(c)?;
        }
        f(c)
    })
}

/// Runs `f` in a transaction that writes. On SQLite its first statement takes the write lock
/// (as `BEGIN IMMEDIATE` would), so a transaction that reads and then writes waits its turn
/// behind another writer instead of failing with "database is locked": in WAL mode a read
/// snapshot made stale by another commit cannot be upgraded, and `busy_timeout` does not apply
/// there. On PostgreSQL, a transaction the server chose as a deadlock's victim (or failed as a
/// serialization conflict) is run again from the start, as PostgreSQL's manual advises: it
/// changed nothing, so `f` may simply repeat. Nested, it is a savepoint on both (and a failed
/// savepoint is left to the outermost transaction to repeat).
pub fn write_tx<T, E, F>(conn: &mut AnyConnection, mut f: F) -> Result<T, E>
where
    F: FnMut(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error> + std::fmt::Display,
{
    let outermost = !in_transaction(conn);
    let mut attempt = 1;
    loop {
        let result = conn.transaction(|c| {
            if matches!(c, AnyConnection::Sqlite(_)) {
                // Deletes nothing, but takes the write lock (waiting out busy_timeout if need be).
                diesel::sql_query("DELETE FROM leases WHERE 0").execute(c)?;
            }
            f(c)
        });
        match result {
            Err(e) if outermost && attempt < TX_ATTEMPTS && is_lost_to_another(&e.to_string()) => {
                tracing::warn!(attempt, error = %e, "transaction lost to a concurrent one; running it again");
                std::thread::sleep(std::time::Duration::from_millis(5 << attempt));
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Runs `f` with the connection's SQLite page cache small and its memory map off, then puts
/// both back: for work that streams once through rows growing with its size (sealing a batch
/// reads each package's rows and writes an event and a step per label). Through the map, every
/// page read stays in the process's resident memory until the map is dropped, and a write
/// transaction keeps its changed pages in the cache until it commits; so sealing 10,000 labels
/// peaked ~20 MiB above sealing 1,000 (docs/performance.md). Read through a small cache the
/// pages come from the kernel's cache instead, and a big write spills its changed pages to the
/// WAL early. SQLite maps the file per connection, and the map is changed between
/// transactions: inside one (and on PostgreSQL) `f` simply runs as it is.
pub fn streaming<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if !matches!(conn, AnyConnection::Sqlite(_)) || in_transaction(conn) {
        return f(conn);
    }
    conn.batch_execute(&format!(
        "PRAGMA mmap_size = 0; PRAGMA cache_size = -{STREAMING_CACHE_KIB};"
    ))?;
    let out = f(conn);
    conn.batch_execute(SQLITE_CACHE_PRAGMAS)?;
    out
}

/// The page cache of a [`streaming`] connection, in KiB.
const STREAMING_CACHE_KIB: u32 = 1024;

/// What every SQLite connection maps and caches (measured in docs/performance.md).
const SQLITE_CACHE_PRAGMAS: &str = "PRAGMA mmap_size = 268435456; PRAGMA cache_size = -16000;";

/// SQLite's refresh of the planner's statistics where they are missing or stale, every table
/// considered (bounded by `analysis_limit`): run when a connection opens and after a large sync.
const SQLITE_OPTIMIZE: &str = "PRAGMA optimize = 0x10002;";

/// Refreshes the planner's statistics of the order tables, after a sync that created many
/// orders. PostgreSQL's autovacuum analyzes a grown table only on its next round (up to a
/// minute later); until then the planner has no statistics for tables that went from empty to
/// 100,000 orders, and picked plans that served the orders list at 44 pages a second instead
/// of 848 (docs/performance.md). SQLite's connections refresh theirs when they open; this
/// one does the same now.
pub fn refresh_order_statistics(conn: &mut AnyConnection) -> diesel::QueryResult<()> {
    match conn {
        AnyConnection::Postgresql(_) => conn.batch_execute("ANALYZE orders, order_items, order_tallies"),
        AnyConnection::Sqlite(_) => conn.batch_execute(SQLITE_OPTIMIZE),
    }
}

/// Serialises writers on `key` until the transaction ends: PostgreSQL takes a transaction
/// advisory lock on the key's hash; SQLite has one writer at a time already ([`write_tx`]).
/// Call it inside `write_tx`.
pub fn lock_key(conn: &mut AnyConnection, key: &str) -> diesel::QueryResult<()> {
    if matches!(conn, AnyConnection::Postgresql(_)) {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(conn)?;
    }
    Ok(())
}

/// How many times a transaction that lost a deadlock is run in all.
const TX_ATTEMPTS: u32 = 5;

/// PostgreSQL aborted the transaction to break a deadlock or a serialization conflict.
fn is_lost_to_another(message: &str) -> bool {
    message.contains("deadlock detected") || message.contains("could not serialize access")
}

fn in_transaction(conn: &mut AnyConnection) -> bool {
    use diesel::connection::{Connection, TransactionManager};
    let depth = <AnyConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth();
    matches!(depth, Ok(Some(_)))
}

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database URL is malformed or names an unsupported backend.
    #[error("database_url {0}")]
    BadUrl(String),
    /// Opening a connection failed.
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    /// No pooled connection became free in time.
    #[error("the database is busy or unreachable: {0}")]
    Pool(#[from] r2d2::PoolError),
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// The blocking task running the query panicked or was cancelled.
    #[error("database task failed: {0}")]
    Task(String),
}

/// A parsed `database_url`: the scheme decides the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// `sqlite://path/to/file.db` (or `sqlite::memory:` for throwaway use).
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`, passed to libpq unchanged.
    Postgres(String),
}

impl DbUrl {
    /// Parses a URL, refusing unknown schemes so a typo never silently creates a new SQLite file.
    pub fn parse(url: &str) -> Result<Self, DbError> {
        if let Some(rest) = url.strip_prefix("sqlite://") {
            if rest.is_empty() {
                return Err(DbError::BadUrl(format!("{url:?} has no file path")));
            }
            Ok(DbUrl::Sqlite(PathBuf::from(rest)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DbUrl::Postgres(url.to_string()))
        } else {
            Err(DbError::BadUrl(format!(
                "{url:?} has an unknown scheme; use sqlite://PATH or postgres://USER:PASS@HOST/DB"
            )))
        }
    }

    /// Short backend name for logs and the health check.
    pub fn backend(&self) -> &'static str {
        match self {
            DbUrl::Sqlite(_) => "sqlite",
            DbUrl::Postgres(_) => "postgres",
        }
    }

    /// Opens one concrete connection, with SQLite's pragmas applied.
    pub fn connect(&self) -> Result<AnyConnection, DbError> {
        match self {
            DbUrl::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| DbError::BadUrl(format!("cannot create {}: {e}", parent.display())))?;
                }
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                // WAL lets readers run beside the single writer; busy_timeout makes writers queue
                // instead of failing at once; foreign keys are off by default in SQLite; memory
                // mapping shares hot pages between the pool's connections (measured in
                // docs/performance.md). `optimize` refreshes the planner's statistics where
                // they are missing or stale, as SQLite advises for a connection that lives
                // long (its analysis bounded): without them it may read every label through
                // the package status index instead of the few unscanned ones through the
                // dispatch index (measured: 60 ms instead of 5 ms at 100,000 labels).
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 15000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                     PRAGMA analysis_limit = 1000;",
                )?;
                conn.batch_execute(SQLITE_OPTIMIZE)?;
                conn.batch_execute(SQLITE_CACHE_PRAGMAS)?;
                Ok(AnyConnection::Sqlite(conn))
            }
            DbUrl::Postgres(url) => Ok(AnyConnection::Postgresql(diesel::PgConnection::establish(url)?)),
        }
    }

    /// Runs every pending migration of this backend; returns the versions applied.
    pub fn run_migrations(&self) -> Result<Vec<String>, DbError> {
        let mut conn = self.connect()?;
        let source = self.migrations();
        let applied = conn
            .run_pending_migrations(source)
            .map_err(|e| DbError::Migration(e.to_string()))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    }

    /// The embedded migration set for this backend.
    pub fn migrations(&self) -> EmbeddedMigrations {
        match self {
            DbUrl::Sqlite(_) => SQLITE_MIGRATIONS,
            DbUrl::Postgres(_) => POSTGRES_MIGRATIONS,
        }
    }
}

/// r2d2 manager that opens the backend named by the URL scheme.
#[derive(Debug, Clone)]
pub struct ConnManager {
    url: DbUrl,
}

impl ManageConnection for ConnManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        self.url.connect().map_err(|e| match e {
            DbError::Connect(c) => r2d2::Error::ConnectionError(c),
            DbError::Query(q) => r2d2::Error::QueryError(q),
            other => r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(other.to_string())),
        })
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

/// The connection pool; cheap to clone and shared by every part of the process.
#[derive(Clone)]
pub struct DbPool {
    pool: r2d2::Pool<ConnManager>,
    url: DbUrl,
}

impl DbPool {
    /// Runs pending migrations, then builds the pool.
    pub fn open(url: &DbUrl, max_size: u32) -> Result<Self, DbError> {
        url.run_migrations()?;
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .connection_timeout(Duration::from_secs(15))
            .build(ConnManager { url: url.clone() })?;
        Ok(DbPool {
            pool,
            url: url.clone(),
        })
    }

    /// Which backend this pool talks to.
    pub fn backend(&self) -> &'static str {
        self.url.backend()
    }

    /// The database this pool opens connections to.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// Which database this pool talks to (the SQLite file, or the PostgreSQL URL), to tell
    /// apart databases opened by one process (tests open many).
    pub fn database(&self) -> String {
        match &self.url {
            DbUrl::Sqlite(path) => path.display().to_string(),
            DbUrl::Postgres(url) => url.clone(),
        }
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, so Diesel never blocks
    /// an async worker.
    pub async fn run<F, T, E>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// [`DbPool::run`] for a closure of plain queries: their errors become [`DbError`], which
    /// every layer's error converts from. Spares callers `Ok::<_, DomainError>(…?)`.
    pub async fn query<F, T, E>(&self, f: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<DbError> + Send + 'static,
    {
        self.run(move |c| f(c).map_err(Into::into)).await
    }

    /// Whether the database answers (the health check).
    pub async fn ping(&self) -> Result<(), DbError> {
        self.query(|c| {
            use diesel::connection::SimpleConnection;
            c.batch_execute("SELECT 1")
        })
        .await
    }

    /// A connection for synchronous callers (CLI commands, migrations tests).
    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnManager>, DbError> {
        Ok(self.pool.get()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(DbUrl::parse("mysql://x").is_err());
        assert!(DbUrl::parse("data/podgate.db").is_err());
        assert!(DbUrl::parse("sqlite://").is_err());
        assert_eq!(
            DbUrl::parse("sqlite://data/x.db").unwrap(),
            DbUrl::Sqlite(PathBuf::from("data/x.db"))
        );
        assert_eq!(DbUrl::parse("postgresql://h/db").unwrap().backend(), "postgres");
    }

    /// `.cargo/config.toml` builds SQLite without STAT4 and with QPSG (see there why).
    #[test]
    fn sqlite_is_built_without_stat4_and_with_a_stable_planner() {
        #[derive(diesel::QueryableByName)]
        struct Used {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            stat4: i32,
            #[diesel(sql_type = diesel::sql_types::Integer)]
            qpsg: i32,
        }
        let dir = tempfile::tempdir().unwrap();
        let url = DbUrl::Sqlite(dir.path().join("x.db"));
        let mut conn = url.connect().unwrap();
        let got: Used = diesel::sql_query(
            "SELECT sqlite_compileoption_used('ENABLE_STAT4') AS stat4, \
             sqlite_compileoption_used('ENABLE_QPSG') AS qpsg",
        )
        .get_result(&mut conn)
        .unwrap();
        assert_eq!(got.stat4, 0, "SQLite was built with STAT4");
        assert_eq!(got.qpsg, 1, "SQLite was built without QPSG");
    }

    /// Sealing's reads and writes go through a small cache without the memory map, and the
    /// pooled connection is itself again afterwards, whether the work succeeded or not.
    #[test]
    fn a_streaming_connection_is_unmapped_with_a_small_cache_and_restored_after() {
        fn pragmas(c: &mut AnyConnection) -> (i64, i64) {
            #[derive(diesel::QueryableByName)]
            struct Mmap {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                mmap_size: i64,
            }
            #[derive(diesel::QueryableByName)]
            struct Cache {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                cache_size: i64,
            }
            let m: Mmap = diesel::sql_query("PRAGMA mmap_size").get_result(c).unwrap();
            let k: Cache = diesel::sql_query("PRAGMA cache_size").get_result(c).unwrap();
            (m.mmap_size, k.cache_size)
        }
        let dir = tempfile::tempdir().unwrap();
        let mut conn = DbUrl::Sqlite(dir.path().join("x.db")).connect().unwrap();
        let usual = (268_435_456, -16_000);
        assert_eq!(pragmas(&mut conn), usual);
        let inside = streaming(&mut conn, |c| Ok::<_, diesel::result::Error>(pragmas(c))).unwrap();
        assert_eq!(inside, (0, -i64::from(STREAMING_CACHE_KIB)));
        assert_eq!(pragmas(&mut conn), usual);
        let failed = streaming(&mut conn, |_| Err::<(), _>(diesel::result::Error::NotFound));
        assert!(failed.is_err());
        assert_eq!(
            pragmas(&mut conn),
            usual,
            "a failed streaming left its pragmas behind"
        );
        // Inside a transaction the map is left as it is.
        let in_tx = conn
            .transaction(|c| streaming(c, |c| Ok::<_, diesel::result::Error>(pragmas(c))))
            .unwrap();
        assert_eq!(in_tx, usual);
    }
}
