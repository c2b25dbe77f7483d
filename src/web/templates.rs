//! HTML rendering: minijinja templates embedded in the binary (a configured folder may
//! override any of them), strict about undefined values, auto-escaping every `.html` file.

use std::path::PathBuf;
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use minijinja::{Environment, UndefinedBehavior, Value, context};
use rocket::http::{ContentType, Cookie, Status};
use rocket::request::Request;
use rocket::response::{self, Redirect, Responder, Response};

use super::csrf::CSRF_COOKIE;
use super::guards::{CachedUser, app_cookie};
use crate::i18n::{Arg, Lang};

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Name of the private cookie carrying a one-shot flash message.
pub const FLASH_COOKIE: &str = "podgate_flash";

/// The template environment, managed by Rocket.
#[derive(Clone)]
pub struct Templates {
    env: Arc<Environment<'static>>,
}

/// How long ago a stored (UTC) time was, as people say it: "5 min", "3 h 20 min", "2 days 4 h".
pub fn age(stored: &str, now: chrono::NaiveDateTime) -> String {
    let Ok(t) = chrono::NaiveDateTime::parse_from_str(stored, "%Y-%m-%dT%H:%M:%S%.f") else {
        return String::new();
    };
    duration((now - t).num_seconds())
}

/// A span of time as people say it ("3 h 05 min", "2 days 4 h"); negative spans read as 0.
pub fn duration(seconds: i64) -> String {
    duration_in(Lang::En, seconds)
}

/// `duration` in a reader's language ("3 小时 05 分钟").
pub fn duration_in(lang: Lang, seconds: i64) -> String {
    let m = seconds.max(0) / 60;
    let (id, args): (&str, Vec<(&str, Arg)>) = match m {
        0..60 => ("duration-min", vec![("m", m.into())]),
        60..1440 => (
            "duration-h-min",
            vec![("h", (m / 60).into()), ("m", format!("{:02}", m % 60).into())],
        ),
        1440..2880 => ("duration-day-h", vec![("h", (m % 1440 / 60).into())]),
        _ => (
            "duration-days-h",
            vec![("d", (m / 1440).into()), ("h", (m % 1440 / 60).into())],
        ),
    };
    lang.lookup(id, &args)
}

impl Templates {
    /// Builds the environment; `override_dir` files win over the embedded ones.
    pub fn new(override_dir: Option<PathBuf>) -> Templates {
        let mut env = Environment::new();
        env.add_global("time_zones", Value::from(time_zone_names()));
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_loader(move |name| {
            if let Some(dir) = &override_dir {
                let p = dir.join(name);
                if !name.contains("..") && p.is_file() {
                    return std::fs::read_to_string(&p).map(Some).map_err(|e| {
                        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
                    });
                }
            }
            Ok(TEMPLATES
                .get_file(name)
                .and_then(|f| f.contents_utf8())
                .map(str::to_owned))
        });
        // Times as `<time>` elements: the page's script shows them in the viewer's zone (a
        // supplier's people: their supplier's zone, named; sellers: the browser's); the text
        // the server writes is the same time in that zone, or UTC, named.
        env.add_filter("datetime", |state: &minijinja::State, v: String| -> Value {
            let t = chrono::NaiveDateTime::parse_from_str(v.trim_end_matches('Z'), "%Y-%m-%dT%H:%M:%S%.f")
                .map(|t| t.and_utc());
            match t {
                Ok(t) => time_element(t, viewer_zone(state), viewer_lang(state)),
                Err(_) => Value::from(v),
            }
        });
        // `t("message-id", name=value, …)`: the message in the reader's language (`lang` of
        // the context), typed arguments escaped, markup of the message and of safe arguments
        // (a `<time>` element) kept.
        env.add_function("t", translate);
        env.add_filter("num", |state: &minijinja::State, v: i64| -> String {
            viewer_lang(state).number(v)
        });
        env.add_filter("day", |state: &minijinja::State, v: String| -> String {
            match chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
                Ok(d) => viewer_lang(state).date(d),
                Err(_) => v,
            }
        });
        env.add_filter("age", |v: String| -> String { age(&v, crate::db::models::now()) });
        env.add_filter("markdown", |v: String| -> Value {
            Value::from_safe_string(markdown(&v))
        });
        env.add_filter("duration", |state: &minijinja::State, v: i64| -> String {
            duration_in(viewer_lang(state), v)
        });
        env.add_filter("ts", |state: &minijinja::State, v: i64| -> Value {
            match chrono::DateTime::from_timestamp(v, 0) {
                Some(t) => time_element(t, viewer_zone(state), viewer_lang(state)),
                None => Value::from(""),
            }
        });
        env.add_filter("iso", |v: i64| -> String {
            chrono::DateTime::from_timestamp(v, 0)
                .map(|d| d.to_rfc3339())
                .unwrap_or_default()
        });
        Templates { env: Arc::new(env) }
    }

    /// Renders a template with a context.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }

    /// Every embedded template name (tests render each one).
    pub fn embedded_names() -> Vec<String> {
        fn walk(d: &Dir<'_>, out: &mut Vec<String>) {
            for f in d.files() {
                out.push(f.path().to_string_lossy().into_owned());
            }
            for sub in d.dirs() {
                walk(sub, out);
            }
        }
        let mut v = Vec::new();
        walk(&TEMPLATES, &mut v);
        v
    }
}

/// A rendered HTML page. The layout gets the signed-in user, the CSRF token and any flash
/// message from the request, so handlers pass only their own data.
pub struct Page {
    template: &'static str,
    ctx: Value,
    status: Status,
}

impl Page {
    /// A page rendered with `ctx` merged into the common context.
    pub fn new(template: &'static str, ctx: Value) -> Page {
        Page {
            template,
            ctx,
            status: Status::Ok,
        }
    }

    /// Sets the HTTP status (422 for a form with errors, for example).
    pub fn status(mut self, status: Status) -> Page {
        self.status = status;
        self
    }
}

/// Time zone names for a form's list: the United States' first (where TikTok Shop's sellers
/// and most of their factories are), then every other zone, sorted.
fn time_zone_names() -> Vec<&'static str> {
    const FIRST: [&str; 7] = [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    ];
    let mut rest: Vec<&'static str> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| z.name())
        .filter(|n| !FIRST.contains(n))
        .collect();
    rest.sort_unstable();
    FIRST.iter().copied().chain(rest).collect()
}

/// The zone the viewer reads times in, when podgate knows it (a supplier's people: their
/// supplier's zone).
fn viewer_zone(state: &minijinja::State) -> Option<chrono_tz::Tz> {
    let me = state.lookup("me")?;
    me.get_attr("zone").ok()?.as_str()?.parse().ok()
}

/// The language of the page being rendered (`lang` of the context; English without one).
fn viewer_lang(state: &minijinja::State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_code))
        .unwrap_or(Lang::En)
}

/// The `t` template function.
fn translate(
    state: &minijinja::State,
    id: String,
    kwargs: minijinja::value::Kwargs,
) -> Result<Value, minijinja::Error> {
    let mut args = Vec::new();
    for name in kwargs.args() {
        let v: Value = kwargs.get(name)?;
        let arg = match v.as_i64() {
            Some(n) if v.kind() == minijinja::value::ValueKind::Number => Arg::Number(n),
            _ if v.is_safe() => Arg::Text(v.to_string()),
            _ => Arg::Text(crate::i18n::escape_html(&v.to_string())),
        };
        args.push((name, arg));
    }
    kwargs.assert_all_used()?;
    Ok(Value::from_safe_string(viewer_lang(state).lookup(&id, &args)))
}

/// `<time datetime="…Z" data-zone="…">the time in that zone, named</time>`, written in the
/// reader's language (the page's script rewrites it with the browser's `Intl`, same language).
fn time_element(t: chrono::DateTime<chrono::Utc>, zone: Option<chrono_tz::Tz>, lang: Lang) -> Value {
    let iso = t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let text = lang.datetime(t, zone);
    Value::from_safe_string(match zone {
        Some(z) => format!(
            "<time datetime=\"{iso}\" data-zone=\"{}\">{text}</time>",
            z.name()
        ),
        None => format!("<time datetime=\"{iso}\">{text}</time>"),
    })
}

/// The context every template sees.
pub fn common_context(req: &Request<'_>) -> Value {
    let jar = req.cookies();
    let flash = jar.get_private(FLASH_COOKIE).map(|c| {
        let v = c.value().to_owned();
        let (kind, msg) = v.split_once(':').unwrap_or(("info", v.as_str()));
        let (kind, at) = kind.split_once('@').unwrap_or((kind, ""));
        context! { kind => kind.to_owned(), message => msg.to_owned(), at => at.to_owned() }
    });
    if flash.is_some() {
        jar.remove_private(Cookie::build(FLASH_COOKIE).path("/"));
    }
    let csrf = jar
        .get_pending(CSRF_COOKIE)
        .map(|c| super::csrf::split_cookie(c.value()).0.to_owned())
        .unwrap_or_default();
    let me = req.local_cache(|| CachedUser(None)).0.as_ref().map(|s| {
        context! {
            id => s.user.id,
            name => s.user.name.clone(),
            email => s.user.email.clone(),
            role => s.user.role.clone(),
            seller => s.place.seller.clone(),
            supplier => s.place.supplier.clone(),
            zone => s.place.zone.clone(),
        }
    });
    let languages: Vec<Value> = Lang::ALL
        .iter()
        .map(|l| context! { code => l.code(), name => l.native_name() })
        .collect();
    context! {
        csrf_token => csrf, flash => flash, me => me, path => req.uri().path().as_str(),
        lang => super::guards::reader_lang(req).code(), languages,
    }
}

impl<'r> Responder<'r, 'static> for Page {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let Some(t) = req.rocket().state::<Templates>() else {
            return Err(Status::InternalServerError);
        };
        let ctx = context! { ..self.ctx, ..common_context(req) };
        match t.render(self.template, ctx) {
            Ok(html) => Response::build_from(html.respond_to(req)?)
                .header(ContentType::HTML)
                .status(self.status)
                .ok(),
            Err(e) => {
                tracing::error!(template = self.template, error = %format!("{e:#}"), "template failed");
                Err(Status::InternalServerError)
            }
        }
    }
}

/// A redirect that shows a message on the next page (post/redirect/get).
pub struct Flashed {
    to: String,
    kind: &'static str,
    message: String,
    /// The element the message is about (its id): the page shows the message there, and the
    /// browser scrolls to it, instead of at the top.
    at: Option<String>,
}

impl Flashed {
    /// Redirect with a success message.
    pub fn success(to: impl Into<String>, message: impl Into<String>) -> Flashed {
        Flashed {
            to: to.into(),
            kind: "success",
            message: message.into(),
            at: None,
        }
    }

    /// Redirect with a warning: it worked, but not for everything (what was left out is named).
    pub fn warning(to: impl Into<String>, message: impl Into<String>) -> Flashed {
        Flashed {
            to: to.into(),
            kind: "warning",
            message: message.into(),
            at: None,
        }
    }

    /// Redirect with an error message.
    pub fn error(to: impl Into<String>, message: impl Into<String>) -> Flashed {
        Flashed {
            to: to.into(),
            kind: "error",
            message: message.into(),
            at: None,
        }
    }
}

impl Flashed {
    /// Shows the message beside the element with this id (letters, digits and `-` only).
    pub fn at(mut self, id: impl Into<String>) -> Flashed {
        let id: String = id.into();
        if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            self.at = Some(id);
        }
        self
    }
}

impl<'r> Responder<'r, 'static> for Flashed {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let (kind, to) = match &self.at {
            Some(at) => (format!("{}@{at}", self.kind), format!("{}#{at}", self.to)),
            None => (self.kind.to_string(), self.to),
        };
        let cookie = app_cookie(req, FLASH_COOKIE, format!("{kind}:{}", self.message));
        req.cookies().add_private(cookie);
        Redirect::to(to).respond_to(req)
    }
}

/// Markdown (our own texts: the guides in `docs/`, the API's descriptions) as HTML, tables
/// included; any raw HTML in it is shown as text, never passed through.
pub fn markdown(text: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let events = Parser::new_ext(text, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Macros see the page's language too: the pager of a supplier's batch page.
    #[test]
    fn a_macro_speaks_the_pages_language() {
        let t = Templates::new(None);
        let p =
            context! { pages => 2, first => 1, last => 50, total => 1234, next => 2, prev => 0, page => 1 };
        let render = |lang: &str| {
            t.env
                .render_str(
                    r#"{% import "macros.html" as m %}{{ m.pager(p, "/supplier/batches/1") }}"#,
                    context! { p => p.clone(), lang },
                )
                .unwrap()
        };
        let vi = render("vi");
        assert!(
            vi.contains("Dòng 1–50 trên 1.234") && vi.contains("Trang sau"),
            "{vi}"
        );
        let en = render("en");
        assert!(
            en.contains("Rows 1–50 of 1,234") && en.contains("Next page"),
            "{en}"
        );
    }
}
