//! The SFTP defender's rows (see `sftp::defender`): one score, window and ban per key.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::sftp_defense;

/// One key's score and ban.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sftp_defense)]
#[diesel(treat_none_as_null = true)]
pub struct Defense {
    pub key: String,
    pub score: i64,
    /// When the current observation window began (None: no failure counted).
    pub since: Option<chrono::NaiveDateTime>,
    pub banned_until: Option<chrono::NaiveDateTime>,
    /// Bans so far (each lasts longer than the last).
    pub bans: i64,
}

impl Defense {
    /// A key no one has failed yet.
    pub fn new(key: &str) -> Defense {
        Defense {
            key: key.to_string(),
            score: 0,
            since: None,
            banned_until: None,
            bans: 0,
        }
    }
}

/// The row of `key`, if it ever failed.
pub fn find(conn: &mut AnyConnection, key: &str) -> QueryResult<Option<Defense>> {
    sftp_defense::table
        .find(key)
        .select(Defense::as_select())
        .first(conn)
        .optional()
}

/// Writes a key's row (inserted or replaced).
pub fn save(conn: &mut AnyConnection, row: &Defense) -> QueryResult<()> {
    crate::db::on_backend!(conn, |c| diesel::insert_into(sftp_defense::table)
        .values(row)
        .on_conflict(sftp_defense::key)
        .do_update()
        .set(row)
        .execute(c))?;
    Ok(())
}

/// Forgets keys whose failures no longer count (`window` after their last one) and that were
/// never banned, and bans that ended more than 30 days ago; how many rows went.
pub fn sweep(conn: &mut AnyConnection, window: chrono::Duration) -> QueryResult<usize> {
    let now = super::now();
    let quiet = diesel::delete(
        sftp_defense::table.filter(sftp_defense::bans.eq(0)).filter(
            sftp_defense::since
                .is_null()
                .or(sftp_defense::since.lt(now - window)),
        ),
    )
    .execute(conn)?;
    let old = diesel::delete(
        sftp_defense::table
            .filter(sftp_defense::bans.gt(0))
            .filter(sftp_defense::banned_until.lt(now - chrono::Duration::days(30))),
    )
    .execute(conn)?;
    Ok(quiet + old)
}
