//! The virtual file system a supplier sees over SFTP: `/outbox`, `/inbox`, `/results`,
//! `/archive`, and nothing else — no OS paths, no links. Every path a client sends is
//! normalized here (`.`/`..` clamp at the root, repeated slashes collapse); NUL, control and
//! direction-changing characters, backslashes and names outside a safe set are refused.

/// A top-level folder of the drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Sealed batches, read-only.
    Outbox,
    /// Acknowledgement files from the factory.
    Inbox,
    /// One result file per processed upload, read-only.
    Results,
    /// Batches older than the retention setting, read-only.
    Archive,
}

impl Area {
    /// Every area, in listing order.
    pub const ALL: [Area; 4] = [Area::Outbox, Area::Inbox, Area::Results, Area::Archive];

    /// The folder's name.
    pub fn name(self) -> &'static str {
        match self {
            Area::Outbox => "outbox",
            Area::Inbox => "inbox",
            Area::Results => "results",
            Area::Archive => "archive",
        }
    }

    fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.name() == s)
    }
}

/// What a normalized path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Root,
    Dir(Area),
    File(Area, String),
}

impl Node {
    /// The node's absolute path.
    pub fn path(&self) -> String {
        match self {
            Node::Root => "/".into(),
            Node::Dir(a) => format!("/{}", a.name()),
            Node::File(a, n) => format!("/{}/{n}", a.name()),
        }
    }
}

/// Why a path is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// Characters that have no place in a file name (NUL, control, bidi, backslash).
    BadCharacters,
    /// A name outside the safe set (letters, digits, `.`, `_`, `-`; at most 128).
    BadName,
    /// Nothing there (deeper than one level, or an unknown top folder).
    NoSuchPath,
}

/// Longest accepted file name.
pub const MAX_NAME: usize = 128;

fn odd_char(c: char) -> bool {
    c.is_control()
        || c == '\\'
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Whether a file name is in the safe set.
pub fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= MAX_NAME
        && n != "."
        && n != ".."
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Normalizes a client path (relative paths are taken from the root) and says what it names.
pub fn resolve(path: &str) -> Result<Node, PathError> {
    if path.chars().any(odd_char) {
        return Err(PathError::BadCharacters);
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    match parts.as_slice() {
        [] => Ok(Node::Root),
        [a] => Area::parse(a).map(Node::Dir).ok_or(PathError::NoSuchPath),
        [a, name] => {
            let area = Area::parse(a).ok_or(PathError::NoSuchPath)?;
            if !valid_name(name) {
                return Err(PathError::BadName);
            }
            Ok(Node::File(area, (*name).to_string()))
        }
        _ => Err(PathError::NoSuchPath),
    }
}

/// Whether an inbox name is a client's temporary upload name (left alone until renamed).
pub fn is_temporary(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with('.')
        || n.ends_with(".filepart")
        || n.ends_with(".tmp")
        || n.ends_with(".part")
        || n.ends_with(".partial")
}

#[cfg(test)]
mod tests {
    #[test]
    fn result_names_are_always_served_back() {
        let long = "a".repeat(128);
        for name in [long.as_str(), "acks.csv", "ünïcode ack.csv", "x"] {
            let r = crate::db::models::sftp::result_name(123_456_789, name);
            assert!(valid_name(&r), "{r}");
            assert!(r.ends_with(".result.csv"));
        }
        let l = crate::domain::batches::label_file(1, "../../etc/passwd", "a b\nc");
        assert!(valid_name(&l) && !l.contains(".."), "{l}");
    }

    use super::*;

    #[test]
    fn paths_normalize_inside_the_drop() {
        assert_eq!(resolve("."), Ok(Node::Root));
        assert_eq!(resolve(""), Ok(Node::Root));
        assert_eq!(resolve("/../../.."), Ok(Node::Root));
        assert_eq!(resolve("outbox"), Ok(Node::Dir(Area::Outbox)));
        assert_eq!(resolve("//inbox///./"), Ok(Node::Dir(Area::Inbox)));
        assert_eq!(
            resolve("/inbox/../outbox/batch-1.zip"),
            Ok(Node::File(Area::Outbox, "batch-1.zip".into()))
        );
        assert_eq!(resolve("/outbox/../../etc/passwd"), Err(PathError::NoSuchPath));
        assert_eq!(resolve("/../../../../etc/passwd"), Err(PathError::NoSuchPath));
        assert_eq!(resolve("/inbox/a/b"), Err(PathError::NoSuchPath));
        assert_eq!(resolve("/home"), Err(PathError::NoSuchPath));
    }

    #[test]
    fn odd_names_are_refused() {
        for bad in [
            "/inbox/a\0b.csv",
            "/inbox/a\nb.csv",
            "/inbox/..\\..\\x",
            "/inbox/evil\u{202e}vsc.csv",
            "/inbox/\u{feff}a.csv",
        ] {
            assert_eq!(resolve(bad), Err(PathError::BadCharacters), "{bad:?}");
        }
        for bad in [
            "/inbox/a b.csv",
            "/inbox/ümlaut.csv",
            "/inbox/a;rm.csv",
            &format!("/inbox/{}", "a".repeat(129)),
        ] {
            assert_eq!(resolve(bad), Err(PathError::BadName), "{bad:?}");
        }
        assert!(is_temporary("acks.csv.filepart") && is_temporary(".acks.csv") && is_temporary("a.tmp"));
        assert!(!is_temporary("acks.csv"));
    }
}
