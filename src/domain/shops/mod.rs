//! Connecting TikTok shops: the OAuth code exchange, attaching the granted shops (tokens
//! encrypted), the shop list, disconnecting. Order sync and webhooks are in [`sync`], TikTok
//! warehouses and which supplier ships from which in [`warehouses`].

pub mod apply;
pub mod carriers;
pub mod sync;
pub mod warehouses;
pub mod windows;

use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::shop::{Shop, TikTokConnection};
use tiktok::types::{Shop as GrantedShop, TokenData};
use tiktok::{MemoryTokenStore, SellerApi, TokenStore, Tokens};

use super::DomainError;
use super::gateway::{TikTokGateway, api_error};

/// The key of a grant's tokens while its shops are listed.
const GRANT_KEY: &str = "grant";

/// An authorization code exchanged, not yet attached to a workspace: its tokens and the
/// shops it grants.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    pub tokens: TokenData,
    pub shops: Vec<GrantedShop>,
}

/// Connecting, listing and disconnecting shops, and keeping their orders in sync
/// ([`sync`]) and their warehouses known ([`warehouses`]).
#[derive(Clone)]
pub struct Shops {
    pub pool: DbPool,
    pub tiktok: TikTokGateway,
    /// The carrier lists read lately (the supplier form's choices).
    pub carriers: carriers::CarrierCache,
    /// New orders' artwork is checked as they arrive.
    pub artwork: crate::domain::artwork::Artworks,
}

impl Shops {
    /// Finishes an authorization started from podgate (its `state` came back): exchanges
    /// the code and attaches every shop it grants.
    pub async fn connect(&self, actor: &Actor, code: &str) -> Result<Vec<Shop>, DomainError> {
        let grant = self.exchange(code).await?;
        self.attach(actor, &grant, "connected").await
    }

    /// Exchanges an authorization code (it works once, for 30 minutes) and reads which shops
    /// it grants, without attaching anything: an authorization that arrives without
    /// podgate's `state` (Partner Center's "Authorize App", an App Store install) is shown to
    /// the owner first.
    pub async fn exchange(&self, code: &str) -> Result<Grant, DomainError> {
        let tokens = self
            .tiktok
            .client
            .exchange_code(code)
            .await
            .map_err(|e| api_error("connecting the shop", &e))?;
        let store = MemoryTokenStore::default();
        store
            .save(GRANT_KEY, &Tokens::from(&tokens))
            .await
            .map_err(|e| api_error("connecting the shop", &e))?;
        let shops = SellerApi {
            client: &self.tiktok.client,
            store: &store,
            key: GRANT_KEY,
        }
        .authorized_shops()
        .await
        .map_err(|e| api_error("listing the authorized shops", &e))?;
        // Listing may have refreshed the tokens: keep the ones that work now.
        let now = store
            .load(GRANT_KEY)
            .await
            .map_err(|e| api_error("connecting the shop", &e))?;
        Ok(Grant {
            tokens: TokenData {
                access_token: now.access_token,
                access_token_expire_in: now.access_expires_at,
                refresh_token: now.refresh_token,
                refresh_token_expire_in: now.refresh_expires_at,
                ..tokens
            },
            shops,
        })
    }

    /// Stores a grant's tokens encrypted and adds (or re-activates) every shop it grants.
    /// `how` is told in the audit log ("connected", "connected from Partner Center").
    pub async fn attach(&self, actor: &Actor, grant: &Grant, how: &str) -> Result<Vec<Shop>, DomainError> {
        let ws = actor
            .workspace_id
            .ok_or_else(|| DomainError::Forbidden("sign in first".into()))?;
        if grant.shops.is_empty() {
            return Err(DomainError::Conflict(
                "This authorization grants no shop: authorize a shop on TikTok, then try again.".into(),
            ));
        }
        let t = &grant.tokens;
        let enc = self.tiktok.encrypt(&Tokens::from(t));
        let (open_id, name, region) = (
            t.open_id.clone(),
            t.seller_name.clone(),
            t.seller_base_region.clone(),
        );
        let (actor, shops, how) = (actor.clone(), grant.shops.clone(), how.to_string());
        self.pool
            .run(move |conn| {
                crate::db::write_tx(conn, |conn| {
                    let connection = TikTokConnection::upsert(conn, ws, &open_id, &name, &region, &enc)?;
                    let mut out = Vec::new();
                    for s in &shops {
                        let shop = Shop::upsert(conn, ws, connection.id, s)?;
                        audit::record(
                            conn,
                            &actor,
                            Some(ws),
                            "shop.connected",
                            &format!("shop:{}", shop.id),
                            &format!("{how} TikTok shop {} ({})", shop.name, shop.tiktok_shop_id),
                        )?;
                        out.push(shop);
                    }
                    Ok(out)
                })
            })
            .await
    }

    /// The shops of a workspace.
    pub async fn shops(&self, workspace_id: i64) -> Result<Vec<Shop>, DomainError> {
        self.pool
            .run(move |conn| Ok(Shop::list(conn, workspace_id)?))
            .await
    }

    /// Stops syncing a shop; its orders stay.
    pub async fn disconnect(&self, actor: &Actor, shop_id: i64) -> Result<(), DomainError> {
        let ws = actor.workspace_id.ok_or(DomainError::NotFound)?;
        let actor = actor.clone();
        self.pool
            .run(move |conn| {
                crate::db::write_tx(conn, |conn| {
                    let shop = Shop::find_in_workspace(conn, ws, shop_id)?.ok_or(DomainError::NotFound)?;
                    Shop::set_status(conn, shop.id, crate::db::models::shop::ShopStatus::Disconnected)?;
                    audit::record(
                        conn,
                        &actor,
                        Some(ws),
                        "shop.disconnected",
                        &format!("shop:{}", shop.id),
                        &format!("disconnected {}", shop.name),
                    )?;
                    Ok(())
                })
            })
            .await
    }
}
