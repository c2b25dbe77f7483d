//! The supplier's webhooks: endpoints its systems listen on, the events each receives, every
//! delivery with its attempts, "send again" and a test event. The signing secret is shown on
//! the endpoint's page, to the supplier's people only.

use minijinja::context;
use rocket::http::Status;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::domain::factory_webhooks::{FactoryWebhooks, WebhookEvent};
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::{WebError, flash_refusal_in};
use crate::web::forms::form_errors_in;
use crate::web::guards::{ClientIp, SupplierUser};
use crate::web::templates::{Flashed, Page};

/// The event checkboxes, ticked as chosen.
fn event_choices(chosen: &[String]) -> Vec<minijinja::Value> {
    WebhookEvent::CHOOSABLE
        .iter()
        .map(|e| context! { name => e.as_str(), meaning => e.meaning(), checked => chosen.iter().any(|c| c == e.as_str()) })
        .collect()
}

async fn list_page(
    hooks: &FactoryWebhooks,
    supplier_id: i64,
    form: minijinja::Value,
    chosen: &[String],
    errors: minijinja::Value,
) -> Result<Page, WebError> {
    let endpoints = hooks.endpoints(supplier_id).await?;
    Ok(Page::new(
        "supplier/webhooks.html",
        context! { endpoints, form, errors, events => event_choices(chosen) },
    ))
}

#[get("/supplier/webhooks")]
async fn index(hooks: &State<FactoryWebhooks>, user: SupplierUser) -> Result<Page, WebError> {
    let all: Vec<String> = WebhookEvent::CHOOSABLE
        .iter()
        .map(|e| e.as_str().to_string())
        .collect();
    list_page(hooks, user.supplier_id, context! {}, &all, context! {}).await
}

#[derive(FromForm)]
struct EndpointForm {
    csrf_token: String,
    url: String,
    description: String,
    events: Vec<String>,
}
crate::csrf_form!(EndpointForm);

#[post("/supplier/webhooks", data = "<form>")]
async fn create(
    hooks: &State<FactoryWebhooks>,
    user: SupplierUser,
    ip: ClientIp,
    form: CsrfForm<EndpointForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let f = form.0;
    match hooks
        .add_endpoint(
            &user.actor(&ip),
            Some(user.supplier_id),
            &f.url,
            &f.description,
            &f.events,
        )
        .await
    {
        Ok((id, _)) => Ok(Ok(Flashed::success(
            format!("/supplier/webhooks/{id}"),
            user.lang.t("webhook-added"),
        ))),
        Err(e) => {
            let errors = minijinja::Value::from_serialize(form_errors_in(user.lang, e)?);
            let values = context! { url => f.url, description => f.description };
            Ok(Err(list_page(hooks, user.supplier_id, values, &f.events, errors)
                .await?
                .status(Status::UnprocessableEntity)))
        }
    }
}

#[get("/supplier/webhooks/<id>")]
async fn show(hooks: &State<FactoryWebhooks>, user: SupplierUser, id: i64) -> Result<Page, WebError> {
    let (view, secret) = hooks.endpoint(user.supplier_id, id).await?;
    let events = view
        .endpoint
        .event_list()
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    Ok(Page::new(
        "supplier/webhook.html",
        context! { v => view, secret, events },
    ))
}

#[get("/supplier/webhooks/deliveries/<id>")]
async fn delivery(hooks: &State<FactoryWebhooks>, user: SupplierUser, id: i64) -> Result<Page, WebError> {
    let d = hooks.delivery(user.supplier_id, id).await?;
    let payload = serde_json::from_str::<serde_json::Value>(&d.delivery.payload)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| d.delivery.payload.clone());
    Ok(Page::new(
        "supplier/webhook_delivery.html",
        context! { d, payload },
    ))
}

/// An action's answer: back to `to` with `done`, or with the refusal.
fn flashed(
    user: &SupplierUser,
    r: Result<(), crate::domain::DomainError>,
    to: String,
    done: &str,
) -> Result<Flashed, WebError> {
    match r {
        Ok(()) => Ok(Flashed::success(to, user.lang.t(done))),
        Err(e) => flash_refusal_in(user.lang, &to, e),
    }
}

#[post("/supplier/webhooks/deliveries/<id>/send-again", data = "<form>")]
async fn send_again(
    hooks: &State<FactoryWebhooks>,
    user: SupplierUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let r = hooks
        .send_again(&user.actor(&ip), Some(user.supplier_id), id)
        .await;
    flashed(
        &user,
        r,
        format!("/supplier/webhooks/deliveries/{id}"),
        "webhook-queued-again",
    )
}

#[post("/supplier/webhooks/<id>/test", data = "<form>")]
async fn test(
    hooks: &State<FactoryWebhooks>,
    user: SupplierUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let r = hooks
        .send_test(&user.actor(&ip), Some(user.supplier_id), id)
        .await;
    flashed(
        &user,
        r,
        format!("/supplier/webhooks/{id}"),
        "webhook-test-queued",
    )
}

#[post("/supplier/webhooks/<id>/delete", data = "<form>")]
async fn delete(
    hooks: &State<FactoryWebhooks>,
    user: SupplierUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let r = hooks
        .remove_endpoint(&user.actor(&ip), Some(user.supplier_id), id)
        .await;
    flashed(&user, r, "/supplier/webhooks".into(), "webhook-removed")
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![index, create, show, delivery, send_again, test, delete]
}
