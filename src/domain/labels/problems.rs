//! Label problems the seller acts on, each an explicit, recorded action: voiding a label,
//! buying it again, retrying failures, cancelling what is left of a job, choosing how services
//! are picked. What a void means for a label already handed over is the batches' rule
//! ([`crate::domain::batches::handoff`]).

use crate::db::AnyConnection;
use crate::db::models::audit::{self, Actor};
use crate::db::models::order;
use crate::db::models::package;
use crate::db::models::status::PackageStatus;
use crate::db::models::workspace::Workspace;

use super::super::DomainError;
use super::Labels;
use super::service::ServiceRule;
use super::{Started, seller_workspace};

/// What the seller must do after voiding: TikTok's API has no call to cancel a label.
pub const VOID_ADVICE: &str = "Cancel the label in TikTok Seller Center too, to get the postage back and free the units for a new label.";

impl Labels {
    /// Voids a bought label in podgate (it never goes to a supplier), with the reason.
    pub async fn void(&self, actor: &Actor, package_id: i64, reason: &str) -> Result<(), DomainError> {
        let ws = seller_workspace(actor)?;
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "Say why the label is voided."));
        }
        let actor = actor.clone();
        self.pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let p = crate::domain::labels::jobs::owned(c, ws, package_id)?;
                    if !package::void(c, package_id, &actor.label, &reason)? {
                        return Err(DomainError::Conflict(format!(
                            "This package is {}: only a bought label can be voided.",
                            p.status
                        )));
                    }
                    let tt = p.tiktok_package_id.clone().unwrap_or_default();
                    crate::domain::batches::handoff::after_void(c, &p)?;
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

    /// Buys a new label for the units of a voided one, in a new job it starts.
    pub async fn rebuy(&self, actor: &Actor, package_id: i64) -> Result<Started, DomainError> {
        let ws = seller_workspace(actor)?;
        let actor = actor.clone();
        let started = self
            .pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let p = crate::domain::labels::jobs::owned(c, ws, package_id)?;
                    if p.status != PackageStatus::Voided {
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
                        job_id: Some(job_id),
                        planned,
                        ..Started::default()
                    })
                })
            })
            .await?;
        if let (Some(job_id), 1) = (started.job_id, started.planned) {
            self.spawn(job_id);
        }
        Ok(started)
    }

    /// Puts a job's failed packages back in line and runs the job again; returns how many.
    pub async fn retry(&self, actor: &Actor, job_id: i64) -> Result<usize, DomainError> {
        let n = self
            .job_action(actor, job_id, "labels.retry", package::retry_failed)
            .await?;
        self.spawn(job_id);
        Ok(n)
    }

    /// Cancels a job's packages not being bought right now; returns how many.
    pub async fn cancel(&self, actor: &Actor, job_id: i64) -> Result<usize, DomainError> {
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

fn job_of_workspace(c: &mut AnyConnection, ws: i64, job_id: i64) -> Result<(), DomainError> {
    match package::job_workspace(c, job_id)? {
        Some(w) if w == ws => Ok(()),
        _ => Err(DomainError::NotFound),
    }
}
