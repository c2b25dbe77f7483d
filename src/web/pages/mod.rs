//! Portal pages, one file per area. Handlers stay thin: parse, call the domain, render.

pub mod account;
pub mod auth;
pub mod batches;
pub mod catalog;
pub mod help;
pub mod home;
pub mod label_actions;
pub mod labels;
pub mod mail;
pub mod orders;
pub mod portal;
pub mod reset;
pub mod sftp;
pub mod shop_grant;
pub mod shops;
pub mod supplier_warehouse;
pub mod suppliers;
pub mod team;

use std::collections::BTreeMap;

use crate::domain::{DomainError, FieldError};

/// Field errors keyed by field name, for templates.
pub fn field_errors(errors: &[FieldError]) -> BTreeMap<&'static str, String> {
    errors.iter().map(|e| (e.field, e.message.clone())).collect()
}

/// Splits a domain error into form errors (to re-render) or anything else (to propagate).
pub fn form_errors(e: DomainError) -> Result<BTreeMap<&'static str, String>, DomainError> {
    match e {
        DomainError::Invalid(v) => Ok(field_errors(&v)),
        other => Err(other),
    }
}
