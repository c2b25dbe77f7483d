//! Sign-in throttling, shared by every check of a password (signing in, changing one's
//! password). Each attempt is reserved — counted as a failure — in the same transaction that
//! checks the limits, before the password is verified, so parallel guesses cannot all slip
//! under the limit; a right password then turns its reservation into a success.
//!
//! Locks are per client address and per address + account, never per account alone: failing
//! from a few addresses must not lock the account's owner out. An account failing from many
//! addresses is slowed instead (each attempt waits [`LoginPolicy::slow_down`] first).

use chrono::Duration;

use crate::db::AnyConnection;
use crate::db::models::login_attempt::Subject;
use crate::db::models::{login_attempt, now};

use super::DomainError;

/// Limits on failed sign-ins within a sliding window.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Failures of one account from one address before that pair is locked for the window;
    /// also the failures of one account from everywhere after which its attempts are slowed.
    pub max_failures_per_account: u32,
    /// Failures from one address (any accounts) before the address is locked for the window.
    pub max_failures_per_ip: u32,
    /// The window length.
    pub window: Duration,
    /// How long each attempt waits once the account failed too often from everywhere.
    pub slow_down: std::time::Duration,
}

/// A reserved attempt: its row, and how long to wait before verifying the password.
#[derive(Debug, Clone, Copy)]
pub struct Reservation {
    pub attempt_id: i64,
    pub delay: Option<std::time::Duration>,
}

impl LoginPolicy {
    /// Checks the limits and records the attempt as a failure, atomically (one writer per
    /// address at a time). Refuses with [`DomainError::Throttled`] when over a limit.
    pub fn reserve(
        &self,
        conn: &mut AnyConnection,
        account: &str,
        ip: &str,
        channel: &str,
    ) -> Result<Reservation, DomainError> {
        crate::db::write_tx(conn, |conn| {
            crate::db::lock_key(conn, &format!("login:{ip}"))?;
            let since = now() - self.window;
            let (n, oldest) = login_attempt::failures(conn, Subject::AccountAt(account, ip), since)?;
            if n >= i64::from(self.max_failures_per_account) {
                return Err(self.throttled(oldest));
            }
            let (n, oldest) = login_attempt::failures(conn, Subject::Ip(ip), since)?;
            if n >= i64::from(self.max_failures_per_ip) {
                return Err(self.throttled(oldest));
            }
            let (everywhere, _) = login_attempt::failures(conn, Subject::Account(account), since)?;
            let attempt_id = login_attempt::record(conn, account, ip, channel, false)?;
            let delay = (everywhere >= i64::from(self.max_failures_per_account)).then_some(self.slow_down);
            Ok(Reservation { attempt_id, delay })
        })
    }

    /// The password was right: the reservation becomes a success, and this address's
    /// failures for the account are forgotten.
    pub fn succeeded(
        &self,
        conn: &mut AnyConnection,
        r: Reservation,
        account: &str,
        ip: &str,
    ) -> Result<(), DomainError> {
        login_attempt::mark_succeeded(conn, r.attempt_id)?;
        login_attempt::clear_account_at(conn, account, ip)?;
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
