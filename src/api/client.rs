//! The one HTTP agent of a run: TLS roots, timeouts, no redirects, a body
//! cap, retries with backoff, and the `-v` request log with secrets
//! redacted.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::{Agent, Body};

use super::retry::{Jitter, is_retryable_status, jittered, parse_retry_after};
use super::throttle::RateLimits;
use super::url::Url;
use crate::error::{api_error, config_error};
use crate::log::Log;

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
/// (already capped).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// How many retries it took (0 for a first-try answer).
    pub retries: u32,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// What one attempt ended with, before deciding on a retry.
enum Attempt {
    Reply(Reply, Option<Duration>),
    Transient(String),
}

/// The HTTP client shared by the whole run.
pub struct Client {
    agent: Agent,
    options: ClientOptions,
    jitter: Mutex<Jitter>,
    rate_limits: RateLimits,
}

impl Client {
    /// Builds the agent: trust roots, timeout, no redirects, no status
    /// errors (statuses are handled here), a User-Agent.
    pub fn new(options: ClientOptions) -> Result<Client> {
        let roots = match &options.ca_bundle {
            Some(path) => RootCerts::Specific(Arc::new(load_ca_bundle(path)?)),
            None => RootCerts::PlatformVerifier,
        };
        let config = Agent::config_builder()
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            .user_agent(concat!("talkdesk-accounts/", env!("CARGO_PKG_VERSION")))
            .accept("application/json")
            .build();
        Ok(Client {
            agent: config.into(),
            options,
            jitter: Mutex::new(Jitter::new()),
            rate_limits: RateLimits::default(),
        })
    }

    pub fn log(&self) -> Log {
        self.options.log
    }

    /// The 429 answers seen so far, for a walker that adapts how many
    /// requests it keeps in flight.
    pub fn rate_limits(&self) -> &RateLimits {
        &self.rate_limits
    }

    /// Sends a request, retrying connection errors, timeouts, 429 and
    /// 5xx (502/503/504/500) up to `max_retries` times. Returns the last
    /// reply whatever its status; a transport failure that outlives the
    /// retries is an API error (exit 5).
    pub fn send(&self, request: &Request) -> Result<Reply> {
        let log = self.options.log;
        let mut failures: Vec<String> = Vec::new();
        let mut attempt = 0u32;
        loop {
            let started = Instant::now();
            let outcome = self.attempt(request);
            let elapsed = started.elapsed();
            let (what, wait_hint) = match &outcome {
                Ok(Attempt::Reply(reply, retry_after)) => {
                    log.debug(&format!(
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
                    log.debug(&format!(
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
                Some(d) => d,
                None => {
                    let fraction = self
                        .jitter
                        .lock()
                        .map(|mut j| j.next_fraction())
                        .unwrap_or(0.5);
                    jittered(attempt, fraction)
                }
            }
            .mul_f64(self.options.backoff_scale);
            if matches!(&outcome, Ok(Attempt::Reply(r, _)) if r.status == 429) {
                self.rate_limits.note(delay);
            }
            log.debug(&format!(
                "retry {}/{} of {} {} in {:.1} s after {what}",
                attempt + 1,
                self.options.max_retries,
                request.method,
                request.url,
                delay.as_secs_f64()
            ));
            thread::sleep(delay);
            attempt += 1;
        }
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
            self.options.log.warn(&format!(
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
        match outcome? {
            Attempt::Reply(mut reply, _) => {
                reply.retries = failures.len().saturating_sub(usize::from(!succeeded)) as u32;
                Ok(reply)
            }
            Attempt::Transient(message) => Err(api_error(format!(
                "{} {}: {message}{}; check your network, or raise --timeout / --max-retries",
                request.method,
                request.url,
                if failures.len() > 1 {
                    format!(" (after {} retries)", failures.len() - 1)
                } else {
                    String::new()
                }
            ))),
        }
    }

    /// One try: `Ok(Reply)` for any HTTP answer, `Ok(Transient)` for a
    /// failure worth retrying, `Err` for one that is final.
    fn attempt(&self, request: &Request) -> Result<Attempt> {
        let log = self.options.log;
        let url = request.url.to_string();
        if log.very_verbose() {
            log.debug(&format!("> {} {url}", request.method));
            log.debug(&format!(
                "> user-agent: talkdesk-accounts/{}",
                env!("CARGO_PKG_VERSION")
            ));
            log.debug("> accept: application/json");
            if request.authorization.is_some() {
                log.debug("> authorization: <redacted>");
            }
        }
        let result = match (request.method, request.form) {
            ("POST", Some(form)) => {
                let mut builder = self
                    .agent
                    .post(&url)
                    .header("Content-Type", "application/x-www-form-urlencoded");
                if let Some(auth) = request.authorization {
                    builder = builder.header("Authorization", auth);
                }
                builder.send(form)
            }
            _ => {
                let mut builder = self.agent.get(&url);
                if let Some(auth) = request.authorization {
                    builder = builder.header("Authorization", auth);
                }
                builder.call()
            }
        };
        let mut response = match result {
            Ok(response) => response,
            Err(e) => return classify(e, &self.options),
        };
        let status = response.status().as_u16();
        if log.very_verbose() {
            log.debug(&format!("< HTTP {status}"));
            for (name, value) in response.headers() {
                let shown = if is_sensitive_header(name.as_str()) {
                    "<redacted>".to_string()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                log.debug(&format!("< {name}: {shown}"));
            }
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_after =
            header("retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()));
        let location = header("location");
        match read_body(response.body_mut()) {
            Ok(body) => Ok(Attempt::Reply(
                Reply {
                    status,
                    retries: 0,
                    location,
                    body,
                },
                retry_after,
            )),
            Err(e) => classify(e, &self.options),
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

/// Sorts a transport error into transient (retry) or final.
fn classify(error: ureq::Error, options: &ClientOptions) -> Result<Attempt> {
    use ureq::Error as E;
    match error {
        E::Timeout(_) => Ok(Attempt::Transient(format!(
            "timed out after {} s",
            options.timeout.as_secs()
        ))),
        E::Io(e) => Ok(Attempt::Transient(format!("connection error: {e}"))),
        E::ConnectionFailed => Ok(Attempt::Transient("connection failed".into())),
        E::HostNotFound => Ok(Attempt::Transient("host not found".into())),
        E::Protocol(e) => Ok(Attempt::Transient(format!("connection dropped: {e}"))),
        E::BodyExceedsLimit(limit) => Err(api_error(format!(
            "the response body is larger than {} MiB, far beyond any page of accounts; check base_url",
            limit / (1024 * 1024)
        ))),
        E::Tls(message) => Err(api_error(format!(
            "TLS error: {message}; if a proxy re-signs traffic, set ca_bundle to its root certificate"
        ))),
        E::Rustls(e) => Err(api_error(format!(
            "TLS error: {e}; if a proxy re-signs traffic, set ca_bundle to its root certificate"
        ))),
        other => Err(api_error(format!("request failed: {other}"))),
    }
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
