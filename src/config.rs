//! Typed configuration: `Rocket.toml` (profiles `default`, `debug`, `release`) plus
//! `PODGATE_*` environment variables (which win), read once at start into [`AppConfig`].
//! A bad value fails start-up with a message naming the key.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rocket::figment::Figment;
use rocket::figment::providers::{Env, Serialized};
use serde::{Deserialize, Serialize};

use crate::db::DbUrl;

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines (default).
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Every podgate setting, with its default. Rocket's own keys (`address`, `port`, `limits`…)
/// live in the same figment; `address` and `port` are mirrored here to print the URL.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct AppConfig {
    /// Folder for the SQLite file, generated secrets and stored files. Default `./data`.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://USER:PASS@HOST/DB`. Default `sqlite://<data_dir>/podgate.db`.
    pub database_url: Option<String>,
    /// Listen address of the web portal. Default 127.0.0.1.
    pub address: IpAddr,
    /// Listen port of the web portal. Default 8000.
    pub port: u16,
    /// The URL people use to reach podgate (links in invites and mail). Default `http://<address>:<port>`.
    pub public_url: Option<String>,
    /// A folder whose templates override the built-in ones (same file names).
    pub templates_dir: Option<PathBuf>,
    /// Mark cookies `Secure`. Default: on when `public_url` is https.
    pub secure_cookies: Option<bool>,
    /// How long a sign-in lasts without signing in again, in hours. Default 336 (14 days).
    pub session_ttl_hours: u32,
    /// Failed sign-ins per account within the window before it is locked. Default 5.
    pub login_max_failures_per_account: u32,
    /// Failed sign-ins per client address within the window before it is locked. Default 20.
    pub login_max_failures_per_ip: u32,
    /// The throttling window, in minutes. Default 15.
    pub login_window_minutes: u32,
    /// Database connections in the pool. Default 8.
    pub db_pool_size: u32,
    /// `text` or `json`. Default `text`.
    pub log_format: LogFormat,
    /// Key that signs and encrypts cookies (base64, 64 bytes). Default: generated into `<data_dir>/cookie_key`.
    pub cookie_key: Option<String>,
    /// Key that encrypts stored TikTok tokens (base64, 32 bytes). Default: generated into `<data_dir>/token_key`.
    pub token_key: Option<String>,
    /// The TikTok Shop app and hosts (`[default.tiktok]`, or `PODGATE_TIKTOK__APP_KEY` and so on).
    /// Defaults are TikTok's real hosts; `serve --demo` points them at the built-in sandbox.
    pub tiktok: tiktok::TikTokConfig,
    /// Where each shop's budget of TikTok calls is kept: `"auto"` (the database on PostgreSQL,
    /// where several nodes share it; the process on SQLite), `"process"` or `"database"`.
    pub tiktok_budget: crate::domain::budget::BudgetPlace,
    /// This node's name on its leases, claims and metrics (several podgate nodes on one
    /// database). Default: the machine's host name. Give each machine its own.
    pub node_id: Option<String>,
    /// Where labels, artwork and sealed batches are kept for every node (`[storage]`): unset,
    /// the data dir alone; `url = "s3://bucket/prefix"` with `endpoint`, `region` and keys, a
    /// bucket all nodes share.
    pub storage: crate::storage::StorageConfig,
    /// Bearer token `/metrics` asks for (`Authorization: Bearer …`). Unset: `/metrics` answers
    /// only clients on this machine.
    #[serde(skip_serializing)]
    pub metrics_token: Option<String>,
    /// Port of the in-process sandbox started by `serve --demo`. Default 9100.
    pub demo_sandbox_port: u16,
    /// Port of the demo's webhook receiver (the demo factory's own system) started by
    /// `serve --demo`. Default 9101.
    pub demo_receiver_port: u16,
    /// Seconds between polls of every shop's orders (webhooks make changes show sooner). Default 60.
    pub sync_interval_secs: u64,
    /// Seconds between rounds of the batch clock (cut-offs, interrupted seals, overdue). Default 30.
    pub batch_clock_secs: u64,
    /// The SMTP server mail goes through (`[default.smtp]`, or `PODGATE_SMTP__HOST`…). Without
    /// it, mail is kept in the outbox and shown on the Mail page.
    pub smtp: Option<crate::mail::SmtpConfig>,
    /// Where supplier batch zips and merged label PDFs are kept. Default `<data_dir>/batches`.
    pub batches_dir: Option<PathBuf>,
    /// The suppliers' SFTP drop (`[default.sftp]`, `PODGATE_SFTP__PORT`…).
    pub sftp: crate::sftp::SftpSettings,
    /// Limits of the web listener (`[default.http]`): connection caps, read timeouts.
    pub http: crate::net::front::HttpLimits,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` / `X-Real-IP` name the
    /// client. Empty by default: the peer's own address is the client's.
    pub trusted_proxies: Vec<String>,
    /// Limits of the artwork pre-flight's downloads (`[default.artwork]`): size, time, pixels.
    pub artwork: crate::domain::artwork::ArtworkLimits,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            data_dir: PathBuf::from("data"),
            database_url: None,
            address: IpAddr::from([127, 0, 0, 1]),
            port: 8000,
            public_url: None,
            templates_dir: None,
            secure_cookies: None,
            session_ttl_hours: 336,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 20,
            login_window_minutes: 15,
            db_pool_size: 8,
            log_format: LogFormat::Text,
            tiktok_budget: Default::default(),
            node_id: None,
            storage: Default::default(),
            metrics_token: None,
            cookie_key: None,
            token_key: None,
            tiktok: tiktok::TikTokConfig::default(),
            demo_sandbox_port: 9100,
            demo_receiver_port: 9101,
            sync_interval_secs: 60,
            batch_clock_secs: 30,
            smtp: None,
            batches_dir: None,
            sftp: crate::sftp::SftpSettings::default(),
            http: crate::net::front::HttpLimits::default(),
            trusted_proxies: Vec::new(),
            artwork: Default::default(),
        }
    }
}

/// A configuration problem, reported at start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value has the wrong type or shape; the message names the key and where it came from.
    #[error("bad configuration: {}", describe(.0))]
    Figment(#[from] Box<rocket::figment::Error>),
    /// A value parsed but is not acceptable.
    #[error("bad configuration: {key}: {message}")]
    Invalid { key: &'static str, message: String },
}

/// One line per figment error: `key: problem (from source)`, keys in lower case as in Rocket.toml.
fn describe(e: &rocket::figment::Error) -> String {
    e.clone()
        .into_iter()
        .map(|e| {
            let key = e
                .path
                .iter()
                .map(|p| p.to_lowercase())
                .collect::<Vec<_>>()
                .join(".");
            let from = e
                .metadata
                .as_ref()
                .map(|m| format!(" (from {})", m.name))
                .unwrap_or_default();
            format!("{key}: {}{from}", e.kind)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The figment podgate reads: Rocket's (Rocket.toml + `ROCKET_*`) with `PODGATE_*` on top.
pub fn figment() -> Figment {
    rocket::Config::figment()
        .join(Serialized::defaults(AppConfig::default()))
        .merge(Env::prefixed("PODGATE_").split("__").global())
}

impl AppConfig {
    /// Extracts and validates the configuration from a figment.
    pub fn from_figment(figment: &Figment) -> Result<AppConfig, ConfigError> {
        let cfg: AppConfig = figment.extract().map_err(Box::new)?;
        cfg.validate()?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        DbUrl::parse(&self.database_url()).map_err(|e| ConfigError::Invalid {
            key: "database_url",
            message: e.to_string(),
        })?;
        if let Some(u) = &self.public_url {
            let parsed = url::Url::parse(u).map_err(|e| ConfigError::Invalid {
                key: "public_url",
                message: format!("{u:?} is not a URL: {e}"),
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(ConfigError::Invalid {
                    key: "public_url",
                    message: format!("{u:?} must start with http:// or https://"),
                });
            }
        }
        tiktok::ApiVersions::from_overrides(&self.tiktok.versions).map_err(|message| {
            ConfigError::Invalid {
                key: "tiktok.versions",
                message,
            }
        })?;
        crate::net::client_addr::parse_networks(&self.trusted_proxies).map_err(|message| {
            ConfigError::Invalid {
                key: "trusted_proxies",
                message,
            }
        })?;
        let positive = [
            ("session_ttl_hours", self.session_ttl_hours),
            (
                "login_max_failures_per_account",
                self.login_max_failures_per_account,
            ),
            ("login_max_failures_per_ip", self.login_max_failures_per_ip),
            ("login_window_minutes", self.login_window_minutes),
            ("db_pool_size", self.db_pool_size),
            (
                "sync_interval_secs",
                u32::try_from(self.sync_interval_secs).unwrap_or(u32::MAX),
            ),
            (
                "batch_clock_secs",
                u32::try_from(self.batch_clock_secs).unwrap_or(u32::MAX),
            ),
        ];
        for (key, v) in positive {
            if v == 0 {
                return Err(ConfigError::Invalid {
                    key,
                    message: "must be at least 1".into(),
                });
            }
        }
        Ok(())
    }

    /// The database URL, defaulting to an SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("podgate.db").display()))
    }

    /// The base URL for links, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("http://{}:{}", self.address, self.port),
        }
    }

    /// Whether cookies carry the `Secure` flag.
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
            .unwrap_or_else(|| self.public_url().starts_with("https://"))
    }

    /// The trusted proxies as networks (validated at start).
    pub fn trusted_proxy_networks(&self) -> Vec<ipnet::IpNet> {
        crate::net::client_addr::parse_networks(&self.trusted_proxies).unwrap_or_default()
    }

    /// The data dir as a path.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rocket::figment::providers::{Format, Toml};

    fn from_toml(toml: &str) -> Result<AppConfig, ConfigError> {
        let f = Figment::from(Serialized::defaults(AppConfig::default())).merge(Toml::string(toml));
        AppConfig::from_figment(&f)
    }

    #[test]
    fn defaults_are_sqlite_in_data_dir_on_localhost() {
        let c = from_toml("").unwrap();
        assert_eq!(c.database_url(), "sqlite://data/podgate.db");
        assert_eq!(c.public_url(), "http://127.0.0.1:8000");
        assert!(!c.secure_cookies());
    }

    #[test]
    fn bad_values_name_their_key() {
        let e = from_toml("port = \"eighty\"").unwrap_err().to_string();
        assert!(e.contains("port"), "{e}");
        let e = from_toml("database_url = \"mysql://x/y\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("database_url") && e.contains("unknown scheme"), "{e}");
        let e = from_toml("public_url = \"ftp://x\"").unwrap_err().to_string();
        assert!(e.contains("public_url"), "{e}");
        let e = from_toml("db_pool_size = 0").unwrap_err().to_string();
        assert!(e.contains("db_pool_size"), "{e}");
        let e = from_toml("log_format = \"xml\"").unwrap_err().to_string();
        assert!(e.contains("log_format"), "{e}");
        let e = from_toml("trusted_proxies = [\"10.0.0.1\", \"proxy.local\"]")
            .unwrap_err()
            .to_string();
        assert!(e.contains("trusted_proxies") && e.contains("proxy.local"), "{e}");
    }

    #[test]
    fn tiktok_defaults_are_the_real_hosts_and_can_be_overridden() {
        let c = from_toml("").unwrap();
        assert_eq!(c.tiktok.api_base, "https://open-api.tiktokglobalshop.com");
        assert_eq!(c.tiktok.auth_base, "https://auth.tiktok-shops.com");
        let c =
            from_toml("[tiktok]\napp_key = \"k\"\napp_secret = \"s\"\napi_base = \"http://127.0.0.1:9100\"")
                .unwrap();
        assert_eq!(
            (c.tiktok.app_key.as_str(), c.tiktok.app_secret.as_str()),
            ("k", "s")
        );
        assert_eq!(c.tiktok.api_base, "http://127.0.0.1:9100");
        assert_eq!(c.tiktok.rate_limit_per_sec, 50, "unset keys keep their defaults");
    }

    #[test]
    fn a_retired_api_version_is_refused_at_start_with_the_choices() {
        let c = from_toml("[tiktok.versions]\ncreate_packages = \"202512\"").unwrap();
        assert_eq!(c.tiktok.versions["create_packages"], "202512");
        let e = from_toml("[tiktok.versions]\ncreate_packages = \"202212\"")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("tiktok.versions") && e.contains("202309 or 202512"),
            "{e}"
        );
    }

    #[test]
    fn https_public_url_turns_on_secure_cookies() {
        let c = from_toml("public_url = \"https://podgate.example.com/\"").unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.public_url(), "https://podgate.example.com");
    }
}
