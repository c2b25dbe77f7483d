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

/// Node A buys labels and seals a batch; node B (same database and bucket, an empty data dir of
/// its own) serves it: the supplier's browser downloads it in two ranges and the factory's SFTP
/// client gets it whole, both equal to A's zip and its recorded SHA-256.
#[rocket::async_test]
#[ignore = "needs the Garage server scripts/test starts"]
async fn a_batch_sealed_on_one_node_downloads_from_another_byte_for_byte() {
    let bucket = podgate_testkit::bucket::config();
    let (a, _sb, shirts, _) = routed_app_with(|f| podgate_testkit::bucket::merge(f, &bucket)).await;
    let ids = orders_for(&a, shirts, 3).await;
    buy(&a, &ids).await;
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
    let server = podgate::sftp::spawn(
        node_c.pool.clone(),
        node_c.services.batches.clone(),
        podgate::sftp::SftpSettings {
            port: 0,
            ..Default::default()
        },
        node_c.config.data_dir(),
        stop.clone(),
    )
    .await
    .unwrap();
    let out = keys.path().join("got.zip");
    let batch = keys.path().join("batch.txt");
    std::fs::write(
        &batch,
        format!("get /outbox/{} {}\n", b.zip_name(), out.display()),
    )
    .unwrap();
    let o = podgate_testkit::sftp::openssh_sftp(server.addr.port(), &key)
        .arg("-b")
        .arg(&batch)
        .arg("shirtco-erp@127.0.0.1")
        .output()
        .unwrap();
    stop.cancel();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(hex::encode(Sha256::digest(std::fs::read(&out).unwrap())), sha);
}
