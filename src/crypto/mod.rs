//! podgate's cryptography in one place: encryption at rest for TikTok tokens (AES-256-GCM with
//! the deployment's `token_key`, a random 96-bit nonce per value, stored as
//! base64(nonce || ciphertext)), and random tokens, their hashes and comparisons ([`tokens`]).

pub mod tokens;

pub use tokens::{constant_time_eq, hash_token, new_token, random_bytes};

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Encrypts and decrypts small secrets.
#[derive(Clone)]
pub struct TokenCipher {
    cipher: Aes256Gcm,
}

/// A value could not be decrypted (wrong key, or tampered with).
#[derive(Debug, thiserror::Error)]
#[error("stored secret cannot be decrypted: the token_key changed or the value was altered")]
pub struct DecryptError;

impl TokenCipher {
    /// Builds a cipher from a 32-byte key.
    pub fn new(key: &[u8]) -> Result<TokenCipher, String> {
        let cipher = Aes256Gcm::new_from_slice(key)
            .map_err(|_| format!("token_key must be 32 bytes, got {}", key.len()))?;
        Ok(TokenCipher { cipher })
    }

    /// Encrypts a value.
    pub fn encrypt(&self, plain: &str) -> String {
        let nonce_bytes = random_bytes::<12>();
        let ct = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce_bytes), plain.as_bytes())
            .expect("AES-GCM encryption of a short value cannot fail");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ct);
        STANDARD.encode(out)
    }

    /// Decrypts a value made by [`TokenCipher::encrypt`].
    pub fn decrypt(&self, stored: &str) -> Result<String, DecryptError> {
        let raw = STANDARD.decode(stored).map_err(|_| DecryptError)?;
        if raw.len() < 12 {
            return Err(DecryptError);
        }
        let (nonce, ct) = raw.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| DecryptError)?;
        String::from_utf8(plain).map_err(|_| DecryptError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let c = TokenCipher::new(&[7u8; 32]).unwrap();
        let a = c.encrypt("TTP_secret_token");
        let b = c.encrypt("TTP_secret_token");
        assert_ne!(a, b, "random nonce per value");
        assert!(!a.contains("secret"));
        assert_eq!(c.decrypt(&a).unwrap(), "TTP_secret_token");
        let mut raw = STANDARD.decode(&a).unwrap();
        *raw.last_mut().unwrap() ^= 1;
        assert!(c.decrypt(&STANDARD.encode(raw)).is_err());
        assert!(
            TokenCipher::new(&[1u8; 32]).unwrap().decrypt(&a).is_err(),
            "another key cannot read it"
        );
        assert!(TokenCipher::new(&[0u8; 16]).is_err());
    }
}
