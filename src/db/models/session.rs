//! Server-side sessions: the cookie carries a random token, the table keeps only its hash,
//! so a session can be revoked and a stolen database reveals no usable token.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::sessions;

/// A signed-in browser.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Session {
    /// Records a new session for a user.
    pub fn create(
        conn: &mut AnyConnection,
        user_id: i64,
        token_hash: &str,
        expires_at: NaiveDateTime,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> QueryResult<Session> {
        let now = super::now();
        diesel::insert_into(sessions::table)
            .values((
                sessions::user_id.eq(user_id),
                sessions::token_hash.eq(token_hash),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
                sessions::expires_at.eq(expires_at),
                sessions::ip.eq(ip),
                sessions::user_agent.eq(user_agent),
            ))
            .get_result::<Session>(conn)
    }

    /// Finds a live (unexpired) session by token hash.
    pub fn find_live(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<Option<Session>> {
        sessions::table
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::expires_at.gt(super::now()))
            .select(Session::as_select())
            .first(conn)
            .optional()
    }

    /// Marks the session as used now (at most once a minute, to spare writes).
    pub fn touch(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
        let now = super::now();
        diesel::update(
            sessions::table
                .find(id)
                .filter(sessions::last_seen_at.lt(now - chrono::Duration::minutes(1))),
        )
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)
    }

    /// Revokes one session.
    pub fn delete_by_hash(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)
    }

    /// Revokes every session of a user except, optionally, one.
    pub fn delete_for_user(
        conn: &mut AnyConnection,
        user_id: i64,
        keep_id: Option<i64>,
    ) -> QueryResult<usize> {
        let q = sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep_id.unwrap_or(-1)));
        diesel::delete(q).execute(conn)
    }

    /// Removes expired sessions (background housekeeping).
    pub fn delete_expired(conn: &mut AnyConnection) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::expires_at.le(super::now()))).execute(conn)
    }

    /// How many live sessions a user has.
    pub fn count_for_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<i64> {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::expires_at.gt(super::now()))
            .count()
            .get_result(conn)
    }
}
