//! Mail through a real SMTP server (aiosmtpd): who gets what, and the sink other tests use.

use super::*;
use podgate_testkit::mail::{delivered, mailer_for, smtp_sink};

#[rocket::async_test]
async fn mail_goes_through_a_real_smtp_server_to_the_right_people() {
    let smtp = smtp_sink();
    let (app, sb, shirts, _) = routed_app().await;
    let ids = orders_for(&app, shirts, 2).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    // The order is cancelled after the batch went out: the supplier is asked to pull it.
    let tiktok_order = podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[0]).await;

    let mailer = mailer_for(&smtp);
    let sent = podgate::mail::deliver_due(&app.pool, &mailer).await.unwrap();
    assert_eq!(sent, 3, "batch and pull to the supplier, pull to the owner");
    let mails = delivered(&smtp);
    assert_eq!(mails.len(), 3);
    let to = |who: &str, subject: &str| {
        mails
            .iter()
            .any(|m| m.contains(&format!("To: {who}")) && m.contains(subject))
    };
    assert!(
        to(
            "ops@shirtco.example",
            "Subject: Acme Prints: new batch 1 for Shirt Co, 2 label(s)"
        ),
        "{mails:?}"
    );
    assert!(
        to("ops@shirtco.example", "Subject: Acme Prints: pull package"),
        "{mails:?}"
    );
    // (Long subjects are folded onto two header lines.)
    assert!(
        to(
            "owner@example.com",
            &format!("Subject: Order {tiktok_order} was cancelled")
        ),
        "{mails:?}"
    );
    assert_eq!(
        podgate::mail::deliver_due(&app.pool, &mailer).await.unwrap(),
        0,
        "each message once"
    );

    // The supplier sees the pull request and answers it.
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let (_, portal) = sup.get("/supplier").await;
    assert!(portal.contains("1 package to pull"), "{portal}");
    let row: i64 = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::batch_packages::dsl::*;
            batch_packages
                .filter(pull_requested_at.is_not_null())
                .select(id)
                .first(c)
        })
        .await;
    podgate_testkit::suppliers::answer(&sup, row, "pulled", "").await;
    let (_, portal) = sup.get("/supplier").await;
    assert!(!portal.contains("to pull"));
    let (_, order_page) = app.get(&format!("/orders/{}", ids[0])).await;
    assert!(order_page.contains("Shirt Co pulled package"), "{order_page}");

    // An unreachable server: the message stays queued with the error, visible to the owner.
    drop(smtp);
    app.query(|c| podgate::db::models::mail::enqueue(c, Some(1), "test", "x@y.example", "s", "b"))
        .await;
    assert_eq!(podgate::mail::deliver_due(&app.pool, &mailer).await.unwrap(), 0);
    let (_, page) = app.get("/mail").await;
    assert!(page.contains("x@y.example") && page.contains("waiting"), "{page}");
}
