//! Scan to verify at the packing bench: the operator scans a production ticket (its package id),
//! then a shipping label (its tracking number). Together they are right only when the label is
//! that package's; then the package is recorded `packed` (the dispatch clock's step), through the
//! same answer rules as every other channel (a package with a pull request or a cancelled order
//! is refused, never packed). A label of another package, a ticket of another batch and a pair
//! scanned twice are each called out.

use crate::db::models::audit::Actor;
use crate::db::models::batch::{self, ActiveBy};
use crate::db::models::status::AckStatus;
use crate::domain::DomainError;
use crate::i18n::Msg;

use super::Batches;
use super::acks::{AckError, AckLine, Target};

/// What a first scan (a ticket) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketScan {
    /// A package of this batch: the label comes next.
    Found { package: String, order: String },
    /// Not a package of this batch: the message says what it is instead.
    NotHere(Msg),
}

/// What a ticket and a label scanned together came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairCheck {
    /// They belong together; the package is recorded packed (`again`: it already was).
    Packed { package: String, again: bool },
    /// They do not, or the package may not be packed: why, and what to do.
    Wrong(Msg),
}

impl Batches {
    /// The first scan at the bench: is this a ticket of batch `batch_id`?
    pub async fn scan_ticket(
        &self,
        supplier_id: i64,
        batch_id: i64,
        code: &str,
    ) -> Result<TicketScan, DomainError> {
        let code = code.trim().to_string();
        self.pool
            .run(move |c| {
                let here =
                    |rows: &[(batch::BatchPackage, _, _)]| rows.iter().any(|r| r.0.batch_id == batch_id);
                let as_ticket = batch::active_for_supplier(c, supplier_id, ActiveBy::TikTokPackage(&code))?;
                if let Some((_, p, o)) = as_ticket.iter().find(|r| r.0.batch_id == batch_id) {
                    return Ok(TicketScan::Found {
                        package: p.tiktok_package_id.clone().unwrap_or_default(),
                        order: o.tiktok_order_id.clone(),
                    });
                }
                if let Some((bp, ..)) = as_ticket.first() {
                    let seq = batch::find(c, bp.batch_id)?.seq;
                    return Ok(TicketScan::NotHere(
                        Msg::new("verify-ticket-other-batch")
                            .arg("code", code.as_str())
                            .arg("batch", seq.to_string()),
                    ));
                }
                let as_label = batch::active_for_supplier(c, supplier_id, ActiveBy::Tracking(&code))?;
                if here(&as_label) {
                    return Ok(TicketScan::NotHere(
                        Msg::new("verify-label-first").arg("code", code.as_str()),
                    ));
                }
                Ok(TicketScan::NotHere(
                    Msg::new("verify-unknown").arg("code", code.as_str()),
                ))
            })
            .await
    }

    /// The second scan: `label` (a tracking number) against the ticket's package; when they
    /// belong together the package is recorded packed by `actor`.
    pub async fn verify_pair(
        &self,
        actor: &Actor,
        supplier_id: i64,
        batch_id: i64,
        ticket: &str,
        label: &str,
    ) -> Result<PairCheck, DomainError> {
        let (ticket, label) = (ticket.trim().to_string(), label.trim().to_string());
        let (t2, l2) = (ticket.clone(), label.clone());
        let found = self
            .pool
            .run(move |c| {
                let rows = batch::active_for_supplier(c, supplier_id, ActiveBy::TikTokPackage(&t2))?;
                let Some((bp, p, _)) = rows.into_iter().find(|r| r.0.batch_id == batch_id) else {
                    return Ok(Err(Msg::new("verify-unknown").arg("code", t2.as_str())));
                };
                if p.tracking_number.as_deref() == Some(l2.as_str()) {
                    return Ok(Ok((bp.id, bp.ack_status)));
                }
                let other = batch::active_for_supplier(c, supplier_id, ActiveBy::Tracking(&l2))?;
                let said = match other.first() {
                    Some((obp, op, _)) => {
                        let seq = batch::find(c, obp.batch_id)?.seq;
                        Msg::new("verify-wrong-label")
                            .arg("ticket", t2.as_str())
                            .arg("label_package", op.tiktok_package_id.clone().unwrap_or_default())
                            .arg("batch", seq.to_string())
                    }
                    None => Msg::new("verify-label-unknown")
                        .arg("ticket", t2.as_str())
                        .arg("code", l2.as_str()),
                };
                Ok::<_, DomainError>(Err(said))
            })
            .await?;
        let (row, before) = match found {
            Ok(x) => x,
            Err(said) => return Ok(PairCheck::Wrong(said)),
        };
        let line = AckLine {
            line: 1,
            target: Target::Row(row),
            status: AckStatus::Packed,
            reason: None,
            expected_date: None,
        };
        match self.acknowledge(actor, supplier_id, vec![line]).await {
            Ok(done) => Ok(PairCheck::Packed {
                package: ticket,
                again: before == AckStatus::Packed || !done.iter().any(|l| l.changed),
            }),
            Err(AckError::Refused(r)) => Ok(PairCheck::Wrong(
                r.lines
                    .into_iter()
                    .next()
                    .map(|l| l.message)
                    .unwrap_or_else(|| Msg::new("verify-unknown").arg("code", ticket.as_str())),
            )),
            Err(AckError::Domain(e)) => Err(e),
            Err(e @ AckError::CountChanged { .. }) => Err(DomainError::Internal(e.to_string())),
        }
    }
}
