//! Servers a fault test owns, because it stops them: a PostgreSQL cluster of its own (the
//! machine's PostgreSQL binaries, `initdb` in a temp dir, a free port) and a Garage of its own
//! (`scripts/garage`). Stopping the ones `scripts/test` shares would break the tests running
//! beside it. Both are stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use podgate::storage::StorageConfig;

/// Runs `cmd` as the `postgres` user when this is root (PostgreSQL refuses to run as root).
fn as_postgres(bin: &Path) -> Command {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        Command::new(bin)
    }
}

fn run(c: &mut Command, what: &str) {
    let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A PostgreSQL cluster of the test's own.
pub struct PgCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl PgCluster {
    /// `initdb` and start a cluster under `dir` (made readable by `postgres` when root).
    pub fn start(dir: &Path) -> PgCluster {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .filter(|b| b.join("initdb").exists())
            .max()
            .expect("this test needs the PostgreSQL server binaries (apt-get install postgresql)");
        let dir = dir.join("pg");
        std::fs::create_dir_all(&dir).unwrap();
        let _ = Command::new("chown").args(["-R", "postgres:"]).arg(&dir).status();
        let _ = Command::new("chmod")
            .args(["o+x"])
            .arg(dir.parent().unwrap())
            .status();
        let mut init = as_postgres(&bin.join("initdb"));
        init.arg("-D").arg(dir.join("data")).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        ]);
        run(&mut init, "initdb");
        let pg = PgCluster {
            bin,
            dir,
            port: crate::net::free_port().unwrap(),
        };
        pg.pg_ctl("start");
        pg
    }

    /// The database URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl(&self, action: &str) {
        let mut c = as_postgres(&self.bin.join("pg_ctl"));
        c.arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("server.log"));
        c.args(["-w", "-m", "fast", "-o"]).arg(format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.display()
        ));
        run(c.arg(action), &format!("pg_ctl {action}"));
    }

    /// `pg_ctl restart -m fast`: every connection is cut, the server is back once this returns.
    pub fn restart_fast(&self) {
        self.pg_ctl("restart");
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let mut c = as_postgres(&self.bin.join("pg_ctl"));
        c.arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        let _ = c.stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}

/// A Garage of the test's own, started by `scripts/garage`.
pub struct Garage {
    dir: PathBuf,
    /// A fresh prefix of its bucket.
    pub config: StorageConfig,
    /// The server started again by [`Garage::start_again`] (the first one is `scripts/garage`'s).
    again: Option<Child>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/garage")
}

impl Garage {
    pub fn start(dir: &Path) -> Garage {
        let dir = dir.join("garage");
        let out = Command::new(script()).arg("start").arg(&dir).output().unwrap();
        assert!(
            out.status.success(),
            "scripts/garage start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let exports = String::from_utf8_lossy(&out.stdout);
        let var = |k: &str| {
            exports
                .lines()
                .find_map(|l| l.strip_prefix(&format!("export {k}=")))
                .map(str::to_string)
        };
        let config = StorageConfig {
            url: Some(format!("s3://{}/own", var("PODGATE_TEST_S3_BUCKET").unwrap())),
            endpoint: var("PODGATE_TEST_S3_ENDPOINT"),
            region: var("PODGATE_TEST_S3_REGION"),
            access_key_id: var("PODGATE_TEST_S3_KEY_ID"),
            secret_access_key: var("PODGATE_TEST_S3_SECRET"),
        };
        Garage {
            dir,
            config,
            again: None,
        }
    }

    fn endpoint_open(&self) -> bool {
        let addr = self
            .config
            .endpoint
            .as_deref()
            .unwrap()
            .trim_start_matches("http://");
        std::net::TcpStream::connect(addr).is_ok()
    }

    /// Stops the server (its data stays); returns once its port is closed.
    pub fn stop(&mut self) {
        match self.again.take() {
            Some(mut c) => {
                let _ = c.kill();
                let _ = c.wait();
            }
            None => {
                let _ = Command::new(script()).arg("stop").arg(&self.dir).status();
            }
        }
        let since = Instant::now();
        while self.endpoint_open() {
            assert!(since.elapsed() < Duration::from_secs(20), "garage did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts the stopped server again on the same data, ports and keys.
    pub fn start_again(&mut self) {
        let bin = which_garage();
        let log = std::fs::File::create(self.dir.join("server-again.log")).unwrap();
        let child = Command::new(bin)
            .arg("-c")
            .arg(self.dir.join("garage.toml"))
            .arg("server")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.again = Some(child);
        let since = Instant::now();
        while !self.endpoint_open() {
            assert!(
                since.elapsed() < Duration::from_secs(20),
                "garage did not start again"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn which_garage() -> PathBuf {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin")))
        .map(|d| d.join("garage"))
        .find(|b| b.exists())
        .expect("garage is not installed: cargo install garage --locked --version 2.5.0")
}

impl Drop for Garage {
    fn drop(&mut self) {
        self.stop();
    }
}
