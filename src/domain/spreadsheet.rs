//! CSV cells a spreadsheet will not run. Every CSV podgate writes for people (manifests,
//! result files, the catalog export) passes its cells through [`cell`]: a cell that begins with
//! `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, as OWASP's "CSV
//! Injection" advice says, so Excel, LibreOffice and Sheets show it as text instead of
//! evaluating it (a buyer can put `=HYPERLINK(…)` in a name). Reading podgate's own files back
//! ([`uncell`]) removes that quote again, so an exported catalog imports unchanged.

use std::borrow::Cow;

/// The characters that start a formula (or hide one) in spreadsheet applications.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as it may be written.
pub fn cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(TRIGGERS) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A cell as it was before [`cell`].
pub fn uncell(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) => rest,
        _ => s,
    }
}

/// Writes one record with every cell made safe.
pub fn write_record<W: std::io::Write, I, S>(w: &mut csv::Writer<W>, record: I) -> csv::Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    w.write_record(record.into_iter().map(|c| cell(c.as_ref()).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_read_back_unchanged() {
        for s in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"] {
            assert!(cell(s).starts_with('\''), "{s:?}");
            assert_eq!(uncell(&cell(s)), s);
        }
        for s in ["Shirt", "12", "a=b", "'quoted", ""] {
            assert_eq!(cell(s), s);
            assert_eq!(uncell(s), s);
        }
    }
}
