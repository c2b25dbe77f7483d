//! Acknowledgements: what a supplier says about each package it received — accepted, rejected
//! (with a reason), backordered (with a date), shipped (handed to the carrier), or, after a
//! pull request, pulled / already shipped. One function applies them for every channel (web
//! portal, factory API, SFTP ack files): all lines or none, each line checked against the
//! supplier's own sealed batches; repeating an answer changes nothing, a different answer is
//! recorded as a change beside the earlier one.

use chrono::NaiveDate;

use crate::db::AnyConnection;
use crate::db::models::audit::{self, Actor};
use crate::db::models::batch::{self, BatchPackage};
use crate::db::models::package::Package;
use crate::db::models::supplier::Supplier;
use crate::db::models::user::User;
use crate::db::models::{mail, order};
use crate::domain::DomainError;

use super::Batches;

/// A supplier's answer for a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AckStatus {
    Accepted,
    Rejected,
    Backordered,
    /// Handed to the carrier.
    Shipped,
    /// Taken out of production after a pull request.
    Pulled,
    /// A pull request came too late: the package left already.
    AlreadyShipped,
}

impl AckStatus {
    /// Reads a status as written in forms and files.
    pub fn parse(s: &str) -> Option<AckStatus> {
        Some(
            match s.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
                "accepted" | "accept" => AckStatus::Accepted,
                "rejected" | "reject" => AckStatus::Rejected,
                "backordered" | "backorder" => AckStatus::Backordered,
                "shipped" | "handed_over" => AckStatus::Shipped,
                "pulled" => AckStatus::Pulled,
                "already_shipped" => AckStatus::AlreadyShipped,
                _ => return None,
            },
        )
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AckStatus::Accepted => "accepted",
            AckStatus::Rejected => "rejected",
            AckStatus::Backordered => "backordered",
            AckStatus::Shipped => "shipped",
            AckStatus::Pulled => "pulled",
            AckStatus::AlreadyShipped => "already_shipped",
        }
    }
}

/// Which package(s) a line is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// TikTok's package id (as in the manifest).
    Package(String),
    /// TikTok's order id: every package of that order the supplier holds.
    Order(String),
    /// podgate's own batch row (the portal's forms).
    Row(i64),
}

/// One acknowledgement line, as parsed from a form, a file or an API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckLine {
    /// The line number in the file (1 = first data line), for error reports.
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
    pub message: String,
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

/// The outcome of applying a set of lines.
#[derive(Debug, thiserror::Error)]
pub enum AckError {
    /// Some lines are invalid: nothing was applied.
    #[error("{} line(s) refused; nothing was applied", .0.len())]
    Refused(Vec<LineError>),
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

/// A resolved line: the batch row and its package.
struct Resolved {
    bp: BatchPackage,
    pkg: Package,
}

impl Batches {
    /// Applies a supplier's acknowledgements, all or none. `supplier_id` comes from who is
    /// signed in (a portal user, an API token, an SFTP login), never from the input.
    pub async fn acknowledge(
        &self,
        actor: &Actor,
        supplier_id: i64,
        lines: Vec<AckLine>,
    ) -> Result<Vec<LineResult>, AckError> {
        let actor = actor.clone();
        self.pool
            .run(move |c| crate::db::write_tx(c, |c| apply(c, &actor, supplier_id, &lines)))
            .await
    }
}

fn resolve(c: &mut AnyConnection, supplier_id: i64, t: &Target) -> Result<Vec<Resolved>, String> {
    let rows: Vec<(BatchPackage, Package)> = match t {
        Target::Row(id) => batch::active_for_supplier(c, supplier_id, batch::ActiveBy::Row(*id)),
        Target::Package(p) => batch::active_for_supplier(c, supplier_id, batch::ActiveBy::TikTokPackage(p)),
        Target::Order(o) => batch::active_for_supplier(c, supplier_id, batch::ActiveBy::TikTokOrder(o)),
    }
    .map_err(|e| format!("could not read the batch: {e}"))?;
    if rows.is_empty() {
        return Err(match t {
            Target::Package(p) => format!("package {p} is in none of your published batches"),
            Target::Order(o) => format!("order {o} is in none of your published batches"),
            Target::Row(_) => "this package is in none of your published batches".into(),
        });
    }
    Ok(rows.into_iter().map(|(bp, pkg)| Resolved { bp, pkg }).collect())
}

fn check(l: &AckLine, r: &Resolved) -> Result<(), String> {
    match l.status {
        AckStatus::Rejected if l.reason.as_deref().is_none_or(|s| s.trim().is_empty()) => {
            Err("a rejection needs a reason (reason column)".into())
        }
        AckStatus::Backordered if l.expected_date.is_none() => {
            Err("backordered needs the expected date (expected_date, YYYY-MM-DD)".into())
        }
        AckStatus::Pulled | AckStatus::AlreadyShipped if r.bp.pull_requested_at.is_none() => Err(format!(
            "{} is only an answer to a pull request, and none was made for this package",
            l.status.as_str()
        )),
        _ => Ok(()),
    }
}

fn apply(
    c: &mut AnyConnection,
    actor: &Actor,
    supplier_id: i64,
    lines: &[AckLine],
) -> Result<Vec<LineResult>, AckError> {
    let mut errors = Vec::new();
    let mut resolved = Vec::new();
    for l in lines {
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
        errors.dedup();
        return Err(AckError::Refused(errors));
    }
    let sup = Supplier::find_in_workspace(c, actor.workspace_id.unwrap_or_default(), supplier_id)?
        .ok_or(DomainError::NotFound)?;
    let mut out = Vec::new();
    for (l, r) in resolved {
        // Re-read: an earlier line of the same set may have changed this row.
        let bp = batch::find_package_row(c, r.bp.id)?;
        let reason = l.reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let date = l.expected_date.map(|d| d.format("%Y-%m-%d").to_string());
        let same = bp.ack_status == l.status.as_str()
            && bp.ack_reason.as_deref() == reason
            && bp.ack_expected_date.as_deref() == date.as_deref();
        let o =
            order::find_in_workspace(c, r.pkg.workspace_id, r.pkg.order_id)?.ok_or(DomainError::NotFound)?;
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
            let mut what = format!(
                "{} {} package {tt_pkg}",
                sup.name,
                l.status.as_str().replace('_', " ")
            );
            if let Some(r) = reason {
                what.push_str(&format!(": {r}"));
            }
            if let Some(d) = &date {
                what.push_str(&format!(" (expected {d})"));
            }
            if bp.ack_status != "pending" {
                what.push_str(&format!(" — changed from {}", bp.ack_status.replace('_', " ")));
            }
            order::add_event(c, o.id, "ack", &what, &actor.label, channel)?;
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
        out.push(LineResult {
            line: l.line,
            package_id: tt_pkg,
            order_id: o.tiktok_order_id,
            status: l.status.as_str(),
            changed: !same,
        });
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
    for u in User::list_in_workspace(c, ws)?
        .iter()
        .filter(|u| u.role == "owner" && !u.disabled)
    {
        mail::enqueue(c, Some(ws), "rejection", &u.email, &subject, &body)?;
    }
    Ok(())
}

/// Takes a package out of its batch (the label was voided or moved to another supplier).
pub fn leave_batch(c: &mut AnyConnection, package_id: i64) -> Result<(), DomainError> {
    if let Some(bp) = batch::active_of_package(c, package_id)? {
        batch::deactivate(c, bp.id)?;
    }
    Ok(())
}
