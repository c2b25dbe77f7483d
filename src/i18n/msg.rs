//! A message for a person that is put into words only when their language is known: domain
//! code says *what* happened (a Fluent id and its arguments); each channel words it for its
//! reader. English wording (API answers, logs) comes from the same `locales/en` files.

use fluent_templates::fluent_bundle::FluentValue;

use super::{Lang, escape_html};

/// An argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    /// A count: chooses the plural form, written with the language's grouping.
    Number(i64),
}

impl Arg {
    pub(super) fn fluent(&self) -> FluentValue<'static> {
        match self {
            Arg::Text(s) => FluentValue::from(s.clone()),
            Arg::Number(n) => FluentValue::from(*n),
        }
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Number(n)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(n as i64)
    }
}

/// What to tell a person: a message of `locales/` with its arguments, or, on the seller's
/// side (English only), the words themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Id {
        id: &'static str,
        args: Vec<(&'static str, Arg)>,
    },
    English(String),
}

impl Msg {
    /// The message `id` of the `locales/` files.
    pub fn new(id: &'static str) -> Msg {
        Msg::Id { id, args: Vec::new() }
    }

    /// Adds an argument (`{ $name }` in the message).
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        if let Msg::Id { args, .. } = &mut self {
            args.push((name, value.into()));
        }
        self
    }

    /// The words in `lang`, as plain text.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Msg::Id { id, args } => lang.lookup(id, args),
            Msg::English(s) => s.clone(),
        }
    }

    /// The words in `lang` for HTML: arguments escaped, the message's own markup kept.
    pub fn html(&self, lang: Lang) -> String {
        match self {
            Msg::Id { id, args } => {
                let escaped: Vec<(&str, Arg)> = args
                    .iter()
                    .map(|(k, v)| match v {
                        Arg::Text(s) => (*k, Arg::Text(escape_html(s))),
                        n => (*k, n.clone()),
                    })
                    .collect();
                lang.lookup(id, &escaped)
            }
            Msg::English(s) => escape_html(s),
        }
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl From<String> for Msg {
    fn from(s: String) -> Msg {
        Msg::English(s)
    }
}
impl From<&str> for Msg {
    fn from(s: &str) -> Msg {
        Msg::English(s.to_owned())
    }
}

impl serde::Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text(Lang::En))
    }
}
