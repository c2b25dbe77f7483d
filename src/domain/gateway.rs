//! The one way podgate's domain talks to TikTok: the API client and the token store that keeps
//! each connection's tokens encrypted in the database, and how a refusal reads to a person.

use std::sync::Arc;

use crate::crypto::TokenCipher;
use crate::db::DbPool;
use crate::db::models::shop::{EncryptedTokens, TikTokConnection};
use tiktok::{ApiError, SellerApi, TikTokClient, TokenStore, Tokens};

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
            .query(move |conn| TikTokConnection::find(conn, id))
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
            .query(move |conn| TikTokConnection::store_tokens(conn, id, &enc))
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

/// Everything needed to talk to TikTok on behalf of the workspaces' connections: the client
/// (rate limits, retries, refreshes) and the encrypted token store. Shared by [`Shops`] and
/// [`Labels`].
///
/// [`Shops`]: super::shops::Shops
/// [`Labels`]: super::labels::Labels
#[derive(Clone)]
pub struct TikTokGateway {
    pub client: Arc<TikTokClient>,
    pub tokens: Arc<DbTokenStore>,
}

impl TikTokGateway {
    /// A gateway whose tokens live in this database, encrypted with this cipher.
    pub fn new(pool: DbPool, client: Arc<TikTokClient>, cipher: TokenCipher) -> TikTokGateway {
        TikTokGateway {
            tokens: Arc::new(DbTokenStore { pool, cipher }),
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

    /// A connection's tokens as the database keeps them.
    pub fn encrypt(&self, t: &Tokens) -> EncryptedTokens {
        encrypt(&self.tokens.cipher, t)
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
