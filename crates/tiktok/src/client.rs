//! The TikTok Shop Open API client: signing, access tokens (proactive single-flight refresh,
//! a refresh and a retry on 105002), retries with jittered exponential backoff for calls that
//! are safe to repeat, and a turn from the shop's budget for the endpoint before every attempt
//! ([`super::budget`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::RngExt;
use reqwest::Method;
use serde::de::DeserializeOwned;

use super::budget::{Budget, Pace, ProcessBudget};
use super::codes;
use super::error::{ApiError, ErrorClass};
use super::sign::sign_request;
use super::types::{Envelope, TokenData};
use super::versions::ApiVersions;

/// Where the API lives and who we are; pointing podgate at the real TikTok is only this.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TikTokConfig {
    /// Open API host for business calls.
    pub api_base: String,
    /// Host of `/api/v2/token/get` and `/api/v2/token/refresh`.
    pub auth_base: String,
    /// The seller authorization page.
    pub authorize_url: String,
    /// The app's key.
    pub app_key: String,
    /// The app's secret (signs requests; never logged).
    #[serde(skip_serializing)]
    pub app_secret: String,
    /// The app's service id, sent to the authorization page.
    pub service_id: String,
    /// Requests per second per shop and endpoint (TikTok documents 50).
    pub rate_limit_per_sec: u32,
    /// Of those, how many may go back to back after a quiet spell (TikTok asks for a smooth
    /// rate; 5 keeps any second within the limit plus 5).
    pub rate_burst: u32,
    /// Timeout of one HTTP attempt, in milliseconds.
    pub timeout_ms: u64,
    /// Attempts of a retryable call, the first included.
    pub max_attempts: u32,
    /// First backoff step, in milliseconds; doubles each retry up to `backoff_cap_ms`.
    pub backoff_base_ms: u64,
    /// Longest backoff, in milliseconds.
    pub backoff_cap_ms: u64,
    /// API version per endpoint (`order_detail = "202309"`…) over the documented defaults;
    /// see [`super::versions::Endpoint`].
    pub versions: std::collections::BTreeMap<String, String>,
}

impl TikTokConfig {
    /// The pace each shop's calls to one API keep.
    pub fn pace(&self) -> Pace {
        Pace {
            per_sec: self.rate_limit_per_sec,
            burst: self.rate_burst,
        }
    }
}

impl Default for TikTokConfig {
    fn default() -> Self {
        TikTokConfig {
            api_base: "https://open-api.tiktokglobalshop.com".into(),
            auth_base: "https://auth.tiktok-shops.com".into(),
            authorize_url: "https://services.us.tiktokshop.com/open/authorize".into(),
            app_key: String::new(),
            app_secret: String::new(),
            service_id: String::new(),
            rate_limit_per_sec: 50,
            rate_burst: 5,
            timeout_ms: 30_000,
            max_attempts: 6,
            backoff_base_ms: 250,
            backoff_cap_ms: 20_000,
            versions: Default::default(),
        }
    }
}

/// A seller's tokens as podgate keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    /// Absolute Unix seconds.
    pub access_expires_at: i64,
    pub refresh_token: String,
    /// Absolute Unix seconds.
    pub refresh_expires_at: i64,
}

impl From<&TokenData> for Tokens {
    fn from(t: &TokenData) -> Self {
        Tokens {
            access_token: t.access_token.clone(),
            access_expires_at: t.access_token_expire_in,
            refresh_token: t.refresh_token.clone(),
            refresh_expires_at: t.refresh_token_expire_in,
        }
    }
}

/// Where a seller authorization's tokens are kept (encrypted in the database in production).
#[async_trait::async_trait]
pub trait TokenStore: Send + Sync {
    /// The current tokens of an authorization.
    async fn load(&self, key: &str) -> Result<Tokens, ApiError>;
    /// Persists refreshed tokens (including the new refresh token).
    async fn save(&self, key: &str, tokens: &Tokens) -> Result<(), ApiError>;
}

/// A token store kept in memory, for the CLI, the sandbox demo and tests.
#[derive(Default)]
pub struct MemoryTokenStore(Mutex<HashMap<String, Tokens>>);

#[async_trait::async_trait]
impl TokenStore for MemoryTokenStore {
    async fn load(&self, key: &str) -> Result<Tokens, ApiError> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .cloned()
            .ok_or_else(|| ApiError::transport(format!("no tokens stored for {key}")))
    }
    async fn save(&self, key: &str, tokens: &Tokens) -> Result<(), ApiError> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.to_string(), tokens.clone());
        Ok(())
    }
}

/// Refresh tokens this long before they expire.
const REFRESH_MARGIN_SECS: i64 = 300;

/// The process-wide client; cheap to share behind an `Arc`.
pub struct TikTokClient {
    cfg: TikTokConfig,
    http: reqwest::Client,
    budget: Arc<dyn Budget>,
    versions: ApiVersions,
    refresh_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// One API call before signing.
pub(super) struct Call {
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// The rate-limit bucket (the endpoint's name).
    pub endpoint: &'static str,
    /// Whether repeating the call is harmless.
    pub safe_to_retry: bool,
}

/// Unix seconds now.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl TikTokClient {
    /// Builds a client with a budget of its own ([`ProcessBudget`]): right for one process.
    pub fn new(cfg: TikTokConfig) -> TikTokClient {
        let budget = Arc::new(ProcessBudget::new(cfg.pace()));
        Self::with_budget(cfg, budget)
    }

    /// Builds a client that takes its turns from `budget` (one several processes share).
    pub fn with_budget(cfg: TikTokConfig, budget: Arc<dyn Budget>) -> TikTokClient {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(cfg.timeout_ms))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("podgate/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("TLS backend available");
        // Checked when the configuration is loaded; a client built by hand falls back on the
        // documented versions.
        let versions = ApiVersions::from_overrides(&cfg.versions).unwrap_or_default();
        TikTokClient {
            budget,
            versions,
            cfg,
            http,
            refresh_locks: Mutex::new(HashMap::new()),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &TikTokConfig {
        &self.cfg
    }

    /// The API version of each endpoint.
    pub fn versions(&self) -> &ApiVersions {
        &self.versions
    }

    /// The seller authorization page URL, carrying our `state`.
    pub fn authorization_url(&self, state: &str) -> String {
        let mut u = url::Url::parse(&self.cfg.authorize_url).unwrap_or_else(|_| {
            url::Url::parse("https://services.us.tiktokshop.com/open/authorize").expect("static URL")
        });
        u.query_pairs_mut()
            .append_pair("service_id", &self.cfg.service_id)
            .append_pair("state", state);
        u.to_string()
    }

    /// Exchanges an authorization code for tokens. Not retried: a code works once.
    pub async fn exchange_code(&self, auth_code: &str) -> Result<TokenData, ApiError> {
        self.token_call("/api/v2/token/get", "auth_code", auth_code, "authorized_code")
            .await
    }

    /// Gets new tokens with a refresh token.
    pub async fn refresh_tokens(&self, refresh_token: &str) -> Result<TokenData, ApiError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self
                .token_call(
                    "/api/v2/token/refresh",
                    "refresh_token",
                    refresh_token,
                    "refresh_token",
                )
                .await
            {
                Err(e) if e.is_retryable() && attempt < self.cfg.max_attempts => {
                    self.backoff(attempt, &e).await
                }
                other => return other,
            }
        }
    }

    async fn token_call(
        &self,
        path: &str,
        key: &str,
        value: &str,
        grant: &str,
    ) -> Result<TokenData, ApiError> {
        let mut u = url::Url::parse(&format!("{}{path}", self.cfg.auth_base.trim_end_matches('/')))
            .map_err(|e| ApiError::transport(format!("bad auth_base: {e}")))?;
        u.query_pairs_mut()
            .append_pair("app_key", &self.cfg.app_key)
            .append_pair("app_secret", &self.cfg.app_secret)
            .append_pair(key, value)
            .append_pair("grant_type", grant);
        let resp = self
            .http
            .get(u)
            .send()
            .await
            .map_err(|e| ApiError::transport(e.to_string()))?;
        decode::<TokenData>(resp).await
    }

    /// The current access token of an authorization, refreshed first when about to expire.
    pub async fn access_token(&self, store: &dyn TokenStore, key: &str) -> Result<String, ApiError> {
        let t = store.load(key).await?;
        if t.access_expires_at - unix_now() > REFRESH_MARGIN_SECS {
            return Ok(t.access_token);
        }
        self.refresh_single_flight(store, key, &t.access_token).await
    }

    /// Refreshes once per authorization even when many tasks find the token stale together:
    /// the first refreshes, the others wait and reuse its result.
    pub async fn refresh_single_flight(
        &self,
        store: &dyn TokenStore,
        key: &str,
        stale: &str,
    ) -> Result<String, ApiError> {
        let lock = {
            let mut locks = self.refresh_locks.lock().unwrap_or_else(|p| p.into_inner());
            locks.entry(key.to_string()).or_default().clone()
        };
        let _guard = lock.lock().await;
        let current = store.load(key).await?;
        if current.access_token != stale && current.access_expires_at - unix_now() > REFRESH_MARGIN_SECS {
            return Ok(current.access_token);
        }
        let fresh = self.refresh_tokens(&current.refresh_token).await?;
        let tokens = Tokens::from(&fresh);
        store.save(key, &tokens).await?;
        tracing::info!(
            authorization = key,
            expires = tokens.access_expires_at,
            "refreshed TikTok access token"
        );
        Ok(tokens.access_token)
    }

    async fn backoff(&self, attempt: u32, e: &ApiError) {
        let exp = self.cfg.backoff_base_ms.saturating_mul(1 << attempt.min(16));
        let cap = exp.min(self.cfg.backoff_cap_ms).max(1);
        // Full jitter spreads retries of many tasks; rate limiting waits at least one step.
        let floor = if e.class == ErrorClass::RateLimited {
            self.cfg.backoff_base_ms.min(cap)
        } else {
            0
        };
        let ms = rand::rng().random_range(floor..=cap);
        tracing::debug!(attempt, ms, code = e.code, "retrying TikTok call");
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }

    /// Runs a signed call for an authorization (and shop, when `cipher` is given), with rate
    /// limiting, token refresh and retries.
    pub(super) async fn execute<T: DeserializeOwned + Default>(
        &self,
        store: &dyn TokenStore,
        key: &str,
        cipher: Option<&str>,
        call: Call,
    ) -> Result<T, ApiError> {
        let shop = cipher.unwrap_or(key);
        let mut attempt = 0;
        let mut token_checked = false;
        loop {
            attempt += 1;
            self.budget.wait_turn(shop, call.endpoint).await;
            let token = self.access_token(store, key).await?;
            match self.send_once::<T>(&call, cipher, &token).await {
                Ok(v) => return Ok(v),
                // TikTok refused the token before doing anything, so even a purchase may be
                // repeated; a refresh that fails ends the call with its own error.
                Err(e) if e.class == ErrorClass::ExpiredToken && attempt < self.cfg.max_attempts => {
                    super::retries::RetryLog::record(call.endpoint, &e);
                    self.refresh_single_flight(store, key, &token).await?;
                }
                // Every refresh worked (an ended authorization fails the refresh itself, with
                // 36004001/36004005) and TikTok still says "expired": its hiccup, not the
                // seller's. Said as transient, so a label is retried later instead of failed
                // with "reconnect the shop".
                Err(e) if e.class == ErrorClass::ExpiredToken => {
                    return Err(ApiError {
                        class: ErrorClass::Transient,
                        ..e
                    });
                }
                // 36009004 is also TikTok's answer to an access token it no longer knows (a
                // revoked authorization): one refresh tells that apart from a configuration
                // error. If the refresh is refused for the same reason, the first answer
                // stands; a refused authorization ("re-authorize") wins.
                Err(e)
                    if e.code == codes::BAD_COMMON_PARAM
                        && !token_checked
                        && attempt < self.cfg.max_attempts =>
                {
                    token_checked = true;
                    if let Err(re) = self.refresh_single_flight(store, key, &token).await {
                        return Err(if re.class == ErrorClass::Configuration {
                            e
                        } else {
                            re
                        });
                    }
                }
                Err(e) if call.safe_to_retry && e.is_retryable() && attempt < self.cfg.max_attempts => {
                    super::retries::RetryLog::record(call.endpoint, &e);
                    self.backoff(attempt, &e).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn send_once<T: DeserializeOwned + Default>(
        &self,
        call: &Call,
        cipher: Option<&str>,
        token: &str,
    ) -> Result<T, ApiError> {
        let mut query = call.query.clone();
        query.push(("app_key".into(), self.cfg.app_key.clone()));
        query.push(("timestamp".into(), unix_now().to_string()));
        if let Some(c) = cipher {
            query.push(("shop_cipher".into(), c.to_string()));
        }
        let sign = sign_request(&self.cfg.app_secret, &call.path, &query, call.body.as_deref());
        let mut u = url::Url::parse(&format!(
            "{}{}",
            self.cfg.api_base.trim_end_matches('/'),
            call.path
        ))
        .map_err(|e| ApiError::transport(format!("bad api_base: {e}")))?;
        {
            let mut pairs = u.query_pairs_mut();
            for (k, v) in &query {
                pairs.append_pair(k, v);
            }
            pairs.append_pair("sign", &sign);
        }
        let mut req = self
            .http
            .request(call.method.clone(), u)
            .header("x-tts-access-token", token)
            .header("content-type", "application/json");
        if let Some(b) = &call.body {
            // The signed bytes are the bytes sent.
            req = req.body(b.clone());
        }
        let resp = req.send().await.map_err(|e| ApiError::transport(e.to_string()))?;
        decode::<T>(resp).await
    }

    /// Downloads a pre-signed document URL (a label PDF) right away, since it expires.
    pub async fn download(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, ApiError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let r = async {
                let resp = self
                    .http
                    .get(url)
                    .send()
                    .await
                    .map_err(|e| ApiError::transport(e.to_string()))?;
                let status = resp.status().as_u16();
                if status != 200 {
                    let class = if status >= 500 || status == 429 {
                        ErrorClass::Transient
                    } else {
                        ErrorClass::Business
                    };
                    return Err(ApiError {
                        class,
                        code: -(status as i64),
                        message: format!("document download answered HTTP {status}"),
                        request_id: String::new(),
                        http_status: status,
                    });
                }
                let bytes = resp
                    .bytes()
                    .await
                    .map_err(|e| ApiError::transport(e.to_string()))?;
                if bytes.len() > max_bytes {
                    return Err(ApiError::transport(format!(
                        "document larger than {max_bytes} bytes"
                    )));
                }
                Ok(bytes.to_vec())
            }
            .await;
            match r {
                Err(e) if e.is_retryable() && attempt < self.cfg.max_attempts => {
                    self.backoff(attempt, &e).await
                }
                other => return other,
            }
        }
    }

    /// Checks a webhook's signature against our app key and secret.
    pub fn verify_webhook(&self, body: &[u8], authorization: &str) -> bool {
        super::sign::verify_webhook(&self.cfg.app_key, &self.cfg.app_secret, body, authorization)
    }
}

/// Decodes the envelope whatever the HTTP status; `code` 0 is success.
async fn decode<T: DeserializeOwned + Default>(resp: reqwest::Response) -> Result<T, ApiError> {
    let status = resp.status().as_u16();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| ApiError::transport(e.to_string()))?;
    let env: Envelope<T> = match serde_json::from_slice(&bytes) {
        Ok(env) => env,
        Err(e) => {
            let class = ApiError::classify(0, status);
            let class = if class == ErrorClass::Business {
                ErrorClass::Transient
            } else {
                class
            };
            let snippet: String = String::from_utf8_lossy(&bytes).chars().take(200).collect();
            return Err(ApiError {
                class,
                code: super::codes::TRANSPORT,
                message: format!("unreadable response ({e}): {snippet}"),
                request_id: String::new(),
                http_status: status,
            });
        }
    };
    if env.code == 0 {
        Ok(env.data.unwrap_or_default())
    } else {
        Err(ApiError::from_envelope(
            env.code,
            env.message,
            env.request_id,
            status,
        ))
    }
}
