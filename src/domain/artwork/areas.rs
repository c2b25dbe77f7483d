//! Print areas: how large each product type's placement prints and the resolution its artwork
//! needs there, set by the seller one per line (`G5000, front, 12x16, 150`; `*` for any
//! product). Artwork is printed as large as fits the area, so its effective resolution is the
//! larger of its pixels per inch across and down.

use crate::domain::catalog::rule::PLACEMENTS;

/// One product type's placement.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintArea {
    /// The supplier's product code, or `*` for any product.
    pub product: String,
    pub placement: String,
    pub width_in: f64,
    pub height_in: f64,
    pub min_dpi: u32,
}

impl PrintArea {
    /// The resolution artwork of this many pixels prints at, fitted to the area.
    pub fn effective_dpi(&self, width_px: i64, height_px: i64) -> f64 {
        (width_px as f64 / self.width_in).max(height_px as f64 / self.height_in)
    }

    /// The pixels that print the whole area at the minimum resolution.
    pub fn pixels_needed(&self) -> (u32, u32) {
        let px = |inches: f64| (inches * f64::from(self.min_dpi)).ceil() as u32;
        (px(self.width_in), px(self.height_in))
    }

    /// "12x16 in front area of G5000".
    pub fn describe(&self) -> String {
        let of = if self.product == "*" {
            String::new()
        } else {
            format!(" of {}", self.product)
        };
        format!(
            "{}x{} in {} area{of}",
            trim(self.width_in),
            trim(self.height_in),
            self.placement
        )
    }
}

fn trim(v: f64) -> String {
    format!("{v}")
}

/// A workspace's print areas.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrintAreas(pub Vec<PrintArea>);

impl PrintAreas {
    /// Reads the seller's lines; `Err` names every bad line (numbered from 1) and why.
    /// Blank lines and lines starting with `#` are skipped.
    pub fn parse(text: &str) -> Result<PrintAreas, Vec<String>> {
        let mut areas: Vec<PrintArea> = Vec::new();
        let mut errors = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_line(line) {
                Ok(a)
                    if areas
                        .iter()
                        .any(|b| b.product == a.product && b.placement == a.placement) =>
                {
                    errors.push(format!(
                        "Line {}: {} {} is already set above; keep one line for it.",
                        i + 1,
                        a.product,
                        a.placement
                    ))
                }
                Ok(a) => areas.push(a),
                Err(why) => errors.push(format!("Line {} ({line:?}): {why}", i + 1)),
            }
        }
        if errors.is_empty() {
            Ok(PrintAreas(areas))
        } else {
            Err(errors)
        }
    }

    /// The area of a product's placement: the product's own line, else the `*` line.
    pub fn find(&self, product: &str, placement: &str) -> Option<&PrintArea> {
        let of = |p: &str| {
            self.0
                .iter()
                .find(|a| a.placement == placement && a.product.eq_ignore_ascii_case(p))
        };
        of(product.trim()).or_else(|| of("*"))
    }
}

fn parse_line(line: &str) -> Result<PrintArea, String> {
    let parts: Vec<&str> = line.split(',').map(str::trim).collect();
    let [product, placement, size, dpi] = parts[..] else {
        return Err("write four fields: product code (or *), placement, WxH in inches, minimum dpi, as in \"G5000, front, 12x16, 150\".".into());
    };
    if product.is_empty() {
        return Err(
            "the product code is empty: write the supplier's product code, or * for any product.".into(),
        );
    }
    if !PLACEMENTS.contains(&placement) {
        return Err(format!(
            "{placement:?} is not a placement; use one of {}.",
            PLACEMENTS.join(", ")
        ));
    }
    let inches = |v: &str| v.trim().parse::<f64>().ok().filter(|v| *v > 0.0 && *v <= 200.0);
    let (w, h) = size
        .split_once(['x', 'X', '×'])
        .and_then(|(w, h)| Some((inches(w)?, inches(h)?)))
        .ok_or_else(|| format!("{size:?} is not a size; write width x height in inches, as in 12x16."))?;
    let min_dpi = dpi
        .trim_end_matches("dpi")
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=2400).contains(d))
        .ok_or_else(|| format!("{dpi:?} is not a resolution; write the minimum dots per inch, as in 150."))?;
    Ok(PrintArea {
        product: product.to_string(),
        placement: placement.to_string(),
        width_in: w,
        height_in: h,
        min_dpi,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_s_own_line_wins_over_the_any_product_line() {
        let a = PrintAreas::parse("# garments\n*, front, 12x16, 150\nMUG11, front, 8.5x3.5, 200\n").unwrap();
        assert_eq!(a.find("mug11", "front").unwrap().min_dpi, 200);
        assert_eq!(a.find("G5000", "front").unwrap().width_in, 12.0);
        assert!(a.find("G5000", "back").is_none());
    }

    #[test]
    fn every_bad_line_is_named() {
        let errors = PrintAreas::parse("G5000, front, 12x16, 150\nG5000, chest, 12x16, 150\nG5000, back, 12 by 16, 150\nG5000, front, 10x10, 300\nG5000, sleeve, 3x4, lots\n").unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].starts_with("Line 2") && errors[0].contains("chest"));
        assert!(errors[1].starts_with("Line 3") && errors[1].contains("12 by 16"));
        assert!(errors[2].starts_with("Line 4") && errors[2].contains("already set"));
        assert!(errors[3].starts_with("Line 5") && errors[3].contains("lots"));
    }

    #[test]
    fn artwork_fitted_to_the_area_prints_at_its_larger_ratio() {
        let a = PrintAreas::parse("*, front, 12x16, 150").unwrap().0.remove(0);
        assert_eq!(a.effective_dpi(1800, 1800), 150.0);
        assert_eq!(a.effective_dpi(600, 800), 50.0);
        assert_eq!(a.pixels_needed(), (1800, 2400));
        assert_eq!(a.describe(), "12x16 in front area");
    }
}
