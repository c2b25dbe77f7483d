//! The handoff rules for labels already in a supplier's hands: a cancelled order's labels are
//! held back (and pulled from published batches, with mail to the supplier and the owners); a
//! voided label leaves its batch or is pulled. Called inside the caller's transaction, from
//! order sync and from voiding.

use crate::db::AnyConnection;
use crate::db::models::status::AckStatus;
use crate::db::models::supplier::Supplier;
use crate::db::models::{batch, mail, order, package};
use crate::domain::DomainError;
use crate::domain::factory_webhooks::{self, WebhookEvent};

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
        ask_to_pull(conn, &sup, &o.tiktok_order_id, &tt, &b)?;
        tell_systems(
            conn,
            sup.id,
            WebhookEvent::PackagePullRequested,
            &b,
            &o.tiktok_order_id,
            &p,
            "order_cancelled",
        )?;
        tell_systems(
            conn,
            sup.id,
            WebhookEvent::PackageCancelled,
            &b,
            &o.tiktok_order_id,
            &p,
            "order_cancelled",
        )?;
        let (subject, body) = crate::mail::texts::pull_requested_seller(&sup, &o.tiktok_order_id, &tt);
        for to in crate::db::models::user::User::owners_to_mail(conn, p.workspace_id)? {
            mail::enqueue(conn, Some(p.workspace_id), "pull", &to.email, &subject, &body)?;
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

/// A voided label already handed to a supplier: a rejected one just leaves its batch; any
/// other is pulled (the supplier is asked, by portal banner and mail, to answer "pulled" or
/// "already shipped").
pub fn after_void(c: &mut AnyConnection, p: &package::Package) -> Result<(), DomainError> {
    let Some(bp) = batch::active_of_package(c, p.id)? else {
        return Ok(());
    };
    let b = batch::find(c, bp.batch_id)?;
    let o = order::find_in_workspace(c, p.workspace_id, p.order_id)?.ok_or(DomainError::NotFound)?;
    tell_systems(
        c,
        p.supplier_id,
        WebhookEvent::PackageVoided,
        &b,
        &o.tiktok_order_id,
        p,
        "label_voided",
    )?;
    if bp.ack_status == AckStatus::Rejected {
        batch::deactivate(c, bp.id)?;
        return Ok(());
    }
    if bp.pull_requested_at.is_none() {
        batch::request_pull_rows(c, &[bp.id])?;
        if let Some(sup) = Supplier::find_in_workspace(c, p.workspace_id, p.supplier_id)? {
            let tt = p.tiktok_package_id.clone().unwrap_or_default();
            ask_to_pull(c, &sup, &o.tiktok_order_id, &tt, &b)?;
            tell_systems(
                c,
                sup.id,
                WebhookEvent::PackagePullRequested,
                &b,
                &o.tiktok_order_id,
                p,
                "label_voided",
            )?;
        }
    }
    Ok(())
}

/// Queues a package's event for the supplier's own systems (its webhook endpoints).
pub(crate) fn tell_systems(
    c: &mut AnyConnection,
    supplier_id: i64,
    event: WebhookEvent,
    b: &batch::Batch,
    order_id: &str,
    p: &package::Package,
    reason: &str,
) -> Result<(), DomainError> {
    let data = serde_json::json!({
        "batch": b.seq,
        "order_id": order_id,
        "package_id": p.tiktok_package_id,
        "tracking_number": p.tracking_number,
        "reason": reason,
    });
    factory_webhooks::emit(c, supplier_id, event, data)?;
    Ok(())
}

/// Mails the supplier's contacts to pull a package, naming the seller it came from.
fn ask_to_pull(
    c: &mut AnyConnection,
    sup: &Supplier,
    order_id: &str,
    package_id: &str,
    b: &batch::Batch,
) -> Result<(), DomainError> {
    let seller = crate::db::models::workspace::Workspace::find(c, b.workspace_id)?.name;
    for to in sup.contact_emails() {
        let lang = crate::domain::languages::of_recipient(c, sup, &to)?;
        let (subject, body) =
            crate::mail::texts::pull_request(lang, sup, &seller, order_id, package_id, b.seq);
        mail::enqueue(c, Some(b.workspace_id), "pull", &to, &subject, &body)?;
    }
    Ok(())
}
