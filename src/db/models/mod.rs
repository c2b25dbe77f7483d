//! Row types and the queries that read and write them, one file per table.
//! Functions here are synchronous and take a connection; callers wrap them in
//! [`crate::db::DbPool::run`] or in a transaction.

pub mod api_token;
pub mod artwork;
pub mod audit;
pub mod batch;
pub mod deployment_key;
pub mod dispatch;
pub mod factory_webhook;
pub mod invite;
pub mod lease;
pub mod login_attempt;
pub mod mail;
pub mod ops;
pub mod order;
pub mod order_import;
pub mod order_rows;
pub mod order_search;
pub mod order_tally;
pub mod package;
pub mod password_reset;
pub mod rate_slot;
pub mod routing_pass;
pub mod scorecard;
pub mod session;
pub mod sftp;
pub mod sftp_defense;
pub mod shop;
pub mod status;
pub mod step;
pub mod supplier;
pub mod user;
pub mod webhook;
pub mod workspace;

/// The current time in UTC with microsecond precision (what PostgreSQL keeps), so values
/// read back compare equal to values written.
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    chrono::Timelike::with_nanosecond(&t, t.and_utc().timestamp_subsec_micros() * 1000).unwrap_or(t)
}
