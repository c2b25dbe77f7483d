//! The Open API routes of the sandbox: each parses its parameters, then lets
//! [`Sandbox::handle`] authenticate the call and run the world's answer.

use rocket::{Route, State, get, post, routes};

use super::Sandbox;
use super::api::{ApiReply, ApiRequest, Scope, body};
use super::fulfillment::{SbError, page_unsorted, refuse};
use super::world::World;
use tiktok::codes;
use tiktok::types::*;

/// A search's `page_size`, which must lie between 1 and the endpoint's maximum.
fn page_size(call: &ApiRequest, max: usize) -> Result<usize, SbError> {
    call.param("page_size")
        .and_then(|p| p.parse().ok())
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| {
            refuse(
                codes::INVALID_PARAMS,
                format!("page_size must be between 1 and {max}"),
            )
        })
}

/// An optional JSON body: absent means all defaults.
fn body_or_default<T: serde::de::DeserializeOwned + Default>(raw: &[u8]) -> Result<T, SbError> {
    if raw.is_empty() {
        Ok(T::default())
    } else {
        body(raw)
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
    let page_size = page_size(&call, 100);
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
            let page_size = page_size?;
            let f: OrderSearch = body_or_default(raw)?;
            if by_update
                && !desc
                && f.order_status.is_none()
                && f.create_time_ge.is_none()
                && f.create_time_lt.is_none()
            {
                return search_by_update_time(w, shop, &f, page_size, token.as_deref());
            }
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
            let total = all.len();
            // Only the page is sorted and copied; a shop may hold 100,000 orders.
            let (refs, next) = page_unsorted(
                all,
                |o| {
                    (
                        if by_update { o.update_time } else { o.create_time },
                        o.id.as_str(),
                    )
                },
                desc,
                page_size,
                token.as_deref(),
            )?;
            let orders: Vec<Order> = refs.into_iter().map(|o| w.visible_order(o)).collect();
            Ok(OrderPage {
                next_page_token: next,
                total_count: total as i64,
                orders,
            })
        },
    )
    .await
}

/// Search Orders by update time, oldest first, with no other filter (how sync pages): read
/// from the sandbox's sorted index instead of looking at every order, as a database would.
/// Same pages and tokens as the general path.
fn search_by_update_time(
    w: &mut World,
    shop: &str,
    f: &OrderSearch,
    page_size: usize,
    token: Option<&str>,
) -> Result<OrderPage, SbError> {
    let after = token
        .filter(|t| !t.is_empty())
        .map(crate::fulfillment::parse_keyset_token)
        .transpose()?;
    let index = w.by_update_time(shop);
    let lo = f
        .update_time_ge
        .map_or(0, |t| index.partition_point(|(u, _)| *u < t));
    let hi = f
        .update_time_lt
        .map_or(index.len(), |t| index.partition_point(|(u, _)| *u < t));
    let hi = hi.max(lo);
    let start = match &after {
        Some((k, id)) => index
            .partition_point(|(u, i)| (*u, i.as_str()) <= (*k, id.as_str()))
            .clamp(lo, hi),
        None => lo,
    };
    let end = (start + page_size).min(hi);
    let ids: Vec<String> = index[start..end].iter().map(|(_, id)| id.clone()).collect();
    let next = match index[start..end].last() {
        Some((u, id)) if end < hi => crate::fulfillment::keyset_token(*u, id),
        _ => String::new(),
    };
    let total = (hi - lo) as i64;
    let orders = ids
        .iter()
        .filter_map(|id| w.orders.get(shop).and_then(|m| m.get(id)))
        .map(|o| w.visible_order(o))
        .collect();
    Ok(OrderPage {
        next_page_token: next,
        total_count: total,
        orders,
    })
}

async fn order_detail(sb: &Sandbox, call: ApiRequest) -> ApiReply {
    // `ids=a,b` or `ids=a&ids=b`: clients send either (the docs type it as a list).
    let ids: Vec<String> = call
        .params("ids")
        .flat_map(|v| v.split(','))
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
                .map(|o| w.visible_order(o))
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
        FULFIL,
        move |w, shop, raw| w.create_package(shop, &body(raw)?),
    )
    .await
}

/// Create Packages 202512: `ship_type` 1 (the whole order) or 2 (these line items); 3
/// (several orders in one package) is not something podgate asks for.
#[post("/fulfillment/202512/packages", data = "<raw>")]
async fn create_packages_202512(sb: &State<Sandbox>, call: ApiRequest, raw: Vec<u8>) -> ApiReply {
    sb.handle(
        call,
        Some(&raw),
        Scope::Shop,
        "create_packages",
        FULFIL,
        move |w, shop, raw| {
            let req: CreatePackageLines = body(raw)?;
            let order_line_item_ids = match req.ship_type.as_str() {
                "1" => w
                    .order_mut(shop, &req.order_id)?
                    .line_items
                    .iter()
                    .map(|l| l.id.clone())
                    .collect(),
                "2" if !req.order_line_item.is_empty() => {
                    req.order_line_item.into_iter().map(|l| l.order_line_id).collect()
                }
                "2" => {
                    return Err(refuse(
                        codes::INVALID_PARAMS,
                        "order_line_item is required when ship_type is 2",
                    ));
                }
                other => {
                    return Err(refuse(
                        codes::INVALID_PARAMS,
                        format!("ship_type {other:?} is not supported here"),
                    ));
                }
            };
            let v1 = CreatePackage {
                order_id: req.order_id,
                order_line_item_ids,
                weight: req.weight,
                dimension: req.dimension,
                shipping_service_id: req.shipping_service_id,
            };
            w.create_package(shop, &v1)
        },
    )
    .await
}

#[post("/fulfillment/202309/packages/search", data = "<raw>")]
async fn package_search(sb: &State<Sandbox>, call: ApiRequest, raw: Vec<u8>) -> ApiReply {
    let page_size = page_size(&call, 50);
    let token = call.param("page_token").map(str::to_owned);
    let field = call.param("sort_field").unwrap_or("create_time").to_string();
    let order = call.param("sort_order").unwrap_or("DESC").to_string();
    sb.handle(
        call,
        Some(&raw),
        Scope::Shop,
        "package_search",
        FULFIL,
        move |w, shop, raw| {
            let page_size = page_size?;
            let f: PackageSearch = body_or_default(raw)?;
            w.search_packages(shop, &f, (&field, &order), page_size, token.as_deref())
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
        PKG_WRITE,
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
        FULFIL,
        move |w, shop, raw| {
            let req: ShipPackage = body_or_default(raw)?;
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
        create_packages_202512,
        package_search,
        package_detail,
        shipping_documents,
        split_attributes,
        split_order,
        ship_package,
        super::tracking::get_tracking,
        super::tracking::get_warehouses,
        super::logistics::delivery_options,
        super::logistics::shipping_providers
    ]
}
