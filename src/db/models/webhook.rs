//! Received TikTok webhooks, kept so each notification is applied once.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::webhook_receipts;

/// Records a notification; returns false when it was already received (a duplicate).
pub fn record_once(
    conn: &mut AnyConnection,
    key: &str,
    shop: &str,
    kind: i64,
    body: &str,
) -> QueryResult<bool> {
    let seen = webhook_receipts::table
        .filter(webhook_receipts::notification_key.eq(key))
        .count()
        .get_result::<i64>(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    let r = diesel::insert_into(webhook_receipts::table)
        .values((
            webhook_receipts::notification_key.eq(key),
            webhook_receipts::tiktok_shop_id.eq(shop),
            webhook_receipts::event_type.eq(kind),
            webhook_receipts::body.eq(body),
            webhook_receipts::received_at.eq(super::now()),
        ))
        .execute(conn);
    match r {
        Ok(_) => Ok(true),
        // Two deliveries racing: the unique index decides, the loser is a duplicate.
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Marks a notification processed.
pub fn mark_processed(conn: &mut AnyConnection, key: &str) -> QueryResult<usize> {
    diesel::update(webhook_receipts::table.filter(webhook_receipts::notification_key.eq(key)))
        .set(webhook_receipts::processed_at.eq(Some(super::now())))
        .execute(conn)
}
