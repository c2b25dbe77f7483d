//! The production ticket and separator pages as native ZPL (Zebra's language, which most 203
//! and 300 dpi shipping printers speak): text, Code 128 and QR codes drawn by the printer, so
//! they print sharp and small; each artwork's thumbnail as a small dithered graphic field. The
//! labels themselves are converted where they are stored (`labels::zpl`).

use super::manifest::{ManifestHead, PackageEntry};
use super::ticket::Thumbs;
use crate::domain::labels::zpl::stock_dots;
use std::fmt::Write as _;

/// Field data as ZPL reads it after `^FH`: `^`, `~` and `_` written as hex escapes; UTF-8 (the
/// format selects it with `^CI28`).
fn field(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '^' => out.push_str("_5E"),
            '~' => out.push_str("_7E"),
            '_' => out.push_str("_5F"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A native ZPL page built in 203-dpi dots and scaled to the printer's resolution.
struct Format {
    out: String,
    k: f32,
}

impl Format {
    fn new(dpi: i64) -> Format {
        let (w, h) = stock_dots(dpi);
        Format {
            out: format!("^XA\n^CI28\n^PW{w}\n^LL{h}\n^LH0,0\n"),
            k: dpi as f32 / 203.0,
        }
    }

    fn d(&self, v: u32) -> u32 {
        (v as f32 * self.k).round() as u32
    }

    /// Text with its top left at (`x`, `y`), `size` dots tall (font 0, scalable).
    fn text(&mut self, x: u32, y: u32, size: u32, s: &str) {
        let (x, y, size) = (self.d(x), self.d(y), self.d(size));
        let _ = writeln!(self.out, "^FO{x},{y}^A0N,{size},{size}^FH^FD{}^FS", field(s));
    }

    /// White text on what is already black (a band).
    fn text_on_black(&mut self, x: u32, y: u32, size: u32, s: &str) {
        let (x, y, size) = (self.d(x), self.d(y), self.d(size));
        let _ = writeln!(self.out, "^FO{x},{y}^FR^A0N,{size},{size}^FH^FD{}^FS", field(s));
    }

    /// A Code 128 barcode, `height` dots tall, human-readable line below it.
    fn code128(&mut self, x: u32, y: u32, height: u32, data: &str) {
        let (x, y, height, module) = (self.d(x), self.d(y), self.d(height), self.d(2).max(2));
        let _ = writeln!(
            self.out,
            "^FO{x},{y}^BY{module}^BCN,{height},Y,N,N,A^FH^FD{}^FS",
            field(data)
        );
    }

    /// A QR code of `data` (error correction M).
    fn qr(&mut self, x: u32, y: u32, data: &str) {
        let (x, y, mag) = (self.d(x), self.d(y), self.d(5).max(3));
        let _ = writeln!(self.out, "^FO{x},{y}^BQN,2,{mag}^FH^FDMA,{}^FS", field(data));
    }

    /// A filled box.
    fn bar(&mut self, x: u32, y: u32, w: u32, h: u32) {
        let (x, y, w, h) = (self.d(x), self.d(y), self.d(w), self.d(h));
        let _ = writeln!(self.out, "^FO{x},{y}^GB{w},{h},{h}^FS");
    }

    /// A graphic field (`^GFA…`, made at the printer's resolution) with its top left at
    /// (`x`, `y`).
    fn graphic(&mut self, x: u32, y: u32, gf: &str) {
        let (x, y) = (self.d(x), self.d(y));
        let _ = writeln!(self.out, "^FO{x},{y}{gf}^FS");
    }

    fn finish(mut self) -> String {
        self.out.push_str("^XZ\n");
        self.out
    }
}

/// Side of an artwork thumbnail on the ticket, in 203-dpi dots (about 0.24 in).
const THUMB_DOTS: u32 = 48;
/// Where the list of what to make ends (203-dpi dots from the top), leaving room for the line
/// that counts what did not fit, above the package's code.
const LIST_END: u32 = 768;

/// The production ticket of a package as native ZPL (4x6 in): the same facts, thumbnails and
/// codes as the PDF ticket.
pub fn ticket(head: &ManifestHead, p: &PackageEntry, dpi: i64, thumbs: &Thumbs) -> String {
    let mut f = Format::new(dpi);
    f.bar(0, 0, 812, 80);
    f.text_on_black(
        20,
        22,
        40,
        &format!("TICKET  batch {}  #{}", head.batch, p.position),
    );
    f.text(20, 96, 22, &format!("{} for {}", head.supplier, head.seller));
    f.text(20, 136, 20, "ORDER");
    f.text(20, 160, 30, &p.order_id);
    f.text(20, 204, 20, "PACKAGE");
    f.text(20, 228, 30, &p.package_id);
    f.text(20, 272, 20, "SHIP BY");
    f.text(20, 296, 30, &super::ticket::ship_by(&p.ship_by));
    f.qr(580, 120, &p.package_id);
    // What to make, down to LIST_END; a placement with no room for its thumbnail is named in
    // text, and what does not fit at all is counted at the end.
    let mut y = 360;
    let (mut lines_left, mut placements_left) = (0, 0);
    for (i, l) in p.lines.iter().enumerate() {
        if i >= 4 || y + 94 > LIST_END {
            lines_left = p.lines.len() - i;
            break;
        }
        f.text(20, y, 32, &format!("{} x {}", l.quantity, l.seller_sku));
        y += 38;
        let detail = if l.variant.is_empty() {
            l.product_name.clone()
        } else {
            format!("{} | {}", l.variant, l.product_name)
        };
        f.text(20, y, 22, &detail);
        y += 28;
        if !l.supplier_product_code.is_empty() {
            f.text(20, y, 22, &format!("product code {}", l.supplier_product_code));
            y += 28;
        }
        for a in &l.artwork {
            let file = a.url.rsplit('/').next().unwrap_or(&a.url);
            let named = format!("{}: {file}", a.placement);
            let thumb = (!a.checksum.is_empty() && y + THUMB_DOTS <= LIST_END)
                .then(|| thumbs.zpl(&a.checksum, f.d(THUMB_DOTS)))
                .flatten();
            if let Some(gf) = thumb {
                f.graphic(44, y, &gf);
                let x = 44 + THUMB_DOTS + 12;
                f.text(x, y + 4, 20, &named);
                // The file's checksum starts as on the PDF ticket: which file, exactly.
                let sha = a.checksum.trim_start_matches("sha256:");
                f.text(x, y + 28, 16, &format!("sha256 {}", &sha[..sha.len().min(16)]));
                y += THUMB_DOTS + 6;
            } else if y + 24 <= LIST_END {
                f.text(44, y, 20, &named);
                y += 26;
            } else {
                placements_left += 1;
            }
        }
        y += 10;
    }
    if lines_left > 0 || placements_left > 0 {
        let more = match (lines_left, placements_left) {
            (0, n) => format!("+{n} more placement(s): see the manifest"),
            (n, 0) => format!("+{n} more line(s): see the manifest"),
            (n, m) => format!("+{n} more line(s), {m} placement(s): see the manifest"),
        };
        f.text(20, y.min(LIST_END), 22, &more);
    }
    f.text(20, 800, 20, &format!("PACKAGE {}", p.package_id));
    f.code128(40, 830, 140, &p.package_id);
    f.text(
        20,
        1010,
        20,
        &format!("LABEL {} {} {}", p.carrier, p.service, p.tracking_number),
    );
    f.code128(40, 1040, 120, &p.tracking_number);
    f.finish()
}

/// The separator page that opens a run.
pub fn separator(
    head: &ManifestHead,
    group: &str,
    run: usize,
    runs: usize,
    packages: usize,
    dpi: i64,
) -> String {
    let mut f = Format::new(dpi);
    // A heavy frame and band: a separator is seen in a stack at a glance.
    let (w, h, t) = (f.d(812), f.d(1218), f.d(30));
    let _ = writeln!(f.out, "^FO0,0^GB{w},{h},{t}^FS");
    f.bar(0, 0, 812, 130);
    f.text_on_black(60, 40, 56, &format!("NEXT RUN  {run} of {runs}"));
    f.text(
        60,
        150,
        26,
        &format!("batch {}  {} for {}", head.batch, head.supplier, head.seller),
    );
    let (x, y, width, size) = (f.d(60), f.d(320), f.d(700), f.d(70));
    let _ = writeln!(
        f.out,
        "^FO{x},{y}^FB{width},4,10,L^A0N,{size},{size}^FH^FD{}^FS",
        field(group)
    );
    f.text(
        60,
        1000,
        90,
        &format!("{packages} package{}", if packages == 1 { "" } else { "s" }),
    );
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_data_cannot_end_the_field_or_start_a_command() {
        assert_eq!(field("A^XZ~JR_1\n"), "A_5EXZ_7EJR_5F1");
    }
}
