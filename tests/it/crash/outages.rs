//! Outages two nodes live through (issue #20), each with nothing lost or bought twice:
//! PostgreSQL restarted (`pg_ctl restart -m fast`) during a purchase and during sealing; the
//! object store stopped for 30 s during a purchase and during sealing; a node whose data dir
//! is full (a small tmpfs) failing a seal cleanly, with the reason, while the other node seals.
//! Each test brings the server it stops (its own PostgreSQL cluster, its own Garage), so the
//! tests beside it are not disturbed.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use podgate_testkit::servers::{Garage, PgCluster};

use super::rig::{batch_statuses, stored, wait_for};
use super::{
    Form, Rig, Serve, acknowledge_all, check_batches_and_acks, check_labels, check_mail, mail_delivered,
    sealed,
};

/// `/readyz` of a node: its status and body.
async fn readyz(port: u16) -> (u16, String) {
    match reqwest::get(format!("http://127.0.0.1:{port}/readyz")).await {
        Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

async fn wait_ready(nodes: &[&Serve]) {
    for n in nodes {
        wait_for("the node says it is ready", Duration::from_secs(60), || async {
            readyz(n.port).await.0 == 200
        })
        .await;
    }
}

/// Acknowledges every sealed package through the nodes, waits for the announcements, and
/// checks labels, batches, answers and mail.
async fn finish_and_check(
    rig: &Rig,
    jobs: &[i64],
    tokens: &std::collections::HashMap<i64, String>,
    nodes: &[&Serve],
) {
    let plan = sealed(rig)
        .await
        .unwrap()
        .into_iter()
        .map(|(sup, ids)| (tokens[&sup].clone(), ids))
        .collect();
    let ports = Arc::new(Mutex::new(nodes.iter().map(|n| n.port).collect()));
    acknowledge_all(ports, plan, 5).await;
    wait_for("the announcements are sent", Duration::from_secs(60), || {
        mail_delivered(rig)
    })
    .await;
    check_labels(rig, jobs).await;
    check_batches_and_acks(rig).await;
    check_mail(rig).await;
}

/// Packages that ended failed: an outage must make work wait, never fail it.
async fn failed(rig: &Rig, jobs: &[i64]) -> Vec<(i64, Option<String>)> {
    let packages = rig.packages(jobs).await;
    packages
        .into_iter()
        .filter(|p| p.status.as_str() == "failed")
        .map(|p| (p.id, p.error_message))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow suite: starts its own PostgreSQL cluster and needs the Garage server scripts/test starts"]
async fn postgresql_restarted_mid_purchase_and_mid_seal_both_nodes_reconnect_and_carry_on() {
    let dir = tempfile::tempdir().unwrap();
    let pg = PgCluster::start(dir.path());
    let form = Form::Nodes(podgate_testkit::bucket::config());
    let rig = Rig::new_on(dir.path(), 400, form, podgate_testkit::TestDb::at(pg.url())).await;
    let (jobs, tokens) = rig.seller(200).await;
    let total = rig.packages(&jobs).await.len();
    let (a, b) = (rig.serve(0, 0), rig.serve(1, 1));
    wait_for("labels are bought", Duration::from_secs(120), || async {
        stored(&rig, &jobs).await >= total / 5
    })
    .await;
    pg.restart_fast();
    wait_ready(&[&a, &b]).await;
    wait_for(
        "the purchase finishes after the restart",
        Duration::from_secs(180),
        || async { stored(&rig, &jobs).await == total },
    )
    .await;
    assert_eq!(failed(&rig, &jobs).await, [], "no label failed for the restart");
    check_labels(&rig, &jobs).await;

    rig.cut_off().await;
    wait_for("a batch is sealing", Duration::from_secs(60), || async {
        batch_statuses(&rig).await.iter().any(|s| s == "sealing")
    })
    .await;
    pg.restart_fast();
    wait_ready(&[&a, &b]).await;
    wait_for(
        "sealing finishes after the restart",
        Duration::from_secs(120),
        || async { sealed(&rig).await.is_some() },
    )
    .await;
    finish_and_check(&rig, &jobs, &tokens, &[&a, &b]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow suite: starts its own Garage (scripts/garage)"]
async fn the_object_store_down_for_30_s_makes_purchase_and_sealing_wait_then_resume() {
    let dir = tempfile::tempdir().unwrap();
    let mut garage = Garage::start(dir.path());
    let rig = Rig::new(dir.path(), 300, Form::Nodes(garage.config.clone())).await;
    let (jobs, tokens) = rig.seller(150).await;
    let total = rig.packages(&jobs).await.len();
    let (a, b) = (rig.serve(0, 0), rig.serve(1, 1));
    wait_for("labels are bought", Duration::from_secs(120), || async {
        stored(&rig, &jobs).await >= total / 5
    })
    .await;

    // Down mid-purchase: /readyz names the store on both nodes; nothing fails meanwhile.
    garage.stop();
    let down = Instant::now();
    for n in [&a, &b] {
        wait_for("/readyz names the store", Duration::from_secs(30), || async {
            let (status, body) = readyz(n.port).await;
            status == 503 && body.contains("bucket")
        })
        .await;
    }
    let during = stored(&rig, &jobs).await;
    tokio::time::sleep(Duration::from_secs(30).saturating_sub(down.elapsed())).await;
    assert_eq!(
        failed(&rig, &jobs).await,
        [],
        "no label failed while the store was down"
    );
    assert!(
        stored(&rig, &jobs).await < total,
        "the purchase waited for the store ({during} of {total} stored when it went down)"
    );
    garage.start_again();
    wait_ready(&[&a, &b]).await;
    wait_for("the purchase resumes", Duration::from_secs(180), || async {
        stored(&rig, &jobs).await == total
    })
    .await;
    check_labels(&rig, &jobs).await;

    // Down at the cut-off: the batches stay `sealing` (never sealed without their files in
    // the store) and are sealed once it is back.
    garage.stop();
    rig.cut_off().await;
    wait_for("a batch is sealing", Duration::from_secs(60), || async {
        batch_statuses(&rig).await.iter().any(|s| s == "sealing")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let held = batch_statuses(&rig).await;
    assert!(
        !held.is_empty() && held.iter().all(|s| s == "sealing"),
        "no batch sealed while its files cannot be stored: {held:?}"
    );
    garage.start_again();
    wait_for("sealing resumes", Duration::from_secs(120), || async {
        sealed(&rig).await.is_some()
    })
    .await;
    finish_and_check(&rig, &jobs, &tokens, &[&a, &b]).await;
}

/// A tmpfs of `size` mounted on `dir`, unmounted when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &std::path::Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs and needs root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// Writes to `path` until the disk says it is full.
fn fill_up(path: &std::path::Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![7u8; 4096];
    loop {
        if let Err(e) = f.write_all(&block).and_then(|()| f.sync_all()) {
            assert_eq!(e.raw_os_error(), Some(28), "the disk is full: {e}");
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow suite: mounts a tmpfs (root) and needs the Garage server scripts/test starts"]
async fn a_node_with_a_full_data_dir_fails_the_seal_cleanly_and_the_other_node_seals() {
    let dir = tempfile::tempdir().unwrap();
    let rig = Rig::new(dir.path(), 200, Form::Nodes(podgate_testkit::bucket::config())).await;
    let (jobs, tokens) = rig.seller(100).await;
    let total = rig.packages(&jobs).await.len();
    // Node B (a normal disk) buys every label.
    let b = rig.serve(1, 0);
    wait_for("node B buys the labels", Duration::from_secs(120), || async {
        stored(&rig, &jobs).await == total
    })
    .await;
    b.stop();

    // Node A's data dir is a 1 MiB tmpfs: it starts, then something else fills it up.
    let _tmpfs = Tmpfs::mount(&rig.node_dir(0), "1m");
    let a = rig.serve(0, 1);
    wait_ready(&[&a]).await;
    fill_up(&rig.node_dir(0).join("filler"));
    rig.cut_off().await;
    wait_for(
        "node A's seal fails for the full disk",
        Duration::from_secs(60),
        || async {
            let log = std::fs::read_to_string(rig.data.join("serve-1.log")).unwrap_or_default();
            log.contains("No space left on device")
        },
    )
    .await;
    let (status, body) = readyz(a.port).await;
    assert!(
        status == 503 && body.contains("No space left on device"),
        "/readyz takes the full node out: {status} {body}"
    );
    let held = batch_statuses(&rig).await;
    assert!(
        held.iter().all(|s| s == "sealing"),
        "nothing sealed half: {held:?}"
    );
    let healthy = reqwest::get(format!("http://127.0.0.1:{}/healthz", a.port))
        .await
        .unwrap();
    assert_eq!(healthy.status().as_u16(), 200, "node A is still up");

    // Node B, back, seals; node A's failed attempts hand the work over at once.
    let b = rig.serve(1, 2);
    wait_for("node B seals", Duration::from_secs(120), || async {
        sealed(&rig).await.is_some()
    })
    .await;
    finish_and_check(&rig, &jobs, &tokens, &[&b]).await;
    drop(a);
}
