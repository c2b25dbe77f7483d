//! The Open API endpoints of the sandbox. Every call is checked as TikTok checks it (app key,
//! timestamp window, signature over path + sorted query + raw body, access token, scopes,
//! shop cipher rules, rate limit), then faults are injected, then the world answers.

use std::time::Duration;

use rocket::http::{ContentType, Status};
use rocket::request::{self, FromRequest, Request};
use rocket::response::{self, Responder, Response};
use serde::de::DeserializeOwned;

use super::Sandbox;
use super::faults::Injected;
use super::fulfillment::{SbError, refuse};
use super::world::World;
use tiktok::client::unix_now;
use tiktok::codes;
use tiktok::sign::sign_request;

/// What an endpoint needs besides a valid signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// No `shop_cipher` allowed (`/authorization/*`).
    Seller,
    /// `shop_cipher` required and must belong to the token's seller.
    Shop,
}

/// The parts of an HTTP request the signature covers.
pub struct ApiRequest {
    path: String,
    query: Vec<(String, String)>,
    token: Option<String>,
    content_type: Option<String>,
    method: rocket::http::Method,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ApiRequest {
    type Error = std::convert::Infallible;
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        let raw = req
            .uri()
            .query()
            .map(|q| q.as_str().to_string())
            .unwrap_or_default();
        let query = url::form_urlencoded::parse(raw.as_bytes()).into_owned().collect();
        request::Outcome::Success(ApiRequest {
            path: req.uri().path().as_str().to_string(),
            query,
            token: req.headers().get_one("x-tts-access-token").map(str::to_owned),
            content_type: req.headers().get_one("content-type").map(str::to_owned),
            method: req.method(),
        })
    }
}

impl ApiRequest {
    /// Every value of a repeated query parameter, in order.
    pub fn params<'a>(&'a self, k: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query
            .iter()
            .filter(move |(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }

    /// A decoded query parameter.
    pub fn param(&self, k: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
}

/// A TikTok-shaped JSON answer.
pub struct ApiReply {
    pub http: u16,
    pub code: i64,
    pub message: String,
    pub data: Option<serde_json::Value>,
}

impl ApiReply {
    fn error(e: SbError) -> ApiReply {
        ApiReply {
            http: e.http,
            code: e.code,
            message: e.message,
            data: None,
        }
    }
}

impl<'r> Responder<'r, 'static> for ApiReply {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let rid = format!(
            "{}{}",
            chrono::Utc::now().format("%Y%m%d%H%M%S"),
            hex::encode_upper(crate::random_bytes::<9>())
        );
        // Business calls say "Success"; the token calls say "success", as the docs show.
        let message = if self.code == 0 && self.message.is_empty() {
            "Success".to_string()
        } else {
            self.message
        };
        let body = serde_json::json!({ "code": self.code, "message": message, "request_id": rid, "data": self.data });
        Response::build_from(body.to_string().respond_to(req)?)
            .status(Status::new(self.http))
            .header(ContentType::JSON)
            .ok()
    }
}

fn reject(http: u16, code: i64, message: &str) -> SbError {
    SbError {
        code,
        message: message.into(),
        http,
    }
}

/// Parses a JSON body as TikTok would: bad JSON is an invalid-parameter error.
pub fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, SbError> {
    serde_json::from_slice(bytes)
        .map_err(|e| refuse(codes::INVALID_PARAMS, format!("invalid request body: {e}")))
}

impl Sandbox {
    /// Checks a call and, when it passes, answers it with `f` under the world lock.
    pub async fn handle<T: serde::Serialize>(
        &self,
        call: ApiRequest,
        body: Option<&[u8]>,
        scope: Scope,
        endpoint: &'static str,
        scope_needed: &'static str,
        f: impl FnOnce(&mut World, &str, &[u8]) -> Result<T, SbError>,
    ) -> ApiReply {
        let seen = self.recording().then(|| {
            (
                call.method.as_str().to_string(),
                call.path.clone(),
                call.query.clone(),
                body.and_then(|b| serde_json::from_slice(b).ok()),
            )
        });
        let reply = self.answer(call, body, scope, endpoint, scope_needed, f).await;
        if let Some((method, path, query, body)) = seen {
            self.record(super::Exchange {
                method,
                path,
                query,
                body,
                scope: Some(scope_needed.to_string()),
                code: reply.code,
                data: reply.data.clone(),
            });
        }
        reply
    }

    async fn answer<T: serde::Serialize>(
        &self,
        call: ApiRequest,
        body: Option<&[u8]>,
        scope: Scope,
        endpoint: &'static str,
        scope_needed: &'static str,
        f: impl FnOnce(&mut World, &str, &[u8]) -> Result<T, SbError>,
    ) -> ApiReply {
        let checked = {
            let mut w = self.world.lock().unwrap_or_else(|p| p.into_inner());
            w.count_call(endpoint);
            self.verify(&mut w, &call, body, scope, scope_needed)
        };
        let shop_id = match checked {
            Ok(s) => s,
            Err(e) => return self.fail(e),
        };
        self.world
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .count_shop_call(&shop_id, endpoint);
        if let Err(e) = self.rate_limit(&shop_id, endpoint) {
            return self.fail(e);
        }
        let (latency, fault) = {
            let mut w = self.world.lock().unwrap_or_else(|p| p.into_inner());
            let w = &mut *w;
            w.faults.draw(Some(&shop_id), endpoint, &mut w.rng)
        };
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
        match fault {
            Injected::Pass | Injected::LostAnswer => {}
            Injected::Error { code, http } => {
                let msg = super::faults::TRANSIENT_ERRORS
                    .iter()
                    .find(|(c, h, _)| (*c, *h) == (code, http))
                    .map_or("The order is on hold: wait until it is awaiting shipment", |e| {
                        e.2
                    });
                return self.fail(reject(http, code, msg));
            }
            Injected::Hang { ms } => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                return self.fail(reject(504, codes::TIMEOUT, "Request timeout"));
            }
        }
        let result = {
            let mut w = self.world.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut w, &shop_id, body.unwrap_or_default())
                .and_then(|v| serde_json::to_value(v).map_err(|e| refuse(codes::INTERNAL, e.to_string())))
        };
        if fault == Injected::LostAnswer {
            return self.fail(reject(504, codes::TIMEOUT, "Request timeout"));
        }
        match result {
            Ok(data) => ApiReply {
                http: 200,
                code: 0,
                message: String::new(),
                data: Some(data),
            },
            Err(e) => self.fail(e),
        }
    }

    fn fail(&self, e: SbError) -> ApiReply {
        let mut w = self.world.lock().unwrap_or_else(|p| p.into_inner());
        w.count_error(e.code);
        // A business refusal (answered 200 by default) at the status the settings give.
        let http = if e.http == 200 {
            w.settings.business_error_http
        } else {
            e.http
        };
        ApiReply::error(SbError { http, ..e })
    }

    fn rate_limit(&self, shop_id: &str, endpoint: &'static str) -> Result<(), SbError> {
        self.limiter
            .check_key(&(shop_id.to_string(), endpoint))
            .map_err(|_| {
                reject(
                    429,
                    codes::TOO_MANY_REQUESTS,
                    "Too many requests, please retry later",
                )
            })
    }

    /// Authenticates a call; returns the shop id (or the seller's open id for seller scope).
    fn verify(
        &self,
        w: &mut World,
        call: &ApiRequest,
        body: Option<&[u8]>,
        scope: Scope,
        needed: &str,
    ) -> Result<String, SbError> {
        if call.param("app_key") != Some(w.app_key.as_str()) {
            return Err(reject(400, codes::BAD_COMMON_PARAM, "Invalid app_key."));
        }
        let Some(sign) = call.param("sign") else {
            return Err(reject(
                400,
                codes::BAD_COMMON_PARAM,
                "Missing required parameter: sign.",
            ));
        };
        let ts: i64 = call.param("timestamp").and_then(|t| t.parse().ok()).unwrap_or(-1);
        let now = unix_now();
        if ts < now - 300 || ts > now + 30 {
            return Err(reject(
                400,
                codes::BAD_COMMON_PARAM,
                "Invalid timestamp: it must be within 5 minutes before and 30 seconds after the server time.",
            ));
        }
        let multipart = call
            .content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("multipart/form-data"));
        let signed_body = if multipart {
            None
        } else {
            body.filter(|b| !b.is_empty())
        };
        let expected = sign_request(&w.app_secret, &call.path, &call.query, signed_body);
        if !tiktok::sign::signatures_match(&expected, sign) {
            return Err(reject(
                401,
                codes::BAD_SIGN,
                "Invalid credentials. The 'sign' query parameter is invalid.",
            ));
        }
        if call.method == rocket::http::Method::Post
            && !call
                .content_type
                .as_deref()
                .is_some_and(|c| c.starts_with("application/json"))
        {
            return Err(reject(
                400,
                36009022,
                "The content-type must be application/json.",
            ));
        }
        let Some(token) = call.token.as_deref().and_then(|t| w.access_tokens.get(t)) else {
            return Err(reject(
                401,
                codes::BAD_COMMON_PARAM,
                "Invalid access token: x-tts-access-token is missing or unknown.",
            ));
        };
        if token.expires_at <= now {
            return Err(reject(
                401,
                codes::EXPIRED_TOKEN,
                "Access token is expired, please refresh it.",
            ));
        }
        if !token.scopes.iter().any(|s| s == needed) {
            return Err(reject(
                403,
                codes::NO_PERMISSION,
                "Access denied: you should apply auth pkg for this api.",
            ));
        }
        match (scope, call.param("shop_cipher")) {
            (Scope::Seller, None) => Ok(w.open_id.clone()),
            (Scope::Seller, Some(_)) => Err(reject(
                400,
                codes::BAD_COMMON_PARAM,
                "Unexpected parameter: shop_cipher.",
            )),
            (Scope::Shop, None) => Err(reject(
                400,
                codes::MISSING_SHOP_CIPHER,
                "Missing required parameter: shop_cipher.",
            )),
            (Scope::Shop, Some(c)) => w.shop_by_cipher(c).map(|s| s.id.clone()).ok_or_else(|| {
                reject(
                    401,
                    codes::INVALID_TOKEN_FOR_SHOP,
                    "The shop_cipher does not belong to this access token.",
                )
            }),
        }
    }
}
