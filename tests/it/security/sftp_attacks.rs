//! The SFTP drop against a careless factory and a hostile network, with real clients
//! (paramiko, OpenSSH through sshpass): revocation reaches open sessions, archived suppliers
//! are refused, strangers cannot lock a factory out, handles and the inbox are capped,
//! abandoned uploads are swept, and a terminal request gets a refusal.

use std::process::{Command, Stdio};
use std::time::Duration;

use rocket::http::Status;

use crate::sftp::{Drop, drop_with, output, package_ids, sftp_key};

/// Runs a paramiko script against the drop with the login's key; `argv[1]` is the port,
/// `argv[2]` the key file. Returns (success, output).
fn paramiko(d: &Drop, script: &str) -> std::process::Child {
    let prelude = r#"
import sys, time, io, paramiko
t = paramiko.Transport(("127.0.0.1", int(sys.argv[1])))
t.connect(username="shirtco-erp", pkey=paramiko.Ed25519Key.from_private_key_file(sys.argv[2]))
s = paramiko.SFTPClient.from_transport(t)
def say(*a):
    print(*a, flush=True)
"#;
    Command::new("python3")
        .arg("-c")
        .arg(format!("{prelude}\n{script}"))
        .arg(d.port.to_string())
        .arg(&d.key)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(child: std::process::Child) -> (bool, String) {
    output(child.wait_with_output().unwrap())
}

async fn ack_statuses(d: &Drop) -> Vec<String> {
    d.app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::batch_packages::dsl::*;
            batch_packages.order(position).select(ack_status).load(c)
        })
        .await
}

async fn login_id(d: &Drop) -> i64 {
    d.app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::sftp_logins::dsl::*;
            sftp_logins.select(id).first(c)
        })
        .await
}

#[rocket::async_test]
async fn disabling_a_login_closes_its_open_session_before_an_ack_applies() {
    let d = drop_with(|_| {}).await;
    let pkg = package_ids(&d.app).await[0].clone();
    // Connected, listed, then waits while the seller's supplier disables the login.
    let child = paramiko(
        &d,
        &format!(
            r#"
say("listed", s.listdir("/outbox"))
time.sleep(6)
try:
    s.putfo(io.BytesIO(b"package_id,status\n{pkg},accepted\n"), "/inbox/late.csv")
    say("UPLOADED")
except Exception as e:
    say("refused:", type(e).__name__, e)
"#
        ),
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let id = login_id(&d).await;
    let r = d
        .sup
        .post_form(
            "/supplier/sftp",
            &format!("/supplier/sftp/logins/{id}/disable"),
            &[],
        )
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, out) = finish(child);
    assert!(out.contains("listed") && out.contains("-shirt-co-0001-"), "{out}");
    assert!(out.contains("refused:") && !out.contains("UPLOADED"), "{out}");
    assert!(
        ack_statuses(&d).await.iter().all(|s| s == "pending"),
        "the ack was not applied"
    );
}

#[rocket::async_test]
async fn an_archived_supplier_is_refused_on_every_channel() {
    let d = drop_with(|_| {}).await;
    let (ok, out) = sftp_key(&d, &d.key, "shirtco-erp", "ls /outbox\n", &[]);
    assert!(ok, "{out}");
    let shirts: i64 = d
        .app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::suppliers::dsl::*;
            suppliers.filter(name.eq("Shirt Co")).select(id).first(c)
        })
        .await;
    // An open session, then the seller archives the supplier.
    let child = paramiko(
        &d,
        "time.sleep(6)\ntry:\n    s.listdir('/outbox'); say('LISTED')\nexcept Exception as e:\n    say('closed:', e)\n",
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let r = d
        .app
        .post_form("/suppliers", &format!("/suppliers/{shirts}/archive"), &[])
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    let (_, out) = finish(child);
    assert!(out.contains("closed:") && !out.contains("LISTED"), "{out}");
    // New SFTP sessions are refused…
    let (ok, _) = sftp_key(&d, &d.key, "shirtco-erp", "ls\n", &[]);
    assert!(!ok, "an archived supplier's login is refused");
    // …its people are signed out, and signing in again says why.
    let r = d.sup.client.get("/supplier").dispatch().await;
    assert_eq!(r.status(), Status::SeeOther, "the session no longer works");
    let again = podgate_testkit::TestApp::reuse(&d.app).await;
    let (status, page) = again
        .login_from(
            "192.0.2.9",
            "pat@shirtco.example",
            podgate_testkit::suppliers::SUPPLIER_PASSWORD,
        )
        .await;
    assert_eq!(status, Status::Forbidden);
    assert!(page.contains("archived your supplier account"), "{page}");
}

/// One wrong password per address from several addresses used to ban the login itself.
#[rocket::async_test]
async fn strangers_failing_from_many_addresses_cannot_lock_the_factory_out() {
    let d = drop_with(|s| s.defender.threshold = 3).await;
    for i in 2..=6 {
        let o = Command::new("sshpass")
            .env("SSHPASS", "not the password")
            .args(["-e", "sftp", "-o", "PreferredAuthentications=password"])
            .args(["-o", "PubkeyAuthentication=no", "-o", "StrictHostKeyChecking=no"])
            .args([
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "NumberOfPasswordPrompts=1",
            ])
            .args([
                "-o",
                &format!("BindAddress=127.0.0.{i}"),
                "-P",
                &d.port.to_string(),
            ])
            .arg("shirtco-erp@127.0.0.1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!o.status.success());
    }
    // The factory itself, from its own address, still gets in (at most slowed).
    let (ok, out) = sftp_key(&d, &d.key, "shirtco-erp", "ls /outbox\n", &[]);
    assert!(ok && out.contains("-shirt-co-0001-"), "{out}");
    // One failure from an address is below the threshold: that address is not banned either.
    let (ok, _) = sftp_key(
        &d,
        &d.key,
        "shirtco-erp",
        "ls\n",
        &["-o", "BindAddress=127.0.0.2"],
    );
    assert!(ok, "one failure per address is below the threshold");
    // The supplier sees the failed attempts and where they came from.
    let (_, page) = d.sup.get("/supplier/sftp").await;
    assert!(
        page.contains("Failed sign-ins") && page.contains("127.0.0.4") && page.contains("wrong password"),
        "{page}"
    );
}

#[rocket::async_test]
async fn handles_the_inbox_quota_and_abandoned_uploads_are_bounded() {
    let d = drop_with(|s| {
        s.max_open_handles = 8;
        s.inbox_quota_mib = 1;
    })
    .await;
    let (_, out) = finish(paramiko(
        &d,
        r#"
opened = []
try:
    for i in range(12):
        opened.append(s.open("/outbox/batch-1.zip"))
    say("opened all")
except Exception as e:
    say("handles:", len(opened), e)
for f in opened:
    f.close()
for i in range(4):
    try:
        s.putfo(io.BytesIO(b"x" * 450_000), "/inbox/part%d.filepart" % i)
        say("stored", i)
    except Exception as e:
        say("quota:", i, e)
for i in range(3):
    s.remove("/inbox/part%d.filepart" % i)
f = s.open("/inbox/abandoned.filepart", "w")
f.write(b"half an upload")
f.flush()
t.close()
say("gone")
"#,
    ));
    assert!(out.contains("handles: 8") && out.contains("at most 8"), "{out}");
    assert!(out.contains("stored 2") && out.contains("quota: 3"), "{out}");
    assert!(out.contains("inbox is full"), "{out}");
    assert!(out.contains("gone"), "{out}");
    // The abandoned upload's staging file is removed with its session.
    let staging = d.app.config.data_dir().join("sftp");
    let mut left = Vec::new();
    for _ in 0..50 {
        left = walk(&staging)
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("/staging/"))
            .collect();
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(left.is_empty(), "staging still holds {left:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[rocket::async_test]
async fn a_terminal_request_gets_a_refusal_not_silence() {
    let d = drop_with(|_| {}).await;
    let o = Command::new("ssh")
        .args(["-tt", "-i"])
        .arg(&d.key)
        .args(["-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no"])
        .args(["-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10"])
        .args(["-p", &d.port.to_string(), "shirtco-erp@127.0.0.1"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let (ok, out) = output(o);
    assert!(!ok);
    assert!(out.contains("PTY allocation request failed"), "{out}");
}
