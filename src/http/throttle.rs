//! Rate limits seen by the client, and the window of pages a concurrent
//! walk keeps in flight: it opens at [`OPENING`] pages (one short of the
//! maximum when that is less) and grows by a page with each answer, so that
//! a rate-limited server refuses no more than a page or two of the first
//! wave, before the pace is known;
//! halved on a 429 (never below one), grown back by one page at a time once
//! the server's `Retry-After` has passed. The requests themselves are paced
//! by the client (see [`pacer`](super::pacer)).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What the client tells the walker about 429 answers: how many it has
/// seen, and until when the server asked for quiet. Cheap to read from any
/// thread.
#[derive(Debug, Default)]
pub struct RateLimits {
    hits: AtomicU64,
    quiet_until: Mutex<Option<Instant>>,
    /// Refusals that said they are a concurrency limit's.
    crowds: AtomicU64,
}

impl RateLimits {
    /// Records a 429 whose retry is due after `wait` (its `Retry-After`, or
    /// the backoff step when it had none).
    pub fn note(&self, wait: Duration) {
        let until = Instant::now() + wait;
        if let Ok(mut quiet) = self.quiet_until.lock() {
            *quiet = quiet.max(Some(until));
        }
        self.hits.fetch_add(1, Ordering::SeqCst);
    }

    /// Records a refusal that says it is a concurrency limit's (Traefik's
    /// `inFlightReq`), before its [`RateLimits::note`].
    pub fn note_crowd(&self) {
        self.crowds.fetch_add(1, Ordering::SeqCst);
    }

    /// How many refusals said they are a concurrency limit's.
    pub fn crowds(&self) -> u64 {
        self.crowds.load(Ordering::SeqCst)
    }

    /// How many 429 answers so far.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::SeqCst)
    }

    /// The latest moment a 429 asked to wait until.
    pub fn quiet_until(&self) -> Option<Instant> {
        self.quiet_until.lock().ok().and_then(|q| *q)
    }
}

/// The most pages in flight before any of them has been answered.
pub const OPENING: usize = 3;

/// How many pages may be in flight at once. (Its `Default`, no page at
/// all, is only a placeholder for [`Window::new`]'s.)
#[derive(Debug, Clone, Default)]
pub struct Window {
    max: usize,
    allowed: usize,
    seen_hits: u64,
    seen_crowds: u64,
    /// The pages allowed since the window last grew: those the refusals
    /// looked at next may have been sent with (a halving leaves it).
    sent_with: usize,
    hold_until: Option<Instant>,
}

impl Window {
    /// A window of up to `max` pages (at least one), opening at one less,
    /// and at most [`OPENING`].
    pub fn new(max: usize) -> Window {
        let max = max.max(1);
        let allowed = (max - 1).clamp(1, OPENING);
        Window {
            max,
            allowed,
            sent_with: allowed,
            ..Window::default()
        }
    }

    /// Pages allowed in flight now.
    pub fn allowed(&self) -> usize {
        self.allowed
    }

    /// Looks at the client's rate limits: new 429s since the last look
    /// halve the window (at least one) and hold it there until the quiet
    /// time is over. Returns the new size when it shrank.
    pub fn observe(&mut self, hits: u64, quiet_until: Option<Instant>) -> Option<usize> {
        if hits <= self.seen_hits {
            return None;
        }
        self.seen_hits = hits;
        // `None` is below any time: the later of the two, or the one there is.
        self.hold_until = self.hold_until.max(quiet_until);
        let before = self.allowed;
        self.allowed = (self.allowed / 2).max(1);
        (self.allowed < before).then_some(self.allowed)
    }

    /// Looks at the concurrency limit's refusals: the pages allowed when
    /// one was sent were too many, and the window never grows back to them
    /// (behind `inFlightReq` at `amount: 1` it halved to one and grew back
    /// to two, refused, with every other answer). Those allowed since the
    /// window last grew, not now: refusals of one burst looked at one after
    /// the other capped it below the limit, once halved. Before
    /// [`Window::observe`].
    pub fn cap(&mut self, crowds: u64) {
        if crowds > self.seen_crowds {
            self.seen_crowds = crowds;
            self.max = self.max.min(self.sent_with.saturating_sub(1).max(1));
        }
    }

    /// A page came back fine: grow by one towards the maximum, unless a
    /// rate limit still asks for quiet at `now`. Returns the new size when
    /// it grew.
    pub fn grow(&mut self, now: Instant) -> Option<usize> {
        if self.allowed >= self.max || self.hold_until.is_some_and(|h| now < h) {
            return None;
        }
        self.allowed += 1;
        self.sent_with = self.allowed;
        Some(self.allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_opens_one_short_and_grows_with_each_answer() {
        let now = Instant::now();
        assert_eq!(Window::new(1).allowed(), 1);
        assert_eq!(Window::new(2).allowed(), 1);
        let mut w = Window::new(4);
        assert_eq!(w.allowed(), 3);
        assert_eq!(w.grow(now), Some(4));
        assert_eq!(w.grow(now), None);
        let mut w = Window::new(16);
        assert_eq!(w.allowed(), OPENING);
        assert_eq!(w.grow(now), Some(OPENING + 1));
    }

    #[test]
    fn a_concurrency_limits_refusal_caps_the_window_below_it() {
        let now = Instant::now();
        let mut w = Window::new(4);
        w.cap(0);
        assert_eq!(w.grow(now), Some(4), "no such refusal yet");
        let mut w = Window::new(4);
        w.cap(2);
        w.observe(2, None);
        assert_eq!((w.grow(now), w.grow(now)), (Some(2), None));
        w.cap(3);
        w.observe(3, None);
        assert_eq!((w.allowed(), w.grow(now)), (1, None));
    }

    #[test]
    fn a_concurrency_limits_refusals_of_one_burst_cap_the_window_once() {
        let now = Instant::now();
        let mut w = Window::new(8);
        for _ in 0..3 {
            w.grow(now);
        }
        assert_eq!(w.allowed(), 6);
        w.cap(1);
        w.observe(1, None);
        // Two more of the burst at 6, looked at before the window grew.
        w.cap(3);
        w.observe(3, None);
        while w.grow(now).is_some() {}
        assert_eq!(w.allowed(), 5, "capped below the pages they went with");
    }

    #[test]
    fn a_rate_limit_halves_the_window_down_to_one() {
        let mut w = Window::new(9);
        for _ in 0..5 {
            w.grow(Instant::now());
        }
        assert_eq!(w.observe(0, None), None, "no 429 yet");
        assert_eq!(w.observe(1, None), Some(4));
        assert_eq!(w.observe(1, None), None, "the same 429 counts once");
        assert_eq!(w.observe(3, None), Some(2));
        assert_eq!(w.observe(4, None), Some(1));
        assert_eq!(w.observe(5, None), None, "never below one");
        assert_eq!(w.allowed(), 1);
    }

    #[test]
    fn the_window_grows_back_only_after_retry_after() {
        let now = Instant::now();
        let mut w = Window::new(4);
        w.grow(now);
        w.observe(1, Some(now + Duration::from_secs(2)));
        assert_eq!(w.allowed(), 2);
        assert_eq!(w.grow(now), None, "still quiet");
        assert_eq!(w.grow(now + Duration::from_secs(1)), None);
        let later = now + Duration::from_secs(2);
        assert_eq!(w.grow(later), Some(3));
        assert_eq!(w.grow(later), Some(4));
        assert_eq!(w.grow(later), None, "never above the maximum");
    }

    #[test]
    fn rate_limits_keep_the_latest_quiet_time() {
        let limits = RateLimits::default();
        assert_eq!((limits.hits(), limits.quiet_until()), (0, None));
        limits.note(Duration::from_secs(10));
        let first = limits.quiet_until().unwrap();
        limits.note(Duration::ZERO);
        assert_eq!(limits.hits(), 2);
        assert_eq!(
            limits.quiet_until(),
            Some(first),
            "a shorter wait does not cut it"
        );
    }

    /// The walker caps its window by this count (`Window::cap`): a refusal
    /// not counted left the window growing back into the limit.
    #[test]
    fn rate_limits_count_the_concurrency_limits_refusals() {
        let limits = RateLimits::default();
        assert_eq!(limits.crowds(), 0);
        limits.note_crowd();
        limits.note_crowd();
        assert_eq!(limits.crowds(), 2);
        assert_eq!(limits.hits(), 0, "its 429 is counted by `note`");
    }
}
