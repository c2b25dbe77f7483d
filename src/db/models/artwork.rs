//! What fetching each artwork URL found, once per workspace and URL (see `domain::artwork`).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::artwork_checks;

/// One URL's last check.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = artwork_checks)]
pub struct ArtworkCheck {
    pub id: i64,
    pub workspace_id: i64,
    pub url: String,
    /// `ok`, `failed` or `stale` (see [`CheckStatus`]).
    pub status: String,
    /// Lower-case hex SHA-256 of the file (`ok` only).
    pub sha256: String,
    pub bytes: i64,
    /// `png` or `jpeg`.
    pub format: String,
    pub width_px: i64,
    pub height_px: i64,
    /// Why the file cannot be used (`failed` only), saying what to do.
    pub error: String,
    pub checked_at: NaiveDateTime,
}

/// Whether a check found a usable file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckStatus {
    Ok,
    Failed,
    /// Good when last fetched, but the seller asked for every file to be fetched again.
    Stale,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Failed => "failed",
            CheckStatus::Stale => "stale",
        }
    }
}

impl ArtworkCheck {
    pub fn is_ok(&self) -> bool {
        self.status == CheckStatus::Ok.as_str()
    }

    /// Whether a file was found and kept (a good check, or one to be made again).
    pub fn has_file(&self) -> bool {
        !self.sha256.is_empty() && self.status != CheckStatus::Failed.as_str()
    }
}

/// What a check found, to record.
#[derive(Debug, Clone, Default, Insertable, AsChangeset)]
#[diesel(table_name = artwork_checks)]
pub struct CheckFields {
    pub status: String,
    pub sha256: String,
    pub bytes: i64,
    pub format: String,
    pub width_px: i64,
    pub height_px: i64,
    pub error: String,
    pub checked_at: NaiveDateTime,
}

/// Each SKU and the rule routing it, once, among the units of the workspace's orders that
/// await shipment: what the artwork checked ahead of purchases comes from.
pub fn awaiting_units(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<(String, i64)>> {
    use crate::db::schema::{order_items, orders};
    let awaiting = orders::table
        .filter(orders::workspace_id.eq(workspace_id))
        .filter(orders::status.eq("AWAITING_SHIPMENT"))
        .select(orders::id);
    order_items::table
        .filter(order_items::order_id.eq_any(awaiting))
        .filter(order_items::rule_id.is_not_null())
        .select((order_items::seller_sku, order_items::rule_id.assume_not_null()))
        .distinct()
        .load(conn)
}

/// The recorded checks of these URLs, by URL.
pub fn of_urls(
    conn: &mut AnyConnection,
    workspace_id: i64,
    urls: &[String],
) -> QueryResult<HashMap<String, ArtworkCheck>> {
    let mut found = HashMap::new();
    for chunk in urls.chunks(500) {
        let rows: Vec<ArtworkCheck> = artwork_checks::table
            .filter(artwork_checks::workspace_id.eq(workspace_id))
            .filter(artwork_checks::url.eq_any(chunk))
            .select(ArtworkCheck::as_select())
            .load(conn)?;
        found.extend(rows.into_iter().map(|r| (r.url.clone(), r)));
    }
    Ok(found)
}

/// Records a URL's check, replacing the one before (two checks of one URL racing both land
/// on the one row).
pub fn record(conn: &mut AnyConnection, workspace_id: i64, url: &str, f: &CheckFields) -> QueryResult<()> {
    let row = (
        artwork_checks::workspace_id.eq(workspace_id),
        artwork_checks::url.eq(url),
        f,
    );
    let target = (artwork_checks::workspace_id, artwork_checks::url);
    match conn {
        AnyConnection::Postgresql(c) => diesel::insert_into(artwork_checks::table)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(f)
            .execute(c)?,
        AnyConnection::Sqlite(c) => diesel::insert_into(artwork_checks::table)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(f)
            .execute(c)?,
    };
    Ok(())
}

/// The workspace's newest checks, failures first (for the artwork page).
pub fn recent(conn: &mut AnyConnection, workspace_id: i64, limit: i64) -> QueryResult<Vec<ArtworkCheck>> {
    let mut rows: Vec<ArtworkCheck> = artwork_checks::table
        .filter(artwork_checks::workspace_id.eq(workspace_id))
        .order(artwork_checks::checked_at.desc())
        .limit(limit)
        .select(ArtworkCheck::as_select())
        .load(conn)?;
    rows.sort_by_key(|r| r.status != CheckStatus::Failed.as_str());
    Ok(rows)
}

/// Marks the workspace's good checks stale, so every file is fetched again at the next check
/// (after the seller replaced files behind the same URLs); what they found stays shown meanwhile.
pub fn mark_stale(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<usize> {
    diesel::update(
        artwork_checks::table
            .filter(artwork_checks::workspace_id.eq(workspace_id))
            .filter(artwork_checks::status.eq(CheckStatus::Ok.as_str())),
    )
    .set(artwork_checks::status.eq(CheckStatus::Stale.as_str()))
    .execute(conn)
}

/// Whether a file with this checksum was found at one of the workspace's artwork URLs (so its
/// thumbnail may be shown to the workspace's people).
pub fn workspace_has(conn: &mut AnyConnection, workspace_id: i64, sha256: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        artwork_checks::table
            .filter(artwork_checks::workspace_id.eq(workspace_id))
            .filter(artwork_checks::sha256.eq(sha256)),
    ))
    .get_result(conn)
}

/// The files a workspace's checks kept (checksum, format), each once.
pub fn kept_files(conn: &mut AnyConnection, workspace_id: i64) -> QueryResult<Vec<(String, String)>> {
    artwork_checks::table
        .filter(artwork_checks::workspace_id.eq(workspace_id))
        .filter(artwork_checks::status.eq(CheckStatus::Ok.as_str()))
        .filter(artwork_checks::sha256.ne(""))
        .select((artwork_checks::sha256, artwork_checks::format))
        .distinct()
        .load(conn)
}
