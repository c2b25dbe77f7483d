//! The process's own file-descriptor limit: raised from the soft limit to the hard one at
//! start, so the caps on connections (which are derived from it) have room under them.

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Raises `RLIMIT_NOFILE`'s soft limit to its hard limit; returns the limit now in force
/// (`u64::MAX` when unlimited).
pub fn raise_nofile() -> u64 {
    let lim = getrlimit(Resource::Nofile);
    let wanted = Rlimit {
        current: lim.maximum,
        maximum: lim.maximum,
    };
    if lim.current != lim.maximum && setrlimit(Resource::Nofile, wanted).is_ok() {
        return lim.maximum.unwrap_or(u64::MAX);
    }
    lim.current.unwrap_or(u64::MAX)
}
