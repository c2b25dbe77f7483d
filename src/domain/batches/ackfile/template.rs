//! A batch's answer sheet, for factories that work in spreadsheets: every package of the batch
//! with its ids filled in and the status, reason and expected date left to fill, as an Excel
//! workbook (ids as text, so nothing is rounded; the status a drop-down of the answers) or as
//! CSV (UTF-8 with a byte order mark, so Excel opens it right). Filled in and sent back through
//! the portal or SFTP, it is read by [`super::parse`] like any acknowledgement file.

use rust_xlsxwriter::{DataValidation, Format, Workbook};

use super::table::COLUMNS;
use crate::domain::DomainError;
use crate::domain::batches::views::BatchDetail;
use crate::i18n::Lang;

/// The answers offered in the sheet's drop-down, in the order a factory meets them.
const ANSWERS: [&str; 10] = [
    "accepted",
    "received",
    "in_production",
    "printed",
    "packed",
    "shipped",
    "rejected",
    "backordered",
    "pulled",
    "already_shipped",
];

/// The packages still in the batch: package id, order id, tracking number.
fn rows(d: &BatchDetail) -> Vec<[&str; 3]> {
    d.packages
        .iter()
        .filter(|p| p.active)
        .map(|p| {
            [
                p.tiktok_package_id.as_str(),
                p.tiktok_order_id.as_str(),
                p.tracking_number.as_str(),
            ]
        })
        .collect()
}

/// The sheet as CSV.
pub fn csv(d: &BatchDetail) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = crate::domain::spreadsheet::write_record(&mut w, COLUMNS);
    for [package, order, tracking] in rows(d) {
        let _ = crate::domain::spreadsheet::write_record(&mut w, [package, order, tracking, "", "", ""]);
    }
    w.into_inner().unwrap_or_default()
}

/// The sheet as an Excel workbook, its help (the drop-down's prompt and a second sheet naming
/// each answer) in the reader's language; the answers themselves stay the English keywords.
pub fn xlsx(d: &BatchDetail, lang: Lang) -> Result<Vec<u8>, DomainError> {
    let fail =
        |e: rust_xlsxwriter::XlsxError| DomainError::Internal(format!("writing the answer sheet: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("answers").map_err(fail)?;
    let text = Format::new().set_num_format("@");
    let head = Format::new().set_bold().set_num_format("@");
    let rows = rows(d);
    for (col, name) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet
            .write_string_with_format(0, col, *name, &head)
            .map_err(fail)?;
        sheet.set_column_format(col, &text).map_err(fail)?;
        sheet
            .set_column_width(col, if *name == "reason" { 40 } else { 22 })
            .map_err(fail)?;
    }
    for (i, cells) in rows.iter().enumerate() {
        for (col, value) in cells.iter().enumerate() {
            sheet
                .write_string_with_format(i as u32 + 1, col as u16, *value, &text)
                .map_err(fail)?;
        }
    }
    let last = rows.len().max(1) as u32;
    let status_col = COLUMNS.iter().position(|c| *c == "status").unwrap_or(3) as u16;
    let choices = DataValidation::new()
        .allow_list_strings(&ANSWERS)
        .map_err(fail)?
        .set_input_title(lang.t("sheet-input-title"))
        .map_err(fail)?
        .set_input_message(lang.t("sheet-input-message"))
        .map_err(fail)?;
    sheet
        .add_data_validation(1, status_col, last, status_col, &choices)
        .map_err(fail)?;
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    // The second sheet: what each keyword means, in the reader's words.
    let help = book.add_worksheet();
    help.set_name(lang.t("sheet-help-name")).map_err(fail)?;
    help.write_string(0, 0, lang.t("sheet-help-intro"))
        .map_err(fail)?;
    help.write_string_with_format(2, 0, "status", &head)
        .map_err(fail)?;
    help.write_string_with_format(2, 1, lang.t("sheet-help-meaning"), &head)
        .map_err(fail)?;
    for (i, answer) in ANSWERS.iter().enumerate() {
        let row = i as u32 + 3;
        help.write_string_with_format(row, 0, *answer, &text)
            .map_err(fail)?;
        help.write_string(row, 1, lang.t(&format!("sheet-help-{answer}")))
            .map_err(fail)?;
    }
    help.set_column_width(0, 18).map_err(fail)?;
    help.set_column_width(1, 90).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}
