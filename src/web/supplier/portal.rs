//! The supplier portal: its batches (new, downloaded, acknowledged, with pull requests), each
//! batch's packages with download (resumable) and acknowledgement, and API tokens for the
//! factory's systems. A supplier reaches only its own batches: every query is keyed by the
//! supplier of the signed-in person.

use minijinja::context;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::db::DbPool;
use crate::domain::batches::Batches;
use crate::domain::batches::acks::{AckError, AckLine, AckStatus, Target};
use crate::domain::{DomainError, api_tokens, languages, suppliers};
use crate::i18n::{Lang, Msg};
use crate::web::csrf::{CsrfForm, EmptyForm};
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, SupplierUser};
use crate::web::ranged::{RangeHeader, Ranged};
use crate::web::templates::{Flashed, Page};

#[get("/supplier")]
async fn home(pool: &State<DbPool>, batches: &State<Batches>, user: SupplierUser) -> Result<Page, WebError> {
    let s = suppliers::get(pool, user.user.workspace_id, user.supplier_id).await?;
    let list = batches.supplier_batches(user.supplier_id).await?;
    let pulls: usize = list.iter().map(|b| b.counts.pulls_open).sum();
    let (due_soon, late) =
        crate::domain::dispatch::queue::supplier_due(pool, user.supplier_id, crate::db::models::now())
            .await?;
    Ok(Page::new(
        "supplier/portal.html",
        context! {
            supplier => s, batches => list, pulls, due_soon, late,
            default_label_names => crate::domain::batches::print::DEFAULT_FILE_NAMES,
        },
    ))
}

/// The supplier's own scorecard: the seller's figures for it alone.
#[get("/supplier/scorecard?<days>")]
async fn scorecard(
    scorecards: &State<crate::domain::dispatch::scorecard::Scorecards>,
    user: SupplierUser,
    days: Option<i64>,
) -> Result<Page, WebError> {
    crate::web::seller::dispatch::scorecard_view(
        scorecards,
        user.user.workspace_id,
        Some(user.supplier_id),
        days,
        "/supplier/scorecard",
        user.lang,
    )
    .await
}

#[get("/supplier/batches/<seq>?<page>&<find>")]
async fn show(
    batches: &State<Batches>,
    user: SupplierUser,
    seq: i64,
    page: Option<usize>,
    find: Option<String>,
) -> Result<Page, WebError> {
    let b = batches.supplier_batch(user.supplier_id, seq).await?;
    let mut d = batches.detail(b).await?;
    let (pager, found) = crate::web::batch_files::page_or_find(&mut d, page, find.as_deref());
    Ok(Page::new(
        "batch.html",
        context! { d, seller => false, pager, found, find },
    ))
}

/// Ranked after the answer sheets (`answers.xlsx`, `answers.csv`), which share its shape.
#[get("/supplier/batches/<seq>/<file>", rank = 2)]
async fn download(
    batches: &State<Batches>,
    user: SupplierUser,
    ip: ClientIp,
    range: RangeHeader,
    seq: i64,
    file: &str,
) -> Result<Ranged, WebError> {
    let b = batches.supplier_batch(user.supplier_id, seq).await?;
    crate::web::batch_files::serve(batches, &user.actor(&ip), &b, file, range).await
}

#[derive(FromForm)]
struct AckForm {
    csrf_token: String,
    /// One package (its own form) or the packages selected on the page (answered together).
    row: Vec<i64>,
    status: String,
    reason: String,
    expected_date: String,
    /// The page and search the one-package form was on: a refusal goes back there, beside it.
    page: Option<usize>,
    find: Option<String>,
}
crate::csrf_form!(AckForm);

impl AckForm {
    /// Where a refusal is shown: beside the package its own form answered (on the page and
    /// search it was on), or beside the "answer selected" form.
    fn refusal_place(&self, seq: i64) -> (String, String) {
        let base = format!("/supplier/batches/{seq}");
        match self.row.as_slice() {
            [row] if self.page.is_some() || self.find.is_some() => {
                let mut q = url::form_urlencoded::Serializer::new(String::new());
                if let Some(p) = self.page {
                    q.append_pair("page", &p.to_string());
                }
                if let Some(f) = self.find.as_deref().filter(|f| !f.trim().is_empty()) {
                    q.append_pair("find", f);
                }
                let q = q.finish();
                let to = if q.is_empty() { base } else { format!("{base}?{q}") };
                (to, format!("pkg-{row}"))
            }
            _ => (base, "ack-selected".into()),
        }
    }
}

/// Turns refused acknowledgement lines into a message on the batch page.
fn refused(lang: Lang, to: &str, e: AckError) -> Result<Flashed, WebError> {
    match e {
        AckError::Refused(r) => {
            let reasons: Vec<String> = r.lines.iter().map(|l| l.message.text(lang)).collect();
            Ok(Flashed::error(
                to,
                Msg::new("acks-refused")
                    .arg("reasons", reasons.join("; "))
                    .text(lang),
            ))
        }
        AckError::CountChanged { now, confirmed } => Ok(Flashed::error(
            to,
            Msg::new("accept-count-changed")
                .arg("now", now)
                .arg("confirmed", confirmed)
                .text(lang),
        )),
        AckError::Domain(DomainError::Conflict(m)) => Ok(Flashed::error(to, m)),
        AckError::Domain(d) => Err(d.into()),
    }
}

#[post("/supplier/batches/<seq>/ack", data = "<form>")]
async fn ack(
    batches: &State<Batches>,
    user: SupplierUser,
    ip: ClientIp,
    seq: i64,
    form: CsrfForm<AckForm>,
) -> Result<Flashed, WebError> {
    let to = format!("/supplier/batches/{seq}");
    // Another supplier's batch number is "not found", before anything is read from the form.
    batches.supplier_batch(user.supplier_id, seq).await?;
    let f = form.0;
    let (back, at) = f.refusal_place(seq);
    let lang = user.lang;
    let Some(status) = AckStatus::parse(&f.status) else {
        return Ok(Flashed::error(back, lang.t("ack-choose-answer")).at(at));
    };
    let expected_date = match f.expected_date.trim() {
        "" => None,
        d => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => return Ok(Flashed::error(back, lang.t("ack-bad-date")).at(at)),
        },
    };
    if f.row.is_empty() {
        return Ok(Flashed::error(back, lang.t("ack-select-packages")).at(at));
    }
    let count = f.row.len();
    // All of them or none: a package the answer does not fit (a pull request, a cancelled
    // order) refuses the whole set, named, and nothing is recorded.
    let lines: Vec<AckLine> = f
        .row
        .into_iter()
        .enumerate()
        .map(|(i, row)| AckLine {
            line: i + 1,
            target: Target::Row(row),
            status,
            reason: Some(f.reason.clone()),
            expected_date,
        })
        .collect();
    match batches
        .acknowledge(&user.actor(&ip), user.supplier_id, lines)
        .await
    {
        Ok(r) if r.iter().any(|l| l.changed) && count > 1 => {
            let changed = r.iter().filter(|l| l.changed).count();
            let said = Msg::new("ack-recorded-many")
                .arg("status", status_word(lang, status))
                .arg("count", changed)
                .arg("same", count - changed);
            Ok(Flashed::success(to, said.text(lang)))
        }
        Ok(r) if r.iter().any(|l| l.changed) => Ok(Flashed::success(
            to,
            Msg::new("ack-recorded")
                .arg("status", status_word(lang, status))
                .text(lang),
        )),
        Ok(_) => Ok(Flashed::success(to, lang.t("ack-nothing-changed"))),
        Err(e) => refused(lang, &back, e).map(|f| f.at(at)),
    }
}

#[derive(FromForm)]
struct AcceptAllForm {
    csrf_token: String,
    /// The count the person confirmed; without it, the confirmation page is shown.
    confirmed: Option<usize>,
}
crate::csrf_form!(AcceptAllForm);

/// "Accept all": first a page that says how many packages it will accept (and which it leaves
/// out), then, confirmed with that count, the answers. Packages with a pull request or a
/// cancelled order are never accepted in bulk.
#[post("/supplier/batches/<seq>/accept-all", data = "<form>")]
async fn accept_all(
    batches: &State<Batches>,
    user: SupplierUser,
    ip: ClientIp,
    seq: i64,
    form: CsrfForm<AcceptAllForm>,
) -> Result<Result<Page, Flashed>, WebError> {
    let to = format!("/supplier/batches/{seq}");
    let b = batches.supplier_batch(user.supplier_id, seq).await?;
    let Some(confirmed) = form.0.confirmed else {
        let n = batches.acceptable_count(user.supplier_id, b.id).await?;
        if n == 0 {
            return Ok(Err(Flashed::success(to, user.lang.t("accept-none-waiting"))));
        }
        let d = batches.detail(b).await?;
        return Ok(Ok(Page::new(
            "supplier/accept_all.html",
            context! { d, count => n },
        )));
    };
    match batches
        .accept_all_waiting(&user.actor(&ip), user.supplier_id, b.id, confirmed)
        .await
    {
        Ok(n) => Ok(Err(Flashed::success(
            to,
            Msg::new("accept-done").arg("count", n).text(user.lang),
        ))),
        Err(e) => refused(user.lang, &to, e).map(Err),
    }
}

/// The token page: its tokens, the new-token form (with what was typed and its errors) and the
/// token just created, shown once.
async fn tokens_page(
    pool: &DbPool,
    supplier_id: i64,
    form: minijinja::Value,
    errors: minijinja::Value,
    created: Option<String>,
) -> Result<Page, WebError> {
    let list = api_tokens::list(pool, supplier_id).await?;
    let scopes: Vec<_> = api_tokens::Scope::ALL
        .iter()
        .map(|s| context! { name => s.as_str(), meaning => s.meaning() })
        .collect();
    Ok(Page::new(
        "supplier/tokens.html",
        context! { tokens => list, created, form, errors, scopes, expiry_days => api_tokens::EXPIRY_DAYS },
    ))
}

#[get("/supplier/tokens")]
async fn tokens(pool: &State<DbPool>, user: SupplierUser) -> Result<Page, WebError> {
    let all: Vec<&str> = api_tokens::Scope::ALL.iter().map(|s| s.as_str()).collect();
    let form = context! { scopes => all, expires_in_days => "never" };
    tokens_page(pool, user.supplier_id, form, context! {}, None).await
}

#[derive(FromForm)]
struct TokenForm {
    csrf_token: String,
    name: String,
    scopes: Vec<String>,
    /// `never`, or a number of days among those offered.
    expires_in_days: String,
}
crate::csrf_form!(TokenForm);

#[post("/supplier/tokens", data = "<form>")]
async fn create_token(
    pool: &State<DbPool>,
    user: SupplierUser,
    ip: ClientIp,
    form: CsrfForm<TokenForm>,
) -> Result<Page, WebError> {
    let f = form.0;
    let result = api_tokens::create(
        pool,
        &user.actor(&ip),
        Some(user.supplier_id),
        &f.name,
        &f.scopes,
        &f.expires_in_days,
    )
    .await;
    let form = context! { name => f.name, scopes => f.scopes, expires_in_days => f.expires_in_days };
    match result {
        Ok(token) => tokens_page(pool, user.supplier_id, context! {}, context! {}, Some(token)).await,
        Err(e) => {
            let errors = minijinja::Value::from_serialize(crate::web::forms::form_errors_in(user.lang, e)?);
            Ok(tokens_page(pool, user.supplier_id, form, errors, None)
                .await?
                .status(rocket::http::Status::UnprocessableEntity))
        }
    }
}

#[post("/supplier/tokens/<id>/revoke", data = "<form>")]
async fn revoke_token(
    pool: &State<DbPool>,
    user: SupplierUser,
    ip: ClientIp,
    id: i64,
    form: CsrfForm<EmptyForm>,
) -> Result<Flashed, WebError> {
    let _ = form;
    api_tokens::revoke(pool, &user.actor(&ip), Some(user.supplier_id), id).await?;
    Ok(Flashed::success("/supplier/tokens", user.lang.t("token-revoked")))
}

/// A status as the reader says it ("接受").
pub fn status_word(lang: Lang, status: AckStatus) -> String {
    lang.t(&format!("status-{}", status.as_str()))
}

#[derive(FromForm)]
struct LanguageForm {
    csrf_token: String,
    language: String,
}
crate::csrf_form!(LanguageForm);

/// The language of the supplier's mail to contacts without an account, and of its SFTP result
/// files.
#[post("/supplier/language", data = "<form>")]
async fn company_language(
    pool: &State<DbPool>,
    user: SupplierUser,
    ip: ClientIp,
    form: CsrfForm<LanguageForm>,
) -> Result<Flashed, WebError> {
    let to = "/supplier#company-language";
    match languages::for_supplier(pool, &user.actor(&ip), Some(user.supplier_id), &form.0.language).await {
        Ok(chosen) => Ok(Flashed::success(
            to,
            Msg::new("company-language-saved")
                .arg("language", chosen.native_name())
                .text(user.lang),
        )),
        Err(e) => crate::web::errors::flash_refusal_in(user.lang, to, e),
    }
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![
        home,
        scorecard,
        show,
        download,
        ack,
        accept_all,
        tokens,
        create_token,
        revoke_token,
        company_language
    ]
}
