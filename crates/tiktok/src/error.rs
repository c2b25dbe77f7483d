//! One error type for every TikTok Shop call, classed by TikTok's own code tables
//! ([`super::codes::TABLE`]) so callers can decide: retry, refresh the token, ask the seller to
//! re-authorize, fix the app's configuration, reconcile, or show a business error.

use super::codes;

pub use super::codes::ErrorClass;

/// A failed call, keeping TikTok's `code`, `message` and `request_id`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("TikTok Shop {class:?} error {code}: {message} (request_id {request_id}, HTTP {http_status})")]
pub struct ApiError {
    pub class: ErrorClass,
    pub code: i64,
    pub message: String,
    pub request_id: String,
    pub http_status: u16,
}

impl ApiError {
    /// Classifies a code by the table; a code no page lists falls back on the HTTP status.
    pub fn classify(code: i64, http_status: u16) -> ErrorClass {
        match codes::class_of(code) {
            Some(class) => class,
            None if http_status == 429 => ErrorClass::RateLimited,
            None if http_status >= 500 => ErrorClass::Transient,
            None => ErrorClass::Business,
        }
    }

    /// Builds an error from an envelope.
    pub fn from_envelope(code: i64, message: String, request_id: String, http_status: u16) -> ApiError {
        ApiError {
            class: Self::classify(code, http_status),
            code,
            message,
            request_id,
            http_status,
        }
    }

    /// A network-level failure (connection refused, timeout, bad JSON).
    pub fn transport(message: impl Into<String>) -> ApiError {
        ApiError {
            class: ErrorClass::Transient,
            code: codes::TRANSPORT,
            message: message.into(),
            request_id: String::new(),
            http_status: 0,
        }
    }

    /// Whether repeating the same safe call may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.class,
            ErrorClass::RateLimited | ErrorClass::Transient | ErrorClass::DocumentNotReady
        )
    }

    /// Whether the shop itself must be authorized again (the shops page's reconnect button).
    pub fn needs_reauthorization(&self) -> bool {
        matches!(
            self.class,
            ErrorClass::Reauthorize | ErrorClass::MissingPermission
        )
    }

    /// What a person should do about this error.
    pub fn advice(&self) -> &'static str {
        match (self.class, self.code) {
            (ErrorClass::Configuration, codes::BAD_SIGN) => {
                "The app secret is wrong: check podgate's TikTok app settings (tiktok.app_secret)."
            }
            (ErrorClass::Configuration, codes::BAD_COMMON_PARAM) => {
                "TikTok refused the request's credentials: check the app key and secret, and this server's clock (TikTok accepts timestamps from 5 minutes behind to 30 seconds ahead)."
            }
            (ErrorClass::Configuration, codes::IP_NOT_ALLOWED) => {
                "This server's IP address is not in the app's allow list: add it in Partner Center > App & Service."
            }
            (ErrorClass::Configuration, codes::VERSION_NOT_SUPPORTED) => {
                "TikTok no longer supports this API version: set a current version in [tiktok.versions] or upgrade podgate."
            }
            (ErrorClass::Configuration, _) => {
                "podgate's TikTok settings do not match TikTok's API (path, method, version or app settings): check the TikTok settings, or upgrade podgate."
            }
            (ErrorClass::ExpiredToken | ErrorClass::Reauthorize, _) => {
                "The shop's authorization has ended: reconnect the shop."
            }
            (ErrorClass::MissingPermission, _) => {
                "The app lacks a permission: reconnect the shop and approve every requested scope."
            }
            (ErrorClass::RateLimited | ErrorClass::Transient, _) => {
                "TikTok is busy or unreachable: retry in a few minutes."
            }
            (ErrorClass::DocumentNotReady, _) => {
                "The carrier is still generating the label: retry in a minute."
            }
            (ErrorClass::AlreadyFulfilled, _) => {
                "TikTok already has a label for these units: podgate looks it up instead of buying another."
            }
            (ErrorClass::Business, 21042102 | 21023046) => {
                "The carrier already has this package (it was shipped outside podgate): there is no label to hand to a supplier."
            }
            (ErrorClass::Business, _) => {
                "TikTok refused this action: read the message, fix the order, then retry."
            }
        }
    }
}
