//! Wire types of the TikTok Shop Open API subset podgate uses, with the documented field names.
//! The client decodes them and the sandbox encodes them, so both agree by construction.
//! Ids are strings (they exceed 2^53), money is decimal strings, times are Unix seconds.

use serde::{Deserialize, Serialize};

mod fulfillment;
mod logistics;
mod orders;
pub use fulfillment::*;
pub use logistics::*;
pub use orders::*;

/// The response envelope of every endpoint: `code` 0 is success whatever the HTTP status.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub code: i64,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub request_id: String,
    pub data: Option<T>,
}

/// Token endpoint `data` (`/api/v2/token/get` and `/api/v2/token/refresh`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TokenData {
    pub access_token: String,
    /// Absolute Unix time at which the access token expires.
    pub access_token_expire_in: i64,
    pub refresh_token: String,
    /// Absolute Unix time at which the refresh token expires.
    pub refresh_token_expire_in: i64,
    pub open_id: String,
    pub seller_name: String,
    pub seller_base_region: String,
    pub user_type: i64,
    pub granted_scopes: Vec<String>,
}

/// One authorized shop (`GET /authorization/202309/shops`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Shop {
    pub id: String,
    pub name: String,
    pub region: String,
    pub seller_type: String,
    pub cipher: String,
    pub code: String,
}

/// `data` of Get Authorized Shops.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ShopList {
    pub shops: Vec<Shop>,
}

/// An empty `data` object (`{}`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Empty {}

/// A webhook delivery.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct WebhookEvent {
    #[serde(rename = "type")]
    pub kind: i64,
    pub tts_notification_id: String,
    pub shop_id: String,
    pub timestamp: i64,
    pub data: serde_json::Value,
}

/// One carrier event (Get Tracking).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TrackingEvent {
    pub description: String,
    /// Unix milliseconds.
    pub update_time_millis: i64,
}

/// `data` of Get Tracking: an order's carrier events, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Tracking {
    pub tracking: Vec<TrackingEvent>,
}
