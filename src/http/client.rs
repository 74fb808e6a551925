//! The one HTTP agent of a run (stock ureq): TLS roots, timeouts, no
//! redirects, a body cap, the proxy of each URL, retries with backoff, and
//! the `-v` request log with secrets redacted.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;
use serde::Deserialize;
use ureq::tls::TlsConfig;
use ureq::{Agent, Body, RequestBuilder};

use super::Bearer;
use super::pacer::{
    Answer, Pace, Slot, SystemClock, is_refusal, parse_rate_headers, throttler_headers, with_jitter,
};
use super::proxy::{Proxies, Via};
use super::redact::Redactor;
use super::retry::{
    MAX_RETRY_AFTER, is_retryable_status, jittered, parse_date, parse_retry_after,
    retry_after_asked, scaled,
};
use super::throttle::RateLimits;
use super::trust::{
    OUTDATED_THROUGH_PROXY, inspected_hint, no_chain, plain_cause, takes_connections,
    untrusted_hint, url_tls_hint,
};
use super::url::{Url, bare_host, smaller_page};
use crate::error::{OUT_OF_FILES, api_error, config_error};
use crate::interrupt::locked;
use crate::log::Log;
use crate::text::{counted, json_cut_short, shorten};

/// The largest response body accepted. A page of 100 accounts is a few
/// tens of KiB; anything near this is a broken or hostile server.
pub const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// Sent with every request (and shown by `-vv` as sent).
const USER_AGENT: &str = concat!("talkdesk-accounts/", env!("CARGO_PKG_VERSION"));
const ACCEPT: &str = "application/json";
/// Below this pace (requests per second) a walk says so without `-v`.
const SLOW_RATE: f64 = 0.1;
/// Sent with every request: a cache between the tool and the API (a proxy,
/// a CDN) must ask the API again, never serve a page it kept (RFC 9111
/// §5.2.1.4), or a list would mix pages from different times.
const CACHE_CONTROL: &str = "no-cache";
/// Sent with every request: no compression. Without the header a server
/// may choose any coding (RFC 9110 §12.5.3), and the tool reads none.
const ACCEPT_ENCODING: &str = "identity";

/// Scales every retry delay; tests set `TALKDESK_BACKOFF_SCALE=0` so the
/// real defaults need not be weakened.
pub const BACKOFF_SCALE_VAR: &str = "TALKDESK_BACKOFF_SCALE";

/// Idle connections kept per host: one per page in flight at the highest
/// `--concurrency`, so a concurrent walk reuses its connections.
const MAX_IDLE_CONNECTIONS: usize = 64;

/// How the client behaves.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub timeout: Duration,
    pub max_retries: u32,
    pub ca_bundle: Option<std::path::PathBuf>,
    /// What set it, as its errors name it: `ca_bundle` (the config key) or
    /// `TALKDESK_CA_BUNDLE`.
    pub ca_bundle_name: &'static str,
    pub backoff_scale: f64,
    /// `--max-rate`: requests a second at most.
    pub max_rate: Option<f64>,
    /// The token URL is at another origin than the API: its answers come
    /// through another limiter and say nothing of the API's. At the same
    /// origin (one gateway in front of both) they count as the pages do.
    pub token_apart: bool,
    pub log: Log,
    /// The run's secrets: the client learns each token here, so that the
    /// run's last error is redacted with it too (a `--jq` error on data
    /// that holds one).
    pub redactor: Arc<Redactor>,
}

/// One request to make.
pub struct Request<'a> {
    pub url: &'a Url,
    /// Sent as is but logged as `<redacted>`.
    pub authorization: Authorization<'a>,
    /// A form (`application/x-www-form-urlencoded`), sent with POST (else
    /// the request is a GET).
    pub form: Option<&'a [(&'a str, &'a str)]>,
    /// The answer carries a new `access_token`: the redactor learns it
    /// before any line of the answer is logged.
    pub issues_token: bool,
    /// A page fetched ahead (see [`FetchAhead`]).
    pub ahead: Option<FetchAhead<'a>>,
    /// A page of the walk was answered at the same setting, so a failure
    /// here is not the setting's to blame.
    pub proven: bool,
    /// Whether what the request is for came meanwhile by other means (a
    /// token another run cached): asked while it waits to retry, and a
    /// retry is then not sent ([`AnsweredMeanwhile`]).
    pub meanwhile: Option<&'a dyn Fn() -> bool>,
}

/// A request not retried because [`Request::meanwhile`] said that what it
/// was for came by other means.
#[derive(Debug)]
pub struct AnsweredMeanwhile;

impl std::fmt::Display for AnsweredMeanwhile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("answered meanwhile by other means")
    }
}

impl std::error::Error for AnsweredMeanwhile {}

/// The `Authorization` of a request.
#[derive(Clone, Copy)]
pub enum Authorization<'a> {
    /// Sent as it is (the token request's `Basic …`).
    Fixed(&'a str),
    /// The run's bearer token: got before each try waits for its turn in
    /// the pace (a token request in flight holds the pages back), and got
    /// again when the turn has come if it was refused meanwhile or expires
    /// within a second by then (a token of a few seconds lapsed in a wait
    /// of seconds). See [`Client::turn`].
    Bearer(&'a dyn Bearer),
}

/// What a page fetched ahead is sent with.
#[derive(Debug, Clone, Copy)]
pub struct FetchAhead<'a> {
    /// The connection and the answer's head must come within this, when
    /// it is a quarter of `--timeout` or less (a short timeout makes a
    /// stall cheap already). When they do not, the request ends with
    /// [`LeftToTheWalk`] and no retry: the walk asks for that page itself.
    pub within: Duration,
    /// Set once the walk has ended (an error, or all it needed): the
    /// request is not sent, waited for or tried again, as its answer would
    /// be dropped.
    pub ended: &'a AtomicBool,
    /// Its warnings (retries it needed), kept to be said when the walk
    /// takes the page, in page order, as a sequential walk says them; a
    /// page the walk never takes says none.
    pub warnings: &'a Mutex<Vec<String>>,
}

/// A page fetched ahead that the walk is to fetch itself, one page at a
/// time: it got no answer in its time (see [`Request::answer_within`]),
/// was closed unanswered on a new connection too, or a proxy would not
/// open another tunnel for it, where the host had answered (a server's or
/// a proxy's connection limit). It holds what happened, and whether that
/// spent a try: a page that timed out where the head start is off (a
/// `--timeout` under four times it) did, and is handed to the walk with
/// the tries it spent (see [`Client::send`]).
#[derive(Debug)]
pub struct LeftToTheWalk(pub String, bool);

impl std::fmt::Display for LeftToTheWalk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LeftToTheWalk {}

impl Request<'_> {
    /// Whether what it is for came meanwhile by other means ([`Request::meanwhile`]).
    fn came_meanwhile(&self) -> bool {
        self.meanwhile.is_some_and(|came| came())
    }

    /// [`Request::answer_within`], when it is a quarter of the timeout or
    /// less.
    fn answer_within(&self, options: &ClientOptions) -> Option<Duration> {
        (self.ahead.map(|ahead| ahead.within)).filter(|within| *within * 4 <= options.timeout)
    }

    /// What to check for an answer the tool cannot read: the setting, or,
    /// once a page of the walk was answered there, not it (`via`: the
    /// proxy the request went through).
    fn check(&self, via: Option<&Via>) -> String {
        let setting = self.setting();
        match self.proven {
            true => format!(
                "{setting} answered the first page, so the API or a gateway in front of it{} sent this; try again later",
                via.map_or(String::new(), |v| format!(" (or the proxy in {})", v.var))
            ),
            false => format!("check {setting}{}", or_the_proxy(via)),
        }
    }

    /// The setting that names where this request goes, for hints.
    fn setting(&self) -> &'static str {
        match self.issues_token {
            true => "token_url",
            false => "base_url",
        }
    }
}

/// `GET https://…`, as messages name a request.
impl std::fmt::Display for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let method = if self.form.is_some() { "POST" } else { "GET" };
        write!(f, "{method} {}", self.url)
    }
}

/// A response: its status, `Location` for redirects, and the whole body
/// (already capped). It has no `Debug`: a token answer's body holds the
/// token.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    /// How many retries it took (0 for a first-try answer).
    pub retries: u32,
    /// Given up on for the run's refusals in a row (past `--max-retries`),
    /// not its own retries: how many.
    pub run_refusals: Option<u32>,
    pub location: Option<String>,
    /// The `charset` its `Content-Type` names, if any: an error body is
    /// read in it, and a page not in UTF-8 is refused naming it.
    pub charset: Option<String>,
    pub body: Vec<u8>,
    /// See [`Answer::keep_away`].
    pub keep_away: Option<Duration>,
    /// The `Authorization` it was sent with (a 401 names the token refused).
    pub authorization: Box<str>,
    /// Its `WWW-Authenticate` asks for HTTP Basic: the client credentials
    /// a token request sends were refused, whatever page came with it.
    pub asks_basic: bool,
    /// Its `WWW-Authenticate` asks for HTTP Digest, and neither Basic nor a
    /// Bearer token (libsoup's `SoupAuthDomainDigest`): a password this
    /// tool sends nowhere, token request included.
    pub asks_digest: bool,
    /// Its `Age` (RFC 9111 §5.1), when above 0: a cache in front stored
    /// it that many seconds before.
    pub age: Option<std::num::NonZeroU64>,
    /// Its `WWW-Authenticate` asks for a Bearer token with no `error`:
    /// what RFC 6750 §3.1 has a server answer a request with no token.
    pub tokenless: bool,
    /// Its `Via` (RFC 9110 §7.6.3): the proxies it came through.
    pub via: Option<String>,
    /// What its Bearer challenge says of the token: its `error_description`
    /// (RFC 6750 §3), all a server that sends no body says of a token it
    /// refuses (Spring Security's `Jwt expired at …`).
    pub challenge: Option<String>,
    /// The scope its challenge's `insufficient_scope` asks for ([`wanted_scope`]).
    pub wanted_scope: Option<String>,
    /// A `Status` header of a 2xx ([`cgi_status_of`]).
    pub cgi_status: Option<String>,
    /// Sent in HTTP/1.0 to a request in HTTP/1.1: by a server that did not
    /// read the request's version (Warp 3.3 to a request it cannot read), not
    /// by one that answers every request so ([`answers_in_http10`]).
    pub http10: bool,
}

/// A reply of `status` with `body` and nothing else, for unit tests.
#[cfg(test)]
pub fn test_reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        retries: 0,
        run_refusals: None,
        location: None,
        charset: None,
        body: body.as_bytes().to_vec(),
        keep_away: None,
        authorization: Box::default(),
        asks_basic: false,
        asks_digest: false,
        age: None,
        tokenless: false,
        via: None,
        challenge: None,
        wanted_scope: None,
        cgi_status: None,
        http10: false,
    }
}

impl Reply {
    /// The status it is read by: a 203 (the content as a transforming proxy
    /// passed it on) or a 2xx no RFC defines is a 200, as RFC 9110 §15 has
    /// a client read a status it does not know, by its class.
    pub fn read_as(&self) -> u16 {
        read_as(self.status)
    }
}

/// Whether a `WWW-Authenticate` asks for the `scheme` (in lower case; one
/// value may list several challenges: `Bearer, Basic realm="x"`).
fn asks_scheme(headers: &ureq::http::HeaderMap, scheme: &str) -> bool {
    headers.get_all("www-authenticate").iter().any(|value| {
        let value = String::from_utf8_lossy(value.as_bytes()).to_ascii_lowercase();
        (value.split(',')).any(|part| part.trim_start().split([' ', '=']).next() == Some(scheme))
    })
}

/// Whether a `WWW-Authenticate` asks for HTTP Digest alone of the schemes
/// this tool knows ([`Reply::asks_digest`]).
fn asks_digest(headers: &ureq::http::HeaderMap) -> bool {
    let others = ["basic", "bearer"].iter().any(|s| asks_scheme(headers, s));
    asks_scheme(headers, "digest") && !others
}

/// Whether a `WWW-Authenticate` asks for a Bearer token without an
/// `error` (RFC 6750 §3.1: the request carried no token the server saw),
/// or with Authlib's `missing_authorization`, which says so; or with
/// `invalid_token` to a request that sent none (a token request, refused
/// by a gateway's auth service: Caddy's `forward_auth`).
fn asks_bearer_only(headers: &ureq::http::HeaderMap, sent_bearer: bool) -> bool {
    headers.get_all("www-authenticate").iter().any(|value| {
        let value = String::from_utf8_lossy(value.as_bytes()).to_ascii_lowercase();
        let bearer = (value.split(','))
            .any(|part| part.trim_start().split([' ', '=']).next() == Some("bearer"));
        let missing = value.contains("error=\"missing_authorization\"")
            || !sent_bearer && value.contains("error=\"invalid_token\"");
        bearer && (missing || !value.contains("error=") && !value.contains("error ="))
    })
}

/// The scope a challenge's `error="insufficient_scope"` asks for (RFC 6750
/// §3.1; empty when it names none): oxide-auth's 401 says no more.
fn wanted_scope(headers: &ureq::http::HeaderMap) -> Option<String> {
    let insufficient = challenge_param(headers, "error")? == "insufficient_scope";
    insufficient.then(|| challenge_param(headers, "scope").unwrap_or_default())
}

/// The quoted value of a `WWW-Authenticate` parameter `name`, after a
/// space or a comma (oxide-auth separates them with spaces alone), its
/// quoted-pairs read (RFC 9110 §5.6.4: `\"` is a quote); every field, as
/// one list (§5.3: Basic's may come first).
fn challenge_param(headers: &ureq::http::HeaderMap, name: &str) -> Option<String> {
    let fields = headers.get_all("www-authenticate").iter();
    let value = (fields.map(|v| String::from_utf8_lossy(v.as_bytes()))).collect::<Vec<_>>();
    let value = value.join(", ");
    let key = format!("{name}=\"");
    let mut found = value.match_indices(&key);
    let (at, _) = found.find(|(at, _)| value[..*at].ends_with([' ', ',', '\t']))?;
    let at = at + key.len();
    let (mut said, mut chars) = (String::new(), value[at..].chars());
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => said.extend(chars.next()),
            c => said.push(c),
        }
    }
    Some(said)
}

/// Its `Location`, not visible ASCII alone (`to_str`): UTF-8, else Latin-1
/// bytes, as fetch reads a header (and the redactor finds a secret echoed
/// in it).
fn location_of(headers: &ureq::http::HeaderMap) -> Option<String> {
    headers.get("location").map(|v| {
        let bytes = v.as_bytes();
        (std::str::from_utf8(bytes).map(str::to_string))
            .unwrap_or_else(|_| bytes.iter().map(|&b| char::from(b)).collect())
    })
}

/// Its `Via` (RFC 9110 §7.6.3), as it came: the proxies it passed.
fn via_of(headers: &ureq::http::HeaderMap) -> Option<String> {
    (headers.get("via")).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Whether a `Server` is one that answers every request in HTTP/1.0, read
/// or not: Python's http.server (`BaseHTTP/0.6`) and wsgiref (`WSGIServer/0.2`).
fn answers_in_http10(headers: &ureq::http::HeaderMap) -> bool {
    let server = headers.get("server").and_then(|v| v.to_str().ok());
    server.is_some_and(|name| name.starts_with("BaseHTTP/") || name.starts_with("WSGIServer/"))
}

/// A CGI script's `Status` of another class (`401 Unauthorized`) that the
/// web server sent on as a header of its 2xx rather than applying it, as
/// busybox httpd does with one after the script's first line.
fn cgi_status_of(status: u16, headers: &ureq::http::HeaderMap) -> Option<String> {
    let value = String::from_utf8_lossy(headers.get("status")?.as_bytes()).into_owned();
    let code = value.trim_start().get(..3)?;
    let other = code.bytes().all(|b| b.is_ascii_digit()) && !code.starts_with('2');
    (other && read_as(status) == 200).then_some(value)
}

/// Its `Age` (RFC 9111 §5.1): how many seconds a cache in front held it.
/// Digits only; a number too large to hold is 2^31 s (RFC 9111 §1.2.2).
fn age_of(headers: &ureq::http::HeaderMap) -> Option<u64> {
    let text = headers.get("age")?.to_str().ok()?.trim();
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse().unwrap_or(1 << 31))
}

/// Whether a cache marked it a stale copy (`Warning: 110`, `111` or
/// `112`, RFC 7234 §5.5): squid and Apache's mod_cache still send them.
fn is_stale_copy(headers: &ureq::http::HeaderMap) -> bool {
    headers.get_all("warning").iter().any(|value| {
        (String::from_utf8_lossy(value.as_bytes()).split(',')).any(|part| {
            matches!(
                part.trim_start().split(' ').next(),
                Some("110" | "111" | "112")
            )
        })
    })
}

/// [`Reply::read_as`], for an answer whose body is still to be read.
fn read_as(status: u16) -> u16 {
    match status {
        203 | 209..=225 | 227..=299 => 200,
        status => status,
    }
}

/// What one attempt ended with, before deciding on a retry: a reply with
/// what it says about the rate limit, or a failure worth retrying.
enum Attempt {
    Reply(Box<Reply>, Answer),
    Transient(String),
    /// The connection was closed or reset under the request, before an
    /// answer: a kept-alive one the server closed as it was reused.
    Dropped(String),
}

/// The HTTP client shared by the whole run.
pub struct Client {
    agent: Agent,
    /// The same agent keeping no connection: a request sent again after
    /// its kept-alive connection was closed under it goes on a new one,
    /// not on another kept one the server may have closed as well.
    unpooled: Agent,
    /// The proxy, if any, for each URL.
    proxies: Proxies,
    options: ClientOptions,
    rate_limits: RateLimits,
    /// Every request of the run waits here for its turn.
    pace: Pace,
    /// Why the first pace slower than [`SLOW_RATE`] of the run is that
    /// slow, to be said when a request first waits for it (only the first
    /// is said), and whether it was said.
    slow_pace: OnceLock<String>,
    slow_said: AtomicBool,
    /// The refusal the run gave up on (its refusals in a row past
    /// `--max-retries`): what a page waiting its turn then gets, unsent.
    gave_up: Mutex<Option<Reply>>,
    /// Why the pace is what it is now, for a long wait's warning.
    pace_why: Mutex<Option<String>>,
    /// The origins that have answered: a connection to one may be kept.
    answered: Mutex<std::collections::HashSet<String>>,
    /// The tries pages fetched ahead spent before they were handed back to
    /// the walk ([`LeftToTheWalk`]), and why each failed, by URL: the
    /// walk's own request of the page goes on from there.
    handed_back: Mutex<std::collections::HashMap<String, (u32, Vec<String>)>>,
    /// Where `localhost` resolves off this machine, looked up once.
    localhost_elsewhere: OnceLock<Option<String>>,
    /// How the API's answers were dated.
    dating: Mutex<Dating>,
}

/// How the API's answers were dated: the API's clock by the last answer
/// with a `Date` (its `Date` plus its `Age`, and when it was read on the
/// monotonic clock), and the oldest `Age` a cache gave one (RFC 9111 §5.1).
#[derive(Clone, Copy, Debug, Default)]
pub struct Dating {
    pub api_clock: Option<(SystemTime, Instant)>,
    pub cached_for: Option<u64>,
}

impl Dating {
    /// How far `now` on this machine's clock is ahead of the API's clock at
    /// this moment (seconds, negative when behind): its last reading and the
    /// monotonic time since, so that a clock stepped since (NTP, while the
    /// last page's body arrived) is counted.
    pub fn clock_ahead_at(&self, now: SystemTime) -> Option<f64> {
        let (api, read) = self.api_clock?;
        Some(secs_after(now, api) - read.elapsed().as_secs_f64())
    }
}

impl Client {
    /// Builds the agent: trust roots, timeout, no redirects, no status
    /// errors (statuses are handled here), a User-Agent.
    pub fn new(options: ClientOptions) -> Result<Client> {
        let roots = super::trust::roots(
            options.ca_bundle.as_deref(),
            options.ca_bundle_name,
            options.log,
        )?;
        let proxies = Proxies::from_env(|name| match std::env::var(name) {
            Err(std::env::VarError::NotUnicode(_)) => Some("\u{0}".into()),
            value => value.ok(),
        })?;
        for line in proxies.describe() {
            options.log.debug(&line);
        }
        let tls = TlsConfig::builder().root_certs(roots).build();
        let config = |idle| {
            Agent::config_builder()
                // Chosen per request (see `prepare`), not by ureq's own reading.
                .proxy(None)
                .tls_config(tls.clone())
                // Each phase of a request gets the timeout, rather than the
                // request as a whole: with a deadline on the whole request, ureq
                // resolves the host name on a new thread for every request (it
                // cannot abandon a blocking lookup otherwise), even on a kept-alive
                // connection. Name lookup keeps the system resolver's own limits.
                .timeout_global(None)
                .timeout_connect(Some(options.timeout))
                .timeout_send_request(Some(options.timeout))
                .timeout_send_body(Some(options.timeout))
                .timeout_recv_response(Some(options.timeout))
                .timeout_recv_body(Some(options.timeout))
                .http_status_as_error(false)
                .max_redirects(0)
                .max_idle_connections(idle)
                .max_idle_connections_per_host(idle)
                .user_agent(USER_AGENT)
                .accept(ACCEPT)
                .accept_encoding(ACCEPT_ENCODING)
                .build()
        };
        let pace = Pace::new(SystemClock, options.max_rate);
        pace.scale_holds(options.backoff_scale);
        // The user's own cap that slow is said as a learnt one is, by the
        // pace it sets (the pacer's margin below it).
        let slow_cap = (options.max_rate.zip(pace.rate()))
            .filter(|(_, rate)| *rate < SLOW_RATE)
            .map(|(cap, rate)| format!("{:.0} s: --max-rate {cap}", 1.0 / rate));
        Ok(Client {
            agent: Agent::new_with_config(config(MAX_IDLE_CONNECTIONS)),
            unpooled: Agent::new_with_config(config(0)),
            proxies,
            pace,
            options,
            rate_limits: RateLimits::default(),
            slow_pace: slow_cap.map_or_else(OnceLock::new, OnceLock::from),
            slow_said: AtomicBool::default(),
            gave_up: Mutex::default(),
            pace_why: Mutex::default(),
            answered: Mutex::default(),
            handed_back: Mutex::default(),
            localhost_elsewhere: OnceLock::new(),
            dating: Mutex::default(),
        })
    }

    /// How the API's answers were dated (their `Date` is to a second).
    pub fn dating(&self) -> Dating {
        *locked(&self.dating)
    }

    pub fn log(&self) -> Log {
        self.options.log
    }

    /// True when a request to `url` goes through a proxy.
    pub fn proxied(&self, url: &Url) -> bool {
        self.proxies.via_for(url).is_some()
    }

    /// The run's secrets, for callers that build messages from answers.
    pub fn redactor(&self) -> &Redactor {
        &self.options.redactor
    }

    /// A `-v` line, secrets redacted.
    pub fn debug(&self, message: &str) {
        if self.options.log.verbose() {
            self.log().debug(&self.redactor().redact_shown(message));
        }
    }

    /// A warning (silenced by `-q`), secrets redacted.
    pub fn warn(&self, message: &str) {
        self.log().warn(&self.redactor().redact_shown(message));
    }

    /// The 429 answers seen so far, for a walker that adapts how many
    /// requests it keeps in flight.
    pub fn rate_limits(&self) -> &RateLimits {
        &self.rate_limits
    }

    /// The pace of the run's requests (for the progress line).
    pub fn pace(&self) -> &Pace {
        &self.pace
    }

    /// Sends a request, retrying connection errors, timeouts, 429 and
    /// 5xx (502/503/504/500) up to `max_retries` times. Returns the last
    /// reply whatever its status, warning once when retries were needed; a
    /// transport failure that outlives the retries is an API error (exit 5).
    /// Its place among the requests waiting for the pace is when it was
    /// first tried (`since`), kept by its retries: a retry goes before the
    /// pages that first asked after it.
    pub fn send(&self, request: &Request) -> Result<Reply> {
        let origin = request.url.origin().ascii_serialization();
        let (mut attempt, mut failures) = self.first_attempt(request);
        let (mut sent_again, since) = (false, Instant::now());
        // The last refusal, returned if the run gives up on its refusals
        // in a row while this request waits its turn to retry.
        let mut refused_last: Option<Reply> = None;
        loop {
            // Once a kept connection closed under it, on new ones only.
            let outcome = match self.unstopped_attempt(request, (attempt, since), sent_again) {
                Ok(Ok(outcome)) => outcome,
                Ok(Err(gave_up)) => return Ok(self.unsent(refused_last, gave_up, attempt)),
                Err(e) => return Err(self.hand_back(request, attempt, &failures, sent_again, e)),
            };
            let answered = self.answered_before(&origin, &outcome);
            // Sent again at once on a new connection, once, as curl and Go
            // do: a server's keep-alive timeout racing the request is no
            // failure of the server. The same race answered `408 Request
            // Timeout` and closed (Node's `http`, HAProxy's request
            // timeout) is sent again likewise, as Chromium and Go do.
            if let Some(race) = raced(&outcome).filter(|_| answered && !sent_again) {
                sent_again = true;
                self.debug(&format!(
                    "sending {request} again on a new connection, not counted as a retry ({race})"
                ));
                continue;
            }
            // A page fetched ahead closed unanswered on a new connection too,
            // by a server that answers (past its connection limit: the JDK's,
            // Node's `maxConnections`): the walk fetches the rest itself.
            let ahead = answered && request.ahead.is_some();
            if let Some(why) = dropped_at_once(&outcome).filter(|_| ahead) {
                // Sent `attempt` + 2 times: the walk's request goes on from there.
                let failed = [&failures[..], &[why.to_string()]].concat();
                self.hand_over(request, attempt + 2, failed);
                return Err(LeftToTheWalk(format!("{why} on a new connection too"), false).into());
            }
            // The run's refusals in a row end it as one request's tries
            // would: pages in flight do not each spend their own.
            let spent = |answer: &Answer| {
                answer.refused() && self.pace.refused_in_a_row() > self.options.max_retries
            };
            let last = attempt >= self.options.max_retries;
            // Closed under it: whether by a server that has answered in the run.
            let closed = matches!(outcome, Attempt::Dropped(_)).then_some(answered);
            let (what, answer) = match outcome {
                Attempt::Reply(reply, answer) if !last && spent(&answer) => {
                    return Ok(self.give_up(request, attempt, *reply));
                }
                Attempt::Reply(mut reply, _) if last || !is_retryable_status(reply.status) => {
                    if !failures.is_empty() && !is_retryable_status(reply.status) {
                        self.needed_retries(request, attempt, &failures);
                    }
                    reply.retries = attempt;
                    return Ok(*reply);
                }
                Attempt::Transient(why) | Attempt::Dropped(why) if last => {
                    return Err(no_answer_after(request, &why, (attempt, &failures), closed));
                }
                Attempt::Reply(reply, answer) => {
                    let what = format!("HTTP {}", reply.status);
                    refused_last = answer.refused().then_some(*reply);
                    (what, Some(answer))
                }
                Attempt::Transient(message) | Attempt::Dropped(message) => {
                    refused_last = None;
                    (message, None)
                }
            };
            self.wait_to_retry(request, attempt, &what, answer.as_ref());
            failures.push(what);
            attempt += 1;
        }
    }

    /// [`Client::paced_attempt`], sent again at once, not counted as a
    /// retry, when it failed unanswered while the run was stopped and then
    /// continued (Ctrl-Z then `fg`, SIGSTOP then SIGCONT): the timeout's
    /// clock ran on through the stop, and a body that came meanwhile was
    /// said to have stopped (`--max-retries 0` ended the run so).
    fn unstopped_attempt(
        &self,
        request: &Request,
        (attempt, since): (u32, Instant),
        anew: bool,
    ) -> Result<Result<Attempt, Reply>> {
        loop {
            let resumed = crate::interrupt::resumes();
            let outcome = self.paced_attempt(request, (attempt, since), anew);
            // Unanswered: a failure, or a page fetched ahead handed back.
            let failed = match &outcome {
                Ok(Ok(Attempt::Transient(why) | Attempt::Dropped(why))) => Some(why),
                Err(e) => e.downcast_ref::<LeftToTheWalk>().map(|left| &left.0),
                Ok(_) => None,
            };
            let Some(failed) = failed.cloned().filter(|_| resumed_soon(resumed)) else {
                return outcome;
            };
            self.debug(&format!(
                "sending {request} again, not counted as a retry: the run was stopped and continued while it was sent ({failed})"
            ));
        }
    }

    /// `e`, the error of a [`Client::paced_attempt`]: a page fetched ahead
    /// that got no answer in its head start (or no tunnel) is handed back
    /// to the walk with the tries it spent before this one, which the
    /// walk's request goes on from: the walk's own send of it is the
    /// uncounted one, not a new set of tries.
    ///
    /// One that timed out under a `--timeout` too short for the head start
    /// (pages queued behind a server's one worker: waitress `threads=1`)
    /// goes to the walk too, which fetches the rest one page at a time:
    /// retried here, it waited behind the abandoned requests the server
    /// still worked through, and the walk failed. Its try is spent. On its
    /// last try, it fails as any request does. Any other error as it is.
    fn hand_back(
        &self,
        request: &Request,
        attempt: u32,
        failures: &[String],
        anew: bool,
        e: anyhow::Error,
    ) -> anyhow::Error {
        match e.downcast::<LeftToTheWalk>() {
            Ok(LeftToTheWalk(why, true)) if attempt >= self.options.max_retries => {
                no_answer_after(request, &why, (attempt, failures), None)
            }
            Ok(LeftToTheWalk(why, spent)) => {
                // A try sent again on a new connection, uncounted, was sent
                // twice; one that timed out was spent.
                let sent = attempt + u32::from(anew) + u32::from(spent);
                let failed = [failures, spent.then(|| why.clone()).as_slice()].concat();
                self.hand_over(request, sent, failed);
                LeftToTheWalk(why, false).into()
            }
            Err(e) => e,
        }
    }

    /// Keeps the tries a page fetched ahead `spent` and why they `failed`
    /// for the walk's own request of it ([`Client::first_attempt`]).
    fn hand_over(&self, request: &Request, spent: u32, failed: Vec<String>) {
        locked(&self.handed_back).insert(request.url.to_string(), (spent, failed));
    }

    /// 0, or for a page handed back to the walk, the tries spent ahead; but
    /// one at least is left, on the walk's own connection (a server's
    /// connection limit closed the others). With why they failed, for the
    /// warning of the retries a page needed.
    fn first_attempt(&self, request: &Request) -> (u32, Vec<String>) {
        let handed_back = (request.ahead.is_none())
            .then(|| locked(&self.handed_back).remove(request.url.as_str()));
        let (spent, failed) = handed_back.flatten().unwrap_or_default();
        (spent.min(self.options.max_retries), failed)
    }

    /// The run gives up on its refusals in a row with `reply`, the last
    /// (after `attempt` retries of `request`): kept for the requests
    /// waiting their turn, which are not sent.
    fn give_up(&self, request: &Request, attempt: u32, mut reply: Reply) -> Reply {
        let refusals = self.pace.refused_in_a_row();
        // The run retried as many times in a row as one request may: said
        // so, beside this request's own count.
        (reply.retries, reply.run_refusals) = (attempt, Some(refusals));
        locked(&self.gave_up).get_or_insert_with(|| reply.clone());
        self.debug(&format!(
            "{request}: {refusals} refusals in a row for the run, more than --max-retries {}; giving up",
            self.options.max_retries
        ));
        reply
    }

    /// What a request not sent, as the run gave up (on `gave_up`), ends
    /// with: its own last refusal, if it had one, or the run's.
    fn unsent(&self, refused_last: Option<Reply>, gave_up: Reply, attempt: u32) -> Reply {
        let (mut reply, retries) = match refused_last {
            Some(reply) => (reply, attempt.saturating_sub(1)),
            None => (gave_up, 0),
        };
        (reply.retries, reply.run_refusals) = (retries, Some(self.pace.refused_in_a_row()));
        reply
    }

    /// Whether `origin` answered before this `outcome` (which is noted):
    /// before, no connection to it is kept, and a request dropped raced no
    /// keep-alive timeout.
    fn answered_before(&self, origin: &str, outcome: &Attempt) -> bool {
        self.answered
            .lock()
            .is_ok_and(|mut answered| match outcome {
                Attempt::Reply(..) => !answered.insert(origin.to_string()),
                _ => answered.contains(origin),
            })
    }

    /// Waits before retry `attempt + 1` of `request`, after `what` (and the
    /// `answer` it was, if any): as the server asked (its `Retry-After` or
    /// its quota's reset, said with the delay), else a growing backoff.
    fn wait_to_retry(&self, request: &Request, attempt: u32, what: &str, answer: Option<&Answer>) {
        let wait_hint = answer.and_then(|answer| {
            let by = match answer.at_reset {
                true => "the quota's reset",
                false => "Retry-After",
            };
            answer.retry_after.map(|d| (d, by))
        });
        let refused = answer.is_some_and(Answer::refused);
        let backoff = || jittered(attempt, fastrand::f64());
        let delay = match wait_hint {
            // Already scaled; requests refused together do not come back
            // together.
            Some((d, _)) => with_jitter(d, fastrand::f64()),
            None => scaled(backoff(), self.options.backoff_scale),
        };
        // (The token endpoint's refusals say nothing of the API's.)
        if refused && !self.limited_apart(request) {
            self.rate_limits.note(delay);
        }
        self.debug(&format!(
            "retry {}/{} of {request} in {:.3} s{} after {what}",
            attempt + 1,
            self.options.max_retries,
            delay.as_secs_f64(),
            wait_hint.map_or(String::new(), |(_, by)| format!(" ({by})"))
        ));
        // Cut short when the request comes to wait for nothing.
        let until = Instant::now() + delay;
        let left = || until.saturating_duration_since(Instant::now());
        while !left().is_zero() && !self.waits_for_nothing(request) && !request.came_meanwhile() {
            thread::sleep(left().min(Duration::from_millis(50)));
        }
    }

    /// Says that `request` needed retries, and why: at once, or, for a
    /// page fetched ahead, when the walk takes it.
    fn needed_retries(&self, request: &Request, retries: u32, failures: &[String]) {
        // None counted (`--max-retries 0`): a page fetched ahead, closed
        // on a new connection too, that the walk then fetched itself.
        let needed = match retries {
            0 => "was sent again, not counted as a retry".to_string(),
            n => format!("needed {}", counted(n, "retry", "retries")),
        };
        let warning = format!("{request} {needed} ({})", said_once_each(failures));
        match request.ahead {
            Some(ahead) => locked(ahead.warnings).push(warning),
            None => self.warn(&warning),
        }
    }

    /// A token request to another origin than the API's (see
    /// [`ClientOptions::token_apart`]).
    fn limited_apart(&self, request: &Request) -> bool {
        request.issues_token && self.options.token_apart
    }

    /// The request's turn in the pace (none for a token request to another
    /// origin), and its `Authorization`. The token is got before the turn is
    /// waited for: a token request in flight holds the pages back, and none
    /// takes a turn it cannot use (got after, pages whose turns came during
    /// one went out together, at one origin right after it). It is got
    /// again when the turn has come if the API refused it meanwhile (another
    /// request's 401) or it expires within a second by then; when that took
    /// longer than half the pace's interval, the turn has gone by and the
    /// request waits for another, once.
    fn turn<'a>(
        &self,
        request: &Request<'a>,
        since: Instant,
        on_wait: impl Fn(Duration),
    ) -> Result<(Option<Slot>, Cow<'a, str>)> {
        // The value to send, and when it expires (if it does).
        let get = || match request.authorization {
            Authorization::Fixed(value) => Ok((Cow::Borrowed(value), None)),
            Authorization::Bearer(bearer) => {
                (bearer.authorization()).map(|(value, expires)| (Cow::Owned(value), expires))
            }
        };
        let mut authorization = get()?;
        let mut again = false;
        loop {
            let slot = self.slot(request, since, &on_wait)?;
            let read_at = Instant::now();
            let soon = SystemTime::now() + Duration::from_secs(1);
            // Refused meanwhile by another request's 401: sent, it spent
            // this request's one repeat on a token known to be refused.
            let refused = match request.authorization {
                Authorization::Bearer(bearer) => bearer.refused(&authorization.0),
                Authorization::Fixed(_) => false,
            };
            if refused || authorization.1.is_some_and(|at| at <= soon) {
                authorization = get().inspect_err(|_| {
                    if let Some(slot) = slot {
                        self.pace.no_answer(slot);
                    }
                })?;
                let late = |rate: f64| read_at.elapsed().as_secs_f64() > 0.5 / rate;
                if let Some(slot) = slot.filter(|_| !again && self.pace.rate().is_some_and(late)) {
                    self.pace.no_answer(slot);
                    self.debug(&format!(
                        "{request} waits for another turn: its token came after its own"
                    ));
                    again = true;
                    continue;
                }
            }
            return Ok((slot, authorization.0));
        }
    }

    /// Waits for `request`'s turn in the pace and takes it. A token request
    /// to another origin goes through another limiter: it neither waits for
    /// the API's pace nor counts in it (a quota of 2 a second held page 2
    /// for the token sent before page 1), and its answers say nothing of
    /// the API's limit.
    /// Not sent when what it is for came meanwhile (a token another run
    /// cached while this one waited to retry, or waited out the run's hold).
    fn slot(
        &self,
        request: &Request,
        since: Instant,
        on_wait: impl Fn(Duration),
    ) -> Result<Option<Slot>> {
        if request.came_meanwhile() {
            return Err(AnsweredMeanwhile.into());
        }
        if self.limited_apart(request) {
            return Ok(None);
        }
        let ended = || self.waits_for_nothing(request) || request.came_meanwhile();
        // A token request goes before the pages waiting: they need its token.
        let since = (!request.issues_token).then_some(since);
        let Some((slot, waited)) = self.pace.send_slot_since(since, on_wait, ended) else {
            if request.came_meanwhile() {
                return Err(AnsweredMeanwhile.into());
            }
            return Err(api_error(format!("{request}: dropped, the walk has ended")));
        };
        if waited >= Duration::from_millis(1) {
            self.debug(&format!(
                "waited {:.3} s for the rate limit before {request}",
                waited.as_secs_f64(),
            ));
        }
        Ok(Some(slot))
    }

    /// Whether `request` waits for nothing: it is a page fetched ahead
    /// whose walk has ended, or (no token request) the run gave up on its
    /// refusals in a row.
    fn waits_for_nothing(&self, request: &Request) -> bool {
        let ended = (request.ahead).is_some_and(|ahead| ahead.ended.load(Ordering::Relaxed));
        ended || (!request.issues_token && self.gave_up.lock().is_ok_and(|g| g.is_some()))
    }

    /// One attempt, in its turn of the pace (first tries and retries
    /// alike), logged with `-v`; the pace learns from its answer.
    /// `anew`: on a new connection, whatever connections are kept.
    /// The refusal the run gave up on (`Err`), unsent, for a page whose turn
    /// came after the run gave up on its refusals in a row (it waited out the
    /// run's hold, up to 60 s): the run ends with no more requests to the
    /// limiter.
    fn paced_attempt(
        &self,
        request: &Request,
        (attempt, since): (u32, Instant),
        anew: bool,
    ) -> Result<Result<Attempt, Reply>> {
        // A walk this slow says why, once, when a request first waits a
        // second or more for it (it may take minutes; a quota whose burst
        // covers the walk never makes it wait).
        // So does a single wait of as long at a pace that is not slow (a
        // minute's quota spent: a minute with nothing said).
        let on_wait = |wait: Duration| {
            // Not of a pace the server has since raised (a daily quota's,
            // then one a second: the wait is the fast pace's).
            let slow = self.pace.rate().is_some_and(|rate| rate < SLOW_RATE);
            let long = wait.as_secs_f64() >= 1.0 / SLOW_RATE;
            if wait < Duration::from_secs(1) || self.slow_said.load(Ordering::Relaxed) {
                return;
            }
            let message = match self.slow_pace.get().filter(|_| slow) {
                Some(why) => format!("the walk is paced at one request every {why}"),
                None if long => {
                    let why = locked(&self.pace_why);
                    let why = why.as_ref().map_or(String::new(), |why| format!(": {why}"));
                    let secs = wait.as_secs_f64();
                    format!("the walk waits {secs:.0} s for the API's rate limit{why}")
                }
                None => return,
            };
            if !self.slow_said.swap(true, Ordering::Relaxed) {
                self.warn(&message);
            }
        };
        let turn = self.turn(request, since, on_wait);
        // The refusal the run gave up on, if it did.
        let gave_up = locked(&self.gave_up).clone();
        if let Some(gave_up) = gave_up.filter(|_| !request.issues_token) {
            if let Ok((Some(slot), _)) = turn {
                self.pace.no_answer(slot);
            }
            self.debug(&format!(
                "{request}: not sent, the run gave up on its refusals in a row"
            ));
            return Ok(Err(gave_up));
        }
        let (slot, authorization) = turn?;
        self.redactor().add_authorization(&authorization);
        let started = Instant::now();
        let outcome = self.attempt(request, anew, &authorization);
        let ms = started.elapsed().as_millis();
        let ended = match &outcome {
            Ok(Attempt::Reply(reply, answer)) => {
                if let Some(change) = slot.and_then(|slot| self.pace.on_answer(slot, answer)) {
                    self.debug(&format!("rate limit: {change}"));
                    *locked(&self.pace_why) = Some(change.why.clone());
                    if change.rate < SLOW_RATE {
                        let why = format!("{:.0} s: {}", 1.0 / change.rate, change.why);
                        let _ = self.slow_pace.set(why);
                    }
                }
                if answer.crowd_said && !self.limited_apart(request) {
                    self.rate_limits.note_crowd();
                }
                reply.status.to_string()
            }
            Ok(Attempt::Transient(message) | Attempt::Dropped(message)) => message.clone(),
            Err(_) => "failed".to_string(),
        };
        // No answer: the pace waits for none from it.
        if let Some(slot) = slot.filter(|_| !matches!(outcome, Ok(Attempt::Reply(..)))) {
            self.pace.no_answer(slot);
        }
        let retry = (attempt > 0).then(|| format!(", retry {attempt}"));
        let retry = retry.unwrap_or_default();
        self.debug(&format!("{request} -> {ended} ({ms} ms{retry})"));
        outcome.map(Ok)
    }

    /// The request through the proxy for its URL, if there is one, with
    /// its credential.
    fn prepare<B>(
        &self,
        request: &Request,
        authorization: &str,
        via: Option<&Via>,
        builder: RequestBuilder<B>,
    ) -> RequestBuilder<B> {
        let builder = match via {
            Some(via) => builder.config().proxy(Some(via.proxy.clone())).build(),
            None => builder,
        };
        let builder = match request.answer_within(&self.options) {
            Some(within) => {
                let config = builder.config().timeout_connect(Some(within));
                config.timeout_recv_response(Some(within)).build()
            }
            None => builder,
        };
        (builder.header("Cache-Control", CACHE_CONTROL)).header("Authorization", authorization)
    }

    /// One try: `Ok(Reply)` for any HTTP answer, `Ok(Transient)` for a
    /// failure worth retrying, `Err` for one that is final.
    fn attempt(&self, request: &Request, anew: bool, authorization: &str) -> Result<Attempt> {
        let agent = if anew { &self.unpooled } else { &self.agent };
        let very_verbose = self.options.log.very_verbose();
        let url = request.url.as_str();
        if very_verbose {
            self.log_request_headers(request);
        }
        if let Some(unusable) = self.proxies.unusable_for(request.url) {
            return Err(unusable);
        }
        let localhost = super::url::plain_localhost(request.url)
            .then(|| (self.localhost_elsewhere).get_or_init(super::url::localhost_elsewhere));
        if let Some(Some(why)) = localhost {
            return Err(config_error(format!("{request}: {why}")));
        }
        let via = self.proxies.via_for(request.url);
        let sent = Instant::now();
        let result = match request.form {
            Some(form) => self
                .prepare(request, authorization, via, agent.post(url))
                .send_form(form.iter().copied()),
            None => self
                .prepare(request, authorization, via, agent.get(url))
                .call(),
        };
        let mut response = match result {
            Ok(response) => response,
            Err(e) => {
                let origin = request.url.origin().ascii_serialization();
                let resolved = locked(&self.answered).contains(&origin);
                let outcome = classify(e, request, &self.options, via, resolved);
                return outcome.map(|o| closed_unanswered(o, request, authorization, sent));
            }
        };
        let status = response.status().as_u16();
        let mut answer = self.answer_of(&response, request.issues_token);
        let location = location_of(response.headers());
        // An error body is read as text in its charset; a page is UTF-8
        // JSON, and one that is not is refused naming the charset.
        let charset = charset(response.headers());
        // Kept to be logged once the body (and any new token in it) is read.
        let headers = very_verbose.then(|| shown_headers(&response));
        let compressed = self.unasked_framing(request, &response, via)?;
        let body = match self.body(request, &mut response, compressed, via)? {
            Ok(body) => body,
            Err(outcome) => return Ok(outcome),
        };
        if request.issues_token {
            self.learn_token(&body);
        }
        answer.read_body(&body);
        if let Some(headers) = headers {
            self.debug(&format!("< HTTP {status}"));
            for line in &headers {
                self.debug(&self.redactor().redact_header(line));
            }
        }
        let reply = Reply {
            status,
            retries: 0,
            run_refusals: None,
            location,
            charset,
            body,
            keep_away: answer.keep_away,
            authorization: Box::from(authorization),
            asks_basic: asks_scheme(response.headers(), "basic"),
            asks_digest: asks_digest(response.headers()),
            age: age_of(response.headers()).and_then(std::num::NonZeroU64::new),
            tokenless: asks_bearer_only(response.headers(), authorization.starts_with("Bearer ")),
            via: via_of(response.headers()),
            challenge: challenge_param(response.headers(), "error_description"),
            wanted_scope: wanted_scope(response.headers()),
            cgi_status: cgi_status_of(status, response.headers()),
            http10: response.version() == ureq::http::Version::HTTP_10
                && !answers_in_http10(response.headers()),
        };
        Ok(Attempt::Reply(Box::new(reply), answer))
    }

    /// Refuses an answer whose body cannot be told apart: both lengths
    /// (RFC 9112 §6.3, the way responses are smuggled; the connection is
    /// not reused), HTTP/1.0 with Transfer-Encoding (§6.1), or a page
    /// compressed although the request asks for no compression
    /// (ACCEPT_ENCODING). Returns the compression of an error's
    /// body, if any, to be said rather than shown.
    fn unasked_framing(
        &self,
        request: &Request,
        response: &ureq::http::Response<Body>,
        via: Option<&Via>,
    ) -> Result<Option<String>> {
        let framing = response.headers();
        let lengths = framing.contains_key("content-length");
        let http10 = response.version() == ureq::http::Version::HTTP_10;
        if framing.contains_key("transfer-encoding") && (lengths || http10) {
            let faulty = match lengths {
                true => {
                    "it has both Content-Length and Transfer-Encoding, as inets' mod_esi sends when a script gives a length: whoever runs the server must drop one"
                }
                false => {
                    "an HTTP/1.0 answer with Transfer-Encoding, faulty by RFC 9112 §6.1, as eventlet's WSGI server sends under max_http_version=\"HTTP/1.0\" for a body without a Content-Length: whoever runs the server must drop that setting"
                }
            };
            return Err(api_error(format!(
                "{request}: the answer is not valid HTTP ({faulty}); {}",
                request.check(None)
            )));
        }
        // A compressed body (or a transfer coding besides chunked) is a
        // server or proxy that ignored the request: its bytes are no page,
        // whatever they hold.
        let compressed = (unasked_coding(framing)).map(|(header, coding)| {
            let coding = shorten(&self.redactor().redact_shown(&coding), 40);
            format!("{header}: {coding}")
        });
        let page = read_as(response.status().as_u16()) == 200;
        if let Some(coding) = compressed.as_ref().filter(|_| page) {
            return Err(api_error(format!(
                "{request}: the answer is compressed ({coding}), which was not asked for (the request says `Accept-Encoding: identity`): the server or a gateway in front of it compresses regardless; {}",
                request.check(via)
            )));
        }
        Ok(compressed)
    }

    /// The answer's body, or the outcome of the try when it cannot be read
    /// (`Err` when that ends the request).
    fn body(
        &self,
        request: &Request,
        response: &mut ureq::http::Response<Body>,
        compressed: Option<String>,
        via: Option<&Via>,
    ) -> Result<std::result::Result<Vec<u8>, Attempt>> {
        let status = response.status().as_u16();
        let announced = response.body().content_length();
        let unframed = announced.is_none() && !response.headers().contains_key("transfer-encoding");
        let chunked = chunked_last(response.headers());
        // At most MAX_BODY_BYTES. Room is made at once for the length the
        // server announces (up to 1 MiB, what a believable page takes),
        // rather than growing the buffer as the body arrives.
        let mut body = Vec::with_capacity(announced.unwrap_or(0).min(1 << 20) as usize);
        let config = response.body_mut().with_config();
        let began = Instant::now();
        let mut reader = Progress(config.limit(MAX_BODY_BYTES).reader(), began);
        let read = read_sized(&mut reader, (status, announced), &mut body)
            .map_err(|e| closed_in_a_size_line(e.into(), chunked));
        let last = reader.1;
        let hidden = |coding| format!("(a compressed body, {coding}, not shown)").into_bytes();
        Ok(Ok(match read {
            // An error's compressed body is said to be so, not shown as
            // the garbage its bytes read as.
            Ok(_) if compressed.is_some() => hidden(compressed.unwrap_or_default()),
            // Ended by its connection's close alone (no length): a close
            // mid-body, a TLS one without close_notify too, leaves its
            // JSON unfinished; or by its last chunk (Werkzeug's debugger
            // ends so a streamed answer that raised, Tornado a handler that
            // raised after a flush). Retried as a body that stopped.
            Ok(_) if read_as(status) == 200 && announced.is_none() && json_cut_short(&body) => {
                let ends = if unframed {
                    ENDS_AT_CLOSE
                } else {
                    ENDS_AT_LAST_CHUNK
                };
                return Ok(Err(Attempt::Transient(format!(
                    "the HTTP {status} answer's body was cut short: {ends}, {} bytes into its JSON",
                    body.len()
                ))));
            }
            Ok(_) => body,
            // An error is told by its status whatever its body (a 401 is
            // still a 401); a page or a token that large is no answer.
            Err(ureq::Error::BodyExceedsLimit(limit)) if read_as(status) != 200 => {
                format!("(a body larger than {} MiB, not shown)", limit >> 20).into_bytes()
            }
            Err(ureq::Error::BodyExceedsLimit(limit)) => {
                return Err(too_large(request, status, limit));
            }
            // So is one not retried whose body was cut (WEBrick resets the
            // connection under its 414 to a request line it did not read),
            // a compressed one said to be so. A JSON error cut short is
            // retried: its words decide what it says (a token refused).
            Err(_)
                if read_as(status) != 200
                    && !is_retryable_status(status)
                    && !json_cut_short(&body) =>
            {
                compressed.map_or(body, hidden)
            }
            // The whole JSON came, and then nothing, though the answer is
            // not over: the same on every try, whatever the timeout; or the
            // close of its connection (Jetty's abort, warp's timeout).
            Err(e @ (ureq::Error::Timeout(_) | ureq::Error::Io(_))) if json_whole(&body) => {
                return Err(api_error(format!(
                    "{request}: the HTTP {status} answer's whole JSON came ({} bytes), but {}; {}",
                    body.len(),
                    unended(announced, unframed, matches!(e, ureq::Error::Io(_))),
                    request.check(via)
                )));
            }
            Err(e) => {
                let read = (status, body.len(), announced, (began, last));
                return self.stopped(e, read, request, via).map(Err);
            }
        }))
    }

    /// The outcome of a body that could not be read to its end: its
    /// status, the bytes got (and the length announced), and when the
    /// body was first waited for and its last byte came. Dropped after the
    /// head arrived is no reused connection the server closed: a counted
    /// retry. Said as a body that stopped, not as a network that failed to
    /// answer.
    fn stopped(
        &self,
        e: ureq::Error,
        (status, got, announced, (began, last)): (u16, usize, Option<u64>, (Instant, Instant)),
        request: &Request,
        via: Option<&Via>,
    ) -> Result<Attempt> {
        let of = announced.map(|n| format!(" of {n}")).unwrap_or_default();
        let stopped = format!("the HTTP {status} answer's body stopped after {got}{of} bytes");
        // Framing broken after a pause mid-body, bytes got: a gateway that
        // gave up on the server behind it (h2o 2.2 at its
        // `proxy.timeout.io` ends a chunked body so), no faulty encoder.
        let paused = last.elapsed();
        if let ureq::Error::Protocol(p) = &e
            && paused >= LATE_CLOSE
            && got > 0
        {
            return Ok(Attempt::Transient(format!(
                "{stopped}, then after {:.0} s without bytes came some that are not valid HTTP ({p}){}: a gateway in front of the server ends an answer so when it gives up on it",
                paused.as_secs_f64(),
                through(via)
            )));
        }
        // A chunk that cannot be read: also a server that failed making the
        // answer (puma writes its 500 where a chunk goes). Retried.
        if let ureq::Error::Protocol(p) = &e
            && p.to_string().ends_with(CHUNK_UNREAD)
        {
            let through = through(via);
            return Ok(Attempt::Transient(format!(
                "{stopped}, {BROKEN_OFF} ({p}){through}"
            )));
        }
        // Bytes in the last half of the timeout: a slow link, no stall.
        let timed_out = matches!(e, ureq::Error::Timeout(_));
        let arriving = timed_out && paused * 2 < self.options.timeout;
        // Over TLS no byte of a record is read until the whole record is
        // in: a slow link bringing the rest in one record shows none.
        let took = last.duration_since(began);
        let record = timed_out && request.url.scheme() == "https" && record_due(got, took, paused);
        let stopped = |m| match (arriving, record) {
            (true, _) => format!(
                "the HTTP {status} answer's body {STILL_ARRIVING} ({got}{of} bytes) when it {m}"
            ),
            (false, true) => format!("{stopped}: {m}, {IN_A_TLS_RECORD}"),
            (false, false) => format!("{stopped}: {m}"),
        };
        Ok(match classify(e, request, &self.options, via, false)? {
            Attempt::Dropped(m) | Attempt::Transient(m) => Attempt::Transient(stopped(m)),
            other => other,
        })
    }

    /// `-vv`: the request's headers, the secrets among them redacted;
    /// with those ureq adds, `Host` (its port unless the scheme's) and a
    /// form's `Content-Length`, as they go on the wire.
    fn log_request_headers(&self, request: &Request) {
        self.debug(&format!("> {request}"));
        // As the URL is written: its port unless the scheme's.
        let host = &request.url[url::Position::BeforeHost..url::Position::AfterPort];
        self.debug(&format!("> Host: {host}"));
        self.debug(&format!("> User-Agent: {USER_AGENT}"));
        self.debug(&format!("> Accept: {ACCEPT}"));
        self.debug(&format!("> Cache-Control: {CACHE_CONTROL}"));
        self.debug(&format!("> Accept-Encoding: {ACCEPT_ENCODING}"));
        if let Some(form) = request.form {
            self.debug("> Content-Type: application/x-www-form-urlencoded");
            // As ureq's `send_form` encodes it (the same bytes for the
            // token request's letters, `_`, `-` and `:`).
            let mut body = url::form_urlencoded::Serializer::new(String::new());
            let length = body.extend_pairs(form.iter().copied()).finish().len();
            self.debug(&format!("> Content-Length: {length}"));
        }
        self.debug("> Authorization: <redacted>");
    }

    /// What an answer tells the pace and the retries: its status,
    /// `Retry-After` (scaled for tests) and rate-limit headers.
    ///
    /// A `Retry-After` of zero, or a date gone by, is read as none (as
    /// urllib3 reads it): limiters that round down (Flask-Limiter's
    /// `int(reset - now)`) send `0` while they still refuse, and a retry at
    /// once would spend every try in milliseconds. The retry backs off and
    /// the pace is learnt as for a refusal without one.
    fn answer_of(&self, response: &ureq::http::Response<ureq::Body>, token: bool) -> Answer {
        // NestJS's throttler names its headers after the throttler
        // (`X-RateLimit-Remaining-short`, `Retry-After-short`): only those
        // are looked at, so a page without them collects nothing.
        let throttler =
            |name: &str| name.starts_with("x-ratelimit-") || name.starts_with("retry-after-");
        let pairs: Vec<(&str, &str)> = (response.headers().iter())
            .filter(|(name, _)| throttler(name.as_str()))
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
            .collect();
        let named = throttler_headers(&pairs);
        // Two limiters' draft-8 fields come a line each (express-rate-limit): one list.
        let lines = |name| all_lines(response.headers(), name);
        let (limits, policies) = (lines("ratelimit"), lines("ratelimit-policy"));
        let header = |name: &str| {
            let joined = match name {
                "ratelimit" => limits.as_deref(),
                "ratelimit-policy" => policies.as_deref(),
                _ => None,
            };
            (joined.or_else(|| response.headers().get(name).and_then(|v| v.to_str().ok())))
                .or_else(|| named.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
        };
        // Dates and reset times the server sends are read on its clock, as
        // it wrote them with its `Date`: a skewed clock is no longer wait.
        let date = header("date").and_then(parse_date);
        // (The token server's clock is not the API's.) A cache's answer is
        // dated when it was made, `Age` ago, or by some when it was sent;
        // only pages are recorded, not a refusal retried.
        if !token {
            let mut dating = locked(&self.dating);
            let mut age = age_of(response.headers());
            let success = response.status().is_success();
            // A copy a cache says is stale with no `Age` (Apache's mod_cache
            // when the server is down) is as old as its `Date`: no clock.
            let stale = age.is_none() && is_stale_copy(response.headers());
            if let Some(date) = date.filter(|_| stale) {
                age = Some(secs_after(SystemTime::now(), date).max(0.0) as u64);
            }
            dating.cached_for = dating.cached_for.max(age.filter(|_| success));
            // The server's clock now is its `Date` plus the `Age` since
            // (RFC 9111 §4.2.3), not the `Date` alone. A stale copy's `Date`
            // is still a bound: the API's clock is at least that late (a
            // walk of copies dated an hour after this clock was recorded an
            // hour back with no word).
            let known = (dating.api_clock).map_or_else(SystemTime::now, |(api, at)| {
                api.checked_add(at.elapsed()).unwrap_or(api)
            });
            if let Some(date) = date.filter(|d| !stale || *d > known) {
                let kept = Duration::from_secs(age.unwrap_or(0));
                let api = date.checked_add(kept).unwrap_or(date);
                dating.api_clock = Some((api, Instant::now()));
            }
        }
        let now = server_now(date, SystemTime::now());
        let headers = parse_rate_headers(header, now);
        let spent = (headers.filter(|h| h.remaining == Some(0.0))).and_then(|h| h.reset);
        // bucket4j's Spring filters say it as `X-Rate-Limit-Retry-After-Seconds`.
        let wait = header("retry-after").or_else(|| header("x-rate-limit-retry-after-seconds"));
        let asked = wait.and_then(|v| retry_after_asked(v, now));
        let status = response.status().as_u16();
        // A refusal with a spent quota and no `Retry-After` says when by its
        // reset, as `Retry-After` would (within the longest wait): retries
        // at a backoff's pace spent every try before it.
        let reset = spent.filter(|d| is_refusal(status) && !d.is_zero() && *d <= MAX_RETRY_AFTER);
        let retry_after = (wait.and_then(|v| parse_retry_after(v, now))).filter(|d| !d.is_zero());
        Answer {
            status,
            at_reset: retry_after.is_none(),
            retry_after: (retry_after.or(reset)).map(|d| scaled(d, self.options.backoff_scale)),
            headers,
            // The server's word for this answer before a quota's reset.
            keep_away: asked.or(spent),
            ..Answer::default()
        }
    }

    /// Hands the `access_token` of a token answer to the redactor.
    /// Read past a byte-order mark, as the token itself is (`auth`).
    fn learn_token(&self, body: &[u8]) {
        #[derive(Deserialize)]
        struct Issued {
            access_token: String,
        }
        let body = crate::text::without_bom(body);
        if let Ok(issued) = serde_json::from_slice::<Issued>(body) {
            self.redactor().add(&issued.access_token);
        }
        // Any answer, read as it comes (cut short, form-encoded, refused):
        // every token it names, so that none is ever shown.
        for token in named_tokens(&String::from_utf8_lossy(body)) {
            self.redactor().add(token);
        }
    }
}

/// The server's time: this machine's clock when it agrees with the
/// server's `Date` (from a second before it to 3 s after: `Date` drops
/// the fraction of its second, and uvicorn's is renewed once a second),
/// else `Date` (a skewed clock is no measure of the server's waits), else
/// this machine's clock. A reset as a Unix time read against `Date` alone
/// was up to 2 s long: a 1 s window was taken as 1.95 s, behind uvicorn
/// as 3.9 s, and the walk went at half the pace or less.
fn server_now(date: Option<SystemTime>, local: SystemTime) -> SystemTime {
    let skewed = |ahead: f64| ahead <= -1.0 || ahead >= 3.0;
    date.filter(|&date| skewed(secs_after(local, date)))
        .unwrap_or(local)
}

/// How many seconds `time` is after `since` (negative when before).
fn secs_after(time: SystemTime, since: SystemTime) -> f64 {
    jiff::SignedDuration::system_until(since, time).map_or(0.0, |d| d.as_secs_f64())
}

/// The shortest value taken for a token a token answer names: real ones
/// are far longer, words of an error's text shorter.
const MIN_TOKEN_LEN: usize = 8;

/// The values of `access_token`, `refresh_token` and `id_token` in a
/// token answer, however it is written: as JSON (`"access_token": "…"`)
/// or a form (`access_token=…`), cut short or not, the names in any case.
fn named_tokens(text: &str) -> Vec<&str> {
    let lower = text.to_ascii_lowercase();
    let quote = |c: char| c == '"' || c == '\'' || c.is_whitespace();
    let keys = ["access_token", "refresh_token", "id_token"];
    (keys.iter())
        .flat_map(|key| lower.match_indices(key).map(|(at, _)| at + key.len()))
        .filter_map(|after| {
            let value = (text[after..].trim_start_matches(quote)).strip_prefix([':', '='])?;
            let value = value.trim_start_matches(quote);
            (value.split(|c: char| quote(c) || matches!(c, '&' | ',' | '}' | ';'))).next()
        })
        // A word of an error's text (`refresh_token: expired`,
        // `access_token=required`) is none: a token is long and has a
        // character other than a letter.
        .filter(|value| value.len() >= MIN_TOKEN_LEN)
        .filter(|value| value.chars().any(|c| !c.is_alphabetic()))
        .collect()
}

/// Redirects followed for one request, as curl's and browsers' limits go.
pub const MAX_REDIRECTS: u32 = 10;

/// Sends `send(first)` and follows the redirects answered with one of
/// `statuses` whose `Location` (secrets taken out), no ASP.NET error page's
/// ([`super::url::aspx_error`]), stays in the origin of
/// `origin`, checked as a next link is ([`super::url::follow`]), up to
/// [`MAX_REDIRECTS`]. Returns the last reply and the URL it came from; more
/// redirects are an API error naming `context` and the `setting` to check.
pub fn follow_redirects(
    first: Url,
    origin: &Url,
    statuses: &[u16],
    redactor: &Redactor,
    (context, setting): (&dyn std::fmt::Display, &str),
    mut send: impl FnMut(&Url) -> Result<Reply>,
) -> Result<(Url, Reply)> {
    let mut url = first;
    for redirects in 0..=MAX_REDIRECTS {
        let reply = send(&url)?;
        // Not to ASP.NET's error page: the server failed.
        let target = (reply.location.as_deref())
            .filter(|&to| statuses.contains(&reply.status) && !super::url::aspx_error(to))
            .and_then(|location| super::url::follow(&url, &redactor.redact(location), origin).ok());
        match target {
            Some(target) if redirects < MAX_REDIRECTS => url = target,
            Some(_) => break,
            None => return Ok((url, reply)),
        }
    }
    Err(api_error(format!(
        "{context}: more than {MAX_REDIRECTS} redirects (the last to {url}); check {setting}"
    )))
}

/// A reader that notes when its last bytes came.
struct Progress<R>(R, Instant);

impl<R: std::io::Read> std::io::Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        if n > 0 {
            self.1 = Instant::now();
        }
        Ok(n)
    }
}

/// A 200 answer's body (`status`, read as a 200) past `limit`, far beyond
/// any page or token.
fn too_large(request: &Request, status: u16, limit: u64) -> anyhow::Error {
    let what = match request.issues_token {
        true => "any token answer",
        false => "any page of accounts",
    };
    api_error(format!(
        "{request}: HTTP {status} with a body larger than {} MiB, far beyond {what}; {}",
        limit >> 20,
        request.check(None)
    ))
}

/// Why an answer whose whole JSON came is not over: by its framing, and
/// what the server did then (`closed` its connection, or nothing).
fn unended(announced: Option<u64>, unframed: bool, closed: bool) -> String {
    let framing = match announced {
        Some(n) => format!("its Content-Length says {n} bytes"),
        None if unframed => "it has no Content-Length and is not chunked, so it ends with its connection, and the server kept its connection open".into(),
        None => "its last chunk never came".into(),
    };
    let did = match closed {
        true => "closed the connection before the answer's end",
        false => "does not end its answers",
    };
    format!("{framing}: the server {did}")
}

/// Whether `body` is one whole JSON value.
fn json_whole(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(crate::text::without_bom(body)).is_ok()
}

/// `, or the proxy in HTTPS_PROXY` after what to check, when the request
/// went through one: the fault may be the proxy's.
fn or_the_proxy(via: Option<&Via>) -> String {
    via.map_or(String::new(), |v| format!(", or the proxy in {}", v.var))
}

/// Reads an answer's body to its end; a refusal's (429, 503) with a length
/// to that length only, so that its connection is closed, not kept: a
/// limit on a client's open connections (haproxy's `sc_conn_cur`) refuses
/// every request on the one over it as long as the others stay open.
fn read_sized(
    reader: impl std::io::Read,
    (status, announced): (u16, Option<u64>),
    body: &mut Vec<u8>,
) -> std::io::Result<usize> {
    let length = announced.filter(|_| is_refusal(status)).unwrap_or(u64::MAX);
    std::io::Read::read_to_end(&mut std::io::Read::take(reader, length), body)
}

/// What a connection closed before any answer by a server that answered
/// nothing in the run says. No timeout ran out: a TLS port given as
/// http://, a server that wants the PROXY protocol or HTTP/2 only, or no
/// HTTP server at all. Over TLS, also a gateway whose certificate_required
/// alert (TLS 1.3, after the handshake) the request's write met first, one
/// (stunnel) whose backend is down, and, to an address, one that routes by
/// the ClientHello's host name (nginx's stream `ssl_preread`), which closes
/// a hello with none when it has no route for it; in the handshake (the
/// `message` an end of file), one with no TLS version or cipher in common,
/// as GLib's TLS (libsoup's SoupServer) closes with no alert.
fn closed_unanswered_hint(request: &Request, message: &str) -> String {
    let (setting, url) = (request.setting(), request.url);
    let tls = url.scheme() == "https";
    let old = match tls && message.contains("unexpected end of file") {
        true => {
            ", or one with no TLS version or cipher in common with this tool (TLS 1.2 or 1.3, modern ciphers), as GLib's TLS (libsoup's SoupServer) closes in the handshake: a server that needs a newer TLS setup"
        }
        false => "",
    };
    let wants = match tls {
        true => "a client certificate, which this tool does not send",
        false => "https://",
    };
    let sni = match tls && !matches!(url.host(), Some(url::Host::Domain(_))) {
        true => {
            ", or one that picks the backend by the host name (SNI, as nginx's ssl_preread), which is not sent for an address: use the host name its certificate is for"
        }
        false => "",
    };
    format!(
        "the server closed the connection without answering (one that wants {wants}, HTTP/2 or the PROXY protocol there does, as does a gateway such as stunnel whose backend is down{sni}{old}): check {setting}, its scheme and port; or check your network, or try again later"
    )
}

/// The error of a request that got no answer in its last try, after
/// `retries` that failed as `failures` say; `closed`:
/// the connection was closed or reset under it, before any answer, by a
/// server that has answered in the run (`Some(true)`) or nothing in it.
fn no_answer_after(
    request: &Request,
    message: &str,
    (retries, failures): (u32, &[String]),
    closed: Option<bool>,
) -> anyhow::Error {
    let after = after_retries(retries);
    // No --timeout bounds the name lookup: the resolver's own hint last.
    if let Some((what, check)) = message.split_once(super::dns::IF_IT_LASTS) {
        let network = "check your network and its DNS server, or raise --max-retries";
        return api_error(format!(
            "{request}: {what}{after}; {network}{}{check}",
            super::dns::IF_IT_LASTS
        ));
    }
    let check: std::borrow::Cow<str> = if message.contains(PROXY_REFUSED_SINCE) {
        // Its URL carried the run's first requests: the proxy is gone from it.
        "the proxy no longer takes connections there: it was stopped or is restarting; try again later, or raise --max-retries".into()
    } else if message.contains(PROXY_REFUSED) {
        "check that the proxy is running there, and the host and port of its URL".into()
    } else if message.contains(STILL_ARRIVING) {
        still_arriving_hint(request).into()
    } else if message.contains("no tunnel (proxy server responded 429") {
        "the proxy limits the tunnels it opens: lower --concurrency, or raise --max-retries".into()
    } else if let Some(proxy) = upstream_failed(message) {
        // The proxy answered: no network between here and it is at fault.
        let url = request.url;
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or_default();
        let setting = request.setting();
        format!("the {proxy} answered, but could not reach {host}:{port} (its 502, 503 or 504 says its upstream failed): the host is down, its name does not resolve there, or nothing takes connections at that port, or the proxy's network cannot reach it; check {setting} (or account_name and region), then the proxy, or try again later, or raise --max-retries").into()
    } else if message.contains(REFUSED_SINCE) {
        // No network refuses: the server is gone from its port.
        "it no longer takes connections there: it was stopped or is restarting (a deploy); try again later, or raise --max-retries".into()
    } else if message.contains(OUT_OF_FILES) {
        // EMFILE (or ENFILE): no network's fault, and no timeout helps.
        "the open-file limit (ulimit -n) left no room for another connection: raise it, or lower --concurrency".into()
    } else if message.contains(PROXY_HUNG_UP)
        || message.starts_with("connection error") && message.contains("(through the proxy")
    {
        // Raising a timeout never helps a proxy that hangs up or resets
        // (a SOCKS server given as http://), and every connection is to it.
        // proxy-chain hangs up on a host it cannot reach, and Apache Traffic
        // Server closes the tunnel it said 200 to.
        "check the proxy and the scheme of its URL (http:// or https://), then account_name and region (or token_url / base_url): a proxy that cannot reach the host may close so".into()
    } else if message.contains(HEADERS_OF) && message.contains("timed out") {
        // Long headers left open until the timeout ran out (tcllib's httpd),
        // or closed at once (uWSGI).
        "a server may leave a request whose request line and headers are over its limit unanswered, as tcllib's httpd does past 8192 bytes of headers; have the server take larger ones; if it takes them, check your network, or raise --timeout / --max-retries".into()
    } else if message.contains(HEADERS_OF) {
        "a server closes the connection so on a request line and headers over its limit, as uWSGI does past its buffer-size (4096 bytes by default, its own variables counted with the headers); have the server take larger ones (uWSGI: --buffer-size 32768); if it takes them, check your network, or raise --max-retries".into()
    } else if message.contains(AFTER_THE_REQUEST) {
        // Seconds after the request: no wrong URL, which is closed at once,
        // and, by a host that answered before, no network's fault either.
        gave_up_hint(request, failures).into()
    } else if message.contains(ENDS_AT_LAST_CHUNK) {
        // A body cut short, its head come (the server began this answer over
        // this network): by its last chunk (no connection cut it), by a chunk
        // unread, or by its connection's close, with a length or without one.
        ENDS_IT.into()
    } else if message.contains(BROKEN_OFF) {
        BREAKS_IT.into()
    } else if message.contains(SIZE_LINE_UNENDED) {
        UNENDS_IT.into()
    } else if message.contains(" body stopped after ") && message.contains(": connection error")
        || message.contains(ENDS_AT_CLOSE)
    {
        CUTS_IT.into()
    } else if closed == Some(true) {
        format!("{DROPS_IT}{}", unrouted_hint(request)).into()
    } else if closed == Some(false) {
        closed_unanswered_hint(request, message).into()
    } else if waited_beside_others(message, request) {
        "check your network, or raise --timeout / --max-retries, or lower --concurrency: a server that answers fewer requests at once than the pages in flight keeps some waiting".into()
    } else {
        last_try_hint(message, failures).into()
    };
    let slow = timed_out_before(message, failures);
    api_error(format!("{request}: {message}{after}; {check}{slow}"))
}

/// A page request's "a smaller --per-page may answer in time" advice
/// ([`smaller_page`]); none for the token request.
fn smaller_for(request: &Request) -> &'static str {
    match request.setting() {
        "base_url" => smaller_page(request.url),
        _ => "",
    }
}

/// What to do about a body still arriving when the timeout ran out, never
/// idle: a slow link, or a server that sends at a set rate (nginx's
/// `limit_rate`); a smaller page takes less time at either.
fn still_arriving_hint(request: &Request) -> String {
    let smaller = smaller_for(request);
    format!(
        "the link, or the server's limit on how fast it sends an answer (nginx's limit_rate, Apache's mod_ratelimit), is too slow for it: {smaller}raise --timeout, which bounds the whole body"
    )
}

/// ` (after N retries)`, or nothing for none.
fn after_retries(retries: u32) -> String {
    match retries {
        0 => String::new(),
        n => format!(" (after {})", counted(n, "retry", "retries")),
    }
}

/// What the tries before the last that timed out say, when the last failed
/// otherwise (pen over a server slower than --timeout and one that is
/// down): a longer --timeout may get through. Of each, what timed out as
/// [`timed_out`] says it (a body's stall too), not the sentence before.
fn timed_out_before(message: &str, failures: &[String]) -> String {
    let said = (failures.iter()).filter_map(|f| Some(&f[f.find("timed out after ")?..]));
    let timed_out: Vec<&str> = said.collect();
    let tries = match (timed_out.len(), failures.len()) {
        (1, 1) => "the try".to_string(),
        (n, all) if n == all => format!("the {n} tries"),
        (n, all) => format!("{n} of the {all} tries"),
    };
    // A host the network says it cannot reach: what timed out before was
    // that network, no slow server.
    let unreachable = message.starts_with("connection error: ")
        && (message.contains("No route to host") || message.contains("unreachable"));
    match timed_out.first() {
        Some(first) if !message.contains("timed out") && !unreachable => {
            format!("; {tries} before it {first}: raise --timeout if the server is that slow")
        }
        _ => String::new(),
    }
}

/// Whether `message` is a timeout of a page fetched beside others before
/// its answer began: a server with one worker (waitress `threads=1`)
/// answers them in turn, past a short --timeout. Not one whose body had
/// begun: the server was answering it, and one page at a time stalls the
/// same.
fn waited_beside_others(message: &str, request: &Request) -> bool {
    message.contains("timed out") && request.ahead.is_some() && !message.contains(" answer's body ")
}

/// What to do about a request closed unanswered seconds after it was sent:
/// when every try was closed so (and they were more than one), a limit on
/// how long an answer may take (Bun.serve's `idleTimeout`, fastify's
/// `connectionTimeout`) met each alike, and more tries meet it again.
fn gave_up_hint(request: &Request, failures: &[String]) -> String {
    let every = !failures.is_empty() && failures.iter().all(|f| f.contains(AFTER_THE_REQUEST));
    if !every {
        return format!(
            "the server, or a gateway in front of it, gave up waiting: a server closes so when an answer takes longer than its write timeout (Go's `WriteTimeout`), a gateway when its backend does not answer in time (haproxy's `timeout server` in tcp mode, stunnel){NO_BACKEND}; try again later, or raise --max-retries; else check your network"
        );
    }
    let smaller = smaller_for(request);
    format!(
        "the server, or a gateway in front of it, gave up waiting on every try: its limit on how long an answer may take (Bun.serve's `idleTimeout`, 10 s by default; fastify's `connectionTimeout`; Go's `WriteTimeout`; haproxy's `timeout server`) is shorter than this request takes, so more tries meet it alike: {smaller}have whoever runs it raise that limit, or try again later{NO_BACKEND}, which is down or overloaded: ask whoever runs it, or try again later"
    )
}

/// A TCP gateway that closes so when it cannot connect to its backend in
/// time (nginx 1.22's stream module, socat's `connect-timeout`): no answer
/// was slow, and no smaller page helps.
const NO_BACKEND: &str = "; or a gateway could not connect to the server behind it in its time for that (nginx's stream `proxy_connect_timeout`, socat's `connect-timeout`)";

/// What to do about a request whose last try failed otherwise. One that
/// timed out: a body that stopped at the same byte on every try (and they
/// were more than one) was stopped by the server, which began each answer
/// over this network. One refused, unreachable, reset or whose record
/// changed, with no timeout run out: a record changed on the way on every
/// try (and they were more than one) is no byte changed by chance.
fn last_try_hint(message: &str, failures: &[String]) -> &'static str {
    let alike = !failures.is_empty() && failures.iter().all(|f| f == message);
    if !message.contains("timed out") {
        return match alike && message.ends_with(CHANGED) {
            true => CHANGED_EVERY_TRY,
            false => "check your network, or raise --max-retries",
        };
    }
    match alike && message.contains(" body stopped after ") && !message.contains(IN_A_TLS_RECORD) {
        true => STALLS_IT,
        false if message.contains(UNANSWERED_HELLO) => PLAIN_THERE,
        false => "check your network, or raise --timeout / --max-retries",
    }
}

/// Why a body stopped at the same byte on every try: the server sent its
/// head and part of its body, then stopped making the answer.
const STALLS_IT: &str = "the server began its answer and stopped it at the same byte on every try, keeping the connection open: it, or a gateway in front of it, fails while making its answer (Daphne leaves so an application error mid-answer), or is slower there than --timeout; try again later, or raise --timeout; else check your network";

/// Every `name` line of `headers` as one list (`a, b`), when more than one came.
fn all_lines(headers: &ureq::http::HeaderMap, name: &str) -> Option<String> {
    let lines: Vec<&str> = (headers.get_all(name).iter())
        .filter_map(|v| v.to_str().ok())
        .collect();
    (lines.len() > 1).then(|| lines.join(", "))
}

/// For a first page closed unanswered by a host that answered the token
/// request, no page answered yet: base_url's path may be at fault, as a
/// server on uWebSockets (socketify) closes a request it has no route for.
fn unrouted_hint(request: &Request) -> &'static str {
    match request.proven || request.issues_token {
        true => "",
        false => {
            "; no page was answered yet: check base_url's path too, as a server on uWebSockets (socketify) closes so a request for a path it has no route for"
        }
    }
}

/// Why a request closed at once, every try, by a host that answered over
/// the same network got no answer: no wrong host or port (a path, at most:
/// [`unrouted_hint`]), and no more tries help a request it drops so; a
/// pace under a limiter's rate gets by one that drops what it refuses.
const DROPS_IT: &str = "the server closed the connection without answering, though it answered earlier in this run: it, or a gateway or filter in front of it (nginx's `return 444`, a web application firewall), drops this request, or fails while making its answer, as does a gateway such as hitch or stunnel whose backend is down (a restart, a crash); try again later; a rate limiter that drops what it refuses (nginx's `limit_req_status 444`) drops a run again so: pace it under its rate with --max-rate (0.5 is a request every 2 s); else check your network";

/// A body without a length, cut short by its connection's close.
const ENDS_AT_CLOSE: &str = "it ends with its connection (no Content-Length)";

/// A chunked body ended by its last chunk before its JSON's end.
const ENDS_AT_LAST_CHUNK: &str = "its last chunk came before its JSON's end";

/// Why a chunked body ended before its JSON's end: the server began the
/// answer, then failed, and ended it as if whole.
const ENDS_IT: &str = "the server began its answer and ended it before its JSON was whole: it, or a gateway in front of it, fails while making its answer (Werkzeug's debugger and Tornado end so an answer whose handler raised midway); try again later";

/// Whether an answer is framed by chunks: `Transfer-Encoding`'s last
/// coding is `chunked` (RFC 9112 §6.3). ureq reads `chunked, identity`
/// as chunked too, a framing of no HTTP.
fn chunked_last(headers: &ureq::http::HeaderMap) -> bool {
    let codings = headers.get_all("transfer-encoding").into_iter();
    let last = codings
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last();
    last.is_some_and(|coding| coding.trim().eq_ignore_ascii_case("chunked"))
}

/// `e`, or, for a chunked body whose connection closed inside a
/// chunk-size line, whose CRLF never came (WireMock's
/// MALFORMED_RESPONSE_CHUNK; ureq finds the body stalled), that close: a
/// body cut short by it, as one cut inside a chunk is. Retried. So is one
/// whose size lines end in a bare LF, which ureq reads no line end in.
fn closed_in_a_size_line(e: ureq::Error, chunked: bool) -> ureq::Error {
    match e {
        ureq::Error::BodyStalled if chunked => ureq::Error::Io(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            SIZE_LINE_UNENDED,
        )),
        e => e,
    }
}

/// A chunked body closed where ureq found no chunk-size line's CRLF.
const SIZE_LINE_UNENDED: &str = "closed before a chunk-size line ended with CRLF";

/// Why: a cut there, or, on every answer, size lines ended otherwise.
const UNENDS_IT: &str = "the server began its answer and closed the connection before a chunk-size line ended with CRLF: it, or a gateway in front of it, fails while making its answer (WireMock's MALFORMED_RESPONSE_CHUNK fault, a worker that crashed), or ends its chunk-size lines with a bare LF on every answer (RFC 9112 §7.1 wants CRLF; an answer written by hand may), which whoever runs it must fix; try again later; else check your network";

/// A chunked body with a chunk ureq cannot read ([`CHUNK_UNREAD`]).
const BROKEN_OFF: &str = "then came a chunk that could not be read";

/// Why a chunk could not be read: it is framed so, or the server failed
/// making the answer and wrote something else there.
const BREAKS_IT: &str = "the server, or a gateway in front of it, sent a chunk-size line longer than the 20 bytes ureq reads of it (a chunk extension, RFC 9112 §7.1.1, or leading zeros make it so), or a chunk longer than its size line says, or it fails while making its answer and writes something else there (puma writes its 500 answer so when the application raises midway); try again later";

/// Why a body was cut short by the close of its connection: the server
/// sent its head over the same network, then stopped making the answer.
const CUTS_IT: &str = "the server began its answer and closed the connection before its end: it, or a gateway in front of it, fails while making its answer (an application error mid-answer, a worker that crashed); try again later; else check your network";

/// The proxy (`proxy … from HTTPS_PROXY`) whose 502, 503 or 504 to CONNECT
/// `message` says (as [`no_tunnel`] writes it): it answered, and could not
/// reach the host.
fn upstream_failed(message: &str) -> Option<&str> {
    let status = message.strip_prefix("no tunnel (proxy server responded 50")?;
    if !status.starts_with(['2', '3', '4']) {
        return None;
    }
    let (_, proxy) = message.split_once(" (through the ")?;
    proxy.split_once(')').map(|(proxy, _)| proxy)
}

/// Notes a connection refused by a host that answered earlier in the run
/// (Go's `srv.Shutdown` or `srv.Close` mid-walk, a restart): the server
/// stopped, no setting or network is wrong.
const REFUSED_SINCE: &str = "though the server answered earlier in this run";

/// Notes a connection refused by a proxy through which the host answered
/// earlier in the run: the proxy stopped, its URL is right.
const PROXY_REFUSED_SINCE: &str = "though the server answered through it earlier in this run";

/// What a refused connection says beside the system's words: the proxy's
/// port refused ([`PROXY_REFUSED`]), since the server answered through it
/// ([`PROXY_REFUSED_SINCE`]), or a server that answered earlier in the run
/// (`answered`) gone ([`REFUSED_SINCE`]).
fn refused_by(via: Option<&Via>, answered: bool) -> String {
    match (via, answered) {
        (Some(_), true) => format!(": {PROXY_REFUSED}, {PROXY_REFUSED_SINCE}"),
        (Some(_), false) => format!(": {PROXY_REFUSED}"),
        (None, true) => format!(", {REFUSED_SINCE}"),
        (None, false) => String::new(),
    }
}

/// Request headers of this many bytes come near uWSGI's limit (its
/// `buffer-size`, 4096 bytes by default, counted with variables of its
/// own), the lowest of common servers'. uWSGI, Twisted and Tornado close
/// the connection unanswered on headers over theirs.
const LONG_HEAD: usize = 3500;

/// Request headers of this many bytes come to the limit of tcllib's httpd
/// (8192 bytes of them, as nginx's and Boost.Beast's), which leaves a
/// request over it unanswered and open: its handler of that error fails.
const UNANSWERED_HEAD: usize = 8 * 1024;

/// Notes a page's request line and headers' size, when they are long (a
/// long access token or next link), on a connection closed, or left open,
/// unanswered under it.
const HEADERS_OF: &str = "its request line and headers were about";

/// What [`timed_out`] says of a try that got no answer in time.
const WAITING: &str = " waiting for the answer";

/// A connection closed unanswered this long after its request was sent
/// was closed by a gateway that gave up on its backend (haproxy in tcp
/// mode at its `timeout server`, stunnel, http-proxy-middleware at a
/// `timeout` of 1000 ms): a server that wants https://, HTTP/2 or the
/// PROXY protocol closes at once.
const LATE_CLOSE: Duration = Duration::from_secs(1);

/// Notes how long after its request a connection closed unanswered.
const AFTER_THE_REQUEST: &str = "s after the request was sent";

/// `outcome` with what is known of a connection closed unanswered under
/// `request` noted: the size of its headers, when they were long, and how
/// long after it was `sent` that came, when [`LATE_CLOSE`] or more. In
/// whole seconds: a gateway closes each try about as long after, and to
/// the tenth (2.1 s, 2.2 s) a reason repeated was said in full each time.
/// Of one left open until the timeout ran out, before any page was
/// answered, the size of its headers when they were [`UNANSWERED_HEAD`] or more.
fn closed_unanswered(
    outcome: Attempt,
    request: &Request,
    authorization: &str,
    sent: Instant,
) -> Attempt {
    let mut message = match outcome {
        Attempt::Dropped(message) => message,
        // Not once a page was answered: its headers were taken.
        Attempt::Transient(message) if message.ends_with(WAITING) && !request.proven => {
            let size = long_headers(request, authorization, UNANSWERED_HEAD);
            return Attempt::Transient(message + &size);
        }
        _ => return outcome,
    };
    message += &long_headers(request, authorization, LONG_HEAD);
    let waited = sent.elapsed();
    if waited >= LATE_CLOSE {
        message += &format!(", {:.0} {AFTER_THE_REQUEST}", waited.as_secs_f64());
    }
    Attempt::Dropped(message)
}

/// `; its request line and headers were about N bytes, the access token M
/// of them`, for a page's request whose were `least` bytes or more.
fn long_headers(request: &Request, authorization: &str, least: usize) -> String {
    // The request line's and the other headers' own bytes are about 150.
    let head = request.url.as_str().len() + authorization.len() + 150;
    if head < least || request.issues_token {
        return String::new();
    }
    let token = token_length(authorization);
    format!("; {HEADERS_OF} {head} bytes, the access token {token} of them")
}

/// The length in bytes of the access token an `Authorization` value
/// carries (`Bearer …`), or of the whole value.
pub fn token_length(authorization: &str) -> usize {
    (authorization.strip_prefix("Bearer ")).map_or(authorization.len(), str::len)
}

/// Why `outcome` may be a race with a server's keep-alive timeout: a
/// connection dropped at once, or a 408 on it.
fn raced(outcome: &Attempt) -> Option<&str> {
    match outcome {
        Attempt::Reply(reply, _) if reply.status == 408 => {
            Some("HTTP 408 as the connection was kept")
        }
        outcome => dropped_at_once(outcome),
    }
}

/// Why a connection was closed or reset under the request of `outcome`,
/// unless that came [`LATE_CLOSE`] or more after it: a server (Go's
/// `WriteTimeout`) or a gateway that gave up on the request, which is no
/// race with a keep-alive timeout nor a connection limit's close, both
/// at once, and is retried as any failure is (a try counted, a backoff).
fn dropped_at_once(outcome: &Attempt) -> Option<&str> {
    match outcome {
        Attempt::Dropped(message) if !message.contains(AFTER_THE_REQUEST) => Some(message),
        _ => None,
    }
}

/// A body that was not done when the timeout ran out.
const STILL_ARRIVING: &str = "was still arriving";

/// A body over TLS with no byte read in the last half of the timeout:
/// stalled, or its rest on its way in one record, which is read only
/// when whole (Python's `http.server` sends a body so; nginx's records
/// are 16 KiB), the same on a slow link to the reader.
const IN_A_TLS_RECORD: &str = "unless a TLS record of it was on its way on a slow link (no byte of a record, up to 16 KiB, is read until it is whole)";

/// Whether a TLS record of 16 KiB, at the pace the `got` bytes of a body
/// came in `took`, could still be on its way after `paused`: always when
/// none came; never when they came at once (a server that stalled).
fn record_due(got: usize, took: Duration, paused: Duration) -> bool {
    got == 0 || took.as_secs_f64() * 16384.0 > got as f64 * paused.as_secs_f64()
}

/// What a proxy did that closed the connection before it answered.
const PROXY_HUNG_UP: &str = "closed the connection without answering CONNECT";

/// A proxy's address where nothing accepts connections (a tunnel the
/// proxy could not open is a status, not this).
const PROXY_REFUSED: &str = "nothing accepts connections at the proxy's address";

/// Sorts a transport error into transient (retry) or final. Errors name
/// the request; a transient one, the proxy it went through (`via`). (A
/// body over the limit is caught before, where its status is known.)
/// `resolved`: the host answered earlier in the run.
fn classify(
    error: ureq::Error,
    request: &Request,
    options: &ClientOptions,
    via: Option<&Via>,
    resolved: bool,
) -> Result<Attempt> {
    use ureq::Error as E;
    let through = through(via);
    let setting = request.setting();
    let transient = |message: String| Ok(Attempt::Transient(format!("{message}{through}")));
    let host = request.url.host_str().unwrap_or_default();
    if let Some(unresolved) = super::dns::unresolved_host(&error, host, via) {
        // A name that resolved earlier in the run: the resolver's answer
        // changed, no setting is wrong. Retried, as a temporary failure is.
        if let (true, None, Some((what, _))) = (resolved, via, unresolved.message.split_once(';')) {
            let what = what.replace(" for now", "");
            return transient(format!(
                "{what}, though it resolved earlier in this run{}check that {host} is still in DNS",
                super::dns::IF_IT_LASTS
            ));
        }
        // The message names the proxy, if there is one.
        if unresolved.temporary {
            return Ok(Attempt::Transient(unresolved.message));
        }
        return Err(api_error(format!("{request}: {}", unresolved.message)));
    }
    match error {
        // A page fetched ahead that got no connection or answer in its time
        // goes to the walk: in its head start (no try spent), or in the
        // whole `--timeout` where the head start is off (a try spent).
        E::Timeout(phase @ (ureq::Timeout::Connect | ureq::Timeout::RecvResponse))
            if request.ahead.is_some() =>
        {
            let within = request.answer_within(options);
            let why = match within {
                Some(within) => format!("no answer within {:.1} s", within.as_secs_f64()),
                None => timed_out(phase, options.timeout, via),
            };
            Err(LeftToTheWalk(why, within.is_none()).into())
        }
        E::Timeout(phase) => Ok(timed_out_at(phase, request, options, via)),
        // rustls reports a failed handshake as an I/O error: final, not retried; a
        // record failing its integrity check (here, or at the server) changed on the way.
        E::Io(e) => match e.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
            Some(tls @ (rustls::Error::DecryptError | rustls::Error::AlertReceived(BAD_MAC))) => {
                transient(format!("TLS error: {tls}{CHANGED}"))
            }
            Some(tls) => Err(tls_error(tls, Some(tls), (request, resolved), via, options)),
            None if is_dropped(e.kind()) => {
                Ok(Attempt::Dropped(format!("connection error: {e}{through}")))
            }
            None if e.kind() == std::io::ErrorKind::ConnectionRefused => transient(format!(
                "connection error: {e}{}",
                refused_by(via, resolved)
            )),
            None => transient(format!("connection error: {e}")),
        },
        E::ConnectionFailed => transient("connection failed".into()),
        // Bytes that are not HTTP (a bad header line or chunk size), or
        // more than ureq reads, come back the same on every try: final. A
        // connection that drops is an I/O error, above.
        E::Protocol(e) => Err(unreadable(&e.to_string(), request, via, resolved)),
        E::LargeResponseHeader(size, limit) => Err(api_error(format!(
            "{request}: the answer's headers are larger than {} KiB ({size} bytes and more){through}; {}",
            limit / 1024,
            request.check(None)
        ))),
        E::ConnectProxyFailed(why) => no_tunnel(why, request, via, resolved),
        // ureq could not make out where the body ends.
        E::BodyStalled => Err(api_error(format!(
            "{request}: the answer is not valid HTTP (its body could not be read to its end){through}; check {setting}"
        ))),
        E::Tls(message) => Err(tls_error(&message, None, (request, resolved), via, options)),
        E::Rustls(e) => Err(tls_error(&e, Some(&e), (request, resolved), via, options)),
        E::Http(_) if request.url.as_str().len() > URI_MAX => Err(too_long_to_send(request)),
        other => Err(api_error(format!("{request}: request failed: {other}"))),
    }
}

/// The longest URI the http crate (ureq's) takes, in bytes.
const URI_MAX: usize = u16::MAX as usize - 1;

/// A URL longer than [`URI_MAX`] (a next link with a huge cursor, or a
/// setting's own URL before any page was answered): no request can ask
/// for it.
fn too_long_to_send(request: &Request) -> anyhow::Error {
    let length = request.url.as_str().len();
    let whose = match (request.setting(), request.proven) {
        ("base_url", true) => {
            "the API's next link is too long to be asked for; ask whoever runs the API".into()
        }
        (setting, _) => format!("{setting} is too long to be asked for; check {setting}"),
    };
    api_error(format!(
        "{request}: the URL is {length} bytes, more than the {URI_MAX} a request can carry: {whose}"
    ))
}

/// What a refusal of a URL as too long says of a next link's.
pub const NEXT_LINK_TOO_LONG: &str =
    "the API's next link is too long for it, or for a proxy in between";

/// ureq-proto's error for an answer it could not read (`error`): more
/// header fields than it reads, a `100 Continue` with fields, or bytes that
/// are not HTTP (a chunk it cannot read is a body that stopped). `answered`: the
/// server has answered in the run.
fn unreadable(error: &str, request: &Request, via: Option<&Via>, answered: bool) -> anyhow::Error {
    let (through, check) = (through(via), request.check(via));
    let what = if error.ends_with("too many headers") {
        // ureq-proto reads 128 header fields at most, ureq 20 of a proxy's
        // answer to CONNECT (a 407 offering several schemes may have more):
        // more is valid HTTP that cannot be read here, not a malformed answer.
        let connect = via.map_or("", |_| ", or the proxy's answer to CONNECT more than 20");
        format!(
            "the answer has more than 128 header fields{connect}, more than this tool reads{through}; the server or a gateway in front of it adds them: {check}"
        )
    } else if error.ends_with("received headers with 100-continue response") {
        format!(
            "the answer began with an unasked `100 Continue` carrying header fields{through}, valid HTTP (RFC 9110 §15.2) that ureq does not read (it reads a 100 without fields, and other 1xx with them); the server or a gateway in front of it sends it: {check}"
        )
    } else if error.ends_with("invalid HTTP version")
        && answered
        && request.url.as_str().len() >= 16 * 1024
    {
        // HTTP::Daemon answers a request line over its 16 KiB with its 414
        // page alone, as to HTTP/0.9 (the request's version unread); a
        // server that answered nothing yet followed no next link.
        format!(
            "the answer is not valid HTTP ({error}){through}: it has no status line, as HTTP::Daemon answers a request line over its 16 KiB (its 414 page alone); the server may refuse URLs this long (this one is {} bytes): if so, {}",
            request.url.as_str().len(),
            NEXT_LINK_TOO_LONG
        )
    } else if error.ends_with("invalid HTTP version") && !answered {
        // No HTTP/1 status line, from a server that has answered nothing
        // in the run: another protocol at that port, HTTP/2 without TLS
        // (nginx 1.22's `listen … http2`, haproxy's `proto h2`), TLS, SSH.
        // Over https:// TLS is what was spoken: HTTP/2 only is left.
        let (setting, proxy) = (request.setting(), or_the_proxy(via));
        let tls = if request.url.scheme() == "https" {
            ""
        } else {
            " TLS, which wants https://,"
        };
        format!(
            "the answer is not valid HTTP ({error}){through}: it is no HTTP/1, so the server there speaks another protocol (HTTP/2 only,{tls} or no HTTP at all); check {setting}, its scheme and port{proxy}"
        )
    } else if error.ends_with("invalid header name") {
        // A space before a colon, a folded line; or a CGI script's warning
        // (mini_httpd and thttpd give it the connection for its error output).
        format!(
            "the answer is not valid HTTP ({error}){through}: a line among its headers is no header (a space before its colon, a folded line, or a script's error output, which mini_httpd and thttpd send on with its answer): whoever runs the server must fix it; {check}"
        )
    } else if let Some(faulty) = unknown_length(error) {
        format!(
            "the answer is not valid HTTP ({error}){through}: it has {faulty}, so where it ends cannot be known (RFC 9112 §6.3): the server, or a gateway in front of it, frames its answer wrongly (or fails while making it and writes something else there): whoever runs the server must fix it; {check}"
        )
    } else {
        format!("the answer is not valid HTTP ({error}){through}; {check}")
    };
    api_error(format!("{request}: {what}"))
}

/// What makes an answer's end unknowable, by ureq-proto's `error` for it.
fn unknown_length(error: &str) -> Option<&'static str> {
    let chunk = "a chunk size that is no hexadecimal number";
    [
        (
            "conflicting content-length headers",
            "Content-Length fields that disagree",
        ),
        (
            "content-length header not a number",
            "a Content-Length that is no number",
        ),
        ("chunk length cannot be read as a number", chunk),
        ("chunk length is not ascii", chunk),
    ]
    .into_iter()
    .find_map(|(e, faulty)| error.ends_with(e).then_some(faulty))
}

/// ureq-proto's error for a chunk-size line of more than 20 bytes (valid
/// HTTP: chunk extensions may make it so), and for chunk data not ended by
/// CRLF where its size says (not valid HTTP).
const CHUNK_UNREAD: &str = "chunk expected crlf as next character";

/// ` (through the proxy … from HTTPS_PROXY)` after what failed, when the
/// request went through one.
fn through(via: Option<&Via>) -> String {
    via.map_or(String::new(), |v| format!(" (through the {v})"))
}

/// The reasons of the tries that failed, in order, one repeated on tries
/// in a row said once with how many times (`3 × HTTP 500, HTTP 502`): a
/// reason such as a lookup that failed is long.
fn said_once_each(failures: &[String]) -> String {
    let runs = failures.chunk_by(|a, b| a == b);
    let said = runs.map(|run| match run.len() {
        1 => run[0].clone(),
        times => format!("{times} × {}", run[0]),
    });
    said.collect::<Vec<_>>().join(", ")
}

/// Why a TLS record failed its integrity check (rustls's DecryptError, or
/// the peer's bad_record_mac alert).
const CHANGED: &str = ", a record changed on the way";

/// The same on every try: no byte changed by chance.
const CHANGED_EVERY_TRY: &str = "it did on every try: a link that changes bytes that often (a faulty router, network card or cable), something on the way that breaks TLS records (a proxy or load balancer terminating TLS), or the server's TLS; check your network and what is in front of the server, or raise --max-retries";

/// The alert a TLS peer sends for a record that fails its integrity check.
const BAD_MAC: rustls::AlertDescription = rustls::AlertDescription::BadRecordMac;

/// `timed out after N s` and the phase, as curl and gh say it: a firewall
/// dropping the connection is not a server that never answers. Through a
/// proxy (`via`), it is named.
fn timed_out(phase: ureq::Timeout, timeout: Duration, via: Option<&Via>) -> String {
    let doing = match phase {
        ureq::Timeout::Connect => " connecting",
        ureq::Timeout::SendRequest | ureq::Timeout::SendBody => " sending the request",
        ureq::Timeout::RecvResponse => WAITING,
        _ => "",
    };
    let through = through(via);
    let mut text = format!("timed out after {} s{doing}{through}", timeout.as_secs());
    // tinyproxy and privoxy take the hello of an `https://` proxy URL as
    // the start of a request line, and wait for its end.
    let https = via.filter(|v| v.proxy.protocol() == ureq::ProxyProtocol::Https);
    if let (ureq::Timeout::Connect, Some(via)) = (phase, https) {
        text += &format!(
            ", as a plain proxy given as https:// does (it waits for a request line): a plain proxy is written http:// in {}",
            via.var
        );
    }
    text
}

/// A try that timed out, as [`timed_out`] says, or, connecting to an
/// `https://` URL directly, in the TLS handshake when its host takes a new
/// connection within half a second: the one that timed out was likely
/// taken too, and its hello never answered. (Where nothing takes one, as
/// where a network drops them, the try took that half second more.)
fn timed_out_at(
    phase: ureq::Timeout,
    request: &Request,
    options: &ClientOptions,
    via: Option<&Via>,
) -> Attempt {
    let url = request.url;
    let probe = options.timeout.min(Duration::from_millis(500));
    let direct_tls = via.is_none() && url.scheme() == "https";
    match phase {
        ureq::Timeout::Connect if direct_tls && takes_connections(url, probe) => {
            let secs = options.timeout.as_secs();
            let text = format!("timed out after {secs} s in the TLS handshake{UNANSWERED_HELLO}");
            Attempt::Transient(text)
        }
        _ => Attempt::Transient(timed_out(phase, options.timeout, via)),
    }
}

/// What [`timed_out_at`] says of a TLS handshake left unanswered.
const UNANSWERED_HELLO: &str = ": the connection opened, and its hello was never answered";

/// Why a connection is taken and its hello left unanswered: no time is
/// enough for a server that reads the hello as the start of a request
/// line; a busy server, or a firewall that takes every connection, also do so.
const PLAIN_THERE: &str = "a plain-HTTP server on that port does so, reading the handshake as the start of a request (fasthttp without a ReadTimeout), as do a server too busy to answer and a firewall that takes every connection: check the URL's scheme and port; else check your network, or try again later";

/// A proxy that would not open a tunnel (CONNECT): its 429, 502, 503 or 504
/// is retried, a hang-up sent again, anything else final (for a page fetched
/// ahead from a host that answered in the run (`answered`), the walk's).
fn no_tunnel(why: String, request: &Request, via: Option<&Via>, answered: bool) -> Result<Attempt> {
    let proxy = via.map_or("proxy".into(), Via::to_string);
    // A 502, 503 or 504 of the proxy is its upstream failing, a 429 its
    // limit on tunnels: retried as the same statuses from the API are (§5).
    let status = (why.strip_prefix("proxy server responded "))
        .and_then(|rest| rest.split('/').next()?.parse::<u16>().ok());
    // ureq writes the status twice (`407/407`): once, with its reason.
    let code = status.and_then(|s| ureq::http::StatusCode::from_u16(s).ok());
    let why = match code.map(|code| (code.as_u16(), code.canonical_reason())) {
        Some((code, Some(reason))) => format!("proxy server responded {code} {reason}"),
        // proxy-chain's (Apify's) own codes for its upstream proxy failing.
        Some((code @ 590..=599, None)) => format!(
            "proxy server responded {code}: its upstream proxy {}",
            match code {
                590 => "would not open the tunnel",
                593 => "could not be found",
                594 => "refused the connection",
                595 | 596 => "closed the connection",
                597 => "refused its credentials",
                _ => "failed",
            }
        ),
        Some((code, None)) => format!("proxy server responded {code}"),
        None => why,
    };
    if status.is_some_and(|s| matches!(s, 429 | 502..=504)) {
        let through = through(via);
        return Ok(Attempt::Transient(format!("no tunnel ({why}){through}")));
    }
    // Closed before any answer (a proxy pool dropping a connection):
    // no refusal, sent again as any connection closed under a request.
    if status.is_none() && why.ends_with("did not respond") {
        return Ok(Attempt::Dropped(format!("the {proxy} {PROXY_HUNG_UP}")));
    }
    // One more tunnel refused where others opened (squid's `maxconn`, past
    // the connections a client may hold): the walk fetches the rest itself.
    if answered && request.ahead.is_some() {
        let why = format!("the {proxy} would not open another tunnel ({why})");
        return Err(LeftToTheWalk(why, false).into());
    }
    let basic_only = "only Basic authentication is sent (for NTLM or Negotiate, a local helper proxy such as cntlm or px)";
    let check = match (status, via) {
        // tinyproxy answers a wrong password with 401, not 407: only the
        // proxy answers CONNECT, so either is its refusal.
        (Some(401 | 407), Some(via)) if via.proxy.username().is_some() => format!(
            "the proxy refused the user and password in {}; check them (percent-encode @ : / and % in them: @ as %40, : as %3A, / as %2F, % as %25, else a % and the two characters after it may be read as one escape); {basic_only}",
            via.var
        ),
        (Some(407), _) => format!(
            "put the proxy's user and password in its URL (http://user:password@host:port); {basic_only}"
        ),
        // proxy-chain's upstream proxy's refusal, most often of a host it
        // cannot reach.
        (Some(590), _) => "check account_name and region (or token_url / base_url), then the upstream proxy it chains to, or NO_PROXY".into(),
        (Some(590..=599), _) => "check the upstream proxy it chains to, or NO_PROXY".into(),
        // privoxy's `404 No such domain`, squid's 500 for a name it cannot
        // resolve (a web server at the proxy's URL, Deno.serve's, too).
        (Some(404 | 500), _) => "the proxy could not find or reach the host; check account_name and region, or token_url / base_url if you set them, then the proxy's URL and NO_PROXY: a web server there, not a proxy, answers CONNECT so too".into(),
        // squid's SSL_ports, ATS's connect_ports: 443 alone by default. A
        // blocked host, and a client tinyproxy's Allow / Deny keep out, get
        // the same 403 (privoxy and tinyproxy say which in their pages,
        // unread: ureq keeps only the status).
        (Some(403), _) if request.url.port().is_some() => format!(
            "proxies open tunnels to port 443 alone unless told otherwise (squid's SSL_ports, Apache Traffic Server's connect_ports, privoxy's limit-connect, tinyproxy's ConnectPort), and one that blocks the host (privoxy's block action, a web filter's list) or keeps this machine out (tinyproxy's Allow and Deny, squid's http_access) refuses with the same 403: have the proxy allow port {}, or the host if it blocks it, or this machine (the proxy's page and log say which), else check NO_PROXY",
            request.url.port().unwrap_or_default()
        ),
        // e2guardian's answer to a host of its `bannedsitelist`, squid's
        // with squidGuard's `redirect`: its block page, not a credential;
        // squid's `deny_info 302:` a captive portal's sign-in page; a web
        // server at the proxy's URL its redirect to https.
        (Some(300..=399), _) => format!(
            "a redirect opens no tunnel: a web filter (e2guardian, squidGuard) sends a host it blocks to its block page so, and a captive portal to its sign-in page (sign in there in a browser): have whoever runs the proxy allow {}, else check the proxy's URL (a web server there redirects every request) and NO_PROXY",
            bare_host(request.url)
        ),
        _ => "check the proxy, the credentials in its URL (http://user:password@host:port) or NO_PROXY".into(),
    };
    Err(api_error(format!(
        "{request}: the {proxy} would not open a tunnel ({why}); {check}"
    )))
}

/// A failed TLS handshake (exit 5), with what to do about it.
///
/// Through a proxy it says whose handshake failed where that is known.
/// Through an `http://` proxy there is one, the API's inside the tunnel.
/// An `https://` proxy has its own first, checked against the same trust,
/// and the error does not tell which of the two failed: a certificate for
/// another name does, by the name it was checked for, unless the proxy has
/// the API's host; else a handshake with the proxy alone tells.
fn tls_error(
    cause: &dyn std::fmt::Display,
    error: Option<&rustls::Error>,
    (request, answered): (&Request, bool),
    via: Option<&Via>,
    options: &ClientOptions,
) -> anyhow::Error {
    use rustls::{CertificateError as C, Error as R};
    let ca_bundle = (options.ca_bundle.as_deref()).map(|path| (path, options.ca_bundle_name));
    // An `https://` proxy: the connection to the proxy is TLS too.
    let tls = via.is_some_and(|via| via.proxy.protocol() == ureq::ProxyProtocol::Https);
    let hint = handshake_hint(error, (request, answered), via, options, tls);
    let plain = error.and_then(plain_cause);
    let cause = plain.as_ref().map_or(cause, |plain| plain);
    let Some(via) = via else {
        return api_error(format!("{request}: TLS error: {cause}; {hint}"));
    };
    let through = |hint: &dyn std::fmt::Display| {
        api_error(format!(
            "{request}: TLS error (through the {via}): {cause}; {hint}"
        ))
    };
    // No TLS came back through a proxy: the proxy may be the one at fault.
    if let Some(R::InvalidMessage(rustls::InvalidMessage::InvalidContentType)) = error {
        return match tls {
            true => through(&format_args!(
                "the proxy, or the API through it, does not speak TLS: a plain proxy is written http:// in {}",
                via.var
            )),
            false => through(
                &"the API does not speak TLS on that port, or the proxy answered in its place (a web filter's page): check the URL's scheme (https://) and port, and the proxy",
            ),
        };
    }
    let checked = match error {
        Some(R::InvalidCertificate(C::NotValidForNameContext { expected, .. })) => {
            Some(expected.to_str().to_ascii_lowercase())
        }
        _ => None,
    };
    let proxy_host = (via.proxy.host().trim_matches(['[', ']'])).to_ascii_lowercase();
    let api_host = bare_host(request.url).to_ascii_lowercase();
    // Whether it was the proxy's handshake (through `http://`, the API's).
    let proxy_failed = match &checked {
        _ if !tls => Some(false),
        Some(name) if *name == proxy_host && *name != api_host => Some(true),
        Some(name) if *name == api_host && *name != proxy_host => Some(false),
        _ => proxy_handshake_fails(via, options),
    };
    let whose = match proxy_failed {
        // A proxy that inspects TLS re-signs with its own CA (squid's
        // `ssl_bump`, mitmproxy): a bundle with the server's root lacks it.
        Some(false) => match (error, ca_bundle) {
            (Some(R::InvalidCertificate(C::UnknownIssuer)), Some(bundle)) => {
                return through(&inspected_hint(bundle));
            }
            // e2guardian's by default: 2014-12-06 to 2024-12-05.
            (Some(R::InvalidCertificate(C::Expired | C::ExpiredContext { .. })), _)
            | (Some(R::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. })), _) => {
                return through(&OUTDATED_THROUGH_PROXY);
            }
            _ => return through(&hint),
        },
        Some(true) if checked.is_some() => {
            return api_error(format!(
                "{request}: TLS error with the {via}: {cause}; the proxy's certificate is for another host: check the host name in {}",
                via.var
            ));
        }
        Some(true) => "it is the proxy's certificate (a handshake with the proxy alone fails so): ",
        None => "",
    };
    api_error(format!(
        "{request}: TLS error with the {via} or with the API through it: {cause}; {whose}{hint}"
    ))
}

/// What a failed handshake with a host that answered earlier in the run
/// says first.
const TRUSTED_EARLIER: &str = "this host's handshake succeeded earlier in this run, its certificate trusted: another server behind its name or address (a TCP load balancer's backend, a DNS round robin) fails it now, or the server itself does since (a certificate renewed or expired mid-run): have every server behind it serve TLS on that port with a trusted certificate, or try again later";

/// [`tls_error`]'s hint, of its handshake alone (`tls`: through an
/// `https://` proxy), with a host that `answered` before, not through a
/// proxy, first said to have had a handshake succeed: another server
/// behind its name or address, or the server since, failed this one.
fn handshake_hint(
    error: Option<&rustls::Error>,
    (request, answered): (&Request, bool),
    via: Option<&Via>,
    options: &ClientOptions,
    tls: bool,
) -> Cow<'static, str> {
    use rustls::{CertificateError as C, Error as R};
    let ca_bundle = (options.ca_bundle.as_deref()).map(|path| (path, options.ca_bundle_name));
    let earlier = answered && via.is_none();
    let hint = match (error, ca_bundle) {
        (Some(R::InvalidCertificate(C::UnknownIssuer)), _)
            if via.is_none()
                && super::trust::sends_no_chain(request.url, options.timeout) == Some(true) =>
        {
            no_chain(ca_bundle).into()
        }
        (Some(error), _) => url_tls_hint(error, ca_bundle, (!tls).then_some(request.url)),
        (None, _) => untrusted_hint(None, ca_bundle),
    };
    match error {
        Some(
            R::InvalidCertificate(_)
            | R::InvalidMessage(_)
            | R::AlertReceived(_)
            | R::PeerIncompatible(_),
        ) if earlier => format!("{TRUSTED_EARLIER}; else {hint}").into(),
        _ => hint,
    }
}

/// Whether a TLS handshake with the `https://` proxy of `via` alone, with
/// the run's trust, fails (a `HEAD /` to the proxy, with no credential);
/// `None` when that cannot be told (it fails on anything but TLS).
fn proxy_handshake_fails(via: &Via, options: &ClientOptions) -> Option<bool> {
    let quiet = Log {
        verbosity: 0,
        quiet: true,
    };
    let bundle = options.ca_bundle.as_deref();
    let roots = super::trust::roots(bundle, options.ca_bundle_name, quiet).ok()?;
    let agent: Agent = Agent::config_builder()
        .proxy(None)
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(USER_AGENT)
        .build()
        .into();
    // The host as the proxy's URL has it: an IPv6 address in brackets.
    let url = format!("https://{}:{}/", via.proxy.host(), via.proxy.port());
    match agent.head(url).call() {
        Ok(_) => Some(false),
        Err(ureq::Error::Tls(_) | ureq::Error::Rustls(_)) => Some(true),
        // rustls's refusal of a certificate comes as an I/O error.
        Err(ureq::Error::Io(e)) => e.get_ref()?.downcast_ref::<rustls::Error>().map(|_| true),
        Err(_) => None,
    }
}

/// Headers whose values are never logged (a `HeaderName` is lowercase).
const SENSITIVE_HEADERS: [&str; 4] = [
    "authorization",
    "set-cookie",
    "cookie",
    "proxy-authorization",
];

/// An I/O error of a connection closed or reset under a request.
fn is_dropped(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        kind,
        K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe
    )
}

/// The charset a `Content-Type` names, in lower case.
fn charset(headers: &ureq::http::HeaderMap) -> Option<String> {
    let content_type = headers.get("content-type")?.to_str().ok()?;
    content_type.split(';').find_map(|param| {
        let (key, value) = param.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("charset"))
            .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
    })
}

/// Labels servers put in `Content-Encoding` that name no coding: PHP's
/// `none` (to keep output unbuffered), a charset, `binary`. The body is as
/// sent, as curl, Go and Python read it.
const NO_CODING: [&str; 6] = ["identity", "chunked", "none", "utf-8", "utf8", "binary"];

/// A content or transfer coding other than `identity` and `chunked` (or a
/// label that names none), with the header that names it.
fn unasked_coding(headers: &ureq::http::HeaderMap) -> Option<(&'static str, String)> {
    ["Content-Encoding", "Transfer-Encoding"]
        .into_iter()
        .find_map(|name| {
            // Every line of it: a list may be split over several (RFC 9110 §5.3).
            let lines = headers.get_all(name).iter().filter_map(|v| v.to_str().ok());
            let value = lines.collect::<Vec<_>>().join(", ");
            (value.split(',').map(str::trim))
                .filter(|c| !c.is_empty())
                .any(|c| !NO_CODING.iter().any(|no| c.eq_ignore_ascii_case(no)))
                .then_some((name, value))
        })
}

/// `-vv`: an answer's headers as log lines, the sensitive ones redacted
/// (each line is made safe for a terminal as it is logged: a value may
/// hold UTF-8 C1 controls, obs-text).
fn shown_headers(response: &ureq::http::Response<ureq::Body>) -> Vec<String> {
    (response.headers().iter())
        .map(|(name, value)| {
            let shown = match SENSITIVE_HEADERS.contains(&name.as_str()) {
                true => "<redacted>".into(),
                false => String::from_utf8_lossy(value.as_bytes()),
            };
            format!("< {name}: {shown}")
        })
        .collect()
}

/// Whether a continue (SIGCONT) after `resumed` is counted now or within
/// 50 ms, asked of a request that failed unanswered: the handler that counts
/// it may run on another thread just after the reading one woke from the
/// stop (a CI run under load ended with the timeout of a body that came
/// during the stop).
fn resumed_soon(resumed: u64) -> bool {
    let resumed_since = || crate::interrupt::resumes() != resumed;
    resumed_since()
        || (0..10).any(|_| {
            thread::sleep(Duration::from_millis(5));
            resumed_since()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `Age` too large for a number is the largest age, 2^31 s, as RFC
    /// 9111 §1.2.2 has a cache take it: ignored, it let a page a cache kept
    /// for ever pass as fresh. A sign, a fraction or a list is no `Age`.
    #[test]
    fn an_age_too_large_to_hold_is_the_largest_age() {
        let age = |value: &str| {
            let mut headers = ureq::http::HeaderMap::new();
            let value = ureq::http::HeaderValue::from_str(value).unwrap();
            headers.insert("age", value);
            age_of(&headers)
        };
        assert_eq!(age("99999999999999999999999"), Some(1 << 31));
        assert_eq!(age(" 600 "), Some(600));
        assert_eq!(age("0"), Some(0));
        for odd in ["+5", "-5", "5.0", "5, 5", ""] {
            assert_eq!(age(odd), None, "{odd}");
        }
    }

    /// A body that came at once and then nothing is a stall; one that
    /// came slowly (or not at all) may have a record on its way.
    #[test]
    fn a_tls_record_is_due_only_at_a_slow_pace() {
        let ms = Duration::from_millis;
        assert!(record_due(0, ms(0), ms(1000)));
        assert!(!record_due(10, ms(0), ms(1000)));
        assert!(!record_due(16384, ms(100), ms(15_000)));
        assert!(record_due(4096, ms(8000), ms(15_000)));
        // A record at that pace would have come just as the pause ended.
        assert!(!record_due(16384, ms(1000), ms(1000)));
        // 1000 bytes in 0.1 s: a record takes 1.6 s, well within 10 s.
        assert!(!record_due(1000, ms(100), ms(10_000)));
    }

    /// A page's connection closed unanswered under long headers gives
    /// their size, the request line's own 150 bytes or so counted, and the
    /// token's; a token request's does not. One closed seconds after the
    /// request says so.
    #[test]
    fn a_close_under_long_headers_gives_their_size_and_a_late_one_its_delay() {
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let request = |issues_token| Request {
            url: &url,
            authorization: Authorization::Fixed("x"),
            form: None,
            issues_token,
            ahead: None,
            proven: false,
            meanwhile: None,
        };
        let closed = |request: &Request, authorization: &str, ago: u64| {
            let sent = Instant::now().checked_sub(Duration::from_secs(ago));
            let outcome = Attempt::Dropped("reset".into());
            match closed_unanswered(outcome, request, authorization, sent.unwrap()) {
                Attempt::Dropped(message) => message,
                _ => panic!("no longer dropped"),
            }
        };
        let bearer = format!("Bearer {}", "t".repeat(3_400));
        let head = url.as_str().len() + bearer.len() + 150;
        assert_eq!(
            closed(&request(false), &bearer, 0),
            format!(
                "reset; its request line and headers were about {head} bytes, the access token 3400 of them"
            )
        );
        assert_eq!(closed(&request(true), &bearer, 0), "reset");
        assert_eq!(closed(&request(false), "Bearer short", 0), "reset");
        let late = closed(&request(false), "Bearer short", 3);
        assert!(late.starts_with("reset, "), "{late}");
        assert!(late.ends_with(" s after the request was sent"), "{late}");
    }

    /// A timeout says what the request was doing when it ran out, as curl
    /// does: sending it is neither connecting nor waiting for an answer.
    #[test]
    fn a_timeout_says_the_phase_it_ran_out_in() {
        let secs = Duration::from_secs(30);
        let said = |phase| timed_out(phase, secs, None);
        let sending = "timed out after 30 s sending the request";
        assert_eq!(said(ureq::Timeout::SendRequest), sending);
        assert_eq!(said(ureq::Timeout::SendBody), sending);
        assert_eq!(
            said(ureq::Timeout::Connect),
            "timed out after 30 s connecting"
        );
        assert_eq!(
            said(ureq::Timeout::RecvResponse),
            "timed out after 30 s waiting for the answer"
        );
    }

    /// A body stopped at the same byte on every try, two or more, blames
    /// the server; a first try, a try that stopped elsewhere, one that
    /// timed out otherwise, or a TLS record on its way, the network.
    #[test]
    fn a_timeout_blames_the_server_only_for_a_body_stalled_alike_every_try() {
        let stopped =
            "the HTTP 200 answer's body stopped after 10 of 1000 bytes: timed out after 1 s";
        let elsewhere = stopped.replace("after 10 ", "after 20 ");
        let in_record = format!("{stopped}, {IN_A_TLS_RECORD}");
        let waiting = "timed out after 1 s waiting for the answer";
        let network = "check your network, or raise --timeout / --max-retries";
        let hint = |message: &str, failures: &[&str]| {
            let failures: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
            last_try_hint(message, &failures)
        };
        assert_eq!(hint(stopped, &[stopped, stopped]), STALLS_IT);
        assert_eq!(hint(stopped, &[]), network);
        assert_eq!(hint(stopped, &[stopped, &elsewhere]), network);
        assert_ne!(hint(stopped, &["HTTP 503"]), STALLS_IT);
        assert_eq!(hint(&in_record, &[&in_record]), network);
        assert_eq!(hint(waiting, &[waiting]), network);
    }

    /// The error of a request's last try: its retries counted when it had
    /// some, and the hint that fits what the try met (a proxy that hung
    /// up, a body cut short, a close by a host that answered or not).
    #[test]
    fn the_last_try_of_a_request_gets_the_hint_that_fits_its_failure() {
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let request = page_request(&url);
        let said = |message: &str, retries, closed| {
            no_answer_after(&request, message, (retries, &[]), closed).to_string()
        };
        let network = "; check your network, or raise --max-retries";
        let failed = said("connection failed", 0, None);
        assert!(
            failed.ends_with(&format!(": connection failed{network}")),
            "{failed}"
        );
        let failed = said("connection failed", 1, None);
        assert!(
            failed.ends_with(&format!(" (after 1 retry){network}")),
            "{failed}"
        );
        let proxy = "check the proxy and the scheme of its URL";
        let hung_up = format!("the proxy 127.0.0.1:3128 from HTTPS_PROXY {PROXY_HUNG_UP}");
        assert!(said(&hung_up, 0, None).contains(proxy));
        let reset = "connection error: Connection reset by peer";
        let through = format!("{reset} (through the proxy 127.0.0.1:3128 from HTTPS_PROXY)");
        assert!(said(&through, 0, None).contains(proxy));
        let alone = said(reset, 0, None);
        assert!(alone.ends_with(&format!("{reset}{network}")), "{alone}");
        let stopped = "the HTTP 200 answer's body stopped after 10 of 1000 bytes";
        assert!(said(&format!("{stopped}: {reset}"), 0, None).contains(CUTS_IT));
        let timed_out = said(&format!("{stopped}: timed out after 1 s"), 0, None);
        assert!(!timed_out.contains(CUTS_IT), "{timed_out}");
        assert!(said(reset, 0, Some(true)).contains(DROPS_IT));
        let unanswered = said(reset, 0, Some(false));
        let wants = "one that wants a client certificate, which this tool does not send, HTTP/2";
        assert!(unanswered.contains(wants), "{unanswered}");
    }

    /// A proxy that would not open a tunnel says what to check by its
    /// status: proxy-chain's 590 (an upstream proxy's refusal, most often
    /// of a host it cannot reach) the settings first, its other 59x the
    /// upstream proxy, a 404 or 500 the host, a 407 the credentials (in
    /// the URL, or to put there), a 403 to a port other than 443 the
    /// proxy's ports. A hang-up is sent again; a refusal after the host
    /// answered is the walk's only for a page fetched ahead.
    #[test]
    fn a_tunnel_refused_says_what_to_check_by_its_status() {
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let ported = Url::parse("https://api.talkdeskapp.com:8443/express/accounts").unwrap();
        let request = page_request;
        let via = |url: &str| Via {
            proxy: ureq::Proxy::new(url).unwrap(),
            var: "HTTPS_PROXY",
        };
        let (page, plain) = (request(&url), via("http://127.0.0.1:3128"));
        let refused = |status: u16, request: &Request, via: &Via| {
            let why = format!("proxy server responded {status}/{status}");
            match no_tunnel(why, request, Some(via), false) {
                Err(e) => e.to_string(),
                Ok(_) => panic!("{status} retried"),
            }
        };
        let said = refused(590, &page, &plain);
        assert!(said.contains("; check account_name and region"), "{said}");
        let said = refused(597, &page, &plain);
        assert!(said.ends_with("; check the upstream proxy it chains to, or NO_PROXY"));
        for status in [404, 500] {
            let said = refused(status, &page, &plain);
            assert!(said.contains("; the proxy could not find or reach the host"));
        }
        let said = refused(407, &page, &plain);
        assert!(said.contains("; put the proxy's user and password in its URL"));
        let said = refused(407, &page, &via("http://user:secret@127.0.0.1:3128"));
        assert!(said.contains("; the proxy refused the user and password in HTTPS_PROXY"));
        let elsewhere = "; check the proxy, the credentials in its URL";
        assert!(refused(403, &page, &plain).contains(elsewhere));
        let said = refused(403, &request(&ported), &plain);
        assert!(said.contains("have the proxy allow port 8443"), "{said}");
        let hung_up = no_tunnel(
            "proxy server did not respond".into(),
            &page,
            Some(&plain),
            false,
        );
        assert!(matches!(hung_up, Ok(Attempt::Dropped(_))));
        let odd = no_tunnel(
            "proxy server sent no status".into(),
            &page,
            Some(&plain),
            false,
        );
        assert!(odd.is_err());
        let why = "proxy server responded 403/403".to_string();
        let answered = no_tunnel(why, &page, Some(&plain), true);
        assert!(answered.is_err_and(|e| e.downcast_ref::<LeftToTheWalk>().is_none()));
    }

    /// A reset in milliseconds was read against `Date`, which drops the
    /// fraction of its second: a 1 s window was taken as up to 2 s.
    #[test]
    fn the_servers_time_is_this_clocks_when_date_agrees_to_the_second() {
        let date = std::time::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let at = |ms| date + Duration::from_millis(ms);
        assert_eq!(
            server_now(Some(date), at(950)),
            at(950),
            "within Date's second"
        );
        assert_eq!(
            server_now(Some(date), at(2_500)),
            at(2_500),
            "a Date renewed late"
        );
        assert_eq!(
            server_now(Some(at(500)), date),
            date,
            "a clock a little behind"
        );
        assert_eq!(server_now(Some(date), at(3_000)), date, "a clock ahead");
        assert_eq!(
            server_now(Some(at(1_000)), date),
            at(1_000),
            "a clock behind"
        );
        assert_eq!(server_now(None, at(5)), at(5));
    }

    #[test]
    fn tokens_are_found_in_any_token_answer() {
        assert_eq!(
            named_tokens(
                r#"{"access_token" : "a.b-c-d-e","Refresh_Token":'r1-23456', "id_token":null"#
            ),
            ["a.b-c-d-e", "r1-23456"]
        );
        assert_eq!(
            named_tokens("access_token=x%2By-1234&expires_in=1"),
            ["x%2By-1234"]
        );
        assert!(named_tokens(r#"{"error_description":"access_token is required"}"#).is_empty());
        // Words of an error's text are no tokens.
        let text = "refresh_token: expired, access_token=missing; id_token: malformed";
        assert!(named_tokens(text).is_empty());
        assert!(named_tokens("access_token=required").is_empty());
    }

    #[test]
    fn only_a_coding_that_is_named_is_one_nobody_asked_for() {
        let coding = |name: &str, value: &str| {
            let mut headers = ureq::http::HeaderMap::new();
            headers.insert(
                ureq::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                ureq::http::HeaderValue::from_str(value).unwrap(),
            );
            unasked_coding(&headers).map(|(_, v)| v.to_string())
        };
        assert_eq!(
            coding("Transfer-Encoding", "gzip, chunked").as_deref(),
            Some("gzip, chunked")
        );
        assert_eq!(coding("Content-Encoding", "br").as_deref(), Some("br"));
        // A list split over two lines (RFC 9110 §5.3) is read whole.
        let mut headers = ureq::http::HeaderMap::new();
        for value in ["identity", "gzip"] {
            headers.append("content-encoding", value.try_into().unwrap());
        }
        let read = unasked_coding(&headers).map(|(_, v)| v.to_string());
        assert_eq!(read.as_deref(), Some("identity, gzip"));
        for (name, value) in [
            ("Transfer-Encoding", ""),
            ("Transfer-Encoding", "chunked, "),
            ("Content-Encoding", "identity"),
        ] {
            assert_eq!(coding(name, value), None, "{name}: {value:?}");
        }
    }

    /// Tries that failed the same way in a row are said once, counted.
    #[test]
    fn a_reason_repeated_on_tries_in_a_row_is_said_once_with_its_count() {
        let failures = ["HTTP 503", "HTTP 503", "HTTP 429", "HTTP 503"].map(String::from);
        assert_eq!(
            said_once_each(&failures),
            "2 × HTTP 503, HTTP 429, HTTP 503"
        );
        assert_eq!(said_once_each(&failures[2..3]), "HTTP 429");
    }

    /// A resolver that could not answer (`EAI_AGAIN`: no DNS server
    /// reachable, found in a network namespace whose resolv.conf names a
    /// blackholed server) was retried, then ended with the settings' hint,
    /// `(after 1 retry)` after it, and "raise --timeout", which bounds no
    /// name lookup.
    #[test]
    fn a_resolver_that_never_answered_is_no_timeout_to_raise() {
        let url = Url::parse("https://acme.talkdeskid.com/oauth/token").unwrap();
        let request = Request {
            url: &url,
            authorization: Authorization::Fixed("Basic x"),
            form: None,
            issues_token: true,
            ahead: None,
            proven: false,
            meanwhile: None,
        };
        let lookup = ureq::Error::Io(std::io::Error::other(
            "failed to lookup address information: Temporary failure in name resolution",
        ));
        let unresolved = super::super::dns::unresolved_host(&lookup, "acme.talkdeskid.com", None);
        let error =
            no_answer_after(&request, &unresolved.unwrap().message, (1, &[]), None).to_string();
        assert!(!error.contains("--timeout"), "{error}");
        for said in [
            "name resolution) (after 1 retry); check your network and its DNS server",
            "; if it lasts, check account_name and region",
        ] {
            assert!(error.contains(said), "{said:?} missing from {error}");
        }
    }

    /// One try before the last, or all of them, timed out: the error said
    /// "1 of the tries before it" or "2 of the tries before it" of all
    /// there were. Said now as counted: the try, the N tries, N of the M.
    #[test]
    fn the_tries_before_the_last_that_timed_out_are_counted_of_all() {
        let ours = "timed out after 3 s waiting for the answer".to_string();
        let other = "connection error: Peer disconnected".to_string();
        let said = |failures: &[String]| timed_out_before(&other, failures);
        assert!(said(std::slice::from_ref(&ours)).starts_with("; the try before it timed out"));
        let both = said(&[ours.clone(), ours.clone()]);
        assert!(
            both.starts_with("; the 2 tries before it timed out"),
            "{both}"
        );
        let some = said(&[ours.clone(), other.clone(), ours]);
        assert!(
            some.starts_with("; 2 of the 3 tries before it timed out"),
            "{some}"
        );
    }

    /// A last try the network said it cannot reach (an ICMP host or
    /// network unreachable, or admin-prohibited, from a firewall) after
    /// one that timed out on its kept connection (a firewall dropping, then
    /// rejecting, mid-walk: found in a network namespace): the earlier
    /// timeout is that same network, no slow server, so no --timeout is
    /// advised.
    #[test]
    fn tries_that_timed_out_before_an_unreachable_host_are_not_told_to_raise_the_timeout() {
        let before = ["timed out after 5 s waiting for the answer".to_string()];
        for last in [
            "connection error: No route to host (os error 113)",
            "connection error: Network is unreachable (os error 101)",
            "connection error: A socket operation was attempted to an unreachable host. (os error 10065)",
        ] {
            assert_eq!(timed_out_before(last, &before), "", "{last}");
        }
    }

    /// The system's own connect timeout (`ETIMEDOUT`, after its SYN
    /// retries) is no --timeout to raise: tries before the last that ended
    /// so are not counted among those that timed out.
    #[test]
    fn the_systems_connect_timeout_is_not_counted_as_timed_out_before() {
        let os = "connection error: Connection timed out (os error 110)".to_string();
        let ours = "timed out after 3 s waiting for the answer".to_string();
        let last = "connection error: Peer disconnected";
        assert_eq!(timed_out_before(last, std::slice::from_ref(&os)), "");
        assert_eq!(
            timed_out_before(last, &[os, ours]),
            "; 1 of the 2 tries before it timed out after 3 s waiting for the answer: raise --timeout if the server is that slow"
        );
    }

    /// A request for a page at `url`, with a fixed token, not fetched ahead.
    fn page_request(url: &Url) -> Request<'_> {
        Request {
            url,
            authorization: Authorization::Fixed("Bearer x"),
            form: None,
            issues_token: false,
            ahead: None,
            proven: false,
            meanwhile: None,
        }
    }

    /// The default options: 30 s, 4 retries, no proxy's bundle or cap.
    fn test_options() -> ClientOptions {
        ClientOptions {
            timeout: Duration::from_secs(30),
            max_retries: 4,
            ca_bundle: None,
            ca_bundle_name: "ca_bundle",
            backoff_scale: 1.0,
            max_rate: None,
            token_apart: false,
            log: Log::default(),
            redactor: Arc::default(),
        }
    }

    /// A transport error sorted: a connection reset under the request is
    /// dropped (sent again at once where it may race a keep-alive
    /// timeout), a refusal is retried and says that a server that answered
    /// is gone, a timeout is retried unless the page was fetched ahead
    /// (then the walk's), and the URL of an error that is too long for a
    /// request is said to be so, not one that is not.
    #[test]
    fn transport_errors_are_sorted_by_what_they_say_of_the_server() {
        use std::io::ErrorKind as K;
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let options = test_options();
        let (ended, warnings) = (AtomicBool::new(false), Mutex::new(Vec::new()));
        let within = Duration::from_secs(2);
        let request = |url, ahead| Request {
            ahead,
            ..page_request(url)
        };
        let page = request(&url, None);
        let sorted = |error, request: &Request| classify(error, request, &options, None, true);
        let io = |kind| ureq::Error::Io(std::io::Error::from(kind));
        let reset = sorted(io(K::ConnectionReset), &page);
        assert!(matches!(reset, Ok(Attempt::Dropped(_))));
        let Ok(Attempt::Transient(refused)) = sorted(io(K::ConnectionRefused), &page) else {
            panic!("a refusal not retried");
        };
        assert!(refused.ends_with(REFUSED_SINCE), "{refused}");
        let Ok(Attempt::Transient(denied)) = sorted(io(K::PermissionDenied), &page) else {
            panic!("an I/O error not retried");
        };
        assert!(!denied.contains(REFUSED_SINCE), "{denied}");
        let timeout = || ureq::Error::Timeout(ureq::Timeout::Connect);
        assert!(matches!(
            sorted(timeout(), &page),
            Ok(Attempt::Transient(_))
        ));
        let ahead = FetchAhead {
            within,
            ended: &ended,
            warnings: &warnings,
        };
        let left = sorted(timeout(), &request(&url, Some(ahead)));
        assert!(left.is_err_and(|e| e.downcast_ref::<LeftToTheWalk>().is_some()));
        let long = |len: usize| {
            let path = "a".repeat(len - "https://api.talkdeskapp.com/".len());
            Url::parse(&format!("https://api.talkdeskapp.com/{path}")).unwrap()
        };
        let invalid =
            || ureq::Error::Http(ureq::http::Method::from_bytes(b" ").unwrap_err().into());
        let said = |request: &Request| sorted(invalid(), request).err().unwrap().to_string();
        let (over, at) = (long(URI_MAX + 1), long(URI_MAX));
        assert_eq!(over.as_str().len(), URI_MAX + 1);
        assert!(said(&request(&over, None)).contains("is too long to be asked for"));
        assert!(!said(&request(&at, None)).contains("too long"));
    }

    /// A name that resolved earlier in the run, and whose lookup then said
    /// it does not exist (a DNS server that answered, then NXDOMAIN, in a
    /// network namespace), ended the walk at once with "check account_name
    /// and region", though those had just worked.
    #[test]
    fn a_name_that_resolved_earlier_in_the_run_is_retried_not_blamed_on_settings() {
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let request = page_request(&url);
        let options = test_options();
        let nxdomain = || {
            ureq::Error::Io(std::io::Error::other(
                "failed to lookup address information: Name or service not known",
            ))
        };
        let first = classify(nxdomain(), &request, &options, None, false).err();
        assert!(first.is_some_and(|e| e.to_string().contains("account_name")));
        let Ok(Attempt::Transient(later)) = classify(nxdomain(), &request, &options, None, true)
        else {
            panic!("not retried");
        };
        assert!(!later.contains("account_name"), "{later}");
        let error = no_answer_after(&request, &later, (4, &[]), None).to_string();
        for said in [
            "api.talkdeskapp.com (Name or service not known), though it resolved earlier in this run (after 4 retries)",
            "if it lasts, check that api.talkdeskapp.com is still in DNS",
        ] {
            assert!(error.contains(said), "{said:?} missing from {error}");
        }
    }

    /// Tries that timed out before a last one that failed otherwise are
    /// counted, with the first's words; a last try that timed out itself,
    /// or none before that did, adds nothing.
    #[test]
    fn tries_that_timed_out_before_the_last_are_counted_unless_it_timed_out_too() {
        let before = [
            "timed out after 1 s".to_string(),
            "connection error: reset".into(),
        ];
        let before = [before[0].clone(), before[1].clone(), before[0].clone()];
        assert_eq!(
            timed_out_before("connection error: Peer disconnected", &before),
            "; 2 of the 3 tries before it timed out after 1 s: raise --timeout if the server is that slow"
        );
        assert_eq!(timed_out_before("timed out after 1 s", &before), "");
        assert_eq!(
            timed_out_before("connection error: reset", &before[1..2]),
            ""
        );
    }

    /// Digest counts alone of the schemes this tool knows: offered beside
    /// Basic or a Bearer token, those say more of what is refused.
    #[test]
    fn a_challenge_asks_digest_alone() {
        for (values, digest) in [
            (&["Digest realm=\"x\", nonce=\"1\", qop=\"auth\""][..], true),
            (&["Negotiate", "digest realm=x"], true),
            (&["Digest realm=\"x\"", "Basic realm=\"x\""], false),
            (&["Bearer, Digest realm=\"x\""], false),
            (&["Digestive realm=x"], false),
        ] {
            let mut headers = ureq::http::HeaderMap::new();
            for value in values {
                headers.append("www-authenticate", value.parse().unwrap());
            }
            assert_eq!(asks_digest(&headers), digest, "{values:?}");
        }
    }

    /// Which `WWW-Authenticate` asks for Basic, and which for a Bearer token
    /// without an `error` (spelt `error=` or `error =`): a challenge among
    /// several on one line or on a line of its own counts, a scheme whose
    /// name only begins so does not.
    #[test]
    fn a_challenge_asks_basic_or_a_bare_bearer_by_its_scheme() {
        let challenge = |values: &[&str]| {
            let mut headers = ureq::http::HeaderMap::new();
            for value in values {
                headers.append("www-authenticate", value.parse().unwrap());
            }
            let basic = asks_scheme(&headers, "basic");
            (basic, asks_bearer_only(&headers, true))
        };
        for (values, basic, bearer_only) in [
            (&["Basic realm=\"x\""][..], true, false),
            (&["Bearer, Basic realm=\"x\""], true, true),
            (&["Bearer realm=\"api\""], false, true),
            (&["Negotiate", "basic realm=x"], true, false),
            (&["Basically realm=x"], false, false),
            (
                &["Bearer realm=\"api\", error=\"invalid_token\""],
                false,
                false,
            ),
            (
                &["Bearer realm=\"api\", error = \"invalid_token\""],
                false,
                false,
            ),
            (&["Bearers realm=x"], false, false),
            // Authlib's, for a request without Authorization.
            (
                &["bearer error=\"missing_authorization\", error_description=\"Missing\""],
                false,
                true,
            ),
            (&[], false, false),
        ] {
            assert_eq!(challenge(values), (basic, bearer_only), "{values:?}");
        }
        // `invalid_token` to a request that sent no Bearer token (a token
        // request, refused by a gateway's auth service) asks for one.
        let mut headers = ureq::http::HeaderMap::new();
        let caddy = "Bearer realm=\"gateway\", error=\"invalid_token\"";
        headers.append("www-authenticate", caddy.parse().unwrap());
        assert!(asks_bearer_only(&headers, false));
        assert!(!asks_bearer_only(&headers, true));
    }

    /// A Bearer challenge's `error_description` is what it says of the
    /// token refused (Spring Security's `Jwt expired at …`), read to its
    /// closing quote; a challenge without one, or none, says nothing.
    #[test]
    fn a_bearer_challenge_says_its_error_description() {
        let said = |value: Option<&str>| {
            let mut headers = ureq::http::HeaderMap::new();
            if let Some(value) = value {
                headers.insert("www-authenticate", value.parse().unwrap());
            }
            challenge_param(&headers, "error_description")
        };
        let spring = r#"Bearer error="invalid_token", error_description="Jwt expired at 2026-12-06T00:16:56Z", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1""#;
        let expired = "Jwt expired at 2026-12-06T00:16:56Z";
        assert_eq!(said(Some(spring)).as_deref(), Some(expired));
        // A quoted-pair (RFC 9110 §5.6.4) is the character it escapes:
        // Authlib's words quote the header's name.
        let authlib = r#"Bearer error="missing_authorization", error_description="Missing \"Authorization\" in headers.""#;
        let missing = r#"Missing "Authorization" in headers."#;
        assert_eq!(said(Some(authlib)).as_deref(), Some(missing));
        assert_eq!(said(Some(r#"Bearer error="invalid_token""#)), None);
        assert_eq!(said(None), None);
    }

    /// A challenge's `insufficient_scope` names the scope it asks for, its
    /// parameters parted by spaces alone as oxide-auth writes them, or by
    /// commas; an `error` quoted inside another parameter is not its own.
    #[test]
    fn an_insufficient_scope_challenge_names_the_scope_it_asks_for() {
        let wanted = |value: &str| {
            let mut headers = ureq::http::HeaderMap::new();
            headers.insert("www-authenticate", value.parse().unwrap());
            wanted_scope(&headers)
        };
        let oxide = r#"Bearer error="insufficient_scope" scope="express-accounts:read""#;
        assert_eq!(wanted(oxide).as_deref(), Some("express-accounts:read"));
        let spring = r#"Bearer error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.""#;
        assert_eq!(wanted(spring).as_deref(), Some(""));
        let expired = r#"Bearer error="invalid_token" scope="express-accounts:read""#;
        assert_eq!(wanted(expired), None);
        assert_eq!(
            wanted(r#"Bearer realm="my_error="insufficient_scope""#),
            None
        );
    }

    /// How far this clock is from the API's counts the monotonic time since
    /// the API's clock was read: a reading two minutes old, an hour behind
    /// `now`, is 58 minutes behind, and the same the other way.
    #[test]
    fn the_clocks_distance_counts_the_time_since_the_apis_was_read() {
        let api = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let read = Instant::now().checked_sub(Duration::from_secs(120));
        let dating = Dating {
            api_clock: Some((api, read.expect("up for two minutes"))),
            cached_for: None,
        };
        let hour = Duration::from_secs(3600);
        // Generous below: only a stall of a minute in the test moves it so.
        let ahead = dating.clock_ahead_at(api + hour).unwrap();
        assert!((3420.0..=3480.0).contains(&ahead), "{ahead}");
        let behind = dating.clock_ahead_at(api - hour).unwrap();
        assert!((-3780.0..=-3720.0).contains(&behind), "{behind}");
        assert_eq!(Dating::default().clock_ahead_at(api), None);
    }

    /// The proxy a 502, 503 or 504 to CONNECT names is the one whose
    /// upstream failed; its 500, 501 or 505, or a 429, is no word on the
    /// host; and the proxy is read up to the end of its parenthesis.
    #[test]
    fn an_upstream_failure_is_a_proxys_502_503_or_504_to_connect() {
        let failed = |code| {
            let message = format!(
                "no tunnel (proxy server responded {code} Bad Gateway) (through the proxy 127.0.0.1:3128 from HTTPS_PROXY), after 2 retries"
            );
            upstream_failed(&message).map(str::to_string)
        };
        for code in [502, 503, 504] {
            let proxy = failed(code);
            assert_eq!(
                proxy.as_deref(),
                Some("proxy 127.0.0.1:3128 from HTTPS_PROXY")
            );
        }
        for code in [500, 501, 505, 429] {
            assert_eq!(failed(code), None, "{code}");
        }
        assert_eq!(
            upstream_failed("no tunnel (proxy server responded 502)"),
            None
        );
    }

    /// Why a whole JSON's answer is not over, by its framing; and which
    /// bodies are JSON cut short (begun as an object or array, unended)
    /// rather than whole or not JSON at all.
    #[test]
    fn an_unended_answer_is_said_by_its_framing_and_a_cut_json_is_told() {
        let kept = ": the server does not end its answers";
        let closed = ": the server closed the connection before the answer's end";
        let said = format!("its Content-Length says 40 bytes{kept}");
        assert_eq!(unended(Some(40), false, false), said);
        assert_eq!(unended(Some(40), true, false), said);
        assert!(unended(None, true, false).starts_with("it has no Content-Length and is not"));
        assert_eq!(
            unended(None, false, false),
            format!("its last chunk never came{kept}")
        );
        let said = format!("its Content-Length says 40 bytes{closed}");
        assert_eq!(unended(Some(40), false, true), said);
        assert_eq!(
            unended(None, false, true),
            format!("its last chunk never came{closed}")
        );
        for cut in [&b"{\"accounts\": [1, 2"[..], b"\xef\xbb\xbf  [1,", b"\n{"] {
            assert!(json_cut_short(cut), "{cut:?}");
            assert!(!json_whole(cut), "{cut:?}");
        }
        for not in [&b"{\"a\": 1}"[..], b"[1] ]", b"<html", b"\"abc", b""] {
            assert!(!json_cut_short(not), "{not:?}");
        }
        assert!(json_whole(b"\xef\xbb\xbf{\"a\": 1}"));
        assert!(!json_whole(b"{\"a\": 1} x"));
    }

    /// The charset of a `Content-Type`, in lower case and unquoted, when
    /// it names one.
    #[test]
    fn a_content_types_charset_is_read_unquoted_in_lower_case() {
        let charset_of = |value: Option<&str>| {
            let mut headers = ureq::http::HeaderMap::new();
            if let Some(value) = value {
                headers.insert("content-type", value.parse().unwrap());
            }
            charset(&headers)
        };
        let read = charset_of(Some("text/html; Charset=\"ISO-8859-1\""));
        assert_eq!(read.as_deref(), Some("iso-8859-1"));
        assert_eq!(
            charset_of(Some("text/plain;charset=utf-8")).as_deref(),
            Some("utf-8")
        );
        assert_eq!(charset_of(Some("application/json")), None);
        assert_eq!(charset_of(None), None);
    }

    /// A page fetched ahead is given its head start when that is a quarter
    /// of the timeout or less; and a timeout of one before its answer
    /// began, not of its body, is one of a server answering fewer at once.
    #[test]
    fn a_head_start_is_a_quarter_of_the_timeout_at_most() {
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let options = test_options();
        let (ended, warnings) = (AtomicBool::new(false), Mutex::new(Vec::new()));
        let request = |within: Option<f64>| Request {
            ahead: within.map(|secs| FetchAhead {
                within: Duration::from_secs_f64(secs),
                ended: &ended,
                warnings: &warnings,
            }),
            ..page_request(&url)
        };
        let within = |secs| request(secs).answer_within(&options);
        assert_eq!(within(Some(2.0)), Some(Duration::from_secs(2)));
        assert_eq!(within(Some(7.5)), Some(Duration::from_secs_f64(7.5)));
        assert_eq!(within(Some(8.0)), None);
        assert_eq!(within(None), None);
        let head = "timed out after 30 s waiting for the answer's head";
        let body = "the HTTP 200 answer's body stopped after 10 bytes: timed out after 30 s";
        assert!(waited_beside_others(head, &request(Some(2.0))));
        assert!(!waited_beside_others(head, &request(None)));
        assert!(!waited_beside_others(body, &request(Some(2.0))));
        assert!(!waited_beside_others(
            "connection refused",
            &request(Some(2.0))
        ));
    }

    /// [`URI_MAX`] is the longest URI the http crate takes: one byte more
    /// is refused before any request is made.
    #[test]
    fn the_longest_uri_sent_is_the_longest_the_http_crate_takes() {
        let uri = |len: usize| format!("https://a.example/{}", "a".repeat(len - 18));
        assert_eq!(uri(URI_MAX).len(), URI_MAX);
        assert!(ureq::http::Uri::try_from(uri(URI_MAX)).is_ok());
        assert!(ureq::http::Uri::try_from(uri(URI_MAX + 1)).is_err());
    }

    /// What messages add for a proxy and for a server that answered
    /// earlier, a request's name and setting, and how a status is read.
    #[test]
    fn the_words_of_a_request_its_proxy_and_a_status() {
        let via = Via {
            proxy: ureq::Proxy::new("http://127.0.0.1:3128").unwrap(),
            var: "HTTPS_PROXY",
        };
        let via = Some(&via);
        assert_eq!(or_the_proxy(via), ", or the proxy in HTTPS_PROXY");
        assert_eq!(or_the_proxy(None), "");
        assert_eq!(
            through(via),
            " (through the proxy 127.0.0.1:3128 from HTTPS_PROXY)"
        );
        assert_eq!(through(None), "");
        assert_eq!(
            refused_by(via, true),
            format!(": {PROXY_REFUSED}, {PROXY_REFUSED_SINCE}")
        );
        assert_eq!(refused_by(via, false), format!(": {PROXY_REFUSED}"));
        assert_eq!(refused_by(None, true), format!(", {REFUSED_SINCE}"));
        assert_eq!(refused_by(None, false), "");
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let request = |issues_token: bool, proven| Request {
            form: issues_token.then_some(&[("grant_type", "client_credentials")][..]),
            issues_token,
            proven,
            ..page_request(&url)
        };
        let token = request(true, false);
        assert_eq!(token.setting(), "token_url");
        assert_eq!(token.to_string(), format!("POST {url}"));
        assert_eq!(
            token.check(via),
            "check token_url, or the proxy in HTTPS_PROXY"
        );
        let page = request(false, true);
        assert_eq!(page.setting(), "base_url");
        assert_eq!(page.to_string(), format!("GET {url}"));
        assert_eq!(
            page.check(via),
            "base_url answered the first page, so the API or a gateway in front of it (or the proxy in HTTPS_PROXY) sent this; try again later"
        );
        assert!(!page.came_meanwhile());
        let came = || true;
        assert!(
            Request {
                meanwhile: Some(&came),
                ..page
            }
            .came_meanwhile()
        );
        assert_eq!(
            AnsweredMeanwhile.to_string(),
            "answered meanwhile by other means"
        );
        assert_eq!(
            LeftToTheWalk("no answer".into(), false).to_string(),
            "no answer"
        );
        for (status, read) in [(203, 200), (226, 226), (250, 200), (201, 201), (404, 404)] {
            assert_eq!(read_as(status), read, "{status}");
            assert_eq!(test_reply(status, "").read_as(), read, "{status}");
        }
    }

    /// A `Via` as it came, and a `Warning` that marks a stale copy (110,
    /// 111 or 112, among others on a line) from one that does not.
    #[test]
    fn a_via_is_kept_and_a_stale_copy_is_told_by_its_warning() {
        let headers = |name: &str, values: &[&str]| {
            let mut headers = ureq::http::HeaderMap::new();
            for value in values {
                let name = ureq::http::HeaderName::from_bytes(name.as_bytes()).unwrap();
                headers.append(name, value.parse().unwrap());
            }
            headers
        };
        let via = headers("via", &["1.1 squid (squid/6.10)"]);
        assert_eq!(via_of(&via).as_deref(), Some("1.1 squid (squid/6.10)"));
        assert_eq!(via_of(&headers("via", &[])), None);
        for stale in [
            &["110 squid \"Response is stale\""][..],
            &["214 x \"t\", 111 y \"r\""],
            &["199 a", "112 b"],
        ] {
            assert!(is_stale_copy(&headers("warning", stale)), "{stale:?}");
        }
        assert!(!is_stale_copy(&headers("warning", &["199 x \"110\""])));
        assert!(!is_stale_copy(&headers("warning", &[])));
        assert!(is_dropped(std::io::ErrorKind::ConnectionReset));
        assert!(!is_dropped(std::io::ErrorKind::ConnectionRefused));
    }

    /// Redirects are followed up to MAX_REDIRECTS: the 10th is, and its
    /// target, the last URL sent, is named when that redirects again (11
    /// requests); a chain of 10 ends at the 11th URL's answer.
    #[test]
    fn ten_redirects_are_followed_and_the_last_url_sent_is_named() {
        let origin = Url::parse("https://api.talkdeskapp.com/").unwrap();
        let redactor = Redactor::default();
        let chain = |length: u32| {
            let mut sent = Vec::new();
            let first = origin.join("r0").unwrap();
            let what: &dyn std::fmt::Display = &"GET r0";
            let result = follow_redirects(
                first,
                &origin,
                &[302],
                &redactor,
                (what, "base_url"),
                |url| {
                    sent.push(url.path().to_string());
                    let n = sent.len() as u32;
                    let mut reply = test_reply(if n <= length { 302 } else { 200 }, "");
                    reply.location = Some(format!("/r{n}"));
                    Ok(reply)
                },
            );
            let said = result.map(|(url, reply)| (url.path().to_string(), reply.status));
            (said.map_err(|e| e.to_string()), sent.len())
        };
        assert_eq!(chain(MAX_REDIRECTS), (Ok(("/r10".into(), 200)), 11));
        let (endless, sent) = chain(u32::MAX);
        assert_eq!(sent, 11);
        let said = endless.unwrap_err();
        assert!(said.ends_with("more than 10 redirects (the last to https://api.talkdeskapp.com/r10); check base_url"), "{said}");
    }

    /// A record changed on the way on every try, two or more, is said to
    /// have changed on every try; a first try, or tries that failed
    /// otherwise, the network.
    #[test]
    fn a_record_changed_on_every_try_is_said_so_and_no_other_failure() {
        let changed = format!("TLS error: decrypt error{CHANGED}");
        let reset = "connection error: Connection reset by peer".to_string();
        let network = "check your network, or raise --max-retries";
        let hint = last_try_hint;
        assert_eq!(
            hint(&changed, &[changed.clone(), changed.clone()]),
            CHANGED_EVERY_TRY
        );
        assert_eq!(hint(&changed, &[]), network);
        assert_eq!(hint(&changed, &[reset.clone(), changed.clone()]), network);
        assert_eq!(hint(&reset, std::slice::from_ref(&reset)), network);
    }

    /// A close seconds after the request on every try, two or more, says
    /// more tries meet the server's limit alike (of a page: a smaller
    /// --per-page may answer in time); a first try, or tries of which one
    /// was closed otherwise, says the server gave up, not on every try.
    #[test]
    fn a_late_close_meets_a_limit_only_when_every_try_was_closed_so() {
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let request = page_request(&url);
        let late = format!("connection error: reset, 2 {AFTER_THE_REQUEST}");
        let at_once = "connection error: reset".to_string();
        let every = "gave up waiting on every try";
        let alike = gave_up_hint(&request, std::slice::from_ref(&late));
        assert!(alike.contains(every), "{alike}");
        assert!(alike.contains("a smaller --per-page"), "{alike}");
        for failures in [vec![], vec![at_once, late]] {
            let hint = gave_up_hint(&request, &failures);
            assert!(hint.starts_with("the server, or a gateway in front of it, gave up waiting: "));
            assert!(!hint.contains(every), "{failures:?}: {hint}");
        }
    }

    /// A connect that timed out through a proxy given as `https://` may be
    /// a plain proxy waiting for a request line; through one given as
    /// `http://`, or waiting for the answer, it is not said so.
    #[test]
    fn only_an_https_proxys_connect_timeout_is_told_it_may_be_a_plain_proxy() {
        let via = |url: &str| Via {
            proxy: ureq::Proxy::new(url).unwrap(),
            var: "HTTPS_PROXY",
        };
        let (secure, plain) = (via("https://127.0.0.1:3128"), via("http://127.0.0.1:3128"));
        let said = |phase, via| timed_out(phase, Duration::from_secs(5), Some(via));
        let told = "as a plain proxy given as https:// does";
        assert!(said(ureq::Timeout::Connect, &secure).contains(told));
        assert!(!said(ureq::Timeout::Connect, &plain).contains(told));
        assert!(!said(ureq::Timeout::RecvResponse, &secure).contains(told));
    }

    /// A connection dropped at once, or a 408 on a kept one, may be a race
    /// with a keep-alive timeout; a drop seconds after the request, another
    /// status or a transient failure is not. Only a drop at once is one.
    #[test]
    fn a_drop_at_once_or_a_408_may_be_a_race_a_late_drop_is_not() {
        let reply = |status| Attempt::Reply(Box::new(test_reply(status, "")), Answer::default());
        let dropped = Attempt::Dropped("connection error: reset".into());
        let late = Attempt::Dropped(format!("connection error: reset, 3 {AFTER_THE_REQUEST}"));
        let transient = Attempt::Transient("connection failed".into());
        assert_eq!(
            raced(&reply(408)),
            Some("HTTP 408 as the connection was kept")
        );
        assert_eq!(raced(&reply(200)), None);
        assert_eq!(raced(&dropped), Some("connection error: reset"));
        assert_eq!(raced(&late), None);
        assert_eq!(raced(&transient), None);
        assert_eq!(dropped_at_once(&reply(408)), None);
        assert_eq!(dropped_at_once(&dropped), Some("connection error: reset"));
        assert_eq!(dropped_at_once(&late), None);
    }

    /// An answer with no status line is said by what the URL and the run
    /// tell: a URL of 16 KiB or more, from a server that answered, one
    /// HTTP::Daemon may refuse so; a server that never answered another protocol (TLS too over
    /// `http://`), one that answered the same words as any unreadable
    /// answer; a bad header name a line that is no header.
    #[test]
    fn an_answer_that_is_no_http_is_said_by_the_url_and_the_run() {
        let https = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let http = Url::parse("http://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let long = |len: usize| {
            let path = "a".repeat(len - "https://api.talkdeskapp.com/".len());
            Url::parse(&format!("https://api.talkdeskapp.com/{path}")).unwrap()
        };
        let (kib16, kib2) = (long(16 * 1024), long(2 * 1024));
        let said = |error: &str, url: &Url, answered| {
            unreadable(error, &page_request(url), None, answered).to_string()
        };
        let version = "invalid HTTP version";
        let (daemon, other) = ("as HTTP::Daemon answers", "speaks another protocol");
        assert!(said(version, &kib16, true).contains(daemon));
        assert!(!said(version, &kib16, true).contains(other));
        assert!(!said(version, &long(16 * 1024 - 1), true).contains(daemon));
        let first = said(version, &kib16, false);
        assert!(first.contains(other) && !first.contains(daemon), "{first}");
        assert!(!said(version, &kib2, true).contains(daemon));
        assert!(!said("invalid header name", &kib16, true).contains(daemon));
        let never = said(version, &https, false);
        assert!(never.contains(other) && !never.contains(daemon), "{never}");
        assert!(!never.contains("TLS, which wants https://"), "{never}");
        assert!(said(version, &http, false).contains("TLS, which wants https://"));
        assert!(!said(version, &https, true).contains(other));
        assert!(!said("invalid header name", &https, false).contains(other));
    }

    /// A `Bearer …` value that makes the request line and headers of a
    /// request to `url` `head` bytes, as [`long_headers`] counts them.
    fn bearer_for(url: &Url, head: usize) -> String {
        format!("Bearer {}", "t".repeat(head - url.as_str().len() - 157))
    }

    /// Headers of exactly their limit's bytes are long: their size is
    /// given from that many on, not from one more.
    #[test]
    fn headers_of_exactly_their_limit_are_long() {
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let request = page_request(&url);
        let at_limit = long_headers(&request, &bearer_for(&url, LONG_HEAD), LONG_HEAD);
        assert!(
            at_limit.contains(&format!("about {LONG_HEAD} bytes")),
            "{at_limit}"
        );
        let under = long_headers(&request, &bearer_for(&url, LONG_HEAD - 1), LONG_HEAD);
        assert_eq!(under, "");
    }

    /// A try left unanswered until the timeout under long headers gives
    /// their size; one that timed out otherwise (connecting) does not.
    #[test]
    fn only_a_try_left_unanswered_gives_the_headers_size() {
        let url = Url::parse("https://api.talkdeskapp.com/express/accounts?page=2").unwrap();
        let request = page_request(&url);
        let after = |message: &str| {
            let outcome = Attempt::Transient(message.into());
            let bearer = bearer_for(&url, UNANSWERED_HEAD);
            match closed_unanswered(outcome, &request, &bearer, Instant::now()) {
                Attempt::Transient(message) => message,
                _ => panic!("no longer transient"),
            }
        };
        let waited = after("timed out after 1 s waiting for the answer");
        let size = format!("; {HEADERS_OF} {UNANSWERED_HEAD} bytes");
        assert!(
            waited.ends_with(" of them") && waited.contains(&size),
            "{waited}"
        );
        let connecting = "timed out after 1 s connecting";
        assert_eq!(after(connecting), connecting);
    }
}
