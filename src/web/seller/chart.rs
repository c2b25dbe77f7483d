//! Charts drawn on the server as SVG (no script): the scorecard's late dispatch rate per day,
//! one line per supplier. The table beside it carries the same figures as text.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::domain::dispatch::scorecard::Score;

/// Colours told apart with colour-blindness (Okabe–Ito).
const COLOURS: [&str; 6] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The late dispatch rate per day of purchase, from `first` to `last`, per supplier.
pub fn late_rate(scores: &[Score], first: NaiveDate, last: NaiveDate) -> String {
    let (w, h, left, bottom, top, right) = (640.0, 240.0, 44.0, 28.0, 12.0, 12.0);
    let days = (last - first).num_days().max(1) as f64;
    let x = |d: NaiveDate| left + (d - first).num_days() as f64 / days * (w - left - right);
    let y = |pct: f64| top + (100.0 - pct) / 100.0 * (h - top - bottom);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title" preserveAspectRatio="xMidYMid meet"><title id="chart-title">Late dispatch rate per day of purchase, per supplier, {first} to {last}</title>"#
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
    for (i, s) in scores.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let points: Vec<String> = s
            .daily
            .iter()
            .filter(|(d, (decided, _))| **d >= first && **d <= last && *decided > 0)
            .map(|(d, (decided, late))| {
                format!("{:.1},{:.1}", x(*d), y(100.0 * *late as f64 / *decided as f64))
            })
            .collect();
        if points.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{}"><title>{}</title></polyline>"#,
            points.join(" "),
            escape(&s.supplier)
        );
        for p in &points {
            let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(svg, r#"<circle cx="{px}" cy="{py}" r="3" fill="{colour}"/>"#);
        }
        let _ = write!(
            svg,
            r##"<rect x="{}" y="{}" width="10" height="10" fill="{colour}"/><text x="{}" y="{}" font-size="12" fill="#101828">{}</text>"##,
            left + 8.0 + 150.0 * i as f64,
            top + 2.0,
            left + 22.0 + 150.0 * i as f64,
            top + 11.0,
            escape(&s.supplier)
        );
    }
    svg.push_str("</svg>");
    svg
}
