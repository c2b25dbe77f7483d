//! The supplier's SFTP settings in the portal: where to connect, the host key fingerprints to
//! pin, logins (password shown once, public keys pasted here, allowed networks, disable), and
//! what the recent uploads did.

use minijinja::context;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::config::AppConfig;
use crate::db::DbPool;
use crate::domain::sftp_logins;
use crate::i18n::Msg;
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::{WebError, flash_refusal_in};
use crate::web::guards::{ClientIp, SupplierUser};
use crate::web::templates::{Flashed, Page};

async fn page(
    pool: &DbPool,
    cfg: &AppConfig,
    user: &SupplierUser,
    password: Option<(String, String)>,
) -> Result<Page, WebError> {
    let logins = sftp_logins::list(pool, user.supplier_id).await?;
    let sid = user.supplier_id;
    let uploads = sftp_logins::recent_uploads(pool, sid, 20, user.lang).await?;
    let host = url::Url::parse(&cfg.public_url())
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| cfg.sftp.address.to_string());
    let fingerprints = crate::sftp::fingerprints(cfg.data_dir(), &cfg.sftp);
    let failures = sftp_logins::recent_failures(pool, sid).await?;
    let logins: Vec<_> = logins
        .into_iter()
        .map(|(l, k)| context! { login => l, keys => k })
        .collect();
    Ok(Page::new(
        "supplier/sftp.html",
        context! { logins, uploads, failures, host, port => cfg.sftp.port, enabled => cfg.sftp.enabled, fingerprints, password },
    ))
}

#[get("/supplier/sftp")]
async fn index(pool: &State<DbPool>, cfg: &State<AppConfig>, user: SupplierUser) -> Result<Page, WebError> {
    page(pool, cfg, &user, None).await
}

#[derive(FromForm)]
struct LoginForm {
    csrf_token: String,
    username: String,
    password: bool,
    allowed_networks: String,
}
crate::csrf_form!(LoginForm);

#[post("/supplier/sftp/logins", data = "<form>")]
async fn create(
    pool: &State<DbPool>,
    cfg: &State<AppConfig>,
    user: SupplierUser,
    ip: ClientIp,
    form: CsrfForm<LoginForm>,
) -> Result<Result<Page, Flashed>, WebError> {
    let f = form.0;
    match sftp_logins::create(
        pool,
        &user.actor(&ip),
        Some(user.supplier_id),
        &f.username,
        f.password,
        &f.allowed_networks,
    )
    .await
    {
        Ok((_, pw)) => {
            let shown = pw.map(|p| (f.username.trim().to_ascii_lowercase(), p));
            Ok(Ok(page(pool, cfg, &user, shown).await?))
        }
        Err(e) => flash_refusal_in(user.lang, "/supplier/sftp", e).map(Err),
    }
}

#[derive(FromForm)]
struct KeyForm {
    csrf_token: String,
    public_key: String,
}
crate::csrf_form!(KeyForm);

#[post("/supplier/sftp/logins/<id>/keys", data = "<form>")]
async fn add_key(
    pool: &State<DbPool>,
    user: SupplierUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<KeyForm>,
) -> Result<Flashed, WebError> {
    match sftp_logins::add_key(
        pool,
        &user.actor(&ip),
        Some(user.supplier_id),
        id,
        &form.0.public_key,
    )
    .await
    {
        Ok(fp) => Ok(Flashed::success(
            "/supplier/sftp",
            Msg::new("sftp-key-added").arg("fingerprint", fp).text(user.lang),
        )),
        Err(e) => flash_refusal_in(user.lang, "/supplier/sftp", e),
    }
}

#[post("/supplier/sftp/logins/<id>/keys/<key>/delete", data = "<form>")]
async fn remove_key(
    pool: &State<DbPool>,
    user: SupplierUser,
    ip: ClientIp,
    id: i64,
    key: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    sftp_logins::remove_key(pool, &user.actor(&ip), Some(user.supplier_id), id, key).await?;
    Ok(Flashed::success(
        "/supplier/sftp",
        user.lang.t("sftp-key-removed"),
    ))
}

#[post("/supplier/sftp/logins/<id>/disable", data = "<form>")]
async fn disable(
    pool: &State<DbPool>,
    user: SupplierUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    sftp_logins::set_disabled(pool, &user.actor(&ip), Some(user.supplier_id), id, true).await?;
    Ok(Flashed::success(
        "/supplier/sftp",
        user.lang.t("sftp-login-disabled"),
    ))
}

#[post("/supplier/sftp/logins/<id>/enable", data = "<form>")]
async fn enable(
    pool: &State<DbPool>,
    user: SupplierUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    sftp_logins::set_disabled(pool, &user.actor(&ip), Some(user.supplier_id), id, false).await?;
    Ok(Flashed::success(
        "/supplier/sftp",
        user.lang.t("sftp-login-enabled"),
    ))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![index, create, add_key, remove_key, disable, enable]
}
