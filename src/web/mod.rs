//! The web portal, by audience: [`seller`] pages, the [`supplier`] portal, the factories' JSON
//! [`api`], and [`auth`] (sign-in, reset, account) shared by all; with the start page and the
//! guides. Guards, CSRF, templates, error pages and ranged downloads serve them all. Handlers
//! are thin and call [`crate::domain`]; nothing here is used by the SFTP gateway or jobs.

pub mod api;
pub mod auth;
pub mod batch_files;
pub mod csrf;
pub mod errors;
pub mod fairings;
pub mod forms;
pub mod guards;
pub mod help;
pub mod home;
pub mod ops;
pub mod paging;
pub mod ranged;
pub mod seller;
pub mod supplier;
pub mod templates;

use include_dir::{Dir, include_dir};
use rocket::figment::Figment;
use rocket::http::ContentType;
use rocket::{Build, Rocket, Route, get, routes};

use crate::config::AppConfig;

static STATIC: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/static");

/// Embedded CSS, scripts and images, cacheable for a day.
#[get("/static/<file..>")]
fn static_file(
    file: std::path::PathBuf,
) -> Option<(ContentType, rocket::response::content::RawText<&'static [u8]>)> {
    let f = STATIC.get_file(&file)?;
    let ct = file
        .extension()
        .and_then(|e| e.to_str())
        .and_then(ContentType::from_extension)
        .unwrap_or(ContentType::Binary);
    Some((ct, rocket::response::content::RawText(f.contents())))
}

/// Every route of the portal.
pub fn routes() -> Vec<Route> {
    let mut r = routes![static_file];
    r.extend(ops::routes());
    r.extend(home::routes());
    r.extend(help::routes());
    r.extend(auth::routes());
    r.extend(seller::routes());
    r.extend(supplier::routes());
    r.extend(api::routes());
    r
}

/// Builds the Rocket instance from a figment and the shared state.
pub fn build(figment: Figment, cfg: AppConfig, services: crate::services::Services) -> Rocket<Build> {
    let templates = templates::Templates::new(cfg.templates_dir.clone());
    let probe = crate::ops::readiness::Probe {
        pool: services.pool.clone(),
        url: services.pool.url().clone(),
        store_dir: cfg.data_dir().to_path_buf(),
        bucket: services.labels.store.bucket.clone(),
    };
    rocket::custom(figment)
        .manage(probe)
        .manage(cfg)
        .manage(services.pool.clone())
        .manage(services.shops.clone())
        .manage(services.sync.clone())
        .manage(services.labels.store.clone())
        .manage(services.labels.clone())
        .manage(services.artwork.clone())
        .manage(services.batches.clone())
        .manage(services.scorecards.clone())
        .manage(services.queues.clone())
        .manage(services.webhooks.clone())
        .manage(templates)
        .attach(fairings::RequestLog)
        .attach(fairings::SecurityHeaders)
        .attach(csrf::CsrfCookie)
        .mount("/", routes())
        .register("/", errors::catchers())
}
