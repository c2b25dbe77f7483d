//! Webhooks to a supplier's systems: registered in the portal, each event signed and verified by
//! the Standard Webhooks reference library in a real receiver process, private addresses only
//! when the seller allows them, retries with the same id, and a hanging receiver that does not
//! hold up the others.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::*;
use podgate_testkit::suppliers::answer;

/// A receiver process (tests/webhooks/receiver.py) and the lines it wrote; killed when dropped.
struct Receiver(Child, tempfile::TempDir);

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Receiver {
    fn start(port: u16, secret: &str, mode: &str) -> Receiver {
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhooks/receiver.py");
        let child = Command::new("python3")
            .args([script, &port.to_string(), secret])
            .arg(dir.path().join("got.jsonl"))
            .arg(mode)
            .stdout(Stdio::null())
            .spawn()
            .expect("python3 tests/webhooks/receiver.py (pip install standardwebhooks)");
        let rx = Receiver(child, dir);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return rx;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("the webhook receiver did not start");
    }

    /// What it received: (webhook-id, event type, verified by the reference library).
    fn got(&self) -> Vec<(String, String, bool)> {
        std::fs::read_to_string(self.1.path().join("got.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let verified = v["verified"].as_bool().unwrap();
                assert!(verified, "the reference library refused a delivery: {v}");
                (
                    v["id"].as_str().unwrap().to_string(),
                    v["type"].as_str().unwrap_or_default().to_string(),
                    verified,
                )
            })
            .collect()
    }
}

fn free_port() -> u16 {
    podgate_testkit::net::free_port().unwrap()
}

/// Adds an endpoint in the portal as the supplier's people do; returns its page's path and the
/// signing secret shown there.
async fn add_endpoint(sup: &TestApp, url: &str, events: &[&str]) -> (String, String) {
    let mut fields = vec![("url", url), ("description", "Factory ERP")];
    fields.extend(events.iter().map(|e| ("events", *e)));
    let r = sup
        .post_form("/supplier/webhooks", "/supplier/webhooks", &fields)
        .await;
    assert_eq!(r.status(), Status::SeeOther, "{url}");
    let page = r.headers().get_one("Location").unwrap().to_string();
    drop(r);
    let (_, html) = sup.get(&page).await;
    let secret = html
        .split("id=\"signing-secret\"")
        .nth(1)
        .and_then(|s| s.split("value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("the endpoint's page shows its secret: {html}"))
        .replace("&#x2f;", "/");
    assert!(secret.starts_with("whsec_"), "{secret}");
    (page, secret)
}

async fn allow_private(app: &TestApp, supplier: i64) {
    let r = app
        .post_form(
            &format!("/suppliers/{supplier}"),
            &format!("/suppliers/{supplier}/webhooks-private"),
            &[("allow", "true")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
}

/// Delivery rounds until the receiver has `n` requests (or a minute passes).
async fn deliver_until(
    app: &TestApp,
    hooks: &podgate::domain::factory_webhooks::FactoryWebhooks,
    rx: &Receiver,
    n: usize,
) {
    for _ in 0..600 {
        hooks.deliver_due().await.unwrap();
        if rx.got().len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = app;
    panic!("the receiver got {:?}, expected {n} deliveries", rx.got());
}

#[rocket::async_test]
async fn every_event_reaches_the_supplier_signed_as_the_reference_library_verifies() {
    let (app, sb, shirts, mugs) = routed_app().await;
    let sup = supplier_user(&app, shirts, "it@shirtco.example").await;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/podgate");
    let all = [
        "batch.published",
        "package.pull_requested",
        "package.cancelled",
        "package.voided",
        "package.rerouted",
        "acknowledgement.applied",
    ];

    // Loopback is refused until the seller allows private addresses for this supplier; the form
    // keeps what was typed and says why.
    let r = sup
        .post_form(
            "/supplier/webhooks",
            "/supplier/webhooks",
            &[
                ("url", &url),
                ("description", "Factory ERP"),
                ("events", "batch.published"),
            ],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let html = r.into_string().await.unwrap();
    assert!(html.contains("private or loopback address"), "{html}");
    assert!(
        html.contains(&format!("127.0.0.1:{port}&#x2f;podgate\"")),
        "the address typed is kept"
    );
    let r = sup
        .post_form(
            "/supplier/webhooks",
            "/supplier/webhooks",
            &[("url", "ftp://example.com/x"), ("description", "")],
        )
        .await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let html = r.into_string().await.unwrap();
    assert!(
        html.contains("must start with https:") && html.contains("Choose at least one of the events"),
        "{html}"
    );
    let endpoints = app
        .query(|c| {
            use diesel::prelude::*;
            podgate::db::schema::webhook_endpoints::table
                .count()
                .get_result::<i64>(c)
        })
        .await;
    assert_eq!(endpoints, 0, "nothing was added");

    allow_private(&app, shirts).await;
    let (_, secret) = add_endpoint(&sup, &url, &all).await;
    let rx = Receiver::start(port, &secret, "ok");
    let hooks = app.services.webhooks.clone();

    // A batch published; answers recorded; a label voided (pulled from the batch); an order
    // cancelled on TikTok (pulled); a rejected package moved to another supplier.
    let ids = orders_for(&app, shirts, 4).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let rows = podgate_testkit::labels::batch_rows(&app, 1).await;
    let row_of = |order: i64| rows.iter().find(|r| r.1 == order).unwrap().0;
    answer(&sup, row_of(ids[0]), "accepted", "").await;
    let voided = ids[1];
    let pid = app
        .query(move |c| Ok(podgate::db::models::package::of_order(c, voided)?.remove(0).id))
        .await;
    let r = app
        .post_form(
            &format!("/orders/{voided}"),
            &format!("/packages/{pid}/void"),
            &[("reason", "Wrong size ordered")],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    podgate_testkit::shops::cancel_on_tiktok_and_sync(&app, &sb, ids[2]).await;
    answer(&sup, row_of(ids[3]), "rejected", "Artwork file is 72 dpi").await;
    let (s, body) = podgate_testkit::suppliers::import_csv(
        &app,
        &format!(
            "{}TEE,prefix,900,Mug Works,MW-T,,,,,,\nHOOD,prefix,900,Mug Works,MW-H,,,,,,\n",
            podgate_testkit::suppliers::CATALOG
        ),
    )
    .await;
    assert_eq!(s, Status::SeeOther, "{body}");
    let rejected = ids[3];
    let pkg = app
        .query(move |c| Ok(podgate::db::models::package::of_order(c, rejected)?.remove(0).id))
        .await;
    let r = app
        .post_form(
            &format!("/packages/{pkg}/reroute"),
            &format!("/packages/{pkg}/reroute"),
            &[("supplier", &mugs.to_string())],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);

    deliver_until(&app, &hooks, &rx, 8).await;
    let got = rx.got();
    let mut types: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
    types.sort();
    assert_eq!(
        types,
        [
            "acknowledgement.applied",
            "acknowledgement.applied",
            "batch.published",
            "package.cancelled",
            "package.pull_requested",
            "package.pull_requested",
            "package.rerouted",
            "package.voided",
        ],
        "{got:?}"
    );
    let ids: std::collections::BTreeSet<_> = got.iter().map(|g| &g.0).collect();
    assert_eq!(ids.len(), 8, "each event has its own webhook-id");

    // The portal shows each delivery, its answer, and the body as sent.
    let (_, list) = sup.get("/supplier/webhooks").await;
    assert!(list.contains("package.rerouted · delivered"), "{list}");
    let first = app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::webhook_deliveries as d;
            d::table.order(d::id).select(d::id).first::<i64>(c)
        })
        .await;
    let (_, page) = sup.get(&format!("/supplier/webhooks/deliveries/{first}")).await;
    assert!(page.contains("HTTP 204") && page.contains("zip_sha256"), "{page}");

    // The seller sees where the supplier's systems listen (not the secret).
    let (_, seller) = app.get(&format!("/suppliers/{shirts}")).await;
    let escaped = |t: &str| t.replace('/', "&#x2f;");
    assert!(seller.contains(&escaped(&url)), "{seller}");
    assert!(
        !seller.contains(&escaped(&secret)) && !seller.contains(&secret[6..20]),
        "no secret on the seller's page"
    );
}

#[rocket::async_test]
async fn a_failing_receiver_is_retried_with_the_same_id_and_a_hanging_one_holds_up_nobody() {
    let (app, _sb, shirts, mugs) = routed_app().await;
    allow_private(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "it@shirtco.example").await;
    let (hang_port, flaky_port) = (free_port(), free_port());
    let (hang_page, hang_secret) = add_endpoint(
        &sup,
        &format!("http://127.0.0.1:{hang_port}/h"),
        &["batch.published"],
    )
    .await;
    let (flaky_page, flaky_secret) = add_endpoint(
        &sup,
        &format!("http://127.0.0.1:{flaky_port}/f"),
        &["batch.published"],
    )
    .await;
    let hanging = Receiver::start(hang_port, &hang_secret, "hang");
    let flaky = Receiver::start(flaky_port, &flaky_secret, "fail-once");
    let hooks = podgate::domain::factory_webhooks::FactoryWebhooks {
        timeout: Duration::from_secs(2),
        ..app.services.webhooks.clone()
    };
    for page in [&hang_page, &flaky_page] {
        let r = sup.post_form(page, &format!("{page}/test"), &[]).await;
        assert_eq!(r.status(), Status::SeeOther);
    }

    // One round: the hanging endpoint times out, the flaky one answers 500; both wait to retry.
    assert_eq!(hooks.deliver_due().await.unwrap(), 2);
    let (_, page) = sup.get(&flaky_page).await;
    assert!(page.contains("HTTP 500"), "{page}");
    let (_, page) = sup.get(&hang_page).await;
    assert!(page.contains("no answer within the time limit"), "{page}");
    assert_eq!(flaky.got().len(), 1);
    assert_eq!(hanging.got().len(), 1, "the hanging receiver got the request");

    // A batch published meanwhile goes to both; the flaky one gets it while the other hangs.
    let ids = orders_for(&app, shirts, 1).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    deliver_until(&app, &hooks, &flaky, 2).await;
    // Five seconds on, the retries: the same webhook-ids as the failed attempts, now delivered.
    tokio::time::sleep(Duration::from_secs(5)).await;
    deliver_until(&app, &hooks, &flaky, 4).await;
    let got = flaky.got();
    let test_ids: Vec<_> = got
        .iter()
        .filter(|g| g.1 == "webhook.test")
        .map(|g| g.0.clone())
        .collect();
    assert_eq!(test_ids.len(), 2, "{got:?}");
    assert_eq!(test_ids[0], test_ids[1], "a retry keeps its webhook-id");
    let delivery = app
        .query(move |c| {
            use diesel::prelude::*;
            use podgate::db::schema::webhook_deliveries as d;
            d::table
                .filter(d::msg_id.eq(test_ids[0].clone()))
                .select(d::id)
                .first::<i64>(c)
        })
        .await;
    let page = format!("/supplier/webhooks/deliveries/{delivery}");
    let (_, html) = sup.get(&page).await;
    assert!(
        html.contains(">delivered<") && html.contains("HTTP 500") && html.contains("HTTP 204"),
        "{html}"
    );

    // "Send again" sends the same id once more; the receiver can tell it has it.
    let r = sup.post_form(&page, &format!("{page}/send-again"), &[]).await;
    assert_eq!(r.status(), Status::SeeOther);
    drop(r);
    deliver_until(&app, &hooks, &flaky, 5).await;
    let last = flaky.got().pop().unwrap();
    assert_eq!(last.0, flaky.got()[0].0, "sent again with the same webhook-id");
    assert_eq!(last.1, "webhook.test");

    // Another supplier's people see none of it.
    let other = supplier_user(&app, mugs, "it@mugworks.example").await;
    assert_eq!(other.get(&page).await.0, Status::NotFound);
    assert_eq!(other.get(&flaky_page).await.0, Status::NotFound);
    let r = other
        .post_form("/supplier/webhooks", &format!("{page}/send-again"), &[])
        .await;
    assert_eq!(r.status(), Status::NotFound);
    drop(r);

    // A month on, finished deliveries are cleared away; one still being retried stays.
    assert_eq!(
        podgate::domain::factory_webhooks::prune(&app.pool).await.unwrap(),
        0
    );
    let old = podgate::db::models::now() - chrono::Duration::days(31);
    app.query(move |c| {
        use diesel::prelude::*;
        use podgate::db::schema::webhook_deliveries as d;
        diesel::update(d::table)
            .set((d::created_at.eq(old), d::next_attempt_at.eq(old)))
            .execute(c)
    })
    .await;
    let finished = podgate::domain::factory_webhooks::prune(&app.pool).await.unwrap();
    assert_eq!(finished, 2, "the flaky endpoint's two deliveries");
    let (_, page) = sup.get(&hang_page).await;
    assert!(
        page.contains("webhook.test"),
        "the hanging endpoint's delivery is still retried: {page}"
    );
}
