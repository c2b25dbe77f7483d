//! Mail: messages are queued in the durable outbox (inside the transaction of what they report)
//! and delivered by one worker over SMTP with TLS, retried with backoff; failures stay visible
//! on the Mail page. Without an SMTP server, mail waits in the outbox and podgate says so.

pub mod texts;

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio_util::sync::CancellationToken;

use crate::db::DbPool;
use crate::db::models::mail;
use crate::domain::DomainError;

/// How to reach the SMTP server.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(default)]
pub struct SmtpConfig {
    pub host: String,
    /// Default 587 (STARTTLS); 465 for implicit TLS; 25 or a test port with `tls = "none"`.
    pub port: u16,
    /// `starttls` (default), `tls` (implicit), or `none` (only for a local relay or tests).
    pub tls: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `podgate <podgate@example.com>`.
    pub from: String,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: String::new(),
            port: 587,
            tls: "starttls".into(),
            username: None,
            password: None,
            from: "podgate <podgate@localhost>".into(),
        }
    }
}

/// Why a message could not be handed to the SMTP server.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("bad address or message: {0}")]
    Message(String),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl MailError {
    /// Whether retrying cannot help (a malformed address, a 5xx answer).
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::Message(_) => true,
            MailError::Smtp(e) => e.is_permanent(),
        }
    }
}

/// Sends mail through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Builds the transport from configuration (no connection is made yet).
    pub fn new(cfg: &SmtpConfig) -> Result<Mailer, MailError> {
        let from: Mailbox = cfg
            .from
            .parse()
            .map_err(|e| MailError::Message(format!("from {:?}: {e}", cfg.from)))?;
        let mut b = match cfg.tls.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host)?,
            "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host),
            _ => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host)?,
        }
        .port(cfg.port)
        .timeout(Some(Duration::from_secs(20)));
        if let (Some(u), Some(p)) = (&cfg.username, &cfg.password) {
            b = b.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(Mailer {
            transport: b.build(),
            from,
        })
    }

    /// Sends one message now.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Message(format!("to {to:?}: {e}")))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| MailError::Message(e.to_string()))?;
        self.transport.send(msg).await?;
        Ok(())
    }
}

/// Delivers due messages from the outbox until shutdown (every `every`, and at once when
/// nudged). Without a mailer it only leaves them waiting.
pub async fn deliver_loop(
    pool: DbPool,
    mailer: Option<Mailer>,
    every: Duration,
    shutdown: CancellationToken,
) {
    let Some(mailer) = mailer else { return };
    loop {
        if let Err(e) = deliver_due(&pool, &mailer).await {
            tracing::warn!(error = %e, "mail delivery round failed");
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}

/// Messages sent per round at most.
const PER_ROUND: usize = 50;

/// How long a claimed message is out of other workers' reach: one send's time (the transport's
/// 20 s timeout) and a margin. Claimed one at a time, so a process killed mid-round strands one
/// message for this long, not a whole round's for the round's length.
const CLAIM: chrono::Duration = chrono::Duration::seconds(45);

/// One delivery round; returns how many messages were sent.
pub async fn deliver_due(pool: &DbPool, mailer: &Mailer) -> Result<usize, DomainError> {
    let mut sent = 0;
    for _ in 0..PER_ROUND {
        let Some(m) = pool.query(|c| mail::claim_due(c, 1, CLAIM)).await?.pop() else {
            break;
        };
        let r = mailer.send(&m.to_addr, &m.subject, &m.body_for_recipient()).await;
        let m2 = m.clone();
        pool.run(move |c| {
            match &r {
                Ok(()) => mail::mark_sent(c, m2.id)?,
                Err(e) => {
                    tracing::warn!(mail = m2.id, to = %m2.to_addr, error = %e, "mail not delivered");
                    mail::mark_attempt_failed(c, &m2, &e.to_string(), e.is_permanent())?
                }
            };
            Ok::<_, DomainError>(())
        })
        .await?;
        if matches!(mail_sent(pool, m.id).await, Ok(true)) {
            sent += 1;
        }
    }
    Ok(sent)
}

async fn mail_sent(pool: &DbPool, id: i64) -> Result<bool, DomainError> {
    pool.run(move |c| Ok::<_, DomainError>(mail::find(c, id)?.status == mail::MailStatus::Sent))
        .await
}
