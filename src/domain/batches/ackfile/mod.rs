//! Acknowledgement files from factory systems (SFTP `inbox/`, the portal, the API): CSV or text
//! with a header (comma, semicolon or tab separated, in UTF-8, UTF-16 or Windows-1252), Excel
//! workbooks (`table`), or JSON with the same fields.
//! Every line is checked; a file with any bad line is refused whole, with every bad line and its
//! reason, so nothing is half-applied. CSV line numbers are the editor's (the header is line 1).

use chrono::NaiveDate;

use crate::i18n::{Lang, Msg};

pub mod table;
pub mod template;

use super::acks::{AckLine, AckSet, AckStatus, LineError, Target};

/// The largest acknowledgement file accepted (bytes).
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The format of a file, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma, semicolon or tab separated text (`.csv`, `.tsv`, `.txt`: Excel's "Unicode text").
    Csv,
    /// An Excel workbook, first sheet.
    Xlsx,
    Json,
}

impl Format {
    /// By the name's extension (any case): `.csv`, `.tsv`, `.txt`, `.xlsx`, `.json`; None for
    /// other names.
    pub fn of(name: &str) -> Option<Format> {
        let n = name.to_ascii_lowercase();
        let ext = n.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "json" => Some(Format::Json),
            _ => None,
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
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub expected_date: Option<String>,
}

/// Checks one line's fields (`line` is its number in the file).
pub fn check_line(line: usize, raw: RawLine) -> Result<AckLine, LineError> {
    let bad = |m: Msg| LineError { line, message: m };
    let nonempty = |s: Option<String>| s.map(|x| x.trim().to_string()).filter(|x| !x.is_empty());
    let target = match (
        nonempty(raw.package_id),
        nonempty(raw.tracking_number),
        nonempty(raw.order_id),
    ) {
        (Some(p), _, _) => Target::Package(p),
        (None, Some(t), _) => Target::Tracking(t),
        (None, None, Some(o)) => Target::Order(o),
        (None, None, None) => return Err(bad(Msg::new("line-no-target"))),
    };
    if raw.status.trim().is_empty() {
        return Err(bad(Msg::new("line-no-status")));
    }
    let status = AckStatus::parse(&raw.status)
        .ok_or_else(|| bad(Msg::new("line-bad-status").arg("status", raw.status.as_str())))?;
    let expected_date = match nonempty(raw.expected_date) {
        None => None,
        Some(d) => Some(
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| bad(Msg::new("line-bad-date").arg("date", d.as_str())))?,
        ),
    };
    let reason = nonempty(raw.reason);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
        return Err(bad(Msg::new("line-long-reason")));
    }
    Ok(AckLine {
        line,
        target,
        status,
        reason,
        expected_date,
    })
}

/// Parses a whole file: its good lines and its bad ones (both kept, so the database check can
/// add what it finds and the factory gets every problem at once), or the reason nothing could
/// be read (too large, not UTF-8, a bad header, not JSON).
pub fn parse(format: Format, bytes: &[u8]) -> Result<AckSet, Vec<LineError>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(vec![LineError {
            line: 0,
            message: Msg::new("file-too-large").arg("mib", MAX_FILE_BYTES / 1024 / 1024),
        }]);
    }
    let ((raws, mut refused), unanswered) = match format {
        Format::Csv => table::lines(table::text(bytes)?)?,
        Format::Xlsx => table::lines(table::xlsx(bytes)?)?,
        Format::Json => (parse_json(bytes)?, Vec::new()),
    };
    if raws.is_empty() && refused.is_empty() && !unanswered.is_empty() {
        return Err(vec![LineError {
            line: 0,
            message: Msg::new("file-no-status-yet"),
        }]);
    }
    if raws.is_empty() && refused.is_empty() {
        return Err(vec![LineError {
            line: 0,
            message: Msg::new("file-no-lines"),
        }]);
    }
    let mut lines = Vec::new();
    for (n, raw) in raws {
        match check_line(n, raw) {
            Ok(l) => lines.push(l),
            Err(e) => refused.push(e),
        }
    }
    refused.sort_by_key(|e| e.line);
    Ok(AckSet {
        lines,
        refused,
        unanswered,
    })
}

type Rows = (Vec<(usize, RawLine)>, Vec<LineError>);

fn parse_json(bytes: &[u8]) -> Result<Rows, Vec<LineError>> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Doc {
        List(Vec<serde_json::Value>),
        Wrapped { acks: Vec<serde_json::Value> },
    }
    let doc: Doc = serde_json::from_slice(bytes).map_err(|e| {
        vec![LineError {
            line: 0,
            message: Msg::new("file-bad-json").arg("reason", e.to_string()),
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
                message: Msg::new("line-bad-json").arg("reason", e.to_string()),
            }),
        }
    }
    Ok((out, errors))
}

/// A result file for a processed upload: one line per input line, applied or refused; when
/// lines were refused, a last line says how many good lines were not applied because of them.
pub fn result_csv(
    lang: Lang,
    applied: &[super::acks::LineResult],
    refused: &[LineError],
    not_applied: usize,
    unanswered: &[usize],
) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = crate::domain::spreadsheet::write_record(
        &mut w,
        ["line", "result", "package_id", "order_id", "status", "message"],
    );
    for a in applied {
        let _ = crate::domain::spreadsheet::write_record(
            &mut w,
            [
                a.line.to_string(),
                "applied".into(),
                a.package_id.clone(),
                a.order_id.clone(),
                a.status.to_string(),
                if a.changed {
                    String::new()
                } else {
                    lang.t("result-already-recorded")
                },
            ],
        );
    }
    for n in unanswered {
        let _ = crate::domain::spreadsheet::write_record(
            &mut w,
            [
                n.to_string(),
                "unanswered".into(),
                String::new(),
                String::new(),
                String::new(),
                lang.t("result-no-status"),
            ],
        );
    }
    for e in refused {
        let _ = crate::domain::spreadsheet::write_record(
            &mut w,
            [
                e.line.to_string(),
                "refused".into(),
                String::new(),
                String::new(),
                String::new(),
                e.message.text(lang),
            ],
        );
    }
    if !refused.is_empty() {
        let _ = crate::domain::spreadsheet::write_record(
            &mut w,
            [
                String::new(),
                "not_applied".into(),
                String::new(),
                String::new(),
                String::new(),
                Msg::new("result-not-applied")
                    .arg("count", not_applied)
                    .text(lang),
            ],
        );
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Reads a result file back (as [`result_csv`] writes it): lines applied, and the reasons.
pub fn read_result(lang: Lang, result: &str) -> (usize, Vec<String>) {
    let mut r = csv::Reader::from_reader(result.as_bytes());
    let (mut applied, mut reasons) = (0, Vec::new());
    for row in r.records().flatten() {
        let (line, what, message) = (
            row.get(0).unwrap_or(""),
            row.get(1).unwrap_or(""),
            crate::domain::spreadsheet::uncell(row.get(5).unwrap_or("")),
        );
        match what {
            "applied" => applied += 1,
            "refused" if line.is_empty() || line == "0" => reasons.push(message.to_string()),
            "refused" => reasons.push(
                Msg::new("result-line")
                    .arg("line", line)
                    .arg("message", message)
                    .text(lang),
            ),
            "not_applied" => reasons.push(message.to_string()),
            _ => {}
        }
    }
    (applied, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_lines(f: &[u8]) -> Vec<usize> {
        parse(Format::Csv, f)
            .unwrap()
            .refused
            .iter()
            .map(|e| e.line)
            .collect()
    }

    #[test]
    fn line_numbers_are_the_editors_header_and_blank_rows_included() {
        for f in [
            "package_id,status\n1,accepted\n\n\n2,bogus\n",
            "package_id,status\r\n1,accepted\r\n\r\n\r\n2,bogus",
        ] {
            assert_eq!(refused_lines(f.as_bytes()), [5], "{f:?}");
        }
        assert_eq!(
            refused_lines(b"package_id,status\n1,bogus\n"),
            [2],
            "the first data line is line 2"
        );
    }

    #[test]
    fn semicolon_and_tab_separated_files_are_read() {
        for f in [
            "package_id;status;reason\n115001;rejected;Wrong size, reprint\n115002;accepted;\n",
            "package_id\tstatus\treason\n115001\trejected\tWrong size, reprint\n115002\taccepted\t\n",
            "tracking_number,status\n9400111,accepted\n",
        ] {
            let set = parse(Format::Csv, f.as_bytes()).unwrap();
            assert!(set.refused.is_empty(), "{f:?}: {:?}", set.refused);
            assert!(!set.lines.is_empty());
        }
        let set = parse(
            Format::Csv,
            "package_id;status;reason\n115001;rejected;Wrong size, reprint\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(set.lines[0].reason.as_deref(), Some("Wrong size, reprint"));
        let set = parse(Format::Csv, b"tracking_number,status\n9400111,accepted\n").unwrap();
        assert_eq!(set.lines[0].target, Target::Tracking("9400111".into()));
    }

    #[test]
    fn sheet_rows_without_a_status_are_left_unanswered_and_said_so() {
        let f = b"package_id,status\n115001,accepted\n115002,\n\n115003, \n";
        let set = parse(Format::Csv, f).unwrap();
        assert_eq!((set.lines.len(), set.unanswered.clone()), (1, vec![3, 5]));
        assert!(set.refused.is_empty());
        let csv = result_csv(Lang::En, &[], &[], 0, &set.unanswered);
        assert!(csv.contains("3,unanswered,,,,no status: left as it was"), "{csv}");
        let none = parse(Format::Csv, b"package_id,status\n115001,\n").unwrap_err();
        assert!(
            none[0].message.to_string().contains("no row has a status yet"),
            "{none:?}"
        );
        // A JSON line without a status is still refused: machines send what they mean.
        assert_eq!(
            parse(Format::Json, br#"[{"package_id":"1"}]"#)
                .unwrap()
                .refused
                .len(),
            1
        );
    }

    #[test]
    fn a_good_csv_reads_every_line() {
        let f = b"\xef\xbb\xbfpackage_id,status,reason,expected_date\n115001,accepted,,\n115002,rejected,Artwork blurry,\n115003,backordered,,2026-12-03\n";
        let l = parse(Format::Csv, f).unwrap().lines;
        assert_eq!(l.len(), 3);
        assert_eq!(l[1].status, AckStatus::Rejected);
        assert_eq!(l[1].reason.as_deref(), Some("Artwork blurry"));
        assert_eq!(l[2].expected_date, NaiveDate::from_ymd_opt(2026, 12, 3));
    }

    #[test]
    fn every_bad_line_is_reported() {
        let f = b"order_id,status,expected_date\n57001,acepted,\n,accepted,\n57003,backordered,03/12/2026\n57004,accepted,\n";
        let set = parse(Format::Csv, f).unwrap();
        let e = &set.refused;
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4], "{e:?}");
        assert!(e[0].message.to_string().contains("acepted"));
        assert!(
            e[1].message
                .to_string()
                .contains("package_id, tracking_number or order_id")
        );
        assert!(e[2].message.to_string().contains("2026-12-01"));
        assert_eq!(set.lines.len(), 1, "the good line is kept for the database check");
    }

    #[test]
    fn headers_and_json_shapes_are_checked() {
        assert!(
            parse(Format::Csv, b"order,state\n1,accepted\n").unwrap_err()[0]
                .message
                .to_string()
                .contains("unknown column")
        );
        assert!(
            parse(Format::Csv, b"order_id,status\n").unwrap_err()[0]
                .message
                .to_string()
                .contains("no acknowledgement")
        );
        let j = br#"{"acks":[{"package_id":"1","status":"shipped"},{"order_id":"2","status":"accepted","colour":"x"}]}"#;
        let e = parse(Format::Json, j).unwrap().refused;
        assert_eq!(e[0].line, 2);
        assert!(e[0].message.to_string().contains("colour"));
        let ok = parse(Format::Json, br#"[{"order_id":"2","status":"Accepted"}]"#)
            .unwrap()
            .lines;
        assert_eq!(ok[0].target, Target::Order("2".into()));
        assert!(parse(Format::Json, b"not json").is_err());
    }

    #[test]
    fn a_refused_uploads_reasons_are_read_back_from_its_result_file() {
        let refused = [
            LineError {
                line: 3,
                message: "status \"backordered\" needs expected_date".into(),
            },
            LineError {
                line: 5,
                message: "=unknown package".into(),
            },
        ];
        let csv = result_csv(Lang::En, &[], &refused, 2, &[]);
        let (applied, reasons) = read_result(Lang::En, &csv);
        assert_eq!(applied, 0);
        assert_eq!(reasons[0], "line 3: status \"backordered\" needs expected_date");
        assert_eq!(
            reasons[1], "line 5: =unknown package",
            "a formula-looking message reads back as written"
        );
        assert!(
            reasons[2].starts_with("2 good line(s) not applied"),
            "{reasons:?}"
        );
    }
}
