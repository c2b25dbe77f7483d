//! Answers as spreadsheets, for factories that live in them: a batch's answer sheet to download
//! (xlsx or CSV, its packages filled in) and an answers file to upload (xlsx, CSV in any of the
//! encodings Excel writes, or JSON), applied all or nothing with every bad row named by the
//! spreadsheet's own row number, the same way as a file dropped into SFTP `inbox/`.

use rocket::form::FromForm;
use rocket::fs::TempFile;
use rocket::http::{ContentType, Header};
use rocket::{Route, State, get, post, routes};

use crate::domain::DomainError;
use crate::domain::batches::Batches;
use crate::domain::batches::ackfile::template;
use crate::domain::batches::acks::AckError;
use crate::i18n::Msg;
use crate::web::csrf::CsrfForm;
use crate::web::errors::WebError;
use crate::web::guards::{ClientIp, SupplierUser};
use crate::web::templates::Flashed;

/// A file to save, under its name.
#[derive(rocket::Responder)]
pub struct Attachment {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

fn attachment(body: Vec<u8>, content_type: ContentType, name: String) -> Attachment {
    Attachment {
        body,
        content_type,
        disposition: Header::new("Content-Disposition", format!("attachment; filename=\"{name}\"")),
    }
}

/// The batch's answer sheet in one of its two forms.
async fn sheet(batches: &Batches, user: &SupplierUser, seq: i64, xlsx: bool) -> Result<Attachment, WebError> {
    let b = batches.supplier_batch(user.supplier_id, seq).await?;
    let lang = user.lang;
    let name = b.zip_name().trim_end_matches(".zip").to_string() + "-answers";
    let d = batches.detail(b).await?;
    // Writing a workbook of thousands of rows is CPU work: off the async workers.
    tokio::task::spawn_blocking(move || {
        Ok(if xlsx {
            attachment(
                template::xlsx(&d, lang)?,
                ContentType::new(
                    "application",
                    "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                format!("{name}.xlsx"),
            )
        } else {
            attachment(
                template::csv(&d),
                ContentType::new("text", "csv").with_params(("charset", "utf-8")),
                format!("{name}.csv"),
            )
        })
    })
    .await
    .map_err(|e| crate::domain::DomainError::Internal(e.to_string()))?
}

#[get("/supplier/batches/<seq>/answers.xlsx")]
async fn sheet_xlsx(batches: &State<Batches>, user: SupplierUser, seq: i64) -> Result<Attachment, WebError> {
    sheet(batches, &user, seq, true).await
}

#[get("/supplier/batches/<seq>/answers.csv")]
async fn sheet_csv(batches: &State<Batches>, user: SupplierUser, seq: i64) -> Result<Attachment, WebError> {
    sheet(batches, &user, seq, false).await
}

#[derive(FromForm)]
struct UploadForm<'r> {
    csrf_token: String,
    /// Optional in the form, so a post without one still reaches the batch check (another
    /// supplier's batch is "not found" either way) and gets a message rather than a 422.
    file: Option<TempFile<'r>>,
}

impl crate::web::csrf::CsrfField for UploadForm<'_> {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

/// An answers file: applied whole, or refused with every bad row.
#[post("/supplier/batches/<seq>/answers", data = "<form>")]
async fn upload(
    batches: &State<Batches>,
    user: SupplierUser,
    ip: ClientIp,
    seq: i64,
    form: CsrfForm<UploadForm<'_>>,
) -> Result<Flashed, WebError> {
    let to = format!("/supplier/batches/{seq}");
    let lang = user.lang;
    batches.supplier_batch(user.supplier_id, seq).await?;
    let Some(file) = form.0.file.as_ref().filter(|f| f.len() > 0) else {
        return Ok(Flashed::error(to, lang.t("sheet-choose-file")).at("answers"));
    };
    // The name as sent, for its extension only (Rocket's `name()` drops the extension).
    let name = file
        .raw_name()
        .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string())
        .unwrap_or_default();
    let bytes = crate::web::forms::read_upload(file).await?;
    let actor = user.actor(&ip);
    Ok(
        match batches
            .acknowledge_file(&actor, user.supplier_id, &name, &bytes)
            .await
        {
            Ok(done) => {
                let applied = &done.applied;
                let changed = applied.iter().filter(|a| a.changed).count();
                let mut message = Msg::new("sheet-applied")
                    .arg("lines", applied.len())
                    .arg("name", name.as_str())
                    .arg("recorded", changed)
                    .arg("same", applied.len() - changed)
                    .text(lang);
                if !done.unanswered.is_empty() {
                    let rows: Vec<String> = done.unanswered.iter().map(|n| n.to_string()).collect();
                    message.push(' ');
                    message.push_str(
                        &Msg::new("sheet-unanswered")
                            .arg("count", rows.len())
                            .arg("rows", rows.join(", "))
                            .text(lang),
                    );
                }
                Flashed::success(to, message).at("answers")
            }
            Err(AckError::Refused(r)) => {
                let lines: Vec<String> = r
                    .lines
                    .iter()
                    .map(|l| {
                        if l.line == 0 {
                            l.message.text(lang)
                        } else {
                            Msg::new("sheet-row")
                                .arg("row", l.line.to_string())
                                .arg("message", l.message.text(lang))
                                .text(lang)
                        }
                    })
                    .collect();
                let said = Msg::new("sheet-refused")
                    .arg("name", name.as_str())
                    .arg("held", r.not_applied)
                    .arg("reasons", lines.join(" · "));
                Flashed::error(to, said.text(lang)).at("answers")
            }
            Err(AckError::Domain(e)) => return Err(e.into()),
            Err(e @ AckError::CountChanged { .. }) => return Err(DomainError::Internal(e.to_string()).into()),
        },
    )
}

/// Routes of this page group.
pub fn routes() -> Vec<Route> {
    routes![sheet_xlsx, sheet_csv, upload]
}
