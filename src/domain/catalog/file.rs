//! The SKU catalog as CSV (UTF-8, header row): every row goes through the form's own check
//! ([`super::rule::check`]) and every bad row is reported with its line number (the header is
//! row 1); export writes the same columns back.

use std::collections::HashMap;

use crate::db::models::supplier::{NewSkuRule, SkuRule, Supplier};

use super::rule::{COLUMNS, Naming, RuleInput, check};

/// The CSV header, in order.
pub fn header() -> Vec<String> {
    COLUMNS.iter().map(|c| c.key.to_string()).collect()
}

/// Parses and checks a catalog file against the workspace's suppliers; every problem is returned.
pub fn parse(
    bytes: &[u8],
    workspace_id: i64,
    suppliers: &[Supplier],
) -> Result<Vec<NewSkuRule>, Vec<String>> {
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(t) => t,
        Err(e) => {
            return Err(vec![format!(
                "The file is not UTF-8 text (byte {}); save it as CSV UTF-8.",
                e.valid_up_to()
            )]);
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_lowercase()).collect(),
        Err(e) => return Err(vec![format!("The header row cannot be read: {e}")]),
    };
    let mut errors: Vec<String> = headers
        .iter()
        .filter(|h| !COLUMNS.iter().any(|c| c.key == h.as_str()))
        .map(|h| format!("Unknown column {h:?}; the columns are: {}.", header().join(", ")))
        .collect();
    for required in ["pattern", "match", "supplier"] {
        if !headers.iter().any(|h| h == required) {
            errors.push(format!("The header row lacks the {required:?} column."));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut seen = HashMap::new();
    let mut rules = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let row = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("Row {row}: {e}"));
                continue;
            }
        };
        let mut input = RuleInput::default();
        for (h, v) in headers.iter().zip(rec.iter()) {
            input.set(h, crate::domain::spreadsheet::uncell(v));
        }
        let key = (
            input.get("match").to_lowercase(),
            input.get("pattern").to_uppercase(),
        );
        match check(&input, workspace_id, suppliers, Naming::Csv) {
            Ok(rule) => rules.push(rule),
            Err(errs) => errors.extend(errs.into_iter().map(|e| format!("Row {row}: {}", e.message))),
        }
        if let Some(first) = seen.insert(key.clone(), row) {
            errors.push(format!(
                "Row {row}: the {} pattern {:?} is already on row {first}.",
                key.0,
                input.get("pattern")
            ));
        }
    }
    if rules.is_empty() && errors.is_empty() {
        errors.push("The file has a header row but no rules.".into());
    }
    if errors.is_empty() { Ok(rules) } else { Err(errors) }
}

/// The workspace's rules as CSV, in [`header`]'s columns.
pub fn write(rules: &[SkuRule], supplier_names: &HashMap<i64, String>) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    crate::domain::spreadsheet::write_record(&mut w, header())?;
    for r in rules {
        let name = supplier_names
            .get(&r.supplier_id)
            .map(String::as_str)
            .unwrap_or("");
        let input = RuleInput::of(r, name);
        crate::domain::spreadsheet::write_record(&mut w, COLUMNS.iter().map(|c| input.get(c.key)))?;
    }
    let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
