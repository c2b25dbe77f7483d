//! The Open API endpoints of the sandbox. Every call is checked as TikTok checks it (app key,
//! timestamp window, signature over path + sorted query + raw body, access token, scopes,
//! shop cipher rules, rate limit), then faults are injected, then the world answers.

use std::time::Duration;

use rocket::http::{ContentType, Status};
use rocket::request::{self, FromRequest, Request};
use rocket::response::{self, Responder, Response};
use rocket::{Route, State, get, post, routes};
use serde::de::DeserializeOwned;

use super::Sandbox;
use super::faults::Injected;
use super::fulfillment::{SbError, page, refuse};
use super::world::World;
use crate::tiktok::client::unix_now;
use crate::tiktok::error::codes;
use crate::tiktok::sign::sign_request;
use crate::tiktok::types::*;

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
    fn param(&self, k: &str) -> Option<&str> {
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
            hex::encode_upper(crate::secrets::random_bytes::<9>())
        );
        let message = if self.code == 0 {
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
        let checked = {
            let mut w = self.world.lock().unwrap_or_else(|p| p.into_inner());
            w.count_call(endpoint);
            self.verify(&mut w, &call, body, scope, scope_needed)
        };
        let shop_id = match checked {
            Ok(s) => s,
            Err(e) => return self.fail(e),
        };
        if let Err(e) = self.rate_limit(&shop_id, endpoint) {
            return self.fail(e);
        }
        let (latency, fault) = {
            let mut w = self.world.lock().unwrap_or_else(|p| p.into_inner());
            let w = &mut *w;
            w.faults.draw(Some(&shop_id), &mut w.rng)
        };
        if latency > 0 {
            tokio::time::sleep(Duration::from_millis(latency)).await;
        }
        match fault {
            Injected::Pass => {}
            Injected::Error { code, http } => {
                let msg = if code == codes::TOO_MANY_REQUESTS {
                    "Too many requests"
                } else {
                    "Internal error, please try again later"
                };
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
        self.world
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .count_error(e.code);
        ApiReply::error(e)
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
        if !crate::domain::tokens::constant_time_eq(&expected, sign) {
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

const ORDERS: &str = "seller.order.info";
const FULFIL: &str = "seller.fulfillment.basic";
const PKG_WRITE: &str = "seller.fulfillment.package.write";

#[get("/authorization/202309/shops")]
async fn shops(sb: &State<Sandbox>, call: ApiRequest) -> ApiReply {
    sb.handle(
        call,
        None,
        Scope::Seller,
        "authorized_shops",
        "seller.authorization.info",
        |w, _, _| {
            Ok(ShopList {
                shops: w.shops.clone(),
            })
        },
    )
    .await
}

#[post("/order/202309/orders/search", data = "<raw>")]
async fn order_search(sb: &State<Sandbox>, call: ApiRequest, raw: Vec<u8>) -> ApiReply {
    let page_size: usize = call.param("page_size").and_then(|p| p.parse().ok()).unwrap_or(0);
    let token = call.param("page_token").map(str::to_owned);
    let by_update = call.param("sort_field") == Some("update_time");
    let desc = call.param("sort_order") != Some("ASC");
    sb.handle(
        call,
        Some(&raw),
        Scope::Shop,
        "order_search",
        ORDERS,
        move |w, shop, raw| {
            if !(1..=100).contains(&page_size) {
                return Err(refuse(
                    codes::INVALID_PARAMS,
                    "page_size must be between 1 and 100",
                ));
            }
            let f: OrderSearch = if raw.is_empty() {
                OrderSearch::default()
            } else {
                body(raw)?
            };
            let mut all: Vec<&Order> = w
                .orders
                .get(shop)
                .map(|m| m.values().collect())
                .unwrap_or_default();
            all.retain(|o| {
                f.order_status.as_ref().is_none_or(|s| &o.status == s)
                    && f.create_time_ge.is_none_or(|t| o.create_time >= t)
                    && f.create_time_lt.is_none_or(|t| o.create_time < t)
                    && f.update_time_ge.is_none_or(|t| o.update_time >= t)
                    && f.update_time_lt.is_none_or(|t| o.update_time < t)
            });
            all.sort_by_key(|o| {
                (
                    if by_update { o.update_time } else { o.create_time },
                    o.id.clone(),
                )
            });
            if desc {
                all.reverse();
            }
            let visible: Vec<Order> = all.into_iter().map(World::visible_order).collect();
            let (orders, next) = page(&visible, page_size, token.as_deref())?;
            Ok(OrderPage {
                next_page_token: next,
                total_count: visible.len() as i64,
                orders,
            })
        },
    )
    .await
}

async fn order_detail(sb: &Sandbox, call: ApiRequest) -> ApiReply {
    let ids: Vec<String> = call
        .param("ids")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    sb.handle(
        call,
        None,
        Scope::Shop,
        "order_detail",
        ORDERS,
        move |w, shop, _| {
            if ids.is_empty() || ids.len() > 50 {
                return Err(refuse(
                    codes::INVALID_PARAMS,
                    "ids must name between 1 and 50 orders",
                ));
            }
            let orders = ids
                .iter()
                .filter_map(|id| w.orders.get(shop).and_then(|m| m.get(id)))
                .map(World::visible_order)
                .collect();
            Ok(OrderDetail { orders })
        },
    )
    .await
}

#[get("/order/202309/orders")]
async fn order_detail_202309(sb: &State<Sandbox>, call: ApiRequest) -> ApiReply {
    order_detail(sb, call).await
}

#[get("/order/202507/orders")]
async fn order_detail_202507(sb: &State<Sandbox>, call: ApiRequest) -> ApiReply {
    order_detail(sb, call).await
}

#[post(
    "/fulfillment/202309/orders/<order_id>/shipping_services/query",
    data = "<raw>"
)]
async fn shipping_services(sb: &State<Sandbox>, call: ApiRequest, order_id: &str, raw: Vec<u8>) -> ApiReply {
    let order_id = order_id.to_string();
    sb.handle(
        call,
        Some(&raw),
        Scope::Shop,
        "shipping_services",
        FULFIL,
        move |w, shop, raw| w.eligible_services(shop, &order_id, &body(raw)?),
    )
    .await
}

#[post("/fulfillment/202309/packages", data = "<raw>")]
async fn create_packages(sb: &State<Sandbox>, call: ApiRequest, raw: Vec<u8>) -> ApiReply {
    sb.handle(
        call,
        Some(&raw),
        Scope::Shop,
        "create_packages",
        PKG_WRITE,
        move |w, shop, raw| w.create_package(shop, &body(raw)?),
    )
    .await
}

#[post("/fulfillment/202309/packages/search", data = "<raw>")]
async fn package_search(sb: &State<Sandbox>, call: ApiRequest, raw: Vec<u8>) -> ApiReply {
    let page_size: usize = call.param("page_size").and_then(|p| p.parse().ok()).unwrap_or(0);
    let token = call.param("page_token").map(str::to_owned);
    sb.handle(
        call,
        Some(&raw),
        Scope::Shop,
        "package_search",
        FULFIL,
        move |w, shop, raw| {
            if !(1..=50).contains(&page_size) {
                return Err(refuse(
                    codes::INVALID_PARAMS,
                    "page_size must be between 1 and 50",
                ));
            }
            let f: PackageSearch = if raw.is_empty() {
                PackageSearch::default()
            } else {
                body(raw)?
            };
            w.search_packages(shop, &f, page_size, token.as_deref())
        },
    )
    .await
}

#[get("/fulfillment/202309/packages/<id>", rank = 2)]
async fn package_detail(sb: &State<Sandbox>, call: ApiRequest, id: &str) -> ApiReply {
    let id = id.to_string();
    sb.handle(
        call,
        None,
        Scope::Shop,
        "package_detail",
        FULFIL,
        move |w, shop, _| w.package_detail(shop, &id),
    )
    .await
}

#[get("/fulfillment/202309/packages/<id>/shipping_documents")]
async fn shipping_documents(sb: &State<Sandbox>, call: ApiRequest, id: &str) -> ApiReply {
    let id = id.to_string();
    let doc_type = call.param("document_type").unwrap_or_default().to_string();
    sb.handle(
        call,
        None,
        Scope::Shop,
        "shipping_documents",
        FULFIL,
        move |w, shop, _| {
            let generating = {
                let w2 = &mut *w;
                w2.faults.doc_generating(Some(shop), &mut w2.rng)
            };
            if generating {
                return Err(refuse(
                    codes::DOC_GENERATING,
                    "The shipping document is being generated, please try again later.",
                ));
            }
            let base = w.base_url.clone();
            w.shipping_document(shop, &id, &doc_type, &base)
        },
    )
    .await
}

#[get("/fulfillment/202309/orders/split_attributes")]
async fn split_attributes(sb: &State<Sandbox>, call: ApiRequest) -> ApiReply {
    let ids: Vec<String> = call
        .param("order_ids")
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    sb.handle(
        call,
        None,
        Scope::Shop,
        "split_attributes",
        FULFIL,
        move |w, shop, _| {
            Ok(SplitAttributes {
                split_attributes: w.split_attributes(shop, &ids),
            })
        },
    )
    .await
}

#[post("/fulfillment/202309/orders/<order_id>/split", data = "<raw>")]
async fn split_order(sb: &State<Sandbox>, call: ApiRequest, order_id: &str, raw: Vec<u8>) -> ApiReply {
    let order_id = order_id.to_string();
    sb.handle(
        call,
        Some(&raw),
        Scope::Shop,
        "split_order",
        PKG_WRITE,
        move |w, shop, raw| w.split_order(shop, &order_id, &body(raw)?),
    )
    .await
}

#[post("/fulfillment/202309/packages/<id>/ship", data = "<raw>")]
async fn ship_package(sb: &State<Sandbox>, call: ApiRequest, id: &str, raw: Vec<u8>) -> ApiReply {
    let id = id.to_string();
    sb.handle(
        call,
        Some(&raw),
        Scope::Shop,
        "ship_package",
        PKG_WRITE,
        move |w, shop, raw| {
            let req: ShipPackage = if raw.is_empty() {
                ShipPackage::default()
            } else {
                body(raw)?
            };
            w.ship_package(shop, &id, &req).map(|()| Empty {})
        },
    )
    .await
}

/// The Open API routes.
pub fn routes() -> Vec<Route> {
    routes![
        shops,
        order_search,
        order_detail_202309,
        order_detail_202507,
        shipping_services,
        create_packages,
        package_search,
        package_detail,
        shipping_documents,
        split_attributes,
        split_order,
        ship_package
    ]
}
