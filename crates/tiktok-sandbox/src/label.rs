//! A real 4x6 inch shipping label PDF: sender, recipient, service, tracking number as text
//! and as a Code 128 barcode, drawn with PDF vector operators and the built-in Helvetica.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use tiktok::types::{Address, Order};

use super::world::PackageState;

/// Label width and height in points (4 x 6 inches).
pub const WIDTH: f32 = 288.0;
/// Label height in points.
pub const HEIGHT: f32 = 432.0;

fn ascii(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c as u8
            } else {
                b'?'
            }
        })
        .collect()
}

fn text(c: &mut Content, font: Name<'_>, size: f32, x: f32, y: f32, s: &str) {
    c.begin_text();
    c.set_font(font, size);
    c.next_line(x, y);
    c.show(Str(&ascii(s)));
    c.end_text();
}

fn address_lines(a: &Address) -> Vec<String> {
    let city = a
        .district_info
        .iter()
        .find(|d| d.address_level == "L3")
        .map(|d| d.address_name.clone())
        .unwrap_or_default();
    let state = a
        .district_info
        .iter()
        .find(|d| d.address_level == "L1")
        .map(|d| d.address_name.clone())
        .unwrap_or_default();
    let mut v = vec![a.name.to_uppercase(), a.address_line1.to_uppercase()];
    if !a.address_line2.is_empty() {
        v.push(a.address_line2.to_uppercase());
    }
    v.push(format!(
        "{} {} {}",
        city.to_uppercase(),
        state.to_uppercase(),
        a.postal_code
    ));
    v
}

/// Renders the label of a package.
pub fn render(p: &PackageState, order: &Order, sender: &Address) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree, page, content_id, regular, bold) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut pg = pdf.page(page);
    pg.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
    pg.parent(tree);
    pg.contents(content_id);
    let mut res = pg.resources();
    res.fonts().pair(Name(b"F1"), regular).pair(Name(b"F2"), bold);
    res.finish();
    pg.finish();
    pdf.type1_font(regular).base_font(Name(b"Helvetica"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold"));

    let (f1, f2) = (Name(b"F1"), Name(b"F2"));
    let mut c = Content::new();
    c.set_line_width(1.5);
    c.rect(6.0, 6.0, WIDTH - 12.0, HEIGHT - 12.0);
    c.stroke();
    // Service banner.
    c.rect(6.0, HEIGHT - 58.0, WIDTH - 12.0, 52.0);
    c.fill_nonzero();
    c.set_fill_gray(1.0);
    text(
        &mut c,
        f2,
        20.0,
        16.0,
        HEIGHT - 38.0,
        &p.service_name.to_uppercase(),
    );
    c.set_fill_gray(0.0);
    text(&mut c, f1, 7.0, 16.0, HEIGHT - 72.0, "FROM:");
    let mut y = HEIGHT - 82.0;
    for line in address_lines(sender) {
        text(&mut c, f1, 8.0, 16.0, y, &line);
        y -= 10.0;
    }
    text(&mut c, f2, 9.0, 16.0, y - 12.0, "SHIP TO:");
    y -= 28.0;
    for line in address_lines(&order.recipient_address) {
        text(&mut c, f2, 13.0, 28.0, y, &line);
        y -= 16.0;
    }
    // Tracking barcode.
    let bars = barcoders::sym::code128::Code128::new(format!("\u{0181}{}", p.tracking_number))
        .map(|b| b.encode())
        .unwrap_or_default();
    let module = ((WIDTH - 40.0) / bars.len().max(1) as f32).min(2.0);
    let x0 = (WIDTH - module * bars.len() as f32) / 2.0;
    for (i, bit) in bars.iter().enumerate() {
        if *bit == 1 {
            c.rect(x0 + i as f32 * module, 96.0, module, 70.0);
        }
    }
    c.fill_nonzero();
    text(
        &mut c,
        f1,
        8.0,
        16.0,
        176.0,
        &format!("{} TRACKING #", p.provider_name.to_uppercase()),
    );
    text(&mut c, f2, 12.0, 40.0, 80.0, &p.tracking_number);
    text(
        &mut c,
        f1,
        7.0,
        16.0,
        40.0,
        &format!("Order {}  Package {}", p.order_id, p.id),
    );
    text(
        &mut c,
        f1,
        7.0,
        16.0,
        30.0,
        &format!(
            "Items {}  Weight {:.0} g  Postage {} USD",
            p.line_item_ids.len(),
            p.weight_grams,
            p.price
        ),
    );
    text(
        &mut c,
        f1,
        6.0,
        16.0,
        18.0,
        "TikTok Shipping - podgate sandbox label (not valid for mailing)",
    );
    pdf.stream(content_id, &c.finish());
    pdf.finish()
}
