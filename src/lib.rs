//! podgate: a supplier handoff portal and file gateway for print-on-demand sellers on
//! TikTok Shop.
//!
//! Layers: [`web`] (Rocket portal) → [`domain`] (business actions, shared by every channel)
//! → [`db`] (Diesel over SQLite or PostgreSQL). [`app`] wires the process, [`cli`] the commands.

pub mod app;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod mail;
pub mod net;
pub mod ops;
pub mod secrets;
pub mod services;
pub mod sftp;
pub mod storage;
pub mod web;
