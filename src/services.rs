//! The composition root: the long-lived services every channel (web, SFTP, API, jobs, the demo
//! and the benchmarks) shares, built once from the configuration.

use anyhow::Context;

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::domain::batches::Batches;
use crate::domain::gateway::TikTokGateway;
use crate::domain::labels::{LabelStore, Labels};
use crate::domain::shops::Shops;
use crate::domain::shops::sync::SyncRegistry;

/// The domain services of one process.
#[derive(Clone)]
pub struct Services {
    pub pool: DbPool,
    pub shops: Shops,
    /// What each shop's sync is doing now, for the shops page.
    pub sync: SyncRegistry,
    pub labels: Labels,
    /// Artwork pre-flight: checks, kept files and thumbnails, the workspace's settings.
    pub artwork: crate::domain::artwork::Artworks,
    pub batches: Batches,
    /// The supplier scorecard's reader (keeps merged scorecards while they stay true).
    pub scorecards: crate::domain::dispatch::scorecard::Scorecards,
    /// The "labelled, not yet scanned" queue's reader (keeps what it read while it stays true).
    pub queues: crate::domain::dispatch::queue::Queues,
    /// Webhooks to suppliers' systems: endpoints, the delivery outbox and its worker.
    pub webhooks: crate::domain::factory_webhooks::FactoryWebhooks,
    /// None when no SMTP server is configured (mail then waits in the outbox).
    pub mailer: Option<crate::mail::Mailer>,
}

impl Services {
    /// Builds the services from the configuration (after `serve --demo` has pointed it at the sandbox).
    pub fn new(pool: DbPool, config: &AppConfig) -> anyhow::Result<Services> {
        let key =
            crate::secrets::load_or_create(config.token_key.as_deref(), config.data_dir(), "token_key", 32)
                .context("token_key")?;
        let cipher = crate::crypto::TokenCipher::new(&key).map_err(|e| anyhow::anyhow!("token_key: {e}"))?;
        let budget = crate::domain::budget::for_deployment(config.tiktok_budget, &pool, config.tiktok.pace());
        let client = std::sync::Arc::new(tiktok::TikTokClient::with_budget(config.tiktok.clone(), budget));
        let webhooks = crate::domain::factory_webhooks::FactoryWebhooks {
            pool: pool.clone(),
            cipher: cipher.clone(),
            timeout: std::time::Duration::from_secs(10),
        };
        let tiktok = TikTokGateway::new(pool.clone(), client, cipher);
        let bucket = crate::storage::Bucket::open(&config.storage).context("storage")?;
        let store = LabelStore {
            dir: config.data_dir().join("labels"),
            bucket: bucket.clone(),
        };
        let artwork = crate::domain::artwork::Artworks {
            pool: pool.clone(),
            store: crate::domain::artwork::ArtworkStore {
                dir: config.data_dir().join("artwork"),
                bucket,
            },
            limits: config.artwork.clone(),
        };
        let mailer = match &config.smtp {
            Some(s) if !s.host.is_empty() => Some(crate::mail::Mailer::new(s).context("smtp")?),
            _ => None,
        };
        Ok(Services {
            batches: Batches {
                pool: pool.clone(),
                labels: store.clone(),
                artwork: artwork.store.clone(),
                dir: config
                    .batches_dir
                    .clone()
                    .unwrap_or_else(|| config.data_dir().join("batches")),
                public_url: config.public_url(),
            },
            mailer,
            webhooks,
            shops: Shops {
                pool: pool.clone(),
                tiktok: tiktok.clone(),
                carriers: Default::default(),
                artwork: artwork.clone(),
            },
            labels: Labels::new(pool.clone(), tiktok, store, artwork.clone()),
            artwork,
            scorecards: crate::domain::dispatch::scorecard::Scorecards::new(pool.clone()),
            queues: crate::domain::dispatch::queue::Queues::new(pool.clone()),
            sync: SyncRegistry::default(),
            pool,
        })
    }
}
