//! The supplier's portal (a supplier's own people): batches, answers, API tokens and SFTP
//! logins.

pub mod portal;
pub mod sftp;

use rocket::Route;

/// Every supplier route.
pub fn routes() -> Vec<Route> {
    [portal::routes(), sftp::routes()].concat()
}
