//! Every download of a batch's files (or resumed part of one): who, through which channel,
//! which bytes; the first one stamps the batch.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{batch_downloads, batches};

/// One download (or resumed part of one).
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = batch_downloads)]
pub struct Download {
    pub id: i64,
    pub batch_id: i64,
    pub file: String,
    pub actor: String,
    pub channel: String,
    pub first_byte: i64,
    pub bytes: i64,
    pub complete: bool,
    pub created_at: NaiveDateTime,
}

/// A download to record.
pub struct NewDownload<'a> {
    pub batch_id: i64,
    pub file: &'a str,
    pub actor: &'a str,
    pub channel: &'a str,
    pub first_byte: i64,
    pub bytes: i64,
    pub complete: bool,
}

/// Records a download; the first one also stamps the batch.
pub fn record_download(conn: &mut AnyConnection, d: &NewDownload<'_>) -> QueryResult<()> {
    let now = crate::db::models::now();
    diesel::insert_into(batch_downloads::table)
        .values((
            batch_downloads::batch_id.eq(d.batch_id),
            batch_downloads::file.eq(d.file),
            batch_downloads::actor.eq(d.actor),
            batch_downloads::channel.eq(d.channel),
            batch_downloads::first_byte.eq(d.first_byte),
            batch_downloads::bytes.eq(d.bytes),
            batch_downloads::complete.eq(d.complete),
            batch_downloads::created_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(
        batches::table
            .find(d.batch_id)
            .filter(batches::first_downloaded_at.is_null()),
    )
    .set(batches::first_downloaded_at.eq(Some(now)))
    .execute(conn)?;
    Ok(())
}

/// Downloads of a batch, oldest first.
pub fn downloads(conn: &mut AnyConnection, batch_id: i64) -> QueryResult<Vec<Download>> {
    batch_downloads::table
        .filter(batch_downloads::batch_id.eq(batch_id))
        .order(batch_downloads::id)
        .select(Download::as_select())
        .load(conn)
}
