//! The TikTok Shop Open API client. It follows `shared/reference/tiktok-shop-api.md` exactly,
//! so that pointing it at the real hosts is a configuration change; tests run it against
//! [`crate::sandbox`].

pub mod api;
pub mod client;
pub mod error;
pub mod retries;
pub mod sign;
pub mod types;

pub use api::{SellerApi, ShopApi};
pub use client::{MemoryTokenStore, TikTokClient, TikTokConfig, TokenStore, Tokens};
pub use error::{ApiError, ErrorClass};
pub use retries::RetryLog;
