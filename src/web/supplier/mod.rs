//! The supplier's portal (a supplier's own people): batches, answers, the packing bench's scan
//! to verify, API tokens, SFTP logins and webhooks.

pub mod answers;
pub mod portal;
pub mod sftp;
pub mod verify;
pub mod webhooks;

use rocket::Route;

/// Every supplier route.
pub fn routes() -> Vec<Route> {
    [
        portal::routes(),
        answers::routes(),
        sftp::routes(),
        webhooks::routes(),
        verify::routes(),
    ]
    .concat()
}
