//! The factory API's contract: the OpenAPI 3.1 document generated from the handlers and the
//! wire types (`/api/v1/openapi.json`), and the same document as a page for people
//! (`/api/docs`), rendered here so it works without anything fetched from elsewhere.

use minijinja::context;
use rocket::serde::json::Json;
use rocket::{Route, get, routes};
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use crate::web::templates::Page;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "podgate factory API",
        description = "A supplier's systems list the batches a seller handed them, download them \
            (resumable) and answer each package. Authenticate with `Authorization: Bearer pgt_…`, \
            a token a supplier's person creates on the portal's API tokens page with the scopes it \
            needs (`read`, `download`, `acknowledge`). Errors are JSON `{\"error\": {\"code\", \
            \"message\", \"request_id\"}}` with a stable `code`. Times are UTC, RFC 3339. Changes \
            can also be pushed to your system: see the portal's Webhooks page.",
        version = "1"
    ),
    paths(super::list, super::show, super::download, super::acks),
    components(schemas(super::wire::ErrorBody)),
    modifiers(&BearerToken),
    tags(
        (name = "batches", description = "Batches of labels and what to make"),
        (name = "acknowledgements", description = "Answers and the factory's steps"),
    )
)]
pub struct FactoryApi;

/// Declares the bearer token every operation names in its `security`.
struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.description = Some("A factory API token (`pgt_…`) from the portal's API tokens page.".into());
        api.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("token", SecurityScheme::Http(http));
    }
}

/// The document, as served.
pub fn document() -> utoipa::openapi::OpenApi {
    FactoryApi::openapi()
}

#[get("/api/v1/openapi.json")]
fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

/// The document for people: every operation, its parameters, body, answers and error codes.
#[get("/api/docs")]
fn docs_page() -> Page {
    let doc = serde_json::to_value(document()).unwrap_or_default();
    let mut operations = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post"] {
                let op = &item[method];
                if op.is_null() {
                    continue;
                }
                // The first sentence, for the list of operations.
                let text = op["summary"]
                    .as_str()
                    .or(op["description"].as_str())
                    .unwrap_or_default();
                let gist = text.split(". ").next().unwrap_or_default().trim_end_matches('.');
                operations.push(context! {
                    gist,
                    method => method.to_uppercase(),
                    path,
                    id => format!("{method}-{}", path.replace(['/', '{', '}'], "-")),
                    op => minijinja::Value::from_serialize(op),
                });
            }
        }
    }
    let schemas: Vec<_> = doc["components"]["schemas"]
        .as_object()
        .map(|all| {
            all.iter()
                .map(|(name, schema)| {
                    let example = schema
                        .get("example")
                        .and_then(|e| serde_json::to_string_pretty(e).ok());
                    context! { name, s => minijinja::Value::from_serialize(schema), example }
                })
                .collect()
        })
        .unwrap_or_default();
    Page::new(
        "api_docs.html",
        context! { info => minijinja::Value::from_serialize(&doc["info"]), operations, schemas },
    )
}

/// The contract's routes (public: the document holds no secret).
pub fn routes() -> Vec<Route> {
    routes![openapi_json, docs_page]
}
