//! What an artwork file is: its format and pixels (read from the header, never decoding the
//! whole image to check it), and its thumbnail, made once per file for tickets and pages.

use std::path::Path;

/// A thumbnail's longer side, in pixels (about 1.3 in on a 4x6 ticket at 200 dpi).
pub const THUMB_PX: u32 = 256;

/// An artwork file's format and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pixels {
    /// `png`, `jpeg` or `tiff`, also the file's extension in stores and zips.
    pub format: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Reads a file's format and size from its header; `Err` says why it is not usable artwork.
pub fn inspect(path: &Path) -> Result<Pixels, String> {
    let reader = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("could not be read here: {e}"))?;
    let format = match reader.format() {
        Some(image::ImageFormat::Png) => "png",
        Some(image::ImageFormat::Jpeg) => "jpeg",
        // Print shops and design tools export TIFF (often LZW-compressed, with layers flattened).
        Some(image::ImageFormat::Tiff) => "tiff",
        _ => {
            return Err("is not a PNG, JPEG or TIFF image: export the print file as PNG (or TIFF).".into());
        }
    };
    let (width, height) = reader.into_dimensions().map_err(|e| {
        format!(
            "is a damaged {} file ({e}): export it again.",
            format.to_uppercase()
        )
    })?;
    Ok(Pixels {
        format,
        width,
        height,
    })
}

/// Writes a PNG thumbnail of the artwork (longer side [`THUMB_PX`]), decoding within
/// `max_alloc` bytes; `Err` says why none could be made.
pub fn thumbnail(path: &Path, into: &Path, max_alloc: u64) -> Result<(), String> {
    let mut reader = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_alloc);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| e.to_string())?;
    let thumb = img.thumbnail(THUMB_PX, THUMB_PX).to_rgba8();
    thumb
        .save_with_format(into, image::ImageFormat::Png)
        .map_err(|e| e.to_string())
}

/// A thumbnail (8-bit RGB, `w` x `h`) fitted into a `side`-dot square for a thermal printer:
/// scaled, turned to grey, and dithered to black and white (Floyd–Steinberg, so tones survive
/// as dot density). Rows of whole bytes, the first pixel in the high bit, 1 = black; returns the
/// bits and the bytes per row.
pub fn one_bit(w: u32, h: u32, rgb: Vec<u8>, side: u32) -> Option<(Vec<u8>, usize)> {
    let img = image::RgbImage::from_raw(w, h, rgb)?;
    let k = side as f32 / w.max(h).max(1) as f32;
    let (tw, th) = (
        ((w as f32 * k).round() as u32).max(1),
        ((h as f32 * k).round() as u32).max(1),
    );
    let small = image::imageops::resize(&img, tw, th, image::imageops::FilterType::Triangle);
    let mut grey: Vec<f32> = small
        .pixels()
        .map(|p| 0.299 * f32::from(p.0[0]) + 0.587 * f32::from(p.0[1]) + 0.114 * f32::from(p.0[2]))
        .collect();
    let (tw, th) = (tw as usize, th as usize);
    let row_bytes = tw.div_ceil(8);
    let mut bits = vec![0u8; row_bytes * th];
    for y in 0..th {
        for x in 0..tw {
            let old = grey[y * tw + x];
            let black = old < 128.0;
            if black {
                bits[y * row_bytes + x / 8] |= 0x80 >> (x % 8);
            }
            let err = old - if black { 0.0 } else { 255.0 };
            let mut spread = |dx: isize, dy: usize, f: f32| {
                let nx = x as isize + dx;
                if nx >= 0 && (nx as usize) < tw && y + dy < th {
                    grey[(y + dy) * tw + nx as usize] += err * f;
                }
            };
            spread(1, 0, 7.0 / 16.0);
            spread(-1, 1, 3.0 / 16.0);
            spread(0, 1, 5.0 / 16.0);
            spread(1, 1, 1.0 / 16.0);
        }
    }
    Some((bits, row_bytes))
}

/// A thumbnail's pixels as 8-bit RGB on white (transparency flattened, as it prints on a
/// white ticket), with its size, for drawing into a PDF.
pub fn thumbnail_rgb(path: &Path) -> Option<(u32, u32, Vec<u8>)> {
    let img = image::ImageReader::open(path)
        .ok()?
        .with_guessed_format()
        .ok()?
        .decode()
        .ok()?
        .to_rgba8();
    let (w, h) = img.dimensions();
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for p in img.pixels() {
        let [r, g, b, a] = p.0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        rgb.extend_from_slice(&[over(r), over(g), over(b)]);
    }
    Some((w, h, rgb))
}
