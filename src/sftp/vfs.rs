//! The virtual file system a supplier sees over SFTP: `/outbox`, `/inbox`, `/results`,
//! `/archive`, and nothing else — no OS paths, no links. Every path a client sends is
//! normalized here (`.`/`..` clamp at the root, repeated slashes collapse); NUL, control and
//! direction-changing characters and backslashes are refused. Names are otherwise what the
//! factory sends (spaces, accents, `;`…): on disk an inbox file is stored under an encoded
//! name ([`disk_name`]), so no name reaches the file system as written.

/// A top-level folder of the drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Sealed batches, read-only.
    Outbox,
    /// Acknowledgement files from the factory.
    Inbox,
    /// One result file per processed upload, read-only.
    Results,
    /// Batches older than the retention setting and processed uploads, read-only.
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
    /// Not a file name: empty, `.`/`..`, or longer than [`MAX_NAME`] bytes.
    BadName,
    /// Nothing there (deeper than one level, or an unknown top folder).
    NoSuchPath,
}

/// Longest accepted file name, in bytes (what Linux file systems allow).
pub const MAX_NAME: usize = 255;

fn odd_char(c: char) -> bool {
    c.is_control()
        || c == '\\'
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Whether a file name can be one: not empty, not `.` or `..`, at most [`MAX_NAME`] bytes
/// (the path check has already refused `/`, NUL, control and direction characters).
pub fn valid_name(n: &str) -> bool {
    !n.is_empty() && n.len() <= MAX_NAME && n != "." && n != ".." && !n.chars().any(odd_char)
}

/// The name an inbox file has on disk: letters, digits, `.`, `_` and `-` as sent, every other
/// byte as `%XX` (and `%` itself), so spaces, accents and shell characters never reach the file
/// system or a script that lists the folder; a leading `.` too, so nothing is hidden.
pub fn disk_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, b) in name.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-') || (b == b'.' && i > 0);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The name as sent, from its [`disk_name`]; None for a file that is not one of ours.
pub fn from_disk(disk: &str) -> Option<String> {
    let bytes = disk.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = disk.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().filter(|n| valid_name(n))
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
        assert_eq!(
            resolve(&format!("/inbox/{}", "a".repeat(256))),
            Err(PathError::BadName)
        );
        assert_eq!(resolve("/inbox/.."), Ok(Node::Root), "a folder, not a file name");
        // What factories send is a name: spaces, accents, shell characters.
        for name in [
            "a b.csv",
            "ümlaut ✓.csv",
            "a;rm -rf $(x).csv",
            "%41.csv",
            ".hidden.csv",
            "-x.csv",
        ] {
            assert_eq!(
                resolve(&format!("/inbox/{name}")),
                Ok(Node::File(Area::Inbox, name.into()))
            );
            let disk = disk_name(name);
            assert!(
                disk.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-%".contains(&b))
                    && !disk.starts_with('.'),
                "{disk}"
            );
            assert_eq!(from_disk(&disk).as_deref(), Some(name), "{disk}");
        }
        assert_eq!(from_disk("a%zz.csv"), None);
        use crate::db::models::sftp::archived_name;
        assert_eq!(archived_name(42, "acks.csv"), "000042-acks.csv");
        let long = archived_name(1, &"é".repeat(200));
        assert!(long.len() <= MAX_NAME && valid_name(&long), "{long}");
        assert!(is_temporary("acks.csv.filepart") && is_temporary(".acks.csv") && is_temporary("a.tmp"));
        assert!(!is_temporary("acks.csv"));
    }
}
