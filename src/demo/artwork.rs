//! The demo seller's artwork files, served by the demo's stand-in server (see [`super::receiver`])
//! at `/artwork/<name>.png`, so the artwork pre-flight has real files to fetch: transparent PNGs
//! drawn once per process, each sized for its product's print area, except the poster's, which
//! is deliberately too small (the pre-flight stops poster orders, and their pages say why).

use std::sync::OnceLock;

/// The demo's print areas (stored on the demo workspace; sellers write their own).
pub const PRINT_AREAS: &str = "G5000, front, 12x16, 150\nG18500, front, 12x16, 150\nMUG11, front, 8.5x3.5, 200\nPST18, front, 18x24, 150\nTOTE15, front, 12x12, 150";

/// A file: name, width and height in pixels, and the colours of its ring and bar.
type DemoFile = (&'static str, u32, u32, [u8; 3], [u8; 3]);

const FILES: [DemoFile; 5] = [
    ("tee-front", 1800, 2400, [230, 57, 70], [29, 53, 87]),
    ("hood-front", 1800, 2400, [42, 157, 143], [38, 70, 83]),
    ("mug", 1700, 700, [244, 162, 97], [38, 70, 83]),
    ("poster", 900, 1200, [69, 123, 157], [230, 57, 70]),
    ("tote", 1800, 1800, [233, 196, 106], [42, 157, 143]),
];

/// The PNG named `name` (`tee-front.png`…), drawn on first use.
pub fn file(name: &str) -> Option<&'static [u8]> {
    static DRAWN: [OnceLock<Vec<u8>>; 5] = [const { OnceLock::new() }; 5];
    let stem = name.strip_suffix(".png")?;
    let i = FILES.iter().position(|f| f.0 == stem)?;
    Some(DRAWN[i].get_or_init(|| draw(FILES[i].1, FILES[i].2, FILES[i].3, FILES[i].4)))
}

/// A ring and a bar on a transparent background.
fn draw(w: u32, h: u32, ring: [u8; 3], bar: [u8; 3]) -> Vec<u8> {
    let (cx, cy, r) = (w as f32 / 2.0, h as f32 * 0.42, w.min(h) as f32 * 0.36);
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
        let in_bar = (y as f32) > h as f32 * 0.8
            && (y as f32) < h as f32 * 0.9
            && (x as f32 - cx).abs() < w as f32 * 0.4;
        if d < r && d > r * 0.62 {
            image::Rgba([ring[0], ring[1], ring[2], 255])
        } else if in_bar || d < r * 0.3 {
            image::Rgba([bar[0], bar[1], bar[2], 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}
