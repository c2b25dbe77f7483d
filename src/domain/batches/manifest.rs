//! What a factory needs to make and ship a batch, as one row per line item (CSV) and as a tree
//! (JSON): which order and package, which label, which product, size and colour, how many, and
//! the production artwork for every placement.

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};

/// One print placement's artwork.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ArtworkRef {
    pub placement: String,
    pub url: String,
    /// `sha256:<hex>` or empty when the seller did not give one.
    pub checksum: String,
    /// A picture of the printed product, for the production view (empty when none).
    #[serde(default)]
    pub mockup_url: String,
    /// The file's path inside the batch zip (`artwork/<sha256>.<ext>`) when the supplier gets
    /// files; empty when it gets links.
    #[serde(default)]
    pub file: String,
    /// The batch page's name for the kept thumbnail (`art-<sha256>.png`), when this node has
    /// one; set for pages only, never written to a manifest.
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub thumb: Option<String>,
}

/// One product line of a package (units of the same SKU grouped).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Line {
    pub seller_sku: String,
    pub supplier_product_code: String,
    /// Size, colour… as TikTok names the SKU ("Black, L").
    pub variant: String,
    pub product_name: String,
    pub quantity: usize,
    pub line_item_ids: Vec<String>,
    pub artwork: Vec<ArtworkRef>,
}

/// One package (one label) of the batch.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct PackageEntry {
    pub position: i64,
    pub order_id: String,
    pub package_id: String,
    pub tracking_number: String,
    pub carrier: String,
    pub service: String,
    /// TikTok's ship-by time (RFC 3339, UTC); empty when TikTok gave none.
    pub ship_by: String,
    pub label_file: String,
    pub label_sha256: String,
    pub lines: Vec<Line>,
    /// The run it prints in (the supplier's print order: a SKU, or a product and its
    /// placements; "Mixed packages"); empty when the batch prints by ship-by.
    #[serde(default)]
    pub print_group: String,
    /// The page of its ticket in the print file (`tickets.pdf`, or `print.pdf` where the ticket
    /// comes before its label), separator pages counted; `position` is the print order.
    #[serde(default)]
    pub print_page: i64,
}

/// A batch's manifest.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Manifest {
    /// `batch`, `seller`, `supplier`, `created_at`: at the top level of the file.
    #[serde(flatten)]
    pub head: ManifestHead,
    pub packages: Vec<PackageEntry>,
}

/// The CSV header (artwork columns follow, two per placement).
const CSV_COLUMNS: [&str; 18] = [
    "batch",
    "position",
    "order_id",
    "package_id",
    "tracking_number",
    "carrier",
    "service",
    "ship_by",
    "seller_sku",
    "supplier_product_code",
    "variant",
    "product_name",
    "quantity",
    "line_item_ids",
    "label_file",
    "seller",
    "print_group",
    "print_page",
];

/// A label's file name in the default template ([`super::print::DEFAULT_FILE_NAMES`]):
/// position, order and package, so it sorts in print order. The ids come from TikTok and are
/// made safe whatever they contain (no `/`, `..`, spaces or control characters reach an unzip
/// tool), and kept short.
pub fn label_file(position: i64, order_id: &str, package_id: &str) -> String {
    super::print::FileNames::default().name(&super::print::NameParts {
        seller: "",
        supplier: "",
        seq: 0,
        position,
        order: order_id,
        package: package_id,
        tracking: "",
    })
}

/// A Unix time as RFC 3339 (empty for 0).
pub fn rfc3339(unix: i64) -> String {
    if unix <= 0 {
        return String::new();
    }
    DateTime::<Utc>::from_timestamp(unix, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// What the manifest says about the batch as a whole (packing writes the packages a chunk at a
/// time after it).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ManifestHead {
    pub batch: i64,
    /// The seller (workspace) the batch comes from: a factory serving several sellers merges
    /// their manifests and must tell them apart.
    #[serde(default)]
    pub seller: String,
    pub supplier: String,
    pub created_at: String,
    /// How the batch prints: `separate` (`labels.pdf` and `tickets.pdf`) or `pairs`
    /// (`print.pdf`, each ticket followed by its label). Older manifests: `separate`.
    #[serde(default = "separate")]
    pub print_layout: String,
    /// The print order: `ship_by`, `sku` or `product` (runs after separator pages).
    #[serde(default = "ship_by")]
    pub print_sort: String,
    /// The tickets' page size: `4x6`, `a6` or `half_letter`.
    #[serde(default = "four_by_six")]
    pub page_size: String,
    /// ZPL for thermal printers beside the PDFs at this many dots per inch (0: none).
    #[serde(default)]
    pub zpl_dpi: i64,
    /// `links`, or `files`: every artwork file is in the zip too, at each reference's `file`.
    #[serde(default = "links")]
    pub artwork_delivery: String,
}

fn links() -> String {
    "links".into()
}

fn separate() -> String {
    "separate".into()
}

fn ship_by() -> String {
    "ship_by".into()
}

fn four_by_six() -> String {
    "4x6".into()
}

impl ManifestHead {
    /// The supplier's print profile as the batch was sealed with it.
    pub fn profile(&self) -> super::print::Profile {
        use super::print::{PageSize, PrintLayout, PrintSort};
        super::print::Profile {
            layout: PrintLayout::parse(&self.print_layout).unwrap_or_default(),
            sort: PrintSort::parse(&self.print_sort).unwrap_or_default(),
            page_size: PageSize::parse(&self.page_size).unwrap_or_default(),
            zpl_dpi: self.zpl_dpi,
            artwork: super::print::ArtworkDelivery::parse(&self.artwork_delivery).unwrap_or_default(),
        }
    }
}

/// The CSV header: the fixed columns, then three per placement (sorted).
pub fn csv_header(placements: &std::collections::BTreeSet<String>) -> Vec<String> {
    let mut header: Vec<String> = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
    for p in placements {
        header.push(format!("artwork_{p}_url"));
        header.push(format!("artwork_{p}_checksum"));
        header.push(format!("artwork_{p}_file"));
    }
    header
}

/// A package's CSV rows: one per product line.
pub fn csv_rows(
    head: &ManifestHead,
    p: &PackageEntry,
    placements: &std::collections::BTreeSet<String>,
) -> Vec<Vec<String>> {
    p.lines
        .iter()
        .map(|l| {
            let mut row = vec![
                head.batch.to_string(),
                p.position.to_string(),
                p.order_id.clone(),
                p.package_id.clone(),
                p.tracking_number.clone(),
                p.carrier.clone(),
                p.service.clone(),
                p.ship_by.clone(),
                l.seller_sku.clone(),
                l.supplier_product_code.clone(),
                l.variant.clone(),
                l.product_name.clone(),
                l.quantity.to_string(),
                l.line_item_ids.join(" "),
                format!("labels/{}", p.label_file),
                head.seller.clone(),
                p.print_group.clone(),
                p.print_page.to_string(),
            ];
            for pl in placements {
                let a = l.artwork.iter().find(|a| &a.placement == pl);
                row.push(a.map(|a| a.url.clone()).unwrap_or_default());
                row.push(a.map(|a| a.checksum.clone()).unwrap_or_default());
                row.push(a.map(|a| a.file.clone()).unwrap_or_default());
            }
            row
        })
        .collect()
}

/// Writes `manifest.json` a package at a time, in the layout `serde_json`'s pretty printer
/// gives the whole [`Manifest`] (which is how it is read back).
pub struct JsonOut<W: std::io::Write> {
    out: W,
    packages: usize,
}

impl<W: std::io::Write> JsonOut<W> {
    /// Writes everything before the first package.
    pub fn start(mut out: W, head: &ManifestHead) -> std::io::Result<Self> {
        let s = |v: &str| serde_json::to_string(v).unwrap_or_default();
        write!(
            out,
            "{{\n  \"batch\": {},\n  \"seller\": {},\n  \"supplier\": {},\n  \"created_at\": {},\n  \"print_layout\": {},\n  \"print_sort\": {},\n  \"page_size\": {},\n  \"zpl_dpi\": {},\n  \"artwork_delivery\": {},\n  \"packages\": [",
            head.batch,
            s(&head.seller),
            s(&head.supplier),
            s(&head.created_at),
            s(&head.print_layout),
            s(&head.print_sort),
            s(&head.page_size),
            head.zpl_dpi,
            s(&head.artwork_delivery)
        )?;
        Ok(JsonOut { out, packages: 0 })
    }

    /// Writes one package.
    pub fn package(&mut self, p: &PackageEntry) -> std::io::Result<()> {
        let body = serde_json::to_string_pretty(p).map_err(std::io::Error::other)?;
        self.out
            .write_all(if self.packages == 0 { b"\n" } else { b",\n" })?;
        // A JSON string holds no raw line break, so indenting line by line is safe.
        for (i, line) in body.lines().enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(b"    ")?;
            self.out.write_all(line.as_bytes())?;
        }
        self.packages += 1;
        Ok(())
    }

    /// Closes the document; returns the writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.out.write_all(if self.packages == 0 {
            b"]\n}\n"
        } else {
            b"\n  ]\n}\n"
        })?;
        Ok(self.out)
    }
}

impl ManifestHead {
    /// The time stamped on every zip entry: when the batch was started (stored, so packing the
    /// same batch again gives the same bytes).
    pub fn zip_time(&self) -> zip::DateTime {
        zip_time(&self.created_at)
    }
}

fn zip_time(created_at: &str) -> zip::DateTime {
    let t = NaiveDateTime::parse_from_str(created_at, "%Y-%m-%dT%H:%M:%SZ").unwrap_or_default();
    zip::DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}
