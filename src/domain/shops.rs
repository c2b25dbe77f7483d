//! Connecting TikTok shops: the OAuth code exchange, encrypted token storage, the shop list,
//! disconnecting; and the token store the API client uses for every later call.

use std::sync::Arc;

use crate::crypto::TokenCipher;
use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::shop::{EncryptedTokens, Shop, TikTokConnection};
use crate::tiktok::types::{Shop as GrantedShop, TokenData};
use crate::tiktok::{ApiError, MemoryTokenStore, SellerApi, TikTokClient, TokenStore, Tokens};

use super::DomainError;

/// Tokens kept in `tiktok_connections`, encrypted with the deployment's key. The store key is
/// the connection id.
pub struct DbTokenStore {
    pub pool: DbPool,
    pub cipher: TokenCipher,
}

fn store_err(e: impl std::fmt::Display) -> ApiError {
    ApiError::transport(format!("token store: {e}"))
}

#[async_trait::async_trait]
impl TokenStore for DbTokenStore {
    async fn load(&self, key: &str) -> Result<Tokens, ApiError> {
        let id: i64 = key.parse().map_err(store_err)?;
        let c = self
            .pool
            .run(move |conn| TikTokConnection::find(conn, id).map_err(crate::db::DbError::from))
            .await
            .map_err(store_err)?;
        Ok(Tokens {
            access_token: self.cipher.decrypt(&c.access_token_enc).map_err(store_err)?,
            access_expires_at: c.access_expires_at,
            refresh_token: self.cipher.decrypt(&c.refresh_token_enc).map_err(store_err)?,
            refresh_expires_at: c.refresh_expires_at,
        })
    }

    async fn save(&self, key: &str, t: &Tokens) -> Result<(), ApiError> {
        let id: i64 = key.parse().map_err(store_err)?;
        let enc = encrypt(&self.cipher, t);
        self.pool
            .run(move |conn| TikTokConnection::store_tokens(conn, id, &enc).map_err(crate::db::DbError::from))
            .await
            .map_err(store_err)?;
        Ok(())
    }
}

fn encrypt(cipher: &TokenCipher, t: &Tokens) -> EncryptedTokens {
    EncryptedTokens {
        access: cipher.encrypt(&t.access_token),
        access_expires_at: t.access_expires_at,
        refresh: cipher.encrypt(&t.refresh_token),
        refresh_expires_at: t.refresh_expires_at,
    }
}

/// The key of a grant's tokens while its shops are listed.
const GRANT_KEY: &str = "grant";

/// An authorization code exchanged, not yet attached to a workspace: its tokens and the
/// shops it grants.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    pub tokens: TokenData,
    pub shops: Vec<GrantedShop>,
}

/// Everything needed to talk to TikTok on behalf of the workspaces: shared by web and jobs.
#[derive(Clone)]
pub struct TikTok {
    pub pool: DbPool,
    pub client: Arc<TikTokClient>,
    pub tokens: Arc<DbTokenStore>,
}

impl TikTok {
    /// Builds the service.
    pub fn new(pool: DbPool, client: Arc<TikTokClient>, cipher: TokenCipher) -> TikTok {
        TikTok {
            tokens: Arc::new(DbTokenStore {
                pool: pool.clone(),
                cipher,
            }),
            pool,
            client,
        }
    }

    /// The API for one connection.
    pub fn seller<'a>(&'a self, key: &'a str) -> SellerApi<'a> {
        SellerApi {
            client: &self.client,
            store: self.tokens.as_ref(),
            key,
        }
    }

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
            client: &self.client,
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
        let enc = encrypt(&self.tokens.cipher, &Tokens::from(t));
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
                    Shop::set_status(conn, shop.id, "disconnected")?;
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

/// Turns an API failure into a domain error a person can act on.
pub fn api_error(doing: &str, e: &ApiError) -> DomainError {
    DomainError::Conflict(format!(
        "TikTok refused {doing}: {} (code {}). {}",
        e.message,
        e.code,
        e.advice()
    ))
}
