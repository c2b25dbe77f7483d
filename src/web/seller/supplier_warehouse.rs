//! The seller links a supplier to the TikTok warehouse registered for its facility: the
//! warehouses of every connected shop, read live from TikTok, with the one whose ZIP code is in
//! the supplier's ship-from address suggested.

use minijinja::context;
use rocket::form::FromForm;
use rocket::{Route, State, get, post, routes};

use crate::db::DbPool;
use crate::domain::shops::Shops;
use crate::domain::shops::warehouses;
use crate::domain::suppliers;
use crate::web::csrf::CsrfForm;
use crate::web::errors::{WebError, flash_refusal};
use crate::web::guards::{ClientIp, CurrentUser};
use crate::web::templates::{Flashed, Page};

#[get("/suppliers/<id>/warehouse")]
async fn page(
    pool: &State<DbPool>,
    tiktok_shops: &State<Shops>,
    user: CurrentUser,
    id: i64,
) -> Result<Page, WebError> {
    let ws = user.user.workspace_id;
    let s = suppliers::get(pool, ws, id).await?;
    let linked = s.warehouse_ids();
    let shops: Vec<_> = tiktok_shops
        .warehouses(ws)
        .await?
        .into_iter()
        .map(|sw| {
            let rows: Vec<_> = sw
                .warehouses
                .iter()
                .map(|w| {
                    context! {
                        id => w.id, name => w.name, address => w.address.full_address,
                        linked => linked.contains(&w.id.as_str()), suggested => warehouses::suggested(&s, w),
                        default => w.is_default, status => w.effect_status,
                    }
                })
                .collect();
            context! { shop => sw.shop, error => sw.error, warehouses => rows }
        })
        .collect();
    Ok(Page::new(
        "seller/supplier_warehouse.html",
        context! { supplier => s, shops },
    ))
}

#[derive(FromForm)]
struct LinkForm {
    csrf_token: String,
    warehouse: Vec<String>,
}
crate::csrf_form!(LinkForm);

#[post("/suppliers/<id>/warehouse", data = "<form>")]
async fn link(
    tiktok_shops: &State<Shops>,
    user: CurrentUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<LinkForm>,
) -> Result<Flashed, WebError> {
    let to = format!("/suppliers/{id}/warehouse");
    match tiktok_shops
        .link_warehouses(&user.actor(&ip), id, form.0.warehouse)
        .await
    {
        Ok(()) => Ok(Flashed::success(
            to,
            "Saved: labels are bought for this supplier only for orders shipping from these warehouses.",
        )),
        Err(e) => flash_refusal(to, e),
    }
}

/// Routes of this page.
pub fn routes() -> Vec<Route> {
    routes![page, link]
}
