//! The production ticket printed beside each shipping label: whose order and package it is,
//! what to make (SKU, product, size and colour, quantity, each placement's artwork), the
//! ship-by time, a thumbnail of each artwork file the pre-flight checked, and three codes a packing bench scans: the package id as Code 128 and as a QR
//! code, and the label's tracking number as Code 128, so a scanner can tell that a ticket and a
//! label belong together. Designed at 4x6 inches, like the label, and scaled to the page size
//! the supplier chose; drawn with PDF operators and the built-in Helvetica (Western European
//! text; other scripts show as `?`, the ids never do). A separator page of the same size opens
//! each run of a sorted print order.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

use super::manifest::{ManifestHead, PackageEntry};
use super::print::PageSize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::domain::artwork::ArtworkStore;

/// Ticket width in points (4 inches).
pub const WIDTH: f32 = 288.0;
/// Ticket height in points (6 inches).
pub const HEIGHT: f32 = 432.0;
/// Product lines shown at most (fewer when their placements fill the space); more are counted
/// ("+2 more line(s): see the manifest").
const MAX_LINES: usize = 4;

/// Text in the font's encoding (WinAnsi): ASCII and Latin-1 as they are, anything else `?`.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c as u32 {
            0x20..=0x7E | 0xA0..=0xFF => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

/// At most `n` characters, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n.saturating_sub(3)).collect::<String>() + "..."
    }
}

struct Page {
    c: Content,
    /// The thumbnails the page's resources hold (`Im0`, `Im1`…), by artwork checksum.
    thumbs: Vec<Rc<Thumb>>,
}

/// An artwork thumbnail to draw: 8-bit RGB pixels, deflated as the PDF stores them.
struct Thumb {
    checksum: String,
    width: u32,
    height: u32,
    deflated: Vec<u8>,
}

/// The thumbnails tickets draw, each read and compressed once however many tickets of a batch
/// show it (a run of 10,000 tees draws one file).
pub struct Thumbs {
    store: ArtworkStore,
    made: RefCell<HashMap<String, Option<Rc<Thumb>>>>,
    /// The same as ZPL graphic fields, by checksum and size in dots.
    zpl: RefCell<HashMap<(String, u32), ZplThumb>>,
}

/// A thumbnail as a ZPL `^GFA` graphic field (None: the store has no thumbnail of that file).
type ZplThumb = Option<Rc<str>>;

impl Thumbs {
    pub fn new(store: ArtworkStore) -> Thumbs {
        Thumbs {
            store,
            made: RefCell::default(),
            zpl: RefCell::default(),
        }
    }

    /// The thumbnail of the artwork with this checksum as a ZPL `^GFA` graphic field fitted in
    /// a `side`-dot square, dithered to black and white, when the store has one.
    pub(super) fn zpl(&self, checksum: &str, side: u32) -> ZplThumb {
        let key = (checksum.to_string(), side);
        if let Some(z) = self.zpl.borrow().get(&key) {
            return z.clone();
        }
        let z = self
            .store
            .find_thumb(checksum)
            .and_then(|path| crate::domain::artwork::picture::thumbnail_rgb(&path))
            .and_then(|(w, h, rgb)| crate::domain::artwork::picture::one_bit(w, h, rgb, side))
            .map(|(bits, row_bytes)| Rc::from(crate::domain::labels::zpl::graphic_field(&bits, row_bytes)));
        self.zpl.borrow_mut().insert(key, z.clone());
        z
    }

    /// The thumbnail of the artwork with this checksum, when the store has one.
    fn get(&self, checksum: &str) -> Option<Rc<Thumb>> {
        if let Some(t) = self.made.borrow().get(checksum) {
            return t.clone();
        }
        let thumb = self
            .store
            .find_thumb(checksum)
            .and_then(|path| crate::domain::artwork::picture::thumbnail_rgb(&path))
            .map(|(width, height, rgb)| {
                let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                let deflated = std::io::Write::write_all(&mut z, &rgb)
                    .and_then(|_| z.finish())
                    .unwrap_or_default();
                Rc::new(Thumb {
                    checksum: checksum.to_string(),
                    width,
                    height,
                    deflated,
                })
            });
        self.made.borrow_mut().insert(checksum.to_string(), thumb.clone());
        thumb
    }
}

/// Side of a thumbnail on the ticket, in points (about 0.45 in).
const THUMB_PT: f32 = 32.0;

impl Page {
    fn text(&mut self, bold: bool, size: f32, x: f32, y: f32, s: &str) {
        self.c.begin_text();
        self.c.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
        self.c.next_line(x, y);
        self.c.show(Str(&win_ansi(s)));
        self.c.end_text();
    }

    /// A Code 128 barcode of `data`, centred, `height` tall from `y`, with a quiet zone of ten
    /// modules each side; numeric ids of even length use the compact numeric code set.
    fn code128(&mut self, data: &str, y: f32, height: f32) {
        let numeric = !data.is_empty() && data.len() % 2 == 0 && data.bytes().all(|b| b.is_ascii_digit());
        let set = if numeric { '\u{0106}' } else { '\u{0181}' };
        let bars = barcoders::sym::code128::Code128::new(format!("{set}{data}"))
            .map(|b| b.encode())
            .unwrap_or_default();
        let modules = bars.len() as f32 + 20.0;
        let module = ((WIDTH - 24.0) / modules).min(2.0);
        let x0 = (WIDTH - module * bars.len() as f32) / 2.0;
        for (i, bit) in bars.iter().enumerate() {
            if *bit == 1 {
                self.c.rect(x0 + i as f32 * module, y, module, height);
            }
        }
        self.c.fill_nonzero();
    }

    /// The thumbnail of the artwork with this checksum, fitted in a [`THUMB_PT`] square with its
    /// lower left corner at (`x`, `y`); false when there is none.
    fn thumb(&mut self, checksum: &str, x: f32, y: f32) -> bool {
        let Some(i) = self
            .thumbs
            .iter()
            .position(|t| !checksum.is_empty() && t.checksum == checksum)
        else {
            return false;
        };
        let (w, h) = (self.thumbs[i].width as f32, self.thumbs[i].height as f32);
        let k = THUMB_PT / w.max(h);
        self.c.save_state();
        self.c.transform([
            w * k,
            0.0,
            0.0,
            h * k,
            x + (THUMB_PT - w * k) / 2.0,
            y + (THUMB_PT - h * k) / 2.0,
        ]);
        self.c.x_object(Name(format!("Im{i}").as_bytes()));
        self.c.restore_state();
        // A hairline frame, so a white design still shows where it is.
        self.c.set_line_width(0.3);
        self.c.rect(x, y, THUMB_PT, THUMB_PT);
        self.c.stroke();
        true
    }

    /// A QR code of `data`, `size` points square with its lower left corner at (`x`, `y`),
    /// a four-module quiet zone included.
    fn qr(&mut self, data: &str, x: f32, y: f32, size: f32) {
        let Ok(code) = qrcode::QrCode::new(data.as_bytes()) else {
            return;
        };
        let w = code.width();
        let module = size / (w as f32 + 8.0);
        let colors = code.to_colors();
        for (i, color) in colors.iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (row, col) = (i / w, i % w);
                self.c.rect(
                    x + (col as f32 + 4.0) * module,
                    y + size - (row as f32 + 5.0) * module,
                    module,
                    module,
                );
            }
        }
        self.c.fill_nonzero();
    }
}

/// "2026-12-08 17:00 UTC" from TikTok's RFC 3339 time; "none given" when it gave none.
pub(super) fn ship_by(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.to_utc().format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| "none given".into())
}

/// One page of `size`: `draw` draws at 4x6 in ([`WIDTH`] x [`HEIGHT`]), scaled to fit and
/// centred on larger or differently shaped pages.
fn one_page(size: PageSize, thumbs: Vec<Rc<Thumb>>, draw: impl FnOnce(&mut Page)) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree, page, content_id, regular, bold) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    let (w, h) = size.points();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut pg = pdf.page(page);
    pg.media_box(Rect::new(0.0, 0.0, w, h));
    pg.parent(tree);
    pg.contents(content_id);
    let mut res = pg.resources();
    res.fonts().pair(Name(b"F1"), regular).pair(Name(b"F2"), bold);
    let image_ref = |i: usize| Ref::new(7 + i as i32);
    if !thumbs.is_empty() {
        let mut x = res.x_objects();
        for i in 0..thumbs.len() {
            x.pair(Name(format!("Im{i}").as_bytes()), image_ref(i));
        }
    }
    res.finish();
    pg.finish();
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (i, th) in thumbs.iter().enumerate() {
        let mut img = pdf.image_xobject(image_ref(i), &th.deflated);
        img.filter(Filter::FlateDecode);
        img.width(th.width as i32);
        img.height(th.height as i32);
        img.color_space().device_rgb();
        img.bits_per_component(8);
    }
    let mut t = Page {
        c: Content::new(),
        thumbs,
    };
    if size != PageSize::FourBySix {
        let k = (w / WIDTH).min(h / HEIGHT);
        t.c.transform([k, 0.0, 0.0, k, (w - WIDTH * k) / 2.0, (h - HEIGHT * k) / 2.0]);
    }
    draw(&mut t);
    pdf.stream(content_id, &t.c.finish());
    pdf.finish()
}

/// The separator page that opens a run: which run, of how many, and how many packages follow.
pub fn separator(head: &ManifestHead, group: &str, run: usize, runs: usize, packages: usize) -> Vec<u8> {
    one_page(head.profile().page_size, Vec::new(), |t| {
        t.c.rect(0.0, 0.0, WIDTH, HEIGHT);
        t.c.fill_nonzero();
        t.c.set_fill_gray(1.0);
        t.c.rect(12.0, 12.0, WIDTH - 24.0, HEIGHT - 24.0);
        t.c.fill_nonzero();
        t.c.set_fill_gray(0.0);
        t.text(
            true,
            13.0,
            24.0,
            HEIGHT - 48.0,
            &format!("NEXT RUN  {run} of {runs}"),
        );
        t.text(
            false,
            8.0,
            24.0,
            HEIGHT - 64.0,
            &clip(
                &format!("batch {}  {} for {}", head.batch, head.supplier, head.seller),
                60,
            ),
        );
        let mut y = HEIGHT - 130.0;
        // The group in large type, wrapped at about 18 characters a line.
        let mut line = String::new();
        for word in group.split_whitespace() {
            if !line.is_empty() && line.chars().count() + word.chars().count() > 18 {
                t.text(true, 22.0, 24.0, y, &line);
                y -= 28.0;
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&clip(word, 20));
            if y < 120.0 {
                break;
            }
        }
        t.text(true, 22.0, 24.0, y, &line);
        t.text(
            true,
            30.0,
            24.0,
            70.0,
            &format!("{packages} package{}", if packages == 1 { "" } else { "s" }),
        );
    })
}

/// The ticket of one package, as a one-page PDF, with the thumbnails of its artwork.
pub fn render(head: &ManifestHead, p: &PackageEntry, art: &Thumbs) -> Vec<u8> {
    let mut thumbs: Vec<Rc<Thumb>> = Vec::new();
    for a in p.lines.iter().take(MAX_LINES).flat_map(|l| &l.artwork) {
        if a.checksum.is_empty() || thumbs.iter().any(|t| t.checksum == a.checksum) {
            continue;
        }
        thumbs.extend(art.get(&a.checksum));
    }
    one_page(head.profile().page_size, thumbs, |t| draw_ticket(t, head, p))
}

/// Lowest point the list of what to make may reach (the codes are below).
const LIST_BOTTOM: f32 = 160.0;

fn draw_ticket(t: &mut Page, head: &ManifestHead, p: &PackageEntry) {
    // The band: what this is and where it sits in the batch.
    t.c.rect(0.0, HEIGHT - 40.0, WIDTH, 40.0);
    t.c.fill_nonzero();
    t.c.set_fill_gray(1.0);
    t.text(
        true,
        15.0,
        10.0,
        HEIGHT - 27.0,
        &format!("TICKET  batch {}  #{}", head.batch, p.position),
    );
    t.c.set_fill_gray(0.0);
    t.text(
        false,
        7.5,
        10.0,
        HEIGHT - 52.0,
        &clip(&format!("{} for {}", head.supplier, head.seller), 60),
    );
    // Whose package, and by when.
    t.text(false, 7.0, 10.0, HEIGHT - 68.0, "ORDER");
    t.text(true, 10.0, 10.0, HEIGHT - 79.0, &p.order_id);
    t.text(false, 7.0, 10.0, HEIGHT - 94.0, "PACKAGE");
    t.text(true, 10.0, 10.0, HEIGHT - 105.0, &p.package_id);
    t.text(false, 7.0, 10.0, HEIGHT - 120.0, "SHIP BY");
    t.text(true, 10.0, 10.0, HEIGHT - 131.0, &ship_by(&p.ship_by));
    t.qr(&p.package_id, WIDTH - 86.0, HEIGHT - 132.0, 80.0);
    // What to make.
    let mut y = HEIGHT - 152.0;
    t.c.set_line_width(0.5);
    t.c.move_to(10.0, y + 8.0);
    t.c.line_to(WIDTH - 10.0, y + 8.0);
    t.c.stroke();
    let mut shown = 0;
    for l in p.lines.iter().take(MAX_LINES) {
        // Room for a line with one placement above the codes, or it is counted below.
        if y < 210.0 {
            break;
        }
        shown += 1;
        t.text(
            true,
            11.0,
            10.0,
            y - 4.0,
            &clip(&format!("{} x {}", l.quantity, l.seller_sku), 38),
        );
        y -= 15.0;
        let mut detail = l.product_name.clone();
        if !l.variant.is_empty() {
            detail = format!("{} | {}", l.variant, detail);
        }
        t.text(false, 8.0, 10.0, y - 2.0, &clip(&detail, 62));
        y -= 11.0;
        if !l.supplier_product_code.is_empty() {
            t.text(
                false,
                7.5,
                10.0,
                y - 2.0,
                &format!("product code {}", l.supplier_product_code),
            );
            y -= 10.0;
        }
        for a in &l.artwork {
            let file = a.url.rsplit('/').next().unwrap_or(&a.url);
            let what = format!("{}: {}", a.placement, file);
            if y - THUMB_PT - 4.0 >= LIST_BOTTOM && t.thumb(&a.checksum, 18.0, y - THUMB_PT - 2.0) {
                // The picture, with what it is and the start of its checksum beside it.
                t.text(false, 7.0, 18.0 + THUMB_PT + 6.0, y - 10.0, &clip(&what, 52));
                let sum = a.checksum.trim_start_matches("sha256:");
                t.text(
                    false,
                    6.0,
                    18.0 + THUMB_PT + 6.0,
                    y - 20.0,
                    &format!("sha256 {}", &sum[..sum.len().min(16)]),
                );
                y -= THUMB_PT + 4.0;
            } else if y - 9.0 >= LIST_BOTTOM {
                t.text(false, 7.0, 18.0, y - 2.0, &clip(&what, 64));
                y -= 9.0;
            }
        }
        y -= 4.0;
    }
    if p.lines.len() > shown {
        let more = p.lines.len() - shown;
        t.text(
            true,
            8.0,
            10.0,
            y - 2.0,
            &format!("+{more} more line(s): see the manifest"),
        );
    }
    // The codes a scanner checks the pair with.
    t.text(false, 7.0, 10.0, 150.0, &format!("PACKAGE {}", p.package_id));
    t.code128(&p.package_id, 96.0, 48.0);
    t.text(
        false,
        7.0,
        10.0,
        76.0,
        &clip(
            &format!("LABEL {} {} {}", p.carrier, p.service, p.tracking_number),
            70,
        ),
    );
    t.code128(&p.tracking_number, 18.0, 52.0);
}
