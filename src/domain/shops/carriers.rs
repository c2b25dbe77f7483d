//! The carriers a seller's suppliers can be given, as TikTok lists them: every connected shop's
//! sales warehouses, their delivery options, and each option's shipping providers (Get
//! Warehouse Delivery Options, Get Shipping Providers). The supplier form offers exactly these,
//! so a supplier's accepted carriers are names TikTok's services carry. Read at most every few
//! minutes per workspace: the list changes when a seller changes logistics, not per page view.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::db::models::shop::{Shop, ShopStatus};
use crate::domain::DomainError;

use super::Shops;

/// How long a workspace's carrier list is reused.
const FRESH_FOR: Duration = Duration::from_secs(600);

/// The carriers TikTok offers a workspace's warehouses, or why they could not be read.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Carriers {
    /// Carrier names (`USPS`, `UPS`…), sorted, each once.
    pub names: Vec<String>,
    /// What went wrong reading them (no shop connected, TikTok refused…), for the page.
    pub problem: Option<String>,
}

/// Carrier lists read recently, per workspace.
#[derive(Debug, Clone, Default)]
pub struct CarrierCache(Arc<Mutex<HashMap<i64, (Instant, Carriers)>>>);

impl Shops {
    /// The carriers of every connected shop's sales warehouses.
    pub async fn carriers(&self, workspace_id: i64) -> Result<Carriers, DomainError> {
        if let Some((at, c)) = self.carriers.0.lock().expect("carrier cache").get(&workspace_id)
            && at.elapsed() < FRESH_FOR
        {
            return Ok(c.clone());
        }
        let read = self.read_carriers(workspace_id).await?;
        if read.problem.is_none() {
            self.carriers
                .0
                .lock()
                .expect("carrier cache")
                .insert(workspace_id, (Instant::now(), read.clone()));
        }
        Ok(read)
    }

    async fn read_carriers(&self, workspace_id: i64) -> Result<Carriers, DomainError> {
        let shops: Vec<Shop> = self
            .pool
            .query(move |c| Shop::list(c, workspace_id))
            .await?
            .into_iter()
            .filter(|s| s.status != ShopStatus::Disconnected)
            .collect();
        if shops.is_empty() {
            return Ok(Carriers {
                names: Vec::new(),
                problem: Some("No TikTok shop is connected: connect one on the Shops page to choose carriers from TikTok's list.".into()),
            });
        }
        let mut names = BTreeSet::new();
        for s in &shops {
            let key = s.connection_id.to_string();
            let api = self.tiktok.seller(&key).shop(&s.cipher);
            let read = async {
                for w in api
                    .warehouses()
                    .await?
                    .into_iter()
                    .filter(|w| w.kind != "RETURN_WAREHOUSE")
                {
                    for o in api.delivery_options(&w.id).await? {
                        for p in api.shipping_providers(&o.id).await? {
                            names.insert(p.name);
                        }
                    }
                }
                Ok::<_, tiktok::ApiError>(())
            };
            if let Err(e) = read.await {
                return Ok(Carriers {
                    names: names.into_iter().collect(),
                    problem: Some(format!(
                        "TikTok's carrier list for {} could not be read: {} (code {}). {}",
                        s.name,
                        e.message,
                        e.code,
                        e.advice()
                    )),
                });
            }
        }
        Ok(Carriers {
            names: names.into_iter().collect(),
            problem: None,
        })
    }
}
