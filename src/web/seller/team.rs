//! The workspace's people: invite staff, withdraw invitations, remove people; and the page
//! where an invited person accepts.

use minijinja::context;
use rocket::http::{CookieJar, Status};
use rocket::{FromForm, Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::db::models::audit::{Actor, Channel};
use crate::db::models::user::Role;
use crate::domain::accounts;
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, OwnerUser, UserAgent};
use crate::web::templates::{Flashed, Page};

use crate::web::auth::sign_in::start_session;
use crate::web::forms::form_errors;

async fn team_page(
    pool: &DbPool,
    owner: &OwnerUser,
    invite_link: Option<String>,
    errors: minijinja::Value,
    email: &str,
) -> Result<Page, WebError> {
    let (users, invites) = accounts::team(pool, owner.user.workspace_id).await?;
    let users: Vec<_> = users
        .iter()
        .map(|u| context! { id => u.id, name => u.name, email => u.email, role => u.role, created_at => u.created_at })
        .collect();
    let invites: Vec<_> = invites
        .iter()
        .map(|i| context! { id => i.id, email => i.email, role => i.role, expires_at => i.expires_at })
        .collect();
    Ok(Page::new(
        "seller/team.html",
        context! { users, invites, invite_link, errors, email },
    ))
}

#[get("/team")]
async fn team(pool: &State<DbPool>, owner: OwnerUser) -> Result<Page, WebError> {
    team_page(pool, &owner, None, context! {}, "").await
}

#[derive(FromForm)]
struct InviteForm {
    csrf_token: String,
    email: String,
}
crate::csrf_form!(InviteForm);

#[post("/team/invite", data = "<form>")]
async fn invite(
    pool: &State<DbPool>,
    cfg: &State<AppConfig>,
    owner: OwnerUser,
    ip: ClientIp,
    form: CsrfForm<InviteForm>,
) -> Result<Page, WebError> {
    let f = form.0;
    match accounts::invite(
        pool,
        &owner.actor(&ip),
        &f.email,
        Role::Staff,
        None,
        &cfg.public_url(),
    )
    .await
    {
        // The link is mailed, and shown once here in case mail is not set up yet.
        Ok((_, token)) => {
            let link = format!("{}/invite/{token}", cfg.public_url());
            team_page(pool, &owner, Some(link), context! {}, "").await
        }
        Err(e) => {
            let errors = form_errors(e)?;
            Ok(team_page(
                pool,
                &owner,
                None,
                minijinja::Value::from_serialize(&errors),
                &f.email,
            )
            .await?
            .status(Status::UnprocessableEntity))
        }
    }
}

#[post("/team/users/<id>/remove", data = "<form>")]
async fn remove_user(
    pool: &State<DbPool>,
    owner: OwnerUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    accounts::remove_user(pool, &owner.actor(&ip), id).await?;
    Ok(Flashed::success(
        "/team",
        "Removed. They were signed out everywhere.",
    ))
}

#[post("/team/invites/<id>/revoke", data = "<form>")]
async fn revoke_invite(
    pool: &State<DbPool>,
    owner: OwnerUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    accounts::revoke_invite(pool, &owner.actor(&ip), id).await?;
    Ok(Flashed::success(
        "/team",
        "Invitation withdrawn; its link no longer works.",
    ))
}

#[get("/invite/<token>")]
async fn invite_page(pool: &State<DbPool>, token: &str) -> Result<Page, WebError> {
    let (inv, ws) = accounts::find_invite(pool, token).await?;
    Ok(Page::new(
        "auth/invite.html",
        context! { email => inv.email, workspace => ws.name, errors => context!{}, name => "" },
    ))
}

#[derive(FromForm)]
struct AcceptForm {
    csrf_token: String,
    name: String,
    password: String,
    confirm: String,
}
crate::csrf_form!(AcceptForm);

/// Accepting an invitation (each argument a request guard Rocket fills in).
#[allow(clippy::too_many_arguments)]
#[post("/invite/<token>", data = "<form>")]
async fn accept<'r>(
    jar: &CookieJar<'r>,
    ua: UserAgent,
    pool: &State<DbPool>,
    cfg: &State<AppConfig>,
    ip: ClientIp,
    token: &str,
    lang: crate::i18n::Lang,
    form: CsrfForm<AcceptForm>,
) -> Result<Result<Flashed, Page>, WebError> {
    let f = form.0;
    let actor = Actor::anonymous(ip.0.clone(), Channel::Web);
    match accounts::accept_invite(pool, &actor, token, &f.name, &f.password, &f.confirm).await {
        Ok(user) => {
            start_session(jar, pool, cfg, user.id, (&ip, ua)).await?;
            let hello = crate::i18n::Msg::new("welcome").arg("name", user.name.as_str());
            Ok(Ok(Flashed::success("/", hello.text(lang))))
        }
        Err(e) => {
            let errors = crate::web::forms::form_errors_in(lang, e)?;
            let (inv, ws) = accounts::find_invite(pool, token).await?;
            let ctx = context! { email => inv.email, workspace => ws.name, errors, name => f.name };
            Ok(Err(
                Page::new("auth/invite.html", ctx).status(Status::UnprocessableEntity)
            ))
        }
    }
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![team, invite, remove_user, revoke_invite, invite_page, accept]
}
