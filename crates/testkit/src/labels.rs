//! Orders ready for a label, buying them through the web action, and publishing a supplier's
//! batch.

use podgate::db::models::audit::{Actor, Channel};
use rocket::http::Status;

use crate::app::TestApp;

pub async fn owner_actor(app: &TestApp) -> Actor {
    let user = app
        .query(|c| podgate::db::models::user::User::find_by_email(c, "owner@example.com"))
        .await
        .unwrap();
    Actor::user(&user, None, Channel::Web)
}

/// Orders that are ready for a label (awaiting shipment and fully routed).
pub async fn ready_orders(app: &TestApp) -> Vec<i64> {
    app.query(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::orders::dsl::*;
        orders
            .filter(status.eq("AWAITING_SHIPMENT"))
            .filter(routing.eq("routed"))
            .select(id)
            .order(id)
            .load(c)
    })
    .await
}

/// The orders list's "Buy labels" form with these orders ticked.
pub fn buy_form(csrf_token: &str, ids: &[i64]) -> String {
    let mut fields: Vec<(&str, String)> = vec![("csrf_token", csrf_token.to_string())];
    fields.extend(ids.iter().map(|i| ("order", i.to_string())));
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().map(|(k, v)| (*k, v.as_str())))
        .finish()
}

/// Buys labels for orders through the web action and waits for the job to finish; returns the
/// job page's path.
pub async fn buy(app: &TestApp, ids: &[i64]) -> String {
    let body = buy_form(&app.csrf("/orders").await, ids);
    let r = app
        .client
        .post("/labels/buy")
        .header(rocket::http::ContentType::Form)
        .body(body)
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let job = r.headers().get_one("Location").unwrap().to_string();
    crate::shops::page_eventually(app, &job, " 0 remaining").await;
    job
}

/// Orders ready for a label whose units all go to one supplier.
pub async fn orders_for(app: &TestApp, supplier: i64, n: usize) -> Vec<i64> {
    let ids: Vec<(i64, Vec<Option<i64>>)> = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::{order_items as oi, orders as o};
            let ids: Vec<i64> = o::table
                .filter(o::status.eq("AWAITING_SHIPMENT"))
                .filter(o::routing.eq("routed"))
                .order(o::id)
                .select(o::id)
                .load(c)?;
            let mut out = Vec::new();
            for id in ids {
                let s: Vec<Option<i64>> = oi::table
                    .filter(oi::order_id.eq(id))
                    .select(oi::supplier_id)
                    .distinct()
                    .load(c)?;
                out.push((id, s));
            }
            Ok(out)
        })
        .await;
    let v: Vec<i64> = ids
        .into_iter()
        .filter(|(_, s)| s.as_slice() == [Some(supplier)])
        .map(|(id, _)| id)
        .take(n)
        .collect();
    assert_eq!(v.len(), n, "enough orders for supplier {supplier}");
    v
}

/// Publishes a supplier's open batch; returns the batch page path.
pub async fn publish(app: &TestApp, supplier: i64) -> String {
    let r = press_publish(app, supplier).await;
    assert_eq!(r.status(), Status::SeeOther);
    let to = r.headers().get_one("Location").unwrap().to_string();
    assert!(to.starts_with("/batches/"), "{to}");
    to
}

/// Presses "Publish now" for a supplier on the Batches page; the answer as it came.
pub async fn press_publish(app: &TestApp, supplier: i64) -> rocket::local::asynchronous::LocalResponse<'_> {
    app.post_form(
        "/batches",
        "/batches/publish",
        &[("supplier", &supplier.to_string())],
    )
    .await
}

/// A batch's zip name as podgate shows it to the supplier (portal, API, SFTP listing), e.g.
/// `acme-prints-shirt-co-0001-2026-12-02.zip`: tests read it, so the naming lives in one place.
pub async fn zip_name(app: &TestApp, batch_id: i64) -> String {
    app.query(move |c| podgate::db::models::batch::find(c, batch_id))
        .await
        .zip_name()
}

/// A batch's rows in order: (batch row id, order id), as the portal's answer forms name them.
pub async fn batch_rows(app: &TestApp, batch_id: i64) -> Vec<(i64, i64)> {
    app.query(move |c| {
        Ok(podgate::db::models::batch::members(c, batch_id)?
            .into_iter()
            .map(|(bp, p)| (bp.id, p.order_id))
            .collect())
    })
    .await
}
