//! Password rules and argon2id hashing. Hashing is slow on purpose, so it always runs on
//! the blocking thread pool.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};

use super::DomainError;

/// Shortest password accepted.
pub const MIN_LEN: usize = 10;
/// Longest password accepted (bounds hashing work).
pub const MAX_LEN: usize = 256;

/// Checks a new password against the rules; `field` names the form field for the message.
pub fn validate(field: &'static str, password: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(DomainError::invalid(
            field,
            crate::i18n::Msg::new("password-too-short").arg("min", MIN_LEN),
        ));
    }
    if n > MAX_LEN {
        return Err(DomainError::invalid(
            field,
            crate::i18n::Msg::new("password-too-long").arg("max", MAX_LEN),
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id (OWASP parameters, random salt) off the async workers.
pub async fn hash(password: &str) -> Result<String, DomainError> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&pw))
        .await
        .map_err(|e| DomainError::Internal(e.to_string()))?
}

/// Hashes a password on the current thread (CLI and already-blocking callers).
pub fn hash_blocking(password: &str) -> Result<String, DomainError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| DomainError::Internal(format!("argon2: {e}")))
}

/// Verifies a password against a stored hash off the async workers. With no stored hash
/// (unknown account) a dummy hash is checked so timing does not reveal which accounts exist.
pub async fn verify(password: &str, stored: Option<String>) -> bool {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let target = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = PasswordHash::new(&target)
            .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        ok && known
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("podgate-dummy-password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2id_round_trip() {
        let h = hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(h.clone())).await);
        assert!(!verify("wrong horse battery", Some(h)).await);
        assert!(!verify("podgate-dummy-password", None).await);
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(validate("password", "short").is_err());
        assert!(validate("password", "long enough pw").is_ok());
    }
}
