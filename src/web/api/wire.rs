//! The factory API's request and response bodies, as the OpenAPI document describes them: the
//! handlers build these from the domain's views, so the document and the answers cannot drift.

use chrono::{DateTime, NaiveDateTime, Utc};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};

use crate::db::models::status::AckStatus;
use crate::domain::batches::views::{AckCounts, BatchDetail, BatchSummary};

/// A stored UTC time as the API writes times (RFC 3339 with `Z`).
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

impl utoipa::PartialSchema for AckStatus {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .description(Some(
                "A package's answer. `pending`: none yet; `accepted`, then the factory's own steps \
                 `received`, `in_production`, `printed`, `packed` (each a step on the dispatch clock); \
                 `rejected` (with a reason), `backordered` (with an expected date), `shipped`; to a pull \
                 request, `pulled` or `already_shipped`.",
            ))
            .enum_values(Some(AckStatus::ALL.iter().map(|s| s.as_str())))
            .into()
    }
}
impl ToSchema for AckStatus {}

/// A file's bytes (a zip, a PDF, a checksum line), as the download answers them.
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}
impl ToSchema for FileBytes {}

/// A published batch, as the list shows it.
#[derive(serde::Serialize, ToSchema)]
#[schema(example = json!({"batch": 7, "zip": "acme-prints-shirt-co-0007-2026-12-04.zip",
    "zip_sha256": "9f2c…", "zip_bytes": 183042, "published_at": "2026-12-04T18:00:02Z",
    "ack_due_at": "2026-12-05T18:00:02Z", "downloaded": false,
    "packages": {"total": 42, "pending": 42, "accepted": 0, "rejected": 0, "backordered": 0,
    "shipped": 0, "pulls_open": 0, "pulls_answered": 0}}))]
pub struct BatchItem {
    /// The batch's number for this supplier (1, 2, …).
    pub batch: i64,
    /// The zip's file name: download it at `/api/v1/batches/{batch}/{zip}`.
    pub zip: String,
    /// SHA-256 of the zip, hex.
    pub zip_sha256: Option<String>,
    pub zip_bytes: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    /// When the seller expects every package answered.
    pub ack_due_at: Option<DateTime<Utc>>,
    /// Whether anyone of the supplier has downloaded it.
    pub downloaded: bool,
    pub packages: AckCounts,
}

impl From<&BatchSummary> for BatchItem {
    fn from(s: &BatchSummary) -> BatchItem {
        BatchItem {
            batch: s.batch.seq,
            zip: s.zip_name.clone(),
            zip_sha256: s.batch.zip_sha256.clone(),
            zip_bytes: s.batch.zip_bytes,
            published_at: s.batch.sealed_at.map(utc),
            ack_due_at: s.batch.ack_due_at.map(utc),
            downloaded: s.batch.first_downloaded_at.is_some(),
            packages: s.counts.clone(),
        }
    }
}

/// The supplier's published batches, newest first.
#[derive(serde::Serialize, ToSchema)]
pub struct BatchList {
    pub batches: Vec<BatchItem>,
}

/// A package of a batch, with its answer.
#[derive(serde::Serialize, ToSchema)]
pub struct PackageItem {
    /// Its place in the batch (and in `labels.pdf`).
    pub position: i64,
    /// TikTok's order id.
    pub order_id: String,
    /// TikTok's package id (as in the manifest).
    pub package_id: String,
    pub tracking_number: String,
    pub carrier: String,
    pub service: String,
    pub status: AckStatus,
    pub reason: Option<String>,
    /// For `backordered`: `YYYY-MM-DD`.
    pub expected_date: Option<String>,
    /// The seller asked to stop it (a voided label, or an order cancelled on TikTok): answer
    /// `pulled` or `already_shipped`.
    pub pull_requested: bool,
}

/// One batch and its packages.
#[derive(serde::Serialize, ToSchema)]
pub struct BatchPackages {
    pub batch: i64,
    pub zip: String,
    pub zip_sha256: Option<String>,
    pub ack_due_at: Option<DateTime<Utc>>,
    pub packages: Vec<PackageItem>,
}

impl From<&BatchDetail> for BatchPackages {
    fn from(d: &BatchDetail) -> BatchPackages {
        BatchPackages {
            batch: d.summary.batch.seq,
            zip: d.summary.zip_name.clone(),
            zip_sha256: d.summary.batch.zip_sha256.clone(),
            ack_due_at: d.summary.batch.ack_due_at.map(utc),
            packages: d
                .packages
                .iter()
                .filter(|p| p.active)
                .map(|p| PackageItem {
                    position: p.position,
                    order_id: p.tiktok_order_id.clone(),
                    package_id: p.tiktok_package_id.clone(),
                    tracking_number: p.tracking_number.clone(),
                    carrier: p.carrier.clone(),
                    service: p.service.clone(),
                    status: p.ack_status,
                    reason: p.ack_reason.clone(),
                    expected_date: p.ack_expected_date.clone(),
                    pull_requested: p.pull_requested,
                })
                .collect(),
        }
    }
}

/// One answer: which package (one of `package_id`, `tracking_number`, `order_id`: every
/// package of that order the supplier holds) and what about it.
#[derive(ToSchema)]
#[schema(example = json!({"package_id": "1152921504606846977", "status": "accepted"}))]
#[allow(dead_code)] // the ack parser reads the same JSON (`ackfile`); this is its description
pub struct AckLine {
    pub package_id: Option<String>,
    pub tracking_number: Option<String>,
    pub order_id: Option<String>,
    /// Any answer but `pending` (case and `-`/space for `_` are forgiven).
    pub status: AckStatus,
    /// Required for `rejected`.
    pub reason: Option<String>,
    /// Required for `backordered`: `YYYY-MM-DD`.
    pub expected_date: Option<String>,
}

/// A set of answers: a list, or `{"acks": [...]}`. All are applied, or none.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AckSet(pub Vec<AckLine>);

/// How one line was applied.
#[derive(serde::Serialize, ToSchema)]
pub struct AppliedLine {
    /// Its position in the list (1 = first).
    pub line: usize,
    pub package_id: String,
    pub order_id: String,
    pub status: String,
    /// False when the same answer was already recorded (nothing changed).
    pub changed: bool,
}

/// The answers applied.
#[derive(serde::Serialize, ToSchema)]
pub struct Applied {
    pub applied: Vec<AppliedLine>,
}

/// A refused line of a set.
#[derive(serde::Serialize, ToSchema)]
pub struct RefusedLine {
    /// Its position in the list (1 = first; 0 = the body as a whole).
    pub line: usize,
    pub message: String,
}

/// What went wrong, and what to do.
#[derive(serde::Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable: `unauthorized` (no or unknown token), `token_expired`, `insufficient_scope`,
    /// `supplier_archived`, `forbidden`, `not_found`, `invalid_acks` (with `lines` and
    /// `not_applied`), `too_large`, `bad_request`, `internal`.
    pub code: String,
    /// For people: what happened and what to do.
    pub message: String,
    /// Quote it when asking for help.
    pub request_id: Option<String>,
    /// `invalid_acks`: every refused line with its reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<RefusedLine>>,
    /// `invalid_acks`: good lines held back because of the refused ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applied: Option<usize>,
}

/// Every error answer.
#[derive(serde::Serialize, ToSchema)]
#[schema(example = json!({"error": {"code": "insufficient_scope", "message": "This token may not download batch files (its scopes: read). Create a token with the download scope in the portal.", "request_id": "c0a841ffbaa3d557"}}))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}
