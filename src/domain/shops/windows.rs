//! A big sync paged in parallel. One cursor pages one request at a time, so with TikTok's
//! latency (~150 ms a page) it cannot pass ~670 orders/s while the shop's budget allows 50
//! searches a second (5,000 orders). The update-time range is cut into windows that several
//! fetchers page at once: a fetcher that finds more than a few pages left in its window while
//! another fetcher is idle gives it the upper half. The open end of the range (orders updated
//! while the sync runs) stays one window paged to its end, as with a single cursor, so the
//! cursor kept afterwards (the newest update time seen) never passes an order not read.
//!
//! Windows split only where pages remain, so a skewed range (a flash sale's hour) is cut
//! finer where the orders are, and a small catch-up is one request as before.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tiktok::ApiError;
use tiktok::api::ShopApi;
use tiktok::types::{Order as TtOrder, OrderSearch};

use super::sync::PAGE_SIZE;

/// Fetchers paging at once: enough to keep 50 requests a second in flight at 300 ms a page.
pub const FETCHERS: usize = 16;
/// A window is split only while more than this many pages remain in it.
const SPLIT_ABOVE_PAGES: u64 = 2;

/// A slice of the orders being paged: updated in `[from, to)` (`to` None for the open end) and
/// created in `[created_from, created_to)` (None: unbounded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub from: i64,
    pub to: Option<i64>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    /// TikTok's page token within this window; None before its first page.
    pub token: Option<String>,
    /// Orders read so far through this window's query.
    pub read: u64,
}

impl Window {
    fn new(from: i64, to: Option<i64>) -> Window {
        Window {
            from,
            to,
            created_from: None,
            created_to: None,
            token: None,
            read: 0,
        }
    }

    /// The same creation range, updated in `[from, to)`, from its first page.
    fn updated(&self, from: i64, to: Option<i64>) -> Window {
        Window {
            from,
            to,
            token: None,
            read: 0,
            ..self.clone()
        }
    }

    /// The search filter of this window.
    pub fn filter(&self) -> OrderSearch {
        OrderSearch {
            update_time_ge: Some(self.from),
            update_time_lt: self.to,
            create_time_ge: self.created_from,
            create_time_lt: self.created_to,
            ..OrderSearch::default()
        }
    }
}

/// The windows still to page, shared by the fetchers.
#[derive(Debug)]
pub struct Plan {
    queue: VecDeque<Window>,
    /// Fetchers paging a window now.
    busy: usize,
    /// Fetchers waiting for a window.
    idle: usize,
    /// Where the open end is cut when it is split: the moment the sync started.
    horizon: i64,
    /// Open-ended windows read to their end while others were still being read, to be read
    /// once more from where they stopped when everything else is done.
    deferred: Vec<Window>,
    /// The deferred windows are being read: nothing is deferred again.
    final_pass: bool,
    failed: bool,
}

/// What a fetcher does after a page.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    /// Read the window's next page.
    Continue,
    /// The window was cut in two; read the half it now is from its start.
    Split,
    /// The window waits to be read last: take another.
    Parked,
}

/// What a fetcher does next.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    Page(Window),
    Wait,
    Done,
}

impl Plan {
    /// One window from `from` to the open end; `horizon` is now.
    pub fn new(from: i64, horizon: i64) -> Plan {
        Plan {
            queue: VecDeque::from([Window::new(from, None)]),
            busy: 0,
            idle: 0,
            horizon,
            deferred: Vec::new(),
            final_pass: false,
            failed: false,
        }
    }

    /// A window for a fetcher, or whether to wait (others may still split theirs) or stop.
    pub fn next(&mut self, was_waiting: bool) -> Next {
        if was_waiting {
            self.idle -= 1;
        }
        if self.failed {
            return Next::Done;
        }
        if self.queue.is_empty() && self.busy == 0 && !self.deferred.is_empty() {
            self.final_pass = true;
            self.queue.extend(self.deferred.drain(..));
        }
        match self.queue.pop_front() {
            Some(w) => {
                self.busy += 1;
                Next::Page(w)
            }
            None if self.busy == 0 => Next::Done,
            None => {
                self.idle += 1;
                Next::Wait
            }
        }
    }

    /// After a page of `w` that ended at `last` (update time) with more to come: gives half of
    /// what remains to an idle fetcher when enough pages remain, and `w` continues with the
    /// other half (a new query from `last`: the orders at `last` itself are read again, which
    /// applying ignores). Halves of the update times left, or, when one second holds the rest
    /// (a bulk change stamps thousands of orders alike), of the creation times at the median
    /// of this page's. An open-ended window with one page left while others are still read is
    /// parked, token and all, and read last (see [`Plan::finished`]).
    pub fn after_page(
        &mut self,
        w: &mut Window,
        last: i64,
        created: &[i64],
        total: u64,
        next_token: String,
    ) -> After {
        let remaining = total.saturating_sub(w.read);
        let wanted = self.idle > self.queue.len() && remaining > SPLIT_ABOVE_PAGES * u64::from(PAGE_SIZE);
        let end = w.to.unwrap_or(self.horizon);
        let (lower, upper) = if !wanted {
            (None, None)
        } else if end - last >= 2 {
            let mid = last + (end - last) / 2;
            (Some(w.updated(last, Some(mid))), Some(w.updated(mid, w.to)))
        } else {
            let mut c = created.to_vec();
            c.sort_unstable();
            let mid = c.get(c.len() / 2).copied().unwrap_or(i64::MIN);
            // Both halves hold some of this page's orders, so neither is empty.
            let inside = c.first().is_some_and(|lowest| mid > *lowest)
                && w.created_from.is_none_or(|f| mid > f)
                && w.created_to.is_none_or(|t| mid < t);
            if inside {
                let mut lower = w.updated(last, w.to);
                lower.created_to = Some(mid);
                let mut upper = w.updated(last, w.to);
                upper.created_from = Some(mid);
                (Some(lower), Some(upper))
            } else {
                (None, None)
            }
        };
        if let (Some(lower), Some(upper)) = (lower, upper) {
            self.queue.push_back(upper);
            *w = lower;
            return After::Split;
        }
        w.token = Some(next_token);
        if w.to.is_none() && !self.final_pass && self.busy > 1 && remaining <= u64::from(PAGE_SIZE) {
            self.busy -= 1;
            self.deferred.push(w.clone());
            return After::Parked;
        }
        After::Continue
    }

    /// A fetcher read its window to the end; `last` is the newest update time it saw there.
    /// The open end is read last: an order the other windows had not reached yet may change
    /// meanwhile, leaving their range for the open end. So an open-ended window is parked
    /// before its last page ([`Plan::after_page`]), and one that ended anyway while others are
    /// still read is read again from `last` when they are done.
    pub fn finished(&mut self, w: &Window, last: Option<i64>) {
        self.busy -= 1;
        if w.to.is_none() && self.busy > 0 && !self.final_pass {
            self.deferred
                .push(w.updated(last.unwrap_or(w.from).max(w.from), None));
        }
    }

    /// A fetcher failed: the others stop after their current page.
    pub fn fail(&mut self) {
        self.failed = true;
        self.busy -= 1;
    }
}

/// Pages every window of `plan`, handing each page's orders to `pages` (the single writer).
/// Returns the first error; the other fetchers stop after their current page.
pub async fn fetch(
    api: &ShopApi<'_>,
    plan: &Mutex<Plan>,
    pages: tokio::sync::mpsc::Sender<Page>,
) -> Result<(), ApiError> {
    let fetchers: Vec<_> = (0..FETCHERS).map(|_| fetcher(api, plan, pages.clone())).collect();
    drop(pages);
    futures::future::join_all(fetchers).await.into_iter().collect()
}

/// One page of orders and the number its window's query matched. The first page the writer
/// receives is the whole range's (nothing is split before it), so its number is the sync's total.
#[derive(Debug)]
pub struct Page {
    pub orders: Vec<TtOrder>,
    pub total: u64,
}

async fn fetcher(
    api: &ShopApi<'_>,
    plan: &Mutex<Plan>,
    pages: tokio::sync::mpsc::Sender<Page>,
) -> Result<(), ApiError> {
    let lock = || plan.lock().unwrap_or_else(|p| p.into_inner());
    let mut waiting = false;
    loop {
        let next = lock().next(waiting);
        let mut w = match next {
            Next::Done => return Ok(()),
            Next::Wait => {
                waiting = true;
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
            Next::Page(w) => w,
        };
        waiting = false;
        let mut newest: Option<i64> = None;
        let mut parked = false;
        loop {
            let page = match api
                .search_orders_page(&w.filter(), PAGE_SIZE, w.token.as_deref(), "update_time")
                .await
            {
                Ok(p) => p,
                Err(e) => {
                    lock().fail();
                    return Err(e);
                }
            };
            let n = page.orders.len() as u64;
            let last = page.orders.last().map(|o| o.update_time);
            newest = newest.max(last);
            let created: Vec<i64> = page.orders.iter().map(|o| o.create_time).collect();
            let total = page.total_count.max(0) as u64;
            if pages
                .send(Page {
                    orders: page.orders,
                    total,
                })
                .await
                .is_err()
            {
                // The writer stopped (it failed): nothing more to do.
                lock().fail();
                return Ok(());
            }
            let (Some(last), false) = (last, page.next_page_token.is_empty()) else {
                break;
            };
            w.read += n;
            match lock().after_page(&mut w, last, &created, total, page.next_page_token) {
                After::Continue => {}
                After::Split => newest = None,
                After::Parked => {
                    parked = true;
                    break;
                }
            }
        }
        if !parked {
            lock().finished(&w, newest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_catch_up_is_one_window_paged_in_sequence() {
        let mut plan = Plan::new(1_000, 2_000);
        let Next::Page(mut w) = plan.next(false) else {
            panic!()
        };
        // 250 orders: 2.5 pages, nobody idle anyway.
        assert_eq!(
            plan.after_page(&mut w, 1_100, &[900], 250, "t".into()),
            After::Continue
        );
        assert_eq!(w.token.as_deref(), Some("t"));
        assert_eq!(
            plan.next(false),
            Next::Wait,
            "another fetcher waits while one pages"
        );
    }

    #[test]
    fn a_big_range_is_split_for_idle_fetchers_and_the_open_end_stays_open() {
        let mut plan = Plan::new(0, 10_000);
        let Next::Page(mut w) = plan.next(false) else {
            panic!()
        };
        assert_eq!(plan.next(false), Next::Wait);
        w.read = 100;
        assert_eq!(
            plan.after_page(&mut w, 1_000, &[500], 100_000, "t".into()),
            After::Split
        );
        assert_eq!(w, Window::new(1_000, Some(5_500)), "continues as the lower half");
        let Next::Page(upper) = plan.next(true) else {
            panic!()
        };
        assert_eq!(
            upper,
            Window::new(5_500, None),
            "the upper half keeps the open end"
        );
        // Nobody idle now: no more splits.
        w.read = 100;
        assert_eq!(
            plan.after_page(&mut w, 1_200, &[500], 50_000, "t2".into()),
            After::Continue
        );
        // The open end is read to its end while the lower half is still being read: it is
        // read again from where it stopped once the lower half is done.
        plan.finished(&upper, Some(9_000));
        assert_eq!(plan.next(false), Next::Wait);
        plan.finished(&w, Some(5_499));
        assert_eq!(plan.next(true), Next::Page(Window::new(9_000, None)));
        plan.finished(&Window::new(9_000, None), Some(9_100));
        assert_eq!(plan.next(false), Next::Done, "read again once, not forever");
    }

    #[test]
    fn the_open_end_with_one_page_left_is_parked_with_its_token_until_the_rest_is_read() {
        let mut plan = Plan::new(0, 10_000);
        let Next::Page(mut lower) = plan.next(false) else {
            panic!()
        };
        assert_eq!(plan.next(false), Next::Wait);
        lower.read = 100;
        assert_eq!(
            plan.after_page(&mut lower, 1_000, &[1], 100_000, "t".into()),
            After::Split
        );
        let Next::Page(mut open) = plan.next(true) else {
            panic!()
        };
        open.read = 100;
        assert_eq!(
            plan.after_page(&mut open, 9_000, &[1], 180, "open-token".into()),
            After::Parked,
            "one page left while the lower half is read"
        );
        assert_eq!(plan.next(false), Next::Wait);
        plan.finished(&lower, Some(5_499));
        let Next::Page(last) = plan.next(true) else {
            panic!()
        };
        assert_eq!((last.from, last.token.as_deref()), (5_500, Some("open-token")));
        assert_eq!(
            plan.after_page(&mut open, 9_500, &[1], 180, "t3".into()),
            After::Continue,
            "never parked twice"
        );
    }

    #[test]
    fn one_second_holding_the_rest_is_split_by_creation_time_and_a_failure_stops_everyone() {
        let mut plan = Plan::new(0, 10_000);
        let Next::Page(mut w) = plan.next(false) else {
            panic!()
        };
        assert_eq!(plan.next(false), Next::Wait);
        w.to = Some(501);
        w.read = 100;
        // Everything left was updated in second 500; this page's orders were created 1..=100.
        let created: Vec<i64> = (1..=100).collect();
        assert_eq!(
            plan.after_page(&mut w, 500, &created, 5_000, "t".into()),
            After::Split
        );
        assert_eq!(
            (w.from, w.to, w.created_from, w.created_to),
            (500, Some(501), None, Some(51))
        );
        let Next::Page(upper) = plan.next(true) else {
            panic!()
        };
        assert_eq!(
            (upper.from, upper.to, upper.created_from, upper.created_to),
            (500, Some(501), Some(51), None),
            "the two halves cover every creation time"
        );
        // All created in the same second as well: nothing left to split.
        assert_eq!(plan.next(false), Next::Wait);
        w.read = 100;
        assert_eq!(
            plan.after_page(&mut w, 500, &[7; 100], 5_000, "t2".into()),
            After::Continue
        );
        assert_eq!(w.token.as_deref(), Some("t2"));
        plan.fail();
        assert_eq!(plan.next(true), Next::Done);
    }
}
