//! The contract test: every request the client builds and every answer the sandbox gives,
//! held against `tests/contract/tiktok.json` (written by `scripts/tiktok-contract.py` from
//! TikTok's own documentation pages): path, method, required fields present with the right
//! types, no field the docs do not know, error codes the docs list. An endpoint without a
//! contract entry fails.

use std::collections::{BTreeMap, BTreeSet};

use ::tiktok::{Endpoint, codes};
use serde::Deserialize;
use serde_json::Value;
use tiktok_sandbox::Exchange;

use super::*;

#[derive(Deserialize)]
struct Contract {
    common_errors: Vec<i64>,
    endpoints: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    page: String,
    method: String,
    path: String,
    query: BTreeMap<String, Field>,
    body: BTreeMap<String, Field>,
    response: BTreeMap<String, Field>,
    errors: Vec<i64>,
    scopes: Vec<String>,
    #[serde(default)]
    auth_host: bool,
}

#[derive(Deserialize)]
struct Field {
    #[serde(rename = "type")]
    kind: String,
    required: bool,
}

/// Query parameters the signing guide owns rather than each endpoint's page.
const SIGNING: [&str; 4] = ["app_key", "sign", "timestamp", "access_token"];

/// Codes the sandbox may answer that an endpoint's own list leaves out, with where the docs
/// say them: the on-hold changelog (21011044, for every fulfilment call), and the auth host's
/// refresh answers, which no page here lists.
const ALSO_DOCUMENTED: [i64; 3] = [
    codes::ORDER_ON_HOLD,
    codes::REFRESH_TOKEN_EXPIRED,
    codes::NO_AUTH_RECORD,
];

fn contract() -> Contract {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/contract/tiktok.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Whether a concrete path has the shape of a documented one (`{x}` matches one segment).
fn same_shape(documented: &str, path: &str) -> bool {
    let (d, p): (Vec<_>, Vec<_>) = (documented.split('/').collect(), path.split('/').collect());
    d.len() == p.len()
        && d.iter()
            .zip(&p)
            .all(|(d, p)| d == p || (d.starts_with('{') && !p.is_empty()))
}

impl Contract {
    fn entry(&self, method: &str, path: &str) -> Option<&Entry> {
        // A literal segment wins over a parameter (`packages/search` is not a package id).
        let mut found: Vec<&Entry> = self
            .endpoints
            .iter()
            .filter(|e| e.method == method && same_shape(&e.path, path))
            .collect();
        found.sort_by_key(|e| e.path.matches('{').count());
        found.first().copied()
    }
}

fn type_ok(kind: &str, v: &Value) -> bool {
    match kind {
        "string" => v.is_string(),
        "int" => v.is_i64() || v.is_u64(),
        "bool" => v.is_boolean(),
        "object" => v.is_object(),
        "[]string" => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        "[]object" => v.as_array().is_some_and(|a| a.iter().all(Value::is_object)),
        "[]int" => v.as_array().is_some_and(|a| a.iter().all(|x| x.is_i64())),
        _ => false,
    }
}

/// Checks a JSON object against the fields documented under `prefix`.
fn check_object(
    fields: &BTreeMap<String, Field>,
    prefix: &str,
    value: &serde_json::Map<String, Value>,
    required: bool,
    problems: &mut Vec<String>,
) {
    for (k, v) in value {
        let name = format!("{prefix}{k}");
        let Some(f) = fields.get(&name) else {
            problems.push(format!("`{name}` is not in the docs"));
            continue;
        };
        if !type_ok(&f.kind, v) {
            problems.push(format!("`{name}` should be {} but is {v}", f.kind));
            continue;
        }
        match (f.kind.as_str(), v) {
            ("object", Value::Object(o)) => check_object(fields, &format!("{name}."), o, required, problems),
            ("[]object", Value::Array(a)) => {
                for o in a.iter().filter_map(Value::as_object) {
                    check_object(fields, &format!("{name}[]."), o, required, problems);
                }
            }
            _ => {}
        }
    }
    if required {
        for (name, f) in fields {
            let Some(rest) = name.strip_prefix(prefix) else {
                continue;
            };
            if f.required && !rest.contains('.') && !value.contains_key(rest) {
                problems.push(format!("required `{name}` is missing"));
            }
        }
    }
}

fn check_query(e: &Entry, query: &[(String, String)], problems: &mut Vec<String>) {
    let given: BTreeSet<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
    for (k, v) in query {
        if SIGNING.contains(&k.as_str()) {
            continue;
        }
        match e.query.get(k) {
            None => problems.push(format!("query `{k}` is not in the docs")),
            Some(f) if f.kind == "int" && v.parse::<i64>().is_err() => {
                problems.push(format!("query `{k}` should be an int: {v:?}"))
            }
            Some(f) if f.kind == "bool" && !matches!(v.as_str(), "true" | "false") => {
                problems.push(format!("query `{k}` should be a bool: {v:?}"))
            }
            Some(_) => {}
        }
    }
    for (k, f) in &e.query {
        if f.required && !given.contains(k.as_str()) {
            problems.push(format!("required query `{k}` is missing"));
        }
    }
}

/// Every problem of one exchange, each naming the call and the docs' page.
fn check_exchange(c: &Contract, x: &Exchange) -> Vec<String> {
    let Some(e) = c.entry(&x.method, &x.path) else {
        return vec![format!(
            "{} {}: no contract entry (add the endpoint's page to the docs and run scripts/tiktok-contract.py)",
            x.method, x.path
        )];
    };
    let mut problems = Vec::new();
    if let Some(scope) = &x.scope
        && !e.scopes.contains(scope)
    {
        problems.push(format!(
            "the sandbox asks for scope {scope}; the docs say {:?}",
            e.scopes
        ));
    }
    check_query(e, &x.query, &mut problems);
    match &x.body {
        Some(Value::Object(b)) => check_object(&e.body, "", b, true, &mut problems),
        Some(other) => problems.push(format!("the body is not an object: {other}")),
        None if e.body.values().any(|f| f.required) => problems.push("the body is missing".into()),
        None => {}
    }
    if x.code == 0 {
        if let Some(data) = &x.data {
            let mut env = serde_json::Map::new();
            env.insert("data".into(), data.clone());
            check_object(&e.response, "", &env, false, &mut problems);
        }
    } else if !e.errors.contains(&x.code)
        && !c.common_errors.contains(&x.code)
        && !ALSO_DOCUMENTED.contains(&x.code)
    {
        problems.push(format!("answered code {} that the docs do not list", x.code));
    }
    problems
        .into_iter()
        .map(|p| format!("{} {} ({}): {p}", x.method, x.path, e.page))
        .collect()
}

#[test]
fn every_endpoint_and_version_podgate_speaks_has_a_contract_entry() {
    let c = contract();
    let mut missing = Vec::new();
    for e in Endpoint::ALL {
        for v in e.versions() {
            let path = e.template().replace("{version}", v);
            if !c
                .endpoints
                .iter()
                .any(|x| x.method == e.method().as_str() && x.path == path)
            {
                missing.push(format!("{} {path}", e.method()));
            }
        }
    }
    assert!(missing.is_empty(), "no contract entry for: {missing:?}");
}

#[test]
fn every_code_the_docs_list_for_podgates_endpoints_has_a_class() {
    let c = contract();
    let mut codes_listed: BTreeSet<i64> = c.common_errors.iter().copied().collect();
    for e in Endpoint::ALL {
        for v in e.versions() {
            let path = e.template().replace("{version}", v);
            for x in c.endpoints.iter().filter(|x| x.path == path) {
                codes_listed.extend(&x.errors);
            }
        }
    }
    let unclassed: Vec<i64> = codes_listed
        .iter()
        .copied()
        .filter(|code| codes::class_of(*code).is_none())
        .collect();
    assert!(codes_listed.len() > 100, "{} codes", codes_listed.len());
    assert!(unclassed.is_empty(), "codes without a class: {unclassed:?}");
}

#[test]
fn the_checker_catches_what_it_is_for() {
    // The checker itself: a wrong type, an unknown field and a missing required one.
    let c = contract();
    let x = Exchange {
        method: "POST".into(),
        path: "/fulfillment/202309/packages".into(),
        query: vec![("shop_cipher".into(), "c".into())],
        scope: None,
        body: Some(serde_json::json!({
            "order_id": 1,
            "order_line_item_ids": ["1"],
            "weight": {"value": "1"},
            "colour": "red"
        })),
        code: 0,
        data: Some(serde_json::json!({"package_id": "1", "dimension": null})),
    };
    let p = check_exchange(&c, &x).join("\n");
    assert!(p.contains("`order_id` should be string"), "{p}");
    assert!(p.contains("`colour` is not in the docs"), "{p}");
    assert!(p.contains("required `weight.unit` is missing"), "{p}");
    assert!(p.contains("`data.dimension` should be object but is null"), "{p}");
    let unknown = Exchange {
        path: "/fulfillment/202309/labels".into(),
        ..x
    };
    assert!(check_exchange(&c, &unknown)[0].contains("no contract entry"));
}

/// Drives every endpoint the client has, at each version, through the sandbox.
async fn every_call(fx: &Fixture, v202512: &TikTokClient) {
    let shops = fx.seller().authorized_shops().await.unwrap();
    assert_eq!(shops.len(), 1);
    let all = fx
        .shop()
        .search_orders_all(&OrderSearch::default(), 50)
        .await
        .unwrap();
    let ids: Vec<String> = all.iter().map(|o| o.id.clone()).collect();
    fx.shop().order_details(&ids).await.unwrap();
    let mut awaiting = fx.awaiting().await.into_iter();
    for (i, client) in [&fx.client, v202512].into_iter().enumerate() {
        let shop = SellerApi {
            client,
            store: fx.store.as_ref(),
            key: "seller",
        }
        .shop(&fx.cipher);
        let order = awaiting.next().unwrap();
        let items: Vec<String> = order.line_items.iter().map(|l| l.id.clone()).collect();
        let q = ShippingServiceQuery {
            order_line_item_ids: items.clone(),
            weight: weight(),
            dimension: dims(),
        };
        let services = shop.eligible_services(&order.id, &q).await.unwrap();
        let created = shop
            .create_package(&CreatePackage {
                shipping_service_id: Some(services.shipping_services[0].id.clone()),
                ..buy(order.id.clone(), items.clone())
            })
            .await
            .unwrap();
        shop.label_pdf(&created.package_id).await.unwrap();
        shop.package_detail(&created.package_id).await.unwrap();
        // Buying again is refused with a documented code.
        let again = shop.create_package(&buy(order.id.clone(), items)).await;
        assert!(again.is_err(), "call {i}: a second label was sold");
    }
    fx.shop()
        .search_packages_page(&PackageSearch::default(), 50, None)
        .await
        .unwrap();
    fx.shop().split_attributes(&ids[..3]).await.unwrap();
    // An order on hold: a documented refusal.
    let on_hold = all.iter().find(|o| o.status == "ON_HOLD").unwrap();
    let _ = fx.shop().create_package(&buy(on_hold.id.clone(), vec![])).await;
    let warehouses = fx.shop().warehouses().await.unwrap();
    assert_eq!(warehouses.len(), 3);
    // Each warehouse's delivery options and their carriers; an option TikTok fulfils itself
    // answers 21008117, which the client reads as "no carriers".
    let options = fx.shop().delivery_options(&warehouses[0].id).await.unwrap();
    assert_eq!(options.len(), 3);
    let mut carriers = Vec::new();
    for o in &options {
        carriers.push(fx.shop().shipping_providers(&o.id).await.unwrap());
    }
    let names =
        |l: &Vec<::tiktok::types::ShippingProvider>| l.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&carriers[0]), ["USPS", "UPS", "FedEx"]);
    assert!(carriers[2].is_empty(), "{:?}", options[2]);
    let unknown = fx.shop().shipping_providers("1234").await.unwrap_err();
    assert_eq!(unknown.code, 21008116);
    // Carrier events, after a scan.
    let scanned = fx
        .sb
        .sandbox
        .world
        .lock()
        .unwrap()
        .packages
        .keys()
        .next()
        .cloned()
        .unwrap();
    fx.sb.sandbox.world.lock().unwrap().scan(&scanned).unwrap();
    let order = fx.sb.sandbox.world.lock().unwrap().packages[&scanned]
        .order_id
        .clone();
    assert_eq!(fx.shop().tracking(&order).await.unwrap().len(), 2);
    // An expired access token: the refresh call, then the call again.
    fx.sb
        .sandbox
        .world
        .lock()
        .unwrap()
        .access_tokens
        .values_mut()
        .for_each(|t| t.expires_at = 0);
    fx.seller().authorized_shops().await.unwrap();
}

#[tokio::test]
async fn every_request_of_the_client_and_answer_of_the_sandbox_is_as_documented() {
    let fx = Fixture::new(WorldSettings {
        initial_orders: 60,
        seed: 11,
        ..WorldSettings::default()
    })
    .await;
    let mut cfg = fx.client.config().clone();
    cfg.versions.insert("create_packages".into(), "202512".into());
    let v202512 = TikTokClient::new(cfg);
    fx.sb.sandbox.start_recording();
    every_call(&fx, &v202512).await;
    let c = contract();
    let exchanges = fx.sb.sandbox.exchanges();
    let seen: BTreeSet<String> = exchanges
        .iter()
        .map(|x| format!("{} {}", x.method, x.path))
        .collect();
    assert!(
        seen.iter().any(|s| s == "POST /fulfillment/202512/packages")
            && seen.iter().any(|s| s == "GET /api/v2/token/refresh"),
        "{seen:?}"
    );
    let problems: Vec<String> = exchanges.iter().flat_map(|x| check_exchange(&c, x)).collect();
    let unique: BTreeSet<&String> = problems.iter().collect();
    assert!(
        unique.is_empty(),
        "{} exchanges, {} problems:\n{}",
        exchanges.len(),
        unique.len(),
        unique.into_iter().cloned().collect::<Vec<_>>().join("\n")
    );
    // The auth host's calls are in the contract too.
    assert!(c.endpoints.iter().any(|e| e.auth_host));
}
