//! The SFTP drop with real clients: OpenSSH `sftp` (key, and password through sshpass), a
//! deeply pipelined download, paramiko, lftp; traversal and cross-supplier attempts; ack files
//! applied (or refused whole, with a result file) and visible on the orders; the defender.

use std::path::{Path, PathBuf};
use std::process::Command;

use rocket::http::Status;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use podgate_testkit::TestApp;
use podgate_testkit::labels::{buy, orders_for, publish};
use podgate_testkit::suppliers::{routed_app, supplier_user};

/// A podgate with Shirt Co's batch and SFTP login (`shirtco-erp`, key and password).
pub struct Drop {
    pub app: TestApp,
    pub sup: TestApp,
    pub port: u16,
    pub key: PathBuf,
    pub password: String,
    pub ids: Vec<i64>,
    mugs: i64,
    pub tmp: tempfile::TempDir,
    _stop: StopOnDrop,
}

struct StopOnDrop(CancellationToken);
impl std::ops::Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Creates an SFTP login in the portal (password shown once) and adds a fresh ed25519 key.
pub(crate) async fn login_for(sup: &TestApp, name: &str, dir: &Path) -> (PathBuf, String) {
    let r = sup
        .post_form(
            "/supplier/sftp",
            "/supplier/sftp/logins",
            &[("username", name), ("password", "true"), ("allowed_networks", "")],
        )
        .await;
    let page = r.into_string().await.unwrap();
    let pw: String = page[page.find("id=\"new-password\">").expect("password shown once") + 18..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    let key = dir.join(format!("{name}_key"));
    podgate_testkit::sftp::keygen(&key, &format!("{name}@factory")).unwrap();
    let pubkey = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let (_, page) = sup.get("/supplier/sftp").await;
    let id: String = page[page.find("id=\"login-").unwrap() + 10..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let r = sup
        .post_form(
            "/supplier/sftp",
            &format!("/supplier/sftp/logins/{id}/keys"),
            &[("public_key", &pubkey)],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    (key, pw)
}

pub async fn drop_with_batch(defender_threshold: u32) -> Drop {
    drop_with(|s| s.defender.threshold = defender_threshold).await
}

/// [`drop_with_batch`] with the gateway's settings changed by `tweak`.
pub async fn drop_with(tweak: impl FnOnce(&mut podgate::sftp::SftpSettings)) -> Drop {
    let (app, _sb, shirts, mugs) = routed_app().await;
    let ids = orders_for(&app, shirts, 3).await;
    buy(&app, &ids).await;
    publish(&app, shirts).await;
    let sup = supplier_user(&app, shirts, "pat@shirtco.example").await;
    let tmp = tempfile::tempdir().unwrap();
    let (key, password) = login_for(&sup, "shirtco-erp", tmp.path()).await;
    let stop = CancellationToken::new();
    let mut settings = podgate::sftp::SftpSettings {
        port: 0,
        ..Default::default()
    };
    tweak(&mut settings);
    let server = podgate::sftp::spawn(
        app.pool.clone(),
        app.services.batches.clone(),
        settings,
        app.config.data_dir(),
        stop.clone(),
    )
    .await
    .unwrap();
    Drop {
        app,
        sup,
        port: server.addr.port(),
        key,
        password,
        ids,
        mugs,
        tmp,
        _stop: StopOnDrop(stop),
    }
}

/// Runs OpenSSH `sftp -b` with a key; returns (success, output).
pub fn sftp_key(d: &Drop, key: &Path, user: &str, batch: &str, extra: &[&str]) -> (bool, String) {
    let b = d.tmp.path().join("batch.txt");
    std::fs::write(&b, batch).unwrap();
    let o = podgate_testkit::sftp::openssh_sftp(d.port, key)
        .current_dir(d.tmp.path())
        .args(extra)
        .arg("-b")
        .arg(&b)
        .arg(format!("{user}@127.0.0.1"))
        .output()
        .unwrap();
    output(o)
}

/// Runs OpenSSH `sftp -b` through sshpass with a password on a local port, in `dir`;
/// returns (success, output).
pub fn sftp_with_password(port: u16, dir: &Path, user: &str, password: &str, batch: &str) -> (bool, String) {
    let b = dir.join("batch-pw.txt");
    std::fs::write(&b, batch).unwrap();
    let o = Command::new("sshpass")
        .env("SSHPASS", password)
        .current_dir(dir)
        .args([
            "-e",
            "sftp",
            "-o",
            "BatchMode=no",
            "-o",
            "PreferredAuthentications=password",
        ])
        .args(["-o", "PubkeyAuthentication=no", "-o", "StrictHostKeyChecking=no"])
        .args([
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-P",
            &port.to_string(),
            "-b",
        ])
        .arg(&b)
        .arg(format!("{user}@127.0.0.1"))
        .output()
        .unwrap();
    output(o)
}

fn sftp_password(d: &Drop, user: &str, password: &str, batch: &str) -> (bool, String) {
    sftp_with_password(d.port, d.tmp.path(), user, password, batch)
}

/// A client's success and everything it printed.
pub fn output(o: std::process::Output) -> (bool, String) {
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

pub async fn package_ids(app: &TestApp) -> Vec<String> {
    app.query(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::packages::dsl::*;
        packages
            .order(id)
            .select(tiktok_package_id)
            .load::<Option<String>>(c)
    })
    .await
    .into_iter()
    .flatten()
    .collect()
}

#[rocket::async_test]
async fn a_factory_downloads_its_batch_and_acknowledges_by_sftp() {
    let d = drop_with_batch(15).await;
    let pkgs = package_ids(&d.app).await;
    let good = format!(
        "package_id,status,reason,expected_date\n{},accepted,,\n{},rejected,Blank out of stock,\n",
        pkgs[0], pkgs[1]
    );
    std::fs::write(d.tmp.path().join("acks.csv"), good).unwrap();
    let bad = format!(
        "package_id,status,reason,expected_date\n{},accepted,,\n999,accepted,,\n{},backordered,,\n",
        pkgs[2], pkgs[2]
    );
    std::fs::write(d.tmp.path().join("bad.csv"), bad).unwrap();
    let name = podgate_testkit::labels::zip_name(&d.app, 1).await;
    let (ok, out) = sftp_key(
        &d,
        &d.key,
        "shirtco-erp",
        &format!(
            "ls -l /\nls -l /outbox\nget /outbox/{name}\nget /outbox/{name}.sha256\nput acks.csv /inbox/acks.csv.filepart\nrename /inbox/acks.csv.filepart /inbox/acks.csv\nput bad.csv /inbox/bad.csv\nls /results\n"
        ),
        &[],
    );
    assert!(ok, "{out}");
    assert!(
        out.contains(&name) && out.contains("outbox") && out.contains("inbox"),
        "{out}"
    );
    // The download matches its published checksum.
    let zip = std::fs::read(d.tmp.path().join(&name)).unwrap();
    let line = std::fs::read_to_string(d.tmp.path().join(format!("{name}.sha256"))).unwrap();
    assert_eq!(line, format!("{}  {name}\n", hex::encode(Sha256::digest(&zip))));
    let check = Command::new("sha256sum")
        .arg("-c")
        .arg(format!("{name}.sha256"))
        .current_dir(d.tmp.path())
        .output()
        .unwrap();
    assert!(check.status.success());
    // The acknowledgements are on the orders, with channel sftp; the bad file changed nothing.
    let (_, order) = d.app.get(&format!("/orders/{}", d.ids[0])).await;
    assert!(
        order.contains("Shirt Co accepted package") && order.contains("sftp:shirtco-erp"),
        "{order}"
    );
    assert!(
        order.contains("(sftp:shirtco-erp, sftp)"),
        "who and through which channel: {order}"
    );
    let statuses: Vec<String> = d
        .app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::batch_packages::dsl::*;
            batch_packages.order(position).select(ack_status).load(c)
        })
        .await;
    assert_eq!(statuses, ["accepted", "rejected", "pending"]);
    let (_, batch_page) = d.sup.get("/supplier/batches/1").await;
    assert!(
        batch_page.contains(&format!("sftp:shirtco-erp via sftp · {name} · complete")),
        "{batch_page}"
    );
    // Result files: one per processed upload, the refused one explains every bad line.
    let results: Vec<(String, String, String)> = d
        .app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::sftp_uploads::dsl::*;
            sftp_uploads
                .order(id)
                .select((name, outcome, result_name))
                .load(c)
        })
        .await;
    assert_eq!(
        results.len(),
        2,
        "the temporary name was not processed: {results:?}"
    );
    assert_eq!(
        (results[0].0.as_str(), results[0].1.as_str()),
        ("acks.csv", "applied")
    );
    assert_eq!(
        (results[1].0.as_str(), results[1].1.as_str()),
        ("bad.csv", "refused")
    );
    assert!(out.contains(&results[1].2), "{out}");
    let (ok, out) = sftp_key(
        &d,
        &d.key,
        "shirtco-erp",
        &format!("get /results/{}\n", results[1].2),
        &[],
    );
    assert!(ok, "{out}");
    let report = std::fs::read_to_string(d.tmp.path().join(&results[1].2)).unwrap();
    assert!(
        report.contains("3,refused") && report.contains("package 999 is in none of your published batches"),
        "{report}"
    );
    assert!(
        report.contains("4,refused") && report.contains("expected_date"),
        "{report}"
    );
    // Processed files left the inbox for the archive, numbered; the inbox holds what is to come.
    let (ok, out) = sftp_key(&d, &d.key, "shirtco-erp", "ls -1 /inbox\nls -1 /archive\n", &[]);
    assert!(ok, "{out}");
    let after = |cmd: &str| {
        out.split(cmd)
            .nth(1)
            .map(|s| s.split("sftp>").next().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    let (inbox, archive) = (after("ls -1 /inbox"), after("ls -1 /archive"));
    assert!(!inbox.contains("acks.csv") && !inbox.contains("bad.csv"), "{out}");
    assert!(
        archive.contains("000001-acks.csv") && archive.contains("000002-bad.csv"),
        "{out}"
    );
    // The SFTP page says what each upload did and why the refused one was refused.
    let (_, page) = d.sup.get("/supplier/sftp").await;
    assert!(page.contains("acks.csv") && page.contains("2 lines"), "{page}");
    assert!(
        page.contains("line 3: package 999 is in none of your published batches"),
        "{page}"
    );
    assert!(page.contains("good line(s) not applied"), "{page}");
    // The checksum tool over exec agrees; a shell is refused.
    let ssh = |cmd: &str| {
        Command::new("ssh")
            .args(["-p", &d.port.to_string(), "-i"])
            .arg(&d.key)
            .args([
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "BatchMode=yes",
                "shirtco-erp@127.0.0.1",
                cmd,
            ])
            .output()
            .unwrap()
    };
    let o = ssh("sha256sum /outbox/batch-1.zip");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("{}  /outbox/batch-1.zip\n", hex::encode(Sha256::digest(&zip)))
    );
    assert!(!ssh("cat /etc/passwd").status.success());
}

#[rocket::async_test]
async fn paths_stay_inside_the_drop_and_suppliers_never_see_each_other() {
    let d = drop_with_batch(100).await;
    for attempt in [
        "get /outbox/../../../../etc/passwd",
        "get /etc/passwd",
        "cd /tmp",
        "get ../../etc/hostname",
        "put batch.txt /outbox/mine.zip",
        "mkdir /inbox/sub",
        "rm /outbox/batch-1.zip",
        "symlink /outbox/batch-1.zip /inbox/link.zip",
    ] {
        let (ok, out) = sftp_key(&d, &d.key, "shirtco-erp", &format!("{attempt}\n"), &[]);
        assert!(!ok, "{attempt} should fail: {out}");
    }
    // An upload larger than the 5 MiB limit is refused.
    std::fs::write(d.tmp.path().join("huge.csv"), vec![b'x'; 6 << 20]).unwrap();
    let (ok, out) = sftp_key(&d, &d.key, "shirtco-erp", "put huge.csv /inbox/huge.csv\n", &[]);
    assert!(!ok, "{out}");
    let (_, listing) = sftp_key(&d, &d.key, "shirtco-erp", "ls /inbox\n", &[]);
    assert!(
        !listing.contains("huge.csv"),
        "nothing incomplete is left: {listing}"
    );
    let (ok, out) = sftp_key(&d, &d.key, "shirtco-erp", "cd /../..\npwd\nls\n", &[]);
    assert!(ok && out.contains("Remote working directory: /"), "{out}");
    // Mug Works' own login sees an empty outbox and cannot reach Shirt Co's files.
    let mug_user = supplier_user(&d.app, d.mugs, "mo@mugworks.example").await;
    let (mug_key, _) = login_for(&mug_user, "mugworks-erp", d.tmp.path()).await;
    let (ok, out) = sftp_key(&d, &mug_key, "mugworks-erp", "ls -l /outbox\n", &[]);
    assert!(ok && !out.contains("shirt-co"), "{out}");
    let name = podgate_testkit::labels::zip_name(&d.app, 1).await;
    for file in [name.as_str(), "batch-1.zip"] {
        let (ok, _) = sftp_key(
            &d,
            &mug_key,
            "mugworks-erp",
            &format!("get /outbox/{file}\n"),
            &[],
        );
        assert!(!ok, "Mug Works cannot fetch Shirt Co's {file}");
    }
    // Another supplier's key does not open this login.
    let (ok, _) = sftp_key(&d, &mug_key, "shirtco-erp", "ls\n", &[]);
    assert!(!ok);
}

mod factory_steps;
mod languages;
mod logins_and_clients;
