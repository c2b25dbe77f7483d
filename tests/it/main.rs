//! podgate's integration tests, in one binary to keep builds short. Every database test runs
//! on the backend named by `PODGATE_TEST_BACKEND`; `scripts/test` runs the suite on both.

mod access;
mod accounts;
mod batches;
mod browser;
mod cli;
mod crash;
mod dashboard;
mod db;
mod dispatch;
mod faults;
mod handoff;
mod hostile;
mod label_problems;
mod labels;
mod migrations;
mod nodes;
mod ops;
mod orders_list;
mod scorecard;
mod security;
mod sftp;
mod sftp_names;
mod shops;
mod storage;
mod suppliers;
mod tiktok;
