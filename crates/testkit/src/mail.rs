//! A real SMTP server (aiosmtpd) for mail tests, and a podgate mailer delivering to it.

use std::process::{Child, Command, Stdio};

/// A running aiosmtpd and the maildir it writes to; stopped when dropped.
pub struct Smtp(Child, tempfile::TempDir, pub u16);

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A real SMTP server (aiosmtpd) writing what it receives into a maildir.
pub fn smtp_sink() -> Smtp {
    let dir = tempfile::tempdir().unwrap();
    let port = crate::net::free_port().unwrap();
    let child = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(dir.path().join("maildir"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
    let sink = Smtp(child, dir, port);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return sink;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("aiosmtpd did not start");
}

/// A podgate mailer that delivers to the sink.
pub fn mailer_for(s: &Smtp) -> podgate::mail::Mailer {
    podgate::mail::Mailer::new(&podgate::mail::SmtpConfig {
        host: "127.0.0.1".into(),
        port: s.2,
        tls: "none".into(),
        from: "podgate <podgate@seller.example>".into(),
        ..podgate::mail::SmtpConfig::default()
    })
    .unwrap()
}

/// Every message the sink received, raw.
pub fn delivered(s: &Smtp) -> Vec<String> {
    let new = s.1.path().join("maildir").join("new");
    std::fs::read_dir(new)
        .map(|d| {
            d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}
