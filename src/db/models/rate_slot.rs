//! The shared TikTok budget's rows: one upsert reserves a call's turn (the generic cell rate
//! algorithm's "virtual scheduling" form), so any number of processes take turns from one
//! sequence with one round trip each and no lock held beyond the statement.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::AnyConnection;

/// What a reservation answered: the bucket's next theoretical arrival time after this call's
/// turn, and the clock it was reckoned against (both in microseconds since the Unix epoch).
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct Reserved {
    #[diesel(sql_type = BigInt)]
    pub next_us: i64,
    #[diesel(sql_type = BigInt)]
    pub now_us: i64,
}

/// SQLite: one machine, so the process's clock (`now_us`) is the shared one.
const SQLITE: &str = "INSERT INTO rate_slots (bucket, next_us, now_us) VALUES (?, ?, ?) \
     ON CONFLICT (bucket) DO UPDATE SET \
     next_us = max(rate_slots.next_us + (excluded.next_us - excluded.now_us), excluded.next_us), \
     now_us = excluded.now_us \
     RETURNING next_us, now_us";

/// PostgreSQL: the server's clock, so nodes whose clocks disagree still share one sequence.
const POSTGRES: &str = "INSERT INTO rate_slots AS s (bucket, next_us, now_us) \
     SELECT $1, n.us + $2, n.us \
     FROM (SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS us) n \
     ON CONFLICT (bucket) DO UPDATE SET \
     next_us = GREATEST(s.next_us + (EXCLUDED.next_us - EXCLUDED.now_us), EXCLUDED.next_us), \
     now_us = EXCLUDED.now_us \
     RETURNING next_us, now_us";

/// Reserves the next turn of `bucket`, spaced `interval_us` from the one before (or now, when
/// the bucket has been quiet): the new theoretical arrival time is `max(tat, now) + interval`.
pub fn reserve(conn: &mut AnyConnection, bucket: &str, interval_us: i64) -> QueryResult<Reserved> {
    match conn {
        AnyConnection::Sqlite(c) => {
            let now = chrono::Utc::now().timestamp_micros();
            diesel::sql_query(SQLITE)
                .bind::<Text, _>(bucket)
                .bind::<BigInt, _>(now + interval_us)
                .bind::<BigInt, _>(now)
                .get_result(c)
        }
        AnyConnection::Postgresql(c) => diesel::sql_query(POSTGRES)
            .bind::<Text, _>(bucket)
            .bind::<BigInt, _>(interval_us)
            .get_result(c),
    }
}
