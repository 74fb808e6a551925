//! One pacer for every request of a run: a token bucket (GCRA) whose rate
//! is `--max-rate`, or what the server said (`RateLimit-*`, `X-RateLimit-*`),
//! or what it let through before it answered 429.
//!
//! The logic is pure: every method takes the time it is called at, so the
//! unit tests drive it with made-up instants and nothing sleeps. [`Pace`]
//! is the thread-safe wrapper the client uses, with a [`Clock`] that the
//! tests replace too.
//!
//! How the rate is learnt, in order of trust:
//! - `--max-rate N`: never more than N requests a second, one at a time.
//! - Rate headers: `RateLimit-Policy: q;w=s` (or a `w=` in `RateLimit-Limit`)
//!   gives q requests per s seconds, with a burst of q. Without a window,
//!   the longest `Reset` seen is taken as the window. `Remaining` and
//!   `Reset` are a budget: no more than `Remaining` requests (less those sent
//!   since the answer's request) before `Reset` has passed.
//! - A 429 (or 503) without them: the rate that got through, the requests
//!   that succeeded in the second before it (one is no rate: then
//!   [`FALLBACK_RATE`]), and never more than one per gap since the last
//!   request that got through; with a burst of what the server can
//!   have refilled while the client waited. A 429 for a request sent before
//!   the last cut is the same episode and changes nothing. Never below one
//!   request per `Retry-After` (and the gap since the last request through,
//!   when one sent that long after it was refused). After [`PROBE_AFTER`] without a 429 the rate
//!   rises by [`PROBE_STEP`] every [`PROBE_EVERY`], twice the step each
//!   time (up to +80 %): slowly at first, so a walk that learnt the limit
//!   stays under it, and back up in a minute from far below it. A 429 while the pace allows a burst
//!   first takes the burst away; only then is the rate cut. The gap bound
//!   is the burst per gap when the last request that got through ended a
//!   burst (a sliding window refuses all until its burst leaves it), and a
//!   refusal again, with none through since, holds every request for
//!   [`AGAIN_HOLD`] (or its `Retry-After`, if longer), then twice as long
//!   each time.
//!
//! A learnt rate is paced at [`MARGIN`] of itself, so that a request that
//! arrives a little early still finds a token.
//!
//! Before the server has said anything, requests go as they come, with one
//! exception: once an answer has come back, a request waits (at most
//! [`SETTLE`] after they went) for the answers of requests sent with that
//! one (within [`SIBLINGS`] of it). Requests sent together come back together from a fast server, and
//! a request sent on the first answer would otherwise go before the 429s of
//! the others had set the pace. Over a network their answers are long
//! settled, and nothing waits.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::retry::MAX_RETRY_AFTER;
use crate::interrupt::locked;
use crate::text::counted;

/// A learnt rate is paced at this fraction of itself.
pub const MARGIN: f64 = 0.97;
/// The span over which "the rate that got through" is counted.
pub const MEASURE_OVER: Duration = Duration::from_secs(1);
/// How long the gaps that went through count (the history `forget` keeps).
const KEPT: Duration = Duration::from_secs(60);
/// No probing upwards until this long after the last 429.
pub const PROBE_AFTER: Duration = Duration::from_secs(30);
/// Then one step this often.
pub const PROBE_EVERY: Duration = Duration::from_secs(10);
/// Each step raises the rate by this fraction.
pub const PROBE_STEP: f64 = 0.05;
/// A 429 at a rate the client already paced to lowers it by this factor
/// (when the count that got through is no lower).
pub const CUT: f64 = 0.8;
/// With nothing else to go on, the rate after a first 429 (requests a
/// second): the rate Talkdesk documents for its Express endpoints.
pub const FALLBACK_RATE: f64 = 2.0;
/// A `Retry-After` wait gets up to this fraction of itself added ...
pub const JITTER_FRACTION: f64 = 0.1;
/// ... but never more than this.
pub const MAX_JITTER: Duration = Duration::from_secs(1);
/// How long after it went an unanswered request holds back the next one,
/// until the server has set a pace or answered [`OPENING_ANSWERS`] times.
pub const SETTLE: Duration = Duration::from_millis(20);
/// See [`SETTLE`].
pub const OPENING_ANSWERS: u64 = 8;
/// Requests sent this close together count as sent together.
pub const SIBLINGS: Duration = Duration::from_millis(5);
/// The answers a crowd's 503 is judged against (a walk has at most
/// `--concurrency` pages in flight).
const ANSWERS_KEPT: usize = 64;
/// A concurrency limit's 503 holds the next request until another answer
/// has freed a place, or this long (a page held longer than the limiter
/// keeps a place is no place it frees).
pub const CROWD_HOLD: Duration = Duration::from_secs(1);
/// After a concurrency limit's 503, no more requests go at once than were
/// in flight with it, for this long (while another answer has come within
/// [`CROWD_HOLD`]).
pub const CROWD_CAP_FOR: Duration = Duration::from_secs(30);
/// A second refusal in a row holds every request this long, a third
/// twice as long, and so on, at most [`MAX_RETRY_AFTER`]: the five tries
/// of a page at the default `--max-retries` then outlast a window of 10 s
/// that counts them.
pub const AGAIN_HOLD: Duration = Duration::from_secs(2);
/// The lowest rate ever paced to, whatever the server says.
pub const MIN_RATE: f64 = 1.0 / 120.0;
/// A `Reset` above this is a Unix time (as GitHub's `X-RateLimit-Reset`).
const EPOCH_RESET_ABOVE: u64 = 1_000_000_000;

/// Whether an answer says "too many requests": a 429, or a 503, which
/// rate limiters send too (nginx's `limit_req` by default). Either one
/// sets the pace, and halves the pages a concurrent walk keeps in flight.
pub fn is_refusal(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// Apigee's refusal by its SpikeArrest or Quota policy, which Apigee Edge
/// answers with a 500 by default: a rate limit, not a failure.
pub fn is_limiter_fault(body: &[u8]) -> bool {
    memchr::memmem::find(body, b"\"policies.ratelimit.").is_some()
}

/// How a 429 over a limit on requests or connections in flight begins:
/// Traefik's `inFlightReq` (oxy's connlimit, `max connections reached: N`),
/// chi's `Throttle` (and its backlog's wait), fasthttp's `MaxConnsPerIP`.
const CROWD_REFUSALS: [&[u8]; 4] = [
    b"max connections reached",
    b"Server capacity exceeded.",
    b"Timed out while waiting for a pending request to complete.",
    b"The number of connections from your ip exceeds MaxConnsPerIP",
];

/// A 429 of [`CROWD_REFUSALS`]: a concurrency limit's, not a rate limit's.
pub fn is_crowd_refusal(body: &[u8]) -> bool {
    (CROWD_REFUSALS.iter()).any(|words| body.starts_with(words))
}

/// The rate restify's throttle plugin names in its refusal (`You have
/// exceeded your request rate of 0.05 r/s.`), in requests a second.
fn restify_rate(body: &[u8]) -> Option<f64> {
    const SAYS: &[u8] = b"You have exceeded your request rate of ";
    let at = memchr::memmem::find(body, SAYS)? + SAYS.len();
    let rest = std::str::from_utf8(&body[at..]).ok()?;
    number(rest.split_once(" r/s")?.0).filter(|rate| *rate > 0.0)
}

/// A 502, or a 500 that is no limiter's fault ([`is_limiter_fault`]), for a
/// request that had others in flight: a crowd's only once one of them gets
/// through (nginx's 502 over php-fpm's workers; mod_qos's 500, its default,
/// over `QS_LocRequestLimit`), an outage's when they fail too.
fn unsure_crowd(answer: &Answer) -> bool {
    answer.status == 502 || answer.status == 500 && !answer.limiter_fault
}

/// Envoy's 503 for an upstream it could not reach (refused, reset, none
/// healthy): the proxy failing, as a 502 is, not a limiter refusing. Not
/// its circuit breaker's (`reset reason: overflow`), a concurrency limit's.
/// Nor is Go's `http.TimeoutHandler`'s, with its default page, or Daphne's
/// past its `--http-timeout`: a handler over the server's time limit. Nor
/// Pound's when no backend is alive.
pub fn is_gateway_fault(body: &[u8]) -> bool {
    let text = body.trim_ascii();
    let prefix = b"upstream connect error or disconnect/reset before headers.";
    text.starts_with(prefix) && !text.ends_with(b"reset reason: overflow")
        || text == b"no healthy upstream"
        || text == GO_TIMEOUT_PAGE
        || memchr::memmem::find(text, DAPHNE_TIMEOUT).is_some()
        || text == POUND_NO_BACKEND
}

/// Pound 2's 503 when no backend of the service is alive (or no service
/// takes the request). Not Pound 4's default page, which is also what a
/// request over a `TBF` rate limit gets where no other service takes it.
const POUND_NO_BACKEND: &[u8] = b"The service is not available. Please try again later.";

/// What Daphne's 503 page says of an application over `--http-timeout`.
const DAPHNE_TIMEOUT: &[u8] = b"<p>Application failed to respond within time limit.</p>";

/// The body of Go's `http.TimeoutHandler` given no message of its own.
pub const GO_TIMEOUT_PAGE: &[u8] =
    b"<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>";

/// `retry_after` with a small jitter on top, given a random fraction in
/// `[0, 1)`: requests refused together do not come back together. The
/// whole wait stays within the 60 s a `Retry-After` is capped at (§5).
pub fn with_jitter(retry_after: Duration, fraction: f64) -> Duration {
    let extra = (retry_after.mul_f64(JITTER_FRACTION * fraction.clamp(0.0, 1.0))).min(MAX_JITTER);
    (retry_after + extra).min(retry_after.max(MAX_RETRY_AFTER))
}

/// What the rate-limit headers of one answer said.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateHeaders {
    /// Requests allowed per window.
    pub limit: Option<f64>,
    /// The window, when the server named it (`w=`).
    pub window: Option<Duration>,
    /// Requests left in the current window.
    pub remaining: Option<f64>,
    /// Until the quota is back.
    pub reset: Option<Duration>,
}

/// Reads `RateLimit-Limit`, `-Remaining`, `-Reset` and `RateLimit-Policy`
/// (the IETF draft), or the later drafts' one `RateLimit` header
/// (`limit=10, remaining=9, reset=1`, or `"p";r=9;t=1` with a policy
/// `"p";q=10;w=1`), else `X-RateLimit-*`, else `X-Rate-Limit-*`
/// (moleculer-web's, Twitter's spelling), through `header` (a
/// case-insensitive lookup). `None` when the answer has none of them.
pub fn parse_rate_headers<'a>(
    header: impl Fn(&str) -> Option<&'a str>,
    now: SystemTime,
) -> Option<RateHeaders> {
    let ratelimit = header("ratelimit").map(nearest_item);
    let policy = header("ratelimit-policy").map(|p| parse_quota(named_policy(p, ratelimit)));
    for prefix in ["ratelimit-", "x-ratelimit-", "x-rate-limit-"] {
        let get = |name: &str| header(&format!("{prefix}{name}"));
        // The drafts' `RateLimit` and `RateLimit-Policy` go with `RateLimit-*` alone.
        let ietf = prefix == "ratelimit-";
        let combined = |keys: &[&str]| param(ratelimit.filter(|_| ietf)?, keys);
        let (limit, limit_window) = get("limit").map(parse_quota).unwrap_or_default();
        let (policy_limit, policy_window) = policy.filter(|_| ietf).unwrap_or_default();
        let found = RateHeaders {
            limit: limit.or(policy_limit).or_else(|| combined(&["limit"])),
            window: limit_window.or(policy_window),
            remaining: (get("remaining").and_then(first_number))
                .or_else(|| combined(&["remaining", "r"])),
            reset: (get("reset").and_then(first_number))
                .or_else(|| combined(&["reset", "t"]))
                .map(|n| reset_after(n, now)),
        };
        // A window alone says nothing.
        if found.limit.is_some() || found.remaining.is_some() || found.reset.is_some() {
            return Some(found);
        }
    }
    None
}

/// Headers named after a throttler, under their plain names: NestJS's
/// `@nestjs/throttler` names those of every throttler but `default` so
/// (`X-RateLimit-Limit-short`, and `Retry-After-short` on a refusal). The
/// rate headers are those of the throttler nearest exhaustion (the fewest
/// remaining, and of as many the one whose reset is furthest off), as the
/// drafts' one `RateLimit` header names it, and the
/// `Retry-After` the longest of a refusal's. hapi-rate-limit names its
/// limits inside the name (`X-RateLimit-PathRemaining`, `-UserReset`), and
/// counts a refusal's remaining below zero (read so only beside a limit).
/// `headers` are (lowercase name, value) pairs; a plain header, when sent,
/// is read before these.
pub fn throttler_headers<'a>(headers: &[(&str, &'a str)]) -> Vec<(&'static str, &'a str)> {
    let named = |plain: &str, throttler: &str| {
        (headers.iter()).find_map(|&(n, v)| (throttler_of(n, plain)? == throttler).then_some(v))
    };
    // The fewest remaining, and of as many the longest reset.
    let remaining = |(n, v): &(&str, &'a str)| {
        let throttler = throttler_of(n, "x-ratelimit-remaining")?;
        let reset = named("x-ratelimit-reset", throttler).and_then(number);
        // Below zero (hapi-rate-limit's refusal) only beside a limit.
        let limited = named("x-ratelimit-limit", throttler).and_then(number) > Some(0.0);
        let left = (v.trim().parse::<f64>().ok()).filter(|n| n.is_finite())?;
        let left = (left >= 0.0 || limited).then_some(left.max(0.0))?;
        Some((left, reset.unwrap_or_default(), throttler.to_owned()))
    };
    let nearest = nearest(headers.iter().filter_map(remaining));
    let plain = [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ];
    let mut found: Vec<_> = (plain.into_iter())
        .filter_map(|plain| Some((plain, named(plain, nearest.as_ref()?)?)))
        .collect();
    let retry_after = (headers.iter())
        .filter(|(n, _)| n.starts_with("retry-after-"))
        .filter_map(|&(_, v)| Some((number(v)?, v)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    found.extend(retry_after.map(|(_, v)| ("retry-after", v)));
    found
}

/// hapi-rate-limit's limits, as its header names hold them.
const HAPI_LIMITS: [&str; 3] = ["userpath", "path", "user"];

/// The throttler whose `plain` header (`x-ratelimit-remaining`) `name` is:
/// NestJS's `x-ratelimit-remaining-short`, hapi-rate-limit's
/// `x-ratelimit-pathremaining`.
fn throttler_of<'n>(name: &'n str, plain: &str) -> Option<&'n str> {
    let suffixed = name
        .strip_prefix(plain)
        .and_then(|rest| rest.strip_prefix('-'));
    suffixed.or_else(|| {
        let field = plain.strip_prefix("x-ratelimit-")?;
        let limit = name.strip_prefix("x-ratelimit-")?.strip_suffix(field)?;
        HAPI_LIMITS.contains(&limit).then_some(limit)
    })
}

/// The item of a draft-8 `RateLimit` list nearest exhaustion (the fewest
/// `r=`, and of as many the furthest `t=`), as two limiters' come
/// (`"3-in-1sec"; r=1; t=1, "3-in-10sec"; r=0; t=7`); a list of
/// `key=value` (`limit=10, remaining=9, reset=1`) is one item, beside
/// them too (express-rate-limit's draft-7 line, a draft-8 one's after it).
fn nearest_item(value: &str) -> &str {
    if !value.contains(';') {
        return value;
    }
    let left = |item: &str| param(item, &["r", "remaining"]).unwrap_or(f64::MAX);
    let reset = |item: &str| param(item, &["t", "reset"]).unwrap_or_default();
    let items = rate_items(value).into_iter();
    nearest(items.map(|item| (left(item), reset(item), item))).unwrap_or(value)
}

/// Of `(left, reset, item)`, the item nearest exhaustion: the fewest
/// left, and of as many the one whose reset is furthest off (the first
/// of those).
fn nearest<T>(items: impl Iterator<Item = (f64, f64, T)>) -> Option<T> {
    let nearer =
        |a: &(f64, f64, T), b: &(f64, f64, T)| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1));
    items.min_by(nearer).map(|(.., item)| item)
}

/// A `RateLimit` list's items: each draft-8 one (`"p"; r=1; t=1`), and a
/// run of `key=value` (a draft-7 line) as one.
fn rate_items(value: &str) -> Vec<&str> {
    let mut items: Vec<std::ops::Range<usize>> = Vec::new();
    let keyed = |range: &std::ops::Range<usize>| !value[range.clone()].contains(';');
    let mut start = 0;
    for end in (value.match_indices(',').map(|(i, _)| i)).chain([value.len()]) {
        match items.last_mut() {
            Some(last) if keyed(last) && keyed(&(start..end)) => last.end = end,
            _ => items.push(start..end),
        }
        start = end + 1;
    }
    items.into_iter().map(|range| &value[range]).collect()
}

/// The item of a `RateLimit-Policy` list that the `RateLimit` header names
/// (`"daily";q=5000;w=86400, "sec";q=2;w=1` with `RateLimit: "sec";r=0;t=1`),
/// else the whole list, whose first policy then counts.
fn named_policy<'a>(policy: &'a str, ratelimit: Option<&str>) -> &'a str {
    let name = |item: &str| item.split(';').next().unwrap_or_default().trim().to_owned();
    let named = ratelimit.map(|r| name(r.split(',').next().unwrap_or_default()));
    (named.and_then(|n| policy.split(',').find(|item| name(item) == n))).unwrap_or(policy)
}

/// The shortest reset taken as a window: koa-ratelimit's reset is a Unix
/// time with a fraction, and the request that opens its window of 1 s
/// reads 0.995 s. (A whole second rounded down reads 0.)
const MIN_RESET_WINDOW: Duration = Duration::from_millis(500);

/// The longest rate-limit window read, in seconds (a day).
const MAX_WINDOW_SECS: f64 = 86_400.0;

/// A rate above this is no limit anyone paces to: read as this, so that
/// `-v` logs a number, not `inf`.
const MAX_LEARNT_RATE: f64 = 10_000.0;

/// `10`, `10, 10;w=1`, `100;w=60;burst=10`: the first number and the
/// first `w=` window.
fn parse_quota(value: &str) -> (Option<f64>, Option<Duration>) {
    let limit = first_number(value).or_else(|| param(value, &["q"]));
    // A window past a day is ignored, as one not named is.
    (limit, param(value, &["w"]).and_then(window))
}

/// A window of `secs` seconds, if one: past a day is no window anyone sets
/// (and no server number can then overflow a `Duration`).
fn window(secs: f64) -> Option<Duration> {
    (secs > 0.0 && secs <= MAX_WINDOW_SECS).then(|| Duration::from_secs_f64(secs))
}

/// The first `key=number` of a list whose key is one of `keys`.
fn param(value: &str, keys: &[&str]) -> Option<f64> {
    value
        .split([',', ';'])
        .filter_map(|part| part.trim().split_once('='))
        .filter(|(k, _)| keys.iter().any(|key| k.trim().eq_ignore_ascii_case(key)))
        .find_map(|(_, v)| number(v))
}

/// The first item of a list, as a non-negative number.
fn first_number(value: &str) -> Option<f64> {
    number(value.split([',', ';']).next()?)
}

/// A finite, non-negative number, spaces around it ignored.
fn number(text: &str) -> Option<f64> {
    (text.trim().parse::<f64>().ok()).filter(|n| n.is_finite() && *n >= 0.0)
}

/// Seconds from now, or a Unix time when it is that large: in seconds,
/// or in milliseconds when past any second a server means (year 5138).
fn reset_after(n: f64, now: SystemTime) -> Duration {
    if n > EPOCH_RESET_ABOVE as f64 {
        let secs = if n > 1e11 { n / 1000.0 } else { n };
        let at = UNIX_EPOCH + Duration::from_secs_f64(secs.min(1e12));
        return at.duration_since(now).unwrap_or(Duration::ZERO);
    }
    Duration::from_secs_f64(n.min(1e9))
}

/// A number as `-v` shows it: `5000000`, but `1e308`, not its 309 digits.
fn as_number(n: f64) -> String {
    match n < 1e15 {
        true => n.to_string(),
        false => format!("{n:e}"),
    }
}

/// A request's place in the pace: when it went, and its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub at: Instant,
    seq: u64,
}

/// What an answer tells the pacer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Answer {
    pub status: u16,
    /// Its `Retry-After` (as the client will wait it, before jitter), or a
    /// refusal's spent quota's reset.
    pub retry_after: Option<Duration>,
    /// `retry_after` is a spent quota's reset, not a `Retry-After`.
    pub at_reset: bool,
    pub headers: Option<RateHeaders>,
    /// How long the server asks the client to keep away, uncapped and
    /// unscaled (`Retry-After`, or the reset of a spent quota).
    pub keep_away: Option<Duration>,
    /// A refusal whatever its status says: Apigee's 500 with a
    /// `policies.ratelimit.` fault.
    pub limiter_fault: bool,
    /// A 429 whose body says a concurrency limit refused it (Traefik's
    /// `inFlightReq`): taken as a crowd's 503 is ([`is_crowd_refusal`]).
    pub crowd_said: bool,
    /// No refusal whatever its status says: Envoy's 503 for an upstream it
    /// could not reach ([`is_gateway_fault`]).
    pub gateway_fault: bool,
}

impl Answer {
    /// What the body of this answer says that its status does not: Apigee
    /// Edge's 500 (SpikeArrest, Quota) is a refusal, as a 429 is; Traefik's
    /// 429 of `inFlightReq` a concurrency limit's; Envoy's 503 for an
    /// upstream it could not reach the proxy failing.
    pub fn read_body(&mut self, body: &[u8]) {
        self.limiter_fault = self.status == 500 && is_limiter_fault(body);
        self.crowd_said = self.status == 429 && is_crowd_refusal(body);
        self.gateway_fault = self.status == 503 && is_gateway_fault(body);
        // restify's throttle says its rate in its words alone: one request
        // per 1/rate s (its `X-RateLimit-Limit`, when sent, is its burst),
        // a window past a day ignored as a header's is.
        let rate = restify_rate(body).filter(|_| self.status == 429);
        if let Some(window) = rate.and_then(|r| window(1.0 / r)) {
            self.headers = Some(RateHeaders {
                limit: Some(1.0),
                window: Some(window),
                ..self.headers.unwrap_or_default()
            });
        }
    }

    /// Whether it says "too many requests" ([`is_refusal`]).
    pub fn refused(&self) -> bool {
        self.limiter_fault || is_refusal(self.status) && !self.gateway_fault
    }
}

/// Where the pace comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--max-rate`.
    Cap,
    /// The server's rate-limit headers.
    Headers,
    /// What got through before a 429.
    Refusals,
}

/// A change of pace, for the `-v` log.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Requests a second now paced to.
    pub rate: f64,
    /// Why, in a few words.
    pub why: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pacing at {:.2} requests/s: {}", self.rate, self.why)
    }
}

/// What `--max-rate` and the server allow: the pure state. Made by
/// [`Pacer::new`] (the derived default only fills the fields it leaves).
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    cap: Option<f64>,
    /// The server's rate as learnt (before [`MARGIN`]), and from what.
    learnt: Option<(f64, Source)>,
    burst: f64,
    /// The GCRA's theoretical arrival time.
    tat: Option<Instant>,
    /// No request before this.
    hold_until: Option<Instant>,
    /// When the latest hold ended: no quiet to probe upwards on.
    held_to: Option<Instant>,
    /// Requests the server still takes before `budget_until`.
    budget: Option<(f64, Instant)>,
    /// The longest `Reset` seen with the last limit: its window when none
    /// is named (a reset counts down to the window's end). And that limit.
    longest_reset: Duration,
    reset_of: Option<f64>,
    /// The lowest rate allowed: one request per `Retry-After`.
    floor: f64,
    /// Requests sent so far (the next slot's number).
    sent: u64,
    /// Requests sent and not answered yet: when each went.
    outstanding: BTreeMap<u64, Instant>,
    /// The last [`ANSWERS_KEPT`] answers: when each request went, and when
    /// its answer was taken in.
    answered: VecDeque<(Instant, Instant)>,
    /// Answers so far.
    answers: u64,
    /// When each recent request that got through was sent.
    through: VecDeque<Instant>,
    /// When each recent request was sent, refused or not.
    recent: VecDeque<Instant>,
    /// The headers' quota: at most this many requests in any such window.
    quota: Option<(f64, Duration)>,
    /// The quota a refusal's headers stated, kept to whatever the answers
    /// after it say (two limiters stacked, the second's headers over the
    /// first's on every answer that gets through), and when the last
    /// refusal came: kept to for [`KEPT`] after it, not for good (a limit
    /// raised meanwhile held a walk at the old one for the rest of the run).
    refused_quota: Option<((f64, Duration), Instant)>,
    last_cut: Option<Instant>,
    last_raise: Option<Instant>,
    /// Steps up since the last cut: each is twice the one before.
    probes: u32,
    /// The rate before the last step up, which held: a refused step goes
    /// back to it. And the steps refused: each doubles the quiet wanted.
    held: Option<f64>,
    steps_refused: u32,
    /// Refusals since the last request that got through, each of a request
    /// sent after the one before was answered, and when that one came.
    refused_in_a_row: u32,
    last_refused: Option<Instant>,
    /// When the latest refused request without a `Retry-After` went, and
    /// the shortest gap after a request through that got through after one.
    refused_sent: Option<Instant>,
    enough: Option<Duration>,
    /// The shortest gap of a second or more after a request through, of a
    /// request alone that got through too, and when it went.
    lone_gap: Option<(Duration, Instant)>,
    /// [`AGAIN_HOLD`], as scaled for tests.
    again_hold: Duration,
    /// The answers so far when a crowd's 503 came, and when (see
    /// `on_answer`): no request until another one, while any is in flight,
    /// for at most [`CROWD_HOLD`].
    crowd: Option<(u64, Instant)>,
    /// A 500, 502 or 504 came since the last success: the server is
    /// failing, and a silent 503 meanwhile is its outage (Traefik's
    /// `circuitBreaker`, open), not a rate limit's refusal.
    failing: bool,
    /// The fewest requests in flight with a crowd's 503, and when the last
    /// one came: no more go at once for [`CROWD_CAP_FOR`]. Growing back to
    /// one more with each answer met the limit again: behind Envoy's
    /// `max_requests: 1` every other page was refused.
    crowd_cap: Option<(usize, Instant)>,
    /// A crowd's 502, not yet taken as one: the fewest in flight with it,
    /// and when the latest went. Its cap holds once a request in flight
    /// with it gets through (an outage's 502s, all of them, held a walk
    /// at one page in flight for 30 s after it).
    crowd_unsure: Option<(usize, Instant)>,
}

impl Pacer {
    /// A pacer with no pace yet, or `--max-rate` requests a second.
    pub fn new(max_rate: Option<f64>) -> Pacer {
        Pacer {
            cap: max_rate.filter(|r| r.is_finite() && *r > 0.0),
            burst: 1.0,
            floor: MIN_RATE,
            again_hold: AGAIN_HOLD,
            ..Pacer::default()
        }
    }

    /// The rate paced to now, requests a second (`None`: no pace), and its
    /// burst.
    pub fn pace(&self) -> Option<(f64, f64, Source)> {
        let learnt = self.learnt.map(|(r, source)| {
            // The floor keeps the margin too once requests get through: at
            // exactly one per `Retry-After: 2` every other request found a
            // token bucket of one per 2 s a moment short of its token.
            let floor = self.floor * if self.through.is_empty() { 1.0 } else { MARGIN };
            let rate = (r * MARGIN).max(floor).max(MIN_RATE);
            (rate, self.burst, source)
        });
        // `--max-rate` too keeps the margin: a request sent on time that
        // reaches the server 2 ms early was refused by nginx `limit_req`.
        match (self.cap.map(|cap| cap * MARGIN), learnt) {
            // `--max-rate`: one at a time, whatever the server allows.
            (Some(cap), Some(learnt)) if learnt.0 <= cap => Some((learnt.0, 1.0, learnt.2)),
            (Some(cap), _) => Some((cap, 1.0, Source::Cap)),
            (None, learnt) => learnt,
        }
    }

    /// The rate paced to now, if any.
    pub fn rate(&self) -> Option<f64> {
        self.pace().map(|(rate, _, _)| rate)
    }

    /// The pace as a bucket (GCRA): the interval between requests, and
    /// how many more than one may go at once.
    fn bucket(&self) -> Option<(Duration, u32)> {
        let (rate, burst, _) = self.pace()?;
        let extra = (burst - 1.0).max(0.0).round().min(f64::from(u16::MAX)) as u32;
        Some((Duration::from_secs_f64(1.0 / rate), extra))
    }

    /// May a request go at `now`? `Ok` takes the slot; `Err` is how long to
    /// wait before asking again.
    pub fn try_send(&mut self, now: Instant) -> Result<Slot, Duration> {
        if let Some(hold) = self.hold_until {
            if now < hold {
                return Err(hold - now);
            }
            self.hold_until = None;
        }
        let crowded =
            (self.crowd).is_some_and(|(n, at)| n == self.answers && now < at + CROWD_HOLD);
        if crowded && !self.outstanding.is_empty() || self.at_crowd_cap(now) {
            return Err(SETTLE);
        }
        if let Some(settled) = self.settles_at(now) {
            return Err(settled - now);
        }
        if let Some((left, until)) = self.budget {
            if now >= until {
                self.budget = None;
            } else if left < 1.0 {
                return Err(until - now);
            }
        }
        if let Some(wait) = self.quota_wait(now) {
            return Err(wait);
        }
        if let Some((interval, extra)) = self.bucket() {
            let tat = self.tat.unwrap_or(now);
            let earliest = tat.checked_sub(interval * extra).unwrap_or(now);
            if now < earliest {
                return Err(earliest - now);
            }
            self.tat = Some(tat.max(now) + interval);
        }
        if let Some((left, _)) = &mut self.budget {
            *left -= 1.0;
        }
        let slot = Slot {
            at: now,
            seq: self.sent,
        };
        self.sent += 1;
        self.recent.push_back(now);
        self.outstanding.insert(slot.seq, now);
        self.forget(now);
        Ok(slot)
    }

    /// How long until a request keeps to the headers' quota: no more than
    /// `limit` in any `window`, those already sent (refused too, as a
    /// limiter counts them) included. The token bucket alone let a burst
    /// and the next request go within one window: 3 in 2 ms against
    /// `RateLimit-Policy: 2;w=1`, and a sliding window refused the third.
    fn quota_wait(&self, now: Instant) -> Option<Duration> {
        let learnt = (self.quota).filter(|_| matches!(self.learnt, Some((_, Source::Headers))));
        let refused = (self.refused_quota).filter(|&(_, at)| now < at + KEPT);
        (learnt.into_iter().chain(refused.map(|(quota, _)| quota)))
            .filter_map(|quota| self.wait_for(quota, now))
            .max()
    }

    /// [`Pacer::quota_wait`] for one quota.
    fn wait_for(&self, (limit, window): (f64, Duration), now: Instant) -> Option<Duration> {
        // No longer than a Retry-After is waited (§5): an hourly quota held
        // the next request an hour, silently; beyond that the 429 decides.
        // And a little longer, as the rate is a little lower (MARGIN): the
        // request reaches the server a moment after its slot.
        let window = window.min(MAX_RETRY_AFTER).div_f64(MARGIN);
        let limit = limit as usize;
        let since = now.checked_sub(window);
        let mut within = (self.recent.iter().rev()).take_while(|&&t| since.is_none_or(|s| t > s));
        let leaves = within.nth(limit.checked_sub(1)?)?;
        Some(*leaves + window - now)
    }

    /// Before any pace: when the requests that went with one already
    /// answered will have had time to answer too, if that is still ahead.
    fn settles_at(&self, now: Instant) -> Option<Instant> {
        if self.learnt.is_some() || self.answers >= OPENING_ANSWERS {
            return None;
        }
        // When the request of the last answer went.
        let &(answered, _) = self.answered.back()?;
        self.outstanding
            .values()
            .filter(|&&sent| sent.max(answered) - sent.min(answered) <= SIBLINGS)
            .map(|&sent| sent + SETTLE)
            .filter(|&settled| now < settled)
            .max()
    }

    /// The request of `slot` got no answer (a connection error).
    pub fn no_answer(&mut self, slot: Slot) {
        self.outstanding.remove(&slot.seq);
    }

    /// Takes in the answer to the request sent in `slot`, arriving at
    /// `now`. Returns the new pace when it changed.
    pub fn on_answer(&mut self, slot: Slot, now: Instant, answer: &Answer) -> Option<Change> {
        self.outstanding.remove(&slot.seq);
        self.answers += 1;
        let before = self.pace();
        let sent = slot.at;
        let mut why = (answer.headers).and_then(|h| self.learn_headers(slot, now, &h));
        // A wait of zero comes only from the tests' scale (the client reads
        // a server's `Retry-After: 0` as none): a retry at once, nothing to
        // learn.
        let retry_now = answer.retry_after.is_some_and(|d| d.is_zero());
        let refused = self.refusal(answer);
        // Sent after the last refusal came back: an answer to it tells how
        // the limiter stands now (a request of the refused burst does not).
        let sent_since_refusal = self.last_refused.is_none_or(|at| sent >= at);
        // A silent 503 (or 502) for a request that had others in flight: as
        // likely a concurrency limit's as a rate limit's (see `crowded`):
        // fewer go at once, and no rate is learnt from it.
        let crowded = self.crowded(sent, answer);
        if self.answered.len() >= ANSWERS_KEPT {
            self.answered.pop_front();
        }
        let crowd = crowded && (refused || unsure_crowd(answer));
        self.crowd_news(sent, now, answer, crowd);
        self.answered.push_back((sent, now));
        if refused && !retry_now {
            // Refused again, for a request sent after the last refusal came
            // back: the limiter still counts what went before (a sliding
            // window counts its refusals too), so all requests wait, longer
            // each time.
            if sent_since_refusal && !crowded {
                self.refused_in_a_row += 1;
                self.last_refused = Some(now);
                if let Some(n) = self.refused_in_a_row.checked_sub(2) {
                    self.hold(now + self.held_again(n, answer.retry_after));
                }
            }
            let unsaid = Some(sent).filter(|_| answer.retry_after.is_none() && !crowded);
            self.refused_sent = self.refused_sent.max(unsaid);
            let stated = answer.headers.and_then(|h| self.stated_quota(&h));
            let kept = stated.or(self.refused_quota.map(|(quota, _)| quota));
            self.refused_quota = kept.map(|quota| (quota, now));
            if let Some(wait) = answer.retry_after {
                self.hold(now + wait);
                // What the server said, not the tests' scaled wait.
                let said = answer.keep_away.unwrap_or(wait);
                self.set_floor(sent, said, sent_since_refusal);
            }
            if !crowded {
                why = why.or_else(|| self.learn_refusal(sent, now, answer));
            }
        } else if !refused {
            if sent_since_refusal {
                self.refused_in_a_row = 0;
            }
            why = why.or_else(|| self.bracket(sent));
            self.through.push_back(sent);
            why = why.or_else(|| self.probe(now));
        }
        self.forget(now);
        let (rate, burst, source) = self.pace()?;
        // The bucket holds no more than the pace's own burst, whatever
        // pace filled it: after a slow pace (a daily quota's, burst 100)
        // gave way to a fast one (burst 1), the slow one's backlog held the
        // next request 120 s for every request sent under it. (At a pace
        // that stays, this bound holds already.) A pace is a bucket.
        let (interval, extra) = self.bucket()?;
        let full = now.checked_add(interval * (extra + 1));
        self.tat = self.tat.map(|tat| full.map_or(tat, |full| tat.min(full)));
        let changed =
            before.is_none_or(|(r, b, s)| (r - rate).abs() > 1e-9 || b != burst || s != source);
        changed.then(|| Change {
            rate,
            why: why.unwrap_or_else(|| "--max-rate".into()),
        })
    }

    /// Whether `answer` is a refusal to pace by, and whether the server is
    /// failing (a 500, 502, 504 or Envoy's 503 for an upstream it could not
    /// reach, since its last success): a 503 that says
    /// nothing meanwhile is its outage (Traefik's `circuitBreaker`, open),
    /// retried as a 502 is, not a rate limit's.
    fn refusal(&mut self, answer: &Answer) -> bool {
        let silent = answer.retry_after.is_none() && answer.headers.is_none();
        let outage = self.failing && silent && answer.status == 503;
        self.failing = match answer.status {
            200..=299 => false,
            500 | 502 | 504 => !answer.limiter_fault,
            503 if answer.gateway_fault => true,
            _ => self.failing,
        };
        answer.refused() && !outage
    }

    /// Whether `answer`, a 503 (or a 429 that says so, as Traefik's
    /// `inFlightReq`'s) with no word of a rate before any pace, to
    /// a request sent at `sent`, is a concurrency limit's: a request sent
    /// with it or before was in flight when it was sent, unanswered still or
    /// answered after it went (uvicorn's `--limit-concurrency`, haproxy's
    /// `maxconn`; before, a guess of 2 a second held 20 pages that take
    /// 0.7 s one by one for 8.8 s). Not "unanswered when the 503 is taken in":
    /// on a busy machine the crowd's threads took their 200s in first, and
    /// the 503 set a pace (17.46 a second behind a limit of 2 in flight).
    /// So is a 502 or a 500 ([`unsure_crowd`]), though no refusal to pace
    /// by: nginx answers a 502 at once for a request over php-fpm's workers
    /// and listen queue, mod_qos a 500 over its limit, while the others in
    /// flight are answered 200 (an outage's, all of them, keep fewer in
    /// flight to no harm).
    fn crowded(&self, sent: Instant, answer: &Answer) -> bool {
        let silent = answer.retry_after.is_none() && answer.headers.is_none();
        let said = answer.status == 503 || answer.crowd_said || unsure_crowd(answer);
        silent && said && self.learnt.is_none() && self.in_flight_with(sent) > 0
    }

    /// The requests in flight when the one sent at `sent` went: sent with
    /// it or before, unanswered still or answered after it went.
    fn in_flight_with(&self, sent: Instant) -> usize {
        let with_it = |t: Instant| t <= sent + SIBLINGS;
        let unanswered = (self.outstanding.values()).filter(|&&t| with_it(t));
        let answered = (self.answered.iter()).filter(|&&(t, at)| with_it(t) && at > sent);
        unanswered.count() + answered.count()
    }

    /// An answer of `status` to a request sent at `sent`, taken in at
    /// `now`: a crowd's (`crowd`: crowded, and refused or a 502 or 500), or a
    /// success that may say a crowd's 502 was one. A 502 comes as much from
    /// an outage, where the others in flight with it fail too, as from a
    /// backend over its workers (php-fpm's), where they get through.
    fn crowd_news(&mut self, sent: Instant, now: Instant, answer: &Answer, crowd: bool) {
        if crowd {
            // No request until another answer, and no more at once than were
            // in flight with it, sent with or before it (a 502's or a 500's,
            // once one of them gets through).
            self.crowd = Some((self.answers, now));
            let n = self.in_flight_with(sent).max(1);
            match unsure_crowd(answer) {
                false => self.cap_crowd(n, now),
                true => self.crowd_unsure = Some((lowered(self.crowd_unsure, n, now), sent)),
            }
        } else if (200..300).contains(&answer.status) {
            let with = |&(_, went): &(usize, Instant)| sent <= went + SIBLINGS;
            if let Some((n, _)) = self.crowd_unsure.take().filter(with) {
                self.cap_crowd(n, now);
            }
        }
    }

    /// No more than `n` in flight at once, from `now` on, for [`CROWD_CAP_FOR`].
    fn cap_crowd(&mut self, n: usize, now: Instant) {
        self.crowd_cap = Some((lowered(self.crowd_cap, n, now), now));
    }

    /// Whether as many requests are in flight as went with a crowd's 503
    /// lately, before any pace; not once no answer came for [`CROWD_HOLD`]
    /// (pages the server holds free no place).
    fn at_crowd_cap(&self, now: Instant) -> bool {
        let Some((cap, at)) = self.crowd_cap else {
            return false;
        };
        let last = (self.answered.back()).map_or(at, |&(_, answered)| answered.max(at));
        self.learnt.is_none()
            && now < at + CROWD_CAP_FOR
            && now < last + CROWD_HOLD
            && self.outstanding.len() >= cap
    }

    /// The floor a refusal's `Retry-After` of `said` sets.
    fn set_floor(&mut self, sent: Instant, said: Duration, sent_since_refusal: bool) {
        // In whole seconds, as `Retry-After` counts: a date or a reset read
        // to the millisecond (0.267 s to the next second) set a floor above
        // the limit for the whole run. The latest refusal's word, not the
        // run's highest: a `Retry-After: 1` at a fixed window's end floored
        // a walk at a request a second against a slower limit for good.
        if said.is_zero() {
            return;
        }
        // Refused a `Retry-After` or more after the last request through:
        // its token comes within that gap and the `Retry-After`, not within
        // the `Retry-After` alone.
        let said = said.as_secs_f64().ceil();
        let gap = self.gap_after_through(sent, said);
        let floor = 1.0 / (said + gap.unwrap_or(0.0));
        self.floor = match (sent_since_refusal, self.refused_in_a_row) {
            // Refused again: the last `Retry-After` was not enough (a
            // limiter counting refusals), and this one raises no floor.
            (true, 2..) => self.floor.min(floor),
            (true, _) => floor,
            (false, _) => self.floor.max(floor),
        };
    }

    /// How long refusal `n + 2` in a row holds every request: [`AGAIN_HOLD`],
    /// or its `Retry-After` if longer (one refused again is too short: Varnish
    /// says 5 s of a 30 s vsthrottle block), twice as long for each refusal
    /// more, and no longer than a `Retry-After` is waited (§5).
    fn held_again(&self, n: u32, retry_after: Option<Duration>) -> Duration {
        let base = self.again_hold.max(retry_after.unwrap_or_default());
        base.saturating_mul(1 << n.min(6)).min(MAX_RETRY_AFTER)
    }

    fn hold(&mut self, until: Instant) {
        self.hold_until = self.hold_until.max(Some(until));
        self.held_to = self.held_to.max(Some(until));
    }

    /// The server said its limit.
    fn learn_headers(&mut self, slot: Slot, now: Instant, h: &RateHeaders) -> Option<String> {
        // Another limit has its own window: an hourly limit's reset made
        // a limit of ten a second one of ten an hour.
        if h.limit.is_some() && h.limit != self.reset_of {
            (self.longest_reset, self.reset_of) = (Duration::ZERO, h.limit);
        }
        self.longest_reset = self.longest_reset.max(h.reset.unwrap_or_default());
        // A budget is kept only until a reset no further off than a
        // Retry-After may wait (§5). One further off (an hourly quota, a
        // bogus Unix time) would hold every request that long, silently:
        // it counts as no word on when, and the server's 429 decides.
        match (h.reset.filter(|r| *r <= MAX_RETRY_AFTER), h.remaining) {
            (Some(reset), Some(remaining)) => {
                let since = self.sent.saturating_sub(slot.seq + 1) as f64;
                self.budget = Some((remaining - since, now + reset));
            }
            // Nothing left and no word on when: wait as for a 429.
            (None, Some(remaining)) if remaining < 1.0 => self.hold(now + Duration::from_secs(1)),
            _ => {}
        }
        let (limit, window) = self.stated_quota(h)?;
        let rate = (limit / window.as_secs_f64()).min(MAX_LEARNT_RATE);
        let first = !matches!(self.learnt, Some((_, Source::Headers)));
        match self.learnt {
            Some((r, Source::Headers)) if r == rate => return None,
            // The server's refusals outrank its words: headers that allow
            // more than was refused undid every cut, burst and all, and
            // the walk was refused again. Probing raises the rate.
            Some((r, Source::Refusals)) if r <= rate => return None,
            _ => {}
        }
        self.learnt = Some((rate, Source::Headers));
        self.burst = limit.max(1.0);
        self.quota = Some((limit.floor().max(1.0), window));
        // A new pace starts afresh, but `--max-rate`'s spacing still holds.
        if first && self.cap.is_none() {
            self.tat = None;
        }
        let requests = if limit == 1.0 { "request" } else { "requests" };
        Some(format!(
            "the server allows {} {requests} per {} s",
            as_number(limit),
            // To the millisecond: a reset read against a clock showed
            // `1.9500000480000002 s`.
            as_number((window.as_secs_f64() * 1000.0).round() / 1000.0)
        ))
    }

    /// The limit and window `h` state (the window, without a `w=`, the
    /// longest reset seen with that limit).
    fn stated_quota(&self, h: &RateHeaders) -> Option<(f64, Duration)> {
        let limit = h.limit.filter(|l| *l >= 1.0)?;
        // A reset past a day says no window, as a `w=` past a day does.
        let window = h.window.or_else(|| {
            let reset = self.longest_reset;
            // To the millisecond: a reset with a fraction, read against
            // the clock, grew by microseconds answer after answer.
            let whole_ms = Duration::from_millis(reset.as_millis() as u64);
            (reset >= MIN_RESET_WINDOW && reset.as_secs_f64() <= MAX_WINDOW_SECS)
                .then_some(whole_ms)
        })?;
        Some((limit, window))
    }

    /// A 429 without rate headers.
    fn learn_refusal(&mut self, sent: Instant, now: Instant, answer: &Answer) -> Option<String> {
        let (status, retry_after) = (answer.status, answer.retry_after);
        if self.last_cut.is_some_and(|cut| sent < cut) {
            return None;
        }
        if self.learnt.is_some() && self.burst > 1.0 {
            // Refused in a burst at a pace that held so far: the burst was
            // too much, not the rate.
            let rate = self.rate().unwrap_or(FALLBACK_RATE);
            let wait = retry_after.unwrap_or_else(|| Duration::from_secs_f64(1.0 / rate));
            self.cut(now, wait, 1.0);
            return Some(format!("HTTP {status} in a burst: one request at a time"));
        }
        let since = now.checked_sub(MEASURE_OVER).unwrap_or(now);
        let got_through = self.through.iter().filter(|&&t| t >= since).count();
        // One request that got through is no rate: a limiter without a
        // burst lets one through, however fast it allows.
        let measured = (got_through > 1).then(|| got_through as f64 / MEASURE_OVER.as_secs_f64());
        // A cut of the pace in use (a floor's, when it held the learnt
        // rate up): the rate that got through, but never above it.
        let cut = self.learnt.map(|(rate, _)| rate.max(self.floor) * CUT);
        let mut rate = measured.or(cut).unwrap_or(FALLBACK_RATE);
        rate = cut.map_or(rate, |cut| rate.min(cut));
        // A step up refused: the rate before it held.
        let held = self.held.take().filter(|_| self.probes > 0);
        if let Some(held) = held {
            rate = held;
            self.steps_refused += 1;
        }
        // The limiter refilled over the whole gap since the last request
        // that got through, and still had no token for this one: its rate is
        // below one per that gap (a token bucket's and nginx's leaky
        // bucket's alike). Slow limits are found at once, not by cuts.
        // Unless the last request ended a burst that went through together:
        // a sliding window (haproxy's `http_req_rate`) lets that many through
        // and then refuses everything until they leave it, so it allows that
        // many per gap.
        if let Some((last, burst)) = self.last_through(sent) {
            rate = rate.min(burst as f64 / (sent - last).as_secs_f64());
        }
        // And one per that gap and the `Retry-After` when it was no longer
        // than the gap (the floor on_answer set), unless a step up was
        // refused: the rate before it held.
        let said = retry_after.and(answer.keep_away.or(retry_after));
        let said = said.filter(|_| held.is_none());
        let said = said.map(|d| d.as_secs_f64().ceil());
        if let Some(gap) = said.and_then(|said| self.gap_after_through(sent, said)) {
            rate = rate.min(1.0 / (said.unwrap_or_default() + gap));
        }
        // Refused with no word on when, one request per the floor or more
        // after the last one through: the floor's `Retry-After` was short
        // (tower_governor's, cut down to whole seconds, held a limit of one
        // per 2 s at one a second, every other request refused).
        if retry_after.is_none() && self.gap_after_through(sent, 1.0 / self.floor).is_some() {
            self.floor = MIN_RATE;
        }
        let rate = rate.max(self.floor).max(MIN_RATE);
        // Until the refused request's token is back, if the server did not say.
        let wait = retry_after.unwrap_or_else(|| Duration::from_secs_f64(1.0 / (rate * MARGIN)));
        let refill = (wait.as_secs_f64() * rate).floor();
        self.cut(now, wait, refill.min(got_through as f64).max(1.0));
        self.learnt = Some((rate, Source::Refusals));
        self.budget = None;
        Some(format!(
            "HTTP {status} after {} got through in the last second",
            counted(got_through as u64, "request", "requests")
        ))
    }

    /// A cut at `now`: every request held `wait`, no more than `burst` at
    /// once, the bucket started afresh, and the steps up from the first.
    fn cut(&mut self, now: Instant, wait: Duration, burst: f64) {
        self.hold(now + wait);
        self.burst = burst;
        self.tat = None;
        self.last_cut = Some(now);
        (self.last_raise, self.probes) = (None, 0);
    }

    /// The last request through sent before `sent`, and how many went
    /// through in the second up to it (the burst it ended).
    fn last_through(&self, sent: Instant) -> Option<(Instant, usize)> {
        let last = self.through.iter().filter(|&&t| t <= sent).max();
        let last = *last.filter(|&&t| t < sent)?;
        let burst = (self.through.iter()).filter(|&&t| t <= last && last - t <= MEASURE_OVER);
        Some((last, burst.count()))
    }

    /// Seconds since the last request through when it was no fewer than
    /// `said` of `Retry-After`, ended no burst and none went in between (a
    /// refused one costs a limiter that counts refusals a token): one
    /// request per `said` did not get through.
    fn gap_after_through(&self, sent: Instant, said: f64) -> Option<f64> {
        let (last, burst) = self.last_through(sent)?;
        let between = self.recent.iter().any(|&t| t > last && t < sent);
        let gap = (sent - last).as_secs_f64();
        (burst == 1 && gap >= said && !between).then_some(gap)
    }

    /// Through after a refusal sent since the last request through (alone):
    /// a limiter without a burst has its token between the two gaps, and
    /// is paced at their geometric mean. Cuts of a fifth took three more 429s from
    /// one per 2.5 s to one per 5 s, a page's retries spent in some runs.
    fn bracket(&mut self, sent: Instant) -> Option<String> {
        // The pace first: the walk of `through` (up to 4,096 requests, on
        // every answer) only under a pace refusals set. Both in one
        // let-else cost a million-account walk a third more instructions.
        let (rate, _) = self.learnt.filter(|&(_, s)| s == Source::Refusals)?;
        let (last, _) = self.last_through(sent).filter(|&(_, burst)| burst == 1)?;
        // The gaps that went through alone in the last minute, this one too.
        let lone = (self.lone_gap).filter(|&(_, at)| sent.saturating_duration_since(at) <= KEPT);
        let alone = !self.recent.iter().any(|&t| t > last && t < sent);
        if alone && sent - last >= MEASURE_OVER && lone.is_none_or(|(g, _)| sent - last < g) {
            self.lone_gap = Some((sent - last, sent));
        }
        // Sub-second gaps say little: a limiter of 2 a second lets one
        // request through 0.5 s after another and refuses one at 0.498 s.
        let gap = (self.refused_sent?.checked_duration_since(last))
            .filter(|&gap| gap >= MEASURE_OVER && self.burst <= 1.0)?;
        // Nor does a gap that went through alone before, to within the
        // margin a pace keeps: a request reached the server early, or the
        // one before it late (a busy machine, another connection), at the
        // limit's edge. The refusal's cut is enough; a bracket with the
        // retry's gap paced a limit of one a second at 0.64.
        let lone = lone.map(|(g, _)| g);
        if lone.is_some_and(|g| g.as_secs_f64() * MARGIN <= gap.as_secs_f64()) {
            return None;
        }
        // The shortest gap that was enough, unless a slower limit came since.
        let enough = self.enough.filter(|&e| e > gap).unwrap_or(Duration::MAX);
        let enough = enough.min(lone.unwrap_or(Duration::MAX));
        let enough = *self.enough.insert(enough.min(sent - last));
        let mid = (gap.as_secs_f64() * enough.as_secs_f64()).sqrt();
        (1.0 / mid < rate).then(|| {
            self.learnt = Some((1.0 / mid, Source::Refusals));
            // The next request one such gap after this one, not on the old pace.
            self.tat = Some(sent + Duration::from_secs_f64(mid / MARGIN));
            format!(
                "refused {:.1} s after the last request through, not {:.1} s after",
                gap.as_secs_f64(),
                enough.as_secs_f64()
            )
        })
    }

    /// No 429 for a while: a little faster.
    fn probe(&mut self, now: Instant) -> Option<String> {
        let (rate, _) = self.learnt.filter(|&(_, s)| s == Source::Refusals)?;
        let quiet = now.saturating_duration_since(self.last_cut?);
        // A hold (a long `Retry-After` waited) is no quiet: requests go
        // through at the pace for a step's time after it first.
        let held = (self.held_to).is_some_and(|h| now.saturating_duration_since(h) < PROBE_EVERY);
        let due = (self.last_raise).is_none_or(|r| now.saturating_duration_since(r) >= PROBE_EVERY);
        if quiet < PROBE_AFTER * (1 << self.steps_refused.min(3)) || !due || held {
            return None;
        }
        // Twice the step each time, up to +80 %: a walk pushed far down
        // (by another run, say) climbs back in a minute, not in ten.
        let step = PROBE_STEP * f64::from(1u32 << self.probes.min(4));
        // The step before held: the limit is higher, and steps are tried
        // at the usual pace again.
        if self.probes > 0 {
            self.steps_refused = 0;
        }
        self.held = Some(rate);
        self.learnt = Some((rate * (1.0 + step), Source::Refusals));
        (self.last_raise, self.probes) = (Some(now), self.probes + 1);
        Some(format!(
            "no refusal for {} s, probing upwards",
            quiet.as_secs()
        ))
    }

    /// Drops what no decision needs any more.
    fn forget(&mut self, now: Instant) {
        let old = now.checked_sub(KEPT);
        for queue in [&mut self.through, &mut self.recent] {
            while queue.front().is_some_and(|&t| old.is_some_and(|o| t < o)) || queue.len() > 4096 {
                queue.pop_front();
            }
        }
    }
}

/// The lower of `n` and `cap`, while `cap`'s instant is less than
/// [`CROWD_CAP_FOR`] before `now`; else `n`.
fn lowered(cap: Option<(usize, Instant)>, n: usize, now: Instant) -> usize {
    let recent = cap.filter(|&(_, at)| now < at + CROWD_CAP_FOR);
    recent.map_or(n, |(c, _)| c.min(n))
}

/// Time as the pacer sees it: real, or made up in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
    fn sleep(&self, duration: Duration);
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// The pacer shared by every thread of a run.
pub struct Pace<C: Clock = SystemClock> {
    clock: C,
    pacer: Mutex<Pacer>,
    /// The requests waiting for a slot, oldest first (when each first
    /// asked, then a number; a token request first): only the oldest may
    /// take one. Each asking on its own, the first to ask after a slot came
    /// took it: behind a fixed window, a page refused waited out its
    /// `Retry-After` while 6 later pages went, and was refused again.
    queue: Mutex<BTreeSet<Place>>,
    tickets: AtomicU64,
}

/// A request's place in the queue: when it was first tried, and a number.
type Place = (Option<Instant>, u64);

/// A request's place among those waiting for a slot, left when dropped.
struct Ticket<'a>(&'a Mutex<BTreeSet<Place>>, Place);

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        locked(self.0).remove(&self.1);
    }
}

impl<C: Clock> Pace<C> {
    pub fn new(clock: C, max_rate: Option<f64>) -> Pace<C> {
        Pace {
            clock,
            pacer: Mutex::new(Pacer::new(max_rate)),
            queue: Mutex::new(BTreeSet::new()),
            tickets: AtomicU64::new(0),
        }
    }

    /// Scales the holds after refusals in a row, as the client scales its
    /// retry delays (`TALKDESK_BACKOFF_SCALE`).
    pub fn scale_holds(&self, scale: f64) {
        locked(&self.pacer).again_hold = super::retry::scaled(AGAIN_HOLD, scale);
    }

    /// `send_slot_since` for a request first tried now.
    #[cfg(test)]
    pub fn send_slot(
        &self,
        on_wait: impl Fn(Duration),
        give_up: impl Fn() -> bool,
    ) -> Option<(Slot, Duration)> {
        self.send_slot_since(Some(self.clock.now()), on_wait, give_up)
    }

    /// Waits until a request may go, then takes its slot. Returns the slot
    /// (for [`Pace::on_answer`]) and how long it waited; `on_wait` hears
    /// the wait before it begins, if there is one, and each time it is
    /// asked again (a short hold may come first, the long wait after it).
    /// `None` when `give_up` says so, before it takes a slot (asked every
    /// 0.1 s while it waits).
    /// Slots go to the requests waiting in the order they were first tried
    /// (`since`): a retry before the pages that first asked after it. A
    /// token request (`None`) goes before them all: the pages waiting need
    /// its token (theirs expires or was refused); behind them, each took a
    /// slot, then waited for the token in it.
    pub fn send_slot_since(
        &self,
        since: Option<Instant>,
        on_wait: impl Fn(Duration),
        give_up: impl Fn() -> bool,
    ) -> Option<(Slot, Duration)> {
        let started = self.clock.now();
        let place = (since, self.tickets.fetch_add(1, Ordering::SeqCst));
        let mut ticket = None;
        loop {
            let now = self.clock.now();
            // A request given up on takes no slot.
            if give_up() {
                return None;
            }
            // An older request waits: the slot is its own. Asked again
            // soon, to take the slot as soon as the older one has.
            let oldest = locked(&self.queue).first().copied();
            let behind = oldest.is_some_and(|oldest| oldest < place);
            let wait = match behind {
                true => None,
                false => match locked(&self.pacer).try_send(now) {
                    Ok(slot) => return Some((slot, now - started)),
                    Err(wait) => Some(wait),
                },
            };
            if ticket.is_none() {
                locked(&self.queue).insert(place);
                ticket = Some(Ticket(&self.queue, place));
            }
            let Some(wait) = wait else {
                self.clock.sleep(Duration::from_millis(5));
                continue;
            };
            on_wait(wait);
            // Asked again often: a new answer may change it, or the request
            // be given up on.
            self.clock.sleep(wait.min(Duration::from_millis(100)));
        }
    }

    /// See [`Pacer::on_answer`].
    pub fn on_answer(&self, slot: Slot, answer: &Answer) -> Option<Change> {
        let now = self.clock.now();
        locked(&self.pacer).on_answer(slot, now, answer)
    }

    /// See [`Pacer::no_answer`].
    pub fn no_answer(&self, slot: Slot) {
        locked(&self.pacer).no_answer(slot);
    }

    /// The rate paced to now, if any.
    pub fn rate(&self) -> Option<f64> {
        locked(&self.pacer).rate()
    }

    /// Refusals in a row for the run (requests refused together count
    /// once): a quota spent is as many as one request's tries, whatever
    /// the pages in flight.
    pub fn refused_in_a_row(&self) -> u32 {
        locked(&self.pacer).refused_in_a_row
    }

    /// Requests waiting for the rate limit right now.
    pub fn waiting(&self) -> usize {
        locked(&self.queue).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::mpsc;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// restify's throttle's 429 states a quota of one request per 1/rate
    /// s, its own `X-RateLimit-Remaining` kept; no other status, nor a rate
    /// of 0, does. A rate of one request past a day (`1e-30 r/s`, no
    /// `Duration` at all) is none, as a header's window past a day, and
    /// leaves the rate headers the 429 sent as they were: they were dropped.
    #[test]
    fn restifys_refusal_says_one_request_per_its_rate() {
        let body = br#"{"code":"TooManyRequests","message":"You have exceeded your request rate of 0.05 r/s."}"#;
        let read = |status, body: &[u8], headers| {
            let mut answer = Answer {
                status,
                headers,
                ..Answer::default()
            };
            answer.read_body(body);
            answer.headers
        };
        let sent = RateHeaders {
            limit: Some(3.0),
            remaining: Some(0.0),
            ..RateHeaders::default()
        };
        let said = read(429, body, Some(sent)).unwrap();
        assert_eq!(
            (said.limit, said.window),
            (Some(1.0), Some(Duration::from_secs(20)))
        );
        assert_eq!(said.remaining, Some(0.0));
        assert_eq!(read(503, body, None), None);
        assert_eq!(
            read(429, b"You have exceeded your request rate of 0 r/s.", None),
            None
        );
        assert_eq!(read(429, b"Too Many Requests", None), None);
        for rate in ["1e-30", "0.00001"] {
            let body = format!("You have exceeded your request rate of {rate} r/s.");
            assert_eq!(read(429, body.as_bytes(), Some(sent)), Some(sent), "{rate}");
        }
    }

    /// chi's `Throttle` (over its limit, or after waiting in its backlog) and
    /// fasthttp's `MaxConnsPerIP` refuse a crowd, as Traefik does; chi's
    /// refusal of a request whose client went away, and a plain 429, do not.
    #[test]
    fn chis_throttle_and_fasthttps_max_conns_per_ip_are_crowd_refusals() {
        for body in [
            &b"Server capacity exceeded.\n"[..],
            b"Timed out while waiting for a pending request to complete.\n",
            b"The number of connections from your ip exceeds MaxConnsPerIP",
            b"max connections reached: 1",
        ] {
            assert!(is_crowd_refusal(body), "{}", String::from_utf8_lossy(body));
        }
        assert!(!is_crowd_refusal(b"Context was canceled.\n"));
        assert!(!is_crowd_refusal(b"Too Many Requests\n"));
    }

    /// A body is read for its own status alone: Apigee's fault of a 500,
    /// Traefik's crowd of a 429, a gateway's fault of a 503; and a 500 is a
    /// crowd's maybe only when it is no limiter's fault.
    #[test]
    fn a_body_is_read_for_its_own_status_alone() {
        let apigee = br#"{"fault":{"detail":{"errorcode":"policies.ratelimit.QuotaViolation"}}}"#;
        let crowd = b"max connections reached: 2";
        let gateway = b"no healthy upstream";
        let read = |status, body: &[u8]| {
            let mut answer = Answer {
                status,
                ..Answer::default()
            };
            answer.read_body(body);
            let said = (
                answer.limiter_fault,
                answer.crowd_said,
                answer.gateway_fault,
            );
            (said, unsure_crowd(&answer))
        };
        assert_eq!(read(500, apigee), ((true, false, false), false));
        assert_eq!(read(500, crowd), ((false, false, false), true));
        assert_eq!(read(429, apigee), ((false, false, false), false));
        assert_eq!(read(429, crowd), ((false, true, false), false));
        assert_eq!(read(503, crowd), ((false, false, false), false));
        assert_eq!(read(503, gateway), ((false, false, true), false));
    }

    fn ok() -> Answer {
        Answer {
            status: 200,
            ..Answer::default()
        }
    }

    fn refused(retry_after: Option<u64>) -> Answer {
        Answer {
            status: 429,
            retry_after: retry_after.map(Duration::from_secs),
            ..Answer::default()
        }
    }

    /// A 503 with no `Retry-After` and no headers (nginx's `limit_req`).
    fn unavailable() -> Answer {
        Answer {
            status: 503,
            ..refused(None)
        }
    }

    fn with_headers(h: RateHeaders) -> Answer {
        Answer {
            status: 200,
            headers: Some(h),
            ..Answer::default()
        }
    }

    /// `limit` requests per `secs` seconds, and nothing else said.
    fn quota(limit: f64, secs: u64) -> RateHeaders {
        RateHeaders {
            limit: Some(limit),
            window: Some(Duration::from_secs(secs)),
            ..RateHeaders::default()
        }
    }

    /// A slot sent at `at`, for answers to requests the test made up.
    fn at(at: Instant) -> Slot {
        Slot { at, seq: 0 }
    }

    /// Sends as soon as allowed from `t`, `n` times; the slots taken.
    fn drain(p: &mut Pacer, mut t: Instant, n: usize) -> Vec<Slot> {
        let mut slots = Vec::new();
        while slots.len() < n {
            match p.try_send(t) {
                Ok(slot) => slots.push(slot),
                Err(wait) => t += wait,
            }
        }
        slots
    }

    fn times(slots: &[Slot]) -> Vec<Instant> {
        slots.iter().map(|s| s.at).collect()
    }

    #[test]
    fn without_a_pace_nothing_waits() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        assert_eq!(times(&drain(&mut p, t0, 100)), vec![t0; 100]);
        assert_eq!(p.rate(), None);
    }

    #[test]
    fn after_the_first_answer_a_request_waits_for_those_sent_with_it() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        // Three sent together: none waits for the others.
        let slots = drain(&mut p, t0, 3);
        assert_eq!(times(&slots), vec![t0; 3]);
        // The first answer is in: the next request waits for the other two...
        p.on_answer(slots[0], t0 + ms(1), &ok());
        assert_eq!(p.try_send(t0 + ms(2)), Err(SETTLE - ms(2)));
        // ... until they are answered,
        p.on_answer(slots[1], t0 + ms(3), &ok());
        p.on_answer(slots[2], t0 + ms(3), &ok());
        assert!(p.try_send(t0 + ms(4)).is_ok());
        // or, over a network, long after they went: no wait at all.
        let later = t0 + Duration::from_secs(1);
        let more = drain(&mut p, later, 2);
        p.on_answer(more[0], later + ms(40), &ok());
        assert!(p.try_send(later + ms(40)).is_ok());
    }

    #[test]
    fn an_answer_holds_back_only_for_the_requests_sent_with_its_own() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let first = drain(&mut p, t0, 1)[0];
        // Another wave went out later, then the first answer came back.
        let wave = drain(&mut p, t0 + ms(40), 2);
        p.on_answer(first, t0 + ms(41), &ok());
        assert!(p.try_send(t0 + ms(41)).is_ok(), "{wave:?}");
    }

    #[test]
    fn a_request_without_an_answer_holds_nothing_back() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 2);
        p.on_answer(slots[0], t0, &ok());
        p.no_answer(slots[1]);
        assert!(p.try_send(t0 + ms(1)).is_ok());
    }

    #[test]
    fn max_rate_spaces_requests_evenly() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Some(4.0 / MARGIN));
        let slots = drain(&mut p, t0, 9);
        let offsets: Vec<u128> = slots.iter().map(|s| (s.at - t0).as_millis()).collect();
        assert_eq!(offsets, [0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
        assert_eq!(p.try_send(t0 + ms(2100)), Err(ms(150)));
    }

    #[test]
    fn max_rate_keeps_the_margin_a_learnt_rate_keeps() {
        // A request sent on time may reach the server a little early:
        // `--max-rate 2` against nginx at 2 r/s was refused at 498 ms.
        let t0 = Instant::now();
        let slots = drain(&mut Pacer::new(Some(2.0)), t0, 3);
        let gap = Duration::from_secs_f64(1.0 / (2.0 * MARGIN));
        assert!(
            times(&slots).windows(2).all(|w| w[1] - w[0] >= gap),
            "{slots:?}"
        );
    }

    #[test]
    fn a_429_paces_at_the_rate_that_got_through() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        // Four at once: two got through, two were refused with Retry-After: 1.
        let slots = drain(&mut p, t0, 4);
        p.on_answer(slots[0], t0 + ms(5), &ok());
        p.on_answer(slots[1], t0 + ms(5), &ok());
        let change = p
            .on_answer(slots[2], t0 + ms(6), &refused(Some(1)))
            .expect("a pace");
        assert_eq!(p.pace().map(|(_, _, s)| s), Some(Source::Refusals));
        assert!((change.rate - 2.0 * MARGIN).abs() < 1e-9, "{change}");
        // The other request of the same burst changes nothing more.
        assert_eq!(p.on_answer(slots[3], t0 + ms(7), &refused(Some(1))), None);
        // Nothing before the later Retry-After is over, then the two the
        // server refilled at once, then one every 1/(2 x MARGIN) s.
        assert_eq!(p.try_send(t0 + ms(500)), Err(ms(507)));
        let start = t0 + ms(1007);
        let after = times(&drain(&mut p, start, 4));
        let gap = Duration::from_secs_f64(1.0 / (2.0 * MARGIN));
        assert_eq!(after, vec![start, start, start + gap, start + gap * 2]);
    }

    #[test]
    fn without_retry_after_the_next_request_waits_for_a_token() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 3);
        p.on_answer(slots[0], t0, &ok());
        p.on_answer(slots[1], t0, &ok());
        p.on_answer(slots[2], t0, &refused(None));
        let gap = Duration::from_secs_f64(1.0 / (2.0 * MARGIN));
        // One at a time: waiting out one token refills only one.
        let after = times(&drain(&mut p, t0, 3));
        assert_eq!(after, vec![t0 + gap, t0 + gap * 2, t0 + gap * 3]);
    }

    #[test]
    fn a_503_is_a_refusal_as_a_429_is() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 3);
        p.on_answer(slots[0], t0, &ok());
        p.on_answer(slots[1], t0, &ok());
        let unavailable = unavailable();
        let change = p.on_answer(slots[2], t0, &unavailable).expect("a pace");
        assert_eq!(p.pace().map(|(_, _, s)| s), Some(Source::Refusals));
        assert!(
            change.why.starts_with("HTTP 503 after 2 requests"),
            "{change}"
        );
        assert!(is_refusal(429) && !is_refusal(500) && !is_refusal(502) && !is_refusal(504));
    }

    /// A concurrency limit answers the request over it at once, and the
    /// requests it serves after: on a busy machine their threads took their
    /// 200s in before the 503's thread took in its 503, and the 503 set a
    /// pace (`concurrency::a_concurrency_limits_503_lowers_the_pages_in_flight_not_the_pace`
    /// failed so: 17.46 a second). Sent while they were in flight, it is a
    /// crowd's 503 whatever the order the answers are taken in.
    #[test]
    fn a_503_sent_while_others_were_in_flight_is_a_crowds_whenever_taken_in() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 3);
        p.on_answer(slots[0], t0 + ms(50), &ok());
        p.on_answer(slots[1], t0 + ms(51), &ok());
        assert_eq!(p.on_answer(slots[2], t0 + ms(52), &unavailable()), None);
        assert_eq!((p.rate(), p.refused_in_a_row), (None, 0));
        // One sent after the others' answers came, refused, is a rate
        // limit's.
        let alone = drain(&mut p, t0 + ms(100), 1)[0];
        p.on_answer(alone, t0 + ms(101), &ok());
        let next = drain(&mut p, t0 + ms(102), 1)[0];
        assert!(p.on_answer(next, t0 + ms(103), &unavailable()).is_some());
    }

    /// Held past a concurrency limit's 503 until another answer, a page
    /// waited for pages the server held (or that waited out `--timeout`)
    /// and never had its retry: the hold ends after [`CROWD_HOLD`].
    #[test]
    fn a_crowds_503_holds_the_next_request_a_second_at_most() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let unavailable = unavailable();
        let slots = drain(&mut p, t0, 3);
        p.on_answer(slots[2], t0 + ms(2), &unavailable);
        assert_eq!(p.try_send(t0 + ms(900)), Err(SETTLE));
        assert!(p.try_send(t0 + ms(2) + CROWD_HOLD).is_ok());
    }

    /// Envoy's 503 for an upstream it could not reach is the server
    /// failing, as a 502 is: a silent 503 after it (Envoy's `no healthy
    /// upstream` under another body, a breaker opening) is the same outage,
    /// and sets no pace, as after a 502.
    #[test]
    fn a_silent_503_after_an_unreachable_upstream_is_an_outage() {
        let t0 = Instant::now();
        for first in [502, 503] {
            let mut p = Pacer::new(None);
            let failed = Answer {
                status: first,
                gateway_fault: first == 503,
                ..Answer::default()
            };
            let slot = drain(&mut p, t0, 1)[0];
            p.on_answer(slot, t0 + ms(5), &failed);
            let slot = drain(&mut p, t0 + ms(300), 1)[0];
            assert_eq!(p.on_answer(slot, t0 + ms(305), &unavailable()), None);
            assert_eq!(p.rate(), None, "after a {first}");
        }
    }

    /// Envoy's 503 bodies, as 1.40 sends them: an upstream it could not
    /// reach is its failure; its circuit breaker's overflow is a refusal.
    #[test]
    fn envoys_503_for_an_unreachable_upstream_is_no_refusal() {
        let reset = b"upstream connect error or disconnect/reset before headers. reset reason: remote connection failure";
        assert!(is_gateway_fault(reset) && is_gateway_fault(b"no healthy upstream"));
        let overflow =
            b"upstream connect error or disconnect/reset before headers. reset reason: overflow";
        assert!(!is_gateway_fault(overflow) && !is_gateway_fault(b"<html>503</html>"));
        let answer = |gateway_fault| Answer {
            status: 503,
            gateway_fault,
            ..Answer::default()
        };
        assert!(answer(false).refused() && !answer(true).refused());
    }

    /// Go's `http.TimeoutHandler`, with its default message, answers this
    /// 503 when the handler runs over its limit, at whatever limit: behind
    /// one of 1 s (too soon to tell by its lateness) two such 503s paced 12
    /// fast pages to 34.2 s. It is the server failing, not a limiter.
    #[test]
    fn gos_timeout_handlers_503_is_no_refusal() {
        let go = b"<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>";
        let mut answer = Answer {
            status: 503,
            ..Answer::default()
        };
        answer.read_body(go);
        assert!(!answer.refused());
        answer.read_body(b"<html><head><title>503</title></head></html>");
        assert!(answer.refused());
    }

    /// Daphne (4.2, the Django Channels server) answers a request its
    /// application has not answered within `--http-timeout` with this 503,
    /// at whatever limit: behind one of 2 s, one slow page paced the 14
    /// fast pages after it to 2 a second, one at a time. It is the server
    /// failing, not a limiter.
    #[test]
    fn daphnes_503_for_an_application_over_its_time_limit_is_no_refusal() {
        let daphne = b" <html> <head> <title>503 Service Unavailable</title> <style>  body { font-family: sans-serif; margin: 0; padding: 0; } </style> </head> <body> <h1>503 Service Unavailable</h1> <p>Application failed to respond within time limit.</p> <footer>Daphne</footer> </body> </html> ";
        let mut answer = Answer {
            status: 503,
            ..Answer::default()
        };
        answer.read_body(daphne);
        assert!(!answer.refused());
        answer.read_body(b"<html><head><title>503 Service Unavailable</title></head></html>");
        assert!(answer.refused());
    }

    /// Behind a limit of one request in flight (Envoy's circuit breaker
    /// `max_requests: 1`), each answer opened a second place, into the next
    /// 503: no more go at once than went with a crowd's 503, for
    /// [`CROWD_CAP_FOR`].
    #[test]
    fn a_crowds_503_keeps_the_requests_in_flight_below_it() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 2);
        p.on_answer(slots[1], t0 + ms(2), &unavailable());
        p.on_answer(slots[0], t0 + ms(30), &ok());
        let one = drain(&mut p, t0 + ms(31), 1)[0];
        assert_eq!(p.try_send(t0 + ms(32)), Err(SETTLE));
        p.on_answer(one, t0 + ms(60), &ok());
        let two = drain(&mut p, t0 + ms(61), 1)[0];
        assert_eq!(p.try_send(t0 + ms(62)), Err(SETTLE));
        p.on_answer(two, t0 + ms(90), &ok());
        let later = t0 + ms(2) + CROWD_CAP_FOR;
        assert!(p.try_send(later).is_ok() && p.try_send(later).is_ok());
        assert_eq!(p.rate(), None);
    }

    /// An outage of 502s over the first wave (three pages in flight, then
    /// their retries two at a time), then none: each 502 had others in
    /// flight, and the pages in flight were held at one for 30 s after
    /// (200 pages of 0.1 s at `--concurrency 8`: 22 s, 3 s with the 502s
    /// taken as an outage's). A 502 lowers them once a page in flight with
    /// it gets through, as behind php-fpm's one worker.
    #[test]
    fn an_outages_502s_leave_the_pages_in_flight_as_they_were() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let bad = Answer {
            status: 502,
            ..Answer::default()
        };
        let wave = drain(&mut p, t0, 3);
        for (i, slot) in (0..).zip(&wave) {
            p.on_answer(*slot, t0 + ms(100 + i), &bad);
        }
        let retries = drain(&mut p, t0 + ms(110), 2);
        p.on_answer(retries[0], t0 + ms(210), &bad);
        p.on_answer(retries[1], t0 + ms(211), &bad);
        let alone = drain(&mut p, t0 + ms(220), 1)[0];
        p.on_answer(alone, t0 + ms(320), &ok());
        let back = t0 + ms(330);
        assert!((0..4).all(|_| p.try_send(back).is_ok()));
        // Behind php-fpm's one worker: a 502 at once, the other page through.
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 2);
        p.on_answer(slots[1], t0 + ms(2), &bad);
        p.on_answer(slots[0], t0 + ms(50), &ok());
        drain(&mut p, t0 + ms(51), 1);
        assert_eq!(p.try_send(t0 + ms(52)), Err(SETTLE));
    }

    #[test]
    fn a_silent_503_with_others_in_flight_sets_no_pace_until_one_alone_is() {
        // A concurrency limit (uvicorn's --limit-concurrency, haproxy's
        // maxconn) refuses the request over it, whatever the rate.
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let unavailable = unavailable();
        let slots = drain(&mut p, t0, 3);
        p.on_answer(slots[0], t0 + ms(1), &ok());
        assert_eq!(p.on_answer(slots[2], t0 + ms(2), &unavailable), None);
        // Nothing goes until another answer has freed a place.
        assert_eq!(p.try_send(t0 + ms(3)), Err(SETTLE));
        p.on_answer(slots[1], t0 + ms(30), &ok());
        assert_eq!((p.rate(), p.refused_in_a_row), (None, 0));
        // A request refused alone says a rate.
        let alone = drain(&mut p, t0 + ms(100), 1)[0];
        assert!(p.on_answer(alone, t0 + ms(101), &unavailable).is_some());
    }

    #[test]
    fn a_429_that_asks_for_the_retry_at_once_sets_no_pace() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 3);
        p.on_answer(slots[0], t0, &ok());
        let now = Answer {
            status: 429,
            retry_after: Some(Duration::ZERO),
            ..Answer::default()
        };
        assert_eq!(p.on_answer(slots[1], t0, &now), None);
        assert_eq!(p.rate(), None);
        assert!(p.try_send(t0 + SETTLE).is_ok());
    }

    #[test]
    fn never_below_one_request_per_retry_after() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        // Nothing ever gets through: the rate is cut at every episode...
        let mut t = t0;
        for _ in 0..20 {
            let slot = drain(&mut p, t, 1)[0];
            t = slot.at + ms(10);
            p.on_answer(slot, t, &refused(Some(4)));
        }
        // ... but one request per 4 s is what the server asked for.
        let rate = p.rate().unwrap();
        assert!((rate - 0.25).abs() < 1e-9, "{rate}");
    }

    #[test]
    fn a_429_in_a_burst_takes_the_burst_away_before_the_rate() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0, t0]);
        p.on_answer(at(t0 + ms(1)), t0 + ms(1), &refused(Some(1)));
        assert_eq!(p.pace().map(|(_, burst, _)| burst), Some(2.0));
        let rate = p.rate();
        let t = t0 + ms(1002);
        let change = p.on_answer(at(t), t, &refused(Some(1))).expect("a change");
        assert_eq!(p.pace().map(|(_, burst, _)| burst), Some(1.0));
        assert_eq!(p.rate(), rate, "{change}");
    }

    #[test]
    fn a_429_at_the_learnt_pace_cuts_it() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0, t0]);
        p.on_answer(at(t0 + ms(1)), t0 + ms(1), &refused(Some(1)));
        p.burst = 1.0;
        let first = p.rate().unwrap();
        // Paced, yet refused again later: slower, not back to what got through.
        let t = t0 + Duration::from_secs(5);
        p.through.extend([t - ms(900), t - ms(400)]);
        p.on_answer(at(t), t, &refused(Some(1)));
        let second = p.rate().unwrap();
        assert!((second - first * CUT).abs() < 1e-9, "{first} -> {second}");
    }

    /// nginx's `limit_req` at 2 a second, no burst: the probe above it is
    /// refused with one request through in the last second. That is no
    /// rate either: the pace was cut to 1 a second, half the limit, for the
    /// rest of the walk (88.7 s for 120 pages, against 59.5 s at best).
    #[test]
    fn a_refusal_with_one_request_through_at_a_known_pace_cuts_it() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0, t0]);
        p.on_answer(at(t0), t0, &refused(None));
        let learnt = p.rate().unwrap();
        let t = t0 + Duration::from_secs(40);
        p.through.extend([t - ms(510)]);
        p.on_answer(at(t), t, &refused(None));
        let cut = p.rate().unwrap();
        assert!((cut - learnt * CUT).abs() < 1e-9, "{learnt} -> {cut}");
    }

    /// A step up that is refused goes back to the rate that held, not
    /// below it, and the next step waits twice as long: behind nginx at 2
    /// a second, each step above the limit cost a fifth of the pace.
    #[test]
    fn a_refused_step_up_goes_back_to_the_rate_that_held() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0, t0]);
        p.on_answer(at(t0), t0, &refused(None));
        let learnt = p.rate().unwrap();
        let mut t = t0 + ms(500);
        while p.on_answer(at(t), t, &ok()).is_none() {
            t += ms(500);
        }
        assert_eq!((t - t0).as_secs(), 30);
        p.on_answer(at(t + ms(500)), t + ms(500), &refused(None));
        assert!((p.rate().unwrap() - learnt).abs() < 1e-9, "{learnt}");
        let cut = t + ms(500);
        let mut t = cut + ms(500);
        while p.on_answer(at(t), t, &ok()).is_none() {
            t += ms(500);
        }
        assert_eq!((t - cut).as_secs(), 60);
        assert!((p.rate().unwrap() - learnt * (1.0 + PROBE_STEP)).abs() < 1e-9);
        // That step held, and the next is refused: the wait after it is
        // 60 s again, not 120 s (refused steps counted for good made
        // every rise wait 240 s after three).
        t += ms(10_000);
        while p.on_answer(at(t), t, &ok()).is_none() {
            t += ms(500);
        }
        let cut = t + ms(500);
        p.on_answer(at(cut), cut, &refused(None));
        let mut t = cut + ms(500);
        while p.on_answer(at(t), t, &ok()).is_none() {
            t += ms(500);
        }
        assert_eq!((t - cut).as_secs(), 60);
    }

    /// Two steps up refused in a row: the next waits twice as long again
    /// (120 s, not 60 s). The first step after a refused one keeps the
    /// count; only a step that held starts it afresh.
    #[test]
    fn a_second_refused_step_in_a_row_doubles_the_quiet_again() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0, t0]);
        p.on_answer(at(t0), t0, &refused(None));
        let mut cut = t0;
        for quiet in [30, 60, 120] {
            let mut t = cut + ms(500);
            while p.on_answer(at(t), t, &ok()).is_none() {
                t += ms(500);
            }
            assert_eq!((t - cut).as_secs(), quiet);
            cut = t + ms(500);
            p.on_answer(at(cut), cut, &refused(None));
        }
        assert_eq!(p.steps_refused, 3);
    }

    /// Headers that change the pace they set keep the bucket: after one
    /// request a second, a limit of 10 a second lets the next request go an
    /// interval of it after the last, not at once. Only the first pace the
    /// headers set starts afresh.
    #[test]
    fn a_pace_the_headers_change_keeps_the_spacing_of_the_last_request() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let first = p.try_send(t0).unwrap();
        p.on_answer(first, t0, &with_headers(quota(1.0, 1)));
        let second = drain(&mut p, t0, 1)[0];
        let now = second.at + ms(10);
        p.on_answer(second, now, &with_headers(quota(10.0, 1)));
        let wait = p.try_send(now).expect_err("spaced from the last request");
        assert!(wait > ms(80) && wait < ms(100), "{wait:?}");
    }

    /// `TALKDESK_BACKOFF_SCALE` scales the hold after refusals in a row as
    /// it scales the retry delays.
    #[test]
    fn the_hold_after_refusals_in_a_row_is_scaled_as_retry_delays_are() {
        let pace = Pace::new(SystemClock, None);
        pace.scale_holds(0.25);
        assert_eq!(locked(&pace.pacer).held_again(0, None), ms(500));
    }

    /// The shared pace tells the client the pacer's refusals in a row (the
    /// run gives up on them) and a change of pace (for `-v`), and a request
    /// with no answer is in flight no more.
    #[test]
    fn the_pace_tells_refusals_in_a_row_and_forgets_a_request_unanswered() {
        let pace = Pace::new(SystemClock, None);
        let (first, _) = pace.send_slot(|_| {}, || false).unwrap();
        let (second, _) = pace.send_slot(|_| {}, || false).unwrap();
        pace.no_answer(second);
        assert_eq!(locked(&pace.pacer).outstanding.len(), 1);
        assert_eq!(pace.refused_in_a_row(), 0);
        let change = pace.on_answer(first, &refused(Some(1)));
        assert!(change.is_some_and(|c| c.why.starts_with("HTTP 429")));
        assert_eq!(pace.refused_in_a_row(), 1);
    }

    /// On the real clock a request waiting for its slot sleeps until then:
    /// it asks once, not in a busy loop.
    #[test]
    fn on_the_real_clock_a_wait_is_slept_not_spun() {
        let pace = Pace::new(SystemClock, Some(20.0));
        pace.send_slot(|_| {}, || false).unwrap();
        let asked = AtomicUsize::new(0);
        let on_wait = |_| _ = asked.fetch_add(1, Ordering::SeqCst);
        pace.send_slot(on_wait, || false).unwrap();
        assert!(asked.load(Ordering::SeqCst) < 3, "{asked:?}");
    }

    /// A request waiting for its slot counts among those waiting until it
    /// is given up on.
    #[test]
    fn a_request_waiting_counts_as_waiting_until_given_up_on() {
        let pace = Pace::new(SystemClock, None);
        locked(&pace.pacer).hold_until = Some(Instant::now() + Duration::from_secs(60));
        let (seen, waits) = (AtomicUsize::new(9), AtomicUsize::new(0));
        let on_wait = |_| {
            seen.store(pace.waiting(), Ordering::SeqCst);
            waits.fetch_add(1, Ordering::SeqCst);
        };
        let slot = pace.send_slot(on_wait, || waits.load(Ordering::SeqCst) > 0);
        assert!(slot.is_none());
        assert_eq!(seen.load(Ordering::SeqCst), 1);
        assert_eq!(pace.waiting(), 0);
    }

    #[test]
    fn one_request_through_then_a_refusal_paces_at_the_fallback_rate() {
        // A limiter without a burst (nginx's limit_req) lets page 1 through
        // and refuses the next at once, however fast it allows.
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.push_back(t0);
        let change = p.on_answer(at(t0 + ms(5)), t0 + ms(6), &refused(None));
        let change = change.expect("a pace");
        // Talkdesk's documented 2 requests a second, not the 1 that went.
        assert!((change.rate - 2.0 * MARGIN).abs() < 1e-9, "{change}");
    }

    #[test]
    fn a_refusal_long_after_the_last_request_through_bounds_the_rate() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0 - Duration::from_secs(3), t0]);
        p.on_answer(at(t0 + ms(1)), t0 + ms(1), &refused(None));
        // Refused 4 s after the last request that got through, alone: the
        // limiter refills less than a token in 4 s.
        let t = t0 + Duration::from_secs(4);
        p.on_answer(at(t), t + ms(1), &refused(None));
        let rate = p.rate().unwrap();
        assert!(rate <= 0.25 * MARGIN + 1e-9, "{rate}");
    }

    #[test]
    fn a_refusal_long_after_a_burst_went_through_allows_the_burst_per_gap() {
        // A sliding window of 10 requests per 10 s: 10 go through at once,
        // and everything is refused until they leave the window.
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0; 10]);
        p.on_answer(at(t0 + ms(1)), t0 + ms(1), &refused(None));
        let t = t0 + Duration::from_secs(5);
        p.on_answer(at(t), t + ms(1), &refused(None));
        let rate = p.rate().unwrap();
        // Not one request per 5 s: 10 per 5 s at most (and cut from there).
        assert!(rate > 1.0 && rate <= 2.0 * MARGIN + 1e-9, "{rate}");
    }

    #[test]
    fn refusals_of_requests_sent_together_are_one_in_a_row() {
        // Three requests sent together and refused together, with rate
        // headers (which teach the pace instead of the refusal): one.
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let h = quota(2.0, 1);
        let refused = Answer {
            status: 429,
            ..with_headers(h)
        };
        for (i, slot) in [at(t0), at(t0), at(t0)].into_iter().enumerate() {
            p.on_answer(slot, t0 + ms(1 + i as u64), &refused);
        }
        assert_eq!(p.refused_in_a_row, 1);
    }

    #[test]
    fn refusals_in_a_row_hold_every_request_longer_each_time() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0; 10]);
        let mut t = t0 + ms(1);
        p.on_answer(at(t), t, &refused(None));
        let mut holds = Vec::new();
        for _ in 0..4 {
            // The next request goes as soon as the pacer lets it, and is
            // refused again.
            let wait = p.try_send(t).err().unwrap_or_default();
            t += wait;
            let slot = p.try_send(t).expect("a slot once the wait is over");
            p.on_answer(slot, t + ms(1), &refused(None));
            holds.push(p.try_send(t + ms(1)).err().unwrap_or_default());
            t += ms(1);
        }
        let secs: Vec<u64> = holds
            .iter()
            .map(|d| d.as_secs_f64().round() as u64)
            .collect();
        assert_eq!(secs, [2, 4, 8, 16], "{holds:?}");
        // Two more: 32 s, then no longer than a Retry-After may wait (§5).
        for expected in [32, 60] {
            t += p.try_send(t).err().unwrap_or_default();
            let slot = p.try_send(t).expect("a slot once the wait is over");
            p.on_answer(slot, t + ms(1), &refused(None));
            let hold = p.try_send(t + ms(1)).err().unwrap_or_default();
            assert_eq!(hold.as_secs_f64().round() as u64, expected, "{hold:?}");
            t += ms(1);
        }
        // A request that gets through ends the run of refusals.
        let wait = p.try_send(t).err().unwrap_or_default();
        let slot = p.try_send(t + wait).unwrap();
        p.on_answer(slot, t + wait + ms(1), &ok());
        assert_eq!(p.refused_in_a_row, 0);
    }

    /// haproxy's `http_req_rate(10s) gt 10`: a burst's 11th request is
    /// refused, and the rest of the burst, sent with it, come back 200
    /// after that refusal. Those successes say nothing of the limiter now:
    /// they must not end the run of refusals, or the holds start a
    /// refusal late and the retries run out inside the window (seen: 1 run
    /// in 4 failed with exit 5 after 6.8 s).
    #[test]
    fn successes_sent_before_a_refusal_came_back_do_not_end_the_run() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0; 10]);
        let burst = [at(t0), at(t0 + ms(1))];
        p.on_answer(at(t0), t0 + ms(2), &refused(None));
        p.on_answer(burst[1], t0 + ms(3), &ok());
        assert_eq!(p.refused_in_a_row, 1);
        // The retry, sent after the refusal came back, is refused: the
        // second in a row, so every request is held.
        let t = t0 + ms(200);
        let slot = p.try_send(t).expect("no hold yet");
        p.on_answer(slot, t + ms(1), &refused(None));
        let hold = p.try_send(t + ms(1)).err().unwrap_or_default();
        assert_eq!(hold.as_secs_f64().round() as u64, 2, "{hold:?}");
    }

    #[test]
    fn the_rate_probes_upwards_slowly() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0, t0]);
        p.on_answer(at(t0), t0, &refused(Some(1)));
        let learnt = p.rate().unwrap();
        let mut t = t0 + Duration::from_secs(1);
        let mut raised_at = Vec::new();
        while t < t0 + Duration::from_secs(60) {
            if p.on_answer(at(t), t, &ok()).is_some() {
                raised_at.push((t - t0).as_secs());
            }
            t += ms(500);
        }
        assert_eq!(raised_at, [30, 40, 50]);
        let rate = p.rate().unwrap();
        // 5 %, then 10 % and 20 %: a walk cut to a tenth of the limit
        // climbed back at 5 % every 10 s (218 s from 0.11 to 0.19 a second).
        let expected = learnt * 1.05 * 1.1 * 1.2;
        assert!((rate - expected).abs() < 1e-9, "{rate}");
    }

    /// Behind haproxy's `http_req_rate(1s)` refusing with `Retry-After: 3600` (a fixed header,
    /// waited 60 s at most), the minute held after a refusal counted as a minute without one:
    /// the first request after it raised the pace past the limit, refused again, and 20 pages
    /// took 487 s with 8 refusals. A step waits for a step's time of requests after the hold.
    #[test]
    fn a_retry_after_waited_is_no_quiet_time_to_probe_upwards_on() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0, t0]);
        p.on_answer(at(t0), t0, &refused(Some(60)));
        let mut t = t0 + Duration::from_secs(60);
        let mut raised_at = Vec::new();
        while t < t0 + Duration::from_secs(100) {
            if p.on_answer(at(t), t, &ok()).is_some() {
                raised_at.push((t - t0).as_secs());
            }
            t += ms(500);
        }
        assert_eq!(raised_at, [70, 80, 90]);
    }

    #[test]
    fn max_rate_caps_a_learnt_rate_and_a_lower_learnt_rate_wins() {
        let t0 = Instant::now();
        let mut p = Pacer::new(Some(1.5));
        let fast = RateHeaders {
            limit: Some(10.0),
            window: Some(Duration::from_secs(1)),
            ..RateHeaders::default()
        };
        p.on_answer(at(t0), t0, &with_headers(fast));
        assert_eq!(p.pace(), Some((1.5 * MARGIN, 1.0, Source::Cap)));
        let slow = RateHeaders {
            limit: Some(1.0),
            ..fast
        };
        p.on_answer(at(t0), t0, &with_headers(slow));
        assert_eq!(p.pace().map(|(_, _, s)| s), Some(Source::Headers));
        assert!((p.rate().unwrap() - MARGIN).abs() < 1e-9);
    }

    #[test]
    fn rate_headers_set_the_pace_and_the_budget() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slot = p.try_send(t0).unwrap();
        let h = RateHeaders {
            limit: Some(2.0),
            window: Some(Duration::from_secs(1)),
            remaining: Some(0.0),
            reset: Some(Duration::from_secs(1)),
        };
        p.on_answer(slot, t0 + ms(10), &with_headers(h))
            .expect("a pace");
        assert_eq!(p.pace().map(|(_, _, s)| s), Some(Source::Headers));
        // Nothing remains until the reset, then the burst of 2, and no
        // third in the same second (the bucket alone sent it after 0.52 s).
        assert_eq!(p.try_send(t0 + ms(20)), Err(ms(990)));
        let start = t0 + ms(1010);
        let after = times(&drain(&mut p, start, 3));
        // (The window is kept a little longer, so the request at t0 is
        // still in it at first.)
        let window = Duration::from_secs(1).div_f64(MARGIN);
        assert_eq!(after, vec![start, t0 + window, start + window]);
    }

    /// A daily quota (a pace floored at one request every 120 s, with a
    /// burst of 100) then a quota of one a second: a server naming the
    /// policy nearest exhaustion does this. The next request waits about a
    /// second; the slow pace's backlog made it wait 120 s for every request
    /// sent under it (found by fuzzing: 960 s after eight).
    #[test]
    fn a_faster_pace_does_not_inherit_a_slower_paces_backlog() {
        let mut p = Pacer::new(None);
        let mut now = Instant::now();
        for i in 0..9 {
            let slot = p.try_send(now).expect("within the daily quota's burst");
            now += ms(10);
            let h = if i < 8 {
                quota(100.0, 86_400)
            } else {
                quota(1.0, 1)
            };
            p.on_answer(slot, now, &with_headers(h));
        }
        let next = drain(&mut p, now, 1)[0].at;
        assert!(next - now <= Duration::from_secs(2), "{:?}", next - now);
    }

    /// `TALKDESK_BACKOFF_SCALE=0.01` makes a `Retry-After: 1` a wait of
    /// 10 ms, but the server still said one a second: the pace read from
    /// it was 100 requests/s (reliability.md: the scale does not touch the
    /// pace).
    #[test]
    fn the_floor_a_retry_after_sets_is_the_servers_word_not_the_scaled_wait() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slot = p.try_send(t0).unwrap();
        let answer = Answer {
            status: 429,
            retry_after: Some(ms(10)),
            keep_away: Some(Duration::from_secs(1)),
            ..Answer::default()
        };
        let change = p.on_answer(slot, t0 + ms(5), &answer).unwrap();
        assert!(change.rate <= FALLBACK_RATE * MARGIN + 1e-9, "{change}");
    }

    /// A short `Retry-After` (a fixed window about to end), then a limit far
    /// slower: the first one's floor of a request a second held for the
    /// rest of the run, above the limit, and nearly every request after it
    /// was refused.
    #[test]
    fn a_short_retry_after_sets_no_floor_for_the_rest_of_the_run() {
        let mut p = Pacer::new(None);
        let mut t = Instant::now();
        for retry_after in [1].into_iter().chain([4; 20]) {
            let slot = drain(&mut p, t, 1)[0];
            t = slot.at + ms(10);
            p.on_answer(slot, t, &refused(Some(retry_after)));
        }
        let rate = p.rate().unwrap();
        assert!((rate - 0.25).abs() < 1e-9, "{rate}");
    }

    /// How a limiter's `Retry-After` says the wait to its next token: in
    /// whole seconds rounded up, or cut down (tower_governor's, where a
    /// wait under a second is `0`, read as none).
    const ROUNDED_UP: fn(Duration) -> Option<u64> = |w| Some(w.as_secs_f64().ceil() as u64);
    const CUT_DOWN: fn(Duration) -> Option<u64> = |w| Some(w.as_secs()).filter(|&s| s > 0);

    /// Sends `n` requests, each as soon as `p` allows (answered 5 ms after),
    /// to a limiter letting one through per `interval` without a burst,
    /// whose refusals say `Retry-After` as `said`: how many it refused.
    fn refused_by_limiter(
        p: &mut Pacer,
        n: usize,
        interval: Duration,
        said: fn(Duration) -> Option<u64>,
    ) -> usize {
        let (mut t, mut token_at, mut refusals) = (Instant::now(), Instant::now(), 0);
        for _ in 0..n {
            let slot = drain(p, t, 1)[0];
            t = slot.at + ms(5);
            let answer = if slot.at >= token_at {
                token_at = slot.at + interval;
                ok()
            } else {
                refusals += 1;
                refused(said(token_at - slot.at))
            };
            p.on_answer(slot, t, &answer);
        }
        refusals
    }

    /// A token bucket of one request per 2 s whose `Retry-After` is the time
    /// to its next token (1 s or 2 s): a `Retry-After: 1` for a request sent
    /// a second after the last one through floored the pace at one a second,
    /// twice the limit, and every other request was refused.
    #[test]
    fn a_refusal_a_retry_after_or_more_after_the_last_request_through_is_no_floor() {
        let mut p = Pacer::new(None);
        let refusals = refused_by_limiter(&mut p, 60, Duration::from_secs(2), ROUNDED_UP);
        assert!(refusals <= 8, "{refusals} of 60 requests refused");
    }

    /// tower_governor and actix-governor (GCRA) at one request per 2 s:
    /// their `Retry-After` is the wait to the next token in whole seconds,
    /// cut down (1 for 1.97 s, 0 for any wait under a second, which the
    /// client reads as none). The first refusals' `Retry-After: 1` floored
    /// the pace at one a second, and the later refusals, a second after the
    /// last request through and saying nothing, never moved it: 62 refusals
    /// in a walk of 60 pages.
    #[test]
    fn a_silent_refusal_at_the_floors_pace_lowers_the_floor() {
        let mut p = Pacer::new(None);
        let refusals = refused_by_limiter(&mut p, 60, Duration::from_secs(2), CUT_DOWN);
        assert!(refusals <= 8, "{refusals} of 60 requests refused");
    }

    /// The same limiter with `--max-rate 1.5`, above its limit: the cap
    /// leaves the floor and its end as they are (a guard: 31 of 60 requests
    /// were refused before this session's fix, cap or no cap).
    #[test]
    fn a_max_rate_above_a_silent_refusals_limit_keeps_refusals_rare() {
        let mut p = Pacer::new(Some(1.5));
        let refusals = refused_by_limiter(&mut p, 60, Duration::from_secs(2), CUT_DOWN);
        assert!(refusals <= 8, "{refusals} of 60 requests refused");
    }

    /// Two requests a second without a burst, whose `Retry-After` is the
    /// wait rounded up (1 for any wait): the floor of one a second it sets
    /// ends on no silent refusal, and the walk, learnt, is refused rarely
    /// (probing steps past the limit are refused, as designed) (a guard).
    #[test]
    fn a_two_a_second_limit_saying_retry_after_one_is_refused_rarely() {
        let mut p = Pacer::new(None);
        let refusals = refused_by_limiter(&mut p, 120, ms(500), ROUNDED_UP);
        assert!(refusals <= 4, "{refusals} of 120 requests refused");
    }

    /// The same limiter at one request per 1.3 s: the floor's end left the
    /// pace at the rate the refusals had cut while the floor held it (0.43
    /// a second, a limit of 0.77), not a cut of the pace in use.
    #[test]
    fn a_floor_that_ends_is_cut_from_not_forgotten() {
        let mut p = Pacer::new(None);
        let t0 = Instant::now();
        let (mut token_at, mut lowest) = (t0, f64::MAX);
        let mut answer = |p: &mut Pacer, slot: Slot| {
            let answer = if slot.at >= token_at {
                token_at = slot.at + ms(1300);
                ok()
            } else {
                refused(Some((token_at - slot.at).as_secs()).filter(|&s| s > 0))
            };
            p.on_answer(slot, slot.at + ms(5), &answer);
        };
        let first = drain(&mut p, t0, 1)[0];
        answer(&mut p, first);
        let mut t = t0 + ms(10);
        for slot in drain(&mut p, t, 3) {
            answer(&mut p, slot);
        }
        for _ in 0..40 {
            let slot = drain(&mut p, t, 1)[0];
            t = slot.at + ms(5);
            answer(&mut p, slot);
            lowest = lowest.min(p.rate().unwrap());
        }
        assert!(
            lowest >= 0.6,
            "paced at {lowest} behind a limit of 0.77 a second"
        );
    }

    /// GCRA at one request a second, no burst, no `Retry-After` (tower_governor
    /// sends `0`): one request that reached the server 40 ms late (a busy
    /// machine, another connection) left the next one 0.97 s after it, and
    /// it was refused. The refusal 1.0 s after the last request through,
    /// where a dozen such gaps had gone through, was taken as a bracket with
    /// the retry's 2.3 s: paced at 0.64 a second, 81 s for 60 pages.
    #[test]
    fn a_refusal_at_a_gap_that_went_through_before_brackets_nothing() {
        let mut p = Pacer::new(None);
        let t0 = Instant::now();
        let (mut t, mut tat, mut last, mut lowest) = (t0, t0, t0, f64::MAX);
        for n in 0..120 {
            let slot = drain(&mut p, t, 1)[0];
            let arrival = slot.at + ms(if n == 30 { 40 } else { 1 });
            let through = arrival >= tat;
            if through {
                tat = arrival + Duration::from_secs(1);
                last = arrival;
            }
            t = arrival + ms(1);
            p.on_answer(slot, t, &if through { ok() } else { refused(None) });
            if n > 30 {
                lowest = lowest.min(p.rate().unwrap());
            }
        }
        assert!(lowest >= 0.75, "paced at {lowest} after {:?}", last - t0);
    }

    /// A token bucket of one request per 5 s without `Retry-After` (nginx's
    /// `limit_req`), after three pages went together: the refusals found
    /// one per 2.5 s too fast, a request 6 s after the last one through got
    /// through, and the pace came down from one per 2.5 s by a fifth a
    /// refusal, three more 429s, each maybe a page's retry: the run could
    /// fail with a page's retries spent.
    #[test]
    fn a_request_through_after_a_refusal_brackets_a_slow_limit() {
        let mut p = Pacer::new(None);
        let t0 = Instant::now();
        let (mut token_at, mut refusals) = (t0, Vec::new());
        let mut answer = |p: &mut Pacer, slot: Slot| {
            let through = slot.at >= token_at;
            if through {
                token_at = slot.at + Duration::from_secs(5);
            } else {
                refusals.push(slot.at - t0);
            }
            p.on_answer(
                slot,
                slot.at + ms(5),
                &if through { ok() } else { refused(None) },
            );
        };
        let first = drain(&mut p, t0, 1)[0];
        answer(&mut p, first);
        let mut t = t0 + ms(10);
        for slot in drain(&mut p, t, 3) {
            answer(&mut p, slot);
        }
        for _ in 0..12 {
            let slot = drain(&mut p, t, 1)[0];
            t = slot.at + ms(5);
            answer(&mut p, slot);
        }
        assert!(
            refusals.len() <= 6,
            "{} refusals: {refusals:?}",
            refusals.len()
        );
    }

    /// The gap kept as one that went through alone: a second or more after
    /// the last request through, none sent in between, and shorter than the
    /// one kept (an equal one leaves it, and when it went, as it was).
    #[test]
    fn the_lone_gap_kept_is_the_shortest_of_a_second_or_more_alone() {
        let t0 = Instant::now();
        let s = |n: u64| t0 + ms(n);
        let mut p = Pacer::new(None);
        p.learnt = Some((1.0, Source::Refusals));
        (p.through, p.recent) = ([t0].into(), [t0].into());
        let go = |p: &mut Pacer, sent: u64, through: bool| {
            assert_eq!(p.bracket(s(sent)), None);
            p.recent.push_back(s(sent));
            if through {
                p.through.push_back(s(sent));
            }
            p.lone_gap.map(|(g, at)| (g, at - t0))
        };
        let kept = |g: u64, at: u64| Some((ms(g), ms(at)));
        assert_eq!(go(&mut p, 2_000, true), kept(2_000, 2_000));
        // Longer, then under a second.
        assert_eq!(go(&mut p, 5_000, true), kept(2_000, 2_000));
        assert_eq!(go(&mut p, 5_500, false), kept(2_000, 2_000));
        // Not alone: 5.5 s and 6 s went in between.
        p.recent.push_back(s(6_000));
        assert_eq!(go(&mut p, 6_700, true), kept(2_000, 2_000));
        assert_eq!(go(&mut p, 8_200, true), kept(1_500, 8_200));
        assert_eq!(go(&mut p, 9_700, true), kept(1_500, 8_200));
    }

    /// A refusal within the margin of a gap that went through alone
    /// brackets nothing; a shorter one is bracketed with that gap, or
    /// with a longer gap that was enough before.
    #[test]
    fn a_bracket_takes_the_lone_gap_and_the_longer_gap_that_was_enough() {
        let t0 = Instant::now();
        let pacer = |lone: Option<u64>, enough: Option<u64>, refused: u64| {
            let mut p = Pacer::new(None);
            p.learnt = Some((1.0, Source::Refusals));
            p.through.push_back(t0);
            p.recent.extend([t0, t0 + ms(refused)]);
            p.refused_sent = Some(t0 + ms(refused));
            p.lone_gap = lone.map(|g| (ms(g), t0));
            p.enough = enough.map(ms);
            p
        };
        let bracket = |lone: Option<u64>, enough: Option<u64>, refused: u64| {
            let mut p = pacer(lone, enough, refused);
            let said = p.bracket(t0 + ms(4_000));
            (said.is_some(), p.learnt.map(|(rate, _)| rate))
        };
        assert_eq!(bracket(Some(2_000), None, 1_950), (false, Some(1.0)));
        let (said, rate) = bracket(Some(2_000), None, 1_500);
        let mid = (1.5f64 * 2.0).sqrt();
        assert!(said && (rate.unwrap() - 1.0 / mid).abs() < 1e-9, "{rate:?}");
        let (said, rate) = bracket(None, Some(2_500), 1_500);
        let mid = (1.5f64 * 2.5).sqrt();
        assert!(said && (rate.unwrap() - 1.0 / mid).abs() < 1e-9, "{rate:?}");
        // A gap that was enough and is now refused is enough no more.
        let (said, rate) = bracket(None, Some(1_500), 1_500);
        let mid = (1.5f64 * 4.0).sqrt();
        assert!(said && (rate.unwrap() - 1.0 / mid).abs() < 1e-9, "{rate:?}");
        // The same bracket again sets no pace and leaves the spacing.
        let mut p = pacer(None, Some(2_500), 1_500);
        assert!(p.bracket(t0 + ms(4_000)).is_some());
        p.tat = None;
        assert_eq!((p.bracket(t0 + ms(4_000)), p.tat), (None, None));
    }

    /// Limits without a window: an hourly one's, then one a second's (a
    /// server naming the policy nearest exhaustion). The hour's reset was
    /// taken as the second's window: one request every 120 s.
    #[test]
    fn a_reset_is_the_window_of_its_own_limit_not_a_later_one() {
        let h = |limit: f64, reset: u64| RateHeaders {
            limit: Some(limit),
            window: None,
            remaining: Some(limit - 1.0),
            reset: Some(Duration::from_secs(reset)),
        };
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.on_answer(at(t0), t0, &with_headers(h(1000.0, 3600)));
        p.on_answer(at(t0), t0 + ms(5), &with_headers(h(10.0, 1)));
        let rate = p.rate().unwrap();
        assert!((rate - 10.0 * MARGIN).abs() < 1e-9, "{rate}");
    }

    /// Headers that allow more than the server takes: the cut the refusals
    /// made was undone by the next answer's headers, burst and all, and the
    /// walk was refused again after every cut.
    #[test]
    fn headers_do_not_undo_a_cut_the_refusals_made() {
        let h = quota(20.0, 1);
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.on_answer(at(t0), t0 + ms(5), &with_headers(h));
        // Refused in a burst: the burst goes first,
        let t1 = t0 + ms(100);
        p.on_answer(at(t1), t1 + ms(5), &refused(None));
        assert_eq!(p.pace().map(|(_, burst, _)| burst), Some(1.0));
        // then the rate, to what got through.
        let t2 = t0 + ms(1500);
        p.through.extend([t2 - ms(900), t2 - ms(400)]);
        p.on_answer(at(t2), t2 + ms(5), &refused(None));
        let cut = p.pace().unwrap();
        assert!(cut.0 <= 2.0, "{cut:?}");
        let t3 = t2 + ms(1000);
        p.on_answer(at(t3), t3 + ms(5), &with_headers(h));
        assert_eq!(p.pace(), Some(cut));
    }

    /// `RateLimit-Limit: 1e308` in a window of a nanosecond: `-v` said
    /// "pacing at inf requests/s: the server allows 1000…(309 digits)".
    /// A large quota that is a real one is read as it is (a first fix
    /// read 5,000,000 a day as 1,000,000).
    #[test]
    fn an_absurd_quota_is_read_as_the_largest_one_and_logged_as_a_number() {
        // The change of pace a first answer with `limit` per `window` makes.
        let first_change = |limit: f64, window: Duration| {
            let h = RateHeaders {
                limit: Some(limit),
                window: Some(window),
                ..RateHeaders::default()
            };
            let t0 = Instant::now();
            let mut p = Pacer::new(None);
            let slot = p.try_send(t0).unwrap();
            p.on_answer(slot, t0 + ms(10), &with_headers(h)).unwrap()
        };
        let daily = first_change(5e6, Duration::from_secs(86_400));
        assert!(
            (daily.rate - 5e6 / 86_400.0 * MARGIN).abs() < 1e-6,
            "{daily}"
        );
        assert!(
            daily.why.contains("allows 5000000 requests per 86400 s"),
            "{daily}"
        );
        let absurd = first_change(1e308, Duration::from_nanos(1));
        assert!(absurd.rate.is_finite(), "{absurd}");
        assert!(absurd.to_string().len() < 100, "{absurd}");
    }

    /// A change of pace as `-v` logs it: the rate to two places, and why.
    #[test]
    fn a_change_of_pace_reads_as_its_rate_and_why() {
        let change = Change {
            rate: 1.5,
            why: "HTTP 429 after 3 requests".into(),
        };
        let line = "pacing at 1.50 requests/s: HTTP 429 after 3 requests";
        assert_eq!(change.to_string(), line);
    }

    /// `RateLimit-Policy: 2;w=1` learnt from the first answer: the request
    /// that carried it counts, so one more goes in that second, not two
    /// (pages 1, 2 and 3 went within 53 ms, and an exact limiter refused
    /// page 3). With `--max-rate 2` too there is no burst at all (pages 1,
    /// 2 and 3 went within 1 ms, and `--max-rate` promises one at a time).
    #[test]
    fn a_quota_counts_what_was_sent_and_max_rate_keeps_one_at_a_time() {
        let policy = quota(2.0, 1);
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let first = p.try_send(t0).unwrap();
        p.on_answer(first, t0 + ms(50), &with_headers(policy));
        let after = times(&drain(&mut p, t0 + ms(50), 3));
        let window = Duration::from_secs(1).div_f64(MARGIN);
        assert_eq!(after, vec![t0 + ms(50), t0 + window, t0 + ms(50) + window]);

        let mut p = Pacer::new(Some(2.0));
        let first = p.try_send(t0).unwrap();
        // A quota above --max-rate (10 a second): the cap's spacing holds
        // from the first request on (the second went 2 ms after it).
        let above = RateHeaders {
            limit: Some(10.0),
            ..policy
        };
        p.on_answer(first, t0 + ms(50), &with_headers(above));
        let gap = Duration::from_secs_f64(1.0 / (2.0 * MARGIN));
        assert_eq!(p.try_send(t0 + ms(50)), Err(gap - ms(50)));
        p.on_answer(first, t0 + ms(60), &with_headers(policy));
        let after = times(&drain(&mut p, t0 + gap, 3));
        for pair in after.windows(2) {
            assert!(pair[1] - pair[0] >= gap, "{after:?}");
        }
    }

    #[test]
    fn the_budget_counts_requests_sent_after_the_answered_one() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 3);
        // The first answer says 2 remain, but two more were sent since.
        let h = RateHeaders {
            remaining: Some(2.0),
            reset: Some(Duration::from_secs(10)),
            ..RateHeaders::default()
        };
        p.on_answer(slots[0], t0 + ms(1), &with_headers(h));
        assert_eq!(p.try_send(t0 + ms(21)), Err(ms(9_980)));
        // Once the reset has passed, the budget no longer holds anything.
        assert!(p.try_send(t0 + ms(10_001)).is_ok());
    }

    /// A reset far off (an hourly quota spent, a bogus Unix time) held
    /// every request that long, silently; it now holds as "nothing left,
    /// no word on when" does (a second), and the server's 429 decides.
    #[test]
    fn a_spent_budget_with_a_reset_far_off_holds_a_second() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 1);
        let h = RateHeaders {
            remaining: Some(0.0),
            reset: Some(Duration::from_secs(70 * 365 * 24 * 3600)),
            ..RateHeaders::default()
        };
        p.on_answer(slots[0], t0 + ms(1), &with_headers(h));
        assert_eq!(p.try_send(t0 + ms(1)), Err(Duration::from_secs(1)));
        assert!(p.try_send(t0 + ms(1_001)).is_ok());
    }

    /// A refusal whose wait is under a second (an HTTP date read with this
    /// second's fraction, a reset in milliseconds) set a floor of 3.74
    /// requests a second after 2 got through: 20 refusals in 40 pages of a
    /// limit of 2 a second. A wait counts in whole seconds, as
    /// `Retry-After` does.
    #[test]
    fn a_wait_under_a_second_sets_no_floor_above_what_got_through() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let a = p.try_send(t0).unwrap();
        let b = p.try_send(t0 + ms(100)).unwrap();
        let c = p.try_send(t0 + ms(733)).unwrap();
        let ok = Answer {
            status: 200,
            ..Answer::default()
        };
        p.on_answer(a, t0 + ms(2), &ok);
        p.on_answer(b, t0 + ms(102), &ok);
        let wait = ms(267);
        let refused = Answer {
            status: 429,
            retry_after: Some(wait),
            keep_away: Some(wait),
            ..Answer::default()
        };
        p.on_answer(c, t0 + ms(734), &refused);
        assert!(p.rate().unwrap() <= 2.0, "{:?}", p.pace());
    }

    /// An hourly quota (10 an hour, GitHub's headers) held the 11th request
    /// the whole hour (3,706 s), silently; a daily one a day: the quota's
    /// wait is a `Retry-After`'s at most, and the server's 429 decides.
    #[test]
    fn a_quota_of_an_hour_holds_no_longer_than_a_retry_after() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 10);
        for (i, slot) in slots.iter().enumerate() {
            let h = RateHeaders {
                limit: Some(10.0),
                window: None,
                remaining: Some((9 - i) as f64),
                reset: Some(Duration::from_secs(3600)),
            };
            p.on_answer(*slot, slot.at + ms(5), &with_headers(h));
        }
        // Asked again and again as it waits, as the pace asks it.
        let next = drain(&mut p, t0 + Duration::from_secs(5), 1)[0].at;
        let waited = next - (t0 + Duration::from_secs(5));
        assert!(waited <= Duration::from_secs(121), "{waited:?}");
    }

    #[test]
    fn headers_are_read_in_both_spellings() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let ietf = |name: &str| match name {
            "ratelimit-limit" => Some("100"),
            "ratelimit-remaining" => Some("42"),
            "ratelimit-reset" => Some("30"),
            "ratelimit-policy" => Some("100;w=60, 1000;w=3600"),
            _ => None,
        };
        assert_eq!(
            parse_rate_headers(ietf, now),
            Some(RateHeaders {
                limit: Some(100.0),
                window: Some(Duration::from_secs(60)),
                remaining: Some(42.0),
                reset: Some(Duration::from_secs(30)),
            })
        );
        // GitHub's: the reset is a Unix time.
        let github = |name: &str| match name {
            "x-ratelimit-limit" => Some("5000"),
            "x-ratelimit-remaining" => Some("4999"),
            "x-ratelimit-reset" => Some("1700000600"),
            _ => None,
        };
        assert_eq!(
            parse_rate_headers(github, now),
            Some(RateHeaders {
                limit: Some(5000.0),
                window: None,
                remaining: Some(4999.0),
                reset: Some(Duration::from_secs(600)),
            })
        );
        // The draft's inline policy in the limit itself.
        let inline = |name: &str| (name == "ratelimit-limit").then_some("10, 10;w=1");
        let h = parse_rate_headers(inline, now).unwrap();
        assert_eq!(
            (h.limit, h.window),
            (Some(10.0), Some(Duration::from_secs(1)))
        );
        assert_eq!(parse_rate_headers(|_| None, now), None);
        let garbage = |name: &str| (name == "x-ratelimit-limit").then_some("lots");
        assert_eq!(parse_rate_headers(garbage, now), None);
        // A window no `Duration` holds is ignored, not a crash; a day is
        // read.
        for huge in ["10;w=1e20", "10, 10;w=99999999999999999999", "10;w=1e300"] {
            let h = parse_rate_headers(|n| (n == "ratelimit-limit").then_some(huge), now);
            assert_eq!(h.unwrap().window, None, "{huge}");
        }
        let daily = |n: &str| (n == "ratelimit-limit").then_some("1000;w=86400");
        let h = parse_rate_headers(daily, now).unwrap();
        assert_eq!(h.window, Some(Duration::from_secs(86_400)));
    }

    /// A `Remaining` alone, or a `Reset` alone, is read: only a window
    /// alone says nothing.
    #[test]
    fn a_remaining_or_a_reset_alone_is_read() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let remaining = |n: &str| (n == "x-ratelimit-remaining").then_some("0");
        let h = parse_rate_headers(remaining, now);
        assert_eq!(h.map(|h| h.remaining), Some(Some(0.0)));
        let reset = |n: &str| (n == "ratelimit-reset").then_some("3");
        let h = parse_rate_headers(reset, now);
        assert_eq!(h.map(|h| h.reset), Some(Some(Duration::from_secs(3))));
    }

    /// `inf` is no number a header means, a window of 0 s is no window,
    /// and 10^15 is shown as `1e15`, not its 16 digits.
    #[test]
    fn header_numbers_are_finite_windows_positive_and_huge_ones_short() {
        assert_eq!(number("inf"), None);
        assert_eq!(number(" 7 "), Some(7.0));
        assert_eq!(parse_quota("10;w=0"), (Some(10.0), None));
        assert_eq!(as_number(1e15), "1e15");
        assert_eq!(as_number(999_999_999_999_999.0), "999999999999999");
    }

    #[test]
    fn the_later_drafts_one_ratelimit_header_is_read_too() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        // draft-07, as express-rate-limit writes it.
        let draft7 = |name: &str| match name {
            "ratelimit" => Some("limit=10, remaining=3, reset=7"),
            "ratelimit-policy" => Some("10;w=15"),
            _ => None,
        };
        assert_eq!(
            parse_rate_headers(draft7, now),
            Some(RateHeaders {
                limit: Some(10.0),
                window: Some(Duration::from_secs(15)),
                remaining: Some(3.0),
                reset: Some(Duration::from_secs(7)),
            })
        );
        // A reset that large is a Unix time, as in the other spellings.
        let epoch = |name: &str| (name == "ratelimit").then_some("limit=10, reset=1700000600");
        let h = parse_rate_headers(epoch, now).unwrap();
        assert_eq!(h.reset, Some(Duration::from_secs(600)));
        // draft-08 and later: structured fields, a named policy.
        let draft8 = |name: &str| match name {
            "ratelimit" => Some("\"burst\";r=4;t=2, \"daily\";r=900;t=80000"),
            "ratelimit-policy" => Some("\"burst\";q=5;w=1, \"daily\";q=1000;w=86400"),
            _ => None,
        };
        assert_eq!(
            parse_rate_headers(draft8, now),
            Some(RateHeaders {
                limit: Some(5.0),
                window: Some(Duration::from_secs(1)),
                remaining: Some(4.0),
                reset: Some(Duration::from_secs(2)),
            })
        );
    }

    /// express-rate-limit's two limiters (their lines joined): the spent one is read.
    #[test]
    fn the_ratelimit_item_nearest_exhaustion_is_the_one_read() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let two = |name: &str| match name {
            "ratelimit" => Some("\"3-in-1sec\"; r=1; t=1, \"3-in-10sec\"; r=0; t=7"),
            "ratelimit-policy" => Some("\"3-in-1sec\"; q=3; w=1, \"3-in-10sec\"; q=3; w=10"),
            _ => None,
        };
        assert_eq!(
            parse_rate_headers(two, now),
            Some(RateHeaders {
                limit: Some(3.0),
                window: Some(Duration::from_secs(10)),
                remaining: Some(0.0),
                reset: Some(Duration::from_secs(7)),
            })
        );
        // As many left: the furthest reset.
        assert_eq!(
            nearest_item("\"a\";r=0;t=1, \"b\";r=0;t=5"),
            " \"b\";r=0;t=5"
        );
        assert_eq!(
            nearest_item("limit=3, remaining=1, reset=1"),
            "limit=3, remaining=1, reset=1"
        );
    }

    /// express-rate-limit's draft-7 limiter sets its line, a draft-8 one
    /// appends its own after it (their lines joined): the draft-7 line,
    /// spent, is one item, read beside the other's.
    #[test]
    fn a_spent_draft_7_line_beside_a_draft_8_item_is_the_one_read() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mixed = |name: &str| match name {
            "ratelimit" => Some("limit=3, remaining=0, reset=7, \"3-in-1sec\"; r=2; t=1"),
            "ratelimit-policy" => Some("3;w=10, \"3-in-1sec\"; q=3; w=1; pk=:MTJjYTE3YjQ5YWYy:"),
            _ => None,
        };
        assert_eq!(
            parse_rate_headers(mixed, now),
            Some(RateHeaders {
                limit: Some(3.0),
                window: Some(Duration::from_secs(10)),
                remaining: Some(0.0),
                reset: Some(Duration::from_secs(7)),
            })
        );
        // The draft-8 item spent, after the draft-7 line: the item is read.
        let spent = "limit=3, remaining=2, reset=7, \"3-in-1sec\"; r=0; t=1";
        assert_eq!(nearest_item(spent), " \"3-in-1sec\"; r=0; t=1");
    }

    #[test]
    fn the_policy_the_ratelimit_header_names_is_the_one_read() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        // draft-09: the daily quota listed first, the answer's `RateLimit` about the other.
        let named = |name: &str| match name {
            "ratelimit" => Some("\"sec\";r=0;t=1"),
            "ratelimit-policy" => Some("\"daily\";q=5000;w=86400, \"sec\";q=2;w=1"),
            _ => None,
        };
        assert_eq!(
            parse_rate_headers(named, now),
            Some(RateHeaders {
                limit: Some(2.0),
                window: Some(Duration::from_secs(1)),
                remaining: Some(0.0),
                reset: Some(Duration::from_secs(1)),
            })
        );
    }

    /// `@nestjs/throttler` with throttlers `short` (2 per 1 s) and `long`
    /// (10 per 10 s): the one nearest exhaustion is read, and a refusal's
    /// longest `Retry-After-…`.
    #[test]
    fn headers_named_after_a_throttler_are_those_nearest_exhaustion() {
        let answer = [
            ("x-ratelimit-limit-short", "2"),
            ("x-ratelimit-remaining-short", "1"),
            ("x-ratelimit-reset-short", "1"),
            ("x-ratelimit-limit-long", "10"),
            ("x-ratelimit-remaining-long", "0"),
            ("x-ratelimit-reset-long", "7"),
            ("retry-after-short", "1"),
            ("retry-after-long", "7"),
            ("retry-after-other", "soon"),
        ];
        assert_eq!(
            throttler_headers(&answer),
            vec![
                ("x-ratelimit-limit", "10"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "7"),
                ("retry-after", "7"),
            ]
        );
        assert_eq!(throttler_headers(&[("x-ratelimit-limit", "2")]), vec![]);
        // As many remaining: the longer reset binds. Read as `short`, the
        // walk went at 2 a second into `long`'s refusals of `Retry-After: 10`
        // (60 pages: 100.8 s, 4 refusals, where about 55 s is the least).
        let tie = [
            ("x-ratelimit-limit-short", "2"),
            ("x-ratelimit-remaining-short", "1"),
            ("x-ratelimit-reset-short", "1"),
            ("x-ratelimit-limit-long", "10"),
            ("x-ratelimit-remaining-long", "1"),
            ("x-ratelimit-reset-long", "6"),
        ];
        assert_eq!(throttler_headers(&tie)[0], ("x-ratelimit-limit", "10"));
    }

    /// hapi-rate-limit 8.0 with its path and user limits, on a refusal:
    /// the path's remaining is below zero, and binds.
    #[test]
    fn hapi_rate_limit_headers_are_named_inside() {
        let refusal = [
            ("x-ratelimit-pathlimit", "5"),
            ("x-ratelimit-pathremaining", "-1"),
            ("x-ratelimit-pathreset", "1796636865620"),
            ("x-ratelimit-userlimit", "300"),
            ("x-ratelimit-userremaining", "290"),
            ("x-ratelimit-userreset", "1796637400000"),
        ];
        assert_eq!(
            throttler_headers(&refusal),
            vec![
                ("x-ratelimit-limit", "5"),
                ("x-ratelimit-remaining", "-1"),
                ("x-ratelimit-reset", "1796636865620"),
            ]
        );
        assert_eq!(
            throttler_headers(&[("x-ratelimit-otherlimit", "5")]),
            vec![]
        );
    }

    /// A remaining below zero is a refusal's count only beside a limit of
    /// its own: `-1` for both says no limit (as some servers write
    /// "unlimited"), and the minute's throttler still binds.
    #[test]
    fn a_negative_remaining_without_a_limit_binds_nothing() {
        let unlimited_day = [
            ("x-ratelimit-limit-day", "-1"),
            ("x-ratelimit-remaining-day", "-1"),
            ("x-ratelimit-limit-minute", "60"),
            ("x-ratelimit-remaining-minute", "50"),
            ("x-ratelimit-reset-minute", "30"),
        ];
        let minute = vec![
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "50"),
            ("x-ratelimit-reset", "30"),
        ];
        assert_eq!(throttler_headers(&unlimited_day), minute);
        // A limit of 0 is no limit to be below either.
        let mut zero_day = unlimited_day;
        zero_day[0].1 = "0";
        assert_eq!(throttler_headers(&zero_day), minute);
    }

    #[test]
    fn without_a_window_the_longest_reset_is_the_window() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let h = RateHeaders {
            limit: Some(60.0),
            window: None,
            remaining: Some(59.0),
            reset: Some(Duration::from_secs(30)),
        };
        p.on_answer(at(t0), t0, &with_headers(h));
        assert!((p.rate().unwrap() - 2.0 * MARGIN).abs() < 1e-9);
        // A reset past a day is no window: it paced to one request in 120 s.
        let mut p = Pacer::new(None);
        let far = RateHeaders {
            reset: Some(Duration::from_secs(86_401)),
            ..h
        };
        p.on_answer(at(t0), t0, &with_headers(far));
        assert_eq!(p.rate(), None);
    }

    /// Two express-rate-limit instances stacked with `draft-7` headers (2
    /// per 1 s, then 10 per 10 s): the second overwrites the first's on
    /// every answer that gets through, and only a refusal (by the first)
    /// says 2 per 1 s. The next answer's 10 per 10 s let a burst of 10 go,
    /// into the first's refusals again: 26-30 refusals for 60 pages. The
    /// quota a refusal states is kept to.
    #[test]
    fn the_quota_a_refusal_states_is_kept_to_whatever_answers_say_after() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let first = p.try_send(t0).unwrap();
        let short = Answer {
            retry_after: Some(Duration::from_secs(1)),
            headers: Some(quota(2.0, 1)),
            ..refused(Some(1))
        };
        p.on_answer(first, t0 + ms(5), &short);
        let second = drain(&mut p, t0, 1)[0];
        let long = RateHeaders {
            remaining: Some(8.0),
            reset: Some(Duration::from_secs(9)),
            ..quota(10.0, 10)
        };
        p.on_answer(second, second.at + ms(5), &with_headers(long));
        let sent = times(&drain(&mut p, second.at + ms(5), 4));
        let in_a_second = sent
            .windows(3)
            .filter(|w| w[2] - w[0] < Duration::from_secs(1));
        assert_eq!(
            in_a_second.count(),
            0,
            "{:?}",
            sent.iter().map(|t| *t - t0).collect::<Vec<_>>()
        );
    }

    /// A refusal said 2 per 1 s, and the server's limit is then raised to
    /// 20 per 1 s (a deploy, or an adaptive limit lowered under load and
    /// restored): every answer says so, none is refused, and the walk kept
    /// to 2 a second for the rest of the run (a million-account walk: for
    /// hours). The refused quota is kept to while refusals come, not for
    /// good.
    #[test]
    fn a_refused_quota_is_not_kept_to_long_after_the_last_refusal() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let first = p.try_send(t0).unwrap();
        let refusal = Answer {
            retry_after: Some(Duration::from_secs(1)),
            headers: Some(quota(2.0, 1)),
            ..refused(Some(1))
        };
        p.on_answer(first, t0 + ms(5), &refusal);
        let mut t = t0 + ms(5);
        let mut sent = Vec::new();
        while t < t0 + Duration::from_secs(90) {
            let slot = drain(&mut p, t, 1)[0];
            t = slot.at + ms(5);
            p.on_answer(slot, t, &with_headers(quota(20.0, 1)));
            sent.push(slot.at);
        }
        let last_10_s = sent.iter().filter(|&&s| s + Duration::from_secs(10) >= t);
        let rate = last_10_s.count() as f64 / 10.0;
        assert!(rate > 10.0, "{rate} a second 80 s after the only refusal");
    }

    /// A refused quota is kept to until [`KEPT`] after the refusal, and
    /// not at that instant.
    #[test]
    fn a_refused_quota_ends_kept_after_the_refusal() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.refused_quota = Some(((1.0, Duration::from_secs(10)), t0));
        p.recent.push_back(t0 + Duration::from_secs(55));
        assert!(p.quota_wait(t0 + KEPT - ms(1)).is_some());
        assert_eq!(p.quota_wait(t0 + KEPT), None);
    }

    /// koa-ratelimit sends its reset as a Unix time with a fraction: the
    /// request that opens its window of 1 s reads 0.995 s. A reset under a
    /// second was no window, no pace was learnt from the headers, and at
    /// the default concurrency a 60-page walk behind 2 a second took 39.7 s
    /// with 2 refusals (30.1 s and none at `--concurrency 1`).
    #[test]
    fn a_reset_with_a_fraction_under_a_second_is_a_window_too() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let h = RateHeaders {
            limit: Some(2.0),
            window: None,
            remaining: Some(1.0),
            reset: Some(ms(995)),
        };
        p.on_answer(at(t0), t0, &with_headers(h));
        let rate = p.rate().expect("a pace");
        assert!((rate - 2.0 / 0.995 * MARGIN).abs() < 1e-9, "{rate}");
        // A reset of a whole second rounded down says nothing.
        let mut p = Pacer::new(None);
        let h = RateHeaders {
            reset: Some(Duration::ZERO),
            ..h
        };
        p.on_answer(at(t0), t0, &with_headers(h));
        assert_eq!(p.rate(), None);
    }

    /// `X-RateLimit-Reset` in Unix milliseconds was read as seconds,
    /// some 31,000 years off.
    #[test]
    fn a_reset_in_unix_milliseconds_is_read_as_such() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            reset_after(1_700_000_600_000.0, now),
            Duration::from_secs(600)
        );
        assert_eq!(reset_after(1_700_000_600.0, now), Duration::from_secs(600));
        assert_eq!(reset_after(1_699_999_000_000.0, now), Duration::ZERO);
    }

    /// A reset of exactly [`EPOCH_RESET_ABOVE`] is seconds, one above it a
    /// Unix time; exactly 1e11 is a Unix time in seconds, one above it in
    /// milliseconds.
    #[test]
    fn a_reset_is_a_unix_time_only_above_its_bounds() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let secs = Duration::from_secs;
        assert_eq!(reset_after(1e9, now), secs(1_000_000_000));
        assert_eq!(
            reset_after(1e11, now),
            secs(100_000_000_000 - 1_700_000_000)
        );
    }

    #[test]
    fn retry_after_jitter_is_small_and_only_adds() {
        let ra = Duration::from_secs(2);
        assert_eq!(with_jitter(ra, 0.0), ra);
        assert_eq!(with_jitter(ra, 0.5), ra + ms(100));
        assert_eq!(with_jitter(ra, 1.0), ra + ms(200));
        // Never past the 60 s cap of a Retry-After (§5): it waited 61 s.
        assert_eq!(
            with_jitter(Duration::from_secs(60), 1.0),
            Duration::from_secs(60)
        );
        assert_eq!(with_jitter(ms(59_900), 1.0), Duration::from_secs(60));
        assert_eq!(with_jitter(Duration::ZERO, 0.7), Duration::ZERO);
    }

    /// A clock that moves only when slept on.
    struct FakeClock(Mutex<Instant>);

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            *self.0.lock().unwrap()
        }
        fn sleep(&self, duration: Duration) {
            *self.0.lock().unwrap() += duration;
        }
    }

    #[test]
    fn the_shared_pace_sleeps_until_the_slot_and_counts_waiters() {
        let t0 = Instant::now();
        let pace = Pace::new(FakeClock(Mutex::new(t0)), Some(2.0));
        let gap = Duration::from_secs_f64(1.0 / (2.0 * MARGIN));
        let (first, waited) = pace.send_slot(|_| panic!("no wait"), || false).unwrap();
        assert_eq!((first.at, waited), (t0, Duration::ZERO));
        let heard = Mutex::new(Vec::new());
        let hear = |wait| heard.lock().unwrap().push(wait);
        let (second, waited) = pace.send_slot(hear, || false).unwrap();
        assert_eq!((second.at, waited), (t0 + gap, gap));
        let heard = heard.into_inner().unwrap();
        assert_eq!(
            heard.first(),
            Some(&gap),
            "the wait is told before it begins"
        );
        assert_eq!(heard.len(), 6, "and each time it is asked again: {heard:?}");
        assert_eq!(pace.waiting(), 0, "nobody left waiting");
        assert_eq!(pace.rate(), Some(2.0 * MARGIN));
    }

    /// Each request sent takes one from the budget an answer stated, and
    /// the last one left may still go: of 2 remaining, two go and the third
    /// waits for the reset.
    #[test]
    fn each_request_sent_spends_one_of_the_budget_and_the_last_one_goes() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 1);
        let h = RateHeaders {
            remaining: Some(2.0),
            reset: Some(Duration::from_secs(10)),
            ..RateHeaders::default()
        };
        p.on_answer(slots[0], t0 + ms(1), &with_headers(h));
        assert!(p.try_send(t0 + ms(100)).is_ok(), "2 left: one goes");
        assert!(p.try_send(t0 + ms(200)).is_ok(), "1 left: the last goes");
        assert_eq!(p.try_send(t0 + ms(300)), Err(ms(9_701)), "none left");
    }

    /// A crowd's 503 taken in after the 200s of the two sent with it caps
    /// the requests in flight at those two, not at the one answered last.
    #[test]
    fn a_crowds_503_after_its_crowds_200s_counts_every_one_of_them() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 3);
        p.on_answer(slots[1], t0 + ms(10), &ok());
        p.on_answer(slots[2], t0 + ms(11), &ok());
        p.on_answer(slots[0], t0 + ms(12), &unavailable());
        let one = drain(&mut p, t0 + ms(40), 1)[0];
        p.on_answer(one, t0 + ms(50), &ok());
        assert!(p.try_send(t0 + ms(60)).is_ok(), "one in flight");
        assert!(p.try_send(t0 + ms(60)).is_ok(), "two in flight");
        assert_eq!(p.try_send(t0 + ms(60)), Err(SETTLE), "not three");
    }

    /// A refusal that said when to retry leaves nothing to bracket: the
    /// request through after it keeps the pace its refusal set.
    #[test]
    fn a_refusal_with_retry_after_brackets_nothing_when_one_gets_through() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let first = drain(&mut p, t0, 1)[0];
        p.on_answer(first, t0 + ms(5), &ok());
        let second = drain(&mut p, t0 + ms(1_000), 1)[0];
        p.on_answer(second, t0 + ms(1_005), &refused(Some(1)));
        let rate = p.rate();
        assert_eq!(rate, Some(0.5 * MARGIN));
        let third = drain(&mut p, t0 + ms(5_000), 1)[0];
        assert_eq!(p.on_answer(third, third.at + ms(5), &ok()), None);
        assert_eq!(p.rate(), rate);
        // Not even below the floor the `Retry-After` keeps.
        assert_eq!(p.learnt, Some((0.5, Source::Refusals)));
    }

    /// A slot taken, and how long it was waited for.
    type Got = Option<(Slot, Duration)>;

    /// A request waits for the next slot (held in `on_wait` until the other
    /// has asked); the slot comes due, and another request, first tried
    /// later (`token`: a token request), asks for it once. The slots they
    /// got: (the waiting one's, the other's).
    fn one_waits_then_another_asks(token: bool) -> (Got, Got) {
        let t0 = Instant::now();
        let pace = Pace::new(FakeClock(Mutex::new(t0)), Some(1.0));
        pace.send_slot(|_| panic!("no wait"), || false).unwrap();
        let (waits, waiting) = mpsc::channel();
        let (go, gone) = mpsc::channel::<()>();
        let gone = Mutex::new(gone);
        let got = std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                let first = std::sync::atomic::AtomicBool::new(true);
                let hear = |_| {
                    if first.swap(false, Ordering::SeqCst) {
                        waits.send(()).unwrap();
                        gone.lock().unwrap().recv().unwrap();
                    }
                };
                pace.send_slot(hear, || false)
            });
            waiting.recv().unwrap();
            pace.clock.sleep(Duration::from_secs(2));
            let asked = AtomicUsize::new(0);
            let since = (!token).then(|| pace.clock.now());
            let once = || asked.fetch_add(1, Ordering::SeqCst) > 0;
            let other = pace.send_slot_since(since, |_| (), once);
            go.send(()).unwrap();
            (waiter.join().unwrap(), other)
        });
        assert_eq!(pace.waiting(), 0, "nobody left waiting");
        got
    }

    #[test]
    fn a_slot_goes_to_the_oldest_request_waiting_for_it() {
        let (older, newer) = one_waits_then_another_asks(false);
        assert!(
            newer.is_none(),
            "a newer request took the slot the older one waited for: {newer:?}"
        );
        let (slot, _) = older.expect("the older request's slot");
        assert_eq!(slot.seq, 1, "the older request went next");
    }

    /// A 429 without `Retry-After` in a burst at a pace the headers set
    /// holds every request one interval of that pace, no longer.
    #[test]
    fn a_silent_429_in_a_burst_holds_one_interval_of_the_pace() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.on_answer(at(t0), t0, &with_headers(quota(4.0, 1)));
        let rate = p.rate().expect("a pace");
        let t = t0 + ms(10);
        p.on_answer(at(t), t, &refused(None));
        assert_eq!(p.pace().map(|(_, burst, _)| burst), Some(1.0));
        assert_eq!(p.try_send(t), Err(Duration::from_secs_f64(1.0 / rate)));
        // The same headers again leave the cut as it is.
        let t = t + ms(1_000);
        p.on_answer(at(t), t, &with_headers(quota(4.0, 1)));
        assert_eq!(p.pace().map(|(_, burst, _)| burst), Some(1.0));
    }

    /// A silent refusal less than a floor's gap after the last request
    /// through leaves the floor a `Retry-After` set: that gap is still
    /// within it.
    #[test]
    fn a_silent_refusal_within_the_floors_gap_keeps_the_floor() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.floor = 0.5;
        p.through.push_back(t0);
        p.recent.push_back(t0);
        let sent = t0 + ms(1_000);
        p.on_answer(at(sent), sent + ms(10), &refused(None));
        assert_eq!(p.floor, 0.5);
    }

    /// An answer that leaves the pace as it was leaves a burst's backlog
    /// too: the bucket still holds the burst's requests, and the next one
    /// waits an interval.
    #[test]
    fn an_answer_keeps_the_backlog_of_a_burst_at_the_pace() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        (p.learnt, p.burst) = (Some((1.0, Source::Refusals)), 2.0);
        let slots = drain(&mut p, t0, 2);
        assert_eq!(times(&slots), vec![t0, t0]);
        assert_eq!(p.on_answer(slots[0], t0, &ok()), None);
        let (interval, extra) = p.bucket().expect("a bucket");
        assert_eq!(extra, 1);
        assert_eq!(p.try_send(t0), Err(interval));
    }

    /// The third refusal in a row, a gap and a `Retry-After` after the last
    /// request through: paced at one per both, though the floor it sets
    /// stays the lower one of before.
    #[test]
    fn a_third_refusal_in_a_row_paces_at_one_per_its_gap_and_retry_after() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        (p.refused_in_a_row, p.last_refused) = (1, Some(t0));
        let through = t0 + ms(1_000);
        p.through.push_back(through);
        p.recent.push_back(through);
        let sent = through + ms(3_000);
        p.on_answer(at(sent), sent + ms(10), &refused(Some(1)));
        assert_eq!(p.refused_in_a_row, 2);
        assert_eq!(p.floor, MIN_RATE);
        assert_eq!(p.learnt, Some((0.25, Source::Refusals)));
    }

    /// A hold's end a step's time back is quiet again: the pace is
    /// probed upwards at that very instant (to the tick of the clock).
    #[test]
    fn a_step_after_a_holds_end_is_probed_at_once() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        (p.learnt, p.last_cut) = (Some((1.0, Source::Refusals)), Some(t0));
        let held_to = t0 + PROBE_AFTER;
        p.held_to = Some(held_to);
        assert!(p.probe(held_to + PROBE_EVERY - ms(1)).is_none(), "held");
        assert!(p.probe(held_to + PROBE_EVERY).is_some());
    }

    /// A cut in a burst after a step up (silent 429s both): the next
    /// refusal is of no step up, and does not go back to the rate before it.
    #[test]
    fn a_refusal_after_a_bursts_cut_is_no_refused_step_up() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        (p.learnt, p.burst, p.last_cut) = (Some((1.0, Source::Refusals)), 2.0, Some(t0));
        assert!(p.probe(t0 + PROBE_AFTER).is_some());
        assert_eq!((p.held, p.probes), (Some(1.0), 1));
        let t = t0 + PROBE_AFTER + ms(1_000);
        p.on_answer(at(t), t, &refused(None));
        assert_eq!((p.burst, p.probes), (1.0, 0));
        let t = t + ms(10_000);
        p.on_answer(at(t), t, &refused(None));
        assert_eq!(p.steps_refused, 0);
        let (rate, _) = p.learnt.expect("a pace");
        assert!(
            (rate - 1.0 * (1.0 + PROBE_STEP) * CUT).abs() < 1e-9,
            "{rate}"
        );
    }

    /// One request left and no word on when it comes back: it goes at
    /// once (none left holds a second; see the test above).
    #[test]
    fn one_request_left_with_a_reset_far_off_holds_nothing() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, 1);
        let h = RateHeaders {
            remaining: Some(1.0),
            reset: Some(Duration::from_secs(70 * 365 * 24 * 3600)),
            ..RateHeaders::default()
        };
        p.on_answer(slots[0], t0 + ms(1), &with_headers(h));
        assert!(p.try_send(t0 + ms(1)).is_ok());
    }

    /// Headers without a limit between two with one (a server that names
    /// it on some answers only) keep that limit's longest reset, its
    /// window.
    #[test]
    fn headers_without_a_limit_keep_the_limits_window() {
        let h = |limit: Option<f64>, remaining: f64, reset: u64| RateHeaders {
            limit,
            window: None,
            remaining: Some(remaining),
            reset: Some(Duration::from_secs(reset)),
        };
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.on_answer(at(t0), t0, &with_headers(h(Some(10.0), 9.0, 2)));
        p.on_answer(at(t0), t0 + ms(5), &with_headers(h(None, 8.0, 1)));
        p.on_answer(at(t0), t0 + ms(10), &with_headers(h(Some(10.0), 7.0, 1)));
        let rate = p.rate().unwrap();
        assert!((rate - 5.0 * MARGIN).abs() < 1e-9, "{rate}");
    }

    /// After the opening answers, with no pace yet, a request no longer
    /// waits for those sent with the last one answered.
    #[test]
    fn after_the_opening_answers_nothing_waits_for_siblings() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slots = drain(&mut p, t0, OPENING_ANSWERS as usize + 2);
        for &slot in &slots[..OPENING_ANSWERS as usize] {
            p.on_answer(slot, t0 + ms(1), &ok());
        }
        assert_eq!(p.rate(), None);
        assert!(p.try_send(t0 + ms(1)).is_ok());
    }

    /// Headers that allow less than the refusals' pace set theirs.
    #[test]
    fn headers_below_the_refusals_pace_set_it() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.learnt = Some((10.0, Source::Refusals));
        p.on_answer(at(t0), t0, &with_headers(quota(2.0, 1)));
        assert_eq!(p.learnt, Some((2.0, Source::Headers)));
    }

    /// The last request through is one sent before, not with, the request
    /// asked of: a request through sent at the same instant makes none.
    /// (Through `on_answer` the two are alike: a gap of zero bounds no
    /// rate.)
    #[test]
    fn a_request_through_sent_with_it_is_no_last_one_through() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let later = t0 + Duration::from_secs(2);
        p.through.extend([t0, later]);
        assert_eq!(p.last_through(later + ms(1)), Some((later, 1)));
        assert_eq!(p.last_through(later), None);
    }

    /// While failing, only a 503 that says nothing is the outage's: one
    /// with a `Retry-After` is a refusal. A success ends the failing, and
    /// only Envoy's 503 of an unreachable upstream begins it.
    #[test]
    fn a_503_while_failing_is_an_outage_only_if_silent_and_a_success_ends_it() {
        let mut p = Pacer::new(None);
        p.failing = true;
        let said = Answer {
            retry_after: Some(ms(1000)),
            ..unavailable()
        };
        assert!(p.refusal(&said), "a 503 with a Retry-After is a refusal");
        assert!(p.failing);
        assert!(!p.refusal(&ok()));
        assert!(!p.failing, "a success ends the failing");
        assert!(p.refusal(&unavailable()));
        assert!(!p.failing, "a plain 503 begins no failing");
    }

    /// A 503 with a `Retry-After` is no crowd's, though others are in flight.
    #[test]
    fn a_503_with_a_retry_after_is_no_crowds() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        let slot = p.try_send(t0).unwrap();
        p.try_send(t0).unwrap();
        assert!(p.crowded(slot.at, &unavailable()));
        let said = Answer {
            retry_after: Some(ms(1000)),
            ..unavailable()
        };
        assert!(!p.crowded(slot.at, &said));
    }

    /// A crowd's cap lowers the next one's until [`CROWD_CAP_FOR`] after
    /// it, and not from then.
    #[test]
    fn a_crowds_cap_lowers_the_next_only_while_recent() {
        let t0 = Instant::now();
        assert_eq!(lowered(None, 5, t0), 5);
        assert_eq!(lowered(Some((2, t0)), 5, t0 + ms(1)), 2);
        assert_eq!(lowered(Some((7, t0)), 5, t0 + ms(1)), 5);
        assert_eq!(lowered(Some((2, t0)), 5, t0 + CROWD_CAP_FOR), 5);
    }

    /// A crowd's cap holds until [`CROWD_CAP_FOR`] after it, answers
    /// coming, and not from then.
    #[test]
    fn a_crowds_cap_holds_until_crowd_cap_for_and_not_from_then() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.crowd_cap = Some((1, t0));
        p.outstanding.insert(9, t0);
        let end = t0 + CROWD_CAP_FOR;
        p.answered.push_back((end - ms(500), end - ms(500)));
        assert!(p.at_crowd_cap(end - ms(1)));
        assert!(!p.at_crowd_cap(end));
    }

    /// What went more than [`KEPT`] ago is forgotten, what went since is
    /// not, and no more than 4,096 requests are kept.
    #[test]
    fn requests_older_than_kept_or_past_the_most_kept_are_forgotten() {
        let t0 = Instant::now();
        let mut p = Pacer::new(None);
        p.through.extend([t0, t0 + ms(1)]);
        p.forget(t0 + KEPT + ms(1));
        assert_eq!(p.through, [t0 + ms(1)]);
        p.recent.extend(std::iter::repeat_n(t0, 4097));
        p.forget(t0);
        assert_eq!(p.recent.len(), 4096);
    }

    /// The token request, asked after a page began to wait, goes first:
    /// the page's token expires, or was refused, and the pages waiting need
    /// the new one (behind them, a page took each slot, then waited for the
    /// token in it).
    #[test]
    fn a_token_request_goes_before_the_older_pages_waiting() {
        let (page, token) = one_waits_then_another_asks(true);
        let (slot, _) = token.expect("the token request's slot, before the page's");
        assert_eq!(slot.seq, 1, "the token request went next");
        let (slot, _) = page.expect("the page's slot");
        assert_eq!(slot.seq, 2, "the page went after it");
    }
}
