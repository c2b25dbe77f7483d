//! Label problems the seller acts on, each an explicit, recorded action: voiding a label,
//! buying it again, retrying failures, cancelling what is left of a job, choosing how services
//! are picked. A label whose order is cancelled after purchase is held back from handoff.

use crate::db::AnyConnection;
use crate::db::models::audit::{self, Actor};
use crate::db::models::batch;
use crate::db::models::package;
use crate::db::models::supplier::Supplier;
use crate::db::models::workspace::Workspace;
use crate::db::models::{mail, order};

use super::super::DomainError;
use super::super::shops::TikTok;
use super::service::ServiceRule;
use super::{Started, seller_workspace};

/// What the seller must do after voiding: TikTok's API has no call to cancel a label.
pub const VOID_ADVICE: &str = "Cancel the label in TikTok Seller Center too, to get the postage back and free the units for a new label.";

/// Holds back from handoff every label of an order TikTok cancelled, and cancels packages not
/// bought yet; records it on the order. Returns how many labels were held.
pub fn hold_cancelled_order(conn: &mut AnyConnection, order_id: i64) -> Result<usize, DomainError> {
    let reason =
        "The order was cancelled after this label was bought: it is kept out of handoff. Void the label.";
    let held = package::hold_for_cancelled_order(conn, order_id, reason)?;
    // Labels already handed over: the supplier must pull them (and say so).
    for bp in batch::request_pull(conn, order_id)? {
        let p = package::find(conn, bp.package_id)?;
        let b = batch::find(conn, bp.batch_id)?;
        let Some(sup) = Supplier::find_in_workspace(conn, p.workspace_id, p.supplier_id)? else {
            continue;
        };
        let o = order::find_in_workspace(conn, p.workspace_id, order_id)?.ok_or(DomainError::NotFound)?;
        let tt = p.tiktok_package_id.clone().unwrap_or_default();
        let (subject, body) = crate::mail::texts::pull_request(&sup, &o.tiktok_order_id, &tt, b.seq);
        for to in sup.contact_emails() {
            mail::enqueue(conn, Some(p.workspace_id), "pull", &to, &subject, &body)?;
        }
        let (subject, body) = crate::mail::texts::pull_requested_seller(&sup, &o.tiktok_order_id, &tt);
        for u in crate::db::models::user::User::list_in_workspace(conn, p.workspace_id)?
            .iter()
            .filter(|u| u.role == "owner" && !u.disabled)
        {
            mail::enqueue(conn, Some(p.workspace_id), "pull", &u.email, &subject, &body)?;
        }
        order::add_event(
            conn,
            order_id,
            "pull",
            &format!("{} asked to pull package {tt} from batch {}", sup.name, b.seq),
            "podgate",
            "system",
        )?;
    }
    if held > 0 {
        order::add_event(
            conn,
            order_id,
            "exception",
            &format!("{held} label(s) held back from handoff: the order was cancelled after purchase"),
            "podgate",
            "system",
        )?;
    }
    Ok(held)
}

impl TikTok {
    /// Voids a bought label in podgate (it never goes to a supplier), with the reason.
    pub async fn void_label(&self, actor: &Actor, package_id: i64, reason: &str) -> Result<(), DomainError> {
        let ws = seller_workspace(actor)?;
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "Say why the label is voided."));
        }
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let p = package::find(c, package_id)?;
                    if p.workspace_id != ws {
                        return Err(DomainError::NotFound);
                    }
                    if !package::void(c, package_id, &actor.label, &reason)? {
                        return Err(DomainError::Conflict(format!(
                            "This package is {}: only a bought label can be voided.",
                            p.status
                        )));
                    }
                    let tt = p.tiktok_package_id.clone().unwrap_or_default();
                    handoff_after_void(c, &p)?;
                    order::add_event(
                        c,
                        p.order_id,
                        "label",
                        &format!("Label {tt} voided by {}: {reason}. {VOID_ADVICE}", actor.label),
                        &actor.label,
                        actor.channel.as_str(),
                    )?;
                    audit::record(
                        c,
                        &actor,
                        Some(ws),
                        "label.voided",
                        &format!("package:{package_id}"),
                        &reason,
                    )?;
                    Ok(())
                })
            })
            .await
    }

    /// Buys a new label for the units of a voided one, in a new job.
    pub async fn rebuy_label(&self, actor: &Actor, package_id: i64) -> Result<Started, DomainError> {
        let ws = seller_workspace(actor)?;
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let p = package::find(c, package_id)?;
                    if p.workspace_id != ws {
                        return Err(DomainError::NotFound);
                    }
                    if p.status != "voided" {
                        return Err(DomainError::Conflict(
                            "Only a voided label can be bought again: void it first.".into(),
                        ));
                    }
                    let job_id = package::create_job(c, ws, &actor.label)?;
                    let planned = package::record_rebuy(c, &p, job_id)?.is_some() as usize;
                    if planned == 1 {
                        order::add_event(
                            c,
                            p.order_id,
                            "label",
                            &format!(
                                "New label requested by {} for the units of voided package {}",
                                actor.label,
                                p.tiktok_package_id.unwrap_or_default()
                            ),
                            &actor.label,
                            actor.channel.as_str(),
                        )?;
                        audit::record(
                            c,
                            &actor,
                            Some(ws),
                            "label.rebuy",
                            &format!("package:{package_id}"),
                            "",
                        )?;
                    } else {
                        package::finish_job(c, job_id)?;
                    }
                    Ok(Started {
                        job_id,
                        planned,
                        skipped: Vec::new(),
                    })
                })
            })
            .await
    }

    /// Puts a job's failed packages back in line; returns how many.
    pub async fn retry_failed(&self, actor: &Actor, job_id: i64) -> Result<usize, DomainError> {
        self.job_action(actor, job_id, "labels.retry", package::retry_failed)
            .await
    }

    /// Cancels a job's packages not being bought right now; returns how many.
    pub async fn cancel_remaining(&self, actor: &Actor, job_id: i64) -> Result<usize, DomainError> {
        self.job_action(actor, job_id, "labels.cancel", package::cancel_remaining)
            .await
    }

    /// Runs an action on the packages of one of the actor's jobs, audited, in one transaction.
    async fn job_action(
        &self,
        actor: &Actor,
        job_id: i64,
        action: &'static str,
        apply: fn(&mut AnyConnection, i64) -> diesel::QueryResult<usize>,
    ) -> Result<usize, DomainError> {
        let ws = seller_workspace(actor)?;
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    job_of_workspace(c, ws, job_id)?;
                    let n = apply(c, job_id)?;
                    audit::record(
                        c,
                        &actor,
                        Some(ws),
                        action,
                        &format!("job:{job_id}"),
                        &format!("{n} package(s)"),
                    )?;
                    Ok(n)
                })
            })
            .await
    }

    /// Sets how the workspace picks services.
    pub async fn set_service_rule(
        &self,
        actor: &Actor,
        rule: &str,
        carrier: &str,
        allocated: &str,
    ) -> Result<(), DomainError> {
        let ws = seller_workspace(actor)?;
        let allocated = super::allocated::Allocated::parse(allocated).ok_or_else(|| {
            DomainError::invalid(
                "allocated_service",
                "Choose whether to buy TikTok's allocated service or hold the package.",
            )
        })?;
        let carrier = carrier.trim().to_string();
        let rule = match rule {
            "cheapest" | "fastest" => rule.to_string(),
            "preferred" if !carrier.is_empty() => rule.to_string(),
            "preferred" => {
                return Err(DomainError::invalid(
                    "preferred_carrier",
                    "Name the carrier to prefer, e.g. USPS.",
                ));
            }
            _ => {
                return Err(DomainError::invalid(
                    "service_rule",
                    "Choose cheapest, fastest or a preferred carrier.",
                ));
            }
        };
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    Workspace::set_service_rule(c, ws, &rule, &carrier, allocated.name())?;
                    let r = ServiceRule::from_settings(&rule, &carrier);
                    audit::record(
                        c,
                        &actor,
                        Some(ws),
                        "labels.rule",
                        "workspace",
                        &format!("{} {carrier}; allocated service: {}", r.name(), allocated.name()),
                    )?;
                    Ok(())
                })
            })
            .await
    }

    /// Chooses the service for one order (a service or carrier name), or clears the choice.
    pub async fn set_service_override(
        &self,
        actor: &Actor,
        order_id: i64,
        service: Option<String>,
    ) -> Result<(), DomainError> {
        let ws = seller_workspace(actor)?;
        let service = service.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let o = order::find_in_workspace(c, ws, order_id)?.ok_or(DomainError::NotFound)?;
                    order::set_service_override(c, o.id, service.as_deref())?;
                    let what = match &service {
                        Some(s) => format!("Shipping service for this order set to {s} by {}", actor.label),
                        None => format!(
                            "Shipping service choice cleared by {}: the workspace rule applies",
                            actor.label
                        ),
                    };
                    order::add_event(c, o.id, "service", &what, &actor.label, actor.channel.as_str())?;
                    Ok(())
                })
            })
            .await
    }
}

/// A voided label already handed to a supplier: a rejected one just leaves its batch; any
/// other is pulled (the supplier is asked, by portal banner and mail, to answer "pulled" or
/// "already shipped").
fn handoff_after_void(c: &mut AnyConnection, p: &package::Package) -> Result<(), DomainError> {
    let Some(bp) = batch::active_of_package(c, p.id)? else {
        return Ok(());
    };
    if bp.ack_status == "rejected" {
        batch::deactivate(c, bp.id)?;
        return Ok(());
    }
    if bp.pull_requested_at.is_none() {
        batch::request_pull_rows(c, &[bp.id])?;
        let b = batch::find(c, bp.batch_id)?;
        if let Some(sup) = Supplier::find_in_workspace(c, p.workspace_id, p.supplier_id)? {
            let o = order::find_in_workspace(c, p.workspace_id, p.order_id)?.ok_or(DomainError::NotFound)?;
            let tt = p.tiktok_package_id.clone().unwrap_or_default();
            let (subject, body) = crate::mail::texts::pull_request(&sup, &o.tiktok_order_id, &tt, b.seq);
            for to in sup.contact_emails() {
                mail::enqueue(c, Some(p.workspace_id), "pull", &to, &subject, &body)?;
            }
        }
    }
    Ok(())
}

fn job_of_workspace(c: &mut AnyConnection, ws: i64, job_id: i64) -> Result<(), DomainError> {
    match package::job_workspace(c, job_id)? {
        Some(w) if w == ws => Ok(()),
        _ => Err(DomainError::NotFound),
    }
}
