//! Signing in and out, first-run setup, password reset and a person's own account: the pages
//! every audience shares before (and beside) its own.

pub mod account;
pub mod reset;
pub mod sign_in;

use rocket::Route;

/// Every sign-in and account route.
pub fn routes() -> Vec<Route> {
    [sign_in::routes(), account::routes(), reset::routes()].concat()
}
