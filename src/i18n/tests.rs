//! Every message exists in every language, with the same arguments, and formats; every message
//! a template names exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_templates::fluent_bundle::FluentResource;

use super::*;

fn locales() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")
}

/// A file's messages: id → the `$variables` its text uses. Fails on any syntax error.
fn messages(path: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Err((_, errors)) = FluentResource::try_new(text.clone()) {
        panic!("{}: {errors:?}", path.display());
    }
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let starts_message = line.starts_with(|c: char| c.is_ascii_alphabetic())
            && line.split_once('=').is_some_and(|(id, _)| {
                id.trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            });
        if starts_message {
            let id = line.split('=').next().unwrap_or_default().trim().to_string();
            assert!(!out.contains_key(&id), "{}: {id} twice", path.display());
            out.insert(id.clone(), BTreeSet::new());
            current = Some(id);
        }
        let vars = out
            .get_mut(current.as_ref().expect("text before the first message"))
            .unwrap();
        for part in line.split('$').skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            vars.insert(name);
        }
    }
    out
}

fn files(lang: Lang) -> BTreeMap<String, PathBuf> {
    std::fs::read_dir(locales().join(lang.code()))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect()
}

#[test]
fn every_message_exists_in_every_language_with_the_same_arguments() {
    let english = files(Lang::En);
    assert!(english.len() >= 3, "{english:?}");
    for lang in Lang::ALL {
        let theirs = files(lang);
        assert_eq!(
            theirs.keys().collect::<Vec<_>>(),
            english.keys().collect::<Vec<_>>(),
            "{} has other files than English",
            lang.code()
        );
        for (name, en_path) in &english {
            let en = messages(en_path);
            let other = messages(&theirs[name]);
            let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
            let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{}/{name} lacks {missing:?}", lang.code());
            assert!(extra.is_empty(), "{}/{name} has unknown {extra:?}", lang.code());
            for (id, vars) in &en {
                assert_eq!(
                    &other[id],
                    vars,
                    "{}/{name}: {id} uses other arguments",
                    lang.code()
                );
                // It formats in this language itself (no fallback), every argument given.
                let args: Vec<(&str, Arg)> = vars.iter().map(|v| (v.as_str(), Arg::Number(2))).collect();
                let text = lang.has(id, &args).unwrap();
                assert!(!text.trim().is_empty(), "{}: {id} is empty", lang.code());
                if name != "portal.ftl" {
                    assert!(
                        !text.contains('<'),
                        "{}/{name}: {id} is plain text, no markup",
                        lang.code()
                    );
                }
            }
        }
    }
}

#[test]
fn every_message_a_template_names_exists() {
    let en: BTreeSet<String> = files(Lang::En)
        .values()
        .flat_map(|p| messages(p).into_keys())
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut named = 0;
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            // `t("id"` or `t('id'`, where `t` is a whole name (not the end of `default(`).
            let b = text.as_bytes();
            for (i, _) in text.match_indices("t(") {
                let whole = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
                let quote = b.get(i + 2).copied();
                if !whole || !matches!(quote, Some(b'"' | b'\'')) {
                    continue;
                }
                let rest = &text[i + 3..];
                let id = &rest[..rest.find(quote.unwrap() as char).unwrap()];
                if id.ends_with('-') {
                    continue; // a prefix: "status-" ~ s, checked by rendering each page
                }
                named += 1;
                assert!(
                    en.contains(id),
                    "{} names {id}, which no locales/en file has",
                    p.display()
                );
            }
        }
    }
    assert!(named > 100, "{named}");
}

#[test]
fn words_excel_shows_fit_excel_s_limits() {
    for lang in Lang::ALL {
        assert!(
            lang.t("sheet-input-title").chars().count() <= 32,
            "{}",
            lang.code()
        );
        assert!(
            lang.t("sheet-input-message").chars().count() <= 255,
            "{}",
            lang.code()
        );
        let name = lang.t("sheet-help-name");
        assert!(name.chars().count() <= 31 && !name.contains(['[', ']', ':', '*', '?', '/', '\\']));
    }
}

#[test]
fn browsers_get_the_closest_language_and_english_otherwise() {
    assert_eq!(Lang::negotiate(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::ZhHans);
    assert_eq!(Lang::negotiate(Some("zh")), Lang::ZhHans);
    assert_eq!(Lang::negotiate(Some("es-MX,es;q=0.9")), Lang::Es);
    assert_eq!(Lang::negotiate(Some("vi-VN")), Lang::Vi);
    assert_eq!(Lang::negotiate(Some("fr-FR,de;q=0.5")), Lang::En);
    assert_eq!(Lang::negotiate(Some("de, vi;q=0.4")), Lang::Vi);
    assert_eq!(Lang::negotiate(None), Lang::En);
    assert_eq!(Lang::chosen_or("es", Some("vi")), Lang::Es);
    assert_eq!(Lang::chosen_or("", Some("vi")), Lang::Vi);
}

#[test]
fn dates_and_numbers_are_written_the_language_s_way() {
    let t = chrono::DateTime::parse_from_rfc3339("2026-12-04T18:00:00Z")
        .unwrap()
        .to_utc();
    let la: chrono_tz::Tz = "America/Los_Angeles".parse().unwrap();
    assert_eq!(Lang::En.datetime_long(t, Some(la)), "Fri 4 Dec 2026, 10:00 PST");
    assert_eq!(
        Lang::ZhHans.datetime_long(t, Some(la)),
        "2026年12月4日（星期五）10:00 PST"
    );
    assert_eq!(Lang::Es.datetime(t, None), "4 dic 2026, 18:00 UTC");
    assert_eq!(Lang::Vi.datetime(t, None), "18:00 UTC, 04/12/2026");
    assert_eq!(Lang::En.number(1234567), "1,234,567");
    assert_eq!(Lang::Vi.number(1234567), "1.234.567");
    assert_eq!(Lang::Es.number(1234), "1234");
    assert_eq!(Lang::Es.number(12345), "12.345");
    assert_eq!(Lang::ZhHans.number(12345), "12,345");
    // Inside a message too, and the plural form follows the number.
    assert_eq!(
        Lang::Vi.lookup("units", &[("count", Arg::Number(1500))]),
        "1.500 sản phẩm"
    );
    assert_eq!(Lang::En.lookup("units", &[("count", Arg::Number(1))]), "1 unit");
    assert_eq!(Lang::Es.lookup("units", &[("count", Arg::Number(1))]), "1 unidad");
}

#[test]
fn arguments_typed_by_people_are_escaped_in_html_and_kept_in_text() {
    let m = Msg::new("batch-found").arg("count", 1_i64).arg("find", "<b>&");
    assert_eq!(m.html(Lang::En), "1 package matches <code>&lt;b&gt;&amp;</code>.");
    assert_eq!(m.text(Lang::En), "1 package matches <code><b>&</code>.");
    assert_eq!(Msg::from("plain").to_string(), "plain");
}
