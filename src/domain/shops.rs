//! Connecting TikTok shops: the OAuth code exchange, encrypted token storage, the shop list,
//! disconnecting; and the token store the API client uses for every later call.

use std::sync::Arc;

use crate::crypto::TokenCipher;
use crate::db::DbPool;
use crate::db::models::audit::{self, Actor};
use crate::db::models::shop::{EncryptedTokens, Shop, TikTokConnection};
use crate::tiktok::{ApiError, SellerApi, TikTokClient, TokenStore, Tokens};

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

    /// Finishes an authorization: exchanges the code, stores the tokens encrypted, and adds
    /// (or re-activates) every shop the seller authorized.
    pub async fn connect(&self, actor: &Actor, code: &str) -> Result<Vec<Shop>, DomainError> {
        let ws = actor
            .workspace_id
            .ok_or_else(|| DomainError::Forbidden("sign in first".into()))?;
        let tokens = self
            .client
            .exchange_code(code)
            .await
            .map_err(|e| api_error("connecting the shop", &e))?;
        let enc = encrypt(&self.tokens.cipher, &Tokens::from(&tokens));
        let (open_id, name, region) = (
            tokens.open_id.clone(),
            tokens.seller_name.clone(),
            tokens.seller_base_region.clone(),
        );
        let connection = self
            .pool
            .run(move |conn| {
                Ok::<_, DomainError>(TikTokConnection::upsert(
                    conn, ws, &open_id, &name, &region, &enc,
                )?)
            })
            .await?;
        let key = connection.id.to_string();
        let shops = self
            .seller(&key)
            .authorized_shops()
            .await
            .map_err(|e| api_error("listing the authorized shops", &e))?;
        let actor = actor.clone();
        self.pool
            .run(move |conn| {
                crate::db::write_tx(conn, |conn| {
                    let mut out = Vec::new();
                    for s in &shops {
                        let shop = Shop::upsert(conn, ws, connection.id, s)?;
                        audit::record(
                            conn,
                            &actor,
                            Some(ws),
                            "shop.connected",
                            &format!("shop:{}", shop.id),
                            &format!("connected TikTok shop {} ({})", shop.name, shop.tiktok_shop_id),
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
