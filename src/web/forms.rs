//! Form errors for templates: every bad field named beside its input.

use std::collections::BTreeMap;

use crate::domain::{DomainError, FieldError};
use crate::i18n::Lang;

/// Field errors keyed by field name, for templates: every message of a field, in order (two
/// bad lines of one text box are both named, not only the last), in the reader's language.
pub fn field_errors(errors: &[FieldError], lang: Lang) -> BTreeMap<&'static str, String> {
    let mut by_field: BTreeMap<&'static str, String> = BTreeMap::new();
    for e in errors {
        let m = by_field.entry(e.field).or_default();
        if !m.is_empty() {
            m.push(' ');
        }
        m.push_str(&e.message.text(lang));
    }
    by_field
}

/// Splits a domain error into form errors (to re-render) or anything else (to propagate).
pub fn form_errors(e: DomainError) -> Result<BTreeMap<&'static str, String>, DomainError> {
    form_errors_in(Lang::En, e)
}

/// `form_errors` in the reader's language.
pub fn form_errors_in(lang: Lang, e: DomainError) -> Result<BTreeMap<&'static str, String>, DomainError> {
    match e {
        DomainError::Invalid(v) => Ok(field_errors(&v, lang)),
        other => Err(other),
    }
}

/// An uploaded file's bytes (Rocket keeps small uploads in memory, larger ones on disk).
pub async fn read_upload(file: &rocket::fs::TempFile<'_>) -> Result<Vec<u8>, DomainError> {
    let io = |e: std::io::Error| DomainError::Internal(e.to_string());
    match file.path() {
        Some(p) => tokio::fs::read(p).await.map_err(io),
        None => {
            let mut buf = Vec::new();
            let mut r = file.open().await.map_err(io)?;
            tokio::io::AsyncReadExt::read_to_end(&mut r, &mut buf)
                .await
                .map_err(io)?;
            Ok(buf)
        }
    }
}
