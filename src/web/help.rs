//! Guides shipped with podgate, rendered from the repository's own Markdown so the page and
//! `docs/` never disagree: today "From the sandbox to a real TikTok shop" (`docs/tiktok.md`).

use minijinja::context;
use rocket::{Route, get, routes};

use crate::web::guards::CurrentUser;
use crate::web::templates::Page;

/// The guide to TikTok Shop: endpoints, error handling, connecting a real shop.
const TIKTOK_GUIDE: &str = include_str!("../../docs/tiktok.md");

#[get("/help/tiktok")]
fn tiktok_guide(_user: CurrentUser) -> Page {
    Page::new(
        "help.html",
        context! { title => "TikTok Shop", body => crate::web::templates::markdown(TIKTOK_GUIDE) },
    )
}

/// Routes of the guides.
pub fn routes() -> Vec<Route> {
    routes![tiktok_guide]
}
