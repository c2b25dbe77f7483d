//! What several benchmarks start from: podgate configured against an in-process sandbox, in a
//! fresh data folder, on SQLite there or on the given database.

use rocket::figment::providers::Serialized;

/// podgate's prepared app and services for `sb`, with the client's limit at `rate_limit`
/// requests per second per API and shop, data in `dir`, and the web port when one is served.
pub fn podgate_for(
    sb: &tiktok_sandbox::SandboxHandle,
    dir: &std::path::Path,
    rate_limit: u32,
    port: Option<u16>,
    database_url: Option<&str>,
) -> anyhow::Result<(podgate::app::Prepared, podgate::services::Services)> {
    let mut tiktok = sb.sandbox.client_config();
    tiktok.rate_limit_per_sec = rate_limit;
    let secret = tiktok.app_secret.clone();
    let figment = podgate::config::figment()
        .merge(Serialized::default("data_dir", dir))
        .merge(Serialized::default("tiktok", tiktok))
        .merge(Serialized::default("tiktok.app_secret", secret))
        .merge(Serialized::default("db_pool_size", 16));
    let figment = match port {
        Some(p) => figment.merge(Serialized::default("port", p)),
        None => figment,
    };
    let figment = match database_url {
        Some(u) => figment.merge(Serialized::default("database_url", u)),
        None => figment,
    };
    let prepared = podgate::app::prepare(figment)?;
    let services = podgate::services::Services::new(prepared.pool.clone(), &prepared.config)?;
    Ok((prepared, services))
}
