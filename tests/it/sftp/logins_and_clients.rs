//! Password logins and the defender's bans, and large downloads by paramiko and lftp (deep
//! request pipelining).

use super::*;

#[rocket::async_test]
async fn passwords_work_and_repeated_failures_ban_the_address() {
    let d = drop_with_batch(4).await;
    let (ok, out) = sftp_password(&d, "shirtco-erp", &d.password, "ls /outbox\n");
    assert!(ok && out.contains("-shirt-co-0001-"), "{out}");
    // Four wrong passwords (one attempt per connection, as sshpass makes them).
    for _ in 0..4 {
        let (ok, _) = sftp_password(&d, "shirtco-erp", "wrong password", "ls\n");
        assert!(!ok);
    }
    let failed: i64 = d
        .app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::audit_events::dsl::*;
            audit_events
                .filter(action.eq("sftp.login_failed"))
                .count()
                .get_result(c)
        })
        .await;
    assert!(failed >= 4, "every failed attempt is audited ({failed})");
    // Banned now: even the right password and the right key are refused for a while.
    let (ok, _) = sftp_password(&d, "shirtco-erp", &d.password, "ls\n");
    assert!(!ok, "the address is banned");
    let (ok, _) = sftp_key(&d, &d.key, "shirtco-erp", "ls\n", &[]);
    assert!(!ok, "the ban covers every method");
    let bans: i64 = d
        .app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::audit_events::dsl::*;
            audit_events
                .filter(action.eq("sftp.banned"))
                .count()
                .get_result(c)
        })
        .await;
    assert!(bans >= 1);
}

#[rocket::async_test]
async fn large_downloads_work_with_deep_pipelining_paramiko_and_lftp() {
    let d = drop_with_batch(100).await;
    let (ws, shirts) = d
        .app
        .query(|c| {
            use diesel::prelude::*;
            use podgate::db::schema::suppliers::dsl::*;
            suppliers
                .filter(name.eq("Shirt Co"))
                .select((workspace_id, id))
                .first::<(i64, i64)>(c)
        })
        .await;
    // A batch larger than 64 MiB: an untuned server hangs on `sftp -R 256` (stack notes §10.2).
    let big =
        podgate_testkit::world::synthetic_batch(&d.app.pool, &d.app.services.batches, ws, shirts, 80 << 20)
            .await
            .unwrap();
    let want = big.zip_sha256.clone().unwrap();
    let (first, second) = (podgate_testkit::labels::zip_name(&d.app, 1).await, big.zip_name());
    let (ok, out) = sftp_key(
        &d,
        &d.key,
        "shirtco-erp",
        &format!("get /outbox/{second} big.zip\n"),
        &["-R", "256"],
    );
    assert!(ok, "{out}");
    let got = std::fs::read(d.tmp.path().join("big.zip")).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&got)), want, "sftp -R 256");
    std::fs::remove_file(d.tmp.path().join("big.zip")).unwrap();

    // paramiko: listdir, stat, get of a file larger than 8 MiB (unbounded prefetch), put.
    let pkgs = package_ids(&d.app).await;
    std::fs::write(
        d.tmp.path().join("p.json"),
        format!("[{{\"package_id\": \"{}\", \"status\": \"shipped\"}}]", pkgs[0]),
    )
    .unwrap();
    let script = format!(
        r#"
import hashlib, paramiko, sys
t = paramiko.Transport(("127.0.0.1", {port}))
t.connect(username="shirtco-erp", pkey=paramiko.Ed25519Key.from_private_key_file("{key}"))
s = paramiko.SFTPClient.from_transport(t)
names = sorted(s.listdir("/outbox"))
assert names == sorted(["{first}", "{first}.sha256", "{second}", "{second}.sha256"]), names
st = s.stat("/outbox/{second}")
assert st.st_size == {size}, st.st_size
s.get("/outbox/{second}", "{dir}/pm.zip")
h = hashlib.sha256(open("{dir}/pm.zip", "rb").read()).hexdigest()
assert h == "{want}", h
s.put("{dir}/p.json", "/inbox/p.json")
print("paramiko ok")
"#,
        port = d.port,
        key = d.key.display(),
        size = 80 << 20,
        dir = d.tmp.path().display(),
    );
    let o = Command::new("python3").arg("-c").arg(&script).output().unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let (_, order) = d.app.get(&format!("/orders/{}", d.ids[0])).await;
    assert!(
        order.contains("Shirt Co shipped package"),
        "the paramiko upload was applied"
    );

    // lftp mirror of the outbox.
    let mirror = d.tmp.path().join("mirror");
    let o = Command::new("lftp")
        .arg("-c")
        .arg(format!(
            "set sftp:auto-confirm yes; set net:max-retries 1; set cmd:fail-exit yes; set sftp:connect-program \"ssh -a -x -i {} -o IdentitiesOnly=yes -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no\"; open -u shirtco-erp, sftp://127.0.0.1:{}; mirror --no-perms /outbox {}",
            d.key.display(),
            d.port,
            mirror.display()
        ))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let got = std::fs::read(mirror.join(&second)).unwrap();
    assert_eq!(hex::encode(Sha256::digest(&got)), want, "lftp mirror");
    assert!(mirror.join(format!("{first}.sha256")).exists());
}
