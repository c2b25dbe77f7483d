//! A stored label as ZPL for thermal printers (Zebra's language, which most 203 and 300 dpi
//! shipping printers speak): TikTok's PDF rendered to a 1-bit bitmap and sent as one compressed
//! graphic field (`^GFA` with Z64 data: zlib, base64 and a CRC-16 the printer checks). TikTok
//! offers ZPL only in some markets; podgate converts. Rendering costs milliseconds a label, so
//! the store does it once per label and resolution, when the label is bought for a supplier
//! who prints ZPL (or at the latest when its batch is sealed), and keeps the result.

use std::fmt::Write as _;
use std::io::Write as _;

use base64::Engine as _;

/// Why a label could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum ZplError {
    #[error("label {0} is not a readable PDF")]
    Unreadable(String),
}

/// The print width and height, in dots, of 4x6 in stock at `dpi`.
pub fn stock_dots(dpi: i64) -> (u32, u32) {
    ((4 * dpi) as u32, (6 * dpi) as u32)
}

/// A label PDF's first page as one ZPL format: rendered at `dpi` (scaled down to fit 4x6 in if
/// larger), black where the page is darker than mid-grey, no anti-aliasing (bars stay bars).
pub fn label(name: &str, pdf: &[u8], dpi: i64) -> Result<String, ZplError> {
    use hayro::hayro_interpret::InterpreterSettings;
    use hayro::hayro_syntax::Pdf;
    use hayro::vello_cpu::color::palette::css::WHITE;
    use hayro::{PixmapSettings, RenderCache, RenderSettings, render};

    let doc = Pdf::new(pdf.to_vec()).map_err(|_| ZplError::Unreadable(name.into()))?;
    let pages = doc.pages();
    let page = pages.first().ok_or_else(|| ZplError::Unreadable(name.into()))?;
    let (w, h) = page.render_dimensions();
    let (max_w, max_h) = stock_dots(dpi);
    // A hair over the exact ratio: the renderer truncates the page's size in dots, and 6 in
    // at 300 dpi must come out 1800, not 1799.
    let scale = (dpi as f32 / 72.0).min(max_w as f32 / w).min(max_h as f32 / h) * 1.000_05;
    let pixmap = render(
        page,
        &RenderCache::new(),
        &InterpreterSettings::default(),
        &RenderSettings {
            aliasing_threshold: Some(128),
            ..RenderSettings::default()
        },
        &PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    let pw = pixmap.width() as usize;
    let row_bytes = pw.div_ceil(8);
    let mut bits = Vec::with_capacity(row_bytes * pixmap.height() as usize);
    for row in pixmap.data().chunks_exact(pw.max(1)) {
        // Eight pixels a byte, black where the luminance (opaque on white: ITU-R BT.601
        // weights out of 256) is under half.
        for eight in row.chunks(8) {
            let mut byte = 0u8;
            for (i, px) in eight.iter().enumerate() {
                let lum = px.r as u32 * 77 + px.g as u32 * 150 + px.b as u32 * 29;
                byte |= u8::from(lum < 128 * 256) << (7 - i);
            }
            bits.push(byte);
        }
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "^XA\n^PW{max_w}\n^LL{max_h}\n^LH0,0\n^FO0,0{}^FS\n^XZ\n",
        graphic_field(&bits, row_bytes)
    );
    Ok(out)
}

/// `^GFA` of a bitmap (rows of `row_bytes`, 1 = print) as Z64: zlib, base64, CRC-16/XMODEM of
/// the base64 text.
pub fn graphic_field(bits: &[u8], row_bytes: usize) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = z.write_all(bits);
    let packed = z.finish().unwrap_or_default();
    let b64 = base64::engine::general_purpose::STANDARD.encode(packed);
    let crc = crc::Crc::<u16>::new(&crc::CRC_16_XMODEM).checksum(b64.as_bytes());
    format!("^GFA,{n},{n},{row_bytes},:Z64:{b64}:{crc:04X}", n = bits.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_crc_is_zebra_s() {
        // CRC-16/XMODEM's check value.
        assert_eq!(
            crc::Crc::<u16>::new(&crc::CRC_16_XMODEM).checksum(b"123456789"),
            0x31C3
        );
    }
}
