//! The S3-compatible store the many-node tests share: a real Garage server that
//! `scripts/test` starts (`scripts/garage`) and names in `PODGATE_TEST_S3_*`. Each test gets
//! its own prefix in the bucket.

use podgate::storage::StorageConfig;

/// A storage configuration for a fresh prefix of the test bucket; panics, saying how to get
/// one, when no store was started.
pub fn config() -> StorageConfig {
    let var = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| {
            panic!("{k} is not set: these tests need the Garage server `scripts/test` starts (or run `scripts/garage start <dir>` and export what it prints)")
        })
    };
    let prefix = hex::encode(podgate::crypto::random_bytes::<6>());
    StorageConfig {
        url: Some(format!("s3://{}/t-{prefix}", var("PODGATE_TEST_S3_BUCKET"))),
        endpoint: Some(var("PODGATE_TEST_S3_ENDPOINT")),
        region: Some(var("PODGATE_TEST_S3_REGION")),
        access_key_id: Some(var("PODGATE_TEST_S3_KEY_ID")),
        secret_access_key: Some(var("PODGATE_TEST_S3_SECRET")),
    }
}

/// The figment keys for `cfg` (`storage.url` and so on), to merge into an app's configuration.
pub fn merge(f: rocket::figment::Figment, cfg: &StorageConfig) -> rocket::figment::Figment {
    use rocket::figment::providers::Serialized;
    f.merge(Serialized::default("storage.url", &cfg.url))
        .merge(Serialized::default("storage.endpoint", &cfg.endpoint))
        .merge(Serialized::default("storage.region", &cfg.region))
        .merge(Serialized::default("storage.access_key_id", &cfg.access_key_id))
        .merge(Serialized::default(
            "storage.secret_access_key",
            &cfg.secret_access_key,
        ))
}
