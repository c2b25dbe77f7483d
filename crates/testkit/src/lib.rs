//! podgate's test kit: the worlds tests and benchmarks start from, written once.
//!
//! - [`db`]: a fresh database per test on SQLite or PostgreSQL;
//! - [`app`]: podgate in process with a local browser ([`TestApp`]);
//! - [`tiktok`], [`shops`], [`suppliers`], [`labels`]: a sandbox shop connected, routed to
//!   suppliers, labels bought and batches published, the way a seller does it in the browser;
//! - [`world`]: the same world built through the domain directly (benchmarks, many orders);
//! - [`servers`]: a PostgreSQL and a Garage of a test's own, to stop and restart;
//! - [`mail`]: a real SMTP server; [`sftp`]: a factory's key pair; [`net`]: ports and waiting
//!   for a server.

pub mod app;
pub mod art;
pub mod bucket;
pub mod db;
pub mod labels;
pub mod mail;
pub mod net;
pub mod servers;
pub mod sftp;
pub mod shops;
pub mod suppliers;
pub mod tiktok;
pub mod world;

pub use app::{OWNER_PASSWORD, TestApp, extract_csrf, form_body, next_page_href};
pub use db::{TestDb, backend};

/// podgate's log, written through the test harness: captured per test and shown only when
/// that test fails (threads a test starts inherit its capture).
pub fn quiet_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(podgate::app::log_filter())
        .with_target(false)
        .with_test_writer()
        .try_init();
}
