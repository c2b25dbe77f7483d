//! Brute-force protection for SFTP logins, modelled on SFTPGo's defender: each failed login
//! adds to a score per client address and per address + user name (an unknown user scores more
//! than a wrong password); reaching the threshold within the observation window bans that key,
//! and each new ban lasts longer than the last. Banned addresses are dropped before the SSH
//! handshake. A user name is never banned on its own (anyone could lock a factory out by
//! failing from a few addresses): failures of one name from everywhere only slow its attempts.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Scores and times.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(default)]
pub struct DefenderConfig {
    /// Score of a login as a user that does not exist.
    pub score_unknown_user: u32,
    /// Score of a wrong password or key for a real user.
    pub score_bad_credentials: u32,
    /// Score at which the address or name is banned.
    pub threshold: u32,
    pub observation_secs: u64,
    pub ban_secs: u64,
    /// Each repeated ban is this many percent longer than the previous one.
    pub ban_increment_percent: u32,
    /// Once a user name reaches the threshold (from any addresses), each attempt for it waits
    /// this many seconds first.
    pub user_delay_secs: u64,
}

impl Default for DefenderConfig {
    fn default() -> Self {
        DefenderConfig {
            score_unknown_user: 2,
            score_bad_credentials: 1,
            threshold: 15,
            observation_secs: 1800,
            ban_secs: 1800,
            ban_increment_percent: 50,
            user_delay_secs: 3,
        }
    }
}

#[derive(Debug, Default)]
struct Entry {
    score: u32,
    since: Option<Instant>,
    banned_until: Option<Instant>,
    bans: u32,
}

/// The defender's state (in memory, per process).
#[derive(Debug, Default)]
pub struct Defender {
    cfg: DefenderConfig,
    entries: Mutex<HashMap<String, Entry>>,
    /// Failures per user name, from any address: (score, window start).
    users: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Defender {
    /// A defender with these scores.
    pub fn new(cfg: DefenderConfig) -> Defender {
        Defender {
            cfg,
            entries: Mutex::default(),
            users: Mutex::default(),
        }
    }

    /// Whether a key (`ip:…` or `ipuser:…|…`) is banned now; returns how long is left.
    pub fn banned(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .and_then(|e| e.banned_until)
            .filter(|u| *u > now)
            .map(|u| u - now)
    }

    /// Records a failure for these keys; returns the keys banned by it.
    pub fn fail(&self, keys: &[String], score: u32) -> Vec<String> {
        let now = Instant::now();
        let window = Duration::from_secs(self.cfg.observation_secs);
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut banned = Vec::new();
        for k in keys {
            let e = map.entry(k.clone()).or_default();
            if e.since.is_none_or(|s| now - s > window) {
                e.since = Some(now);
                e.score = 0;
            }
            e.score += score;
            if e.score >= self.cfg.threshold {
                let factor = (100 + self.cfg.ban_increment_percent).pow(e.bans.min(8)) as f64
                    / 100f64.powi(e.bans.min(8) as i32);
                e.banned_until = Some(now + Duration::from_secs_f64(self.cfg.ban_secs as f64 * factor));
                e.bans += 1;
                e.score = 0;
                e.since = None;
                banned.push(k.clone());
            }
        }
        banned
    }

    /// Counts a failure against a user name (from whatever address).
    pub fn user_failed(&self, user: &str, score: u32) {
        let now = Instant::now();
        let window = Duration::from_secs(self.cfg.observation_secs);
        let mut map = self.users.lock().unwrap_or_else(|p| p.into_inner());
        let e = map.entry(user.to_string()).or_insert((0, now));
        if now - e.1 > window {
            *e = (0, now);
        }
        e.0 += score;
    }

    /// How long an attempt for this user name must wait, if it failed too often lately.
    pub fn user_delay(&self, user: &str) -> Option<Duration> {
        let window = Duration::from_secs(self.cfg.observation_secs);
        let map = self.users.lock().unwrap_or_else(|p| p.into_inner());
        map.get(user)
            .filter(|(score, since)| *score >= self.cfg.threshold && since.elapsed() <= window)
            .map(|_| Duration::from_secs(self.cfg.user_delay_secs))
    }

    /// The score of an unknown user and of bad credentials.
    pub fn scores(&self) -> (u32, u32) {
        (self.cfg.score_unknown_user, self.cfg.score_bad_credentials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_ban_and_bans_escalate() {
        let d = Defender::new(DefenderConfig {
            threshold: 4,
            ban_secs: 100,
            ..DefenderConfig::default()
        });
        let keys = vec!["ip:10.0.0.1".to_string(), "user:acme".to_string()];
        assert!(d.fail(&keys, 1).is_empty());
        assert!(d.banned("ip:10.0.0.1").is_none());
        assert!(d.fail(&keys, 1).is_empty());
        assert!(d.fail(&keys, 1).is_empty());
        assert_eq!(d.fail(&keys, 1), keys, "the fourth failure bans both");
        let first = d.banned("ip:10.0.0.1").unwrap();
        assert!(first <= Duration::from_secs(100) && first > Duration::from_secs(98));
        assert_eq!(d.fail(&keys[..1], 4).len(), 1);
        let second = d.banned("ip:10.0.0.1").unwrap();
        assert!(
            second > Duration::from_secs(148),
            "the second ban is 50% longer: {second:?}"
        );
        assert!(d.banned("ip:10.0.0.2").is_none());
    }

    #[test]
    fn a_user_name_failing_everywhere_is_slowed_not_banned() {
        let d = Defender::new(DefenderConfig {
            threshold: 3,
            ..DefenderConfig::default()
        });
        assert!(d.user_delay("acme").is_none());
        for _ in 0..3 {
            d.user_failed("acme", 1);
        }
        assert_eq!(d.user_delay("acme"), Some(Duration::from_secs(3)));
        assert!(d.banned("user:acme").is_none() && d.user_delay("other").is_none());
    }
}
