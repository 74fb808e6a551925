//! A fake Talkdesk API for tests and demos: a real HTTP/1.1 server on `127.0.0.1:0`.
//!
//! Serves `POST /oauth/token` (client credentials, HTTP Basic client authentication) and
//! `GET /express/accounts?page=P&per_page=N` (the Billing Insights "Get Accounts" schema), with
//! persistent connections, request recording, injectable faults and a hook that may hold each
//! answer ([`FakeConfig::delay`], for the benchmark's network model). Built on std and `serde_json`
//! (and `rustls` for [`FakeApi::start_tls`]): one thread per connection, state behind an
//! `Arc<Mutex<_>>`.
//!
//! The test binary (`tests/cli/main.rs`) reaches it as `support::fake_api`; an example includes
//! it with `#[path = "../tests/support/fake_api.rs"] mod fake_api;`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// The scope the accounts endpoint requires.
pub const ACCOUNTS_SCOPE: &str = "express-accounts:read";

/// The seven documented account statuses, in the documented order.
pub const STATUSES: [&str; 7] = [
    "ACTIVE",
    "CHURNED",
    "IN_TRIAL",
    "INACTIVE",
    "PROSPECT",
    "TRIAL_LOST",
    "OTHER",
];

const MAX_LINE: u64 = 64 * 1024;
const MAX_HEADERS: usize = 200;
const MAX_BODY: usize = 1024 * 1024;
const STALL_POLL: Duration = Duration::from_millis(20);

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// How the server configures itself. Build with `FakeConfig { ..Default::default() }`.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// The accounts served, verbatim (unknown fields included), in this order.
    pub accounts: Vec<Value>,
    /// Server-side maximum page size: the effective `per_page` is `min(requested, page_cap)`.
    pub page_cap: usize,
    /// A page's offset is counted with the `per_page` asked for, not the capped one: the cap
    /// only limits how many are sent (the links carry the capped size), so a page asked for
    /// with another size than the links' is another slice of the accounts.
    pub offset_by_asked: bool,
    /// Style of the `_links` hrefs (or no `_links` at all).
    pub links: LinkStyle,
    pub client_id: String,
    pub client_secret: String,
    /// `expires_in` reported with each token (not enforced by the server).
    pub expires_in: u64,
    /// Sent as `expires_in` instead, as some servers write it (a string, a decimal...).
    pub expires_in_as: Option<Value>,
    /// Sent as `token_type` instead of `Bearer`, as some servers write it (Apigee: `BearerToken`).
    pub token_type_as: Option<&'static str>,
    /// A UTF-8 byte-order mark before each token answer, as a proxy may add.
    pub token_bom: bool,
    /// This many `t`s end each token issued (and taken): a long access token.
    pub token_padding: usize,
    /// `scope` reported with each token. The accounts endpoint answers 403 unless this
    /// space-separated list, as it was when the token was issued, contains
    /// `express-accounts:read`.
    pub scope: String,
    /// The token answer leaves `scope` out (the token is still granted `scope`), as RFC 6749
    /// §5.1 allows when the scope granted is the one asked for (Azure AD v2 always does).
    pub scope_omitted: bool,
    /// Asked about every request once it is recorded (faulted ones included); what it returns
    /// is slept before answering. None by default: the tests never sleep. The benchmark's
    /// network model (examples/bench/latency.rs) sets it.
    pub delay: Option<Delay>,
    pub faults: Faults,
    /// A hostile token endpoint: each token answer also carries the new token in an
    /// `X-Echo-Token: t=<token>` header.
    pub echo_token_header: bool,
    /// A lying accounts endpoint: every page claims this `total_pages` (pages past the data are
    /// empty, and have no next link once past the real last page).
    pub claimed_total_pages: Option<u64>,
    /// A rate limit on the accounts endpoint, as a token bucket ([`Bucket`]); `None`: no limit.
    pub bucket: Option<Bucket>,
    /// Render each page once and serve the same text afterwards (for big benchmarks, where
    /// building the JSON of every page again would spend the machine's CPU in the fake).
    pub cache_pages: bool,
    /// The accounts endpoint has moved under [`MOVED_PREFIX`]: a `GET /express/accounts` gets
    /// a 308 to the same query there, and the `_links` point there.
    pub moved: bool,
    /// A page past the data gets the last page's accounts, and every page a next link, as a
    /// paginator that clamps the page asked for to its last does: its next links never end.
    pub clamp_past_the_end: bool,
    /// The `page` field counts from 0 (the page asked for less one), as Spring's `number` does;
    /// the `page` parameter and the links still count from 1.
    pub page_field_from_zero: bool,
    /// Each connection answers one request, as keep-alive (no `Connection: close`), then closes
    /// as soon as the next request arrives on it, unanswered: a keep-alive timeout that always
    /// wins the race with a client reusing the connection.
    pub one_request_per_connection: bool,
    /// With `one_request_per_connection`: the next request is answered `408 Request Timeout`
    /// with `Connection: close` before the close, as Node's `http` and HAProxy's request
    /// timeout do.
    pub timeout_408_on_reuse: bool,
    /// Serve one connection at a time, each to its end, as a single-threaded server does
    /// (Python's `http.server.HTTPServer` with HTTP/1.1): a connection opened meanwhile waits,
    /// unanswered, in the listen queue.
    pub one_connection_at_a_time: bool,
    /// Pages carry no `total_pages` field (only `count`, `page`, `per_page`, `total`).
    pub no_total_pages: bool,
    /// Pages carry no `per_page` field (the page's size is only its number of accounts).
    pub no_per_page: bool,
    /// Token and accounts answers carry a `Date` header this many seconds from this machine's
    /// clock (`None`: no `Date`, as before).
    pub date_skew: Option<i64>,
    /// Token answers carry a `Date` this many seconds from this machine's clock, in place of
    /// `date_skew`'s (a token server whose clock is not the API's).
    pub token_date_skew: Option<i64>,
    /// The fake as seen through a reverse proxy that forwards `PREFIX/…` to the API with the
    /// prefix taken off (nginx `location /td/ { proxy_pass http://api/; }`) and passes the
    /// pages on unrewritten: a path outside the prefix is the proxy's 404, and the links are
    /// the API's own, without the prefix. (Requests are recorded as they came, prefix and all.)
    pub proxied_under: Option<&'static str>,
    /// The token endpoint compares the Basic credentials as sent, without the form-decoding of
    /// RFC 6749 §2.3.1, as `@node-oauth/oauth2-server` (the `basic-auth` package) does.
    pub basic_undecoded: bool,
    /// A concurrency limit in front of the accounts endpoint (haproxy's `maxconn` with a short
    /// queue, nginx's `limit_conn`, uvicorn's `--limit-concurrency`): an accounts request that
    /// arrives while this many are being answered gets a 503 at once, with no `Retry-After`
    /// and no rate-limit headers, and no `delay`.
    pub max_in_flight: Option<usize>,
    /// The status of [`FakeConfig::max_in_flight`]'s refusal: 503, or 429 as Traefik's
    /// `inFlightReq` middleware answers (`max connections reached: N`, no headers either).
    pub in_flight_status: u16,
    /// [`FakeConfig::max_in_flight`] counts the open connections, idle kept-alive ones
    /// included, not the requests being answered, as haproxy's `sc_conn_cur` does
    /// (`http-request deny deny_status 429 if { sc_conn_cur(0) gt N }`): the request over
    /// it gets haproxy's 429 page, and its connection is kept open.
    pub in_flight_counts_connections: bool,
    /// A token no longer accepted (expired or revoked) gets a bare `403` with no body, not a
    /// 401, as django-oauth-toolkit's `protected_resource` and `ProtectedResourceView` answer.
    pub bare_403_for_bad_tokens: bool,
    /// As [`FakeConfig::bare_403_for_bad_tokens`], the 403 in XML, as a Grape API with `format
    /// :xml` refuses one (`<?xml …?><error><message>…`).
    pub xml_403_for_bad_tokens: bool,
    /// A connection limit (the JDK's `HttpServer` with `jdk.httpserver.maxConnections`, Node's
    /// `server.maxConnections`): a connection accepted while this many are open is closed at
    /// once, unanswered.
    pub max_connections: Option<usize>,
    /// Fewer workers than the pages in flight (waitress `threads=1`, cheroot `numthreads`,
    /// Twisted's WSGI thread pool): at most this many accounts requests are held by
    /// [`FakeConfig::delay`] at once; the others wait for a worker, unanswered, on their open
    /// connections. A request whose client has gone meanwhile still takes its worker for its
    /// time, as those servers do.
    pub workers: Option<usize>,
    /// A request for a path with no route (neither the token endpoint nor the accounts
    /// endpoint) is closed unanswered, not answered 404, as a server on uWebSockets does
    /// (socketify 0.0.31).
    pub drop_unrouted: bool,
}

/// Where the accounts endpoint lives when [`FakeConfig::moved`] is set.
pub const MOVED_PREFIX: &str = "/moved";

/// A token bucket in front of the accounts endpoint: `rate` tokens a second, at most `burst`
/// held, one per request. A request that finds no token is answered 429 (with `Retry-After`
/// when set) instead of its page, before any fault. Every accounts answer carries the
/// bucket's rate-limit headers when `headers` asks for them.
#[derive(Clone, Debug)]
pub struct Bucket {
    pub rate: f64,
    pub burst: f64,
    /// The `Retry-After` of a 429 (`None`: no header).
    pub retry_after: Option<String>,
    /// Strict: a refused request costs a token too (the count may go below zero), so a client
    /// that retries in a burst keeps itself refused.
    pub refused_costs: bool,
    pub headers: RateHeaderStyle,
    /// The status of a refusal: 429, or 503 as nginx's `limit_req` answers by default.
    pub status: u16,
    /// A sliding window instead of a bucket, as haproxy's `http_req_rate(window)`: a request
    /// is refused when `burst` requests (refused ones too, with `refused_costs`) arrived in
    /// the `window` before it. `rate` is then only for the headers.
    pub window: Option<Duration>,
    /// The token endpoint is behind the bucket too (one gateway in front of both, as a
    /// haproxy frontend counts every request): a token request takes a token (recorded as
    /// page 0), and is refused as a page is.
    pub counts_token: bool,
}

impl Bucket {
    /// `rate` a second, a burst of `burst`, `Retry-After: 1`, refusals free, no headers.
    pub fn new(rate: f64, burst: f64) -> Bucket {
        Bucket {
            rate,
            burst,
            retry_after: Some("1".to_string()),
            refused_costs: false,
            headers: RateHeaderStyle::None,
            status: 429,
            window: None,
            counts_token: false,
        }
    }
}

/// Which rate-limit headers the bucket sends on every accounts answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RateHeaderStyle {
    #[default]
    None,
    /// The IETF draft's `RateLimit-Limit`, `-Remaining`, `-Reset` and `RateLimit-Policy`.
    Ietf,
    /// `X-RateLimit-Limit`, `-Remaining`, `-Reset` (seconds), no policy.
    X,
    /// The later IETF drafts' structured fields: `RateLimit: "bucket";r=R;t=T` and
    /// `RateLimit-Policy: "bucket";q=Q;w=W`.
    Structured,
    /// `Structured` as express-rate-limit (8.7, `standardHeaders: 'draft-8'`) sends it with two
    /// limiters: a `RateLimit` and a `RateLimit-Policy` line each, spaces after the `;`, a loose
    /// limit's (100 a minute, hardly spent) first: `RateLimit: "100-in-1min"; r=99; t=60`, then
    /// `RateLimit: "bucket"; r=R; t=T`.
    StructuredTwo,
    /// `X` named after a throttler `short`, as NestJS's `@nestjs/throttler` names the headers
    /// of every throttler but `default`: `X-RateLimit-Limit-short`, `-Remaining-short`,
    /// `-Reset-short`, and a refusal's `Retry-After-short` (with none of the others) in place
    /// of `Retry-After`.
    NamedShort,
    /// None, and a refusal in restify's throttle plugin's words (restify 11.1), its rate in
    /// them: `{"code":"TooManyRequests","message":"You have exceeded your request rate of
    /// 0.5 r/s."}` (set the bucket's `retry_after` to `None`: restify sends no `Retry-After`).
    Restify,
    /// hapi-rate-limit's (8.0) names for its path limit: `X-RateLimit-PathLimit`,
    /// `-PathRemaining` (below zero once refused: `-1`, `-2`...) and `-PathReset` (a Unix time
    /// in milliseconds), on a refusal too; it sends no `Retry-After` (set the bucket's
    /// `retry_after` to `None`).
    HapiPath,
}

/// One accounts request as the bucket saw it.
#[derive(Clone, Copy, Debug)]
pub struct Arrival {
    pub at: Instant,
    pub page: u64,
    /// Answered 429 by the bucket.
    pub refused: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            accounts: Vec::new(),
            page_cap: 100,
            offset_by_asked: false,
            links: LinkStyle::Absolute,
            client_id: "test-client".to_string(),
            client_secret: "test-secret-value".to_string(),
            expires_in: 3600,
            expires_in_as: None,
            token_type_as: None,
            token_bom: false,
            token_padding: 0,
            scope: ACCOUNTS_SCOPE.to_string(),
            scope_omitted: false,
            delay: None,
            faults: Faults::default(),
            echo_token_header: false,
            claimed_total_pages: None,
            bucket: None,
            cache_pages: false,
            moved: false,
            clamp_past_the_end: false,
            page_field_from_zero: false,
            no_total_pages: false,
            no_per_page: false,
            one_request_per_connection: false,
            timeout_408_on_reuse: false,
            one_connection_at_a_time: false,
            date_skew: None,
            token_date_skew: None,
            proxied_under: None,
            basic_undecoded: false,
            max_in_flight: None,
            in_flight_status: 503,
            in_flight_counts_connections: false,
            bare_403_for_bad_tokens: false,
            xml_403_for_bad_tokens: false,
            max_connections: None,
            workers: None,
            drop_unrouted: false,
        }
    }
}

/// How long to hold each answer: see [`FakeConfig::delay`].
#[derive(Clone)]
pub struct Delay(pub Arc<dyn Fn(&Exchange) -> Duration + Send + Sync>);

impl std::fmt::Debug for Delay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Delay(..)")
    }
}

/// What [`FakeConfig::delay`] is told about a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exchange {
    pub route: Route,
    /// The request is the first one on its connection.
    pub first_on_connection: bool,
    /// When its connection was accepted.
    pub accepted: Instant,
}

/// Style of the hrefs in `_links`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LinkStyle {
    /// `http://127.0.0.1:PORT/express/accounts?page=..&per_page=..`
    #[default]
    Absolute,
    /// `/express/accounts?page=..&per_page=..`
    Relative,
    /// No `_links` object at all.
    None,
    /// `/express/accounts?cursor=p..&per_page=..`, as cursor-paged APIs
    /// link: `page` is ignored (every page number is page 1).
    Cursor,
    /// As `Absolute`, but `http://` where the fake serves `https://`: an API behind a TLS
    /// terminator builds its links from the plain-http request it gets (koa without
    /// `app.proxy`, Express without `trust proxy`, hono on @hono/node-server, h3).
    PlainHttp,
}

/// Injectable faults. All default to off.
///
/// Precedence: `script` (one-shot) > `always` > random (`fail_rate`).
#[derive(Clone, Debug)]
pub struct Faults {
    /// Fraction (0.0..=1.0) of token and accounts requests failing at random.
    pub fail_rate: f64,
    /// Seed of the deterministic PRNG (splitmix64) behind the random failures. One number is
    /// drawn for every token or accounts request, so a given request sequence always fails the
    /// same way.
    pub seed: u64,
    /// What a random failure looks like (chosen uniformly, also seeded).
    pub random_kinds: Vec<FaultKind>,
    /// One-shot faults: the first request matching an entry fires it, then the entry is removed.
    pub script: Vec<(RequestMatch, FaultKind)>,
    /// Permanent faults for matching requests (the first matching entry wins).
    pub always: Vec<(RequestMatch, FaultKind)>,
    /// A token stops being accepted (401) after this many accounts requests made with it.
    pub token_valid_for_requests: Option<usize>,
    /// A token stops being accepted (401) this long after it was issued, whatever its
    /// `expires_in` said (a token expired early, or revoked).
    pub token_valid_for: Option<Duration>,
    /// After this many tokens, the token endpoint refuses the client (401 `invalid_client`,
    /// as for a secret rotated meanwhile).
    pub tokens_before_refusing: Option<u64>,
}

impl Faults {
    /// `kind` for every request `matching`, and no other fault.
    pub fn always(matching: RequestMatch, kind: FaultKind) -> Faults {
        Faults {
            always: vec![(matching, kind)],
            ..Faults::default()
        }
    }
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            fail_rate: 0.0,
            seed: 0,
            random_kinds: vec![
                FaultKind::Status(500),
                FaultKind::Status(502),
                FaultKind::Status(503),
                FaultKind::RetryAfter(429, "0".to_string()),
                FaultKind::Drop,
            ],
            script: Vec::new(),
            always: Vec::new(),
            token_valid_for_requests: None,
            token_valid_for: None,
            tokens_before_refusing: None,
        }
    }
}

/// Which requests a fault applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestMatch {
    /// `POST /oauth/token`.
    Token,
    /// `GET /express/accounts` asking for this page (an absent `page` is page 1).
    Page(u64),
    /// Any `GET /express/accounts`.
    AnyPage,
    /// The nth request overall (1-based, every request counts, including 404s).
    Nth(usize),
}

/// What a fault does.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// That status with a Talkdesk-style JSON error body `{"code","message","description"}`.
    Status(u16),
    /// That status with this exact body (sent as `application/json`).
    StatusWithBody(u16, String),
    /// Status with a Talkdesk-style error body and a `Retry-After` header with this value.
    RetryAfter(u16, String),
    /// That status with a Talkdesk-style error body and `Age:` this many seconds: an answer a
    /// cache in front of the API stored for an earlier request and serves to every request
    /// for the URL, whatever its token (Varnish told to cache every GET).
    Cached(u16, u64),
    /// Read the request, then close the connection without answering.
    Drop,
    /// Read the request, wait this long, then close the connection without answering: a
    /// gateway (haproxy in tcp mode with `timeout server`, stunnel, toxiproxy's `timeout`
    /// toxic) giving up on a backend that did not answer.
    DropAfter(Duration),
    /// Read the request, then never answer (until the server is dropped).
    Stall,
    /// Send headers with `Content-Length: 1000` and 10 bytes of body, then stall.
    StallBody,
    /// Send headers with `Content-Length: 1000` and 10 bytes of body, then close.
    CutBody,
    /// Send headers with `Content-Length: 1000`, then a byte of body every 20 ms (a slow
    /// link: the body keeps arriving, ten seconds in all).
    TrickleBody,
    /// 200 with a `Content-Length` of that many bytes, streamed from a small buffer.
    HugeBody(u64),
    /// That status with a body of that many bytes, as [`FaultKind::HugeBody`].
    HugeStatusBody(u16, u64),
    /// 200 with the truncated body `{"count": 1, "_embedded": `.
    Malformed,
    /// 302 with `Location:` the given URL.
    Redirect(String),
    /// 308 with `Location:` the given URL.
    PermanentRedirect(String),
    /// 200 with this JSON body instead of the normal answer.
    Json(Value),
    /// The normal answer, but only once this many connections have been accepted; after
    /// [`AWAIT_CONNECTIONS_FOR`] without them, a 500 saying so. Shows that a client opened
    /// connections while this request was in flight, without timing anything.
    AwaitConnections(usize),
    /// The normal answer, but only once this many accounts requests have arrived in all (this
    /// one included); after [`AWAIT_CONNECTIONS_FOR`] without them, a 500 saying so. Put on two
    /// pages of a walk, with the count of its last page: whichever of the two comes first is
    /// held until the last request arrives, so two requests are in flight at once, on two
    /// connections. Shows it without timing anything.
    AwaitPages(usize),
    /// That status with a plain-text body of this many `x`, then the request's own
    /// `Authorization` header value (`Bearer <token>`): a server echoing the token in an error.
    EchoAuthorization(u16, usize),
    /// That status with a plain-text body quoting the request's token in
    /// part: its first 14 and its last 8 characters.
    EchoTokenPart(u16),
    /// The normal answer, held until [`FakeApi::release`] is called; if the server is dropped
    /// first, the connection closes unanswered.
    Hold,
    /// The normal answer's head and first byte of body, then the rest of it held until
    /// [`FakeApi::release`] is called: a page whose body is still arriving.
    /// [`FakeApi::bodies_held`] counts the heads sent so.
    HoldBody,
    /// These bytes as the whole answer, then the connection is closed: an answer that is not
    /// valid HTTP.
    RawResponse(&'static [u8]),
    /// These bytes as the whole answer, then the connection is kept open, unused, until the
    /// server is dropped: an answer without a length that never ends.
    RawResponseKept(&'static [u8]),
    /// A refusal (that status) from the token bucket, with these headers.
    RateLimited(u16, Vec<(&'static str, String)>),
    /// A refusal (that status) with these headers and this exact body: a limiter's own answer
    /// (moleculer-web's `{"name":"RateLimitExceeded",…}`).
    RefusedWith(u16, Vec<(&'static str, String)>, &'static str),
    /// The normal answer, with these headers added (a page's own rate-limit headers).
    WithHeaders(Vec<(&'static str, String)>),
    /// The normal answer, sent with this status.
    WithStatus(u16),
}

/// haproxy 2.6's own page for `deny_status 429`.
pub const HAPROXY_429: &str = "<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n</body></html>\n";

/// How long [`FaultKind::AwaitConnections`] and [`FaultKind::AwaitPages`] wait.
pub const AWAIT_CONNECTIONS_FOR: Duration = Duration::from_secs(10);

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent on the request line.
    pub target: String,
    /// Header names lowercased, values trimmed, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The connection it came on (1-based, in accept order).
    pub connection: usize,
}

impl Recorded {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path part of the target.
    pub fn path(&self) -> &str {
        split_target(&self.target).0
    }

    /// A query parameter of the target, percent-decoded (the first one with this name).
    pub fn query_param(&self, name: &str) -> Option<String> {
        query_pairs(split_target(&self.target).1)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

struct State {
    config: FakeConfig,
    /// Valid tokens, how many accounts requests each one has served, and when it was issued.
    tokens: HashMap<String, (usize, Instant)>,
    /// The scope each token was issued with: a scope added to the client later is not in a
    /// token issued before (as with Talkdesk's signed tokens).
    token_scopes: HashMap<String, String>,
    tokens_issued: u64,
    token_refusals: u64,
    token_rng: u64,
    fault_rng: u64,
    requests: Vec<Recorded>,
    connections: usize,
    /// [`FakeApi::release`] was called: [`FaultKind::Hold`] answers go out.
    released: bool,
    /// The heads sent of [`FaultKind::HoldBody`] answers.
    bodies_held: usize,
    /// The bucket's tokens, and when they were counted.
    bucket_tokens: Option<(f64, Instant)>,
    /// Every accounts request, when it arrived and whether the bucket refused it.
    arrivals: Vec<Arrival>,
    /// Rendered pages by (page, per_page), when `cache_pages`.
    rendered: HashMap<(u64, u64), Arc<String>>,
    /// When each token was first answered 401 on the accounts endpoint.
    refused_at: HashMap<String, Instant>,
    /// Accounts requests that carried a token refused well before they came (see
    /// [`FakeApi::stale_token_sends`]).
    stale_token_sends: usize,
    /// Accounts requests being answered, under [`FakeConfig::max_in_flight`].
    in_flight: usize,
}

struct Shared {
    state: Mutex<State>,
    shutdown: AtomicBool,
    addr: SocketAddr,
    /// `http` or `https`.
    scheme: &'static str,
    /// Clones of the live connections, so that dropping the server can close them.
    live: Mutex<HashMap<usize, TcpStream>>,
    /// Workers busy answering, under [`FakeConfig::workers`], and a worker freed.
    busy: Mutex<usize>,
    freed: Condvar,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn live(&self) -> MutexGuard<'_, HashMap<usize, TcpStream>> {
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn is_shut_down(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }

    fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }
}

/// A running fake API. Dropping it stops the listener and closes every open connection.
pub struct FakeApi {
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakeApi {
    /// Binds `127.0.0.1:0` and starts serving in background threads.
    pub fn start(config: FakeConfig) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("fake API: bind 127.0.0.1:0");
        FakeApi::serve(config, listener, None)
    }

    /// Serves on a listener the caller bound (e.g. a fixed port).
    pub fn from_listener(config: FakeConfig, listener: TcpListener) -> FakeApi {
        FakeApi::serve(config, listener, None)
    }

    /// Binds port 0 of another loopback address (e.g. `127.0.0.2`, a second origin), or
    /// `None` when the system does not allow it (only 127.0.0.1 is up on some systems).
    pub fn start_on(ip: &str, config: FakeConfig) -> Option<FakeApi> {
        let listener = TcpListener::bind((ip, 0)).ok()?;
        Some(FakeApi::serve(config, listener, None))
    }

    /// Like [`FakeApi::start`], over HTTPS with this certificate chain and private key (PEM);
    /// `base_url()` is then `https://127.0.0.1:PORT`. A client that does not trust the chain
    /// fails the handshake, and nothing is recorded.
    pub fn start_tls(config: FakeConfig, cert_pem: &str, key_pem: &str) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("fake API: bind 127.0.0.1:0");
        FakeApi::serve(config, listener, Some(tls_config(cert_pem, key_pem)))
    }

    fn serve(
        config: FakeConfig,
        listener: TcpListener,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> FakeApi {
        let addr = listener.local_addr().expect("fake API: local_addr");
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let seed = config.faults.seed;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                config,
                tokens: HashMap::new(),
                token_scopes: HashMap::new(),
                tokens_issued: 0,
                token_refusals: 0,
                token_rng: nanos ^ (u64::from(addr.port()) << 48),
                fault_rng: seed,
                requests: Vec::new(),
                connections: 0,
                released: false,
                bodies_held: 0,
                bucket_tokens: None,
                arrivals: Vec::new(),
                rendered: HashMap::new(),
                refused_at: HashMap::new(),
                stale_token_sends: 0,
                in_flight: 0,
            }),
            shutdown: AtomicBool::new(false),
            addr,
            scheme: if tls.is_some() { "https" } else { "http" },
            live: Mutex::new(HashMap::new()),
            busy: Mutex::new(0),
            freed: Condvar::new(),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("fake-api-accept".to_string())
                .spawn(move || accept_loop(listener, shared, tls))
                .expect("fake API: spawn accept thread")
        };
        FakeApi {
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT` (`https://` when started with TLS)
    pub fn base_url(&self) -> String {
        self.shared.base_url()
    }

    /// `http://127.0.0.1:PORT/oauth/token`
    pub fn token_url(&self) -> String {
        format!("{}/oauth/token", self.base_url())
    }

    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// Every request received, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.state().requests.clone()
    }

    /// Number of `POST /oauth/token` requests received.
    pub fn token_requests(&self) -> usize {
        self.shared
            .state()
            .requests
            .iter()
            .filter(|r| is_token_request(r))
            .count()
    }

    /// Page numbers asked for by the `GET /express/accounts` requests, in order (an absent
    /// `page` is 1, an unparsable one 0).
    pub fn page_requests(&self) -> Vec<u64> {
        self.shared
            .state()
            .requests
            .iter()
            .filter(|r| is_accounts_request(r))
            .map(|r| requested_page(r).unwrap_or(0))
            .collect()
    }

    /// [`FakeApi::page_requests`] sorted: which pages were asked for and how often, whatever
    /// the order (a concurrent walk asks for pages 2..N several at a time).
    pub fn sorted_page_requests(&self) -> Vec<u64> {
        let mut pages = self.page_requests();
        pages.sort_unstable();
        pages
    }

    /// How many `GET /express/accounts` requests asked for page `n`.
    pub fn requests_for_page(&self, n: u64) -> usize {
        self.page_requests().iter().filter(|&&p| p == n).count()
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.state().connections
    }

    /// Replaces the accounts served from now on.
    pub fn set_accounts(&self, accounts: Vec<Value>) {
        let mut st = self.shared.state();
        st.config.accounts = accounts;
        st.rendered.clear();
    }

    /// Every accounts request, in arrival order: when, which page, refused by the bucket or not.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.shared.state().arrivals.clone()
    }

    /// Accounts requests that carried a token this server had answered 401 more than 100 ms
    /// before they came: time enough for the client to have read that answer, so a request
    /// sent with it was sent with a token the run knew to be refused.
    pub fn stale_token_sends(&self) -> usize {
        self.shared.state().stale_token_sends
    }

    /// Accounts requests the bucket answered 429.
    pub fn rate_limited(&self) -> usize {
        self.shared
            .state()
            .arrivals
            .iter()
            .filter(|a| a.refused)
            .count()
    }

    /// The most accounts requests that arrived within any one second.
    pub fn max_per_second(&self) -> usize {
        let times: Vec<Instant> = self.arrivals().iter().map(|a| a.at).collect();
        let mut most = 0;
        let mut start = 0;
        for (end, &t) in times.iter().enumerate() {
            while t.duration_since(times[start]) >= Duration::from_secs(1) {
                start += 1;
            }
            most = most.max(end - start + 1);
        }
        most
    }

    /// Replaces the faults (and reseeds the PRNG from `faults.seed`).
    pub fn set_faults(&self, faults: Faults) {
        let mut st = self.shared.state();
        st.fault_rng = faults.seed;
        st.config.faults = faults;
    }

    /// Changes any part of the configuration while running. The PRNG is reseeded when
    /// `faults.seed` changes.
    pub fn update(&self, f: impl FnOnce(&mut FakeConfig)) {
        let mut st = self.shared.state();
        let old_seed = st.config.faults.seed;
        f(&mut st.config);
        if st.config.faults.seed != old_seed {
            st.fault_rng = st.config.faults.seed;
        }
        st.rendered.clear();
    }

    /// Makes every token issued so far invalid (as if they had expired).
    pub fn revoke_tokens(&self) {
        self.shared.state().tokens.clear();
    }

    /// The tokens handed out so far, in no particular order.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.state().tokens.keys().cloned().collect()
    }

    /// Number of tokens issued so far.
    pub fn tokens_issued(&self) -> u64 {
        self.shared.state().tokens_issued
    }

    /// Token requests refused for their credentials.
    pub fn token_refusals(&self) -> u64 {
        self.shared.state().token_refusals
    }

    /// How many [`FaultKind::HoldBody`] answers have sent their head.
    pub fn bodies_held(&self) -> usize {
        self.shared.state().bodies_held
    }

    /// Lets every [`FaultKind::Hold`] answer go out, now and later.
    pub fn release(&self) {
        self.shared.state().released = true;
    }

    /// Forgets the recorded requests and arrivals (the connection count is kept).
    pub fn clear_requests(&self) {
        let mut st = self.shared.state();
        st.requests.clear();
        st.arrivals.clear();
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Unblock accept() with a connection to ourselves.
        let woke = TcpStream::connect_timeout(&self.shared.addr, Duration::from_secs(1)).is_ok();
        if let Some(handle) = self.acceptor.take().filter(|_| woke) {
            let _ = handle.join();
        }
        // Close the open connections: idle keep-alive readers see EOF, stalls end.
        for (_, stream) in self.shared.live().drain() {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>, tls: Option<Arc<rustls::ServerConfig>>) {
    for stream in listener.incoming() {
        if shared.is_shut_down() {
            break;
        }
        let Ok(stream) = stream else {
            thread::sleep(Duration::from_millis(5));
            continue;
        };
        let accepted = Instant::now();
        let limit = shared.state().config.max_connections;
        if limit.is_some_and(|limit| shared.live().len() >= limit) {
            continue;
        }
        let _ = stream.set_nodelay(true);
        let conn = {
            let mut st = shared.state();
            st.connections += 1;
            st.connections
        };
        if let Ok(clone) = stream.try_clone() {
            shared.live().insert(conn, clone);
        }
        let one_at_a_time = shared.state().config.one_connection_at_a_time;
        let shared = Arc::clone(&shared);
        let tls = tls.clone();
        let serve = move || {
            let _guard = LiveGuard {
                shared: &shared,
                conn,
            };
            match tls {
                // The handshake happens on the first read; a client that refuses the
                // certificate ends it there, before any request is recorded.
                Some(tls) => {
                    if let Ok(session) = rustls::ServerConnection::new(tls) {
                        let stream = rustls::StreamOwned::new(session, stream);
                        serve_connection(stream, conn, accepted, &shared);
                    }
                }
                None => serve_connection(stream, conn, accepted, &shared),
            }
        };
        if one_at_a_time {
            serve();
            continue;
        }
        let spawned = thread::Builder::new()
            .name(format!("fake-api-conn-{conn}"))
            .spawn(serve);
        if spawned.is_err() {
            thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Removes a connection's clone from the live set when its handler ends, so the socket closes.
struct LiveGuard<'a> {
    shared: &'a Shared,
    conn: usize,
}

impl Drop for LiveGuard<'_> {
    fn drop(&mut self) {
        self.shared.live().remove(&self.conn);
    }
}

// ---------------------------------------------------------------------------------------------
// Connection handling (generic over the stream so that TLS can wrap the TcpStream later)
// ---------------------------------------------------------------------------------------------

struct Request {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn has_token(&self, header: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(header))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    fn keep_alive(&self) -> bool {
        if self.version.eq_ignore_ascii_case("HTTP/1.0") {
            self.has_token("connection", "keep-alive")
        } else {
            !self.has_token("connection", "close")
        }
    }
}

enum ReadError {
    /// The peer closed the connection (cleanly, between requests) or an I/O error occurred.
    Closed,
    /// Not a valid HTTP/1.x request: answer 400 and close.
    Bad(&'static str),
    /// Body too large: answer 413 and close.
    TooLarge,
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

/// The endpoint a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Token,
    Accounts,
    Other,
}

/// What to do with the connection after answering.
enum Next {
    KeepGoing,
    Close,
}

/// One of [`FakeConfig::workers`], taken until dropped.
struct Worker<'a>(&'a Shared);

impl<'a> Worker<'a> {
    /// Waits for one of `n` workers to be free (or the server to stop), and takes it.
    fn take(shared: &'a Shared, n: usize) -> Worker<'a> {
        let mut busy = shared.busy.lock().unwrap_or_else(|e| e.into_inner());
        while *busy >= n && !shared.is_shut_down() {
            let wait = shared.freed.wait_timeout(busy, STALL_POLL);
            busy = wait.unwrap_or_else(|e| e.into_inner()).0;
        }
        *busy += 1;
        Worker(shared)
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        let mut busy = self.0.busy.lock().unwrap_or_else(|e| e.into_inner());
        *busy = busy.saturating_sub(1);
        self.0.freed.notify_one();
    }
}

/// Serves one connection until the peer closes it, `Connection: close`, an I/O error, or a
/// fault that ends it.
fn serve_connection<S: Read + Write>(stream: S, conn: usize, accepted: Instant, shared: &Shared) {
    let mut reader = BufReader::new(stream);
    let mut first = true;
    loop {
        let req = match read_request(&mut reader) {
            Ok(Some(req)) => req,
            Ok(None) | Err(ReadError::Closed) => return,
            Err(ReadError::Bad(why)) => {
                let body = talkdesk_error(400, Some(why));
                let _ = write_response(reader.get_mut(), 400, &[], body.as_bytes(), false);
                return;
            }
            Err(ReadError::TooLarge) => {
                let body = talkdesk_error(413, Some("Request body too large"));
                let _ = write_response(reader.get_mut(), 413, &[], body.as_bytes(), false);
                return;
            }
        };
        if shared.is_shut_down() {
            return;
        }
        let keep_alive = req.keep_alive();
        let (route, fault, delay) = record_and_decide(shared, &req, conn);
        let (fault, limit_headers) = rate_limit(shared, &req, route, fault);
        // Over the concurrency limit: refused at once; under it, counted while it is held.
        let (limit, over, connections) = {
            let st = shared.state();
            let counts = st.config.in_flight_counts_connections;
            (st.config.max_in_flight, st.config.in_flight_status, counts)
        };
        let open = connections.then(|| shared.live().len());
        let admitted = (limit.filter(|_| route == Route::Accounts)).map(|n| {
            let mut st = shared.state();
            let admit = open.map_or(st.in_flight < n, |open| open <= n);
            st.in_flight += usize::from(admit);
            admit
        });
        let (fault, delay) = match admitted {
            Some(false) if connections => (
                Some(FaultKind::RefusedWith(over, vec![], HAPROXY_429)),
                None,
            ),
            // Traefik's `inFlightReq` (oxy's connlimit) says why in plain text.
            Some(false) if over == 429 => {
                let why = format!("max connections reached: {}", limit.unwrap_or(0));
                (Some(FaultKind::StatusWithBody(429, why)), None)
            }
            Some(false) => (Some(FaultKind::Status(over)), None),
            _ => (fault, delay),
        };
        if let Some(Delay(delay)) = delay {
            let hold = delay(&Exchange {
                route,
                first_on_connection: first,
                accepted,
            });
            let workers = shared.state().config.workers;
            let worker =
                (workers.filter(|_| route == Route::Accounts)).map(|n| Worker::take(shared, n));
            if !hold.is_zero() {
                thread::sleep(hold);
            }
            drop(worker);
        }
        if admitted == Some(true) {
            shared.state().in_flight -= 1;
        }
        first = false;
        let mut added = Vec::new();
        let mut status_as = None;
        let mut hold_body = false;
        let fault = match fault {
            Some(FaultKind::WithHeaders(headers)) => {
                added = headers;
                None
            }
            Some(FaultKind::WithStatus(status)) => {
                status_as = Some(status);
                None
            }
            Some(FaultKind::AwaitConnections(n)) => await_connections(shared, n),
            Some(FaultKind::AwaitPages(n)) => await_pages(shared, n),
            Some(FaultKind::EchoAuthorization(code, pad)) => {
                let echoed = req.header("authorization").unwrap_or_default();
                Some(FaultKind::StatusWithBody(
                    code,
                    format!("{}{echoed}", "x".repeat(pad)),
                ))
            }
            Some(FaultKind::EchoTokenPart(code)) => {
                let header = req.header("authorization").unwrap_or_default();
                let token = header.strip_prefix("Bearer ").unwrap_or(header);
                let chars: Vec<char> = token.chars().collect();
                let head: String = chars.iter().take(14).collect();
                let tail: String = chars[chars.len().saturating_sub(8)..].iter().collect();
                Some(FaultKind::StatusWithBody(
                    code,
                    format!("token {head}… is not valid here (…{tail})"),
                ))
            }
            Some(FaultKind::Hold) => {
                while !shared.state().released && !shared.is_shut_down() {
                    thread::sleep(STALL_POLL);
                }
                // A server dropped meanwhile has stopped: it answers nothing
                // (its answer raced the close of its connections).
                (!shared.state().released).then_some(FaultKind::Drop)
            }
            Some(FaultKind::HoldBody) => {
                hold_body = true;
                None
            }
            other => other,
        };
        let out = reader.get_mut();
        let next = match fault {
            Some(fault) => apply_fault(out, shared, &fault, keep_alive),
            None => {
                let (status, mut headers, body) = match route {
                    Route::Token => handle_token(shared, &req),
                    Route::Accounts => handle_accounts(shared, &req),
                    Route::Other => (404, Vec::new(), not_found_body()),
                };
                headers.extend(limit_headers.into_iter().chain(added));
                let status = status_as.unwrap_or(status);
                let skew = {
                    let config = &shared.state().config;
                    match route {
                        Route::Token => config.token_date_skew.or(config.date_skew),
                        _ => config.date_skew,
                    }
                };
                if let Some(skew) = skew {
                    let now = std::time::SystemTime::now();
                    let by = Duration::from_secs(skew.unsigned_abs());
                    let at = if skew >= 0 { now + by } else { now - by };
                    headers.push(("Date", httpdate::fmt_http_date(at)));
                }
                let written = match hold_body {
                    true => write_held(out, shared, status, &headers, body.as_bytes(), keep_alive),
                    false => write_response(out, status, &headers, body.as_bytes(), keep_alive),
                };
                match written {
                    Ok(()) => Next::KeepGoing,
                    Err(_) => Next::Close,
                }
            }
        };
        if shared.state().config.one_request_per_connection {
            // Closed, unanswered (or a 408), once the client has sent the next request.
            let _ = reader.fill_buf();
            if shared.state().config.timeout_408_on_reuse {
                let _ = write_response(reader.get_mut(), 408, &[], b"", false);
            }
            return;
        }
        match next {
            Next::KeepGoing if keep_alive && !shared.is_shut_down() => continue,
            _ => return,
        }
    }
}

/// Reads one request. `Ok(None)` when the peer closed the connection before a new request.
fn read_request<S: Read + Write>(reader: &mut BufReader<S>) -> Result<Option<Request>, ReadError> {
    // Request line (tolerating empty lines before it, RFC 9112 §2.2).
    let mut line = String::new();
    loop {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad("Malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Bad("Unsupported HTTP version"));
    }
    let (method, target, version) = (method.to_string(), target.to_string(), version.to_string());

    let mut headers = Vec::new();
    loop {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Err(ReadError::Closed);
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        let Some((name, value)) = l.split_once(':') else {
            return Err(ReadError::Bad("Malformed header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        if headers.len() > MAX_HEADERS {
            return Err(ReadError::Bad("Too many headers"));
        }
    }
    let mut req = Request {
        method,
        target,
        version,
        headers,
        body: Vec::new(),
    };

    let chunked = req.has_token("transfer-encoding", "chunked");
    let length = match req.header("content-length") {
        Some(v) => Some(
            v.parse::<usize>()
                .map_err(|_| ReadError::Bad("Invalid Content-Length"))?,
        ),
        None => None,
    };
    if length.is_some_and(|n| n > MAX_BODY) {
        return Err(ReadError::TooLarge);
    }
    let wants_body = chunked || length.is_some_and(|n| n > 0);
    if wants_body && req.has_token("expect", "100-continue") {
        let out = reader.get_mut();
        out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        out.flush()?;
    }
    if chunked {
        req.body = read_chunked(reader)?;
    } else if let Some(n) = length {
        let mut body = vec![0; n];
        reader.read_exact(&mut body)?;
        req.body = body;
    }
    Ok(Some(req))
}

fn read_line<R: BufRead>(reader: &mut R, line: &mut String) -> Result<usize, ReadError> {
    let mut buf = Vec::new();
    let n = reader.by_ref().take(MAX_LINE).read_until(b'\n', &mut buf)?;
    if n > 0 && !buf.ends_with(b"\n") {
        // Either EOF mid-line or a line longer than MAX_LINE.
        return if (n as u64) < MAX_LINE {
            Err(ReadError::Closed)
        } else {
            Err(ReadError::Bad("Line too long"))
        };
    }
    line.push_str(&String::from_utf8_lossy(&buf));
    Ok(n)
}

fn read_chunked<R: BufRead>(reader: &mut R) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Err(ReadError::Closed);
        }
        let size_text = line.trim().split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| ReadError::Bad("Invalid chunk size"))?;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                line.clear();
                if read_line(reader, &mut line)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::TooLarge);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
    }
}

/// Records the request and decides its route, fault and delay hook (all under one lock).
fn record_and_decide(
    shared: &Shared,
    req: &Request,
    conn: usize,
) -> (Route, Option<FaultKind>, Option<Delay>) {
    let recorded = Recorded {
        method: req.method.clone(),
        target: req.target.clone(),
        headers: req.headers.clone(),
        body: String::from_utf8_lossy(&req.body).into_owned(),
        connection: conn,
    };
    // Behind a reverse proxy, the API sees the path with the proxy's prefix taken off.
    let proxied_under = shared.state().config.proxied_under;
    let behind = match proxied_under {
        None => Some(recorded.clone()),
        Some(prefix) => (recorded.target.strip_prefix(prefix))
            .filter(|rest| rest.starts_with('/'))
            .map(|rest| Recorded {
                target: rest.to_string(),
                ..recorded.clone()
            }),
    };
    let route = match behind {
        Some(r) if is_token_request(&r) => Route::Token,
        Some(r) if is_accounts_request(&r) => Route::Accounts,
        _ => Route::Other,
    };
    let page = requested_page(&recorded);

    let mut st = shared.state();
    st.requests.push(recorded);
    let nth = st.requests.len();
    let matches = |m: &RequestMatch| match *m {
        RequestMatch::Token => route == Route::Token,
        RequestMatch::Page(p) => route == Route::Accounts && page == Some(p),
        RequestMatch::AnyPage => route == Route::Accounts,
        RequestMatch::Nth(n) => n == nth,
    };

    // One draw per token/accounts request, whatever else happens, so that the random outcome
    // of a request depends only on the seed and its position in the sequence.
    let random = if route != Route::Other {
        let roll = unit_f64(splitmix64(&mut st.fault_rng));
        let pick = splitmix64(&mut st.fault_rng);
        let kinds = &st.config.faults.random_kinds;
        if roll < st.config.faults.fail_rate && !kinds.is_empty() {
            Some(kinds[(pick % kinds.len() as u64) as usize].clone())
        } else {
            None
        }
    } else {
        None
    };

    let moved = match st.config.moved && route == Route::Accounts {
        true if recorded_path_is_moved(&st.requests[nth - 1]) => None,
        true => Some(FaultKind::PermanentRedirect(format!(
            "{MOVED_PREFIX}{}",
            st.requests[nth - 1].target
        ))),
        false => None,
    };
    let unrouted = (route == Route::Other && st.config.drop_unrouted).then_some(FaultKind::Drop);
    let faults = &mut st.config.faults;
    let fault = if unrouted.is_some() {
        unrouted
    } else if moved.is_some() {
        moved
    } else if let Some(i) = faults.script.iter().position(|(m, _)| matches(m)) {
        Some(faults.script.remove(i).1)
    } else if let Some((_, kind)) = faults.always.iter().find(|(m, _)| matches(m)) {
        Some(kind.clone())
    } else {
        random
    };
    (route, fault, st.config.delay.clone())
}

/// The bucket's say on an accounts request: a 429 instead of `fault` when it has no token, and
/// the rate-limit headers for the answer. Records the arrival.
fn rate_limit(
    shared: &Shared,
    req: &Request,
    route: Route,
    fault: Option<FaultKind>,
) -> (Option<FaultKind>, Vec<(&'static str, String)>) {
    let counts_token = || (shared.state().config.bucket.as_ref()).is_some_and(|b| b.counts_token);
    if route != Route::Accounts && !(route == Route::Token && counts_token()) {
        return (fault, Vec::new());
    }
    let now = Instant::now();
    let page = split_target(&req.target).1;
    let page = query_pairs(page)
        .into_iter()
        .find(|(k, _)| k == "page")
        .map_or(Some(1), |(_, v)| v.parse().ok())
        .filter(|_| route == Route::Accounts)
        .unwrap_or(0);
    let mut st = shared.state();
    let Some(bucket) = st.config.bucket.clone() else {
        st.arrivals.push(Arrival {
            at: now,
            page,
            refused: false,
        });
        return (fault, Vec::new());
    };
    let (tokens, since) = st.bucket_tokens.unwrap_or((bucket.burst, now));
    let mut tokens =
        (tokens + bucket.rate * now.duration_since(since).as_secs_f64()).min(bucket.burst);
    if let Some(window) = bucket.window {
        let counted = (st.arrivals.iter())
            .filter(|a| now.duration_since(a.at) < window && (!a.refused || bucket.refused_costs))
            .count();
        tokens = bucket.burst - counted as f64;
    }
    let refused = tokens < 1.0;
    if !refused || bucket.refused_costs {
        tokens -= 1.0;
    }
    st.bucket_tokens = Some((tokens, now));
    st.arrivals.push(Arrival {
        at: now,
        page,
        refused,
    });
    drop(st);
    let remaining = tokens.max(0.0).floor();
    let reset = ((bucket.burst - tokens) / bucket.rate).max(0.0).ceil();
    let window = bucket.burst / bucket.rate;
    let mut headers = match bucket.headers {
        RateHeaderStyle::None | RateHeaderStyle::Restify => Vec::new(),
        RateHeaderStyle::Ietf => vec![
            ("RateLimit-Limit", format!("{}", bucket.burst)),
            ("RateLimit-Remaining", format!("{remaining}")),
            ("RateLimit-Reset", format!("{reset}")),
            ("RateLimit-Policy", format!("{};w={window}", bucket.burst)),
        ],
        RateHeaderStyle::X => vec![
            ("X-RateLimit-Limit", format!("{}", bucket.burst)),
            ("X-RateLimit-Remaining", format!("{remaining}")),
            ("X-RateLimit-Reset", format!("{reset}")),
        ],
        RateHeaderStyle::Structured => vec![
            ("RateLimit", format!("\"bucket\";r={remaining};t={reset}")),
            (
                "RateLimit-Policy",
                format!("\"bucket\";q={};w={window}", bucket.burst),
            ),
        ],
        RateHeaderStyle::StructuredTwo => vec![
            ("RateLimit", "\"100-in-1min\"; r=99; t=60".to_owned()),
            ("RateLimit", format!("\"bucket\"; r={remaining}; t={reset}")),
            (
                "RateLimit-Policy",
                "\"100-in-1min\"; q=100; w=60; pk=:MTJjYTE3YjQ5YWYy:".to_owned(),
            ),
            (
                "RateLimit-Policy",
                format!(
                    "\"bucket\"; q={}; w={window}; pk=:MTJjYTE3YjQ5YWYy:",
                    bucket.burst
                ),
            ),
        ],
        RateHeaderStyle::HapiPath => vec![
            ("X-RateLimit-PathLimit", format!("{}", bucket.burst)),
            ("X-RateLimit-PathRemaining", format!("{}", tokens.floor())),
            ("X-RateLimit-PathReset", format!("{}", unix_ms_in(reset))),
        ],
        RateHeaderStyle::NamedShort if refused => Vec::new(),
        RateHeaderStyle::NamedShort => vec![
            ("X-RateLimit-Limit-short", format!("{}", bucket.burst)),
            ("X-RateLimit-Remaining-short", format!("{remaining}")),
            ("X-RateLimit-Reset-short", format!("{reset}")),
        ],
    };
    if !refused {
        return (fault, headers);
    }
    if bucket.headers == RateHeaderStyle::Restify {
        let words = format!(
            "You have exceeded your request rate of {} r/s.",
            bucket.rate
        );
        let body = json!({"code": "TooManyRequests", "message": words}).to_string();
        return (
            Some(FaultKind::StatusWithBody(bucket.status, body)),
            headers,
        );
    }
    let named = bucket.headers == RateHeaderStyle::NamedShort;
    if let Some(value) = bucket.retry_after {
        headers.push((
            if named {
                "Retry-After-short"
            } else {
                "Retry-After"
            },
            value,
        ));
    }
    (
        Some(FaultKind::RateLimited(bucket.status, headers)),
        Vec::new(),
    )
}

/// The Unix time in milliseconds `secs` seconds from now.
fn unix_ms_in(secs: f64) -> u128 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.unwrap_or_default().as_millis() + (secs * 1000.0) as u128
}

fn is_token_request(r: &Recorded) -> bool {
    r.method == "POST" && r.path() == "/oauth/token"
}

fn is_accounts_request(r: &Recorded) -> bool {
    r.method == "GET" && (r.path() == "/express/accounts" || recorded_path_is_moved(r))
}

fn recorded_path_is_moved(r: &Recorded) -> bool {
    r.path().strip_prefix(MOVED_PREFIX) == Some("/express/accounts")
}

/// The page an accounts request asks for: absent means 1, unparsable means `None`.
fn requested_page(r: &Recorded) -> Option<u64> {
    match r.query_param("page") {
        None => Some(1),
        Some(p) => p.parse().ok(),
    }
}

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

type Answer = (u16, Vec<(&'static str, String)>, String);

fn handle_token(shared: &Shared, req: &Request) -> Answer {
    let mut st = shared.state();
    let credentials = req
        .header("authorization")
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("basic").then_some(rest)
        })
        .and_then(|b64| base64_decode(b64.trim()))
        .and_then(|raw| String::from_utf8(raw).ok());
    let authenticated = credentials
        .as_deref()
        .and_then(|c| c.split_once(':'))
        // RFC 6749 §2.3.1: the id and secret are form-urlencoded before the Basic encoding.
        .is_some_and(|(id, secret)| {
            let decode = |s: &str| match st.config.basic_undecoded {
                true => s.to_string(),
                false => percent_decode(s),
            };
            decode(id) == st.config.client_id && decode(secret) == st.config.client_secret
        });
    let rotated = (st.config.faults.tokens_before_refusing).is_some_and(|n| st.tokens_issued >= n);
    if !authenticated || rotated {
        st.token_refusals += 1;
        return (
            401,
            vec![("WWW-Authenticate", "Basic realm=\"talkdeskid\"".to_string())],
            oauth_error("invalid_client", "Client authentication failed"),
        );
    }
    let form = query_pairs(&String::from_utf8_lossy(&req.body));
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match field("grant_type") {
        Some("client_credentials") => {}
        Some(other) => {
            return (
                400,
                Vec::new(),
                oauth_error(
                    "unsupported_grant_type",
                    &format!("The authorization grant type \"{other}\" is not supported"),
                ),
            );
        }
        None => {
            return (
                400,
                Vec::new(),
                oauth_error("invalid_request", "Missing grant_type parameter"),
            );
        }
    }
    st.tokens_issued += 1;
    let n = st.tokens_issued;
    let suffix = splitmix64(&mut st.token_rng);
    let padding = "t".repeat(st.config.token_padding);
    let token = format!("fake-token-{n}-{suffix:016x}{padding}");
    st.tokens.insert(token.clone(), (0, Instant::now()));
    let scope = st.config.scope.clone();
    st.token_scopes.insert(token.clone(), scope);
    let mut body = json!({
        "access_token": token,
        "token_type": st.config.token_type_as.unwrap_or("Bearer"),
        "expires_in": st.config.expires_in_as.clone().unwrap_or(json!(st.config.expires_in)),
        "scope": st.config.scope,
    });
    if st.config.scope_omitted {
        body.as_object_mut().map(|b| b.remove("scope"));
    }
    let mut headers = vec![
        ("Cache-Control", "no-store".to_string()),
        ("Pragma", "no-cache".to_string()),
    ];
    if st.config.echo_token_header {
        headers.push(("X-Echo-Token", format!("t={token}")));
    }
    let bom = if st.config.token_bom { "\u{feff}" } else { "" };
    (200, headers, format!("{bom}{body}"))
}

fn handle_accounts(shared: &Shared, req: &Request) -> Answer {
    let (_, query) = split_target(&req.target);
    let params = query_pairs(query);
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };

    let mut st = shared.state();

    // Authentication.
    let token = req.header("authorization").and_then(|v| {
        let (scheme, rest) = v.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim().to_string())
    });
    let limit = st.config.faults.token_valid_for_requests;
    let life = st.config.faults.token_valid_for;
    let accepted = match token.as_ref().and_then(|t| st.tokens.get_mut(t)) {
        Some((uses, issued))
            if limit.is_none_or(|l| *uses < l) && life.is_none_or(|l| issued.elapsed() < l) =>
        {
            *uses += 1;
            true
        }
        _ => false,
    };
    let granted = token.as_ref().and_then(|t| st.token_scopes.get(t)).cloned();
    if let Some(token) = token.filter(|_| !accepted) {
        let first = *st.refused_at.entry(token).or_insert_with(Instant::now);
        if first.elapsed() > Duration::from_millis(100) {
            st.stale_token_sends += 1;
        }
    }
    if !accepted && st.config.bare_403_for_bad_tokens {
        return (403, Vec::new(), String::new());
    }
    if !accepted && st.config.xml_403_for_bad_tokens {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error>\n  <message>403 Forbidden</message>\n</error>\n";
        return (403, Vec::new(), xml.into());
    }
    if !accepted {
        return (
            401,
            Vec::new(),
            talkdesk_error(401, Some("Invalid or expired token")),
        );
    }
    let granted = granted.unwrap_or_else(|| st.config.scope.clone());
    if !granted.split_whitespace().any(|s| s == ACCOUNTS_SCOPE) {
        return (
            403,
            Vec::new(),
            talkdesk_error(
                403,
                Some("The access token does not have the required scope"),
            ),
        );
    }

    // Query parameters.
    let mut bad_fields = Vec::new();
    let cursor = st.config.links == LinkStyle::Cursor;
    let page = match param(if cursor { "cursor" } else { "page" }) {
        Some(c) if cursor => c
            .strip_prefix('p')
            .and_then(|p| p.parse().ok())
            .unwrap_or(1),
        None => 1,
        Some(p) => match p.parse::<u64>() {
            Ok(p) if p >= 1 => p,
            _ => {
                bad_fields
                    .push(json!({"name": "page", "description": "must be a positive integer"}));
                1
            }
        },
    };
    let requested = match param("per_page") {
        None => 50,
        Some(n) => match n.parse::<u64>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                bad_fields
                    .push(json!({"name": "per_page", "description": "must be between 1 and 100"}));
                50
            }
        },
    };
    if !bad_fields.is_empty() {
        let body = json!({
            "code": "400",
            "message": "Bad Request",
            "description": "Invalid query parameters",
            "fields": bad_fields,
        });
        return (400, Vec::new(), body.to_string());
    }

    let per_page = requested.min(st.config.page_cap.max(1) as u64);
    if let Some(text) = st.rendered.get(&(page, per_page)) {
        return (200, Vec::new(), String::clone(text));
    }
    let cache = st.config.cache_pages;
    let total = st.config.accounts.len() as u64;
    let real_pages = total.div_ceil(per_page);
    let total_pages = st.config.claimed_total_pages.unwrap_or(real_pages);
    let step = if st.config.offset_by_asked {
        requested
    } else {
        per_page
    };
    let start = page.saturating_sub(1).saturating_mul(step);
    let clamp = st.config.clamp_past_the_end;
    let start = match start {
        _ if start < total => start,
        _ if clamp && total > 0 => (real_pages - 1) * per_page,
        _ => total,
    };
    let accounts: Vec<Value> = if start < total {
        let end = (start + per_page).min(total);
        st.config.accounts[start as usize..end as usize].to_vec()
    } else {
        Vec::new()
    };
    let links = st.config.links;
    let moved = st.config.moved;
    let field = page - u64::from(st.config.page_field_from_zero);
    let no_total_pages = st.config.no_total_pages;
    let no_per_page = st.config.no_per_page;
    drop(st);

    let mut body = serde_json::Map::new();
    body.insert("count".into(), json!(accounts.len()));
    body.insert("page".into(), json!(field));
    if !no_per_page {
        body.insert("per_page".into(), json!(per_page));
    }
    body.insert("total".into(), json!(total));
    if !no_total_pages {
        body.insert("total_pages".into(), json!(total_pages));
    }
    body.insert("_embedded".into(), json!({ "accounts": accounts }));
    if links != LinkStyle::None {
        let mut prefix = match links {
            LinkStyle::Absolute => shared.base_url(),
            LinkStyle::PlainHttp => shared.base_url().replacen("https://", "http://", 1),
            _ => String::new(),
        };
        if moved {
            prefix.push_str(MOVED_PREFIX);
        }
        let key = if links == LinkStyle::Cursor {
            "cursor=p"
        } else {
            "page="
        };
        let href = |p: u64| json!({ "href": format!("{prefix}/express/accounts?{key}{p}&per_page={per_page}") });
        let mut l = serde_json::Map::new();
        l.insert("self".into(), href(page));
        l.insert("first".into(), href(1));
        l.insert("last".into(), href(total_pages.max(1)));
        if page > 1 {
            l.insert("prev".into(), href(page - 1));
        }
        if page < total_pages.min(real_pages) || clamp {
            l.insert("next".into(), href(page + 1));
        }
        body.insert("_links".into(), Value::Object(l));
    }
    let text = Value::Object(body).to_string();
    if cache {
        shared
            .state()
            .rendered
            .insert((page, per_page), Arc::new(text.clone()));
    }
    (200, Vec::new(), text)
}

/// Apigee Edge's answer (HTTP 500 unless the organization asked for 429)
/// to a request its SpikeArrest policy refuses, at a rate of `2ps`.
const APIGEE_SPIKE_ARREST: &str = r#"{"fault":{"faultstring":"Spike arrest violation. Allowed rate : MessageRate{messagesPerPeriod=2, periodInMicroseconds=1000000, maxBurstMessageCount=1.0}","detail":{"errorcode":"policies.ratelimit.SpikeArrestViolation"}}}"#;

fn talkdesk_error(status: u16, description: Option<&str>) -> String {
    let mut body = json!({ "code": status.to_string(), "message": reason(status) });
    if let Some(d) = description {
        body["description"] = json!(d);
    }
    body.to_string()
}

fn not_found_body() -> String {
    talkdesk_error(404, None)
}

fn oauth_error(error: &str, description: &str) -> String {
    json!({ "error": error, "error_description": description }).to_string()
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

fn apply_fault<W: Write>(
    out: &mut W,
    shared: &Shared,
    fault: &FaultKind,
    keep_alive: bool,
) -> Next {
    let written = match fault {
        FaultKind::Status(code) => {
            let body = talkdesk_error(*code, Some("Injected fault"));
            write_response(out, *code, &[], body.as_bytes(), keep_alive)
        }
        FaultKind::StatusWithBody(code, body) => {
            write_response(out, *code, &[], body.as_bytes(), keep_alive)
        }
        FaultKind::RetryAfter(code, value) => {
            let body = talkdesk_error(*code, Some("Injected fault"));
            let headers = [("Retry-After", value.clone())];
            write_response(out, *code, &headers, body.as_bytes(), keep_alive)
        }
        FaultKind::Cached(code, age) => {
            let body = talkdesk_error(*code, Some("Injected fault"));
            let headers = [("Age", age.to_string())];
            write_response(out, *code, &headers, body.as_bytes(), keep_alive)
        }
        FaultKind::Drop => return Next::Close,
        FaultKind::DropAfter(wait) => {
            let until = Instant::now() + *wait;
            while Instant::now() < until && !shared.is_shut_down() {
                thread::sleep(STALL_POLL);
            }
            return Next::Close;
        }
        FaultKind::RawResponse(bytes) => {
            let _ = out.write_all(bytes).and_then(|()| out.flush());
            return Next::Close;
        }
        FaultKind::RawResponseKept(bytes) => {
            if out.write_all(bytes).and_then(|()| out.flush()).is_ok() {
                stall(shared);
            }
            return Next::Close;
        }
        FaultKind::Stall => {
            stall(shared);
            return Next::Close;
        }
        FaultKind::StallBody | FaultKind::CutBody => {
            let head = response_head(200, &[], 1000, true);
            let sent = out
                .write_all(head.as_bytes())
                .and_then(|()| out.write_all(b"{\"count\": "))
                .and_then(|()| out.flush());
            if sent.is_ok() && matches!(fault, FaultKind::StallBody) {
                stall(shared);
            }
            return Next::Close;
        }
        FaultKind::TrickleBody => {
            let mut sent = out.write_all(response_head(200, &[], 1000, true).as_bytes());
            for _ in 0..1000 {
                if sent.is_err() || shared.is_shut_down() {
                    break;
                }
                thread::sleep(STALL_POLL);
                sent = out.write_all(b" ").and_then(|()| out.flush());
            }
            return Next::Close;
        }
        FaultKind::HugeBody(len) => write_huge(out, 200, *len, keep_alive),
        FaultKind::HugeStatusBody(status, len) => write_huge(out, *status, *len, keep_alive),
        FaultKind::Malformed => {
            write_response(out, 200, &[], b"{\"count\": 1, \"_embedded\": ", keep_alive)
        }
        FaultKind::RateLimited(status, headers) => {
            // A 500 is Apigee Edge's SpikeArrest, as it answers by default.
            let body = match status {
                500 => APIGEE_SPIKE_ARREST.to_string(),
                _ => talkdesk_error(*status, Some("Rate limit exceeded")),
            };
            write_response(out, *status, headers, body.as_bytes(), keep_alive)
        }
        FaultKind::RefusedWith(status, headers, body) => {
            write_response(out, *status, headers, body.as_bytes(), keep_alive)
        }
        FaultKind::Redirect(location) => {
            let headers = [("Location", location.clone())];
            write_response(out, 302, &headers, b"", keep_alive)
        }
        FaultKind::PermanentRedirect(location) => {
            let headers = [("Location", location.clone())];
            write_response(out, 308, &headers, b"", keep_alive)
        }
        FaultKind::Json(value) => {
            write_response(out, 200, &[], value.to_string().as_bytes(), keep_alive)
        }
        // Resolved by the caller ([`await_connections`], [`await_page`]) into the normal answer
        // or a 500.
        FaultKind::AwaitConnections(_)
        | FaultKind::AwaitPages(_)
        | FaultKind::EchoAuthorization(..)
        | FaultKind::EchoTokenPart(_)
        | FaultKind::WithHeaders(_)
        | FaultKind::WithStatus(_)
        | FaultKind::Hold
        | FaultKind::HoldBody => return Next::Close,
    };
    match written {
        Ok(()) => Next::KeepGoing,
        Err(_) => Next::Close,
    }
}

/// Holds an answer for [`FaultKind::AwaitConnections`] or [`FaultKind::AwaitPages`] until
/// `ready` (checked under the state lock): no fault then, a 500 saying `missing` if it is not
/// ready within [`AWAIT_CONNECTIONS_FOR`].
fn await_until(
    shared: &Shared,
    ready: impl Fn(&State) -> bool,
    missing: &str,
) -> Option<FaultKind> {
    let deadline = Instant::now() + AWAIT_CONNECTIONS_FOR;
    while !ready(&shared.state()) {
        if Instant::now() >= deadline || shared.is_shut_down() {
            let body = talkdesk_error(500, Some(missing));
            return Some(FaultKind::StatusWithBody(500, body));
        }
        thread::sleep(STALL_POLL);
    }
    None
}

fn await_connections(shared: &Shared, n: usize) -> Option<FaultKind> {
    let missing = format!("fewer than {n} connections were opened");
    await_until(shared, |st| st.connections >= n, &missing)
}

fn await_pages(shared: &Shared, n: usize) -> Option<FaultKind> {
    let pages = |st: &State| {
        st.requests
            .iter()
            .filter(|r| is_accounts_request(r))
            .count()
    };
    let missing = format!("fewer than {n} pages were requested");
    await_until(shared, |st| pages(st) >= n, &missing)
}

/// Sleeps (holding no lock) until the server is dropped.
fn stall(shared: &Shared) {
    while !shared.is_shut_down() {
        thread::sleep(STALL_POLL);
    }
}

/// A 200 whose body is `len` bytes, streamed from a 64 KiB buffer: a JSON-looking prefix, then
/// padding. Never allocates the whole body.
fn write_huge<W: Write>(out: &mut W, status: u16, len: u64, keep_alive: bool) -> io::Result<()> {
    out.write_all(response_head(status, &[], len, keep_alive).as_bytes())?;
    let prefix = b"{\"count\": 1, \"padding\": \"";
    let mut chunk = vec![b'x'; 64 * 1024];
    let mut left = len;
    let first = (prefix.len() as u64).min(left) as usize;
    out.write_all(&prefix[..first])?;
    left -= first as u64;
    while left > 0 {
        let n = (chunk.len() as u64).min(left) as usize;
        out.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    chunk.clear();
    out.flush()
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

fn response_head(
    status: u16,
    headers: &[(&str, String)],
    content_length: u64,
    keep_alive: bool,
) -> String {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    head.push_str("Server: fake-talkdesk\r\n");
    if content_length > 0 {
        head.push_str("Content-Type: application/json; charset=utf-8\r\n");
    }
    head.push_str(&format!("Content-Length: {content_length}\r\n"));
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n"
    } else {
        "Connection: close\r\n"
    });
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// [`write_response`], the body after its first byte held until [`FakeApi::release`].
fn write_held<W: Write>(
    out: &mut W,
    shared: &Shared,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    keep_alive: bool,
) -> io::Result<()> {
    let mut bytes = response_head(status, headers, body.len() as u64, keep_alive).into_bytes();
    bytes.extend_from_slice(&body[..body.len().min(1)]);
    out.write_all(&bytes)?;
    out.flush()?;
    shared.state().bodies_held += 1;
    while !shared.state().released && !shared.is_shut_down() {
        thread::sleep(STALL_POLL);
    }
    out.write_all(&body[body.len().min(1)..])?;
    out.flush()
}

/// Writes a complete response in one `write_all`.
fn write_response<W: Write>(
    out: &mut W,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    keep_alive: bool,
) -> io::Result<()> {
    let mut bytes = response_head(status, headers, body.len() as u64, keep_alive).into_bytes();
    bytes.extend_from_slice(body);
    out.write_all(&bytes)?;
    out.flush()
}

/// A TLS server's configuration with this certificate chain and private key (PEM), as
/// [`FakeApi::start_tls`] serves with (and a test's TLS-speaking proxy).
pub fn tls_config(cert_pem: &str, key_pem: &str) -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .expect("fake API: certificate PEM");
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).expect("fake API: key PEM");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("fake API: TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("fake API: certificate and key");
    Arc::new(tls)
}

/// The standard reason phrase of a status code.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

fn split_target(target: &str) -> (&str, &str) {
    target.split_once('?').unwrap_or((target, ""))
}

/// Parses `a=1&b=two` (query string or form body), percent-decoding names and values.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Form/query decoding: `+` is a space, `%XX` a byte; invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Base64 and PRNG
// ---------------------------------------------------------------------------------------------

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 (padding optional); `None` on any invalid character or length.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `Basic base64(client_id:client_secret)`, the value of an `Authorization` header.
pub fn basic_auth(client_id: &str, client_secret: &str) -> String {
    format!(
        "Basic {}",
        base64_encode(format!("{client_id}:{client_secret}").as_bytes())
    )
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit_f64(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

// ---------------------------------------------------------------------------------------------
// Sample data
// ---------------------------------------------------------------------------------------------

/// (account name slug, company name)
const COMPANIES: [(&str, &str); 24] = [
    ("josephpinetrees", "Joseph Pinetrees Inc."),
    ("acmecorp", "Acme Corp"),
    ("smithjones", "Smith, Jones & Partners"),
    ("bestwidgets", "The \"Best\" Widgets Co."),
    ("cafezurich", "Café Zürich GmbH"),
    ("tokyotelecom", "東京テレコム株式会社"),
    ("northwind", "Northwind Traders"),
    ("twolines", "Two Lines\nSupport Ltd"),
    ("globex", "Globex Corporation"),
    ("initech", "Initech, LLC"),
    ("sao-paulo-seguros", "São Paulo Seguros S.A."),
    ("umbrella", "Umbrella Health"),
    ("contoso", "Contoso Ltd."),
    ("munchenmobil", "München Mobil AG"),
    ("oreilly", "O'Reilly & \"Sons\", Ltd."),
    ("bluesky", "Blue Sky Airlines"),
    ("moskva-svyaz", "Москва Связь"),
    ("greenfield", "Greenfield Energy"),
    ("lisboa-tech", "Lisboa Tech, Lda."),
    ("seoul-contact", "서울 컨택센터"),
    ("hooli", "Hooli"),
    ("pied-piper", "Pied Piper"),
    ("cyberdyne", "Cyberdyne Systems"),
    ("soylent", "Soylent Foods"),
];

/// Status mix: mostly ACTIVE, all seven present within the first 15.
const STATUS_MIX: [&str; 20] = [
    "ACTIVE",
    "ACTIVE",
    "IN_TRIAL",
    "ACTIVE",
    "CHURNED",
    "ACTIVE",
    "ACTIVE",
    "INACTIVE",
    "ACTIVE",
    "PROSPECT",
    "ACTIVE",
    "ACTIVE",
    "TRIAL_LOST",
    "ACTIVE",
    "OTHER",
    "ACTIVE",
    "IN_TRIAL",
    "ACTIVE",
    "ACTIVE",
    "ACTIVE",
];

const REGIONS: [&str; 3] = ["eu-west", "us-east", "ca-central"];

/// Deterministic, realistic sample data: `n` accounts with unique 24-hex-digit ids, unique
/// lowercase `name`s, varied `company_name`s (commas, double quotes, a newline, non-ASCII), a
/// status mix that is mostly ACTIVE, and on every 10th account an extra unknown `region` field.
pub fn sample_accounts(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let (slug, company) = COMPANIES[i % COMPANIES.len()];
            let round = i / COMPANIES.len();
            let (name, company_name) = if round == 0 {
                (slug.to_string(), company.to_string())
            } else {
                (
                    format!("{slug}{}", round + 1),
                    format!("{company} {}", round + 1),
                )
            };
            let id = format!(
                "5ea75fe7aa2247{:010x}",
                0x01_0000_0000u64 + i as u64 * 7 + 0x40
            );
            let mut account = json!({
                "id": id,
                "name": name,
                "company_name": company_name,
                "status": STATUS_MIX[i % STATUS_MIX.len()],
            });
            if i % 10 == 9 {
                account["region"] = json!(REGIONS[(i / 10) % REGIONS.len()]);
            }
            account
        })
        .collect()
}

/// The demo's fake (`cargo run --example demo`), which the documentation's samples are run
/// against: 120 [`sample_accounts`], at most 50 a page.
pub fn demo_config() -> FakeConfig {
    FakeConfig {
        accounts: sample_accounts(120),
        page_cap: 50,
        ..FakeConfig::default()
    }
}

/// Weekly snapshots in the demo's history (half a year).
pub const DEMO_WEEKS: i64 = 26;

/// When the last weekly snapshot of the documentation's history was taken (Monday
/// 2026-11-23T02:15:00Z, seconds since the epoch): docs/history.md's samples show these dates.
pub const DOCS_LAST_SNAPSHOT: i64 = 1_795_400_100;

/// The demo organization `weeks_ago` weeks before the live list ([`demo_config`]): the same
/// accounts, of which the later ones had not joined yet, recent joiners still in trial, and
/// churned or lost accounts still active or in trial before they left.
pub fn demo_state(weeks_ago: i64) -> Vec<Value> {
    let week = DEMO_WEEKS - weeks_ago;
    sample_accounts(120)
        .into_iter()
        .enumerate()
        .filter_map(|(i, mut account)| {
            let i = i as i64;
            // The first 70 were there from the start; the others joined
            // one every few days.
            let joined = if i < 70 {
                0
            } else {
                (i - 70) * DEMO_WEEKS / 50
            };
            if week < joined {
                return None;
            }
            let status = account["status"].as_str().unwrap_or("").to_string();
            let left = 4 + (i * 7) % (DEMO_WEEKS - 4);
            let earlier = match status.as_str() {
                "CHURNED" | "INACTIVE" if week < left => Some("ACTIVE"),
                "TRIAL_LOST" if week < left => Some("IN_TRIAL"),
                "ACTIVE" if joined > 0 && week < joined + 3 => Some("IN_TRIAL"),
                _ => None,
            };
            if let Some(earlier) = earlier {
                account["status"] = Value::String(earlier.into());
            }
            Some(account)
        })
        .collect()
}

/// The demo's history as saved exports, oldest first: for each of the [`DEMO_WEEKS`] weeks the
/// time to record it at (RFC 3339; the newest at `last`, seconds since the epoch, the others a
/// week apart before it) and the export's `list -o jsonl` text, for `snapshot --import`.
pub fn demo_history(last: i64) -> Result<Vec<(String, String)>, String> {
    (1..=DEMO_WEEKS)
        .rev()
        .map(|weeks_ago| {
            let at = jiff::Timestamp::from_second(last - (weeks_ago - 1) * 7 * 86_400)
                .map_err(|e| e.to_string())?
                .to_string();
            let lines = demo_state(weeks_ago)
                .iter()
                .map(|account| format!("{account}\n"))
                .collect();
            Ok((at, lines))
        })
        .collect()
}

/// `n` accounts with simple predictable content: id `acc-0001`.., name `name-1`..,
/// company_name `Company 1`.., status cycling the seven statuses in the documented order.
pub fn simple_accounts(n: usize) -> Vec<Value> {
    (1..=n)
        .map(|i| {
            json!({
                "id": format!("acc-{i:04}"),
                "name": format!("name-{i}"),
                "company_name": format!("Company {i}"),
                "status": STATUSES[(i - 1) % STATUSES.len()],
            })
        })
        .collect()
}
