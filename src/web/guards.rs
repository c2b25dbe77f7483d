//! Request guards: who is asking (session cookie → user) and from where.

use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::outcome::{Outcome, try_outcome};
use rocket::request::{self, FromRequest, Request};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::db::models::audit::{Actor, Channel};
use crate::db::models::session::Session;
use crate::db::models::user::{Role, User};
use crate::domain::sessions::{self, SignedIn};
use crate::i18n::Lang;

/// Name of the private cookie holding the session token.
pub const SESSION_COOKIE: &str = "podgate_session";

/// The session resolved for this request, cached so the layout can show who is signed in.
pub struct CachedUser(pub Option<SignedIn>);

/// Builds a cookie with podgate's flags: HttpOnly, SameSite=Lax, path `/`, Secure per config.
pub fn app_cookie(req: &Request<'_>, name: &'static str, value: String) -> Cookie<'static> {
    let secure = req
        .rocket()
        .state::<AppConfig>()
        .is_some_and(|c| c.secure_cookies());
    cookie_with(secure, name, value)
}

/// Builds a cookie with podgate's flags, given the `Secure` setting.
pub fn cookie_with(secure: bool, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// Puts a fresh session token in the cookie jar.
pub fn set_session_cookie(cfg: &AppConfig, jar: &CookieJar<'_>, token: String) {
    let mut c = cookie_with(cfg.secure_cookies(), SESSION_COOKIE, token);
    c.set_max_age(rocket::time::Duration::hours(i64::from(cfg.session_ttl_hours)));
    jar.add_private(c);
}

/// The browser's User-Agent, kept on the session so people can recognise their sessions.
pub struct UserAgent(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for UserAgent {
    type Error = std::convert::Infallible;
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        Outcome::Success(UserAgent(req.headers().get_one("User-Agent").map(str::to_owned)))
    }
}

/// This process's front-door key: only a request relayed by the front door (which sets it)
/// has its client-address header believed.
pub struct FrontKey(pub String);

/// The client's address: the one the front door worked out (from the peer, or a trusted
/// proxy's headers), else the connection's own peer (tests, which talk to Rocket directly).
pub fn client_ip(req: &Request<'_>) -> Option<std::net::IpAddr> {
    use crate::net::front::{CLIENT_IP_HEADER, FRONT_KEY_HEADER};
    let relayed = req.rocket().state::<FrontKey>().is_some_and(|k| {
        req.headers()
            .get_one(FRONT_KEY_HEADER)
            .is_some_and(|v| crate::crypto::constant_time_eq(v, &k.0))
    });
    if relayed {
        return req
            .headers()
            .get_one(CLIENT_IP_HEADER)
            .and_then(|v| v.parse().ok());
    }
    req.remote().map(|r| r.ip())
}

/// The client's address as a string, for the audit log and throttling.
pub struct ClientIp(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientIp {
    type Error = std::convert::Infallible;
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        Outcome::Success(ClientIp(client_ip(req).map(|ip| ip.to_string())))
    }
}

/// Anyone signed in (seller or supplier): for their own account and signing out. Without a
/// valid session the request is forwarded with 401, and the catcher sends the browser to the
/// sign-in page.
pub struct AnyUser {
    pub user: User,
    pub session: Session,
    pub place: sessions::Place,
}

/// A signed-in member of the seller's team (owner or staff). Supplier users are forwarded with
/// 403, so a supplier route can take the request or the catcher refuses it.
pub struct CurrentUser {
    pub user: User,
    pub session: Session,
}

/// The workspace owner; anyone else signed in gets 403.
pub struct OwnerUser {
    pub user: User,
    pub session: Session,
}

/// A signed-in person of a supplier, with the supplier they belong to; sellers get 403.
pub struct SupplierUser {
    pub user: User,
    pub session: Session,
    pub supplier_id: i64,
    /// The language this person reads the portal in.
    pub lang: Lang,
}

macro_rules! web_actor {
    ($($guard:ty),*) => {$(
        impl $guard {
            /// The audit actor for this person on the web channel.
            pub fn actor(&self, ip: &ClientIp) -> Actor {
                Actor::user(&self.user, ip.0.clone(), Channel::Web)
            }
        }
    )*};
}
web_actor!(AnyUser, CurrentUser, OwnerUser, SupplierUser);

impl AnyUser {
    /// The session and its person, as the domain's account actions take them.
    pub fn signed_in(&self) -> SignedIn {
        SignedIn {
            session: self.session.clone(),
            user: self.user.clone(),
            place: self.place.clone(),
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AnyUser {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let cached = req
            .local_cache_async(async {
                let Some(token) = req.cookies().get_private(SESSION_COOKIE) else {
                    return CachedUser(None);
                };
                let Some(pool) = req.rocket().state::<DbPool>() else {
                    return CachedUser(None);
                };
                match sessions::resolve_session(pool, token.value()).await {
                    Ok(s) => CachedUser(s),
                    Err(e) => {
                        tracing::error!(error = %e, "session lookup failed");
                        CachedUser(None)
                    }
                }
            })
            .await;
        match &cached.0 {
            Some(s) => Outcome::Success(AnyUser {
                user: s.user.clone(),
                session: s.session.clone(),
                place: s.place.clone(),
            }),
            None => Outcome::Forward(Status::Unauthorized),
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let AnyUser { user, session, .. } = try_outcome!(req.guard::<AnyUser>().await);
        match user.role() {
            Role::Owner | Role::Staff => Outcome::Success(CurrentUser { user, session }),
            Role::Supplier => Outcome::Forward(Status::Forbidden),
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SupplierUser {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let AnyUser { user, session, .. } = try_outcome!(req.guard::<AnyUser>().await);
        match (user.role(), user.supplier_id) {
            (Role::Supplier, Some(supplier_id)) => Outcome::Success(SupplierUser {
                lang: reader_lang(req),
                user,
                session,
                supplier_id,
            }),
            _ => Outcome::Forward(Status::Forbidden),
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for OwnerUser {
    type Error = ();
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, ()> {
        let CurrentUser { user, session } = try_outcome!(req.guard::<CurrentUser>().await);
        if user.role() == Role::Owner {
            Outcome::Success(OwnerUser { user, session })
        } else {
            Outcome::Error((Status::Forbidden, ()))
        }
    }
}

/// The language of the page a request gets: a supplier's person reads their own choice (else
/// their browser's); the seller's side is in English; signed out, the browser's
/// `Accept-Language` decides (the sign-in page is the portal's door too).
pub fn reader_lang(req: &Request<'_>) -> Lang {
    let accept = req.headers().get_one("Accept-Language");
    match &req.local_cache(|| CachedUser(None)).0 {
        Some(s) if s.user.role() == Role::Supplier => Lang::chosen_or(&s.user.language, accept),
        Some(_) => Lang::En,
        None => Lang::negotiate(accept),
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Lang {
    type Error = std::convert::Infallible;
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        // The person (if any) is looked up first, so their own choice counts.
        let _ = req.guard::<AnyUser>().await;
        Outcome::Success(reader_lang(req))
    }
}

/// The language the browser asks for (`Accept-Language`), whoever is signed in.
pub struct BrowserLang(pub Lang);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for BrowserLang {
    type Error = std::convert::Infallible;
    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Self::Error> {
        Outcome::Success(BrowserLang(Lang::negotiate(
            req.headers().get_one("Accept-Language"),
        )))
    }
}
