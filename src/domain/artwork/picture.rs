//! What an artwork file is: its format and pixels (read from the header, never decoding the
//! whole image to check it), and its thumbnail, made once per file for tickets and pages.

use std::path::Path;

/// A thumbnail's longer side, in pixels (about 1.3 in on a 4x6 ticket at 200 dpi).
pub const THUMB_PX: u32 = 256;

/// An artwork file's format and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pixels {
    /// `png` or `jpeg`, also the file's extension in stores and zips.
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
        _ => return Err("is not a PNG or JPEG image: export the print file as PNG (or JPEG).".into()),
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
