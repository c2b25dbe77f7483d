//! Brute-force protection for SFTP logins, modelled on SFTPGo's defender: each failed login
//! adds to a score per client address and per address + user name (an unknown user scores more
//! than a wrong password); reaching the threshold within the observation window bans that key,
//! and each new ban lasts longer than the last. Banned addresses are dropped before the SSH
//! handshake. A user name is never banned on its own (anyone could lock a factory out by
//! failing from a few addresses): failures of one name from everywhere only slow its attempts.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::db::DbPool;
use crate::db::models::sftp_defense::{self as defense, Defense};

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

/// The defender: scores and bans in the database, so every node applies the same ones; each
/// node remembers the bans it has seen, so a banned address's flood of connections costs no
/// query.
pub struct Defender {
    cfg: DefenderConfig,
    pool: DbPool,
    /// Bans this node has seen, until they end.
    seen: Mutex<HashMap<String, NaiveDateTime>>,
}

impl std::fmt::Debug for Defender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Defender")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

/// The key a user name's failures are counted under (from any address).
fn name_key(user: &str) -> String {
    format!("name:{}", user.to_ascii_lowercase())
}

/// A key's row with `score` more, its observation window started afresh when the last one
/// ended (not saved yet: a ban may follow).
fn count(
    c: &mut crate::db::AnyConnection,
    cfg: &DefenderConfig,
    key: &str,
    score: u32,
    now: NaiveDateTime,
) -> diesel::QueryResult<Defense> {
    let mut e = defense::find(c, key)?.unwrap_or_else(|| Defense::new(key));
    let window = chrono::Duration::seconds(cfg.observation_secs as i64);
    if e.since.is_none_or(|s| now - s > window) {
        e.since = Some(now);
        e.score = 0;
    }
    e.score += i64::from(score);
    Ok(e)
}

/// The time left until `until`, when it is later than `now`.
fn left(until: Option<NaiveDateTime>, now: NaiveDateTime) -> Option<Duration> {
    until.filter(|u| *u > now).and_then(|u| (u - now).to_std().ok())
}

impl Defender {
    /// A defender with these scores, keeping them in `pool`.
    pub fn new(cfg: DefenderConfig, pool: DbPool) -> Defender {
        Defender {
            cfg,
            pool,
            seen: Mutex::default(),
        }
    }

    /// Whether this node has seen a ban of `key` that still runs (no query: for every new
    /// connection, before anything else).
    pub fn banned_here(&self, key: &str) -> Option<Duration> {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        left(seen.get(key).copied(), crate::db::models::now())
    }

    fn remember(&self, key: &str, until: NaiveDateTime) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let now = crate::db::models::now();
        seen.retain(|_, u| *u > now);
        seen.insert(key.to_string(), until);
    }

    /// Whether a key (`ip:…` or `ipuser:…|…`) is banned now, on any node; how long is left.
    /// A database that does not answer bans nobody (sign-in needs it anyway).
    pub async fn banned(&self, key: &str) -> Option<Duration> {
        if let Some(d) = self.banned_here(key) {
            return Some(d);
        }
        let k = key.to_string();
        let row = self.pool.query(move |c| defense::find(c, &k)).await;
        let until = match row {
            Ok(r) => r.and_then(|r| r.banned_until),
            Err(e) => {
                tracing::warn!(error = %e, "SFTP defender: bans could not be read");
                None
            }
        };
        let d = left(until, crate::db::models::now())?;
        if let Some(u) = until {
            self.remember(key, u);
        }
        Some(d)
    }

    /// Records a failed login: `score` against each ban key (`ip:…`, `ipuser:…|…`), which is
    /// banned when it reaches the threshold, and against the user name, which is only slowed.
    /// One transaction, so two nodes counting at once add up. Returns the keys banned by it.
    pub async fn fail(&self, keys: &[String], user: &str, score: u32) -> Vec<String> {
        let (cfg, keys, name) = (self.cfg.clone(), keys.to_vec(), name_key(user));
        let counted = self
            .pool
            .run(move |c| {
                crate::db::write_tx(c, |c| {
                    let now = crate::db::models::now();
                    let mut banned = Vec::new();
                    for k in &keys {
                        let mut e = count(c, &cfg, k, score, now)?;
                        if e.score >= i64::from(cfg.threshold) {
                            let repeats = e.bans.clamp(0, 8) as i32;
                            let factor = f64::from(100 + cfg.ban_increment_percent).powi(repeats)
                                / 100f64.powi(repeats);
                            let secs = cfg.ban_secs as f64 * factor;
                            let until = now + chrono::Duration::milliseconds((secs * 1000.0) as i64);
                            e.banned_until = Some(until);
                            e.bans += 1;
                            e.score = 0;
                            e.since = None;
                            banned.push((k.clone(), until));
                        }
                        defense::save(c, &e)?;
                    }
                    let e = count(c, &cfg, &name, score, now)?;
                    defense::save(c, &e)?;
                    Ok::<_, crate::db::DbError>(banned)
                })
            })
            .await;
        match counted {
            Ok(banned) => banned
                .into_iter()
                .map(|(k, until)| {
                    self.remember(&k, until);
                    k
                })
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "SFTP defender: a failure could not be counted");
                Vec::new()
            }
        }
    }

    /// How long an attempt for this user name must wait, if it failed too often lately.
    pub async fn user_delay(&self, user: &str) -> Option<Duration> {
        let key = name_key(user);
        let row = self
            .pool
            .query(move |c| defense::find(c, &key))
            .await
            .ok()
            .flatten()?;
        let window = chrono::Duration::seconds(self.cfg.observation_secs as i64);
        let now = crate::db::models::now();
        (row.score >= i64::from(self.cfg.threshold) && row.since.is_some_and(|s| now - s <= window))
            .then(|| Duration::from_secs(self.cfg.user_delay_secs))
    }

    /// Forgets what no longer counts (see [`defense::sweep`]); run now and then.
    pub async fn sweep(&self) {
        let window = chrono::Duration::seconds(self.cfg.observation_secs as i64);
        if let Err(e) = self.pool.query(move |c| defense::sweep(c, window)).await {
            tracing::warn!(error = %e, "SFTP defender: old scores could not be swept");
        }
    }

    /// The score of an unknown user and of bad credentials.
    pub fn scores(&self) -> (u32, u32) {
        (self.cfg.score_unknown_user, self.cfg.score_bad_credentials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two nodes' defenders on one (real, SQLite) database.
    fn two_nodes(cfg: DefenderConfig) -> (tempfile::TempDir, Defender, Defender) {
        let dir = tempfile::tempdir().unwrap();
        let url =
            crate::db::DbUrl::parse(&format!("sqlite://{}", dir.path().join("d.db").display())).unwrap();
        let pool = |_| DbPool::open(&url, 2).unwrap();
        let (a, b) = (Defender::new(cfg.clone(), pool(0)), Defender::new(cfg, pool(1)));
        (dir, a, b)
    }

    #[tokio::test]
    async fn failures_on_two_nodes_add_up_to_one_ban_that_holds_on_both_and_bans_escalate() {
        let (_dir, a, b) = two_nodes(DefenderConfig {
            threshold: 4,
            ban_secs: 100,
            ..DefenderConfig::default()
        });
        let keys = vec!["ip:10.0.0.1".to_string(), "ipuser:10.0.0.1|acme".to_string()];
        assert!(a.fail(&keys, "acme", 1).await.is_empty());
        assert!(b.fail(&keys, "acme", 1).await.is_empty());
        assert!(a.fail(&keys, "acme", 1).await.is_empty());
        assert!(a.banned("ip:10.0.0.1").await.is_none());
        assert_eq!(
            b.fail(&keys, "acme", 1).await,
            keys,
            "the fourth failure, on either node, bans both keys"
        );
        assert!(
            b.banned_here("ip:10.0.0.1").is_some(),
            "the banning node remembers it"
        );
        assert!(
            a.banned_here("ip:10.0.0.1").is_none(),
            "the other has not seen it yet…"
        );
        let first = a
            .banned("ip:10.0.0.1")
            .await
            .expect("…and reads it from the database");
        assert!(
            first <= Duration::from_secs(100) && first > Duration::from_secs(98),
            "{first:?}"
        );
        assert!(a.banned_here("ip:10.0.0.1").is_some(), "and then remembers it");
        assert_eq!(a.fail(&keys[..1], "acme", 4).await.len(), 1);
        let second = a.banned("ip:10.0.0.1").await.unwrap();
        // Node B still holds the first ban in memory; when it ends, B reads the second.
        assert!(b.banned("ip:10.0.0.1").await.is_some());
        assert!(
            second > Duration::from_secs(148),
            "the second ban is 50% longer: {second:?}"
        );
        assert!(a.banned("ip:10.0.0.2").await.is_none());
    }

    #[tokio::test]
    async fn a_user_name_failing_everywhere_is_slowed_not_banned() {
        let (_dir, a, b) = two_nodes(DefenderConfig {
            threshold: 3,
            ..DefenderConfig::default()
        });
        assert!(a.user_delay("acme").await.is_none());
        a.fail(&[], "acme", 1).await;
        b.fail(&[], "acme", 1).await;
        assert!(b.user_delay("acme").await.is_none());
        a.fail(&[], "acme", 1).await;
        assert_eq!(b.user_delay("acme").await, Some(Duration::from_secs(3)));
        assert!(a.banned("name:acme").await.is_none() && a.user_delay("other").await.is_none());
    }
}
