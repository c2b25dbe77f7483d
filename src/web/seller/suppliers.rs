//! Suppliers: list, create, edit, archive; invite a supplier's people to the portal; and the
//! supplier portal's start page.

use minijinja::context;
use rocket::http::Status;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::db::models::user::Role;
use crate::domain::accounts;
use crate::domain::factory_webhooks::FactoryWebhooks;
use crate::domain::shops::Shops;
use crate::domain::suppliers::{self, SupplierInput};
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, CurrentUser, OwnerUser};
use crate::web::templates::{Flashed, Page};

use crate::web::forms::form_errors;

#[derive(FromForm, Default)]
struct SupplierForm {
    csrf_token: String,
    name: String,
    contacts: String,
    ship_from: String,
    /// The carriers ticked (from TikTok's list); none ticked means any.
    accepted_services: Vec<String>,
    packaging: String,
    cutoff_times: String,
    time_zone: String,
    ack_deadline_hours: String,
    /// How batches print (`separate`, `pairs`); absent from older forms: the default.
    print_layout: Option<String>,
    /// The print profile's other choices; absent from older forms: the defaults.
    print_sort: Option<String>,
    page_size: Option<String>,
    label_file_template: Option<String>,
    zpl_dpi: Option<String>,
    artwork_delivery: Option<String>,
}
crate::csrf_form!(SupplierForm);

impl SupplierForm {
    fn input(&self) -> SupplierInput {
        SupplierInput {
            name: self.name.clone(),
            contacts: self.contacts.clone(),
            ship_from: self.ship_from.clone(),
            accepted_services: self.accepted(),
            packaging: self.packaging.clone(),
            cutoff_times: self.cutoff_times.clone(),
            time_zone: self.time_zone.clone(),
            ack_deadline_hours: self.ack_deadline_hours.clone(),
            print_layout: self.print_layout.clone().unwrap_or_default(),
            print_sort: self.print_sort.clone().unwrap_or_default(),
            page_size: self.page_size.clone().unwrap_or_default(),
            label_file_template: self.label_file_template.clone().unwrap_or_default(),
            zpl_dpi: self.zpl_dpi.clone().unwrap_or_default(),
            artwork_delivery: self.artwork_delivery.clone().unwrap_or_default(),
        }
    }

    /// The ticked carriers as the supplier stores them (comma-separated).
    fn accepted(&self) -> String {
        self.accepted_services
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn values(&self) -> minijinja::Value {
        context! {
            name => self.name, contacts => self.contacts, ship_from => self.ship_from,
            accepted_services => self.accepted(), packaging => self.packaging,
            cutoff_times => self.cutoff_times, time_zone => self.time_zone, ack_deadline_hours => self.ack_deadline_hours,
            print_layout => self.print_layout.clone().unwrap_or_default(),
            print_sort => self.print_sort.clone().unwrap_or_default(),
            page_size => self.page_size.clone().unwrap_or_default(),
            label_file_template => self.label_file_template.clone().unwrap_or_default(),
            zpl_dpi => self.zpl_dpi.clone().unwrap_or_default(),
            artwork_delivery => self.artwork_delivery.clone().unwrap_or_default(),
        }
    }
}

/// The carrier checkboxes: TikTok's carriers for the seller's warehouses, ticked where the
/// supplier has them; a carrier the supplier has that TikTok does not list stays, marked.
async fn carrier_choices(shops: &Shops, ws: i64, chosen: &str) -> Result<minijinja::Value, WebError> {
    let carriers = shops.carriers(ws).await?;
    let chosen: Vec<&str> = chosen
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    let has = |name: &str| chosen.iter().any(|c| c.eq_ignore_ascii_case(name));
    let mut choices: Vec<_> = carriers
        .names
        .iter()
        .map(|n| context! { name => n, checked => has(n), offered => true })
        .collect();
    for c in chosen
        .iter()
        .filter(|c| !carriers.names.iter().any(|n| n.eq_ignore_ascii_case(c)))
    {
        choices.push(context! { name => c, checked => true, offered => false });
    }
    Ok(context! { choices, problem => carriers.problem })
}

async fn list_page(
    pool: &DbPool,
    shops: &Shops,
    ws: i64,
    form: minijinja::Value,
    errors: minijinja::Value,
) -> Result<Page, WebError> {
    let list = suppliers::list(pool, ws).await?;
    let chosen = form
        .get_attr("accepted_services")
        .ok()
        .and_then(|v| v.as_str().map(String::from));
    let carriers = carrier_choices(shops, ws, chosen.as_deref().unwrap_or("")).await?;
    Ok(Page::new(
        "seller/suppliers.html",
        context! { suppliers => list, form, errors, carriers },
    ))
}

#[get("/suppliers")]
async fn index(pool: &State<DbPool>, shops: &State<Shops>, user: CurrentUser) -> Result<Page, WebError> {
    let blank = context! { time_zone => "America/Los_Angeles", ack_deadline_hours => "24", cutoff_times => "10:00, 15:00" };
    list_page(pool, shops, user.user.workspace_id, blank, context! {}).await
}

#[post("/suppliers", data = "<form>")]
async fn create(
    pool: &State<DbPool>,
    shops: &State<Shops>,
    user: CurrentUser,
    ip: ClientIp,
    form: CsrfForm<SupplierForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let f = form.0;
    match suppliers::create(pool, &user.actor(&ip), f.input()).await {
        Ok(id) => Ok(Ok(Flashed::success(
            format!("/suppliers/{id}"),
            format!("Added {}. Invite its people below.", f.name.trim()),
        ))),
        Err(e) => {
            let errors = minijinja::Value::from_serialize(form_errors(e)?);
            Ok(Err(list_page(
                pool,
                shops,
                user.user.workspace_id,
                f.values(),
                errors,
            )
            .await?
            .status(Status::UnprocessableEntity)))
        }
    }
}

async fn edit_page(
    pool: &DbPool,
    shops: &Shops,
    ws: i64,
    id: i64,
    form: Option<minijinja::Value>,
    errors: minijinja::Value,
    invite_link: Option<String>,
) -> Result<Page, WebError> {
    let s = suppliers::get(pool, ws, id).await?;
    let people = suppliers::people(pool, ws, id).await?;
    let form = form.unwrap_or_else(|| minijinja::Value::from_serialize(&s));
    let chosen = form
        .get_attr("accepted_services")
        .ok()
        .and_then(|v| v.as_str().map(String::from));
    let carriers = carrier_choices(shops, ws, chosen.as_deref().unwrap_or("")).await?;
    let people: Vec<_> = people
        .iter()
        .map(|(n, e)| context! { name => n, email => e })
        .collect();
    let endpoints = crate::domain::factory_webhooks::endpoints_in_workspace(pool, ws, id).await?;
    Ok(Page::new(
        "seller/supplier.html",
        context! { supplier => s, form, errors, people, invite_link, carriers, endpoints },
    ))
}

#[get("/suppliers/<id>")]
async fn show(
    pool: &State<DbPool>,
    shops: &State<Shops>,
    user: CurrentUser,
    id: i64,
) -> Result<Page, WebError> {
    edit_page(pool, shops, user.user.workspace_id, id, None, context! {}, None).await
}

#[post("/suppliers/<id>", data = "<form>")]
async fn update(
    pool: &State<DbPool>,
    shops: &State<Shops>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<SupplierForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let f = form.0;
    match suppliers::update(pool, &user.actor(&ip), id, f.input()).await {
        Ok(()) => Ok(Ok(Flashed::success(format!("/suppliers/{id}"), "Saved."))),
        Err(e) => {
            let errors = minijinja::Value::from_serialize(form_errors(e)?);
            Ok(Err(edit_page(
                pool,
                shops,
                user.user.workspace_id,
                id,
                Some(f.values()),
                errors,
                None,
            )
            .await?
            .status(Status::UnprocessableEntity)))
        }
    }
}

#[post("/suppliers/<id>/archive", data = "<form>")]
async fn archive(
    pool: &State<DbPool>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let s = suppliers::get(pool, user.user.workspace_id, id).await?;
    suppliers::set_archived(pool, &user.actor(&ip), id, !s.archived).await?;
    let msg = if s.archived {
        "Restored: it gets new work again."
    } else {
        "Archived: it gets no new work. Its rules stay until you change them."
    };
    Ok(Flashed::success(format!("/suppliers/{id}"), msg))
}

#[derive(FromForm)]
struct InviteForm {
    csrf_token: String,
    email: String,
}
crate::csrf_form!(InviteForm);

#[post("/suppliers/<id>/invite", data = "<form>")]
async fn invite(
    pool: &State<DbPool>,
    shops: &State<Shops>,
    cfg: &State<AppConfig>,
    owner: OwnerUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<InviteForm>,
) -> Result<Page, WebError> {
    let ws = owner.user.workspace_id;
    match accounts::invite(
        pool,
        &owner.actor(&ip),
        &form.0.email,
        Role::Supplier,
        Some(id),
        &cfg.public_url(),
    )
    .await
    {
        Ok((_, token)) => {
            edit_page(
                pool,
                shops,
                ws,
                id,
                None,
                context! {},
                Some(format!("{}/invite/{token}", cfg.public_url())),
            )
            .await
        }
        Err(e) => {
            let errors = minijinja::Value::from_serialize(form_errors(e)?);
            Ok(edit_page(pool, shops, ws, id, None, errors, None)
                .await?
                .status(Status::UnprocessableEntity))
        }
    }
}

#[derive(FromForm)]
struct PrivateForm {
    csrf_token: String,
    allow: bool,
}
crate::csrf_form!(PrivateForm);

/// Whether this supplier's webhook endpoints may be on private network addresses.
#[post("/suppliers/<id>/webhooks-private", data = "<form>")]
async fn webhooks_private(
    hooks: &State<FactoryWebhooks>,
    owner: OwnerUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<PrivateForm>,
) -> Result<Flashed, WebError> {
    let allow = form.0.allow;
    hooks.allow_private(&owner.actor(&ip), id, allow).await?;
    let msg = if allow {
        "Its webhook endpoints may now be on private network addresses too."
    } else {
        "Its webhook endpoints must be on public addresses; deliveries to private ones stop."
    };
    Ok(Flashed::success(format!("/suppliers/{id}"), msg))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![index, create, show, update, archive, invite, webhooks_private]
}
