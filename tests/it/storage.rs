//! Files every node reaches through a shared bucket (issue #20), on a real S3-compatible
//! server: the Garage `scripts/test` starts. A batch sealed on one node is downloaded from
//! another, whose data dir never held it, over HTTP (in ranges) and SFTP, byte for byte.

use rocket::http::{Header, Status};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use podgate::storage::{Bucket, StorageConfig};
use podgate_testkit::TestApp;
use podgate_testkit::labels::{buy, orders_for, publish};
use podgate_testkit::suppliers::{SUPPLIER_PASSWORD, routed_app_with, supplier_user};

/// A file larger than one upload part goes up in parts and comes back whole, to a temp name
/// then renamed; a name nobody stored is "not there"; a store with wrong keys says which store
/// refused.
#[rocket::async_test]
#[ignore = "needs the Garage server scripts/test starts"]
async fn a_bucket_takes_a_file_in_parts_and_gives_it_back_whole() {
    let bucket = Bucket::open(&podgate_testkit::bucket::config()).unwrap();
    assert!(bucket.is_shared());
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    let mut bytes = vec![0u8; 20 << 20];
    rand::fill(&mut bytes[..]);
    std::fs::write(&big, &bytes).unwrap();
    bucket.commit("batches/big.bin", &big).await.unwrap();

    let back = dir.path().join("elsewhere/big.bin");
    assert!(bucket.fetch("batches/big.bin", &back).await.unwrap());
    assert!(
        std::fs::read(&back).unwrap() == bytes,
        "the same 20 MiB came back"
    );
    let names: Vec<_> = std::fs::read_dir(back.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["big.bin"], "no temp file left");
    assert!(
        !bucket
            .fetch("batches/nobody.bin", &dir.path().join("x"))
            .await
            .unwrap()
    );
    assert!(bucket.probe("test").await.is_ok());

    let wrong = Bucket::open(&StorageConfig {
        secret_access_key: Some("0".repeat(64)),
        ..podgate_testkit::bucket::config()
    })
    .unwrap();
    let e = wrong.probe("test").await.unwrap_err().to_string();
    assert!(
        e.contains("the object store (s3://")
            && e.contains(&std::env::var("PODGATE_TEST_S3_ENDPOINT").unwrap()),
        "{e}"
    );
}

/// A node on a fresh prefix of the test bucket that bought labels for `orders` orders routed to
/// its supplier (returned with the sandbox, the supplier's id and the bucket's configuration).
async fn node_with_labels(orders: usize) -> (TestApp, tiktok_sandbox::SandboxHandle, i64, StorageConfig) {
    let bucket = podgate_testkit::bucket::config();
    let (a, sb, shirts, _) = routed_app_with(|f| podgate_testkit::bucket::merge(f, &bucket)).await;
    let ids = orders_for(&a, shirts, orders).await;
    buy(&a, &ids).await;
    (a, sb, shirts, bucket)
}

/// Another node of `a`'s, whose bucket endpoint (returned) answers nothing.
async fn cut_off_node(a: &TestApp) -> (TestApp, String) {
    let dead = format!("http://127.0.0.1:{}", podgate_testkit::net::free_port().unwrap());
    let node = TestApp::another_node_with(a, |f| {
        f.merge(rocket::figment::providers::Serialized::default(
            "storage.endpoint",
            &dead,
        ))
    })
    .await;
    (node, dead)
}

/// Node A buys labels and seals a batch; node B (same database and bucket, an empty data dir of
/// its own) serves it: the supplier's browser downloads it in two ranges and the factory's SFTP
/// client gets it whole, both equal to A's zip and its recorded SHA-256.
#[rocket::async_test]
#[ignore = "needs the Garage server scripts/test starts"]
async fn a_batch_sealed_on_one_node_downloads_from_another_byte_for_byte() {
    let (a, _sb, shirts, bucket) = node_with_labels(3).await;
    let page = publish(&a, shirts).await;
    let batch_id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let b = a
        .query(move |c| podgate::db::models::batch::find(c, batch_id))
        .await;
    let zip_on_a = std::fs::read(a.services.batches.zip_path(&b)).unwrap();
    let sha = b.zip_sha256.clone().unwrap();
    assert_eq!(hex::encode(Sha256::digest(&zip_on_a)), sha);
    // The supplier's person and SFTP login are made on node A.
    let sup_a = supplier_user(&a, shirts, "pat@shirtco.example").await;
    let keys = tempfile::tempdir().unwrap();
    let (key, _) = crate::sftp::login_for(&sup_a, "shirtco-erp", keys.path()).await;

    let node_b = TestApp::another_node(&a).await;
    assert!(
        !node_b.services.batches.zip_path(&b).exists(),
        "node B's disk never held the batch"
    );
    assert_eq!(
        node_b.login("pat@shirtco.example", SUPPLIER_PASSWORD).await,
        Status::SeeOther
    );
    let url = format!("/supplier/batches/1/{}", b.zip_name());
    let r = node_b
        .client
        .get(url.as_str())
        .header(Header::new("Range", "bytes=0-99"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::PartialContent);
    let mut got = r.into_bytes().await.unwrap();
    let r = node_b
        .client
        .get(url.as_str())
        .header(Header::new("Range", "bytes=100-"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::PartialContent);
    got.extend(r.into_bytes().await.unwrap());
    assert_eq!(
        hex::encode(Sha256::digest(&got)),
        sha,
        "the browser's two ranges make A's zip"
    );
    assert!(got == zip_on_a);
    assert!(
        !node_b.services.batches.zip_path(&b).exists(),
        "the browser's ranges came straight from the bucket; node B keeps nothing"
    );
    // The batch page on node B reads the manifest from the fetched zip (what each row prints).
    let (s, batch_page) = node_b.get("/supplier/batches/1").await;
    assert_eq!(s, Status::Ok);
    assert!(
        batch_page.contains("HOOD") || batch_page.contains("TEE"),
        "{batch_page}"
    );

    // SFTP on node C: yet another empty data dir, same host key.
    let node_c = TestApp::another_node(&a).await;
    let stop = CancellationToken::new();
    let server = sftp_server(&node_c, podgate::sftp::SftpSettings::default(), &stop).await;
    let out = keys.path().join("got.zip");
    let notes = "package_id,status,reason,expected_date\nnot-a-package,accepted,,\n";
    std::fs::write(keys.path().join("notes.csv"), notes).unwrap();
    let said = sftp(
        server.addr.port(),
        &key,
        keys.path(),
        &format!(
            "get /outbox/{} {}\nput notes.csv /inbox/notes.csv\n",
            b.zip_name(),
            out.display()
        ),
    );
    assert_eq!(
        hex::encode(Sha256::digest(std::fs::read(&out).unwrap())),
        sha,
        "{said}"
    );
    // Read as it arrived from the bucket, then renamed into place on C: no temp file left.
    let on_c = node_c.services.batches.zip_path(&b);
    assert!(on_c.exists(), "node C keeps the batch it fetched");
    let temps: Vec<_> = std::fs::read_dir(on_c.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".fetch"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
    // What the bucket cost, on /metrics: its fetches, and the seconds they took.
    let r = node_c
        .client
        .get("/metrics")
        .remote("127.0.0.1:40000".parse().unwrap())
        .dispatch()
        .await;
    let samples = crate::ops::parse_openmetrics(&r.into_string().await.unwrap());
    for name in [
        "podgate_store_operations_total{op=\"fetch\"}",
        "podgate_store_operation_seconds_total{op=\"fetch\"}",
    ] {
        assert!(
            samples.iter().any(|s| s.starts_with(name)),
            "{name} in {samples:#?}"
        );
    }

    // The answer file C processed and archived is in /archive on node B too.
    let server_b = sftp_server(&node_b, podgate::sftp::SftpSettings::default(), &stop).await;
    let listed = sftp(server_b.addr.port(), &key, keys.path(), "ls -1 /archive\n");
    let archived = listed
        .lines()
        .map(str::trim)
        .find(|l| l.ends_with("notes.csv"))
        .unwrap_or_else(|| panic!("node B lists the upload node C archived: {listed}"))
        .to_string();
    sftp(
        server_b.addr.port(),
        &key,
        keys.path(),
        &format!("get {archived} back.csv\n"),
    );

    // Past the archive's retention (0 days on node D), the upload is gone from every node: D
    // does not bring it back from the bucket, and its sweep removes it from the bucket.
    let node_d = TestApp::another_node(&a).await;
    let server_d = sftp_server(
        &node_d,
        podgate::sftp::SftpSettings {
            retention_days: 0,
            ..Default::default()
        },
        &stop,
    )
    .await;
    let listed = sftp(server_d.addr.port(), &key, keys.path(), "ls -1 /archive\n");
    assert!(
        !listed.contains("notes.csv"),
        "an upload past retention is not listed again: {listed}"
    );
    let shared = Bucket::open(&bucket).unwrap();
    let prefix = format!("sftp/{shirts}/archive");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !shared.list(&prefix).await.unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the sweep removes uploads past retention from the bucket"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    stop.cancel();
    assert_eq!(
        std::fs::read_to_string(keys.path().join("back.csv")).unwrap(),
        notes
    );
}

/// Node B seals a batch of labels node A bought: it reads each label from the bucket into
/// memory (ahead of its packing), creates no label file of its own, and its zip holds A's
/// labels byte for byte under their checksums. A node that cannot reach the bucket does not
/// seal: the seller is told to try again in a moment, and the batch waits to be sealed.
#[rocket::async_test]
#[ignore = "needs the Garage server scripts/test starts"]
async fn a_node_that_bought_none_of_a_batchs_labels_seals_it_from_the_bucket() {
    use podgate::storage::stats::{Op, totals};
    let (a, _sb, shirts, _) = node_with_labels(3).await;
    let bought: std::collections::BTreeSet<String> = a
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::packages;
            packages::table
                .select(packages::label_sha256.assume_not_null())
                .filter(packages::label_sha256.is_not_null())
                .load::<String>(c)
        })
        .await
        .into_iter()
        .collect();
    assert_eq!(bought.len(), 3);

    // A node that cannot reach the bucket tries first, and says why.
    let (cut_off, _) = cut_off_node(&a).await;
    assert_eq!(
        cut_off
            .login("owner@example.com", podgate_testkit::OWNER_PASSWORD)
            .await,
        Status::SeeOther
    );
    let r = podgate_testkit::labels::press_publish(&cut_off, shirts).await;
    assert_eq!(r.status(), Status::ServiceUnavailable);
    let page = r.into_string().await.unwrap();
    assert!(page.contains("Try again in a moment"), "{page}");
    let waiting = a.query(podgate::db::models::batch::sealing).await;
    assert_eq!(waiting.len(), 1, "the batch waits to be sealed");

    let read_before = totals().iter().find(|t| t.op == Op::Read).map_or(0, |t| t.count);
    let node_b = TestApp::another_node(&a).await;
    let batch = node_b
        .services
        .batches
        .finish_sealing(waiting[0].id)
        .await
        .unwrap();
    assert_eq!(batch.status, podgate::db::models::batch::BatchStatus::Sealed);
    let read = totals().iter().find(|t| t.op == Op::Read).map_or(0, |t| t.count) - read_before;
    assert!(read >= 3, "each label read from the bucket ({read})");
    let labels_dir = node_b.config.data_dir().join("labels");
    let kept: Vec<_> = std::fs::read_dir(&labels_dir)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(kept.is_empty(), "node B made no label files: {kept:?}");

    let zip = std::fs::read(node_b.services.batches.zip_path(&batch)).unwrap();
    assert_eq!(
        Some(hex::encode(Sha256::digest(&zip))),
        batch.zip_sha256,
        "the zip is the one recorded"
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut in_zip = std::collections::BTreeSet::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        if f.name().unwrap().starts_with("labels/") {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
            in_zip.insert(hex::encode(Sha256::digest(&bytes)));
        }
    }
    assert_eq!(in_zip, bought, "the zip holds the labels node A bought");
}

/// A node whose bucket cannot be reached says so: `/readyz` is 503 naming the bucket, and a
/// supplier's download of a batch that node does not hold is a 503 page that says to try again,
/// not a 500; the node with a working store still serves it.
#[rocket::async_test]
#[ignore = "needs the Garage server scripts/test starts"]
async fn a_node_that_cannot_reach_the_bucket_says_so_instead_of_failing() {
    let (a, _sb, shirts, _) = node_with_labels(2).await;
    publish(&a, shirts).await;
    supplier_user(&a, shirts, "pat@shirtco.example").await;

    let (cut_off, dead) = cut_off_node(&a).await;
    let r = cut_off.client.get("/readyz").dispatch().await;
    assert_eq!(r.status(), Status::ServiceUnavailable);
    let body: serde_json::Value = r.into_json().await.unwrap();
    let bucket_check = body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "bucket")
        .unwrap();
    assert!(
        bucket_check["problem"].as_str().unwrap().contains(&dead),
        "names the store it cannot reach: {body}"
    );

    assert_eq!(
        cut_off.login("pat@shirtco.example", SUPPLIER_PASSWORD).await,
        Status::SeeOther
    );
    let zip = podgate_testkit::labels::zip_name(&a, 1).await;
    let (status, page) = cut_off.get(&format!("/supplier/batches/1/{zip}")).await;
    assert_eq!(status, Status::ServiceUnavailable, "{page}");
    assert!(page.contains("Try again in a moment"), "{page}");
    let (status, _) = a.get("/readyz").await;
    assert_eq!(status, Status::Ok, "the node with a working store is ready");

    // An SFTP read of the batch (read as it arrives from the bucket) fails at once, and the
    // failed fetch is counted for /metrics like any other.
    let failed_fetches = || {
        podgate::storage::stats::totals()
            .iter()
            .find(|t| t.op == podgate::storage::stats::Op::Fetch)
            .map_or(0, |t| t.failed)
    };
    let before = failed_fetches();
    let batch = cut_off.query(|c| podgate::db::models::batch::find(c, 1)).await;
    let read = cut_off
        .services
        .batches
        .reading(&batch, &podgate::domain::batches::files::BatchFile::Zip)
        .await;
    assert!(read.is_err(), "no bytes from a bucket nobody reaches");
    assert!(failed_fetches() > before, "the failed fetch is counted");
}

/// One node on its data dir alone becomes two: `podgate storage copy` puts its labels,
/// batches and SFTP archive in the bucket (a second run finds everything there), and a node with the bucket and
/// an empty data dir then serves the batch sealed before there was a bucket.
#[rocket::async_test]
#[ignore = "needs the Garage server scripts/test starts"]
async fn storage_copy_moves_a_single_nodes_files_into_the_bucket_and_can_be_run_again() {
    let (a, _sb, shirts, _) = podgate_testkit::suppliers::routed_app().await;
    let ids = orders_for(&a, shirts, 2).await;
    buy(&a, &ids).await;
    publish(&a, shirts).await;
    supplier_user(&a, shirts, "pat@shirtco.example").await;
    let bucket = podgate_testkit::bucket::config();
    let copy = || {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_podgate"))
            .args(["storage", "copy"])
            .env("PODGATE_DATA_DIR", a.config.data_dir())
            .env("PODGATE_DATABASE_URL", a.config.database_url())
            .env("PODGATE_STORAGE__URL", bucket.url.clone().unwrap())
            .env("PODGATE_STORAGE__ENDPOINT", bucket.endpoint.clone().unwrap())
            .env("PODGATE_STORAGE__REGION", bucket.region.clone().unwrap())
            .env(
                "PODGATE_STORAGE__ACCESS_KEY_ID",
                bucket.access_key_id.clone().unwrap(),
            )
            .env(
                "PODGATE_STORAGE__SECRET_ACCESS_KEY",
                bucket.secret_access_key.clone().unwrap(),
            )
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    // Two labels and the batch's zip and merged labels.
    let first = copy();
    assert!(first.contains("done: 4 copied"), "{first}");
    let again = copy();
    assert!(
        again.contains("done: 0 copied (0.0 MiB), 4 already there"),
        "{again}"
    );
    // A processed SFTP upload in the node's archive goes too (and only it, the third time).
    let archive = a.config.data_dir().join(format!("sftp/{shirts}/archive"));
    std::fs::create_dir_all(&archive).unwrap();
    std::fs::write(archive.join("000001-acks.csv"), "package_id,status\n").unwrap();
    let third = copy();
    assert!(third.contains("done: 1 copied"), "{third}");
    let listed = Bucket::open(&bucket)
        .unwrap()
        .list(&format!("sftp/{shirts}/archive"))
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        ["000001-acks.csv"]
    );

    let node_b = TestApp::another_node_with(&a, |f| podgate_testkit::bucket::merge(f, &bucket)).await;
    assert_eq!(
        node_b.login("pat@shirtco.example", SUPPLIER_PASSWORD).await,
        Status::SeeOther
    );
    let b = a.query(|c| podgate::db::models::batch::find(c, 1)).await;
    let r = node_b
        .client
        .get(format!("/supplier/batches/1/{}", b.zip_name()))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    let got = r.into_bytes().await.unwrap();
    assert_eq!(hex::encode(Sha256::digest(&got)), b.zip_sha256.unwrap());
}

/// Starts `node`'s SFTP gateway on a free port with these settings, until `stop`.
async fn sftp_server(
    node: &TestApp,
    settings: podgate::sftp::SftpSettings,
    stop: &CancellationToken,
) -> podgate::sftp::SftpServer {
    let settings = podgate::sftp::SftpSettings { port: 0, ..settings };
    let (pool, batches) = (node.pool.clone(), node.services.batches.clone());
    podgate::sftp::spawn(pool, batches, settings, node.config.data_dir(), stop.clone())
        .await
        .unwrap()
}

/// Runs OpenSSH `sftp -b` as the factory's login in `dir`; returns what it printed.
fn sftp(port: u16, key: &std::path::Path, dir: &std::path::Path, script: &str) -> String {
    let batch = dir.join("batch.txt");
    std::fs::write(&batch, script).unwrap();
    let o = podgate_testkit::sftp::openssh_sftp(port, key)
        .current_dir(dir)
        .arg("-b")
        .arg(&batch)
        .arg("shirtco-erp@127.0.0.1")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{said}");
    said
}
