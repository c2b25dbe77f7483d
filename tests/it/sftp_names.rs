//! The SFTP odd-name corpus: a real client (paramiko) uploads an acknowledgement file under
//! names a factory system or an attacker might send. Each is refused with a reason (names are
//! letters, digits, '.', '_' and '-', at most 128), or stored under exactly that name inside the
//! inbox and processed (a temporary name waits for its rename); none escapes the drop.

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
print(json.dumps({{"results": out, "root": sorted(s.listdir("/")), "inbox": s.listdir("/inbox")}}))
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
    let mut accepted = 0;
    for r in v["results"].as_array().unwrap() {
        let (name, outcome) = (r[0].as_str().unwrap(), r[1].as_str().unwrap());
        let must_refuse = name.is_empty()
            || name == "."
            || name == ".."
            || name.contains('/')
            || name.contains('\0')
            || name.len() > 255;
        if must_refuse {
            assert!(outcome.starts_with("refused"), "{name:?} was accepted");
        }
        // A refusal says why (the allowed characters, "that is a folder"…).
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
            // Others are processed on arrival and recorded under exactly the name sent.
            assert!(
                uploads.iter().any(|u| u == name),
                "{name:?} not recorded: {uploads:?} {v}"
            );
        }
    }
    assert!(accepted >= 3, "plain odd names are accepted: {v}");
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
