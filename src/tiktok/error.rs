//! One error type for every TikTok Shop call, classed by documented code family so callers can
//! decide: retry, refresh the token, ask the seller to re-authorize, or show a business error.

/// What kind of failure a code or transport problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// 106001: our signature is wrong (a bug or a wrong app secret); never retried.
    BadSignature,
    /// 105002: the access token expired; refresh once and retry once.
    ExpiredToken,
    /// 36009004 / 101000 / 106013 and similar: bad token, app key, timestamp or shop cipher.
    BadRequest,
    /// 105005 / 36009033: the app or token lacks permission; the seller must re-authorize.
    MissingPermission,
    /// 36009002 or HTTP 429: slow down and retry.
    RateLimited,
    /// 36009003 / 36009007 / timeouts / HTTP 5xx / connection failures: retry with backoff.
    Transient,
    /// 11034037 and kin: the shipping document is still being generated; retry later.
    DocumentNotReady,
    /// Anything else: a business rule said no (order on hold, cancelled, already purchased…).
    Business,
}

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

/// Codes with special meaning.
pub mod codes {
    pub const BAD_SIGN: i64 = 106001;
    pub const EXPIRED_TOKEN: i64 = 105002;
    pub const NO_PERMISSION: i64 = 105005;
    pub const IP_NOT_ALLOWED: i64 = 36009033;
    pub const TOO_MANY_REQUESTS: i64 = 36009002;
    pub const INTERNAL: i64 = 36009003;
    pub const BAD_COMMON_PARAM: i64 = 36009004;
    pub const TIMEOUT: i64 = 36009007;
    pub const INVALID_PATH: i64 = 36009009;
    pub const INVALID_TOKEN_FOR_SHOP: i64 = 101000;
    pub const MISSING_SHOP_CIPHER: i64 = 106013;
    pub const ORDER_ON_HOLD: i64 = 21011044;
    pub const ORDER_CANCELLED: i64 = 21011041;
    pub const LABEL_ALREADY_PURCHASED: i64 = 21022025;
    pub const NO_SHIPPING_SERVICE: i64 = 21011037;
    pub const DOC_GENERATING: i64 = 11034037;
    pub const DOC_TIMEOUT: i64 = 11034023;
    pub const INVALID_PARAMS: i64 = 21001001;
    pub const NOT_FOUND: i64 = 21001011;
    /// Internal/network failures without a TikTok code.
    pub const TRANSPORT: i64 = -1;
}

impl ApiError {
    /// Classifies a documented code (and the HTTP status as a tie-breaker).
    pub fn classify(code: i64, http_status: u16) -> ErrorClass {
        use codes::*;
        match code {
            BAD_SIGN => ErrorClass::BadSignature,
            EXPIRED_TOKEN => ErrorClass::ExpiredToken,
            NO_PERMISSION | IP_NOT_ALLOWED => ErrorClass::MissingPermission,
            TOO_MANY_REQUESTS => ErrorClass::RateLimited,
            INTERNAL | TIMEOUT | 21001003 | 11001027 | 21022029 => ErrorClass::Transient,
            DOC_GENERATING | DOC_TIMEOUT | 21023022 => ErrorClass::DocumentNotReady,
            BAD_COMMON_PARAM
            | INVALID_TOKEN_FOR_SHOP
            | MISSING_SHOP_CIPHER
            | INVALID_PATH
            | 36009010
            | 36009014 => ErrorClass::BadRequest,
            _ if http_status == 429 => ErrorClass::RateLimited,
            _ if http_status >= 500 => ErrorClass::Transient,
            _ => ErrorClass::Business,
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

    /// What a person should do about this error.
    pub fn advice(&self) -> &'static str {
        match self.class {
            ErrorClass::BadSignature => {
                "The app key or secret is wrong: check podgate's TikTok app settings."
            }
            ErrorClass::ExpiredToken | ErrorClass::BadRequest => {
                "The shop's authorization is no longer valid: reconnect the shop."
            }
            ErrorClass::MissingPermission => {
                "The app lacks a permission: reconnect the shop and approve every requested scope."
            }
            ErrorClass::RateLimited | ErrorClass::Transient => {
                "TikTok is busy or unreachable: retry in a few minutes."
            }
            ErrorClass::DocumentNotReady => "The carrier is still generating the label: retry in a minute.",
            ErrorClass::Business => {
                "TikTok refused this action: read the message, fix the order, then retry."
            }
        }
    }
}
