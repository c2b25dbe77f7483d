//! The packing bench's page: scan a production ticket, then its shipping label (a USB scanner
//! types the code and presses Enter, a phone's keyboard does the same); green and a short beep
//! when they belong together (the package is recorded packed), red and a long buzz when not.
//! Works without script: each scan is a form post and the answer a page.

use minijinja::context;
use rocket::{FromForm, Route, State, get, post, routes};

use crate::domain::batches::Batches;
use crate::domain::batches::verify::{PairCheck, TicketScan};
use crate::i18n::Msg;
use crate::web::csrf::CsrfForm;
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, SupplierUser};
use crate::web::templates::{Flashed, Page};

#[get("/supplier/batches/<seq>/verify?<ticket>")]
async fn bench(
    batches: &State<Batches>,
    user: SupplierUser,
    seq: i64,
    ticket: Option<String>,
) -> Result<Page, WebError> {
    let b = batches.supplier_batch(user.supplier_id, seq).await?;
    // A ticket in the address was scanned already: say which package waits for its label.
    let waiting = match ticket.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => match batches.scan_ticket(user.supplier_id, b.id, t).await? {
            TicketScan::Found { package, order } => Some(context! { package, order }),
            TicketScan::NotHere(_) => None,
        },
        None => None,
    };
    Ok(Page::new("supplier/verify.html", context! { seq, waiting }))
}

#[derive(FromForm)]
struct ScanForm {
    csrf_token: String,
    /// The ticket scanned first (empty: this scan is the ticket).
    ticket: String,
    code: String,
}
crate::csrf_form!(ScanForm);

#[post("/supplier/batches/<seq>/verify", data = "<form>")]
async fn scan(
    batches: &State<Batches>,
    user: SupplierUser,
    ip: ClientIp,
    seq: i64,
    form: CsrfForm<ScanForm>,
) -> Result<Flashed, WebError> {
    let b = batches.supplier_batch(user.supplier_id, seq).await?;
    let base = format!("/supplier/batches/{seq}/verify");
    let (lang, f) = (user.lang, form.0);
    if f.code.trim().is_empty() {
        return Ok(Flashed::error(base, lang.t("verify-scan-something")).at("verify-result"));
    }
    if f.ticket.trim().is_empty() {
        return Ok(
            match batches.scan_ticket(user.supplier_id, b.id, &f.code).await? {
                TicketScan::Found { .. } => {
                    let q: String = url::form_urlencoded::byte_serialize(f.code.trim().as_bytes()).collect();
                    Flashed::success(format!("{base}?ticket={q}"), lang.t("verify-now-label"))
                        .at("verify-result")
                }
                TicketScan::NotHere(m) => Flashed::error(base, m.text(lang)).at("verify-result"),
            },
        );
    }
    let check = batches
        .verify_pair(&user.actor(&ip), user.supplier_id, b.id, &f.ticket, &f.code)
        .await?;
    Ok(match check {
        PairCheck::Packed {
            package,
            again: false,
        } => Flashed::success(base, Msg::new("verify-packed").arg("package", package).text(lang)),
        PairCheck::Packed { package, again: true } => Flashed::warning(
            base,
            Msg::new("verify-packed-again").arg("package", package).text(lang),
        ),
        PairCheck::Wrong(m) => Flashed::error(base, m.text(lang)),
    }
    .at("verify-result"))
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![bench, scan]
}
