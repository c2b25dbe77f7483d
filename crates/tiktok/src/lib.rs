//! The TikTok Shop Open API client. It follows TikTok's own documentation pages (checked in as
//! podgate's `tests/contract/tiktok.json` and `docs/tiktok.md`), so that pointing it at the real hosts is a
//! configuration change; tests run it against the `tiktok-sandbox` crate.

pub mod api;
pub mod budget;
pub mod client;
pub mod codes;
pub mod error;
pub mod retries;
pub mod sign;
pub mod types;
pub mod versions;

pub use api::{SellerApi, ShopApi};
pub use budget::{Budget, Pace, ProcessBudget};
pub use client::{MemoryTokenStore, TikTokClient, TikTokConfig, TokenStore, Tokens};
pub use error::{ApiError, ErrorClass};
pub use retries::RetryLog;
pub use versions::{ApiVersions, Endpoint};
