//! A batch as every audience reads it: one page of its packages, and its files downloaded
//! (whole or a range) and recorded, for the seller's pages, the supplier's portal and the API.

use rocket::http::ContentType;

use crate::domain::DomainError;
use crate::domain::batches::Batches;
use crate::domain::batches::files::BatchFile;
use crate::domain::batches::views;
use crate::web::errors::WebError;
use crate::web::ranged::{Body, RangeHeader, Ranged, Span, span};

/// Keeps one page of a batch's packages (the history and counts stay whole).
pub fn page_packages(d: &mut views::BatchDetail, page: Option<usize>) -> minijinja::Value {
    let (rows, pager) = crate::web::paging::window(&d.packages, page);
    d.packages = rows.to_vec();
    pager
}

/// A page of the batch's packages, or, for a scanned or typed code, only the packages it names
/// (with how many: 0 says so on the page).
pub fn page_or_find(
    d: &mut views::BatchDetail,
    page: Option<usize>,
    find: Option<&str>,
) -> (minijinja::Value, Option<usize>) {
    match find.map(str::trim).filter(|f| !f.is_empty()) {
        Some(code) => {
            d.packages = views::find_packages(&d.packages, code);
            let n = d.packages.len();
            (crate::web::paging::window(&d.packages, None).1, Some(n))
        }
        None => (page_packages(d, page), None),
    }
}

/// Answers a batch file download (whole or a range) and records it; shared with the portal.
pub async fn serve(
    batches: &Batches,
    actor: &crate::db::models::audit::Actor,
    b: &crate::db::models::batch::Batch,
    file: &str,
    range: RangeHeader,
) -> Result<Ranged, WebError> {
    let f = BatchFile::named(b, file).ok_or(DomainError::NotFound)?;
    let (body, len, span) = match from_bucket(batches, b, &f, &range).await? {
        Some(there) => there,
        None => {
            let (source, len) = batches.source(b, &f).await?;
            (Body::Here(source), len, span(range.0.as_deref(), len))
        }
    };
    let r = Ranged {
        body,
        len,
        span,
        content_type: ContentType::parse_flexible(f.content_type()).unwrap_or(ContentType::Binary),
        file_name: f.name(b),
        etag: matches!(f, BatchFile::Zip)
            .then(|| b.zip_sha256.clone())
            .flatten(),
    };
    let (first, n) = r.sent();
    if n > 0 {
        batches
            .record_download(actor, b, &f, first, n, r.reaches_end())
            .await?;
    }
    Ok(r)
}

/// The answer's bytes straight from the bucket, when this node lacks the batch's zip or merged
/// labels (a browser starts receiving at once, and a resumed download moves only its range);
/// None when the file is read here.
async fn from_bucket(
    batches: &Batches,
    b: &crate::db::models::batch::Batch,
    f: &BatchFile,
    range: &RangeHeader,
) -> Result<Option<(Body, u64, Span)>, WebError> {
    let Some((file, len)) = f.shared(b) else {
        return Ok(None);
    };
    let span = span(range.0.as_deref(), len);
    let (start, n) = span.bytes(len);
    if n == 0 {
        return Ok(None);
    }
    let reader = batches.bucket_range(b.id, file, start, n).await?;
    Ok(reader.map(|r| (Body::Bucket(r), len, span)))
}
