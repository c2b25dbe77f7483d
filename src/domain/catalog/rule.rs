//! One SKU rule as people type it: its fields (a CSV column name and the name a person reads
//! on the form), the one check both the form and the CSV import run, and the artwork of a
//! rule with `{sku}` templates filled in for a line.

use std::collections::{BTreeMap, HashMap};

use crate::db::models::now;
use crate::db::models::supplier::{NewSkuRule, SkuRule, Supplier};

use crate::domain::FieldError;

/// Print placements, each with a print file, a mockup and a checksum.
pub const PLACEMENTS: [&str; 4] = ["front", "back", "sleeve", "neck_label"];

/// A field of a rule: its CSV column and its name on the form.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
}

const fn col(key: &'static str, label: &'static str) -> Column {
    Column { key, label }
}

/// Every field of a rule, in the CSV's order.
pub const COLUMNS: [Column; 21] = [
    col("pattern", "Seller SKU or pattern"),
    col("match", "Match"),
    col("priority", "Priority"),
    col("supplier", "Supplier"),
    col("product_code", "Supplier's product code"),
    col("weight_g", "Weight (grams)"),
    col("length_in", "Length (inches)"),
    col("width_in", "Width (inches)"),
    col("height_in", "Height (inches)"),
    col("front_print_url", "Front print file URL"),
    col("front_mockup_url", "Front mockup URL"),
    col("front_checksum", "Front print file SHA-256"),
    col("back_print_url", "Back print file URL"),
    col("back_mockup_url", "Back mockup URL"),
    col("back_checksum", "Back print file SHA-256"),
    col("sleeve_print_url", "Sleeve print file URL"),
    col("sleeve_mockup_url", "Sleeve mockup URL"),
    col("sleeve_checksum", "Sleeve print file SHA-256"),
    col("neck_label_print_url", "Neck label print file URL"),
    col("neck_label_mockup_url", "Neck label mockup URL"),
    col("neck_label_checksum", "Neck label print file SHA-256"),
];

/// The placeholders an artwork URL may hold, filled in per order line.
pub const PLACEHOLDERS: [&str; 2] = ["{sku}", "{product_code}"];

/// The column of a key (a key not in [`COLUMNS`] is a programming error).
pub fn column(key: &str) -> Column {
    COLUMNS
        .iter()
        .copied()
        .find(|c| c.key == key)
        .unwrap_or_else(|| panic!("no catalog column {key}"))
}

/// The three fields of a placement: print file, mockup, checksum.
pub fn placement_columns(placement: &str) -> [Column; 3] {
    let i = 9 + 3 * PLACEMENTS.iter().position(|p| *p == placement).unwrap_or(0);
    [COLUMNS[i], COLUMNS[i + 1], COLUMNS[i + 2]]
}

/// How errors name a field: by its CSV column (an import) or as the form labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    Csv,
    Form,
}

impl Naming {
    fn name(self, key: &str) -> &'static str {
        let c = column(key);
        match self {
            Naming::Csv => c.key,
            Naming::Form => c.label,
        }
    }
}

/// One piece of artwork for a placement.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Artwork {
    pub placement: String,
    pub print_url: String,
    #[serde(default)]
    pub mockup_url: String,
    #[serde(default)]
    pub checksum: String,
}

/// A rule's fields as typed (form) or read (CSV row): text by column key; a missing key is "".
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RuleInput(pub BTreeMap<&'static str, String>);

impl RuleInput {
    /// The trimmed value of a field ("" when absent).
    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map(|s| s.trim()).unwrap_or("")
    }

    /// Sets a field (keys outside [`COLUMNS`] are ignored).
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        if let Some(c) = COLUMNS.iter().find(|c| c.key == key) {
            self.0.insert(c.key, value.into());
        }
    }

    /// A stored rule as its fields, for the edit form and the export.
    pub fn of(rule: &SkuRule, supplier_name: &str) -> RuleInput {
        let mut i = RuleInput::default();
        i.set("pattern", &rule.pattern);
        i.set("match", &rule.match_kind);
        i.set("priority", rule.priority.to_string());
        i.set("supplier", supplier_name);
        i.set("product_code", &rule.product_code);
        i.set(
            "weight_g",
            rule.weight_grams.map(|g| g.to_string()).unwrap_or_default(),
        );
        i.set("length_in", rule.length_in.clone().unwrap_or_default());
        i.set("width_in", rule.width_in.clone().unwrap_or_default());
        i.set("height_in", rule.height_in.clone().unwrap_or_default());
        for a in artwork_of(rule) {
            let [print, mockup, sum] = placement_columns(&a.placement);
            i.set(print.key, a.print_url);
            i.set(mockup.key, a.mockup_url);
            i.set(sum.key, a.checksum);
        }
        i
    }
}

/// A rule's artwork as stored.
pub fn artwork_of(rule: &SkuRule) -> Vec<Artwork> {
    serde_json::from_str(&rule.artwork).unwrap_or_default()
}

/// The artwork of one order line: `{sku}` and `{product_code}` filled in (percent-encoded, so a
/// SKU with a space or a slash stays one path segment).
pub fn artwork_for_line(rule: &SkuRule, seller_sku: &str) -> Vec<Artwork> {
    artwork_of(rule)
        .into_iter()
        .map(|a| Artwork {
            print_url: fill(&a.print_url, seller_sku, &rule.product_code),
            mockup_url: fill(&a.mockup_url, seller_sku, &rule.product_code),
            ..a
        })
        .collect()
}

/// What a filled-in value may keep as it is in a URL path segment: RFC 3986's unreserved
/// characters; everything else (a space, `/`, `?`, `#`…) is percent-encoded.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn fill(url: &str, sku: &str, product_code: &str) -> String {
    if !url.contains('{') {
        return url.to_string();
    }
    let enc = |s: &str| percent_encoding::utf8_percent_encode(s, PATH_SEGMENT).to_string();
    url.replace("{sku}", &enc(sku))
        .replace("{product_code}", &enc(product_code))
}

/// Checks an artwork URL; `Err` says why (placeholders are checked, then filled with a sample).
fn url_problem(u: &str) -> Option<String> {
    let mut rest = u;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c + 1);
        let token = close.map(|c| &rest[open..c]).unwrap_or(&rest[open..]);
        if !PLACEHOLDERS.contains(&token) {
            return Some(format!(
                "holds {token:?}; the placeholders are {}.",
                PLACEHOLDERS.join(" and ")
            ));
        }
        rest = &rest[close.unwrap_or(rest.len())..];
    }
    let sample = fill(u, "SKU", "CODE");
    let ok =
        url::Url::parse(&sample).is_ok_and(|p| matches!(p.scheme(), "http" | "https") && p.host().is_some());
    (!ok).then(|| "is not an http(s) URL.".to_string())
}

fn valid_checksum(c: &str) -> bool {
    crate::domain::artwork::bare_sha(c).is_some()
}

/// Checks one rule's fields against the workspace's suppliers: the rule to store, or every
/// problem, each on its field and named the way `naming` says.
pub fn check(
    input: &RuleInput,
    workspace_id: i64,
    suppliers: &[Supplier],
    naming: Naming,
) -> Result<NewSkuRule, Vec<FieldError>> {
    let mut errors = Vec::new();
    let n = |k| naming.name(k);
    let mut bad = |field: &'static str, message: String| {
        errors.push(FieldError {
            field,
            message: message.into(),
        })
    };
    let pattern = input.get("pattern").to_string();
    let kind = input.get("match").to_lowercase();
    if pattern.is_empty() || pattern.chars().count() > 100 {
        bad(
            "pattern",
            format!(
                "{} must hold a seller SKU or pattern of 1 to 100 characters.",
                n("pattern")
            ),
        );
    }
    if !matches!(kind.as_str(), "exact" | "prefix" | "glob") {
        bad(
            "match",
            format!("{} is {kind:?}; use exact, prefix or glob.", n("match")),
        );
    }
    let priority = match input.get("priority") {
        "" => 100,
        p => p.parse::<i64>().unwrap_or_else(|_| {
            bad(
                "priority",
                format!("{} {p:?} is not a whole number.", n("priority")),
            );
            0
        }),
    };
    let by_name: HashMap<String, &Supplier> = suppliers
        .iter()
        .filter(|s| !s.archived)
        .map(|s| (s.name.to_lowercase(), s))
        .collect();
    let supplier = input.get("supplier");
    let supplier_id = match by_name.get(&supplier.to_lowercase()) {
        Some(s) => s.id,
        None => {
            bad(
                "supplier",
                format!(
                    "{} {supplier:?} does not exist (or is archived); add it on the Suppliers page first.",
                    n("supplier")
                ),
            );
            0
        }
    };
    let weight = match input.get("weight_g") {
        "" => None,
        w => match w.parse::<i64>() {
            Ok(g) if g > 0 => Some(g),
            _ => {
                bad(
                    "weight_g",
                    format!("{} {w:?} must be whole grams above 0.", n("weight_g")),
                );
                None
            }
        },
    };
    let dims = ["length_in", "width_in", "height_in"];
    let filled = dims.iter().filter(|d| !input.get(d).is_empty()).count();
    if filled != 0 && filled != 3 {
        let empty = dims
            .iter()
            .find(|d| input.get(d).is_empty())
            .copied()
            .unwrap_or("length_in");
        bad(
            empty,
            format!(
                "give {}, {} and {} together, or none of them.",
                n("length_in"),
                n("width_in"),
                n("height_in")
            ),
        );
    }
    for d in dims {
        let v = input.get(d);
        if !v.is_empty() && !v.parse::<f64>().is_ok_and(|x| x > 0.0 && x.is_finite()) {
            bad(
                d,
                format!("{} {v:?} must be inches above 0, like 10 or 8.5.", n(d)),
            );
        }
    }
    let mut artwork = Vec::new();
    for p in PLACEMENTS {
        let [pc, mc, sc] = placement_columns(p);
        let (print, mockup, sum) = (input.get(pc.key), input.get(mc.key), input.get(sc.key));
        if print.is_empty() {
            if !mockup.is_empty() || !sum.is_empty() {
                bad(
                    pc.key,
                    format!("{} is empty but the {p} mockup or checksum is set.", n(pc.key)),
                );
            }
            continue;
        }
        if let Some(why) = url_problem(print) {
            bad(pc.key, format!("{} {print:?} {why}", n(pc.key)));
        }
        if !mockup.is_empty()
            && let Some(why) = url_problem(mockup)
        {
            bad(mc.key, format!("{} {mockup:?} {why}", n(mc.key)));
        }
        if !sum.is_empty() && !valid_checksum(sum) {
            bad(
                sc.key,
                format!(
                    "{} must be a SHA-256 (64 hex digits, optionally sha256:…).",
                    n(sc.key)
                ),
            );
        } else if !sum.is_empty() && print.contains('{') {
            bad(
                sc.key,
                format!(
                    "{} cannot be given for a templated print file: each SKU's file differs.",
                    n(sc.key)
                ),
            );
        }
        artwork.push(Artwork {
            placement: p.into(),
            print_url: print.into(),
            mockup_url: mockup.into(),
            checksum: sum.into(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let d = |k: &str| (filled == 3).then(|| input.get(k).to_string());
    Ok(NewSkuRule {
        workspace_id,
        pattern,
        match_kind: kind,
        priority,
        supplier_id,
        product_code: input.get("product_code").to_string(),
        weight_grams: weight,
        length_in: d("length_in"),
        width_in: d("width_in"),
        height_in: d("height_in"),
        artwork: serde_json::to_string(&artwork).unwrap_or_else(|_| "[]".into()),
        updated_at: now(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(artwork: &str) -> SkuRule {
        SkuRule {
            id: 1,
            workspace_id: 1,
            pattern: "TEE-".into(),
            match_kind: "prefix".into(),
            priority: 100,
            supplier_id: 1,
            product_code: "G500".into(),
            weight_grams: None,
            length_in: None,
            width_in: None,
            height_in: None,
            artwork: artwork.into(),
            updated_at: chrono::NaiveDateTime::default(),
        }
    }

    #[test]
    fn templated_artwork_gives_each_sku_its_own_file() {
        let r = rule(
            r#"[{"placement":"front","print_url":"https://cdn.example/{sku}/front.png","mockup_url":"https://cdn.example/m/{product_code}-{sku}.jpg"},
                {"placement":"back","print_url":"https://cdn.example/back.png"}]"#,
        );
        let a = artwork_for_line(&r, "TEE-CAT BLK/L");
        assert_eq!(a[0].print_url, "https://cdn.example/TEE-CAT%20BLK%2FL/front.png");
        assert_eq!(
            a[0].mockup_url,
            "https://cdn.example/m/G500-TEE-CAT%20BLK%2FL.jpg"
        );
        assert_eq!(
            a[1].print_url, "https://cdn.example/back.png",
            "a plain URL is kept"
        );
        assert_ne!(
            artwork_for_line(&r, "TEE-DOG")[0].print_url,
            a[0].print_url,
            "two SKUs of one prefix rule get two files"
        );
    }

    #[test]
    fn placeholders_are_checked_and_errors_name_fields_as_people_do() {
        let mut i = RuleInput::default();
        i.set("pattern", "TEE-");
        i.set("match", "prefix");
        i.set("supplier", "Nobody");
        i.set("weight_g", "heavy");
        i.set("length_in", "10");
        i.set("front_print_url", "https://cdn.example/{size}/front.png");
        i.set("back_print_url", "https://cdn.example/{sku}.png");
        i.set("back_checksum", format!("sha256:{}", "a".repeat(64)));
        let errs = check(&i, 1, &[], Naming::Form).unwrap_err();
        let msg = |f: &str| {
            errs.iter()
                .find(|e| e.field == f)
                .map(|e| e.message.to_string())
                .unwrap_or_default()
        };
        assert!(
            msg("weight_g").starts_with("Weight (grams) \"heavy\""),
            "{errs:?}"
        );
        assert!(
            msg("supplier").starts_with("Supplier \"Nobody\" does not exist"),
            "{errs:?}"
        );
        assert!(
            msg("width_in").contains("give Length (inches), Width (inches) and Height (inches) together"),
            "{errs:?}"
        );
        assert!(
            msg("front_print_url").contains("\"{size}\"; the placeholders are {sku} and {product_code}"),
            "{errs:?}"
        );
        assert!(msg("back_checksum").contains("templated print file"), "{errs:?}");
        let csv = check(&i, 1, &[], Naming::Csv).unwrap_err();
        assert!(
            csv.iter()
                .any(|e| e.message.to_string().starts_with("weight_g \"heavy\"")),
            "{csv:?}"
        );
    }
}
