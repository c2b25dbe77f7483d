//! `podgate serve` as a network attacker meets it: hundreds of idle sockets on both listeners
//! of a process run under a low descriptor limit, silent and dripping HTTP clients, forged
//! forwarded headers, and what the process leaves in its logs and on disk.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use podgate_testkit::TestDb;

/// A `podgate serve` child on free ports, stopped when dropped.
struct Serve {
    child: Option<Child>,
    web: u16,
    sftp: u16,
    pid: u32,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
    db: TestDb,
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Starts `podgate serve` through `sh -c "<shell_prefix> exec podgate serve"` with `env`.
fn serve(shell_prefix: &str, env: &[(&str, &str)]) -> Serve {
    let dir = tempfile::tempdir().unwrap();
    // An SQLite database lives in the data dir, with the rest of what podgate writes.
    let db = TestDb::new(&dir.path().join("data"));
    let (web, sftp) = (
        podgate_testkit::net::free_port().unwrap(),
        podgate_testkit::net::free_port().unwrap(),
    );
    let log = dir.path().join("serve.log");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{shell_prefix} exec \"$0\" serve > \"$1\" 2>&1"))
        .arg(env!("CARGO_BIN_EXE_podgate"))
        .arg(&log)
        .env("PODGATE_DATA_DIR", dir.path().join("data"))
        .env("PODGATE_DATABASE_URL", &db.url)
        .env("PODGATE_PORT", web.to_string())
        .env("PODGATE_SFTP__PORT", sftp.to_string())
        .env("PODGATE_TIKTOK__API_BASE", "http://127.0.0.1:9")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().unwrap();
    let pid = child.id();
    let s = Serve {
        child: Some(child),
        web,
        sftp,
        pid,
        log,
        _dir: dir,
        db,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !get(web, "/healthz", "127.0.0.1").is_ok_and(|r| r.starts_with("HTTP/1.1 200")) {
        assert!(
            Instant::now() < deadline,
            "podgate did not start:\n{}",
            s.log_text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    s
}

impl Serve {
    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn open_descriptors(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

/// A connection to a local port from a chosen loopback source address.
fn connect_from(source: &str, port: u16) -> std::io::Result<TcpStream> {
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    sock.bind(&format!("{source}:0").parse::<SocketAddr>().unwrap().into())?;
    sock.connect_timeout(
        &format!("127.0.0.1:{port}").parse::<SocketAddr>().unwrap().into(),
        Duration::from_secs(5),
    )?;
    Ok(sock.into())
}

/// A plain HTTP/1.1 GET from `source`; the whole answer.
fn get(port: u16, path: &str, source: &str) -> std::io::Result<String> {
    request(
        port,
        source,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
}

fn request(port: u16, source: &str, raw: &str) -> std::io::Result<String> {
    let mut s = connect_from(source, port)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.write_all(raw.as_bytes())?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// How long until the server closes a connection that sends `first` and then nothing (or
/// `drip` one byte a second); `None` if it stays open for `limit`.
fn closed_after(port: u16, first: &[u8], drip: bool, limit: Duration) -> Option<Duration> {
    let mut s = connect_from("127.0.0.1", port).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let started = Instant::now();
    s.write_all(first).unwrap();
    let mut buf = [0u8; 4096];
    while started.elapsed() < limit {
        if drip && s.write_all(b"a").is_err() {
            return Some(started.elapsed());
        }
        match s.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Some(started.elapsed()),
        }
        if drip {
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    None
}

#[test]
fn idle_sockets_on_both_listeners_cannot_starve_a_process_with_few_descriptors() {
    let s = serve(
        "ulimit -n 256;",
        &[
            ("PODGATE_SFTP__HANDSHAKE_TIMEOUT_SECS", "4"),
            ("PODGATE_HTTP__HEADER_TIMEOUT_SECS", "4"),
        ],
    );
    // 200 silent connections to each listener from one address, more than the process has
    // descriptors for.
    let mut idle = Vec::new();
    for port in [s.sftp, s.web] {
        for _ in 0..200 {
            if let Ok(c) = connect_from("127.0.0.1", port) {
                idle.push(c);
            }
        }
    }
    assert!(idle.len() >= 300, "the kernel accepted them all ({})", idle.len());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        s.open_descriptors() < 200,
        "podgate holds few of them: {} descriptors",
        s.open_descriptors()
    );
    // Someone else is still served, on the web and by the SFTP listener.
    let health = get(s.web, "/healthz", "127.0.0.2").unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let mut ssh = connect_from("127.0.0.2", s.sftp).unwrap();
    ssh.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut banner = [0u8; 8];
    ssh.read_exact(&mut banner).unwrap();
    assert_eq!(&banner, b"SSH-2.0-");
    drop(idle);
    assert!(
        s.log_text().contains("connection caps lowered to fit"),
        "the operator is told: {}",
        s.log_text()
    );
}

#[test]
fn silent_and_dripping_clients_are_cut_off() {
    let s = serve(
        "",
        &[
            ("PODGATE_SFTP__HANDSHAKE_TIMEOUT_SECS", "3"),
            ("PODGATE_HTTP__HEADER_TIMEOUT_SECS", "3"),
            ("PODGATE_HTTP__BODY_GRACE_SECS", "3"),
        ],
    );
    let limit = Duration::from_secs(20);
    let t =
        closed_after(s.sftp, b"", false, limit).expect("an SFTP connection that never signs in is closed");
    assert!(t < Duration::from_secs(10), "{t:?}");
    let t = closed_after(s.web, b"", false, limit).expect("a silent HTTP connection is closed");
    assert!(t < Duration::from_secs(10), "{t:?}");
    let t = closed_after(s.web, b"GET / HTTP/1.1\r\n", true, limit).expect("dripped headers are cut off");
    assert!(t < Duration::from_secs(10), "{t:?}");
    // A body dripped at a byte a second: answered 408 and closed.
    let mut c = connect_from("127.0.0.1", s.web).unwrap();
    c.set_read_timeout(Some(Duration::from_millis(900))).unwrap();
    c.write_all(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while started.elapsed() < limit {
        if c.write_all(b"a").is_err() {
            break;
        }
        match c.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(15));
    // A normal client on a kept-alive connection is unaffected.
    let ok = get(s.web, "/healthz", "127.0.0.1").unwrap();
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
}

/// Posts a form the way a browser does (the page's CSRF cookie and token), with extra header
/// lines; returns the answer's status line.
fn post_form(port: u16, page: &str, to: &str, fields: &[(&str, &str)], extra: &str) -> String {
    let html = get(port, page, "127.0.0.1").unwrap();
    let cookie: String = html
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: podgate_csrf="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .expect("a CSRF cookie");
    let token = podgate_testkit::extract_csrf(&html).expect("a CSRF token");
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    let body = podgate_testkit::form_body(&all);
    let answer = request(
        port,
        "127.0.0.1",
        &format!(
            "POST {to} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: podgate_csrf={cookie}\r\n\
             {extra}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .unwrap();
    answer.lines().next().unwrap_or_default().to_string()
}

/// Creates the workspace and its owner through the setup page.
fn setup_owner(port: u16) {
    let line = post_form(
        port,
        "/setup",
        "/setup",
        &[
            ("workspace_name", "Acme"),
            ("name", "Olive Owner"),
            ("email", "owner@example.com"),
            ("password", podgate_testkit::OWNER_PASSWORD),
        ],
        "",
    );
    assert!(line.contains("303"), "{line}");
}

/// A wrong sign-in with a forged `X-Real-IP` / `X-Forwarded-For`; returns the status line.
fn forged_sign_in(port: u16, forged: &str) -> String {
    post_form(
        port,
        "/login",
        "/login",
        &[("email", "owner@example.com"), ("password", "not the password")],
        &format!("X-Real-IP: {forged}\r\nX-Forwarded-For: {forged}\r\n"),
    )
}

async fn audited_addresses(s: &Serve) -> Vec<Option<String>> {
    let pool = podgate::db::DbPool::open(&podgate::db::DbUrl::parse(&s.db.url).unwrap(), 2).unwrap();
    pool.run(|c| {
        use diesel::prelude::*;
        use podgate::db::schema::audit_events::dsl::*;
        audit_events
            .filter(action.eq("auth.sign_in_failed"))
            .order(id)
            .select(ip)
            .load(c)
            .map_err(podgate::db::DbError::from)
    })
    .await
    .unwrap()
}

#[rocket::async_test]
async fn forwarded_headers_are_believed_only_from_trusted_proxies() {
    // Untrusted: rotating the header neither dodges the per-address limit nor forges the audit.
    let s = serve("", &[("PODGATE_LOGIN_MAX_FAILURES_PER_IP", "3")]);
    setup_owner(s.web);
    for i in 1..=3 {
        assert!(forged_sign_in(s.web, &format!("203.0.113.{i}")).contains("401"));
    }
    let line = forged_sign_in(s.web, "203.0.113.77");
    assert!(
        line.contains("429"),
        "the address is locked whatever it claims: {line}"
    );
    let ips = audited_addresses(&s).await;
    assert!(
        ips.iter().all(|ip| ip.as_deref() == Some("127.0.0.1")),
        "the real peer is recorded: {ips:?}"
    );
    drop(s);
    // Behind a configured proxy, its header names the client.
    let s = serve("", &[("PODGATE_TRUSTED_PROXIES", "[\"127.0.0.1\"]")]);
    setup_owner(s.web);
    assert!(forged_sign_in(s.web, "198.51.100.23").contains("401"));
    assert_eq!(audited_addresses(&s).await, [Some("198.51.100.23".to_string())]);
}

#[test]
fn tokens_stay_out_of_the_logs_and_files_are_private_whatever_the_umask() {
    let s = serve("umask 000;", &[]);
    let token = "Zm9yZ2VkLXJlc2V0LXRva2VuLXRoYXQtbXVzdC1ub3QtYmUtbG9nZ2Vk";
    for path in [format!("/password/reset/{token}"), format!("/invite/{token}")] {
        let _ = get(s.web, &path, "127.0.0.1").unwrap();
    }
    let _ = get(s.web, &format!("/no/such/{token}"), "127.0.0.1").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let log = s.log_text();
    assert!(
        log.contains("/password/reset/<token>"),
        "the route is logged: {log}"
    );
    assert!(!log.contains(token), "no token in the log:\n{log}");
    use std::os::unix::fs::PermissionsExt;
    let data = s._dir.path().join("data");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    for f in std::fs::read_dir(&data).unwrap().flatten() {
        let m = mode(&f.path());
        assert_eq!(m & 0o077, 0, "{} is {m:o}", f.path().display());
    }
}
