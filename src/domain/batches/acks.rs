//! Acknowledgements: what a supplier says about each package it received — accepted, rejected
//! (with a reason), backordered (with a date), shipped (handed to the carrier), or, after a
//! pull request, pulled / already shipped. One function applies them for every channel (web
//! portal, factory API, SFTP ack files): all lines or none, each line checked against the
//! supplier's own sealed batches; repeating an answer changes nothing, a different answer is
//! recorded as a change beside the earlier one.

use crate::i18n::Msg;
use chrono::NaiveDate;

use crate::db::AnyConnection;
use crate::db::models::audit::{self, Actor};
use crate::db::models::batch::{self, BatchPackage};
use crate::db::models::order::Order;
use crate::db::models::package::Package;
use crate::db::models::step::{self, ClockStep};
use crate::db::models::supplier::Supplier;
use crate::db::models::user::User;
use crate::db::models::{mail, order};
use crate::domain::DomainError;
use crate::domain::factory_webhooks::WebhookEvent;

use super::Batches;

/// A supplier's answer for a package: the stored state (never `Pending` from a supplier).
pub use crate::db::models::batch::AckStatus;

impl AckStatus {
    /// Reads an answer as written in forms and files (the words factories use, any case, with
    /// spaces or dashes); `pending` is not an answer.
    pub fn parse(s: &str) -> Option<AckStatus> {
        Some(
            match s.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
                "accepted" | "accept" => AckStatus::Accepted,
                "received" => AckStatus::Received,
                "in_production" | "producing" => AckStatus::InProduction,
                "printed" => AckStatus::Printed,
                "packed" => AckStatus::Packed,
                "rejected" | "reject" => AckStatus::Rejected,
                "backordered" | "backorder" => AckStatus::Backordered,
                "shipped" | "handed_over" => AckStatus::Shipped,
                "pulled" => AckStatus::Pulled,
                "already_shipped" => AckStatus::AlreadyShipped,
                _ => return None,
            },
        )
    }
}

/// Which package(s) a line is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// TikTok's package id (as in the manifest).
    Package(String),
    /// TikTok's order id: every package of that order the supplier holds.
    Order(String),
    /// The label's tracking number (what a barcode scanner reads off the label).
    Tracking(String),
    /// podgate's own batch row (the portal's forms).
    Row(i64),
}

/// One acknowledgement line, as parsed from a form, a file or an API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckLine {
    /// Where the line is in what the factory sent, for error reports: in a CSV file the line
    /// its editor shows (the header is line 1), in JSON the item's position in the list.
    pub line: usize,
    pub target: Target,
    pub status: AckStatus,
    pub reason: Option<String>,
    pub expected_date: Option<NaiveDate>,
}

/// A refused line and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineError {
    pub line: usize,
    /// Why, worded for each reader (a result file in the supplier's language, the API in
    /// English).
    pub message: Msg,
}

/// Lines to apply, with the lines already refused while reading them (a bad status, a bad
/// date): those are reported together with what the database check finds, in one pass.
#[derive(Debug, Clone, Default)]
pub struct AckSet {
    pub lines: Vec<AckLine>,
    pub refused: Vec<LineError>,
    /// Rows of a sheet (CSV, text, xlsx) that name a package but give no status: not answered
    /// yet, so left as they are (an answer sheet is filled in a few rows at a time).
    pub unanswered: Vec<usize>,
}

/// What a file of answers did: the lines applied, and the sheet rows left unanswered.
#[derive(Debug, Clone)]
pub struct FileAnswers {
    pub applied: Vec<LineResult>,
    pub unanswered: Vec<usize>,
}

impl From<Vec<AckLine>> for AckSet {
    fn from(lines: Vec<AckLine>) -> Self {
        AckSet {
            lines,
            refused: Vec::new(),
            unanswered: Vec::new(),
        }
    }
}

/// What one line did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LineResult {
    pub line: usize,
    pub package_id: String,
    pub order_id: String,
    pub status: &'static str,
    /// False when the same answer was already recorded (nothing changed).
    pub changed: bool,
}

/// Every bad line of a set, and how many good lines were not applied because of them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Refusal {
    /// Sorted by line.
    pub lines: Vec<LineError>,
    /// Good lines left unapplied (a set is applied whole or not at all).
    pub not_applied: usize,
}

impl Refusal {
    /// One sentence for a status message or a flash: how many lines, and what to do.
    pub fn summary(&self) -> String {
        format!(
            "{} line(s) refused, so nothing was applied ({} good line(s) not applied): fix the refused lines and send the whole file again",
            self.lines.len(),
            self.not_applied
        )
    }
}

/// The outcome of applying a set of lines.
#[derive(Debug, thiserror::Error)]
pub enum AckError {
    /// Some lines are invalid: nothing was applied.
    #[error("{}", .0.summary())]
    Refused(Refusal),
    /// "Accept all" was confirmed for a count that is no longer right: nothing was applied.
    #[error(
        "{now} package(s) can be accepted now, not {confirmed}: the batch changed (a pull request or an answer came in). Look at it again and confirm."
    )]
    CountChanged { now: usize, confirmed: usize },
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl From<crate::db::DbError> for AckError {
    fn from(e: crate::db::DbError) -> Self {
        AckError::Domain(e.into())
    }
}

impl From<diesel::result::Error> for AckError {
    fn from(e: diesel::result::Error) -> Self {
        AckError::Domain(e.into())
    }
}

/// A resolved line: the batch row, its package and order.
struct Resolved {
    bp: BatchPackage,
    pkg: Package,
    order: Order,
}

impl Resolved {
    /// A pull request was made (answered or not): the package is never answered as live again.
    fn pull_requested(&self) -> bool {
        self.bp.pull_requested_at.is_some()
    }

    fn cancelled(&self) -> bool {
        self.order.status == "CANCELLED"
    }

    /// Whether "accept all" may answer this row: waiting, no pull request, order live.
    fn acceptable(&self) -> bool {
        self.bp.active
            && self.bp.ack_status == AckStatus::Pending
            && !self.pull_requested()
            && !self.cancelled()
    }
}

impl Batches {
    /// Applies a supplier's acknowledgements, all or none. `supplier_id` comes from who is
    /// signed in (a portal user, an API token, an SFTP login), never from the input.
    pub async fn acknowledge(
        &self,
        actor: &Actor,
        supplier_id: i64,
        set: impl Into<AckSet>,
    ) -> Result<Vec<LineResult>, AckError> {
        let actor = actor.clone();
        let set = set.into();
        self.pool
            .run(move |c| crate::db::write_tx(c, |c| apply(c, &actor, supplier_id, &set)))
            .await
    }

    /// Applies an acknowledgement file (SFTP inbox, portal upload): read by its name's extension
    /// (`.csv`, `.tsv`, `.txt`, `.xlsx`, `.json`), then all lines or none (a sheet's rows without
    /// a status are left unanswered, not refused). A file that cannot be read at all is refused
    /// with the reason on line 0.
    pub async fn acknowledge_file(
        &self,
        actor: &Actor,
        supplier_id: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<FileAnswers, AckError> {
        let refuse = |lines: Vec<LineError>| {
            AckError::Refused(Refusal {
                lines,
                not_applied: 0,
            })
        };
        let Some(format) = super::ackfile::Format::of(name) else {
            return Err(refuse(vec![LineError {
                line: 0,
                message: Msg::new("ackfile-unknown-format"),
            }]));
        };
        self.acknowledge_bytes(actor, supplier_id, format, bytes).await
    }

    /// Applies acknowledgements sent as bytes of a known format (a file, the API's JSON body):
    /// parsed, then all lines or none. Bytes that cannot be read at all are refused with the
    /// reason on line 0.
    pub async fn acknowledge_bytes(
        &self,
        actor: &Actor,
        supplier_id: i64,
        format: super::ackfile::Format,
        bytes: &[u8],
    ) -> Result<FileAnswers, AckError> {
        // Reading a workbook of thousands of rows is CPU work: off the async workers.
        let bytes = bytes.to_vec();
        let set = tokio::task::spawn_blocking(move || super::ackfile::parse(format, &bytes))
            .await
            .map_err(|e| DomainError::Internal(format!("reading acknowledgements: {e}")))?
            .map_err(|lines| {
                AckError::Refused(Refusal {
                    lines,
                    not_applied: 0,
                })
            })?;
        let unanswered = set.unanswered.clone();
        let applied = self.acknowledge(actor, supplier_id, set).await?;
        Ok(FileAnswers { applied, unanswered })
    }

    /// How many packages of a batch "accept all" would answer now: waiting, without a pull
    /// request, their orders not cancelled.
    pub async fn acceptable_count(&self, supplier_id: i64, batch_id: i64) -> Result<usize, DomainError> {
        self.pool
            .run(move |c| Ok(acceptable(c, supplier_id, batch_id)?.len()))
            .await
    }

    /// "Accept all": accepts every acceptable package of a batch, once the person confirmed
    /// that count. A package pulled or cancelled since is never touched; if the count changed
    /// the answer is a conflict that asks to look again. Returns how many were accepted.
    pub async fn accept_all_waiting(
        &self,
        actor: &Actor,
        supplier_id: i64,
        batch_id: i64,
        confirmed: usize,
    ) -> Result<usize, AckError> {
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let rows = acceptable(c, supplier_id, batch_id)?;
                    if rows.len() != confirmed {
                        return Err(AckError::CountChanged {
                            now: rows.len(),
                            confirmed,
                        });
                    }
                    let lines: Vec<AckLine> = rows
                        .iter()
                        .enumerate()
                        .map(|(i, r)| AckLine {
                            line: i + 1,
                            target: Target::Row(r.bp.id),
                            status: AckStatus::Accepted,
                            reason: None,
                            expected_date: None,
                        })
                        .collect();
                    apply(c, &actor, supplier_id, &lines.into()).map(|r| r.len())
                })
            })
            .await
    }
}

fn acceptable(c: &mut AnyConnection, supplier_id: i64, batch_id: i64) -> Result<Vec<Resolved>, DomainError> {
    Ok(
        batch::active_for_supplier(c, supplier_id, batch::ActiveBy::Batch(batch_id))?
            .into_iter()
            .map(|(bp, pkg, order)| Resolved { bp, pkg, order })
            .filter(Resolved::acceptable)
            .collect(),
    )
}

fn resolve(c: &mut AnyConnection, supplier_id: i64, t: &Target) -> Result<Vec<Resolved>, Msg> {
    let by = match t {
        Target::Row(id) => batch::ActiveBy::Row(*id),
        Target::Package(p) => batch::ActiveBy::TikTokPackage(p),
        Target::Order(o) => batch::ActiveBy::TikTokOrder(o),
        Target::Tracking(n) => batch::ActiveBy::Tracking(n),
    };
    let rows = batch::active_for_supplier(c, supplier_id, by)
        .map_err(|e| Msg::from(format!("could not read the batch: {e}")))?;
    if rows.is_empty() {
        return Err(match t {
            Target::Package(p) => Msg::new("ack-unknown-package").arg("package", p),
            Target::Order(o) => Msg::new("ack-unknown-order").arg("order", o),
            Target::Tracking(n) => Msg::new("ack-unknown-tracking").arg("tracking", n),
            Target::Row(_) => Msg::new("ack-unknown-row"),
        });
    }
    Ok(rows
        .into_iter()
        .map(|(bp, pkg, order)| Resolved { bp, pkg, order })
        .collect())
}

fn check(l: &AckLine, r: &Resolved) -> Result<(), Msg> {
    let package = r.pkg.tiktok_package_id.as_deref().unwrap_or_default();
    let order = r.order.tiktok_order_id.as_str();
    let say = |id| Msg::new(id).arg("package", package).arg("order", order);
    match l.status {
        AckStatus::Pulled | AckStatus::AlreadyShipped if !r.pull_requested() => {
            Err(say("ack-no-pull-request").arg("status", l.status.as_str()))
        }
        AckStatus::Pulled | AckStatus::AlreadyShipped => Ok(()),
        _ if r.pull_requested() => Err(say("ack-pull-requested")),
        _ if r.cancelled() => Err(say("ack-order-cancelled")),
        AckStatus::Rejected if l.reason.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            Err(say("ack-reject-needs-reason"))
        }
        AckStatus::Backordered if l.expected_date.is_none() => Err(say("ack-backorder-needs-date")),
        _ => Ok(()),
    }
}

fn apply(
    c: &mut AnyConnection,
    actor: &Actor,
    supplier_id: i64,
    set: &AckSet,
) -> Result<Vec<LineResult>, AckError> {
    let mut errors = set.refused.clone();
    let mut resolved = Vec::new();
    for l in &set.lines {
        match resolve(c, supplier_id, &l.target) {
            Ok(rs) => {
                for r in rs {
                    match check(l, &r) {
                        Ok(()) => resolved.push((l, r)),
                        Err(m) => errors.push(LineError {
                            line: l.line,
                            message: m,
                        }),
                    }
                }
            }
            Err(m) => errors.push(LineError {
                line: l.line,
                message: m,
            }),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        errors.dedup();
        let bad: std::collections::HashSet<usize> = errors.iter().map(|e| e.line).collect();
        let not_applied = set.lines.iter().filter(|l| !bad.contains(&l.line)).count();
        return Err(AckError::Refused(Refusal {
            lines: errors,
            not_applied,
        }));
    }
    let sup = Supplier::find_in_workspace(c, actor.workspace_id.unwrap_or_default(), supplier_id)?
        .ok_or(DomainError::NotFound)?;
    let mut out = Vec::new();
    let mut applied = Vec::new();
    for (l, r) in resolved {
        // Re-read: an earlier line of the same set may have changed this row.
        let bp = batch::find_package_row(c, r.bp.id)?;
        let reason = l.reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let date = l.expected_date.map(|d| d.format("%Y-%m-%d").to_string());
        let same = bp.ack_status == l.status
            && bp.ack_reason.as_deref() == reason
            && bp.ack_expected_date.as_deref() == date.as_deref();
        let o = r.order;
        let tt_pkg = r.pkg.tiktok_package_id.clone().unwrap_or_default();
        if !same {
            let channel = actor.channel.as_str();
            batch::set_ack(
                c,
                &bp,
                l.status.as_str(),
                reason,
                date.as_deref(),
                &actor.label,
                channel,
            )?;
            let mut what = format!("{} {} package {tt_pkg}", sup.name, l.status.label());
            if let Some(r) = reason {
                what.push_str(&format!(": {r}"));
            }
            if let Some(d) = &date {
                what.push_str(&format!(" (expected {d})"));
            }
            if bp.ack_status != AckStatus::Pending {
                what.push_str(&format!(" — changed from {}", bp.ack_status.label()));
            }
            order::add_event(c, o.id, "ack", &what, &actor.label, channel)?;
            // The first answer is a step on the package's dispatch clock, and so is each of the
            // factory's own steps (received … packed).
            let now = crate::db::models::now();
            step::record(c, r.pkg.id, ClockStep::Acknowledged, now, channel, &actor.label)?;
            if let Some(progress) = l.status.clock_step() {
                step::record(c, r.pkg.id, progress, now, channel, &actor.label)?;
            }
            audit::record(
                c,
                actor,
                Some(o.workspace_id),
                "ack",
                &format!("package:{}", r.pkg.id),
                &what,
            )?;
            if l.status == AckStatus::Rejected {
                tell_seller(
                    c,
                    o.workspace_id,
                    &sup,
                    &o.tiktok_order_id,
                    &tt_pkg,
                    reason.unwrap_or(""),
                )?;
            }
        }
        if !same {
            applied.push(serde_json::json!({
                "order_id": o.tiktok_order_id, "package_id": tt_pkg, "status": l.status.as_str(),
                "reason": reason, "expected_date": date,
            }));
        }
        out.push(LineResult {
            line: l.line,
            package_id: tt_pkg,
            order_id: o.tiktok_order_id,
            status: l.status.as_str(),
            changed: !same,
        });
    }
    // One event per set of answers (a file of a thousand lines is one delivery, not a thousand).
    if !applied.is_empty() {
        let data = serde_json::json!({
            "by": actor.label, "channel": actor.channel.as_str(), "packages": applied,
        });
        crate::domain::factory_webhooks::emit(c, supplier_id, WebhookEvent::AcknowledgementApplied, data)?;
    }
    Ok(out)
}

/// Mails the seller's owners about a rejection.
fn tell_seller(
    c: &mut AnyConnection,
    ws: i64,
    sup: &Supplier,
    order_id: &str,
    package_id: &str,
    reason: &str,
) -> Result<(), DomainError> {
    let (subject, body) = crate::mail::texts::rejection(sup, order_id, package_id, reason);
    for to in User::owners_to_mail(c, ws)? {
        mail::enqueue(c, Some(ws), "rejection", &to.email, &subject, &body)?;
    }
    Ok(())
}
