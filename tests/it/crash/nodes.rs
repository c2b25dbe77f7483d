//! A node that dies and stays dead (issue #20): node A is SIGKILLed mid-purchase and, later,
//! mid-sealing, and is not restarted; node B — another node id, its own empty data dir, the
//! same database and bucket — takes the work over once A's claims and leases run out, and
//! finishes both. Then the factory acknowledges through B and the announcements go out. Each
//! label bought once, every batch whole, every answer applied once; A, back at last, clears
//! what it had packed of the batch B sealed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::rig::{batch_statuses, packings_in, stored, wait_for};
use super::{
    Form, Rig, acknowledge_all, check_batches_and_acks, check_labels, check_mail, mail_delivered, sealed,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow suite (kills podgate processes) that needs the Garage server scripts/test starts"]
async fn a_node_killed_mid_purchase_and_mid_seal_stays_dead_and_the_other_node_finishes_both() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::new(dir.path(), 600, Form::Nodes(podgate_testkit::bucket::config())).await;
    let (jobs, tokens) = rig.seller(300).await;
    let total = rig.packages(&jobs).await.len();

    // Purchase: node A alone, killed once a tenth of the labels are in.
    let a = rig.serve(0, 0);
    wait_for("node A buys labels", Duration::from_secs(120), || async {
        stored(&rig, &jobs).await >= total / 10
    })
    .await;
    a.kill();
    let by_a = stored(&rig, &jobs).await;
    assert!(
        by_a < total,
        "node A was killed before it bought every label ({by_a} of {total})"
    );
    let b = rig.serve(1, 1);
    wait_for(
        "node B finishes the purchase",
        Duration::from_secs(180),
        || async { stored(&rig, &jobs).await == total },
    )
    .await;
    check_labels(&rig, &jobs).await;

    // Sealing: node B stops gracefully; node A, back, starts sealing at the cut-off and is
    // killed as soon as a batch is `sealing`.
    b.stop();
    rig.cut_off().await;
    let a = rig.serve(0, 2);
    wait_for("node A starts sealing", Duration::from_secs(60), || async {
        batch_statuses(&rig).await.iter().any(|s| s == "sealing")
    })
    .await;
    a.kill();
    let left = batch_statuses(&rig).await;
    assert!(
        left.iter().any(|s| s == "sealing"),
        "node A died with a batch half-sealed: {left:?}"
    );
    let b = rig.serve(1, 3);
    wait_for("node B finishes sealing", Duration::from_secs(120), || async {
        sealed(&rig).await.is_some()
    })
    .await;

    // The factory acknowledges through node B; the announcements go out from it.
    let plan = sealed(&rig)
        .await
        .unwrap()
        .into_iter()
        .map(|(sup, ids)| (tokens[&sup].clone(), ids))
        .collect();
    let ports = Arc::new(Mutex::new(vec![b.port]));
    acknowledge_all(ports, plan, 7).await;
    wait_for("the announcements are sent", Duration::from_secs(60), || {
        mail_delivered(&rig)
    })
    .await;
    drop(b);
    // Node A died mid-packing: what it packed of that batch is still on its disk (it reads the
    // labels it lacks from the bucket and starts packing at once). Back, A sees the batch was
    // sealed elsewhere and drops those segments at its clock's first round.
    let a = rig.serve(0, 4);
    wait_for(
        "node A, back, drops the segments of the batch node B sealed",
        Duration::from_secs(60),
        || async { packings_in(&rig.node_dir(0)).is_empty() },
    )
    .await;
    a.stop();
    check_labels(&rig, &jobs).await;
    check_batches_and_acks(&rig).await;
    check_mail(&rig).await;
}
