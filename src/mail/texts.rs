//! The words of every message podgate sends: plain text, with the link and what to do.

use chrono::NaiveDateTime;

use crate::db::models::batch::Batch;
use crate::db::models::supplier::Supplier;

/// A time as the recipient reads it: in their zone, with the zone named ("Fri 4 Dec 2026,
/// 10:00 PST"); UTC, named, when the zone is unknown. Never a raw ISO string in a mail.
pub fn when(t: NaiveDateTime, zone: &str) -> String {
    use chrono::TimeZone;
    const FORMAT: &str = "%a %-d %b %Y, %H:%M %Z";
    match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => tz.from_utc_datetime(&t).format(FORMAT).to_string(),
        Err(_) => chrono::Utc.from_utc_datetime(&t).format(FORMAT).to_string(),
    }
}

/// A new batch for a supplier, from a seller (a factory serving several sellers must tell
/// whose labels these are).
pub fn new_batch(
    sup: &Supplier,
    seller: &str,
    b: &Batch,
    packages: usize,
    link: &str,
    ack_due: NaiveDateTime,
    earliest_ship_by: Option<NaiveDateTime>,
) -> (String, String) {
    let subject = format!(
        "{seller}: new batch {} for {}, {packages} label(s)",
        b.seq, sup.name
    );
    let mut body = format!(
        "Hello {},\n\n{seller} sent you batch {} ({}): {packages} package(s), each with its \
         shipping label and print files.\n\n\
         Download it and acknowledge each package here:\n{link}\n\n\
         Please acknowledge by {}.\n",
        sup.name,
        b.seq,
        b.zip_name(),
        when(ack_due, &sup.time_zone)
    );
    if let Some(t) = earliest_ship_by {
        body.push_str(&format!(
            "The first package must ship by {} (TikTok's deadline).\n",
            when(t, &sup.time_zone)
        ));
    }
    body.push_str("\nThe zip holds labels/ (one PDF per package), labels.pdf (all labels, ready to print on 4x6 stock), manifest.csv and manifest.json, and SHA256SUMS.\n\n— podgate\n");
    (subject, body)
}

/// A supplier rejected a package.
pub fn rejection(sup: &Supplier, order_id: &str, package_id: &str, reason: &str) -> (String, String) {
    (
        format!("{} rejected package {package_id} (order {order_id})", sup.name),
        format!(
            "{} rejected package {package_id} of order {order_id}.\n\nReason: {reason}\n\n\
             Open the order in podgate to route the package to another supplier or void its label.\n\n— podgate\n",
            sup.name
        ),
    )
}

/// An order was cancelled after its label went to a supplier: pull the package.
pub fn pull_request(
    sup: &Supplier,
    seller: &str,
    order_id: &str,
    package_id: &str,
    batch_seq: i64,
) -> (String, String) {
    (
        format!(
            "{seller}: pull package {package_id} (order {order_id}, batch {batch_seq}), the order was cancelled"
        ),
        format!(
            "Hello {},\n\n{seller}'s buyer cancelled order {order_id} after its label was sent to you in batch {batch_seq}.\n\
             Please do not ship package {package_id}. Take it out of production, then answer \"pulled\" \
             (or \"already shipped\" if it left already) on the batch's page in your podgate portal, \
             or in an acknowledgement file (status pulled or already_shipped).\n\n— podgate\n",
            sup.name
        ),
    )
}

/// The seller about the same cancellation.
pub fn pull_requested_seller(sup: &Supplier, order_id: &str, package_id: &str) -> (String, String) {
    (
        format!(
            "Order {order_id} was cancelled after its label went to {}",
            sup.name
        ),
        format!(
            "Order {order_id} was cancelled on TikTok after package {package_id} was handed to {} in a batch.\n\
             podgate asked the supplier to pull it; its answer will show on the order. Void the label in podgate \
             and cancel it in TikTok Seller Center to get the postage back.\n\n— podgate\n",
            sup.name
        ),
    )
}

/// A batch is past the supplier's acknowledgement deadline; `zone` is the recipient's.
pub fn overdue(sup: &Supplier, b: &Batch, pending: usize, zone: &str) -> (String, String) {
    (
        format!(
            "{} has not acknowledged batch {} ({pending} package(s))",
            sup.name, b.seq
        ),
        format!(
            "{} has not acknowledged {pending} package(s) of batch {}; they were due {}.\n\
             Contact the supplier, or route the packages elsewhere before TikTok's ship-by time.\n\n— podgate\n",
            sup.name,
            b.seq,
            b.ack_due_at.map(|d| when(d, zone)).unwrap_or_default()
        ),
    )
}

/// Labels not scanned yet as TikTok's in-transit deadline nears, for one supplier; times in
/// the recipient's `zone`.
pub fn dispatch_due(
    seller: &str,
    supplier: &str,
    labels: &[(crate::db::models::dispatch::DueSoon, i64)],
    now: i64,
    zone: &str,
) -> (String, String) {
    let at = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default()
    };
    let mut body = format!(
        "{} label(s) of {seller} with {supplier} are not scanned by the carrier yet, and TikTok's in-transit deadline is near. TikTok counts an order late unless the carrier scans it by then: hand these packages to the carrier, or say in podgate why they are held.

",
        labels.len()
    );
    for (p, _) in labels {
        let left = p.dispatch_due - now;
        let how = if left < 0 {
            format!("LATE since {}", when(at(p.dispatch_due), zone))
        } else {
            format!(
                "by {} ({} h {:02} min left)",
                when(at(p.dispatch_due), zone),
                left / 3600,
                left % 3600 / 60
            )
        };
        body.push_str(&format!(
            "- order {}, package {}, tracking {}: in transit {how}\n",
            p.tiktok_order_id,
            p.tiktok_package_id.as_deref().unwrap_or("-"),
            p.tracking_number.as_deref().unwrap_or("-"),
        ));
    }
    body.push_str(
        "
— podgate
",
    );
    (
        format!(
            "{seller}: {} label(s) with {supplier} must be scanned by the carrier soon",
            labels.len()
        ),
        body,
    )
}

/// An invitation to join a workspace or a supplier portal.
pub fn invite(workspace: &str, link: &str, hours: i64) -> (String, String) {
    (
        format!("You are invited to {workspace} on podgate"),
        format!(
            "You have been invited to {workspace} on podgate.\n\nChoose your password here (the link works for {hours} hours):\n{link}\n\n— podgate\n"
        ),
    )
}

/// A password reset link.
pub fn password_reset(link: &str, minutes: i64) -> (String, String) {
    (
        "Reset your podgate password".into(),
        format!(
            "Someone (we hope you) asked to reset your podgate password.\n\nChoose a new one here (the link works for {minutes} minutes, once):\n{link}\n\nIf it was not you, ignore this message: your password stays as it is.\n\n— podgate\n"
        ),
    )
}

/// `podgate mail test`.
pub fn test() -> (String, String) {
    (
        "podgate test message".into(),
        "This is a test message from podgate: mail delivery works.\n".into(),
    )
}
