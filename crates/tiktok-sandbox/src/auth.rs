//! Seller authorization as TikTok runs it: the approval page redirects back to the app's
//! redirect URL with a single-use code valid 30 minutes; the token endpoints exchange and
//! refresh (refresh rotates the refresh token and keeps the end of the authorization period).
//! Two paths start outside the app and come back without a `state`, as the docs describe:
//! Partner Center's "Authorize App" for a test shop, and the Seller Center App Store.

use rocket::form::Form;
use rocket::response::Redirect;
use rocket::response::content::RawHtml;
use rocket::{FromForm, Route, State, get, post, routes};

use super::Sandbox;
use super::api::ApiReply;
use super::world::{AccessToken, SCOPES, World};
use tiktok::client::unix_now;
use tiktok::codes;
use tiktok::types::TokenData;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[get("/open/authorize?<service_id>&<state>")]
fn authorize_page(sb: &State<Sandbox>, service_id: Option<&str>, state: Option<&str>) -> RawHtml<String> {
    let w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    let shops: String = w
        .shops
        .iter()
        .map(|s| format!("<li>{} ({}, {})</li>", esc(&s.name), esc(&s.region), esc(&s.id)))
        .collect();
    let state = esc(state.unwrap_or_default());
    RawHtml(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize app · TikTok Shop sandbox</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}}button{{font:inherit;padding:.6rem 1.2rem;margin-right:.5rem}}</style></head>
<body><h1>Authorize this app</h1>
<p>The app <strong>{service}</strong> asks to access <strong>{seller}</strong>'s shops:</p><ul>{shops}</ul>
<p>It will read orders and buy shipping labels (scopes: {scopes}).</p>
<form method="post" action="/open/authorize/decision">
<input type="hidden" name="state" value="{state}">
<button type="submit" name="decision" value="approve" id="approve">Authorize</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form><p><small>podgate's TikTok Shop sandbox. No real shop is involved.</small></p></body></html>"#,
        service = esc(service_id.unwrap_or("unknown app")),
        seller = esc(&w.seller_name),
        scopes = SCOPES.join(", "),
    ))
}

#[derive(FromForm)]
struct Decision {
    state: String,
    decision: String,
}

#[post("/open/authorize/decision", data = "<form>")]
fn authorize_decision(sb: &State<Sandbox>, form: Form<Decision>) -> Result<Redirect, RawHtml<String>> {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    let Some(redirect) = w.redirect_url.clone() else {
        return Err(RawHtml("<p>This app has no redirect URL registered; set one with <code>--redirect-url</code> or <code>PUT /sandbox/api/app</code>.</p>".into()));
    };
    let mut u = url::Url::parse(&redirect)
        .map_err(|e| RawHtml(format!("<p>bad redirect URL: {}</p>", esc(&e.to_string()))))?;
    {
        let mut q = u.query_pairs_mut();
        if form.decision == "approve" {
            let code = w.issue_auth_code(unix_now() + 1800);
            q.append_pair("code", &code);
        } else {
            q.append_pair("code", "null").append_pair("error", "auth_denied");
        }
        // An authorization started outside the app (Partner Center, App Store) has none.
        if !form.state.is_empty() {
            q.append_pair("state", &form.state);
        }
    }
    Ok(Redirect::to(u.to_string()))
}

/// Partner Center's test-shop page and the Seller Center App Store, reduced to the button
/// that starts an authorization without the app's `state`.
#[get("/sandbox/<place>")]
fn outside_start(sb: &State<Sandbox>, place: &str) -> Option<RawHtml<String>> {
    let (title, text, button) = match place {
        "partner-center" => (
            "Partner Center · Test shops",
            "Your test seller account. Under <em>Start Testing</em>, authorize your app for it.",
            "Authorize App",
        ),
        "app-store" => (
            "Seller Center · App Store",
            "podgate (public app): install it and authorize it for your shop.",
            "Install",
        ),
        _ => return None,
    };
    let w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    let shop = w.shops.first().map(|s| esc(&s.name)).unwrap_or_default();
    Some(RawHtml(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} · TikTok Shop sandbox</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto"><h1>{title}</h1><p>{text}</p><p>Shop: {shop}</p>
<p><a id="start-outside" href="/open/authorize?service_id=podgate-sandbox-service">{button}</a></p>
<p><small>podgate's TikTok Shop sandbox: this link carries no <code>state</code>, as TikTok's own does not.</small></p></body></html>"#
    )))
}

fn token_error(code: i64, message: &str) -> ApiReply {
    ApiReply {
        http: 200,
        code,
        message: message.into(),
        data: None,
    }
}

/// New tokens. `authorization_ends` is the end of the seller's authorization period: a
/// refresh keeps it (TikTok's `refresh_token_expire_in` is not reset by refreshing).
fn issue_tokens(w: &mut World, authorization_ends: Option<i64>) -> TokenData {
    let now = unix_now();
    let access = w.token("TTP_");
    let refresh = w.token("TTP_r");
    let exp = now + w.settings.access_token_ttl_secs;
    let scopes: Vec<String> = SCOPES.iter().map(|s| s.to_string()).collect();
    w.access_tokens.insert(
        access.clone(),
        AccessToken {
            expires_at: exp,
            scopes: scopes.clone(),
        },
    );
    let refresh_exp = authorization_ends.unwrap_or(now + 365 * 24 * 3600);
    w.refresh_tokens.insert(refresh.clone(), refresh_exp);
    TokenData {
        access_token: access,
        access_token_expire_in: exp,
        refresh_token: refresh,
        refresh_token_expire_in: refresh_exp,
        open_id: w.open_id.clone(),
        seller_name: w.seller_name.clone(),
        seller_base_region: "US".into(),
        user_type: 0,
        granted_scopes: scopes,
    }
}

fn tokens_reply(t: TokenData) -> ApiReply {
    ApiReply {
        http: 200,
        code: 0,
        message: "success".into(),
        data: serde_json::to_value(t).ok(),
    }
}

/// Keeps a token call for the contract test (the secret is the sandbox's own).
fn recorded(sb: &Sandbox, path: &str, query: &[(&str, &str)], reply: ApiReply) -> ApiReply {
    if sb.recording() {
        sb.record(super::Exchange {
            method: "GET".into(),
            path: path.into(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: None,
            scope: None,
            code: reply.code,
            data: reply.data.clone(),
        });
    }
    reply
}

#[get("/api/v2/token/get?<app_key>&<app_secret>&<auth_code>&<grant_type>")]
fn token_get(
    sb: &State<Sandbox>,
    app_key: &str,
    app_secret: &str,
    auth_code: &str,
    grant_type: &str,
) -> ApiReply {
    let q = [
        ("app_key", app_key),
        ("app_secret", app_secret),
        ("auth_code", auth_code),
        ("grant_type", grant_type),
    ];
    let reply = token_get_reply(sb, app_key, app_secret, auth_code, grant_type);
    recorded(sb, "/api/v2/token/get", &q, reply)
}

fn token_get_reply(
    sb: &Sandbox,
    app_key: &str,
    app_secret: &str,
    auth_code: &str,
    grant_type: &str,
) -> ApiReply {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    w.count_call("token_get");
    if app_key != w.app_key || app_secret != w.app_secret {
        return token_error(codes::BAD_COMMON_PARAM, "Invalid app_key or app_secret.");
    }
    if grant_type != "authorized_code" {
        return token_error(codes::BAD_COMMON_PARAM, "grant_type must be authorized_code.");
    }
    match w.auth_codes.get_mut(auth_code) {
        Some(c) if !c.used && c.expires_at > unix_now() => c.used = true,
        _ => {
            return token_error(
                codes::BAD_COMMON_PARAM,
                "The auth_code is invalid, expired or already used.",
            );
        }
    }
    tokens_reply(issue_tokens(&mut w, None))
}

#[get("/api/v2/token/refresh?<app_key>&<app_secret>&<refresh_token>&<grant_type>")]
fn token_refresh(
    sb: &State<Sandbox>,
    app_key: &str,
    app_secret: &str,
    refresh_token: &str,
    grant_type: &str,
) -> ApiReply {
    let q = [
        ("app_key", app_key),
        ("app_secret", app_secret),
        ("refresh_token", refresh_token),
        ("grant_type", grant_type),
    ];
    let reply = token_refresh_reply(sb, app_key, app_secret, refresh_token, grant_type);
    recorded(sb, "/api/v2/token/refresh", &q, reply)
}

fn token_refresh_reply(
    sb: &Sandbox,
    app_key: &str,
    app_secret: &str,
    refresh_token: &str,
    grant_type: &str,
) -> ApiReply {
    let mut w = sb.world.lock().unwrap_or_else(|p| p.into_inner());
    w.count_call("token_refresh");
    if app_key != w.app_key || app_secret != w.app_secret {
        return token_error(codes::BAD_COMMON_PARAM, "Invalid app_key or app_secret.");
    }
    if grant_type != "refresh_token" {
        return token_error(codes::BAD_COMMON_PARAM, "grant_type must be refresh_token.");
    }
    let rotate = w.settings.rotate_refresh_token;
    let known = if rotate {
        w.refresh_tokens.remove(refresh_token)
    } else {
        w.refresh_tokens.get(refresh_token).copied()
    };
    match known {
        Some(ends) if ends > unix_now() && !rotate => {
            let mut t = issue_tokens(&mut w, Some(ends));
            // The same refresh token keeps working: the new one just issued is not needed.
            w.refresh_tokens.remove(&t.refresh_token);
            t.refresh_token = refresh_token.to_string();
            tokens_reply(t)
        }
        Some(ends) if ends > unix_now() => tokens_reply(issue_tokens(&mut w, Some(ends))),
        Some(_) => token_error(
            codes::REFRESH_TOKEN_EXPIRED,
            "The refresh_token has expired; the seller must authorize again.",
        ),
        None => token_error(
            codes::NO_AUTH_RECORD,
            "No authorization record for this refresh_token.",
        ),
    }
}

/// Authorization page and token routes.
pub fn routes() -> Vec<Route> {
    routes![
        authorize_page,
        authorize_decision,
        outside_start,
        token_get,
        token_refresh
    ]
}
