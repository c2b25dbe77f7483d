//! The languages a supplier's people read podgate in: the supplier portal, their mail and the
//! SFTP result files, in English, Simplified Chinese, Vietnamese or Spanish (the seller's side
//! is in English). Words live in Project Fluent files under `locales/<code>/`, compiled into
//! the binary; dates and numbers are written the way each language writes them (`format`).
//! Keywords machines read (ack statuses, CSV headers, API codes) stay English in every language.

mod format;
mod msg;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

pub use msg::{Arg, Msg};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they would show up in mail, CSV cells
        // and HTML attributes. Numbers are grouped the language's way.
        customise: |bundle| {
            bundle.set_use_isolating(false);
            let lang = bundle.locales.first().and_then(|l| Lang::from_code(&l.to_string()));
            bundle.set_formatter(Some(match lang.unwrap_or(Lang::En) {
                Lang::En => format::fluent_number_en,
                Lang::ZhHans => format::fluent_number_zh,
                Lang::Vi => format::fluent_number_vi,
                Lang::Es => format::fluent_number_es,
            }));
        },
    };
}

/// A language podgate speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Lang {
    En,
    /// Simplified Chinese, as written in mainland China (most Chinese POD factories).
    ZhHans,
    Vi,
    /// Spanish, neutral between Mexico and Spain.
    Es,
}

static IDS: LazyLock<HashMap<Lang, LanguageIdentifier>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|l| (*l, l.code().parse().expect("language codes are valid")))
        .collect()
});

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::ZhHans, Lang::Vi, Lang::Es];

    /// The BCP 47 tag: the `locales/` folder, `<html lang>`, the stored choice.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHans => "zh-CN",
            Lang::Vi => "vi",
            Lang::Es => "es",
        }
    }

    /// The language's name in itself, for the chooser.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhHans => "简体中文",
            Lang::Vi => "Tiếng Việt",
            Lang::Es => "Español",
        }
    }

    /// A stored or submitted code; None for anything else ("" included).
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The best of our languages for a browser's `Accept-Language` (English when none fits):
    /// `zh-TW` or `zh` read Simplified Chinese, `es-MX` Spanish, `vi-VN` Vietnamese.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::En;
        };
        let requested = fluent_langneg::accepted_languages::parse(header);
        let available: Vec<&LanguageIdentifier> = Lang::ALL.iter().map(|l| &IDS[l]).collect();
        fluent_langneg::negotiate_languages(
            &requested,
            &available,
            None,
            fluent_langneg::NegotiationStrategy::Filtering,
        )
        .first()
        .and_then(|l| Lang::from_code(&l.to_string()))
        .unwrap_or(Lang::En)
    }

    /// The person's own choice if they made one, else their browser's.
    pub fn chosen_or(stored: &str, accept_language: Option<&str>) -> Lang {
        Lang::from_code(stored).unwrap_or_else(|| Lang::negotiate(accept_language))
    }

    fn id(self) -> &'static LanguageIdentifier {
        &IDS[&self]
    }

    /// A message without arguments, as plain text.
    pub fn t(self, id: &str) -> String {
        self.lookup(id, &[])
    }

    /// A message with arguments, as plain text (mail, files, flash messages).
    pub fn lookup(self, id: &str, args: &[(&str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), v.fluent()))
            .collect();
        LOCALES.lookup_complete(self.id(), id, Some(&map))
    }

    /// Whether this language itself has the message, every argument given (no English
    /// fallback): what the completeness test checks.
    pub fn has(self, id: &str, args: &[(&str, Arg)]) -> Result<String, String> {
        let map: HashMap<String, FluentValue<'static>> =
            args.iter().map(|(k, v)| (k.to_string(), v.fluent())).collect();
        LOCALES
            .lookup_single_language(self.id(), id, Some(&map))
            .map_err(|e| format!("{}: {id}: {e}", self.code()))
    }
}

/// Text made safe for HTML: what an argument typed by a person becomes inside a message that
/// carries markup of its own (minijinja's escaping, the same every page's values get).
pub fn escape_html(s: &str) -> String {
    minijinja::HtmlEscape(s).to_string()
}

#[cfg(test)]
mod tests;
