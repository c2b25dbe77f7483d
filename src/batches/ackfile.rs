//! Acknowledgement files from factory systems (SFTP `inbox/`, the API): CSV with a header, or
//! JSON with the same fields. Every line is checked; a file with any bad line is refused whole,
//! with every bad line and its reason, so nothing is half-applied.

use chrono::NaiveDate;

use super::acks::{AckLine, AckStatus, LineError, Target};

/// The largest acknowledgement file accepted (bytes).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The format of a file, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// `.csv` or `.json` (any case); None for other names.
    pub fn of(name: &str) -> Option<Format> {
        let n = name.to_ascii_lowercase();
        if n.ends_with(".csv") {
            Some(Format::Csv)
        } else if n.ends_with(".json") {
            Some(Format::Json)
        } else {
            None
        }
    }
}

/// The fields of one line before checking.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLine {
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub package_id: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub expected_date: Option<String>,
}

/// Checks one line's fields (`line` is its number in the file).
pub fn check_line(line: usize, raw: RawLine) -> Result<AckLine, LineError> {
    let bad = |m: String| LineError { line, message: m };
    let nonempty = |s: Option<String>| s.map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
    let target = match (nonempty(raw.package_id), nonempty(raw.order_id)) {
        (Some(p), _) => Target::Package(p),
        (None, Some(o)) => Target::Order(o),
        (None, None) => return Err(bad("give package_id or order_id".into())),
    };
    let status = AckStatus::parse(&raw.status).ok_or_else(|| {
        bad(format!(
            "status {:?} is not one of accepted, rejected, backordered, shipped, pulled, already_shipped",
            raw.status
        ))
    })?;
    let expected_date = match nonempty(raw.expected_date) {
        None => None,
        Some(d) => Some(
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| bad(format!("expected_date {d:?} is not a date like 2026-12-01")))?,
        ),
    };
    let reason = nonempty(raw.reason);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(bad("reason is longer than 500 characters".into()));
    }
    Ok(AckLine {
        line,
        target,
        status,
        reason,
        expected_date,
    })
}

/// Parses a whole file: every line, or every error.
pub fn parse(format: Format, bytes: &[u8]) -> Result<Vec<AckLine>, Vec<LineError>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(vec![LineError {
            line: 0,
            message: format!(
                "the file is larger than {} MiB; split it",
                MAX_FILE_BYTES / 1024 / 1024
            ),
        }]);
    }
    let raws = match format {
        Format::Csv => parse_csv(bytes)?,
        Format::Json => parse_json(bytes)?,
    };
    if raws.is_empty() {
        return Err(vec![LineError {
            line: 0,
            message: "the file has no acknowledgement lines".into(),
        }]);
    }
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (n, raw) in raws {
        match check_line(n, raw) {
            Ok(l) => lines.push(l),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(lines) } else { Err(errors) }
}

/// The row number (after the header) of the record the csv reader reports at `byte`: that
/// offset is where the previous record ended, so line breaks of skipped blank rows are stepped
/// over first.
fn row_after_header(text: &[u8], byte: usize) -> usize {
    let start = byte
        + text[byte.min(text.len())..]
            .iter()
            .take_while(|c| matches!(c, b'\r' | b'\n'))
            .count();
    let breaks = |end: usize| {
        text[..end.min(text.len())]
            .iter()
            .filter(|c| **c == b'\n')
            .count()
    };
    let header = text.iter().take_while(|c| matches!(c, b'\r' | b'\n')).count();
    (breaks(start) - breaks(header)).max(1)
}

fn parse_csv(bytes: &[u8]) -> Result<Vec<(usize, RawLine)>, Vec<LineError>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        vec![LineError {
            line: 0,
            message: "the file is not UTF-8 text".into(),
        }]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .map_err(|e| {
            vec![LineError {
                line: 0,
                message: format!("unreadable header: {e}"),
            }]
        })?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let known = ["order_id", "package_id", "status", "reason", "expected_date"];
    if let Some(u) = header.iter().find(|h| !known.contains(&h.as_str())) {
        return Err(vec![LineError {
            line: 0,
            message: format!("unknown column {u:?}; the columns are {}", known.join(", ")),
        }]);
    }
    if !header.iter().any(|h| h == "status") || !header.iter().any(|h| h == "order_id" || h == "package_id") {
        return Err(vec![LineError {
            line: 0,
            message: "the header needs status and order_id or package_id".into(),
        }]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in r.records().enumerate() {
        // Line numbers count the file's rows after the header, blank rows included (the csv
        // reader skips those), so "line 3" is the third row the factory wrote.
        let position = match &rec {
            Ok(rec) => rec.position(),
            Err(e) => e.position(),
        };
        let n = position.map_or(i + 1, |p| row_after_header(text.as_bytes(), p.byte() as usize));
        match rec {
            Ok(rec) => {
                let get = |name: &str| {
                    header
                        .iter()
                        .position(|h| h == name)
                        .and_then(|p| rec.get(p))
                        .map(str::to_string)
                };
                out.push((
                    n,
                    RawLine {
                        order_id: get("order_id"),
                        package_id: get("package_id"),
                        status: get("status").unwrap_or_default(),
                        reason: get("reason"),
                        expected_date: get("expected_date"),
                    },
                ));
            }
            Err(e) => errors.push(LineError {
                line: n,
                message: format!("unreadable line: {e}"),
            }),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn parse_json(bytes: &[u8]) -> Result<Vec<(usize, RawLine)>, Vec<LineError>> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Doc {
        List(Vec<serde_json::Value>),
        Wrapped { acks: Vec<serde_json::Value> },
    }
    let doc: Doc = serde_json::from_slice(bytes).map_err(|e| {
        vec![LineError {
            line: 0,
            message: format!(
                "not JSON of the expected shape (a list of acknowledgements, or {{\"acks\": [...]}}): {e}"
            ),
        }]
    })?;
    let items = match doc {
        Doc::List(v) | Doc::Wrapped { acks: v } => v,
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, v) in items.into_iter().enumerate() {
        match serde_json::from_value::<RawLine>(v) {
            Ok(r) => out.push((i + 1, r)),
            Err(e) => errors.push(LineError {
                line: i + 1,
                message: e.to_string(),
            }),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// A result file for a processed upload: one line per input line, applied or refused.
pub fn result_csv(applied: &[super::acks::LineResult], refused: &[LineError]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["line", "result", "package_id", "order_id", "status", "message"]);
    for a in applied {
        let _ = w.write_record([
            a.line.to_string(),
            "applied".into(),
            a.package_id.clone(),
            a.order_id.clone(),
            a.status.to_string(),
            if a.changed {
                String::new()
            } else {
                "already recorded; nothing changed".into()
            },
        ]);
    }
    for e in refused {
        let _ = w.write_record([
            e.line.to_string(),
            "refused".into(),
            String::new(),
            String::new(),
            String::new(),
            e.message.clone(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_the_rows_the_factory_wrote_blank_rows_included() {
        for f in [
            "package_id,status\n1,accepted\n\n\n2,bogus\n",
            "package_id,status\r\n1,accepted\r\n\r\n\r\n2,bogus",
        ] {
            let errors = parse(Format::Csv, f.as_bytes()).unwrap_err();
            assert_eq!(
                errors.iter().map(|e| e.line).collect::<Vec<_>>(),
                [4],
                "{f:?}: {errors:?}"
            );
        }
    }

    #[test]
    fn a_good_csv_reads_every_line() {
        let f = b"\xef\xbb\xbfpackage_id,status,reason,expected_date\n115001,accepted,,\n115002,rejected,Artwork blurry,\n115003,backordered,,2026-12-03\n";
        let l = parse(Format::Csv, f).unwrap();
        assert_eq!(l.len(), 3);
        assert_eq!(l[1].status, AckStatus::Rejected);
        assert_eq!(l[1].reason.as_deref(), Some("Artwork blurry"));
        assert_eq!(l[2].expected_date, NaiveDate::from_ymd_opt(2026, 12, 3));
    }

    #[test]
    fn every_bad_line_is_reported() {
        let f = b"order_id,status,expected_date\n57001,acepted,\n,accepted,\n57003,backordered,03/12/2026\n57004,accepted,\n";
        let e = parse(Format::Csv, f).unwrap_err();
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 3], "{e:?}");
        assert!(e[0].message.contains("acepted"));
        assert!(e[1].message.contains("package_id or order_id"));
        assert!(e[2].message.contains("2026-12-01"));
    }

    #[test]
    fn headers_and_json_shapes_are_checked() {
        assert!(
            parse(Format::Csv, b"order,state\n1,accepted\n").unwrap_err()[0]
                .message
                .contains("unknown column")
        );
        assert!(
            parse(Format::Csv, b"order_id,status\n").unwrap_err()[0]
                .message
                .contains("no acknowledgement")
        );
        let j = br#"{"acks":[{"package_id":"1","status":"shipped"},{"order_id":"2","status":"accepted","colour":"x"}]}"#;
        let e = parse(Format::Json, j).unwrap_err();
        assert_eq!(e[0].line, 2);
        assert!(e[0].message.contains("colour"));
        let ok = parse(Format::Json, br#"[{"order_id":"2","status":"Accepted"}]"#).unwrap();
        assert_eq!(ok[0].target, Target::Order("2".into()));
        assert!(parse(Format::Json, b"not json").is_err());
    }
}
