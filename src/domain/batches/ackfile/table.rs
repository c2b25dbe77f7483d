//! Acknowledgement files as the spreadsheets factories keep them, read into one shape (a
//! header and rows numbered as the factory's program shows them): CSV or tab-separated text in
//! UTF-8 (with or without a BOM), UTF-16 (Excel's "Unicode text") or Windows-1252, the
//! separator sniffed; and `.xlsx` workbooks (their first sheet, read with calamine).

use crate::i18n::Msg;
use std::borrow::Cow;

use calamine::{Data, Reader};

use super::{LineError, RawLine, Rows};

/// The columns an acknowledgement file may have.
pub const COLUMNS: [&str; 6] = [
    "package_id",
    "order_id",
    "tracking_number",
    "status",
    "reason",
    "expected_date",
];

/// A sheet: its header and its rows, each with the number the factory sees (a text file's
/// line, a workbook's row).
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
    /// Rows that could not be read at all.
    pub unreadable: Vec<LineError>,
}

fn whole(message: impl Into<Msg>) -> Vec<LineError> {
    vec![LineError {
        line: 0,
        message: message.into(),
    }]
}

/// Text in whichever encoding the factory's program wrote: a byte order mark decides (UTF-8,
/// UTF-16 LE or BE); without one, UTF-8 when it is valid, else UTF-16 when every other byte is
/// zero (a BOM-less "Unicode text"), else Windows-1252 (Excel's "CSV" on Western Windows).
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text, enc.name());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), "UTF-8");
    }
    let zeros_at = |odd: bool| {
        bytes
            .iter()
            .skip(odd as usize)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let half = bytes.len() / 2;
    let enc = if half > 0 && zeros_at(true) * 10 >= half * 8 {
        encoding_rs::UTF_16LE
    } else if half > 0 && zeros_at(false) * 10 >= half * 8 {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::WINDOWS_1252
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text, enc.name())
}

/// The line (1-based, as an editor counts) where the record the csv reader reports at `byte`
/// starts: that offset is where the previous record ended, so line breaks of skipped blank
/// rows are stepped over first.
fn line_at(text: &[u8], byte: usize) -> usize {
    let start = byte
        + text[byte.min(text.len())..]
            .iter()
            .take_while(|c| matches!(c, b'\r' | b'\n'))
            .count();
    text[..start.min(text.len())]
        .iter()
        .filter(|c| **c == b'\n')
        .count()
        + 1
}

/// The separator of a text file, from its header line: comma, semicolon (spreadsheets in much
/// of Europe) or tab, whichever it has most of outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in header.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(e) = counts.iter_mut().find(|(d, _)| *d == c) {
            e.1 += 1;
        }
    }
    counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

/// A CSV or tab-separated file, in any of the encodings [`decode`] reads.
pub fn text(bytes: &[u8]) -> Result<Table, Vec<LineError>> {
    let (text, _) = decode(bytes);
    let mut r = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(&text))
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = r
        .headers()
        .map_err(|e| whole(Msg::new("sheet-bad-header").arg("reason", e.to_string())))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut table = Table {
        header,
        rows: Vec::new(),
        unreadable: Vec::new(),
    };
    for (i, rec) in r.records().enumerate() {
        // Line numbers are the editor's: the header is line 1 and blank rows count (the csv
        // reader skips those), so "line 3" is the line the factory sees as 3.
        let position = match &rec {
            Ok(rec) => rec.position(),
            Err(e) => e.position(),
        };
        let n = position.map_or(i + 2, |p| line_at(text.as_bytes(), p.byte() as usize));
        match rec {
            Ok(rec) => table.rows.push((n, rec.iter().map(str::to_string).collect())),
            Err(e) => table.unreadable.push(LineError {
                line: n,
                message: Msg::new("sheet-bad-line").arg("reason", e.to_string()),
            }),
        }
    }
    Ok(table)
}

/// The largest whole number a spreadsheet keeps exactly (a double's 53 bits).
const EXACT: f64 = 9_007_199_254_740_992.0;

/// A workbook's cell as text: whole numbers without `.0`, dates as `YYYY-MM-DD`. A number too
/// long to be exact (a 19-digit TikTok id typed into a number cell) is an error: the
/// spreadsheet already rounded it.
fn cell(d: &Data) -> Result<String, Msg> {
    Ok(match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < EXACT => format!("{}", *f as i64),
        Data::Float(f) if f.abs() >= EXACT => {
            return Err(Msg::new("sheet-rounded-number").arg("value", format!("{f:E}")));
        }
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            // Days since 1899-12-30, Excel's day zero.
            let day0 = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
            (day0 + chrono::Duration::days(dt.as_f64().floor() as i64))
                .format("%Y-%m-%d")
                .to_string()
        }
        Data::Error(e) => return Err(Msg::new("sheet-cell-error").arg("error", format!("{e:?}"))),
    })
}

/// The first sheet of an `.xlsx` workbook; rows are numbered as the spreadsheet shows them.
pub fn xlsx(bytes: &[u8]) -> Result<Table, Vec<LineError>> {
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| whole(Msg::new("sheet-not-xlsx").arg("reason", e.to_string())))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| whole(Msg::new("sheet-no-sheet")))?
        .map_err(|e| whole(Msg::new("sheet-unreadable").arg("reason", e.to_string())))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i + 1, cells))
        .filter(|(_, cells)| cells.iter().any(|c| !matches!(c, Data::Empty)));
    let (_, head) = rows.next().ok_or_else(|| whole(Msg::new("sheet-empty")))?;
    let header = head.iter().map(|c| cell(c).unwrap_or_default()).collect();
    let mut table = Table {
        header,
        rows: Vec::new(),
        unreadable: Vec::new(),
    };
    for (n, cells) in rows {
        let mut row = Vec::new();
        let mut bad = None;
        for (col, c) in cells.iter().enumerate() {
            match cell(c) {
                Ok(v) => row.push(v.trim().to_string()),
                Err(m) => {
                    let name = table.header.get(col).cloned().unwrap_or_default();
                    bad.get_or_insert(m.arg("column", name));
                    row.push(String::new());
                }
            }
        }
        match bad {
            Some(message) => table.unreadable.push(LineError { line: n, message }),
            None => table.rows.push((n, row)),
        }
    }
    Ok(table)
}

/// The table's lines as acknowledgement fields, after checking its header, and the rows that
/// name a package but give no status (not answered yet: an answer sheet is filled a few rows at
/// a time), which are left out.
pub fn lines(table: Table) -> Result<(Rows, Vec<usize>), Vec<LineError>> {
    let header: Vec<String> = table
        .header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if let Some(u) = header.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
        return Err(whole(
            Msg::new("sheet-unknown-column")
                .arg("column", u)
                .arg("columns", COLUMNS.join(", ")),
        ));
    }
    if !header.iter().any(|h| h == "status")
        || !header
            .iter()
            .any(|h| matches!(h.as_str(), "order_id" | "package_id" | "tracking_number"))
    {
        return Err(whole(Msg::new("sheet-header-needs")));
    }
    let status_col = header.iter().position(|h| h == "status");
    let (rows, blank): (Vec<_>, Vec<_>) = table.rows.into_iter().partition(|(_, row)| {
        status_col
            .and_then(|c| row.get(c))
            .is_some_and(|s| !s.trim().is_empty())
    });
    let unanswered = blank.into_iter().map(|(n, _)| n).collect();
    let out = rows
        .into_iter()
        .map(|(n, row)| {
            let get = |name: &str| {
                header
                    .iter()
                    .position(|h| h == name)
                    .and_then(|p| row.get(p))
                    .cloned()
            };
            let raw = RawLine {
                order_id: get("order_id"),
                package_id: get("package_id"),
                tracking_number: get("tracking_number"),
                status: get("status").unwrap_or_default(),
                reason: get("reason"),
                expected_date: get("expected_date"),
            };
            (n, raw)
        })
        .collect();
    Ok(((out, table.unreadable), unanswered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_read_in_the_encoding_it_was_written_in() {
        let s = "package_id\tstatus\treason\n1\trejected\tMüller's Größe\n";
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16), (Cow::Owned::<str>(s.into()), "UTF-16LE"));
        let no_bom: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&no_bom).1, "UTF-16LE");
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(s);
        assert_eq!(decode(&cp1252), (Cow::Owned::<str>(s.into()), "windows-1252"));
        let bom8 = [&[0xEF, 0xBB, 0xBF][..], s.as_bytes()].concat();
        assert_eq!(decode(&bom8).0, s);
        assert_eq!(decode(s.as_bytes()).1, "UTF-8");
    }

    #[test]
    fn long_numbers_a_spreadsheet_rounded_are_refused() {
        assert!(
            cell(&Data::Float(1.152921504606847e18))
                .unwrap_err()
                .arg("column", "package_id")
                .to_string()
                .contains("format the column as Text")
        );
        assert_eq!(cell(&Data::Float(42.0)).unwrap(), "42");
        assert_eq!(
            cell(&Data::Int(576887983811686301)).unwrap(),
            "576887983811686301"
        );
    }
}
