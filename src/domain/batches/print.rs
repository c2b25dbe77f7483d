//! A supplier's print profile, set by the seller and shown to the supplier: how the print run is
//! laid out (labels and tickets as two files, or each ticket followed by its label), the order
//! it prints in (by ship-by, by SKU, or in runs of one product and placement, each run after a
//! separator page), the tickets' page size, the labels' file names inside the zip, and whether
//! thermal-printer ZPL comes beside the PDFs. The order is fixed when a batch is sealed: the
//! packages' positions are the print order, so every file of the batch agrees on it.

use super::manifest::Line;

/// What a sealed batch prints like (the file-name template is applied when the manifest is
/// read, so it is not here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Profile {
    pub layout: PrintLayout,
    pub sort: PrintSort,
    pub page_size: PageSize,
    /// 0: no ZPL; else 203 or 300.
    pub zpl_dpi: i64,
    pub artwork: ArtworkDelivery,
}

/// How artwork reaches the supplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArtworkDelivery {
    /// Links (and checksums) in the manifest; the factory downloads them.
    #[default]
    Links,
    /// The files in the batch zip too, once each, named by checksum (`artwork/<sha256>.<ext>`).
    Files,
}

impl ArtworkDelivery {
    pub fn as_str(self) -> &'static str {
        match self {
            ArtworkDelivery::Links => "links",
            ArtworkDelivery::Files => "files",
        }
    }

    pub fn parse(s: &str) -> Option<ArtworkDelivery> {
        match s.trim() {
            "" | "links" => Some(ArtworkDelivery::Links),
            "files" => Some(ArtworkDelivery::Files),
            _ => None,
        }
    }
}

/// How a supplier's batch prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrintLayout {
    /// `labels.pdf` and `tickets.pdf`, two files in the same order (stack the two runs).
    #[default]
    Separate,
    /// `print.pdf`: each ticket followed by its label, one run on one printer.
    Pairs,
}

impl PrintLayout {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            PrintLayout::Separate => "separate",
            PrintLayout::Pairs => "pairs",
        }
    }

    /// A stored or submitted word; empty means the default.
    pub fn parse(s: &str) -> Option<PrintLayout> {
        match s.trim() {
            "" | "separate" => Some(PrintLayout::Separate),
            "pairs" => Some(PrintLayout::Pairs),
            _ => None,
        }
    }
}

/// The order a batch prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrintSort {
    /// The most urgent first (TikTok's ship-by), no groups.
    #[default]
    ShipBy,
    /// By seller SKU: a group per SKU.
    Sku,
    /// In runs of one product (the supplier's product code, else its name) and placement set,
    /// "G500 Black, front": a group per run, variants together inside it.
    Product,
}

impl PrintSort {
    pub fn as_str(self) -> &'static str {
        match self {
            PrintSort::ShipBy => "ship_by",
            PrintSort::Sku => "sku",
            PrintSort::Product => "product",
        }
    }

    pub fn parse(s: &str) -> Option<PrintSort> {
        match s.trim() {
            "" | "ship_by" => Some(PrintSort::ShipBy),
            "sku" => Some(PrintSort::Sku),
            "product" => Some(PrintSort::Product),
            _ => None,
        }
    }

    /// The group a package prints in (None when this order has no groups): a package whose
    /// lines fall in different groups is a "mixed" one, printed after every run.
    pub fn group(self, lines: &[Line]) -> Option<String> {
        if !self.has_runs() {
            return None;
        }
        let mut groups = lines.iter().map(|l| self.group_of_line(l));
        let first = groups.next().unwrap_or_default();
        Some(if groups.all(|g| g == first) {
            first
        } else {
            MIXED.into()
        })
    }

    /// Whether this order prints in runs (each after a separator page).
    pub fn has_runs(self) -> bool {
        self != PrintSort::ShipBy
    }

    /// The run one product line belongs in.
    fn group_of_line(self, l: &Line) -> String {
        match self {
            PrintSort::ShipBy => String::new(),
            PrintSort::Sku => l.seller_sku.clone(),
            PrintSort::Product => {
                let product = if l.supplier_product_code.is_empty() {
                    &l.product_name
                } else {
                    &l.supplier_product_code
                };
                let mut placements: Vec<&str> = l.artwork.iter().map(|a| a.placement.as_str()).collect();
                placements.sort_unstable();
                placements.dedup();
                if placements.is_empty() {
                    product.clone()
                } else {
                    format!("{product}, {}", placements.join(" + "))
                }
            }
        }
    }

    /// Where a package sorts (before the batch's own order, which breaks ties): its group,
    /// mixed packages last, then its variants inside the group.
    pub fn key(self, lines: &[Line]) -> (bool, String, String) {
        match self.group(lines) {
            None => (false, String::new(), String::new()),
            Some(g) => {
                let variants = lines
                    .iter()
                    .map(|l| format!("{}\u{1}{}", l.variant, l.seller_sku))
                    .collect::<Vec<_>>()
                    .join("\u{2}");
                (g == MIXED, g, variants)
            }
        }
    }
}

/// The group of packages whose lines print in different runs.
pub const MIXED: &str = "Mixed packages";

/// The tickets' page size (labels keep TikTok's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageSize {
    /// 4x6 in, the thermal label stock.
    #[default]
    FourBySix,
    /// A6, 105x148 mm.
    A6,
    /// Half US letter, 5.5x8.5 in.
    HalfLetter,
}

impl PageSize {
    pub fn as_str(self) -> &'static str {
        match self {
            PageSize::FourBySix => "4x6",
            PageSize::A6 => "a6",
            PageSize::HalfLetter => "half_letter",
        }
    }

    pub fn parse(s: &str) -> Option<PageSize> {
        match s.trim() {
            "" | "4x6" => Some(PageSize::FourBySix),
            "a6" => Some(PageSize::A6),
            "half_letter" => Some(PageSize::HalfLetter),
            _ => None,
        }
    }

    /// Width and height in PDF points.
    pub fn points(self) -> (f32, f32) {
        match self {
            PageSize::FourBySix => (288.0, 432.0),
            PageSize::A6 => (297.64, 419.53),
            PageSize::HalfLetter => (396.0, 612.0),
        }
    }
}

/// Thermal-printer resolutions podgate writes ZPL for.
pub const ZPL_DPIS: [i64; 2] = [203, 300];

/// Checks a submitted ZPL choice: "" or "0" for none, or one of [`ZPL_DPIS`].
pub fn parse_zpl_dpi(s: &str) -> Option<i64> {
    match s.trim() {
        "" | "0" | "none" => Some(0),
        d => d.parse().ok().filter(|d| ZPL_DPIS.contains(d)),
    }
}

/// How labels are named inside the zip: a template of placeholders and plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNames(String);

/// What a label file name may be made of.
pub const PLACEHOLDERS: [&str; 7] = [
    "{seller}",
    "{supplier}",
    "{seq}",
    "{position}",
    "{order}",
    "{package}",
    "{tracking}",
];

/// The default: they sort in print order and say whose they are.
pub const DEFAULT_FILE_NAMES: &str = "{position}-{order}-{package}";

/// The values one label's name is filled with.
pub struct NameParts<'a> {
    pub seller: &'a str,
    pub supplier: &'a str,
    pub seq: i64,
    pub position: i64,
    pub order: &'a str,
    pub package: &'a str,
    pub tracking: &'a str,
}

impl FileNames {
    /// Checks a template; `Err` says what to change. Empty is the default. Names must stay
    /// unique within a batch, so one of `{position}`, `{package}` or `{tracking}` is required,
    /// and the plain text is letters, digits, `-`, `_` and `.` only (no folders).
    pub fn parse(s: &str) -> Result<FileNames, String> {
        let s = s.trim().trim_end_matches(".pdf");
        if s.is_empty() {
            return Ok(FileNames(DEFAULT_FILE_NAMES.into()));
        }
        if s.chars().count() > 100 {
            return Err("Keep the file-name template under 100 characters.".into());
        }
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            check_plain(&rest[..open])?;
            let close = rest[open..]
                .find('}')
                .ok_or("A placeholder is not closed: write it as {order}.")?;
            let name = &rest[open..open + close + 1];
            if !PLACEHOLDERS.contains(&name) {
                return Err(format!(
                    "{name} is not a placeholder; use {}.",
                    PLACEHOLDERS.join(", ")
                ));
            }
            rest = &rest[open + close + 1..];
        }
        check_plain(rest)?;
        if !["{position}", "{package}", "{tracking}"]
            .iter()
            .any(|p| s.contains(p))
        {
            return Err(
                "Include {position}, {package} or {tracking} so every label gets its own name.".into(),
            );
        }
        Ok(FileNames(s.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// One label's file name (`.pdf` added); every value made safe for a file name.
    pub fn name(&self, p: &NameParts<'_>) -> String {
        let name = self
            .0
            .replace("{seller}", &safe_part(p.seller))
            .replace("{supplier}", &safe_part(p.supplier))
            .replace("{seq}", &p.seq.to_string())
            .replace("{position}", &format!("{:04}", p.position))
            .replace("{order}", &safe_part(p.order))
            .replace("{package}", &safe_part(p.package))
            .replace("{tracking}", &safe_part(p.tracking));
        format!("{name}.pdf")
    }
}

impl Default for FileNames {
    fn default() -> Self {
        FileNames(DEFAULT_FILE_NAMES.into())
    }
}

fn check_plain(s: &str) -> Result<(), String> {
    match s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        None if !s.contains("..") => Ok(()),
        None => Err("\"..\" cannot be part of a file name.".into()),
        Some(c) => Err(format!(
            "{c:?} cannot be part of a file name; use letters, digits, - _ and . between the placeholders."
        )),
    }
}

/// A value as a file-name part: ASCII letters, digits, `_` and `-` only, at most 48 characters
/// (ids come from TikTok and names from people: no `/`, `..`, spaces or control characters).
pub fn safe_part(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(48)
        .collect();
    if s.is_empty() { "_".into() } else { s }
}

/// The runs of one group, in print order, as packing finds them: each run starts after a
/// separator page naming it.
#[derive(Debug, Default, serde::Serialize)]
pub struct Runs {
    runs: Vec<(String, usize)>,
}

impl Runs {
    /// Adds the next package's group.
    pub fn push(&mut self, group: &str) {
        match self.runs.last_mut() {
            Some((g, n)) if g == group => *n += 1,
            _ => self.runs.push((group.to_string(), 1)),
        }
    }

    /// How many runs (separator pages) there are.
    pub fn count(&self) -> usize {
        self.runs.len()
    }

    /// The run at `i` (its group and package count).
    pub fn get(&self, i: usize) -> Option<(&str, usize)> {
        self.runs.get(i).map(|(g, n)| (g.as_str(), *n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::batches::manifest::ArtworkRef;

    fn line(sku: &str, code: &str, variant: &str, placements: &[&str]) -> Line {
        Line {
            seller_sku: sku.into(),
            supplier_product_code: code.into(),
            variant: variant.into(),
            product_name: "Tee".into(),
            quantity: 1,
            line_item_ids: vec![],
            artwork: placements
                .iter()
                .map(|p| ArtworkRef {
                    placement: p.to_string(),
                    url: String::new(),
                    checksum: String::new(),
                    mockup_url: String::new(),
                    file: String::new(),
                    thumb: None,
                })
                .collect(),
        }
    }

    #[test]
    fn packages_group_by_product_and_placement_and_mixed_ones_go_last() {
        let s = PrintSort::Product;
        let black_front = [line("CAT-BLK-L", "G500-BLK", "Black, L", &["front"])];
        let black_front_m = [line("DOG-BLK-M", "G500-BLK", "Black, M", &["front"])];
        let two = [
            line("CAT-BLK-L", "G500-BLK", "Black, L", &["front"]),
            line("MUG", "MUG11", "", &["wrap"]),
        ];
        assert_eq!(s.group(&black_front).as_deref(), Some("G500-BLK, front"));
        assert_eq!(s.group(&black_front), s.group(&black_front_m));
        assert_eq!(s.group(&two).as_deref(), Some(MIXED));
        assert!(s.key(&two) > s.key(&black_front));
        assert!(
            s.key(&black_front_m) > s.key(&black_front),
            "variants sort inside a run"
        );
        assert_eq!(PrintSort::ShipBy.group(&two), None);
        assert_eq!(PrintSort::Sku.group(&black_front).as_deref(), Some("CAT-BLK-L"));
    }

    #[test]
    fn a_file_name_template_is_checked_and_filled_safely() {
        let parts = NameParts {
            seller: "Demo Prints",
            supplier: "Shirt Co",
            seq: 3,
            position: 7,
            order: "5770/../1",
            package: "PKG 9",
            tracking: "9400",
        };
        let t = FileNames::parse("{seller}-{supplier}-{seq}-{order}-{package}").unwrap();
        assert_eq!(t.name(&parts), "Demo_Prints-Shirt_Co-3-5770____1-PKG_9.pdf");
        assert_eq!(
            FileNames::parse("").unwrap().name(&parts),
            "0007-5770____1-PKG_9.pdf"
        );
        assert!(FileNames::parse("{order}").unwrap_err().contains("{package}"));
        assert!(
            FileNames::parse("{oops}-{package}")
                .unwrap_err()
                .contains("not a placeholder")
        );
        assert!(FileNames::parse("a/{package}").unwrap_err().contains("'/'"));
        assert!(FileNames::parse("..{package}").is_err());
        assert!(FileNames::parse("{package").is_err());
    }

    #[test]
    fn runs_count_contiguous_groups() {
        let mut r = Runs::default();
        for g in ["a", "a", "b", "a"] {
            r.push(g);
        }
        assert_eq!(r.count(), 3);
        assert_eq!(r.get(0), Some(("a", 2)));
        assert_eq!(r.get(2), Some(("a", 1)));
    }
}
