//! Escalations before TikTok's in-transit deadline across processes: two `podgate serve`
//! processes share the database and both run the dispatch clock every second while the labels
//! are bought and their deadlines synced; one is SIGKILLed mid-way and restarted, then both are
//! restarted once more. Each label is named once per threshold: one order event, one mention
//! per recipient in the queued mail, every queued mail delivered.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use diesel::prelude::*;

use super::{Form, Rig, q};

/// (package, order, TikTok order id) of every label escalated, and the threshold hours.
async fn escalated(rig: &Rig) -> Vec<(i64, i64, String, i64)> {
    q(&rig.pool, |c| {
        use podgate::db::schema::{dispatch_alerts as a, orders as o, packages as p};
        a::table
            .inner_join(p::table.on(p::id.eq(a::package_id)))
            .inner_join(o::table.on(o::id.eq(p::order_id)))
            .select((p::id, o::id, o::tiktok_order_id, a::hours))
            .load(c)
    })
    .await
}

#[rocket::async_test]
async fn two_processes_and_restarts_name_each_label_once_per_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::new(dir.path(), 40, Form::OneNode).await;
    let (jobs, _) = rig.seller(12).await;
    // One threshold far out (240 h): every label with a deadline from TikTok crosses it as soon
    // as a process syncs it, so both processes race for the same labels.
    q(&rig.pool, |c| {
        use podgate::db::schema::workspaces::dsl::*;
        diesel::update(workspaces).set(alert_hours.eq("240")).execute(c)
    })
    .await;
    let mut a = rig.serve(0, 100);
    let b = rig.serve(1, 101);
    let started = Instant::now();
    let mut killed = false;
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "labels never escalated"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        let done = escalated(&rig).await.len();
        if !killed && done > 0 {
            // Mid-way: SIGKILL one process, start it again.
            a.kill();
            a = rig.serve(0, 102);
            killed = true;
        }
        let stored = rig
            .packages(&jobs)
            .await
            .iter()
            .filter(|p| p.status.as_str() == "stored")
            .count();
        let due: i64 = q(&rig.pool, |c| {
            use podgate::db::schema::{orders as o, packages as p};
            p::table
                .inner_join(o::table.on(o::id.eq(p::order_id)))
                .filter(p::status.eq("stored"))
                .filter(o::dispatch_due.gt(0))
                .filter(o::collected_at.eq(0))
                .count()
                .get_result(c)
        })
        .await;
        if killed && stored == rig.packages(&jobs).await.len() && due > 0 && done as i64 >= due {
            break;
        }
    }
    // Both restarted once more; a few more rounds of both clocks add nothing.
    drop((a, b));
    let before = escalated(&rig).await;
    let (_a, _b) = (rig.serve(0, 103), rig.serve(1, 104));
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        escalated(&rig).await.len(),
        before.len(),
        "a restart escalates nothing again"
    );
    let started = Instant::now();
    while !super::mail_delivered(&rig).await {
        // A process killed right after claiming a message leaves it for the claim's 45 s.
        assert!(started.elapsed() < Duration::from_secs(90), "the mail never left");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // One order event per label and threshold (an order with two labels has two).
    let events: Vec<(i64, String)> = q(&rig.pool, |c| {
        use podgate::db::schema::order_events::dsl::*;
        order_events
            .filter(kind.eq("clock"))
            .select((order_id, detail))
            .load(c)
    })
    .await;
    for (_, order, tt, hours) in &before {
        let labels = before.iter().filter(|e| e.1 == *order && e.3 == *hours).count();
        let n = events
            .iter()
            .filter(|(o, m)| o == order && m.contains(&format!("Not scanned {hours} h before")))
            .count();
        assert_eq!(n, labels, "order {tt}: {events:?}");
    }
    // Each recipient's mails name each label once; every one was delivered.
    let mails: Vec<(String, String, String)> = q(&rig.pool, |c| {
        use podgate::db::schema::mail_outbox::dsl::*;
        mail_outbox
            .filter(kind.eq("dispatch"))
            .select((to_addr, subject, body))
            .load(c)
    })
    .await;
    let orders: std::collections::BTreeSet<&str> = before.iter().map(|e| e.2.as_str()).collect();
    let mut named: HashMap<(&str, &str), usize> = HashMap::new();
    for (to, _, body) in &mails {
        assert!(!body.contains("  "), "the mail reads as prose: {body}");
        for tt in &orders {
            // Each label is one line: "- order <id>, package …".
            let n = body.matches(&format!("- order {tt},")).count();
            *named.entry((to.as_str(), *tt)).or_default() += n;
        }
    }
    let recipients: std::collections::BTreeSet<&str> = mails.iter().map(|m| m.0.as_str()).collect();
    assert!(
        recipients.len() >= 2,
        "the supplier's contacts and the owners: {recipients:?}"
    );
    let owners: Vec<String> = q(&rig.pool, |c| {
        use podgate::db::schema::users::dsl::*;
        users.filter(role.eq("owner")).select(email).load(c)
    })
    .await;
    for to in &recipients {
        for (_, _, tt, _) in &before {
            // A label is in its supplier's mail: the owners get every one, a supplier's
            // contacts their own; an order with two labels is named in both.
            let labels = before.iter().filter(|e| e.2 == *tt).count();
            let n = named.get(&(*to, tt.as_str())).copied().unwrap_or(0);
            if owners.iter().any(|o| o == to) {
                assert_eq!(n, labels, "{tt} named once per label to the owner {to}");
            } else {
                assert!(n <= labels, "{tt} named {n} times to {to}");
            }
        }
    }
    let delivered = podgate_testkit::mail::delivered(&rig.smtp);
    for (to, subject, _) in &mails {
        assert!(
            delivered
                .iter()
                .any(|d| d.contains(to.as_str()) && d.contains(subject.as_str())),
            "{to}: {subject} delivered"
        );
    }
}
