//! The concurrent part of a walk: once the first page has told how many
//! pages there are, worker threads fetch the rest by page number, a few at
//! a time, while the caller's thread hands them on strictly in page order.
//!
//! The fetching is only a head start. Every decision of the walk stays with
//! [`Walk`]: for each page the walk says where it would go next, and a
//! fetched page is used only when it is that very page; otherwise the walk's
//! own URL is fetched there and then. So the pages, their order and every
//! error are the sequential walk's, whatever the timing.
//!
//! How many pages are in flight follows the server: a 429 halves it (at
//! least one), and it grows back by one page at a time after `Retry-After`.
//! With a `--limit` and no filter, no page is started that the limit cannot
//! need; when the consumer stops, nothing more is started and the pages
//! still in flight are dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::Api;
use super::walk::{Ahead, Flow, Page, RawPage, Walk, bound_after};
use crate::http::client::{FetchAhead, LeftToTheWalk};
use crate::http::throttle::{RateLimits, Window};
use crate::http::url::{RequestKey, Url};
use crate::interrupt::locked;
use crate::log::Log;
use crate::text::counted;

/// The least time a page fetched ahead is given to answer, and how many
/// times the first page's time it is given (within `--timeout`).
const ANSWER_WITHIN_LEAST: Duration = Duration::from_secs(2);
const ANSWER_WITHIN_FIRST_PAGES: u32 = 10;

/// Walks the rest of `walk`, `concurrency` pages at a time as `link` (its
/// next, a plain page link) asks for a page, handing pages to `consume` in
/// order. `flow` is what the consumer said after the first page, which
/// took `first_took` (after its token).
///
/// A page fetched ahead that gets no connection or answer in ten times
/// the first page's time (two seconds at least; only with a `--timeout` of
/// four times that or more) is a server that serves one connection at a
/// time, or a slow page: nothing more is fetched ahead, and the walk asks
/// for the rest itself, one page at a time, once the requests in flight
/// have ended (their connections are then free).
pub fn walk_rest(
    api: &Api,
    mut walk: Walk,
    (ahead, link): (Ahead, Url),
    concurrency: usize,
    first_took: Duration,
    flow: Flow,
    mut consume: impl FnMut(Page) -> Result<Flow>,
) -> Result<()> {
    let within = (first_took * ANSWER_WITHIN_FIRST_PAGES).max(ANSWER_WITHIN_LEAST);
    let per_page = ahead.per_page.max(1);
    let bound = bound_after(ahead.after, flow, per_page);
    let shared = Shared {
        plan: Mutex::new(Plan {
            next_start: ahead.after + 1,
            last: ahead.last,
            bound,
            wanted: ahead.after + 1,
            reorder: concurrency as u64 + 1,
            window: Window::new(concurrency),
            ..Plan::default()
        }),
        work: Condvar::new(),
        ready: Condvar::new(),
        ended: AtomicBool::new(false),
        link,
    };
    api.client().log().debug(&format!(
        "fetching pages {}-{} up to {concurrency} at a time",
        ahead.after + 1,
        ahead.last.min(bound)
    ));
    thread::scope(|scope| {
        // Whatever way this closure ends, the workers stop starting pages,
        // so the scope's join waits only for requests already in flight.
        let _stop = Ending(&shared, false);
        let pages_ahead = usize::try_from(ahead.last - ahead.after).unwrap_or(usize::MAX);
        for i in 0..concurrency.min(pages_ahead) {
            let spawned = thread::Builder::new()
                .name(format!("page-worker-{i}"))
                .spawn_scoped(scope, || worker(api, &shared, within));
            if spawned.is_ok() {
                locked(&shared.plan).workers += 1;
            }
        }
        while let Some(page) = api.next_page(&mut walk, |url, n| shared.take(api, url, n)) {
            let page = page?;
            let number = page.number;
            let flow = consume(page)?;
            if flow == Flow::Stop {
                break;
            }
            let mut plan = locked(&shared.plan);
            plan.bound = bound_after(number, flow, per_page);
            shared.wake_a_worker(&plan);
        }
        Ok(())
    })
}

/// The state the workers and the consumer share.
#[derive(Default)]
struct Plan {
    /// The next page number to start.
    next_start: u64,
    /// No page after this one is started (total_pages, or a failed page).
    last: u64,
    /// No page after this one is started either (what `--limit` can need).
    bound: u64,
    /// The page the consumer needs next; pages before it are dropped.
    wanted: u64,
    /// Pages from `wanted` on that may be started or held: one being
    /// handed on, and a full window in flight.
    reorder: u64,
    /// Pages being fetched.
    in_flight: BTreeSet<u64>,
    window: Window,
    /// Fetched pages waiting for the consumer.
    /// (With the warnings of their requests, said when a page is taken.)
    done: BTreeMap<u64, (Result<RawPage>, Vec<String>)>,
    /// The consumer has finished: start nothing more.
    stopped: bool,
    /// Workers still running.
    workers: usize,
    /// Workers waiting for a page they may start.
    idle: usize,
    /// The consumer is waiting for a page.
    consumer_waiting: bool,
    /// A page fetched ahead got no answer in time: start nothing more.
    stalled: bool,
    /// A rate limit lowered the window: its growth is said, back up.
    lowered: bool,
}

impl Plan {
    fn may_start(&self) -> bool {
        !self.stalled
            && self.in_flight.len() < self.window.allowed()
            && self.next_start <= self.bound
            && self.next_start < self.wanted.saturating_add(self.reorder)
    }

    /// Whether page `expected` is worth waiting for: in flight, or to be
    /// started by a worker. After a stall, the requests in flight end
    /// first: a server that serves one connection at a time answers only
    /// on the one it holds, which is free for the walk once they have.
    fn coming(&self, expected: u64) -> bool {
        let coming = self.in_flight.contains(&expected)
            || ((self.next_start..=self.last).contains(&expected)
                && self.workers > 0
                && !self.stalled);
        let draining = self.stalled && !self.in_flight.is_empty();
        !self.stopped && (coming || draining)
    }

    /// Shrinks the window after new refusals (429 or 503).
    fn observe(&mut self, limits: &RateLimits, log: Log) {
        self.window.cap(limits.crowds());
        if let Some(n) = self.window.observe(limits.hits(), limits.quiet_until()) {
            self.lowered = true;
            log.debug(&format!(
                "rate limited (HTTP 429 or 503): at most {} in flight now",
                counted(n as u64, "page", "pages")
            ));
        }
    }
}

/// The plan, and a condition variable each for the workers (a page may be
/// started) and the consumer (a page is in): each side is woken only when
/// there is something for it and it is waiting, so a page costs few wakeups.
struct Shared {
    plan: Mutex<Plan>,
    work: Condvar,
    ready: Condvar,
    /// The walk has ended: the requests in flight are dropped rather than
    /// tried again or waited for (the scope joins them before it returns).
    ended: AtomicBool,
    /// The first page's next link: pages are fetched ahead as it asks for
    /// its page (its `per_page`, which a server that caps it may have
    /// lowered, and its spelling), as the sequential walk would.
    link: Url,
}

impl Shared {
    /// Wakes one idle worker when a page may be started; a woken worker
    /// that starts one passes the turn on if more may be started.
    fn wake_a_worker(&self, plan: &Plan) {
        if plan.idle > 0 && (plan.stopped || plan.may_start()) {
            self.work.notify_one();
        }
    }

    fn wake_consumer(&self, plan: &Plan) {
        if plan.consumer_waiting {
            self.ready.notify_one();
        }
    }

    /// Wakes everyone: the walk stopped, or a worker ended.
    fn wake_all(&self) {
        self.work.notify_all();
        self.ready.notify_all();
    }

    /// The fetched answer for the walk's next request, waiting for it if it
    /// is coming; `None` when the caller must fetch `url` itself (it is not
    /// the request fetched ahead for page `expected`, or no worker will
    /// fetch it).
    fn take(&self, api: &Api, url: &Url, expected: u64) -> Option<Result<RawPage>> {
        if RequestKey::of(url) != RequestKey::of(&page_like(&self.link, expected)) {
            return None;
        }
        let mut plan = locked(&self.plan);
        plan.wanted = plan.wanted.max(expected);
        let wanted = plan.wanted;
        plan.done = plan.done.split_off(&wanted);
        plan.next_start = plan.next_start.max(wanted);
        plan.bound = plan.bound.max(expected);
        self.wake_a_worker(&plan);
        // Until a worker has news.
        let waits = |plan: &mut Plan| !plan.done.contains_key(&expected) && plan.coming(expected);
        plan.consumer_waiting = true;
        let mut plan = (self.ready.wait_while(plan, waits)).unwrap_or_else(|e| e.into_inner());
        plan.consumer_waiting = false;
        let (result, warnings) = plan.done.remove(&expected)?;
        drop(plan);
        for warning in warnings {
            api.client().warn(&warning);
        }
        Some(result)
    }
}

/// When dropped, however it ends: the walk (`Ending(_, false)`), and the
/// workers start nothing more; or a worker (`Ending(_, true)`), counted
/// out. A worker that panics stops the others, so the consumer fetches
/// what it still needs itself rather than wait for a page that will never
/// come.
struct Ending<'a>(&'a Shared, bool);

impl Drop for Ending<'_> {
    fn drop(&mut self) {
        let Ending(shared, worker) = *self;
        let mut plan = locked(&shared.plan);
        match worker {
            true => plan.workers = plan.workers.saturating_sub(1),
            false => shared.ended.store(true, Ordering::Relaxed),
        }
        plan.stopped |= !worker || thread::panicking();
        drop(plan);
        shared.wake_all();
    }
}

/// Fetches pages by number while the plan allows.
fn worker(api: &Api, shared: &Shared, within: Duration) {
    // Counted out however it ends.
    let _done = Ending(shared, true);
    let limits = api.client().rate_limits();
    let log = api.client().log();
    loop {
        let n = {
            let mut plan = locked(&shared.plan);
            loop {
                if plan.stopped || plan.stalled || plan.next_start > plan.last {
                    return;
                }
                plan.observe(limits, log);
                if plan.may_start() {
                    break;
                }
                // Until a page may be started, or the walk stops.
                plan.idle += 1;
                plan = shared.work.wait(plan).unwrap_or_else(|e| e.into_inner());
                plan.idle -= 1;
            }
            let n = plan.next_start;
            plan.next_start += 1;
            plan.in_flight.insert(n);
            shared.wake_a_worker(&plan);
            n
        };
        let url = page_like(&shared.link, n);
        let warnings = Mutex::new(Vec::new());
        let ahead = FetchAhead {
            within,
            ended: &shared.ended,
            warnings: &warnings,
        };
        let result = api.get_page(&url, Some(ahead));
        let warnings = warnings.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut plan = locked(&shared.plan);
        plan.in_flight.remove(&n);
        plan.observe(limits, log);
        match &result {
            Err(e) if e.is::<LeftToTheWalk>() => {
                if !std::mem::replace(&mut plan.stalled, true) {
                    log.debug(&format!(
                        "GET {url} fetched ahead: {e}; the rest one page at a time"
                    ));
                }
                shared.wake_consumer(&plan);
                continue;
            }
            Ok(_) => {
                let grown = plan.window.grow(Instant::now());
                if let Some(k) = grown.filter(|_| plan.lowered) {
                    let k = counted(k as u64, "page", "pages");
                    log.debug(&format!("at most {k} in flight again"));
                }
            }
            // The walk ends at this page unless it goes elsewhere first:
            // start nothing after it.
            Err(_) => plan.last = plan.last.min(n),
        }
        if n >= plan.wanted && !plan.stopped {
            plan.done.insert(n, (result, warnings));
        }
        shared.wake_consumer(&plan);
        shared.wake_a_worker(&plan);
    }
}

/// Whether `url` asks for page `expected` of the accounts endpoint and
/// nothing else (`page` and `per_page` alone, each once).
pub fn is_plain_page_link(api: &Api, url: &Url, expected: u64) -> bool {
    let endpoint = api.page_url(expected);
    if url.origin() != endpoint.origin() || url.path() != endpoint.path() {
        return false;
    }
    // By name, `page` sorts first.
    let mut pairs: Vec<_> = (url.query_pairs())
        .map(|(key, value)| (key, value.parse::<u64>().ok()))
        .collect();
    pairs.sort();
    matches!(pairs.as_slice(), [(page, Some(n)), (per_page, Some(_))]
        if page == "page" && *n == expected && per_page == "per_page")
}

/// Page `n` as `link` (a plain page link) asks for its page: the same
/// parameters in the same order, `n` for `page`.
fn page_like(link: &Url, n: u64) -> Url {
    let mut url = link.clone();
    url.set_fragment(None);
    let pairs: Vec<(String, String)> = (link.query_pairs())
        .map(|(key, value)| match key.as_ref() {
            "page" => (key.into_owned(), n.to_string()),
            _ => (key.into_owned(), value.into_owned()),
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    /// A change to [`plan`]'s.
    type Change = fn(&mut Plan);

    /// Pages 5 to 10, the consumer wanting page 5, two allowed in flight
    /// (a window of three opens at two) and three held from `wanted` on.
    fn plan() -> Plan {
        Plan {
            next_start: 5,
            last: 10,
            bound: 10,
            wanted: 5,
            reorder: 3,
            window: Window::new(3),
            workers: 1,
            ..Plan::default()
        }
    }

    /// A page is started only within the window, the bound and the pages
    /// held for the consumer, and never after a stall: each limit alone
    /// stops it, and it starts right up to each.
    #[test]
    fn a_page_starts_only_within_every_limit() {
        assert!(plan().may_start());
        let limits: [(Change, bool); 7] = [
            (|p| p.stalled = true, false),
            (|p| p.in_flight = BTreeSet::from([1]), true),
            (|p| p.in_flight = BTreeSet::from([1, 2]), false),
            (|p| p.bound = 5, true),
            (|p| p.bound = 4, false),
            (|p| p.next_start = 7, true),
            (|p| p.next_start = 8, false),
        ];
        for (i, (change, starts)) in limits.into_iter().enumerate() {
            let mut plan = plan();
            change(&mut plan);
            assert_eq!(plan.may_start(), starts, "limit {i}");
        }
    }

    /// The consumer waits for a page in flight, or one a worker will
    /// start; after a stall, for the requests in flight to end; never
    /// once the walk has stopped.
    #[test]
    fn the_consumer_waits_only_for_a_page_that_is_coming() {
        let cases: [(Change, u64, bool); 9] = [
            (|_| {}, 5, true),
            (|_| {}, 10, true),
            (|_| {}, 11, false),
            (|p| p.workers = 0, 5, false),
            (
                |p| (p.workers, p.in_flight) = (0, BTreeSet::from([4])),
                4,
                true,
            ),
            (|p| p.stalled = true, 5, false),
            (
                |p| (p.stalled, p.in_flight) = (true, BTreeSet::from([9])),
                5,
                true,
            ),
            (|p| p.in_flight = BTreeSet::from([9]), 11, false),
            (
                |p| (p.stopped, p.in_flight) = (true, BTreeSet::from([5])),
                5,
                false,
            ),
        ];
        for (i, (change, expected, waits)) in cases.into_iter().enumerate() {
            let mut plan = plan();
            change(&mut plan);
            assert_eq!(plan.coming(expected), waits, "case {i}");
        }
    }

    /// A link spelled otherwise than the tool spells a page (its order, an
    /// escape, a fragment) was fetched twice: once ahead, once as linked.
    #[test]
    fn a_page_is_fetched_ahead_as_the_link_spells_it_and_matched_as_the_server_reads_it() {
        let link = url("http://h/express/accounts?per_page=20&page=%32#x");
        let third = page_like(&link, 3);
        assert_eq!(
            third.as_str(),
            "http://h/express/accounts?per_page=20&page=3"
        );
        for same in [
            "http://h/express/accounts?per_page=20&page=3#x",
            "http://h/express/accounts?page=%33&per_page=20",
        ] {
            assert!(
                RequestKey::of(&url(same)) == RequestKey::of(&third),
                "{same}"
            );
        }
        for other in [
            "http://h/express/accounts?per_page=50&page=3",
            "http://h/express/accounts?per_page=20&page=3&sort=id",
            "http://h/moved/accounts?per_page=20&page=3",
            "http://h:8080/express/accounts?per_page=20&page=3",
        ] {
            assert!(
                RequestKey::of(&url(other)) != RequestKey::of(&third),
                "{other}"
            );
        }
    }
}
