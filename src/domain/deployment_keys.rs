//! The keys every podgate node on one database must share: the cookie key (a session signed on
//! one node is read on the next), the token key (TikTok tokens stored by one node are decrypted
//! by another) and the SFTP host keys (a factory's SFTP client pins one host key, whichever node
//! the TCP balancer picks). The first node records each key's fingerprint; a node that starts
//! with another key refuses to start and says which key and how to fix it, instead of signing
//! people out, failing every purchase, or tripping every factory's host key check.

use sha2::{Digest, Sha256};

use crate::db::AnyConnection;
use crate::db::models::deployment_key;

/// One key this node uses, by the name operators know it by.
#[derive(Debug, Clone)]
pub struct NodeKey {
    pub name: String,
    pub fingerprint: String,
}

impl NodeKey {
    /// A secret key: fingerprinted with SHA-256 under a label, so the fingerprint tells keys
    /// apart without revealing anything of them.
    pub fn secret(name: &str, key: &[u8]) -> NodeKey {
        let mut h = Sha256::new();
        h.update(b"podgate deployment key fingerprint\0");
        h.update(name.as_bytes());
        h.update(b"\0");
        h.update(key);
        NodeKey {
            name: name.to_string(),
            fingerprint: hex::encode(&h.finalize()[..16]),
        }
    }

    /// A public key, by its own fingerprint (`SHA256:…`, as SFTP clients show it).
    pub fn public(name: &str, fingerprint: &str) -> NodeKey {
        NodeKey {
            name: name.to_string(),
            fingerprint: fingerprint.to_string(),
        }
    }
}

/// Why this node may not start.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Differs(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Records the keys no node has recorded yet and checks the others; every key that differs is
/// named in one message.
pub fn agree(conn: &mut AnyConnection, keys: &[NodeKey], node: &str) -> Result<(), KeyError> {
    let mut differ = Vec::new();
    for k in keys {
        deployment_key::record_if_absent(conn, &k.name, &k.fingerprint, node)?;
        if let Some(recorded) = deployment_key::find(conn, &k.name)?
            && recorded.fingerprint != k.fingerprint
        {
            differ.push(format!(
                "- {}: this node's is {}, the others' is {} (recorded by {} on {} UTC)",
                k.name,
                k.fingerprint,
                recorded.fingerprint,
                recorded.recorded_by,
                recorded.recorded_at.format("%Y-%m-%d %H:%M")
            ));
        }
    }
    if differ.is_empty() {
        return Ok(());
    }
    Err(KeyError::Differs(format!(
        "this node's keys differ from those of the other podgate nodes on this database:\n{}\n\
         Give every node the same keys: cookie_key and token_key in the configuration (or \
         PODGATE_COOKIE_KEY, PODGATE_TOKEN_KEY), or copy the files of the same names, and the \
         sftp_host_* files, from a node's data_dir. If the keys were changed on purpose on \
         every node, run `podgate keys accept` once on one of them.",
        differ.join("\n")
    )))
}

/// Makes this node's keys the deployment's (after a deliberate change); returns how many
/// fingerprints changed.
pub fn accept(conn: &mut AnyConnection, keys: &[NodeKey], node: &str) -> Result<usize, KeyError> {
    let mut changed = 0;
    for k in keys {
        let before = deployment_key::find(conn, &k.name)?;
        if before.as_ref().map(|b| b.fingerprint.as_str()) != Some(k.fingerprint.as_str()) {
            deployment_key::replace(conn, &k.name, &k.fingerprint, node)?;
            changed += 1;
        }
    }
    Ok(changed)
}
