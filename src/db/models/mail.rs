//! The durable mail outbox: a message is recorded in the same transaction as what it reports,
//! then sent (and retried with backoff) by the mail worker. Nothing is lost when the SMTP
//! server is down, or when none is configured: the message waits here, visible to the owner.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::AnyConnection;
pub use crate::db::models::status::MailStatus;
use crate::db::schema::mail_outbox;

/// A message and its delivery state.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = mail_outbox)]
pub struct Mail {
    pub id: i64,
    pub workspace_id: Option<i64>,
    /// What it is about: `batch`, `rejection`, `pull`, `overdue`, `invite`, `reset`, `test`.
    pub kind: String,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub status: MailStatus,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// The one-time link [`LINK`] stands for in the body; only ever put into the copy that
    /// goes to the recipient, and erased once the message is sent or failed.
    #[serde(skip)]
    pub secret_link: Option<String>,
}

/// What an invitation's or reset's body holds where its link goes: the outbox and the Mail
/// page show this, never the link (or the owner could take over the account it opens).
pub const LINK: &str = "[link: only in the recipient's copy]";

impl Mail {
    /// The body as sent to the recipient, with its link.
    pub fn body_for_recipient(&self) -> String {
        match &self.secret_link {
            Some(link) => self.body.replace(LINK, link),
            None => self.body.clone(),
        }
    }
}

/// Attempts before a message is marked failed (about a day of backoff in all).
pub const MAX_ATTEMPTS: i64 = 12;

/// Queues a message; call it inside the transaction of what it reports.
pub fn enqueue(
    conn: &mut AnyConnection,
    workspace_id: Option<i64>,
    kind: &str,
    to: &str,
    subject: &str,
    body: &str,
) -> QueryResult<i64> {
    let now = super::now();
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::workspace_id.eq(workspace_id),
            mail_outbox::kind.eq(kind),
            mail_outbox::to_addr.eq(to),
            mail_outbox::subject.eq(subject),
            mail_outbox::body.eq(body),
            mail_outbox::status.eq(MailStatus::Pending),
            mail_outbox::next_attempt_at.eq(now),
            mail_outbox::created_at.eq(now),
        ))
        .returning(mail_outbox::id)
        .get_result(conn)
}

/// Queues a message whose body has [`LINK`] where `link` goes.
pub fn enqueue_with_link(
    conn: &mut AnyConnection,
    workspace_id: Option<i64>,
    kind: &str,
    to: &str,
    subject: &str,
    body: &str,
    link: &str,
) -> QueryResult<i64> {
    let id = enqueue(conn, workspace_id, kind, to, subject, body)?;
    diesel::update(mail_outbox::table.find(id))
        .set(mail_outbox::secret_link.eq(Some(link)))
        .execute(conn)?;
    Ok(id)
}

/// Takes up to `limit` due messages for sending: each is pushed out of reach for `lease`, so
/// two workers (or processes) never send the same message at once.
pub fn claim_due(conn: &mut AnyConnection, limit: i64, lease: Duration) -> QueryResult<Vec<Mail>> {
    let now = super::now();
    let due: Vec<i64> = mail_outbox::table
        .filter(mail_outbox::status.eq(MailStatus::Pending))
        .filter(mail_outbox::next_attempt_at.le(now))
        .order(mail_outbox::id)
        .limit(limit)
        .select(mail_outbox::id)
        .load(conn)?;
    let mut out = Vec::new();
    for id in due {
        let n = diesel::update(
            mail_outbox::table
                .find(id)
                .filter(mail_outbox::status.eq(MailStatus::Pending))
                .filter(mail_outbox::next_attempt_at.le(now)),
        )
        .set((
            mail_outbox::next_attempt_at.eq(now + lease),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
        ))
        .execute(conn)?;
        if n == 1 {
            out.push(
                mail_outbox::table
                    .find(id)
                    .select(Mail::as_select())
                    .first(conn)?,
            );
        }
    }
    Ok(out)
}

/// Records a delivered message.
pub fn mark_sent(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq(MailStatus::Sent),
            mail_outbox::sent_at.eq(Some(super::now())),
            mail_outbox::last_error.eq(None::<String>),
            mail_outbox::secret_link.eq(None::<String>),
        ))
        .execute(conn)
}

/// Records a failed attempt: retried later with backoff, or failed for good after the last one
/// (or at once when the server refused it permanently).
pub fn mark_attempt_failed(
    conn: &mut AnyConnection,
    m: &Mail,
    error: &str,
    permanent: bool,
) -> QueryResult<usize> {
    let done = permanent || m.attempts >= MAX_ATTEMPTS;
    let backoff = Duration::seconds((15i64 << m.attempts.clamp(0, 12)).min(6 * 3600));
    diesel::update(mail_outbox::table.find(m.id))
        .set((
            mail_outbox::status.eq(if done {
                MailStatus::Failed
            } else {
                MailStatus::Pending
            }),
            mail_outbox::last_error.eq(Some(error)),
            mail_outbox::next_attempt_at.eq(super::now() + backoff),
        ))
        .execute(conn)?;
    if done {
        // A failed message's link is of no use to anyone any more.
        diesel::update(mail_outbox::table.find(m.id))
            .set(mail_outbox::secret_link.eq(None::<String>))
            .execute(conn)?;
    }
    Ok(1)
}

/// Puts a failed message back in line (the owner's "retry").
pub fn retry(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::status.eq(MailStatus::Failed)),
    )
    .set((
        mail_outbox::status.eq(MailStatus::Pending),
        mail_outbox::attempts.eq(0),
        mail_outbox::next_attempt_at.eq(super::now()),
    ))
    .execute(conn)
}

/// The newest messages of a workspace (and podgate's own, workspace-less ones).
pub fn recent(conn: &mut AnyConnection, workspace_id: i64, limit: i64) -> QueryResult<Vec<Mail>> {
    mail_outbox::table
        .filter(
            mail_outbox::workspace_id
                .eq(workspace_id)
                .or(mail_outbox::workspace_id.is_null()),
        )
        .order(mail_outbox::id.desc())
        .limit(limit)
        .select(Mail::as_select())
        .load(conn)
}

/// Finds a message.
pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Mail> {
    mail_outbox::table.find(id).select(Mail::as_select()).first(conn)
}
