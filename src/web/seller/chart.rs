//! Charts drawn on the server as SVG (no script): the scorecard's late dispatch rate per day,
//! one line per supplier. The table beside it carries the same figures as text.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::i18n::Lang;

use crate::domain::dispatch::scorecard::{Daily, Score};

/// Colours told apart with colour-blindness (Okabe–Ito).
const COLOURS: [&str; 6] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Suppliers drawn beside the whole: more lines than this cannot be told apart.
const MOST: usize = 5;

/// The lines to draw: with more than one supplier, all of them together first, then the (at
/// most [`MOST`]) suppliers with the highest late rate; the table lists every one.
fn lines(scores: &[Score], lang: Lang) -> Vec<(String, Daily)> {
    let mut out = Vec::new();
    if scores.len() > 1 {
        let mut all = Daily::new();
        for s in scores {
            for (d, (decided, late)) in &s.daily {
                let e = all.entry(*d).or_default();
                e.0 += decided;
                e.1 += late;
            }
        }
        out.push((lang.t("score-chart-all"), all));
    }
    let mut worst: Vec<&Score> = scores.iter().filter(|s| s.late_rate.is_some()).collect();
    worst.sort_by(|a, b| b.late_rate.unwrap_or(0.0).total_cmp(&a.late_rate.unwrap_or(0.0)));
    out.extend(
        worst
            .into_iter()
            .take(MOST)
            .map(|s| (s.supplier.clone(), s.daily.clone())),
    );
    out
}

/// The late dispatch rate per day of purchase, from `first` to `last`: every supplier together
/// and the latest few.
pub fn late_rate(scores: &[Score], first: NaiveDate, last: NaiveDate, lang: Lang) -> String {
    let (w, h, left, bottom, top, right) = (640.0, 240.0, 44.0, 28.0, 12.0, 12.0);
    let days = (last - first).num_days().max(1) as f64;
    let x = |d: NaiveDate| left + (d - first).num_days() as f64 / days * (w - left - right);
    let y = |pct: f64| top + (100.0 - pct) / 100.0 * (h - top - bottom);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title" preserveAspectRatio="xMidYMid meet"><title id="chart-title">{}</title>"#,
        crate::i18n::escape_html(&lang.lookup(
            "score-chart-svg-title",
            &[
                ("first", lang.date(first).into()),
                ("last", lang.date(last).into())
            ],
        ))
    );
    for pct in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{y}" y2="{y}" stroke="#d0d5dd" stroke-width="1"/><text x="{}" y="{}" font-size="11" text-anchor="end" fill="#475467">{pct}%</text>"##,
            w - right,
            left - 6.0,
            y(pct) + 4.0,
            y = y(pct),
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{left}" y="{}" font-size="11" fill="#475467">{first}</text><text x="{}" y="{}" font-size="11" text-anchor="end" fill="#475467">{last}</text>"##,
        h - 8.0,
        w - right,
        h - 8.0
    );
    for (i, (name, daily)) in lines(scores, lang).iter().enumerate() {
        // The whole (drawn first when there are several suppliers): dark and dashed.
        let whole = i == 0 && scores.len() > 1;
        let (colour, dash) = if whole {
            ("#101828", r#" stroke-dasharray="6 4""#)
        } else {
            (COLOURS[i % COLOURS.len()], "")
        };
        let points: Vec<(f64, f64)> = daily
            .iter()
            .filter(|(d, (decided, _))| **d >= first && **d <= last && *decided > 0)
            .map(|(d, (decided, late))| (x(*d), y(100.0 * *late as f64 / *decided as f64)))
            .collect();
        if points.is_empty() {
            continue;
        }
        let coords: Vec<String> = points.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect();
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash} points="{}"><title>{}</title></polyline>"#,
            coords.join(" "),
            escape(name)
        );
        // Dots only where there are few days: 90 days of dots per line is noise.
        if points.len() <= 31 {
            for (px, py) in &points {
                let _ = write!(
                    svg,
                    r#"<circle cx="{px:.1}" cy="{py:.1}" r="3" fill="{colour}"/>"#
                );
            }
        }
        let (col, row) = ((i % 3) as f64, (i / 3) as f64);
        let _ = write!(
            svg,
            r##"<rect x="{}" y="{}" width="10" height="10" fill="{colour}"/><text x="{}" y="{}" font-size="12" fill="#101828">{}</text>"##,
            left + 8.0 + 190.0 * col,
            top + 2.0 + 16.0 * row,
            left + 22.0 + 190.0 * col,
            top + 11.0 + 16.0 * row,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}
