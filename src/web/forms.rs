//! Form errors for templates: every bad field named beside its input.

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
