//! A TikTok authorization that arrived without podgate's `state`: a development shop
//! authorized with "Authorize App" in Partner Center, or an install from the Seller Center App
//! Store. The code is exchanged at once (it works once, for 30 minutes), then the owner sees
//! which shops it grants and attaches them only by confirming. The grant waits in a private
//! (encrypted, signed) cookie bound to that owner for `HOLD_MINUTES`.

use minijinja::context;
use rocket::form::FromForm;
use rocket::http::CookieJar;
use rocket::{Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::domain::shops::sync::SyncRegistry;
use crate::domain::shops::{Grant, Shops};
use crate::web::csrf::CsrfForm;
use crate::web::guards::{ClientIp, OwnerUser, cookie_with};
use crate::web::templates::{Flashed, Page};

/// The private cookie holding a grant while its owner decides.
const GRANT_COOKIE: &str = "podgate_tiktok_grant";
/// How long a grant waits for the owner's decision.
const HOLD_MINUTES: i64 = 15;

#[derive(serde::Serialize, serde::Deserialize)]
struct Held {
    user_id: i64,
    expires_at: i64,
    grant: Grant,
}

/// Keeps an exchanged grant for `owner` and names the page that shows it.
pub fn hold(jar: &CookieJar<'_>, cfg: &AppConfig, owner: &OwnerUser, grant: Grant) -> &'static str {
    let held = Held {
        user_id: owner.user.id,
        expires_at: chrono::Utc::now().timestamp() + HOLD_MINUTES * 60,
        grant,
    };
    let value = serde_json::to_string(&held).unwrap_or_default();
    let mut c = cookie_with(cfg.secure_cookies(), GRANT_COOKIE, value);
    c.set_max_age(rocket::time::Duration::minutes(HOLD_MINUTES));
    jar.add_private(c);
    "/shops/authorization"
}

/// The grant this owner holds, if it has not expired.
fn held(jar: &CookieJar<'_>, owner: &OwnerUser) -> Option<Grant> {
    let c = jar.get_private(GRANT_COOKIE)?;
    let h: Held = serde_json::from_str(c.value()).ok()?;
    (h.user_id == owner.user.id && h.expires_at > chrono::Utc::now().timestamp()).then_some(h.grant)
}

fn forget(jar: &CookieJar<'_>) {
    jar.remove_private(rocket::http::Cookie::build(GRANT_COOKIE).path("/"));
}

const NOTHING_HELD: &str = "There is no TikTok authorization waiting (or it waited more than 15 minutes). Authorize the shop again in Partner Center, or use “Connect a TikTok shop”.";

#[get("/shops/authorization")]
fn review(jar: &CookieJar<'_>, owner: OwnerUser) -> Result<Page, Flashed> {
    let grant = held(jar, &owner).ok_or_else(|| Flashed::error("/shops", NOTHING_HELD))?;
    let shops: Vec<_> = grant
        .shops
        .iter()
        .map(|s| context! { name => s.name, region => s.region, id => s.id, seller_type => s.seller_type })
        .collect();
    Ok(Page::new(
        "seller/shop_grant.html",
        context! { shops, seller_name => grant.tokens.seller_name, minutes => HOLD_MINUTES },
    ))
}

#[derive(FromForm)]
struct Decision {
    csrf_token: String,
    decision: String,
}
crate::csrf_form!(Decision);

#[post("/shops/authorization", data = "<form>")]
async fn decide(
    jar: &CookieJar<'_>,
    tiktok_shops: &State<Shops>,
    reg: &State<SyncRegistry>,
    owner: OwnerUser,
    ip: ClientIp,
    form: CsrfForm<Decision>,
) -> Flashed {
    let grant = held(jar, &owner);
    forget(jar);
    let Some(grant) = grant else {
        return Flashed::error("/shops", NOTHING_HELD);
    };
    if form.0.decision != "connect" {
        return Flashed::success(
            "/shops",
            "Nothing was connected; the authorization was discarded.",
        );
    }
    let attached = tiktok_shops
        .attach(
            &owner.actor(&ip),
            &grant,
            "connected (authorized outside podgate, confirmed)",
        )
        .await;
    super::shops::connected(tiktok_shops, reg, attached)
}

/// Routes of this page.
pub fn routes() -> Vec<Route> {
    routes![review, decide]
}
