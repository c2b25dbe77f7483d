//! Dates and numbers the way each language writes them: "6 Dec 2026" and "1,234" in English,
//! "2026年12月6日" in Chinese, "06/12/2026" and "1.234" in Vietnamese, "6 dic 2026" and
//! "12.345" in Spanish (which leaves four-digit numbers ungrouped). Month and day names come
//! from chrono's locale data (glibc's); the page's script rewrites times with the browser's own
//! `Intl` in the same language.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use fluent_templates::fluent_bundle::FluentValue;
use num_format::ToFormattedString;

use super::Lang;

impl Lang {
    fn chrono_locale(self) -> chrono::Locale {
        match self {
            Lang::En => chrono::Locale::en_US,
            Lang::ZhHans => chrono::Locale::zh_CN,
            Lang::Vi => chrono::Locale::vi_VN,
            Lang::Es => chrono::Locale::es_ES,
        }
    }

    /// A whole number with the language's digit grouping.
    pub fn number(self, n: i64) -> String {
        match self {
            Lang::En => n.to_formatted_string(&num_format::Locale::en),
            Lang::ZhHans => n.to_formatted_string(&num_format::Locale::zh),
            Lang::Vi => n.to_formatted_string(&num_format::Locale::vi),
            // Spanish groups from five digits on (CLDR's minimum grouping digits: 2).
            Lang::Es if n.abs() < 10_000 => n.to_string(),
            Lang::Es => n.to_formatted_string(&num_format::Locale::es),
        }
    }

    /// A moment for a page (short: date and time with the zone named), in `zone` or UTC.
    pub fn datetime(self, t: DateTime<Utc>, zone: Option<chrono_tz::Tz>) -> String {
        let pattern = match self {
            Lang::En => "%Y-%m-%d %H:%M %Z",
            Lang::ZhHans => "%Y年%-m月%-d日 %H:%M %Z",
            Lang::Vi => "%H:%M %Z, %d/%m/%Y",
            Lang::Es => "%-d %b %Y, %H:%M %Z",
        };
        self.in_zone(t, zone, pattern)
    }

    /// A moment for mail (long: with the weekday), in `zone` or UTC: "Sun 6 Dec 2026, 23:34
    /// PST", "2026年12月6日（星期日）23:34 PST".
    pub fn datetime_long(self, t: DateTime<Utc>, zone: Option<chrono_tz::Tz>) -> String {
        let pattern = match self {
            Lang::En => "%a %-d %b %Y, %H:%M %Z",
            Lang::ZhHans => "%Y年%-m月%-d日（%A）%H:%M %Z",
            Lang::Vi => "%H:%M %Z, %A, %d/%m/%Y",
            Lang::Es => "%a %-d %b %Y, %H:%M %Z",
        };
        self.in_zone(t, zone, pattern)
    }

    /// A calendar day (an expected date).
    pub fn date(self, d: NaiveDate) -> String {
        let pattern = match self {
            Lang::En => "%Y-%m-%d",
            Lang::ZhHans => "%Y年%-m月%-d日",
            Lang::Vi => "%d/%m/%Y",
            Lang::Es => "%-d %b %Y",
        };
        d.format_localized(pattern, self.chrono_locale()).to_string()
    }

    fn in_zone(self, t: DateTime<Utc>, zone: Option<chrono_tz::Tz>, pattern: &str) -> String {
        let zone = zone.unwrap_or(chrono_tz::UTC);
        zone.from_utc_datetime(&t.naive_utc())
            .format_localized(pattern, self.chrono_locale())
            .to_string()
    }
}

/// Fluent's number formatting per bundle (a plain function pointer each, as Fluent asks):
/// whole numbers grouped the language's way; anything else as Fluent writes it.
fn fluent_number(lang: Lang, v: &FluentValue) -> Option<String> {
    match v {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 1e15 => {
            Some(lang.number(n.value as i64))
        }
        _ => None,
    }
}

pub(super) fn fluent_number_en<M>(v: &FluentValue, _: &M) -> Option<String> {
    fluent_number(Lang::En, v)
}
pub(super) fn fluent_number_zh<M>(v: &FluentValue, _: &M) -> Option<String> {
    fluent_number(Lang::ZhHans, v)
}
pub(super) fn fluent_number_vi<M>(v: &FluentValue, _: &M) -> Option<String> {
    fluent_number(Lang::Vi, v)
}
pub(super) fn fluent_number_es<M>(v: &FluentValue, _: &M) -> Option<String> {
    fluent_number(Lang::Es, v)
}
