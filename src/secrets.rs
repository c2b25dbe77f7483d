//! Deployment secrets (the cookie key, the token encryption key). When not configured they are
//! generated once into the data dir with 0600 permissions; there is no built-in default secret.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Returns the configured secret, or the one stored in `<dir>/<name>`, creating it when absent.
pub fn load_or_create(
    configured: Option<&str>,
    dir: &Path,
    name: &str,
    len: usize,
) -> std::io::Result<Vec<u8>> {
    if let Some(v) = configured {
        return STANDARD.decode(v.trim()).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{name} is not base64: {e}"),
            )
        });
    }
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => STANDARD.decode(s.trim()).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not base64: {e}", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = vec![0u8; len];
            getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
            write_private(&path, STANDARD.encode(&key).as_bytes())?;
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

/// Writes a file readable by its owner only, under a temporary name first, then renamed.
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(contents)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn generated_secret_is_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create(None, dir.path(), "secret_key", 64).unwrap();
        let b = load_or_create(None, dir.path(), "secret_key", 64).unwrap();
        assert_eq!(a.len(), 64);
        assert_eq!(a, b);
        let mode = std::fs::metadata(dir.path().join("secret_key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(a, load_or_create(None, other.path(), "secret_key", 64).unwrap());
    }
}
