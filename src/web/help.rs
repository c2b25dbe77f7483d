//! Guides shipped with podgate, rendered from the repository's own Markdown so the page and
//! `docs/` never disagree: today "From the sandbox to a real TikTok shop" (`docs/tiktok.md`).

use minijinja::context;
use rocket::{Route, get, routes};

use crate::web::guards::CurrentUser;
use crate::web::templates::Page;

/// The guide to TikTok Shop: endpoints, error handling, connecting a real shop.
const TIKTOK_GUIDE: &str = include_str!("../../docs/tiktok.md");

fn render(markdown: &str) -> String {
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES);
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

#[get("/help/tiktok")]
fn tiktok_guide(_user: CurrentUser) -> Page {
    Page::new(
        "help.html",
        context! { title => "TikTok Shop", body => render(TIKTOK_GUIDE) },
    )
}

/// Routes of the guides.
pub fn routes() -> Vec<Route> {
    routes![tiktok_guide]
}
