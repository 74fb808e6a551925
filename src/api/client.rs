//! The one HTTP agent of a run: TLS roots, timeouts, no redirects, a body
//! cap, retries with backoff, and the `-v` request log with secrets
//! redacted.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    ConnectProxyConnector, Connector, RustlsConnector, TcpConnector,
};
use ureq::{Agent, Body, RequestBuilder};

use super::pacer::{Answer, Pace, SystemClock, parse_rate_headers, with_jitter};
use super::proxy::Proxies;
use super::retry::{Jitter, is_retryable_status, jittered, parse_retry_after, scaled};
use super::throttle::RateLimits;
use super::url::Url;
use super::warm::Spares;
use crate::error::{api_error, config_error};
use crate::log::Log;
use crate::output::sanitize::terminal_safe;

/// The largest response body accepted. A page of 100 accounts is a few
/// tens of KiB; anything near this is a broken or hostile server.
pub const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

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
    pub backoff_scale: f64,
    /// `--max-rate`: requests a second at most.
    pub max_rate: Option<f64>,
    pub log: Log,
}

/// One request to make.
pub struct Request<'a> {
    pub method: &'static str,
    pub url: &'a Url,
    /// Sent as is but logged as `<redacted>`.
    pub authorization: Option<&'a str>,
    /// A form body (`application/x-www-form-urlencoded`), for POST.
    pub form: Option<&'a str>,
}

/// A response: its status, `Location` for redirects, and the whole body
/// (already capped). `Debug` leaves the body out: a token answer holds the
/// token.
pub struct Reply {
    pub status: u16,
    /// How many retries it took (0 for a first-try answer).
    pub retries: u32,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("retries", &self.retries)
            .field("location", &self.location)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// The secrets of a run (the client secret, the Basic credentials, every
/// token), so that no log line or error message can carry one, even when
/// a server echoes it back.
#[derive(Debug, Default)]
pub struct Redactor {
    secrets: Mutex<Vec<String>>,
}

impl Redactor {
    /// Shorter values are not redacted: replacing every `a` of a message
    /// would garble it, and no real secret is that short.
    const MIN_LEN: usize = 4;

    /// Remembers a secret.
    pub fn add(&self, secret: &str) {
        if secret.chars().count() < Self::MIN_LEN {
            return;
        }
        if let Ok(mut secrets) = self.secrets.lock() {
            if !secrets.iter().any(|s| s == secret) {
                secrets.push(secret.to_string());
                // Longest first, so a secret inside another goes with it.
                secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
            }
        }
    }

    /// Remembers the credential of an `Authorization` value (`Basic …`,
    /// `Bearer …`).
    pub fn add_authorization(&self, value: &str) {
        match value.split_once(' ') {
            Some((_, credential)) => self.add(credential.trim()),
            None => self.add(value),
        }
    }

    /// `text` with every known secret replaced by `<redacted>`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        if let Ok(secrets) = self.secrets.lock() {
            for secret in secrets.iter() {
                if out.contains(secret.as_str()) {
                    out = out.replace(secret.as_str(), "<redacted>");
                }
            }
        }
        out
    }
}

/// What one attempt ended with, before deciding on a retry: a reply with
/// what it says about the rate limit, or a failure worth retrying.
enum Attempt {
    Reply(Reply, Answer),
    Transient(String),
}

/// The HTTP client shared by the whole run.
pub struct Client {
    agent: Agent,
    /// The proxy, if any, for each URL.
    proxies: Proxies,
    /// Connections opened ahead for the agent (never for a proxied URL).
    spares: Spares,
    options: ClientOptions,
    jitter: Mutex<Jitter>,
    redactor: Redactor,
    rate_limits: RateLimits,
    /// Every request of the run waits here for its turn.
    pace: Pace,
}

impl Client {
    /// Builds the agent: trust roots, timeout, no redirects, no status
    /// errors (statuses are handled here), a User-Agent.
    pub fn new(options: ClientOptions) -> Result<Client> {
        let roots = match &options.ca_bundle {
            Some(path) => RootCerts::Specific(Arc::new(load_ca_bundle(path)?)),
            None => RootCerts::PlatformVerifier,
        };
        let proxies = Proxies::from_env(|name| std::env::var(name).ok())?;
        for line in proxies.describe() {
            options.log.debug(&line);
        }
        let spares = Spares::default();
        let config = Agent::config_builder()
            // Chosen per request (see `attempt`), not by ureq's own reading.
            .proxy(None)
            .tls_config(TlsConfig::builder().root_certs(roots).build())
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
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            .user_agent(concat!("talkdesk-accounts/", env!("CARGO_PKG_VERSION")))
            .accept("application/json")
            .build();
        // ureq's default chain, minus the SOCKS connector (`Proxies` refuses
        // a SOCKS proxy), behind one that hands over spare connections.
        let connector = spares
            .clone()
            .chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(RustlsConnector::default());
        Ok(Client {
            agent: Agent::with_parts(config, connector, DefaultResolver::default()),
            proxies,
            spares,
            jitter: Mutex::new(Jitter::new()),
            redactor: Redactor::default(),
            rate_limits: RateLimits::default(),
            pace: Pace::new(SystemClock, options.max_rate),
            options,
        })
    }

    pub fn log(&self) -> Log {
        self.options.log
    }

    /// The run's secrets, for callers that build messages from answers.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// A `-v` line, secrets redacted.
    pub fn debug(&self, message: &str) {
        if self.options.log.verbose() {
            self.options.log.debug(&self.redactor.redact(message));
        }
    }

    /// A warning (silenced by `-q`), secrets redacted.
    pub fn warn(&self, message: &str) {
        self.options.log.warn(&self.redactor.redact(message));
    }

    /// Opens `n` connections to `url`'s host in the background, for
    /// requests that will follow (see [`warm`](super::warm)). Nothing is
    /// opened for a URL that goes through a proxy.
    pub fn preconnect(&self, url: &Url, n: usize) {
        if self.proxies.for_url(url).is_some() {
            return;
        }
        self.debug(&format!(
            "opening {n} more {} to {}:{} ahead of need",
            if n == 1 { "connection" } else { "connections" },
            url.host(),
            url.port()
        ));
        self.spares
            .open(url.host(), url.port(), n, self.options.timeout);
    }

    /// Lets the agent use the connections opened by [`Client::preconnect`].
    pub fn release_spares(&self) {
        self.spares.release();
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
    /// reply whatever its status; a transport failure that outlives the
    /// retries is an API error (exit 5).
    pub fn send(&self, request: &Request) -> Result<Reply> {
        if let Some(authorization) = request.authorization {
            self.redactor.add_authorization(authorization);
        }
        let mut failures: Vec<String> = Vec::new();
        let mut attempt = 0u32;
        loop {
            // First tries and retries alike take their turn in the pace.
            let (slot, waited) = self.pace.send_slot();
            if waited >= Duration::from_millis(1) {
                self.debug(&format!(
                    "waited {:.3} s for the rate limit before {} {}",
                    waited.as_secs_f64(),
                    request.method,
                    request.url
                ));
            }
            let started = Instant::now();
            let outcome = self.attempt(request);
            let elapsed = started.elapsed();
            match &outcome {
                Ok(Attempt::Reply(_, answer)) => {
                    if let Some(change) = self.pace.on_answer(slot, answer) {
                        self.debug(&format!("rate limit: {change}"));
                    }
                }
                _ => self.pace.no_answer(slot),
            }
            let (what, wait_hint) = match &outcome {
                Ok(Attempt::Reply(reply, answer)) => {
                    let retry_after = &answer.retry_after;
                    self.debug(&format!(
                        "{} {} -> {} ({} ms{})",
                        request.method,
                        request.url,
                        reply.status,
                        elapsed.as_millis(),
                        retries_suffix(attempt)
                    ));
                    if !is_retryable_status(reply.status) {
                        break self.finish(request, &failures, outcome);
                    }
                    (format!("HTTP {}", reply.status), *retry_after)
                }
                Ok(Attempt::Transient(message)) => {
                    self.debug(&format!(
                        "{} {} -> {message} ({} ms{})",
                        request.method,
                        request.url,
                        elapsed.as_millis(),
                        retries_suffix(attempt)
                    ));
                    (message.clone(), None)
                }
                Err(_) => break self.finish(request, &failures, outcome),
            };
            failures.push(what.clone());
            if attempt >= self.options.max_retries {
                break self.finish(request, &failures, outcome);
            }
            let delay = match wait_hint {
                // Requests refused together do not come back together.
                Some(d) => with_jitter(d, self.jitter_fraction()),
                None => scaled(
                    jittered(attempt, self.jitter_fraction()),
                    self.options.backoff_scale,
                ),
            };
            if matches!(&outcome, Ok(Attempt::Reply(r, _)) if r.status == 429) {
                self.rate_limits.note(delay);
            }
            self.debug(&format!(
                "retry {}/{} of {} {} in {:.3} s{} after {what}",
                attempt + 1,
                self.options.max_retries,
                request.method,
                request.url,
                delay.as_secs_f64(),
                if wait_hint.is_some() {
                    " (Retry-After)"
                } else {
                    ""
                }
            ));
            thread::sleep(delay);
            attempt += 1;
        }
    }

    /// A random fraction in `[0, 1)`.
    fn jitter_fraction(&self) -> f64 {
        self.jitter
            .lock()
            .map(|mut j| j.next_fraction())
            .unwrap_or(0.5)
    }

    /// Turns the last attempt into the result, warning once when retries
    /// were needed.
    fn finish(
        &self,
        request: &Request,
        failures: &[String],
        outcome: Result<Attempt>,
    ) -> Result<Reply> {
        let succeeded =
            matches!(&outcome, Ok(Attempt::Reply(r, _)) if !is_retryable_status(r.status));
        if !failures.is_empty() && succeeded {
            self.warn(&format!(
                "{} {} needed {} {} ({})",
                request.method,
                request.url,
                failures.len(),
                if failures.len() == 1 {
                    "retry"
                } else {
                    "retries"
                },
                failures.join(", ")
            ));
        }
        let outcome = outcome.with_context(|| format!("{} {}", request.method, request.url));
        match outcome? {
            Attempt::Reply(mut reply, _) => {
                reply.retries = failures.len().saturating_sub(usize::from(!succeeded)) as u32;
                Ok(reply)
            }
            Attempt::Transient(message) => Err(api_error(format!(
                "{} {}: {message}{}; check your network, or raise --timeout / --max-retries",
                request.method,
                request.url,
                match failures.len() {
                    0 | 1 => String::new(),
                    2 => " (after 1 retry)".to_string(),
                    n => format!(" (after {} retries)", n - 1),
                }
            ))),
        }
    }

    /// The request through the proxy for its URL, if there is one.
    fn via_proxy<B>(&self, url: &Url, builder: RequestBuilder<B>) -> RequestBuilder<B> {
        match self.proxies.for_url(url) {
            Some(proxy) => builder.config().proxy(Some(proxy.clone())).build(),
            None => builder,
        }
    }

    /// One try: `Ok(Reply)` for any HTTP answer, `Ok(Transient)` for a
    /// failure worth retrying, `Err` for one that is final.
    fn attempt(&self, request: &Request) -> Result<Attempt> {
        let log = self.options.log;
        let url = request.url.to_string();
        if log.very_verbose() {
            self.debug(&format!("> {} {url}", request.method));
            self.debug(&format!(
                "> User-Agent: talkdesk-accounts/{}",
                env!("CARGO_PKG_VERSION")
            ));
            self.debug("> Accept: application/json");
            if request.form.is_some() {
                self.debug("> Content-Type: application/x-www-form-urlencoded");
            }
            if request.authorization.is_some() {
                self.debug("> Authorization: <redacted>");
            }
        }
        let result = match (request.method, request.form) {
            ("POST", Some(form)) => {
                let mut builder = self.via_proxy(
                    request.url,
                    self.agent
                        .post(&url)
                        .header("Content-Type", "application/x-www-form-urlencoded"),
                );
                if let Some(auth) = request.authorization {
                    builder = builder.header("Authorization", auth);
                }
                builder.send(form)
            }
            _ => {
                let mut builder = self.via_proxy(request.url, self.agent.get(&url));
                if let Some(auth) = request.authorization {
                    builder = builder.header("Authorization", auth);
                }
                builder.call()
            }
        };
        let mut response = match result {
            Ok(response) => response,
            Err(e) => return classify(e, request, &self.options),
        };
        let status = response.status().as_u16();
        if log.very_verbose() {
            self.debug(&format!("< HTTP {status}"));
            for (name, value) in response.headers() {
                let shown = if is_sensitive_header(name.as_str()) {
                    "<redacted>".to_string()
                } else {
                    // A header value may hold UTF-8 C1 controls (obs-text).
                    terminal_safe(&String::from_utf8_lossy(value.as_bytes()))
                };
                self.debug(&format!("< {name}: {shown}"));
            }
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_after = header("retry-after")
            .and_then(|v| parse_retry_after(&v, SystemTime::now()))
            .map(|d| scaled(d, self.options.backoff_scale));
        let limits = parse_rate_headers(
            |name| response.headers().get(name).and_then(|v| v.to_str().ok()),
            SystemTime::now(),
        );
        let answer = Answer {
            status,
            retry_after,
            headers: limits,
        };
        let location = header("location");
        match read_body(response.body_mut()) {
            Ok(body) => Ok(Attempt::Reply(
                Reply {
                    status,
                    retries: 0,
                    location,
                    body,
                },
                answer,
            )),
            Err(ureq::Error::BodyExceedsLimit(limit)) => Err(api_error(format!(
                "{} {}: HTTP {status} with a body larger than {} MiB, far beyond any page of accounts; check base_url",
                request.method,
                request.url,
                limit / (1024 * 1024)
            ))),
            Err(e) => classify(e, request, &self.options),
        }
    }
}

fn retries_suffix(attempt: u32) -> String {
    if attempt == 0 {
        String::new()
    } else {
        format!(", retry {attempt}")
    }
}

/// Headers whose values are never logged.
fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization"
        || name == "set-cookie"
        || name == "cookie"
        || name == "proxy-authorization"
}

/// Reads the whole body, refusing more than [`MAX_BODY_BYTES`].
fn read_body(body: &mut Body) -> Result<Vec<u8>, ureq::Error> {
    body.with_config().limit(MAX_BODY_BYTES).read_to_vec()
}

/// Sorts a transport error into transient (retry) or final. Final errors
/// name the request.
fn classify(error: ureq::Error, request: &Request, options: &ClientOptions) -> Result<Attempt> {
    use ureq::Error as E;
    let what = format!("{} {}", request.method, request.url);
    match error {
        E::Timeout(_) => Ok(Attempt::Transient(format!(
            "timed out after {} s",
            options.timeout.as_secs()
        ))),
        // rustls reports a failed handshake as an I/O error: final, not retried.
        E::Io(e) => match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(tls) => Err(tls_error(&what, tls)),
            None => Ok(Attempt::Transient(format!("connection error: {e}"))),
        },
        E::ConnectionFailed => Ok(Attempt::Transient("connection failed".into())),
        E::HostNotFound => Ok(Attempt::Transient("host not found".into())),
        E::Protocol(e) => Ok(Attempt::Transient(format!("connection dropped: {e}"))),
        E::BodyExceedsLimit(limit) => Err(api_error(format!(
            "{what}: the response body is larger than {} MiB, far beyond any page of accounts; check base_url",
            limit / (1024 * 1024)
        ))),
        E::Tls(message) => Err(tls_error(&what, &message)),
        E::Rustls(e) => Err(tls_error(&what, &e)),
        other => Err(api_error(format!("{what}: request failed: {other}"))),
    }
}

/// A failed TLS handshake (exit 5), with what to do about it.
fn tls_error(what: &str, cause: &dyn std::fmt::Display) -> anyhow::Error {
    api_error(format!(
        "{what}: TLS error: {cause}; if the certificate is not trusted because a proxy re-signs your traffic, or for a private server, set ca_bundle (or TALKDESK_CA_BUNDLE) to its root certificate (PEM)"
    ))
}

/// Reads every certificate of a PEM bundle; a file with none is a
/// configuration error.
fn load_ca_bundle(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let pem = fs::read(path).map_err(|e| {
        config_error(format!(
            "cannot read ca_bundle {}: {e}; point ca_bundle at a PEM file",
            path.display()
        ))
    })?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(e) => {
                return Err(config_error(format!(
                    "ca_bundle {} is not valid PEM: {e}",
                    path.display()
                )));
            }
        }
    }
    if certs.is_empty() {
        return Err(config_error(format!(
            "ca_bundle {} holds no certificate; point it at a PEM file with -----BEGIN CERTIFICATE----- blocks",
            path.display()
        )));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_secrets_are_redacted_wherever_they_appear() {
        let r = Redactor::default();
        r.add("hunter2-secret");
        r.add_authorization("Bearer tok-123456");
        r.add_authorization("Basic aWQ6c2VjcmV0");
        let text = r.redact(
            "echo: hunter2-secret, Authorization: Bearer tok-123456, aWQ6c2VjcmV0; x-token=tok-123456",
        );
        assert_eq!(
            text,
            "echo: <redacted>, Authorization: Bearer <redacted>, <redacted>; x-token=<redacted>"
        );
    }

    #[test]
    fn very_short_values_are_not_treated_as_secrets() {
        let r = Redactor::default();
        r.add("");
        r.add("abc");
        assert_eq!(r.redact("abc cab"), "abc cab");
    }

    #[test]
    fn a_reply_debug_leaves_the_body_out() {
        let reply = Reply {
            status: 200,
            retries: 0,
            location: None,
            body: br#"{"access_token":"tok-abcdef"}"#.to_vec(),
        };
        let text = format!("{reply:?}");
        assert!(!text.contains("tok-abcdef"), "{text}");
        assert!(text.contains("29 bytes"), "{text}");
    }
}
