//! Fault injection, for everyone or per shop, set at start or at run time: added latency,
//! random errors of every documented retryable class, 429 bursts, hung requests, lost answers,
//! orders on hold at purchase, and shipping documents that are "still generating".

use std::collections::HashMap;

use rand::RngExt;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use tiktok::codes;

/// One set of fault knobs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct FaultSettings {
    /// Added to every API call, in milliseconds.
    pub latency_ms: u64,
    /// Share of calls (0–1) answered with an error of a documented retryable class, drawn evenly
    /// from [`TRANSIENT_ERRORS`]: rate limited, internal error, overloaded, request timeout,
    /// system timeout, system process error, expired access token.
    pub error_rate: f64,
    /// Share of calls (0–1) that are carried out but whose answer is lost (a 504 after the work
    /// was done): a label bought with no answer, as after a dropped connection.
    pub lost_answer_rate: f64,
    /// Share of label purchases (0–1) refused because the order is on hold: a business refusal
    /// that retrying does not fix, so the package ends failed with TikTok's reason.
    pub hold_rate: f64,
    /// Share of calls (0–1) that hang for `timeout_ms` and then answer 36009007.
    pub timeout_rate: f64,
    /// How long a hung call hangs.
    pub timeout_ms: u64,
    /// The next N calls are answered with HTTP 429 (counts down).
    pub burst_429: u32,
    /// The next N calls are answered 105002 "access token expired", whatever the token
    /// (counts down): TikTok refusing even a freshly refreshed token.
    pub burst_expired: u32,
    /// Share of shipping-document calls (0–1) answered "document still generating".
    pub doc_generating_rate: f64,
}

/// Global knobs plus per-shop overrides (by shop id).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    pub global: FaultSettings,
    pub per_shop: HashMap<String, FaultSettings>,
}

/// The documented retryable errors `error_rate` draws from: (code, HTTP status, message).
pub const TRANSIENT_ERRORS: [(i64, u16, &str); 7] = [
    (36009002, 429, "Too many requests"),
    (36009003, 500, "Internal error, please try again later"),
    (
        36009003,
        503,
        "The platform is overloaded, please try again later",
    ),
    (36009007, 504, "Request timeout"),
    (21001003, 200, "System timeout, please try again"),
    (21001011, 200, "System process error, please try again later."),
    (105002, 401, "Access token is expired, please refresh it"),
];

/// What to do to one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    /// Answer normally.
    Pass,
    /// Carry the call out, then answer with a timeout as if the answer was lost.
    LostAnswer,
    /// Answer with this code and HTTP status.
    Error { code: i64, http: u16 },
    /// Hang this long, then answer with a timeout.
    Hang { ms: u64 },
}

impl Faults {
    fn settings_mut(&mut self, shop_id: Option<&str>) -> &mut FaultSettings {
        match shop_id {
            Some(id) if self.per_shop.contains_key(id) => self.per_shop.get_mut(id).expect("checked"),
            _ => &mut self.global,
        }
    }

    /// Draws the fate of one call; returns the added latency and the injected fault.
    pub fn draw(&mut self, shop_id: Option<&str>, endpoint: &str, rng: &mut StdRng) -> (u64, Injected) {
        let s = self.settings_mut(shop_id);
        let latency = s.latency_ms;
        if s.burst_429 > 0 {
            s.burst_429 -= 1;
            return (
                latency,
                Injected::Error {
                    code: 36009002,
                    http: 429,
                },
            );
        }
        if s.burst_expired > 0 {
            s.burst_expired -= 1;
            return (
                latency,
                Injected::Error {
                    code: codes::EXPIRED_TOKEN,
                    http: 401,
                },
            );
        }
        if s.timeout_rate > 0.0 && rng.random::<f64>() < s.timeout_rate {
            return (
                latency,
                Injected::Hang {
                    ms: s.timeout_ms.max(1),
                },
            );
        }
        if s.error_rate > 0.0 && rng.random::<f64>() < s.error_rate {
            let (code, http, _) = TRANSIENT_ERRORS[rng.random_range(0..TRANSIENT_ERRORS.len())];
            return (latency, Injected::Error { code, http });
        }
        if endpoint == "create_packages" && s.hold_rate > 0.0 && rng.random::<f64>() < s.hold_rate {
            let hold = Injected::Error {
                code: 21011044,
                http: 200,
            };
            return (latency, hold);
        }
        if s.lost_answer_rate > 0.0 && rng.random::<f64>() < s.lost_answer_rate {
            return (latency, Injected::LostAnswer);
        }
        (latency, Injected::Pass)
    }

    /// Whether this shipping-document call should say "still generating".
    pub fn doc_generating(&mut self, shop_id: Option<&str>, rng: &mut StdRng) -> bool {
        let rate = self.settings_mut(shop_id).doc_generating_rate;
        rate > 0.0 && rng.random::<f64>() < rate
    }
}
