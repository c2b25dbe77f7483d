//! The SFTP odd-name corpus: a real client (paramiko) uploads an acknowledgement file under
//! names a factory system or an attacker might send. Names a factory uses (spaces, accents,
//! shell characters) are accepted, processed, shown as sent and moved to `/archive`; a
//! temporary name waits in the inbox for its rename; what is not a name (control characters,
//! backslashes, `..`, paths, over 255 bytes) is refused with a reason. On disk every name is
//! encoded: none reaches the file system as sent, and none escapes the drop.

use std::process::Command;

use crate::sftp::drop_with_batch;

/// Names as Python string literals (escapes allowed).
const NAMES: &[&str] = &[
    r#""ack with spaces.csv""#,
    r#""ünïcødé-✓.csv""#,
    r#""-leading-dash.csv""#,
    r#"".hidden.csv""#,
    r#""trailing.dot.""#,
    r#""back\\slash.csv""#,
    r#""semi;colon&amp.csv""#,
    r#""$(touch pwned).csv""#,
    r#""quote\"d.csv""#,
    r#""new\nline.csv""#,
    r#""tab\tname.csv""#,
    r#""bell\x07.csv""#,
    r#""nul\x00byte.csv""#,
    r#""%2e%2e%2fescape.csv""#,
    r#""a" * 300 + ".csv""#,
    r#""..""#,
    r#"".""#,
    r#""""#,
    r#""../escape.csv""#,
    r#""sub/dir.csv""#,
    r#""/etc/passwd""#,
    r#""CON""#,
];

#[rocket::async_test]
async fn odd_upload_names_are_refused_or_kept_inside_the_inbox() {
    let d = drop_with_batch(1000).await;
    std::fs::write(d.tmp.path().join("ack.csv"), "package_id,status\n").unwrap();
    let script = format!(
        r#"
import json, paramiko
t = paramiko.Transport(("127.0.0.1", {port}))
t.connect(username="shirtco-erp", pkey=paramiko.Ed25519Key.from_private_key_file("{key}"))
s = paramiko.SFTPClient.from_transport(t)
out = []
for name in [{names}]:
    try:
        s.put("{dir}/ack.csv", "/inbox/" + name)
        out.append([name, "ok"])
    except Exception as e:
        out.append([name, "refused: " + str(e)])
print(json.dumps({{"results": out, "root": sorted(s.listdir("/")), "inbox": s.listdir("/inbox"), "archive": s.listdir("/archive")}}))
"#,
        port = d.port,
        key = d.key.display(),
        dir = d.tmp.path().display(),
        names = NAMES.join(", "),
    );
    let o = Command::new("python3").arg("-c").arg(&script).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let root: Vec<&str> = v["root"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        root.iter()
            .all(|n| ["archive", "inbox", "outbox", "results"].contains(n)),
        "{root:?}"
    );
    let inbox: Vec<&str> = v["inbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let sent_ok = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r[1] == "ok")
        .count();
    let mut uploads: Vec<String> = Vec::new();
    for _ in 0..100 {
        uploads = d
            .app
            .query(|c| {
                use diesel::prelude::*;
                use podgate::db::schema::sftp_uploads::dsl::*;
                sftp_uploads.select(name).load(c)
            })
            .await;
        if uploads.len() >= sent_ok {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // What factories' systems send as a name is accepted as it is.
    for name in [
        "ack with spaces.csv",
        "ünïcødé-✓.csv",
        "-leading-dash.csv",
        "semi;colon&amp.csv",
        "$(touch pwned).csv",
        "quote\"d.csv",
        "%2e%2e%2fescape.csv",
    ] {
        let r = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[0] == name)
            .unwrap();
        assert_eq!(r[1], "ok", "{name:?} accepted");
    }
    let archive: Vec<&str> = v["archive"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let mut accepted = 0;
    for r in v["results"].as_array().unwrap() {
        let (name, outcome) = (r[0].as_str().unwrap(), r[1].as_str().unwrap());
        let must_refuse = name.is_empty()
            || name == "."
            || name == ".."
            || name.contains('/')
            || name.contains('\\')
            || name.chars().any(char::is_control)
            || name.len() > 255;
        assert_eq!(outcome.starts_with("refused"), must_refuse, "{name:?}: {outcome}");
        // A refusal says why (the characters, "that is a folder"…).
        assert!(
            outcome == "ok" || outcome.len() > "refused: [Errno 13] ".len(),
            "{name:?}: {outcome}"
        );
        if outcome == "ok" {
            accepted += 1;
            // A temporary name (".name", "*.part"…) waits in the inbox for its rename.
            if podgate::sftp::vfs::is_temporary(name) {
                assert!(inbox.contains(&name), "{name:?} kept in the inbox: {v}");
                continue;
            }
            // Others are processed on arrival, recorded under exactly the name sent, and
            // moved from the inbox to the archive under their upload number.
            assert!(
                uploads.iter().any(|u| u == name),
                "{name:?} not recorded: {uploads:?} {v}"
            );
            assert!(!inbox.contains(&name), "{name:?} left the inbox: {v}");
            assert!(
                archive.iter().any(|a| a.len() > 7 && &a[7..] == name),
                "{name:?} in the archive: {archive:?}"
            );
        }
    }
    assert!(accepted >= 8, "odd names are accepted: {v}");
    // On disk, every stored name is encoded: letters, digits, '.', '_', '-' and %XX only.
    let mut stack = vec![d.app.config.data_dir().join("sftp")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            assert!(
                n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-%".contains(&b)),
                "{n:?} stored as sent in {}",
                dir.display()
            );
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    // The supplier's SFTP page shows each upload under its name, with what it did and why.
    let (_, page) = d.sup.get("/supplier/sftp").await;
    assert!(page.contains("ack with spaces.csv"), "{page}");
    assert!(page.contains("ünïcødé-✓.csv"), "{page}");
    assert!(
        page.contains("only .csv, .tsv, .txt, .xlsx and .json acknowledgement files are read"),
        "the refused CON upload says why: {page}"
    );
    // Nothing was written outside the data folder's drops: the client's folder holds only its own.
    let stray: Vec<_> = std::fs::read_dir(d.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("escape") || n.contains("pwned"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    // The server still serves this login.
    let (_, listing) = d.app.get("/healthz").await;
    assert!(!listing.is_empty());
}
