//! What the sandbox answers for a call it has no route for, as TikTok's common-errors and
//! API-versioning pages say: a known endpoint at a version it does not serve is 36009014, a
//! known path with the wrong method 36009010, anything else 36009009. Always TikTok's JSON
//! envelope, never an HTML page. The HTTP statuses (400, 405, 404) are the sandbox's choice:
//! the pages do not give them.

use rocket::http::Method;
use rocket::http::uri::Origin;
use rocket::{Request, Route, catch, catchers, delete, get, post, put};

use super::api::ApiReply;
use tiktok::Endpoint;
use tiktok::codes;

/// Whether `path` has the shape of `template` (`{version}` is six digits, `{x}` anything).
/// Returns the version found, if any.
fn shape_matches<'a>(template: &str, path: &'a str) -> Option<Option<&'a str>> {
    let (t, p): (Vec<_>, Vec<_>) = (template.split('/').collect(), path.split('/').collect());
    if t.len() != p.len() {
        return None;
    }
    let mut version = None;
    for (ts, ps) in t.iter().zip(&p) {
        match *ts {
            "{version}" if ps.len() == 6 && ps.bytes().all(|b| b.is_ascii_digit()) => version = Some(*ps),
            "{version}" => return None,
            _ if ts.starts_with('{') => {}
            _ if ts == ps => {}
            _ => return None,
        }
    }
    Some(version)
}

/// The envelope for a call no route took.
pub fn answer(method: Method, path: &str) -> ApiReply {
    let matching: Vec<(Endpoint, Option<&str>)> = Endpoint::ALL
        .into_iter()
        .filter_map(|e| shape_matches(e.template(), path).map(|v| (e, v)))
        .collect();
    let reply = |http, code, message: String| ApiReply {
        http,
        code,
        message,
        data: None,
    };
    let same_method: Vec<_> = matching
        .iter()
        .filter(|(e, v)| {
            e.method().as_str() == method.as_str() && !v.is_some_and(|v| e.versions().contains(&v))
        })
        .collect();
    if let Some((e, v)) = same_method.first() {
        return reply(
            400,
            codes::VERSION_NOT_SUPPORTED,
            format!(
                "API version {} is not supported for this endpoint (use {}).",
                v.unwrap_or("?"),
                e.versions().join(" or ")
            ),
        );
    }
    if !matching.is_empty() {
        return reply(
            405,
            codes::INVALID_METHOD,
            "Invalid method. The HTTP method used is not supported by this endpoint.".into(),
        );
    }
    reply(
        404,
        codes::INVALID_PATH,
        "Invalid path. The specified path does not match any available endpoint.".into(),
    )
}

#[get("/<_..>", rank = 100)]
fn any_get(uri: &Origin<'_>) -> ApiReply {
    answer(Method::Get, uri.path().as_str())
}

#[post("/<_..>", rank = 100)]
fn any_post(uri: &Origin<'_>) -> ApiReply {
    answer(Method::Post, uri.path().as_str())
}

#[put("/<_..>", rank = 100)]
fn any_put(uri: &Origin<'_>) -> ApiReply {
    answer(Method::Put, uri.path().as_str())
}

#[delete("/<_..>", rank = 100)]
fn any_delete(uri: &Origin<'_>) -> ApiReply {
    answer(Method::Delete, uri.path().as_str())
}

/// A route that matched but whose parameters did not parse (a missing query parameter):
/// still TikTok's envelope.
#[catch(default)]
fn fallback(status: rocket::http::Status, req: &Request<'_>) -> ApiReply {
    if status.code == 404 {
        return answer(req.method(), req.uri().path().as_str());
    }
    ApiReply {
        http: status.code,
        code: codes::INVALID_PARAMS,
        message: format!("Invalid parameters ({status})."),
        data: None,
    }
}

/// The catch-all routes.
pub fn routes() -> Vec<Route> {
    rocket::routes![any_get, any_post, any_put, any_delete]
}

/// The catchers.
pub fn catchers() -> Vec<rocket::Catcher> {
    catchers![fallback]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_methods_and_paths_are_told_apart() {
        let code = |m, p| answer(m, p).code;
        assert_eq!(code(Method::Post, "/fulfillment/202401/packages"), 36009014);
        assert_eq!(code(Method::Get, "/order/202212/orders"), 36009014);
        assert_eq!(code(Method::Delete, "/fulfillment/202309/packages/1"), 36009010);
        assert_eq!(code(Method::Get, "/fulfillment/202309/nothing"), 36009009);
    }
}
