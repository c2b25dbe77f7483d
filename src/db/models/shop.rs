//! TikTok seller authorizations (tokens encrypted) and the shops they cover.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
pub use crate::db::models::status::ShopStatus;
use crate::db::schema::{shops, tiktok_connections};

/// One seller authorization; its tokens are stored encrypted.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = tiktok_connections)]
pub struct TikTokConnection {
    pub id: i64,
    pub workspace_id: i64,
    pub open_id: String,
    pub seller_name: String,
    pub region: String,
    pub access_token_enc: String,
    pub access_expires_at: i64,
    pub refresh_token_enc: String,
    pub refresh_expires_at: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Encrypted tokens to store.
pub struct EncryptedTokens {
    pub access: String,
    pub access_expires_at: i64,
    pub refresh: String,
    pub refresh_expires_at: i64,
}

impl TikTokConnection {
    /// Creates or re-authorizes the connection of a seller (one per workspace and seller).
    pub fn upsert(
        conn: &mut AnyConnection,
        workspace_id: i64,
        open_id: &str,
        seller_name: &str,
        region: &str,
        t: &EncryptedTokens,
    ) -> QueryResult<TikTokConnection> {
        let now = super::now();
        let existing = tiktok_connections::table
            .filter(tiktok_connections::workspace_id.eq(workspace_id))
            .filter(tiktok_connections::open_id.eq(open_id))
            .select(tiktok_connections::id)
            .first::<i64>(conn)
            .optional()?;
        let id = match existing {
            Some(id) => {
                diesel::update(tiktok_connections::table.find(id))
                    .set((
                        tiktok_connections::seller_name.eq(seller_name),
                        tiktok_connections::region.eq(region),
                        tiktok_connections::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                id
            }
            None => diesel::insert_into(tiktok_connections::table)
                .values((
                    tiktok_connections::workspace_id.eq(workspace_id),
                    tiktok_connections::open_id.eq(open_id),
                    tiktok_connections::seller_name.eq(seller_name),
                    tiktok_connections::region.eq(region),
                    tiktok_connections::access_token_enc.eq(""),
                    tiktok_connections::access_expires_at.eq(0),
                    tiktok_connections::refresh_token_enc.eq(""),
                    tiktok_connections::refresh_expires_at.eq(0),
                    tiktok_connections::created_at.eq(now),
                    tiktok_connections::updated_at.eq(now),
                ))
                .returning(tiktok_connections::id)
                .get_result(conn)?,
        };
        Self::store_tokens(conn, id, t)?;
        tiktok_connections::table
            .find(id)
            .select(TikTokConnection::as_select())
            .first(conn)
    }

    /// Replaces the stored tokens.
    pub fn store_tokens(conn: &mut AnyConnection, id: i64, t: &EncryptedTokens) -> QueryResult<usize> {
        diesel::update(tiktok_connections::table.find(id))
            .set((
                tiktok_connections::access_token_enc.eq(&t.access),
                tiktok_connections::access_expires_at.eq(t.access_expires_at),
                tiktok_connections::refresh_token_enc.eq(&t.refresh),
                tiktok_connections::refresh_expires_at.eq(t.refresh_expires_at),
                tiktok_connections::updated_at.eq(super::now()),
            ))
            .execute(conn)
    }

    /// Finds a connection.
    pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<TikTokConnection> {
        tiktok_connections::table
            .find(id)
            .select(TikTokConnection::as_select())
            .first(conn)
    }
}

/// A connected shop.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = shops)]
pub struct Shop {
    pub id: i64,
    pub workspace_id: i64,
    pub connection_id: i64,
    pub tiktok_shop_id: String,
    pub name: String,
    pub region: String,
    #[serde(skip)]
    pub cipher: String,
    pub code: String,
    pub status: ShopStatus,
    /// Highest order `update_time` seen; polling restarts a little before it.
    pub sync_cursor: i64,
    pub last_sync_at: Option<NaiveDateTime>,
    pub last_sync_ok_at: Option<NaiveDateTime>,
    pub last_sync_error: Option<String>,
    pub created_at: NaiveDateTime,
}

impl Shop {
    /// Adds a shop to a workspace, or re-activates it with fresh details.
    pub fn upsert(
        conn: &mut AnyConnection,
        workspace_id: i64,
        connection_id: i64,
        s: &tiktok::types::Shop,
    ) -> QueryResult<Shop> {
        let existing = shops::table
            .filter(shops::workspace_id.eq(workspace_id))
            .filter(shops::tiktok_shop_id.eq(&s.id))
            .select(shops::id)
            .first::<i64>(conn)
            .optional()?;
        let id = match existing {
            Some(id) => {
                diesel::update(shops::table.find(id))
                    .set((
                        shops::connection_id.eq(connection_id),
                        shops::name.eq(&s.name),
                        shops::region.eq(&s.region),
                        shops::cipher.eq(&s.cipher),
                        shops::code.eq(&s.code),
                        shops::status.eq(ShopStatus::Active),
                        shops::last_sync_error.eq(None::<String>),
                    ))
                    .execute(conn)?;
                id
            }
            None => diesel::insert_into(shops::table)
                .values((
                    shops::workspace_id.eq(workspace_id),
                    shops::connection_id.eq(connection_id),
                    shops::tiktok_shop_id.eq(&s.id),
                    shops::name.eq(&s.name),
                    shops::region.eq(&s.region),
                    shops::cipher.eq(&s.cipher),
                    shops::code.eq(&s.code),
                    shops::status.eq(ShopStatus::Active),
                    shops::sync_cursor.eq(0),
                    shops::created_at.eq(super::now()),
                ))
                .returning(shops::id)
                .get_result(conn)?,
        };
        shops::table.find(id).select(Shop::as_select()).first(conn)
    }

    /// The shops of a workspace.
    pub fn list(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<Shop>> {
        shops::table
            .filter(shops::workspace_id.eq(workspace_id))
            .order(shops::id.asc())
            .select(Shop::as_select())
            .load(conn)
    }

    /// Every shop that should be synced.
    pub fn list_active(conn: &mut AnyConnection) -> QueryResult<Vec<Shop>> {
        shops::table
            .filter(shops::status.eq(ShopStatus::Active))
            .select(Shop::as_select())
            .load(conn)
    }

    /// A shop, only if it belongs to the workspace.
    pub fn find_in_workspace(
        conn: &mut AnyConnection,
        workspace_id: i64,
        id: i64,
    ) -> QueryResult<Option<Shop>> {
        shops::table
            .filter(shops::id.eq(id))
            .filter(shops::workspace_id.eq(workspace_id))
            .select(Shop::as_select())
            .first(conn)
            .optional()
    }

    /// Shops with a TikTok shop id (webhooks name shops by id, not cipher).
    pub fn find_by_tiktok_id(conn: &mut AnyConnection, tiktok_shop_id: &str) -> QueryResult<Vec<Shop>> {
        shops::table
            .filter(shops::tiktok_shop_id.eq(tiktok_shop_id))
            .filter(shops::status.eq(ShopStatus::Active))
            .select(Shop::as_select())
            .load(conn)
    }

    /// Finds a shop by id.
    pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Shop> {
        shops::table.find(id).select(Shop::as_select()).first(conn)
    }

    /// Records the outcome of a sync: on success the new cursor, on failure the message.
    pub fn record_sync(
        conn: &mut AnyConnection,
        id: i64,
        outcome: Result<i64, (&str, bool)>,
    ) -> QueryResult<usize> {
        let now = super::now();
        match outcome {
            Ok(cursor) => diesel::update(shops::table.find(id))
                .set((
                    shops::sync_cursor.eq(cursor),
                    shops::last_sync_at.eq(Some(now)),
                    shops::last_sync_ok_at.eq(Some(now)),
                    shops::last_sync_error.eq(None::<String>),
                ))
                .execute(conn),
            Err((message, broken)) => {
                let q = diesel::update(shops::table.find(id));
                if broken {
                    q.set((
                        shops::last_sync_at.eq(Some(now)),
                        shops::last_sync_error.eq(Some(message)),
                        shops::status.eq(ShopStatus::Broken),
                    ))
                    .execute(conn)
                } else {
                    q.set((
                        shops::last_sync_at.eq(Some(now)),
                        shops::last_sync_error.eq(Some(message)),
                    ))
                    .execute(conn)
                }
            }
        }
    }

    /// Marks a shop disconnected (its orders stay for the record).
    pub fn set_status(conn: &mut AnyConnection, id: i64, status: ShopStatus) -> QueryResult<usize> {
        diesel::update(shops::table.find(id))
            .set(shops::status.eq(status))
            .execute(conn)
    }
}
