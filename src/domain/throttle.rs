//! Sign-in throttling per account and per client address, shared by every channel that
//! accepts a password (the web portal now, the SFTP gateway later).

use chrono::Duration;

use crate::db::AnyConnection;
use crate::db::models::login_attempt::Subject;
use crate::db::models::{login_attempt, now};

use super::DomainError;

/// Limits on failed sign-ins within a sliding window.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Failures per account before it is locked for the rest of the window.
    pub max_failures_per_account: u32,
    /// Failures per client address before it is locked for the rest of the window.
    pub max_failures_per_ip: u32,
    /// The window length.
    pub window: Duration,
}

impl LoginPolicy {
    /// Refuses with [`DomainError::Throttled`] when the account or the address is over its limit.
    pub fn check(&self, conn: &mut AnyConnection, account: &str, ip: &str) -> Result<(), DomainError> {
        let since = now() - self.window;
        let (n, oldest) = login_attempt::failures(conn, Subject::Account(account), since)?;
        if n >= i64::from(self.max_failures_per_account) {
            return Err(self.throttled(oldest));
        }
        let (n, oldest) = login_attempt::failures(conn, Subject::Ip(ip), since)?;
        if n >= i64::from(self.max_failures_per_ip) {
            return Err(self.throttled(oldest));
        }
        Ok(())
    }

    fn throttled(&self, oldest: Option<chrono::NaiveDateTime>) -> DomainError {
        let unlock = oldest.unwrap_or_else(now) + self.window;
        let minutes = ((unlock - now()).num_seconds() + 59) / 60;
        DomainError::Throttled {
            retry_after_minutes: minutes.max(1),
        }
    }
}
