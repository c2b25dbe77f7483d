//! The `podgate` binary as an operator uses it: version, migrate, user management, config
//! errors, and `serve` answering over real HTTP and stopping on SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use podgate_testkit::TestDb;

fn podgate(dir: &std::path::Path, db: &TestDb) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_podgate"));
    c.current_dir(dir)
        .env("PODGATE_DATA_DIR", dir.join("data"))
        .env("PODGATE_DATABASE_URL", &db.url);
    c
}

fn run(c: &mut Command) -> (bool, String) {
    let o = c.output().unwrap();
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[test]
fn version_migrate_and_user_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let (ok, out) = run(podgate(dir.path(), &db).arg("--version"));
    assert!(ok && out.contains(env!("CARGO_PKG_VERSION")), "{out}");
    let (ok, out) = run(podgate(dir.path(), &db).arg("migrate"));
    assert!(ok && out.contains("applied"), "{out}");
    let (ok, out) = run(podgate(dir.path(), &db).arg("migrate"));
    assert!(ok && out.contains("up to date"), "{out}");
    let (ok, out) = run(podgate(dir.path(), &db)
        .args([
            "user",
            "add",
            "ann@example.com",
            "--workspace",
            "Acme",
            "--name",
            "Ann",
            "--role",
            "owner",
        ])
        .env("PODGATE_PASSWORD", "a long password"));
    assert!(ok, "{out}");
    let (ok, out) = run(podgate(dir.path(), &db)
        .args([
            "user",
            "add",
            "ann@example.com",
            "--workspace",
            "Acme",
            "--name",
            "Ann",
        ])
        .env("PODGATE_PASSWORD", "a long password"));
    assert!(!ok && out.contains("exists already"), "{out}");
    let (ok, out) = run(podgate(dir.path(), &db).args([
        "user",
        "add",
        "bo@example.com",
        "--workspace",
        "Acme",
        "--name",
        "Bo",
        "--password",
        "short",
    ]));
    assert!(!ok && out.contains("at least 10"), "{out}");
    let (ok, out) = run(podgate(dir.path(), &db).args([
        "user",
        "passwd",
        "ann@example.com",
        "--password",
        "another long one",
    ]));
    assert!(ok && out.contains("password set"), "{out}");
    let (ok, out) = run(podgate(dir.path(), &db).args(["user", "list"]));
    assert!(
        ok && out.contains("ann@example.com") && out.contains("owner") && out.contains("Acme"),
        "{out}"
    );
}

#[test]
fn bad_configuration_fails_at_start_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let (ok, out) = run(podgate(dir.path(), &db)
        .arg("serve")
        .env("PODGATE_SFTP__PORT", "0")
        .env("PODGATE_PORT", "eighty"));
    assert!(!ok && out.contains("port"), "{out}");
    let (ok, out) = run(podgate(dir.path(), &db)
        .arg("migrate")
        .env("PODGATE_DATABASE_URL", "data/podgate.db"));
    assert!(
        !ok && out.contains("database_url") && out.contains("unknown scheme"),
        "{out}"
    );
    assert!(
        !dir.path().join("data/podgate.db").exists(),
        "no SQLite file created for a bad URL"
    );
}

fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out)
}

#[test]
fn serve_prints_the_url_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let port = podgate_testkit::net::free_port().unwrap();
    let mut child = podgate(dir.path(), &db)
        .arg("serve")
        .env("PODGATE_SFTP__PORT", "0")
        .env("PODGATE_PORT", port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let health = loop {
        if let Ok(r) = http_get(port, "/healthz") {
            break r;
        }
        assert!(Instant::now() < deadline, "podgate did not start listening");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        health.starts_with("HTTP/1.1 200") && health.contains("\"status\":\"ok\""),
        "{health}"
    );
    let root = http_get(port, "/").unwrap();
    assert!(
        root.starts_with("HTTP/1.1 303") && root.to_lowercase().contains("location: /setup"),
        "{root}"
    );
    let setup = http_get(port, "/setup").unwrap();
    assert!(setup.contains("Create workspace"));
    // Secrets were generated privately into the data dir.
    use std::os::unix::fs::PermissionsExt;
    for f in ["cookie_key", "token_key"] {
        let m = std::fs::metadata(dir.path().join("data").join(f))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(m & 0o777, 0o600, "{f}");
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "podgate did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "graceful exit: {status:?}");
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(
        out.contains(&format!("http://127.0.0.1:{port}")) && out.contains("/setup"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "redirect http://127.0.0.1:{port}/shops/callback, webhook http://127.0.0.1:{port}/webhooks/tiktok"
        )),
        "the URLs to register with TikTok: {out}"
    );
}

#[test]
fn mail_test_sends_through_smtp_or_keeps_the_message_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    // No SMTP server configured: queued, and podgate says so.
    let (ok, out) = run(podgate(dir.path(), &db).args(["mail", "test", "ops@factory.example"]));
    assert!(ok, "{out}");
    assert!(out.contains("kept in the outbox"), "{out}");
    // A real SMTP server: delivered now.
    let smtp = podgate_testkit::mail::smtp_sink();
    let (ok, out) = run(podgate(dir.path(), &db)
        .args(["mail", "test", "ops@factory.example"])
        .env("PODGATE_SMTP__HOST", "127.0.0.1")
        .env("PODGATE_SMTP__PORT", smtp.2.to_string())
        .env("PODGATE_SMTP__TLS", "none")
        .env("PODGATE_SMTP__FROM", "podgate <podgate@seller.example>"));
    assert!(ok, "{out}");
    let mails = podgate_testkit::mail::delivered(&smtp);
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("To: ops@factory.example") && mails[0].contains("Subject: podgate test message")
    );
    // A server that is down: a clear error and a failing exit.
    let port = smtp.2;
    drop(smtp);
    let (ok, out) = run(podgate(dir.path(), &db)
        .args(["mail", "test", "ops@factory.example"])
        .env("PODGATE_SMTP__HOST", "127.0.0.1")
        .env("PODGATE_SMTP__PORT", port.to_string())
        .env("PODGATE_SMTP__TLS", "none"));
    assert!(!ok && out.contains("could not send through 127.0.0.1"), "{out}");
}

/// Starts `podgate serve --demo` on free ports; returns the child and the ports (web, sftp).
/// The demo's webhook receiver keeps the port of its first start (its endpoint names it).
fn demo(dir: &std::path::Path, db: &TestDb) -> (std::process::Child, u16, u16) {
    let (port, sftp_port, sb_port) = (
        podgate_testkit::net::free_port().unwrap(),
        podgate_testkit::net::free_port().unwrap(),
        podgate_testkit::net::free_port().unwrap(),
    );
    let receiver_file = dir.join("receiver-port");
    let receiver_port = std::fs::read_to_string(&receiver_file)
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or_else(|| podgate_testkit::net::free_port().unwrap());
    std::fs::write(&receiver_file, receiver_port.to_string()).unwrap();
    let child = podgate(dir, db)
        .args(["serve", "--demo"])
        .env("PODGATE_PORT", port.to_string())
        .env("PODGATE_SFTP__PORT", sftp_port.to_string())
        .env("PODGATE_DEMO_SANDBOX_PORT", sb_port.to_string())
        .env("PODGATE_DEMO_RECEIVER_PORT", receiver_port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    while http_get(port, "/healthz").is_err() {
        assert!(Instant::now() < deadline, "the demo did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, port, sftp_port)
}

fn stop(mut child: std::process::Child) -> String {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    out
}

#[test]
fn the_demo_starts_ready_to_try_and_keeps_its_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path());
    let (child, port, sftp_port) = demo(dir.path(), &db);
    let file = dir.path().join("data").join("demo-credentials.json");
    let creds: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(creds["portal_url"], format!("http://127.0.0.1:{port}"));
    assert_eq!(creds["sandbox_app_key"], "sandbox_app_key");
    assert_eq!(creds["suppliers"].as_array().unwrap().len(), 2);
    // No setup page: the seller exists; the supplier's SFTP login works with its password.
    let root = http_get(port, "/").unwrap();
    assert!(root.to_lowercase().contains("location: /login"), "{root}");
    let s = &creds["suppliers"][0];
    let (ok, listing) = crate::sftp::sftp_with_password(
        sftp_port,
        dir.path(),
        s["sftp_user"].as_str().unwrap(),
        s["sftp_password"].as_str().unwrap(),
        "ls /\n",
    );
    assert!(ok && listing.contains("outbox"), "{listing}");
    // The demo factory's own system: its page, and a delivery it refuses because nobody
    // signed it with the endpoint's secret.
    let receiver = creds["webhook_receiver"]["port"].as_u64().unwrap() as u16;
    let forged = "{\"type\":\"batch.published\",\"data\":{}}";
    let mut c = TcpStream::connect(("127.0.0.1", receiver)).unwrap();
    write!(
        c,
        "POST /podgate-webhooks HTTP/1.1\r\nHost: x\r\nConnection: close\r\nwebhook-id: msg_forged\r\nwebhook-timestamp: {}\r\nwebhook-signature: v1,AAAA\r\ncontent-length: {}\r\n\r\n{forged}",
        chrono::Utc::now().timestamp(),
        forged.len()
    )
    .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let page = http_get(receiver, "/").unwrap();
    assert!(
        page.contains("webhooks received") && page.contains("refused: signature does not match"),
        "{page}"
    );
    let out = stop(child);
    assert!(
        out.contains("Demo ready") && out.contains(creds["seller"]["password"].as_str().unwrap()),
        "{out}"
    );
    let (ok, users) = run(podgate(dir.path(), &db).args(["user", "list"]));
    assert!(
        ok && users.contains("seller@demo.podgate") && users.contains("factory@shirtco.demo.podgate"),
        "{users}"
    );
    // A second start reuses the same demo.
    let (child, _, _) = demo(dir.path(), &db);
    let out = stop(child);
    assert!(
        out.contains(creds["seller"]["password"].as_str().unwrap()),
        "{out}"
    );
}
