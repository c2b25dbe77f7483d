//! The SKU catalog: routing rules, CSV import and export, the queue of unrouted SKUs with
//! "create a rule from this item", and choosing a unit's supplier by hand on an order.

use minijinja::context;
use rocket::form::FromForm;
use rocket::fs::TempFile;
use rocket::http::{ContentType, Header, Status};
use rocket::{Responder, Route, State, get, post, routes};

use crate::db::DbPool;
use crate::domain::{DomainError, catalog, suppliers};
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, CurrentUser};
use crate::web::templates::{Flashed, Page};

async fn page(
    pool: &DbPool,
    ws: i64,
    sku: Option<String>,
    import_errors: Vec<String>,
) -> Result<Page, WebError> {
    let rules = pool
        .query(move |c| crate::db::models::supplier::SkuRule::list(c, ws))
        .await?;
    let sups = suppliers::list(pool, ws).await?;
    let names: std::collections::HashMap<i64, String> = sups.iter().map(|s| (s.id, s.name.clone())).collect();
    let rules: Vec<_> = rules
        .iter()
        .map(|r| {
            let art: Vec<catalog::Artwork> = serde_json::from_str(&r.artwork).unwrap_or_default();
            context! {
                id => r.id, pattern => r.pattern, match_kind => r.match_kind, priority => r.priority,
                supplier => names.get(&r.supplier_id).cloned().unwrap_or_default(), product_code => r.product_code,
                weight => r.weight_grams, dims => r.length_in.as_ref().map(|l| format!("{l}×{}×{} in", r.width_in.clone().unwrap_or_default(), r.height_in.clone().unwrap_or_default())),
                placements => art.iter().map(|a| a.placement.clone()).collect::<Vec<_>>(),
            }
        })
        .collect();
    let unrouted = catalog::unrouted(pool, ws).await?;
    let unrouted: Vec<_> = unrouted
        .iter()
        .map(|(sku, n)| context! { sku => sku, units => n })
        .collect();
    let active: Vec<_> = sups
        .iter()
        .filter(|s| !s.archived)
        .map(|s| context! { id => s.id, name => s.name })
        .collect();
    Ok(Page::new(
        "seller/catalog.html",
        context! { rules, unrouted, suppliers => active, sku, import_errors },
    ))
}

#[get("/catalog?<sku>")]
async fn index(pool: &State<DbPool>, user: CurrentUser, sku: Option<String>) -> Result<Page, WebError> {
    page(pool, user.user.workspace_id, sku, Vec::new()).await
}

#[derive(FromForm)]
struct RuleForm {
    csrf_token: String,
    pattern: String,
    #[field(name = "match")]
    match_kind: String,
    priority: String,
    supplier: String,
    product_code: String,
    weight_g: String,
    length_in: String,
    width_in: String,
    height_in: String,
    front_print_url: String,
}
crate::csrf_form!(RuleForm);

/// One rule from the form goes through the CSV import, so both paths check the same way.
#[post("/catalog/rules", data = "<form>")]
async fn add_rule(
    pool: &State<DbPool>,
    user: CurrentUser,
    ip: ClientIp,
    form: CsrfForm<RuleForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let f = form.0;
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| DomainError::Internal(e.to_string());
    w.write_record([
        "pattern",
        "match",
        "priority",
        "supplier",
        "product_code",
        "weight_g",
        "length_in",
        "width_in",
        "height_in",
        "front_print_url",
    ])
    .map_err(internal)?;
    w.write_record([
        &f.pattern,
        &f.match_kind,
        &f.priority,
        &f.supplier,
        &f.product_code,
        &f.weight_g,
        &f.length_in,
        &f.width_in,
        &f.height_in,
        &f.front_print_url,
    ])
    .map_err(internal)?;
    let bytes = w.into_inner().map_err(|e| DomainError::Internal(e.to_string()))?;
    match catalog::import(pool, &user.actor(&ip), bytes).await {
        Ok(_) => Ok(Ok(Flashed::success(
            "/catalog",
            format!("Rule for {} saved; orders were routed again.", f.pattern.trim()),
        ))),
        Err(DomainError::Invalid(errs)) => {
            let msgs = errs
                .into_iter()
                .map(|e| e.message.replace("Row 2: ", ""))
                .collect();
            Ok(Err(page(pool, user.user.workspace_id, Some(f.pattern), msgs)
                .await?
                .status(Status::UnprocessableEntity)))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(FromForm)]
struct ImportForm<'r> {
    csrf_token: String,
    file: TempFile<'r>,
}

impl crate::web::csrf::CsrfField for ImportForm<'_> {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

#[post("/catalog/import", data = "<form>")]
async fn import(
    pool: &State<DbPool>,
    user: CurrentUser,
    ip: ClientIp,
    form: CsrfForm<ImportForm<'_>>,
) -> Result<Result<Flashed, Page>, WebError> {
    let bytes = match form.0.file.path() {
        Some(p) => tokio::fs::read(p)
            .await
            .map_err(|e| DomainError::Internal(e.to_string()))?,
        None => {
            let mut buf = Vec::new();
            let mut r = form
                .0
                .file
                .open()
                .await
                .map_err(|e| DomainError::Internal(e.to_string()))?;
            tokio::io::AsyncReadExt::read_to_end(&mut r, &mut buf)
                .await
                .map_err(|e| DomainError::Internal(e.to_string()))?;
            buf
        }
    };
    match catalog::import(pool, &user.actor(&ip), bytes).await {
        Ok(n) => Ok(Ok(Flashed::success(
            "/catalog",
            format!("Imported {n} rules; every order was routed again."),
        ))),
        Err(DomainError::Invalid(errs)) => {
            let msgs: Vec<String> = errs.into_iter().map(|e| e.message).collect();
            Ok(Err(page(pool, user.user.workspace_id, None, msgs)
                .await?
                .status(Status::UnprocessableEntity)))
        }
        Err(e) => Err(e.into()),
    }
}

/// A CSV download.
#[derive(Responder)]
struct CsvFile {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
}

#[get("/catalog.csv")]
async fn export(pool: &State<DbPool>, user: CurrentUser) -> Result<CsvFile, WebError> {
    let body = catalog::export(pool, user.user.workspace_id).await?;
    Ok(CsvFile {
        body,
        content_type: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
        disposition: Header::new(
            "Content-Disposition",
            "attachment; filename=\"podgate-sku-catalog.csv\"",
        ),
    })
}

#[post("/catalog/rules/<id>/delete", data = "<form>")]
async fn delete_rule(
    pool: &State<DbPool>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    catalog::delete_rule(pool, &user.actor(&ip), id).await?;
    Ok(Flashed::success(
        "/catalog",
        "Rule deleted; orders were routed again.",
    ))
}

#[derive(FromForm)]
struct AssignForm {
    csrf_token: String,
    supplier: Option<i64>,
}
crate::csrf_form!(AssignForm);

#[post("/orders/<order>/items/<item>/supplier", data = "<form>")]
async fn assign(
    pool: &State<DbPool>,
    user: CurrentUser,
    ip: ClientIp,
    order: i64,
    item: i64,
    form: CsrfForm<AssignForm>,
) -> Result<Flashed, WebError> {
    catalog::assign_item(pool, &user.actor(&ip), order, item, form.0.supplier).await?;
    Ok(Flashed::success(
        format!("/orders/{order}"),
        "Supplier changed; the package plan below follows.",
    ))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![index, add_rule, import, export, delete_rule, assign]
}
