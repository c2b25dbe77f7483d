//! Connected TikTok shops: connect (OAuth), reconnect, disconnect, "Sync now" with live
//! progress; and the webhook endpoint TikTok pushes order changes to.

use minijinja::context;
use rocket::http::{CookieJar, Status};
use rocket::request::{self, FromRequest, Request};
use rocket::response::Redirect;
use rocket::serde::json::Json;
use rocket::{Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::crypto::{constant_time_eq, new_token};
use crate::domain::DomainError;
use crate::domain::shops::Shops;
use crate::domain::shops::sync::SyncRegistry;
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, CurrentUser, OwnerUser, cookie_with};
use crate::web::templates::{Flashed, Page};

/// Private cookie binding an OAuth `state` to the browser session that started it.
const OAUTH_STATE_COOKIE: &str = "podgate_oauth_state";

fn spawn_sync(tiktok_shops: &Shops, reg: &SyncRegistry, shop_id: i64) {
    let (tiktok_shops, reg) = (tiktok_shops.clone(), reg.clone());
    tokio::spawn(async move {
        if let Err(e) = tiktok_shops.sync_shop(&reg, shop_id).await {
            tracing::warn!(shop = shop_id, error = %e, "sync failed");
        }
    });
}

#[get("/shops")]
async fn shops_page(
    tiktok_shops: &State<Shops>,
    reg: &State<SyncRegistry>,
    user: CurrentUser,
) -> Result<Page, WebError> {
    let shops = tiktok_shops.shops(user.user.workspace_id).await?;
    let rows: Vec<_> = shops
        .iter()
        .map(|s| {
            let progress = reg.get(s.id);
            context! {
                id => s.id, name => s.name, region => s.region, tiktok_shop_id => s.tiktok_shop_id, status => s.status,
                last_sync_ok_at => s.last_sync_ok_at, last_sync_error => s.last_sync_error,
                running => progress.as_ref().is_some_and(|p| p.running),
                progress => progress,
            }
        })
        .collect();
    let configured = !tiktok_shops.tiktok.client.config().app_key.is_empty();
    Ok(Page::new(
        "seller/shops.html",
        context! { shops => rows, configured },
    ))
}

#[post("/shops/connect", data = "<form>")]
fn connect(
    jar: &CookieJar<'_>,
    cfg: &State<AppConfig>,
    tiktok_shops: &State<Shops>,
    owner: OwnerUser,
    form: CsrfForm<EmptyForm>,
) -> Result<Redirect, Flashed> {
    let _ = (owner, form);
    if tiktok_shops.tiktok.client.config().app_key.is_empty() {
        return Err(Flashed::error(
            "/shops",
            "No TikTok app is configured: set tiktok.app_key and tiktok.app_secret, or run podgate serve --demo.",
        ));
    }
    let state = new_token();
    let mut c = cookie_with(cfg.secure_cookies(), OAUTH_STATE_COOKIE, state.clone());
    c.set_max_age(rocket::time::Duration::minutes(30));
    jar.add_private(c);
    Ok(Redirect::to(tiktok_shops.tiktok.client.authorization_url(&state)))
}

/// What TikTok's authorization page sends back.
#[derive(rocket::FromForm)]
struct Callback<'r> {
    code: Option<&'r str>,
    state: Option<&'r str>,
    error: Option<&'r str>,
}

/// Where TikTok sends the seller back. With podgate's `state` (the seller started from
/// "Connect a TikTok shop") the shops are attached at once; without one (Partner Center's
/// "Authorize App", an App Store install) the code is exchanged and the owner confirms.
#[get("/shops/callback?<cb..>")]
async fn callback(
    jar: &CookieJar<'_>,
    cfg: &State<AppConfig>,
    tiktok_shops: &State<Shops>,
    reg: &State<SyncRegistry>,
    owner: OwnerUser,
    ip: ClientIp,
    cb: Callback<'_>,
) -> Flashed {
    let expected = jar.get_private(OAUTH_STATE_COOKIE).map(|c| c.value().to_owned());
    jar.remove_private(rocket::http::Cookie::build(OAUTH_STATE_COOKIE).path("/"));
    let Callback { code, state, error } = cb;
    let from_podgate = state.is_some_and(|s| !s.is_empty());
    let state_ok = matches!((expected.as_deref(), state), (Some(e), Some(s)) if constant_time_eq(e, s));
    if from_podgate && !state_ok {
        return Flashed::error(
            "/shops",
            "That authorization link was not started from this browser (or it expired). Click “Connect a TikTok shop” again.",
        );
    }
    if error.is_some() || code.is_none_or(|c| c.is_empty() || c == "null") {
        return Flashed::error(
            "/shops",
            "The shop was not connected: the authorization was cancelled on TikTok. Try again and choose Authorize.",
        );
    }
    let code = code.unwrap_or_default();
    if !from_podgate {
        return match tiktok_shops.exchange(code).await {
            Ok(grant) => {
                let to = super::shop_grant::hold(jar, cfg, &owner, grant);
                Flashed::success(
                    to,
                    "TikTok authorized podgate. Check the shops below, then connect them.",
                )
            }
            Err(e) => Flashed::error(
                "/shops",
                format!(
                    "{e} An authorization code works once, for 30 minutes: authorize the shop again in Partner Center if it has expired."
                ),
            ),
        };
    }
    connected(
        tiktok_shops,
        reg,
        tiktok_shops.connect(&owner.actor(&ip), code).await,
    )
}

/// What the seller sees once shops are attached (from either path): their orders start syncing.
pub(super) fn connected(
    tiktok_shops: &Shops,
    reg: &SyncRegistry,
    attached: Result<Vec<crate::db::models::shop::Shop>, DomainError>,
) -> Flashed {
    match attached {
        Ok(shops) => {
            for s in &shops {
                spawn_sync(tiktok_shops, reg, s.id);
            }
            let names: Vec<&str> = shops.iter().map(|s| s.name.as_str()).collect();
            Flashed::success(
                "/shops",
                format!("Connected {}. Orders are syncing now.", names.join(", ")),
            )
        }
        Err(e) => Flashed::error("/shops", e.to_string()),
    }
}

#[post("/shops/<id>/sync", data = "<form>")]
async fn sync_now(
    tiktok_shops: &State<Shops>,
    reg: &State<SyncRegistry>,
    user: CurrentUser,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    let ws = user.user.workspace_id;
    let shop = tiktok_shops
        .pool
        .run(move |conn| {
            Ok::<_, DomainError>(crate::db::models::shop::Shop::find_in_workspace(conn, ws, id)?)
        })
        .await?;
    let shop = shop.ok_or(DomainError::NotFound)?;
    if shop.status == crate::db::models::shop::ShopStatus::Disconnected {
        return Ok(Flashed::error(
            "/shops",
            "That shop is disconnected; connect it again to sync.",
        ));
    }
    spawn_sync(tiktok_shops, reg, shop.id);
    Ok(Flashed::success("/shops", format!("Syncing {}…", shop.name)))
}

#[post("/shops/<id>/disconnect", data = "<form>")]
async fn disconnect(
    tiktok_shops: &State<Shops>,
    owner: OwnerUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    tiktok_shops.disconnect(&owner.actor(&ip), id).await?;
    Ok(Flashed::success(
        "/shops",
        "Disconnected. Its orders stay in podgate; connect it again to resume syncing.",
    ))
}

#[get("/shops/sync-status")]
async fn sync_status(
    tiktok_shops: &State<Shops>,
    reg: &State<SyncRegistry>,
    user: CurrentUser,
) -> Result<Json<serde_json::Value>, WebError> {
    let shops = tiktok_shops.shops(user.user.workspace_id).await?;
    let v: Vec<_> = shops
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": s.id, "status": s.status, "last_sync_ok_at": s.last_sync_ok_at, "last_sync_error": s.last_sync_error,
                "progress": reg.get(s.id),
            })
        })
        .collect();
    Ok(Json(serde_json::json!({ "shops": v })))
}

/// The raw `Authorization` header of a webhook.
pub struct WebhookSignature(String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for WebhookSignature {
    type Error = std::convert::Infallible;
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        request::Outcome::Success(WebhookSignature(
            req.headers()
                .get_one("Authorization")
                .unwrap_or_default()
                .to_owned(),
        ))
    }
}

/// TikTok's webhook: checked and recorded at once, applied in the background; answered with an
/// empty 200 (or 401 for a bad signature) as TikTok expects, well within 3 seconds.
#[post("/webhooks/tiktok", data = "<body>")]
async fn webhook(tiktok_shops: &State<Shops>, sig: WebhookSignature, body: Vec<u8>) -> (Status, ()) {
    match tiktok_shops.accept_webhook(&body, &sig.0).await {
        Ok(Some(event)) => {
            let tiktok_shops = tiktok_shops.inner().clone();
            tokio::spawn(async move {
                if let Err(e) = tiktok_shops.process_webhook(&event).await {
                    tracing::warn!(error = %e, "webhook processing failed; polling will catch up");
                }
            });
            (Status::Ok, ())
        }
        // Answered directly (no error page): TikTok reads only the status.
        Ok(None) => (Status::Ok, ()),
        Err(DomainError::Forbidden(_)) => (Status::Unauthorized, ()),
        Err(DomainError::Invalid(_)) => (Status::BadRequest, ()),
        Err(e) => {
            tracing::error!(error = %e, "webhook not recorded");
            (Status::ServiceUnavailable, ())
        }
    }
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![
        shops_page,
        connect,
        callback,
        sync_now,
        disconnect,
        sync_status,
        webhook
    ]
}
