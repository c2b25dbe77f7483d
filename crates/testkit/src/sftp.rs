//! A factory's SFTP client: OpenSSH's ssh-keygen makes its key pair, OpenSSH's `sftp` logs in
//! with it.

use std::path::Path;
use std::process::Command;

/// Makes an ed25519 key pair at `path` (no passphrase) with `comment`; returns the public key
/// line, as a factory would paste it into the SFTP page.
pub fn keygen(path: &Path, comment: &str) -> anyhow::Result<String> {
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
        .arg(path)
        .status()?;
    anyhow::ensure!(st.success(), "ssh-keygen failed");
    Ok(std::fs::read_to_string(path.with_extension("pub"))?)
}

/// OpenSSH's `sftp` logging in with `key` to a local `port`, trusting a host key it has never
/// seen (each test's server makes its own). Callers add `-b <batch>`, other options and
/// `user@127.0.0.1`.
pub fn openssh_sftp(port: u16, key: &Path) -> Command {
    let mut c = Command::new("sftp");
    c.args(["-P", &port.to_string(), "-i"]).arg(key).args([
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
    ]);
    c
}
