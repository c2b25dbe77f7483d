//! Factory API tokens: one per supplier system, created in the supplier's portal, stored only
//! as a hash, revocable.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::api_tokens;

/// A token's record (never the token itself).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub workspace_id: i64,
    pub supplier_id: i64,
    pub name: String,
    #[serde(skip)]
    pub token_hash: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    /// What it may do, space-separated (`read download acknowledge`).
    pub scopes: String,
    /// When it stops working; never when empty.
    pub expires_at: Option<NaiveDateTime>,
}

impl ApiToken {
    /// Whether it was made with this scope.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.split_whitespace().any(|s| s == scope)
    }
}

/// A new token's record.
#[derive(Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewToken<'a> {
    pub workspace_id: i64,
    pub supplier_id: i64,
    pub name: &'a str,
    pub token_hash: &'a str,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
    pub scopes: &'a str,
    pub expires_at: Option<NaiveDateTime>,
}

/// Records a token.
pub fn create(conn: &mut AnyConnection, t: &NewToken) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table)
        .values(t)
        .returning(api_tokens::id)
        .get_result(conn)
}

/// The unrevoked token with this hash; marked used unless it has expired.
pub fn use_by_hash(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<Option<ApiToken>> {
    let t = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select(ApiToken::as_select())
        .first(conn)
        .optional()?;
    let now = super::now();
    if let Some(t) = &t
        && t.expires_at.is_none_or(|e| e > now)
    {
        diesel::update(api_tokens::table.find(t.id))
            .set(api_tokens::last_used_at.eq(Some(now)))
            .execute(conn)?;
    }
    Ok(t)
}

/// A supplier's tokens, newest first.
pub fn of_supplier(conn: &mut AnyConnection, supplier_id: i64) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::supplier_id.eq(supplier_id))
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(conn)
}

/// Revokes a supplier's token (true when this call did it).
pub fn revoke(conn: &mut AnyConnection, supplier_id: i64, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::supplier_id.eq(supplier_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(super::now())))
    .execute(conn)?;
    Ok(n == 1)
}
