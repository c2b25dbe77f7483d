//! The words of every message podgate sends: plain text, with the link and what to do.

use chrono::NaiveDateTime;

use crate::db::models::batch::Batch;
use crate::db::models::supplier::Supplier;
use crate::i18n::{Lang, Msg};

/// A time as the recipient reads it: in their zone, with the zone named ("Fri 4 Dec 2026,
/// 10:00 PST"); UTC, named, when the zone is unknown. Never a raw ISO string in a mail.
pub fn when(t: NaiveDateTime, zone: &str) -> String {
    when_in(Lang::En, t, zone)
}

/// `when` in the recipient's language ("2026年12月4日（星期五）10:00 PST").
pub fn when_in(lang: Lang, t: NaiveDateTime, zone: &str) -> String {
    lang.datetime_long(t.and_utc(), zone.parse::<chrono_tz::Tz>().ok())
}

/// Paragraphs of a mail, then the signature.
fn body(paragraphs: &[String]) -> String {
    let mut b = paragraphs.join("\n\n");
    b.push_str("\n\n— podgate\n");
    b
}

/// A new batch for a supplier, from a seller (a factory serving several sellers must tell
/// whose labels these are), in the recipient's language.
#[allow(clippy::too_many_arguments)]
pub fn new_batch(
    lang: Lang,
    sup: &Supplier,
    seller: &str,
    b: &Batch,
    packages: usize,
    link: &str,
    ack_due: NaiveDateTime,
    earliest_ship_by: Option<NaiveDateTime>,
) -> (String, String) {
    let say = |id: &'static str| {
        Msg::new(id)
            .arg("seller", seller)
            .arg("supplier", sup.name.as_str())
            .arg("batch", b.seq.to_string())
            .arg("count", packages)
    };
    let subject = say("mail-batch-subject").text(lang);
    let mut due = say("mail-batch-due")
        .arg("when", when_in(lang, ack_due, &sup.time_zone))
        .text(lang);
    if let Some(t) = earliest_ship_by {
        due.push('\n');
        due.push_str(
            &say("mail-batch-ship-by")
                .arg("when", when_in(lang, t, &sup.time_zone))
                .text(lang),
        );
    }
    let paragraphs = [
        say("mail-hello").text(lang),
        say("mail-batch-sent").arg("zip", b.zip_name()).text(lang),
        format!("{}\n{link}", say("mail-batch-link").text(lang)),
        due,
        lang.t("mail-batch-zip"),
    ];
    (subject, body(&paragraphs))
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

/// An order was cancelled after its label went to a supplier: pull the package (in the
/// recipient's language).
pub fn pull_request(
    lang: Lang,
    sup: &Supplier,
    seller: &str,
    order_id: &str,
    package_id: &str,
    batch_seq: i64,
) -> (String, String) {
    let say = |id: &'static str| {
        Msg::new(id)
            .arg("seller", seller)
            .arg("supplier", sup.name.as_str())
            .arg("order", order_id)
            .arg("package", package_id)
            .arg("batch", batch_seq.to_string())
            .text(lang)
    };
    (
        say("mail-pull-subject"),
        body(&[say("mail-hello"), say("mail-pull-why"), say("mail-pull-what")]),
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
/// the recipient's `zone`, words in their language.
pub fn dispatch_due(
    lang: Lang,
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
    let say = |id: &'static str| {
        Msg::new(id)
            .arg("seller", seller)
            .arg("supplier", supplier)
            .arg("count", labels.len())
    };
    let mut list = Vec::new();
    for (p, _) in labels {
        let left = p.dispatch_due - now;
        let due = when_in(lang, at(p.dispatch_due), zone);
        let how = if left < 0 {
            Msg::new("mail-due-late").arg("when", due)
        } else {
            Msg::new("mail-due-by")
                .arg("when", due)
                .arg("hours", left / 3600)
                .arg("minutes", format!("{:02}", left % 3600 / 60))
        };
        list.push(
            Msg::new("mail-due-line")
                .arg("order", p.tiktok_order_id.as_str())
                .arg("package", p.tiktok_package_id.as_deref().unwrap_or("-"))
                .arg("tracking", p.tracking_number.as_deref().unwrap_or("-"))
                .arg("how", how.text(lang))
                .text(lang),
        );
    }
    (
        say("mail-due-subject").text(lang),
        body(&[say("mail-due-intro").text(lang), list.join("\n")]),
    )
}

/// An invitation to join a workspace or a supplier portal (`supplier`: its name, for a
/// supplier's person), in the invitee's language.
pub fn invite(
    lang: Lang,
    workspace: &str,
    supplier: Option<&str>,
    link: &str,
    hours: i64,
) -> (String, String) {
    let place = match supplier {
        Some(s) => Msg::new("mail-invite-portal")
            .arg("supplier", s)
            .arg("seller", workspace),
        None => Msg::new("mail-invite-workspace").arg("seller", workspace),
    }
    .text(lang);
    let say = |id: &'static str| {
        Msg::new(id)
            .arg("place", place.as_str())
            .arg("hours", hours)
            .text(lang)
    };
    (
        say("mail-invite-subject"),
        body(&[
            say("mail-invite-intro"),
            format!("{}\n{link}", say("mail-invite-link")),
        ]),
    )
}

/// A password reset link, in the person's language.
pub fn password_reset(lang: Lang, link: &str, minutes: i64) -> (String, String) {
    let say = |id: &'static str| Msg::new(id).arg("minutes", minutes).text(lang);
    (
        say("mail-reset-subject"),
        body(&[
            say("mail-reset-intro"),
            format!("{}\n{link}", say("mail-reset-link")),
            say("mail-reset-not-you"),
        ]),
    )
}

/// `podgate mail test`.
pub fn test() -> (String, String) {
    (
        "podgate test message".into(),
        "This is a test message from podgate: mail delivery works.\n".into(),
    )
}
