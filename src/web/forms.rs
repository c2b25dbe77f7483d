//! Form errors for templates: every bad field named beside its input.

use std::collections::BTreeMap;

use crate::domain::{DomainError, FieldError};

/// Field errors keyed by field name, for templates: every message of a field, in order (two
/// bad lines of one text box are both named, not only the last).
pub fn field_errors(errors: &[FieldError]) -> BTreeMap<&'static str, String> {
    let mut by_field: BTreeMap<&'static str, String> = BTreeMap::new();
    for e in errors {
        let m = by_field.entry(e.field).or_default();
        if !m.is_empty() {
            m.push(' ');
        }
        m.push_str(&e.message);
    }
    by_field
}

/// Splits a domain error into form errors (to re-render) or anything else (to propagate).
pub fn form_errors(e: DomainError) -> Result<BTreeMap<&'static str, String>, DomainError> {
    match e {
        DomainError::Invalid(v) => Ok(field_errors(&v)),
        other => Err(other),
    }
}
