//! The seller's pages (owners and staff of a workspace): shops, orders, catalog, suppliers,
//! labels, batches, the dispatch clock, team and mail.

pub mod artwork;
pub mod batches;
pub mod catalog;
pub mod chart;
pub mod dispatch;
pub mod label_actions;
pub mod labels;
pub mod mail;
pub mod orders;
pub mod orders_export;
pub mod shop_grant;
pub mod shops;
pub mod supplier_warehouse;
pub mod suppliers;
pub mod team;

use rocket::Route;
use rocket::http::{ContentType, Header};

/// A CSV file to download (built whole: the catalog, the scorecard's labels).
#[derive(rocket::Responder)]
pub struct CsvFile {
    body: String,
    content_type: ContentType,
    disposition: Header<'static>,
}

impl CsvFile {
    /// `body` as an attachment named `name` (UTF-8 CSV).
    pub fn attachment(body: String, name: &str) -> CsvFile {
        CsvFile {
            body,
            content_type: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
            disposition: Header::new("Content-Disposition", format!("attachment; filename=\"{name}\"")),
        }
    }
}

/// Every seller route.
pub fn routes() -> Vec<Route> {
    [
        team::routes(),
        shops::routes(),
        shop_grant::routes(),
        orders::routes(),
        rocket::routes![orders_export::export],
        suppliers::routes(),
        supplier_warehouse::routes(),
        catalog::routes(),
        artwork::routes(),
        labels::routes(),
        label_actions::routes(),
        batches::routes(),
        dispatch::routes(),
        mail::routes(),
    ]
    .concat()
}
