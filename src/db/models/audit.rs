//! The audit log: who did what, when, from which address, through which channel.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::audit_events;

/// The way an action reached podgate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The browser portal.
    Web,
    /// The JSON API.
    Api,
    /// The SFTP gateway.
    Sftp,
    /// The command line.
    Cli,
    /// podgate itself (jobs, webhooks).
    System,
}

impl Channel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Sftp => "sftp",
            Channel::Cli => "cli",
            Channel::System => "system",
        }
    }
}

/// Who acted and from where; built by each channel and passed to the domain layer.
#[derive(Debug, Clone)]
pub struct Actor {
    pub workspace_id: Option<i64>,
    pub user_id: Option<i64>,
    /// The acting user's role, when a user acts.
    pub role: Option<super::user::Role>,
    /// A readable name (an email, `cli`, `system`).
    pub label: String,
    pub ip: Option<String>,
    pub channel: Channel,
}

impl Actor {
    /// An actor for command-line administration.
    pub fn cli() -> Actor {
        Actor {
            workspace_id: None,
            user_id: None,
            role: None,
            label: "cli".into(),
            ip: None,
            channel: Channel::Cli,
        }
    }

    /// An actor for a signed-in user.
    pub fn user(user: &super::user::User, ip: Option<String>, channel: Channel) -> Actor {
        Actor {
            workspace_id: Some(user.workspace_id),
            user_id: Some(user.id),
            role: Some(user.role()),
            label: user.email.clone(),
            ip,
            channel,
        }
    }

    /// An anonymous visitor (sign-in, setup, invite acceptance).
    pub fn anonymous(ip: Option<String>, channel: Channel) -> Actor {
        Actor {
            workspace_id: None,
            user_id: None,
            role: None,
            label: "anonymous".into(),
            ip,
            channel,
        }
    }
}

/// One audit row.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub workspace_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub ip: Option<String>,
    pub channel: String,
    pub created_at: NaiveDateTime,
}

/// Appends an event; call it inside the transaction of the action it records.
pub fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    workspace_id: Option<i64>,
    action: &str,
    subject: &str,
    detail: &str,
) -> QueryResult<usize> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::workspace_id.eq(workspace_id.or(actor.workspace_id)),
            audit_events::actor_user_id.eq(actor.user_id),
            audit_events::actor.eq(&actor.label),
            audit_events::action.eq(action),
            audit_events::subject.eq(subject),
            audit_events::detail.eq(detail),
            audit_events::ip.eq(actor.ip.as_deref()),
            audit_events::channel.eq(actor.channel.as_str()),
            audit_events::created_at.eq(super::now()),
        ))
        .execute(conn)
}

/// The newest events of a workspace.
pub fn recent(conn: &mut AnyConnection, workspace_id: i64, limit: i64) -> QueryResult<Vec<AuditEvent>> {
    audit_events::table
        .filter(audit_events::workspace_id.eq(workspace_id))
        .order(audit_events::id.desc())
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)
}

/// Failed sign-ins (web and SFTP) against any of `subjects` (`account:…`, `sftp_user:…`)
/// since `since`, newest first.
pub fn failed_sign_ins(
    conn: &mut AnyConnection,
    subjects: &[String],
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<AuditEvent>> {
    audit_events::table
        .filter(audit_events::action.eq_any(["auth.sign_in_failed", "sftp.login_failed"]))
        .filter(audit_events::subject.eq_any(subjects))
        .filter(audit_events::created_at.gt(since))
        .order(audit_events::id.desc())
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)
}
