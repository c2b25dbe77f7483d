//! The seller's working calendar: business days in the seller's time zone, weekends and the
//! seller's holidays off. TikTok judges a US order on its first carrier scan within the handling
//! time — 2 business days by default, a made-to-order product's own handling time plus one —
//! counted here from the day after payment, the deadline being the end of the last business
//! day in the seller's zone. When the order carries TikTok's own in-transit deadline, that one
//! wins ([`super::deadline`]).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

/// Business days to the first carrier scan when neither TikTok nor the seller says otherwise.
pub const DEFAULT_HANDLING_DAYS: i64 = 2;

/// Where and when the seller works.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub zone: Tz,
    pub holidays: BTreeSet<NaiveDate>,
    /// Business days from payment to the first carrier scan.
    pub handling_days: i64,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            zone: Tz::UTC,
            holidays: BTreeSet::new(),
            handling_days: DEFAULT_HANDLING_DAYS,
        }
    }
}

/// Reads a holiday list: `YYYY-MM-DD` dates separated by commas, spaces or lines. Every bad
/// entry is returned, named.
pub fn parse_holidays(text: &str) -> Result<BTreeSet<NaiveDate>, Vec<String>> {
    let mut days = BTreeSet::new();
    let mut bad = Vec::new();
    for word in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        match NaiveDate::parse_from_str(word, "%Y-%m-%d") {
            Ok(d) => {
                days.insert(d);
            }
            Err(_) => bad.push(format!("{word:?} is not a date like 2026-12-25")),
        }
    }
    if bad.is_empty() { Ok(days) } else { Err(bad) }
}

impl Calendar {
    /// The seller's calendar as stored (an unknown zone or a bad holiday is left out: the form
    /// refuses them when they are saved).
    pub fn new(zone: &str, holidays: &str, handling_days: i64) -> Calendar {
        Calendar {
            zone: zone.parse().unwrap_or(Tz::UTC),
            holidays: parse_holidays(holidays).unwrap_or_default(),
            handling_days: if handling_days > 0 {
                handling_days
            } else {
                DEFAULT_HANDLING_DAYS
            },
        }
    }

    /// Whether the seller works that day.
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The end (23:59:59 in the seller's zone, as unix seconds) of the `days`th business day
    /// after the day of `from` (unix seconds).
    pub fn end_of_business_days(&self, from: i64, days: i64) -> i64 {
        let start = self.zone.timestamp_opt(from, 0).single().map(|t| t.date_naive());
        let Some(mut d) = start else { return from };
        let mut left = days.max(1);
        while left > 0 {
            d = d.succ_opt().unwrap_or(d);
            if self.is_business_day(d) {
                left -= 1;
            }
        }
        let end = d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
        // A clock change at midnight cannot make 23:59:59 ambiguous or missing in practice;
        // the earliest reading is taken if it ever is.
        self.zone
            .from_local_datetime(&end)
            .earliest()
            .map(|t| t.timestamp())
            .unwrap_or(from)
    }

    /// The business days from `now` to `due`, for people to read ("1 business day left");
    /// negative when `due` has passed.
    pub fn business_days_between(&self, now: i64, due: i64) -> i64 {
        let day = |t: i64| self.zone.timestamp_opt(t, 0).single().map(|t| t.date_naive());
        let (Some(a), Some(b)) = (day(now), day(due)) else {
            return 0;
        };
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let mut n = 0;
        let mut d = lo;
        while d < hi {
            d = d.succ_opt().unwrap_or(hi);
            if self.is_business_day(d) {
                n += 1;
            }
        }
        sign * n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(zone: Tz, s: &str) -> i64 {
        let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        zone.from_local_datetime(&t).single().unwrap().timestamp()
    }

    #[test]
    fn two_business_days_skip_the_weekend_and_holidays_in_the_sellers_zone() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let cal = Calendar::new("America/New_York", "2026-12-25", 2);
        // Paid Wednesday afternoon: Thursday and Friday, due Friday at the end of the day.
        assert_eq!(
            cal.end_of_business_days(unix(ny, "2026-12-02 15:00"), 2),
            unix(ny, "2026-12-04 23:59") + 59
        );
        // Paid Friday: Monday and Tuesday.
        assert_eq!(
            cal.end_of_business_days(unix(ny, "2026-12-04 09:00"), 2),
            unix(ny, "2026-12-08 23:59") + 59
        );
        // Paid on Christmas Eve (Thursday): Christmas is a holiday, so Monday 28th and Tuesday.
        assert_eq!(
            cal.end_of_business_days(unix(ny, "2026-12-24 10:00"), 2),
            unix(ny, "2026-12-29 23:59") + 59
        );
        // The day is the seller's: 11 pm in Los Angeles on Monday is already Tuesday in New
        // York, so a New York seller's two days are Wednesday and Thursday.
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        assert_eq!(
            cal.end_of_business_days(unix(la, "2026-12-07 23:00"), 2),
            unix(ny, "2026-12-10 23:59") + 59
        );
        let la_cal = Calendar::new("America/Los_Angeles", "", 2);
        assert_eq!(
            la_cal.end_of_business_days(unix(la, "2026-12-07 23:00"), 2),
            unix(la, "2026-12-09 23:59") + 59
        );
    }

    #[test]
    fn holidays_are_read_with_every_bad_entry_named() {
        assert_eq!(
            parse_holidays("2026-12-25, 2027-01-01\n2026-11-26")
                .unwrap()
                .len(),
            3
        );
        let bad = parse_holidays("2026-12-25, Christmas, 2026-13-01").unwrap_err();
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(bad[0].contains("\"Christmas\""));
    }

    #[test]
    fn business_days_left_count_working_days_only() {
        let cal = Calendar::new("UTC", "", 2);
        let t = |s| unix(Tz::UTC, s);
        assert_eq!(
            cal.business_days_between(t("2026-12-04 10:00"), t("2026-12-08 23:59")),
            2
        );
        assert_eq!(
            cal.business_days_between(t("2026-12-09 10:00"), t("2026-12-08 23:59")),
            -1
        );
    }
}
