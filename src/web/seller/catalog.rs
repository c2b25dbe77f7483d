//! The SKU catalog: routing rules, CSV import and export, the queue of unrouted SKUs with
//! "create a rule from this item", and choosing a unit's supplier by hand on an order.

use minijinja::context;
use rocket::form::FromForm;
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, routes};

use std::collections::HashMap;

use crate::db::DbPool;
use crate::db::models::routing_pass::RoutingPass;
use crate::db::models::supplier::{SkuRule, Supplier};
use crate::domain::catalog::RuleInput;
use crate::domain::routing::pass;
use crate::domain::{DomainError, FieldError, catalog, suppliers};
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::forms::field_errors;
use crate::web::guards::{ClientIp, CurrentUser};
use crate::web::seller::CsvFile;
use crate::web::templates::{Flashed, Page};

/// The catalog page; `form` and `errors` refill the "Add a rule" form after a bad save.
async fn page(
    pool: &DbPool,
    ws: i64,
    form: RuleInput,
    errors: Vec<FieldError>,
    import_errors: Vec<String>,
) -> Result<Page, WebError> {
    let rules = pool.query(move |c| SkuRule::list(c, ws)).await?;
    let sups = suppliers::list(pool, ws).await?;
    let names: HashMap<i64, String> = sups.iter().map(|s| (s.id, s.name.clone())).collect();
    let rules: Vec<_> = rules
        .iter()
        .map(|r| {
            let art = catalog::rule::artwork_of(r);
            context! {
                id => r.id, pattern => r.pattern, match_kind => r.match_kind, priority => r.priority,
                supplier => names.get(&r.supplier_id).cloned().unwrap_or_default(), product_code => r.product_code,
                weight => r.weight_grams, dims => r.length_in.as_ref().map(|l| format!("{l}×{}×{} in", r.width_in.clone().unwrap_or_default(), r.height_in.clone().unwrap_or_default())),
                placements => art.iter().map(|a| a.placement.replace('_', " ")).collect::<Vec<_>>(),
                templated => art.iter().any(|a| a.print_url.contains('{')),
            }
        })
        .collect();
    let routing = pass::progress(pool, ws).await?.map(|p| routing_context(&p));
    let unrouted = catalog::unrouted(pool, ws).await?;
    let unrouted: Vec<_> = unrouted
        .iter()
        .map(|(sku, n)| context! { sku => sku, units => n })
        .collect();
    Ok(Page::new(
        "seller/catalog.html",
        context! {
            rules, unrouted, routing, suppliers => active_suppliers(&sups), import_errors,
            rule => rule_form_context(&form, &errors),
        },
    ))
}

/// How far the routing pass of the last catalog change is, for the page and its poll.
fn routing_context(p: &RoutingPass) -> serde_json::Value {
    let total = p.total.max(p.routed).max(1);
    serde_json::json!({
        "routed": p.routed, "total": total, "percent": p.routed * 100 / total,
    })
}

/// What the answer to a catalog change says about routing.
fn routing_note(routed: bool) -> &'static str {
    if routed {
        "every order was routed again."
    } else {
        "orders are being routed again in the background (progress below); a label bought meanwhile follows the new rules."
    }
}

/// The routing pass's progress as JSON (`{"pending": false}` once every order follows the
/// rules), polled by the catalog page.
#[get("/catalog/routing")]
async fn routing_status(
    pool: &State<DbPool>,
    user: CurrentUser,
) -> Result<Json<serde_json::Value>, WebError> {
    Ok(Json(match pass::progress(pool, user.user.workspace_id).await? {
        Some(p) => serde_json::json!({ "pending": true, "progress": routing_context(&p) }),
        None => serde_json::json!({ "pending": false }),
    }))
}

fn active_suppliers(sups: &[Supplier]) -> Vec<minijinja::Value> {
    sups.iter()
        .filter(|s| !s.archived)
        .map(|s| context! { id => s.id, name => s.name })
        .collect()
}

/// What the rule form's template needs: the values as typed, every error by field and in a
/// summary naming each field as the form labels it, and the placements' fields.
fn rule_form_context(form: &RuleInput, errors: &[FieldError]) -> minijinja::Value {
    let summary: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
    let placements: Vec<_> = catalog::PLACEMENTS
        .iter()
        .map(|p| {
            let cols = catalog::rule::placement_columns(p);
            context! {
                name => p.replace('_', " "),
                open => *p == "front" || cols.iter().any(|c| !form.get(c.key).is_empty()),
                fields => cols.iter().map(|c| context! { key => c.key, label => c.label }).collect::<Vec<_>>(),
            }
        })
        .collect();
    context! {
        values => form.0, errors => field_errors(errors, crate::i18n::Lang::En), summary, placements,
        labels => catalog::rule::COLUMNS.iter().map(|c| (c.key, c.label)).collect::<HashMap<_, _>>(),
    }
}

#[get("/catalog?<sku>")]
async fn index(pool: &State<DbPool>, user: CurrentUser, sku: Option<String>) -> Result<Page, WebError> {
    let mut form = RuleInput::default();
    if let Some(sku) = sku {
        form.set("pattern", sku);
        form.set("match", "exact");
    }
    form.set("priority", "100");
    page(pool, user.user.workspace_id, form, Vec::new(), Vec::new()).await
}

/// Every field of a rule, as the form posts them (a field left out counts as empty).
#[derive(FromForm)]
struct RuleForm {
    csrf_token: String,
    #[field(default = String::new())]
    pattern: String,
    #[field(name = "match", default = String::new())]
    match_kind: String,
    #[field(default = String::new())]
    priority: String,
    #[field(default = String::new())]
    supplier: String,
    #[field(default = String::new())]
    product_code: String,
    #[field(default = String::new())]
    weight_g: String,
    #[field(default = String::new())]
    length_in: String,
    #[field(default = String::new())]
    width_in: String,
    #[field(default = String::new())]
    height_in: String,
    /// `<placement>_print_url`, `_mockup_url` and `_checksum` for every placement.
    #[field(default = HashMap::new())]
    art: HashMap<String, String>,
}
crate::csrf_form!(RuleForm);

impl RuleForm {
    fn input(&self) -> RuleInput {
        let mut i = RuleInput::default();
        for (k, v) in [
            ("pattern", &self.pattern),
            ("match", &self.match_kind),
            ("priority", &self.priority),
            ("supplier", &self.supplier),
            ("product_code", &self.product_code),
            ("weight_g", &self.weight_g),
            ("length_in", &self.length_in),
            ("width_in", &self.width_in),
            ("height_in", &self.height_in),
        ] {
            i.set(k, v.as_str());
        }
        for p in catalog::PLACEMENTS {
            for c in catalog::rule::placement_columns(p) {
                i.set(c.key, self.art.get(c.key).cloned().unwrap_or_default());
            }
        }
        i
    }
}

/// A new rule from the form.
#[post("/catalog/rules", data = "<form>")]
async fn add_rule(
    pool: &State<DbPool>,
    user: CurrentUser,
    ip: ClientIp,
    form: CsrfForm<RuleForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let input = form.0.input();
    match catalog::save_rule(pool, &user.actor(&ip), None, input.clone()).await {
        Ok(c) => Ok(Ok(Flashed::success(
            "/catalog",
            format!(
                "Rule for {} saved; {}",
                input.get("pattern"),
                routing_note(c.routed)
            ),
        ))),
        Err(DomainError::Invalid(errs)) => {
            Ok(Err(page(pool, user.user.workspace_id, input, errs, Vec::new())
                .await?
                .status(Status::UnprocessableEntity)))
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_page(
    pool: &DbPool,
    ws: i64,
    id: i64,
    form: RuleInput,
    errors: Vec<FieldError>,
) -> Result<Page, WebError> {
    let sups = suppliers::list(pool, ws).await?;
    Ok(Page::new(
        "seller/catalog_rule.html",
        context! { id, suppliers => active_suppliers(&sups), rule => rule_form_context(&form, &errors) },
    ))
}

/// A rule's edit form, filled with what it holds.
#[get("/catalog/rules/<id>")]
async fn edit(pool: &State<DbPool>, user: CurrentUser, id: i64) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let form = catalog::rule_input(pool, ws, id).await?;
    edit_page(pool, ws, id, form, Vec::new()).await
}

/// Saves an edited rule; orders are routed again.
#[post("/catalog/rules/<id>", data = "<form>")]
async fn update_rule(
    pool: &State<DbPool>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<RuleForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let input = form.0.input();
    match catalog::save_rule(pool, &user.actor(&ip), Some(id), input.clone()).await {
        Ok(c) => Ok(Ok(Flashed::success(
            "/catalog",
            format!(
                "Rule for {} saved; {}",
                input.get("pattern"),
                routing_note(c.routed)
            ),
        ))),
        Err(DomainError::Invalid(errs)) => Ok(Err(edit_page(pool, user.user.workspace_id, id, input, errs)
            .await?
            .status(Status::UnprocessableEntity))),
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
    let bytes = crate::web::forms::read_upload(&form.0.file).await?;
    match catalog::import(pool, &user.actor(&ip), bytes).await {
        Ok(c) => Ok(Ok(Flashed::success(
            "/catalog",
            format!("Imported {} rules; {}", c.value, routing_note(c.routed)),
        ))),
        Err(DomainError::Invalid(errs)) => {
            let msgs: Vec<String> = errs.into_iter().map(|e| e.message.to_string()).collect();
            Ok(Err(page(
                pool,
                user.user.workspace_id,
                RuleInput::default(),
                Vec::new(),
                msgs,
            )
            .await?
            .status(Status::UnprocessableEntity)))
        }
        Err(e) => Err(e.into()),
    }
}

#[get("/catalog.csv")]
async fn export(pool: &State<DbPool>, user: CurrentUser) -> Result<CsvFile, WebError> {
    let body = catalog::export(pool, user.user.workspace_id).await?;
    Ok(CsvFile::attachment(body, "podgate-sku-catalog.csv"))
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
    let c = catalog::delete_rule(pool, &user.actor(&ip), id).await?;
    Ok(Flashed::success(
        "/catalog",
        format!("Rule deleted; {}", routing_note(c.routed)),
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
    routes![
        index,
        add_rule,
        edit,
        update_rule,
        import,
        export,
        delete_rule,
        routing_status,
        assign
    ]
}
