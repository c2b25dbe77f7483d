//! Each shop's budget of calls per second per API. TikTok counts calls per shop and API
//! whoever sends them, so several podgate processes sending for one shop must share one budget:
//! the client asks its [`Budget`] for a turn before every attempt. This crate has the budget of
//! one process ([`ProcessBudget`]); podgate's database keeps the one its nodes share.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Gives calls their turn within a shop's budget for an API.
#[async_trait::async_trait]
pub trait Budget: Send + Sync {
    /// Waits until one more call to `api` for `shop` may be sent. The turn is spent whether or
    /// not the call then goes: a budget errs on the side of sending less.
    async fn wait_turn(&self, shop: &str, api: &'static str);
}

/// The pace of a budget: `per_sec` calls a second, of which `burst` may go back to back after a
/// quiet spell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub per_sec: u32,
    pub burst: u32,
}

impl Pace {
    /// Time between two calls at the steady pace.
    pub fn interval(&self) -> Duration {
        Duration::from_micros(1_000_000 / u64::from(self.per_sec.max(1)))
    }

    /// How far ahead of the steady pace a call may go (the generic cell rate algorithm's
    /// tolerance): `burst - 1` intervals.
    pub fn tolerance(&self) -> Duration {
        self.interval() * self.burst.max(1).saturating_sub(1)
    }
}

/// The budget of one process: an in-memory limiter per (shop, API). Right for one node; N
/// nodes each with their own would send N times the limit.
pub struct ProcessBudget {
    limiter: DefaultKeyedRateLimiter<(String, &'static str)>,
}

impl ProcessBudget {
    pub fn new(pace: Pace) -> ProcessBudget {
        let per_sec = NonZeroU32::new(pace.per_sec.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(pace.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        ProcessBudget {
            limiter: RateLimiter::keyed(Quota::per_second(per_sec).allow_burst(burst)),
        }
    }
}

#[async_trait::async_trait]
impl Budget for ProcessBudget {
    async fn wait_turn(&self, shop: &str, api: &'static str) {
        self.limiter.until_key_ready(&(shop.to_string(), api)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pace_of_50_a_second_spaces_calls_20_ms_apart_and_a_burst_of_5_runs_80_ms_ahead() {
        let p = Pace {
            per_sec: 50,
            burst: 5,
        };
        assert_eq!(p.interval(), Duration::from_millis(20));
        assert_eq!(p.tolerance(), Duration::from_millis(80));
        let strict = Pace {
            per_sec: 50,
            burst: 1,
        };
        assert_eq!(strict.tolerance(), Duration::ZERO);
    }
}
