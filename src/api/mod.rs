//! The Get Accounts endpoint: page requests with the run's bearer token,
//! and the page walker on top of them: the walk's decisions as a pure state
//! machine ([`walk`]), driven one page after the other ([`pages`]) or a few
//! pages at a time ([`concurrent`]). The HTTP itself is [`crate::http`]'s.

pub mod concurrent;
pub mod pages;
pub mod walk;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::Result;

use crate::auth::SCOPE;
use crate::error::{api_error, auth_error};
use crate::http::Bearer;
use crate::http::client::{
    Authorization, Client, FetchAhead, Reply, Request, follow_redirects, token_length,
};
use crate::http::errors::{
    BLOCKED_HOST, DISALLOWED_HOST, DISPLAY_ERRORS, LONG_URL, NEXT_LINK_TOO_LONG, NO_ACTION,
    NO_PREFIX, NO_VIRTUAL_HOST, PRISM_SCHEME, UNTRUSTED_HOST, cgi_status, describe, describe_part,
    error_said, hint, is_blocked_host, is_html, is_markup, is_prism_unauthorized, is_xml,
    link_too_large, markup_refusal, no_route, no_route_hint, says_bad_request_alone, says_nothing,
    spent_quota, unexpected, url_length, wants_http2,
};
use crate::http::redact::Redactor;
use crate::http::url::{Url, follow, query_param};
use crate::text::{is_json_array, json_among_text, plain_types, terminal_safe, without_bom};
use serde::de::IgnoredAny;
use walk::{Endpoint, Page, RawPage, Walk};

/// The accounts endpoint of one `base_url`, with the run's token.
pub struct Api<'a> {
    client: &'a Client,
    bearer: &'a dyn Bearer,
    endpoint: Endpoint,
    /// Where a redirect showed the pages to be, when one moved a page
    /// request's path and kept its query: later page requests go there.
    moved: OnceLock<Endpoint>,
    /// A page has been answered: a later 403 is then no missing scope.
    answered: AtomicBool,
    /// The longest access token a page has been answered with.
    answered_token: AtomicUsize,
    /// A page at another path than the accounts path has been answered:
    /// the API's own links lead there.
    answered_elsewhere: AtomicBool,
}

impl<'a> Api<'a> {
    pub fn new(client: &'a Client, bearer: &'a dyn Bearer, base: Url, per_page: u32) -> Api<'a> {
        Api {
            client,
            bearer,
            endpoint: Endpoint::new(base, per_page),
            moved: OnceLock::new(),
            answered: Default::default(),
            answered_token: Default::default(),
            answered_elsewhere: Default::default(),
        }
    }

    /// `…/express/accounts?page=N&per_page=P`, where a redirect moved it
    /// if one did.
    pub fn page_url(&self, page: u64) -> Url {
        self.moved.get().unwrap_or(&self.endpoint).page_url(page)
    }

    /// The run's HTTP client.
    pub fn client(&self) -> &Client {
        self.client
    }

    /// GETs one page with the bearer token, after checking once more that
    /// the token may go to `url`; a 401 gets one new token and one more
    /// try. A redirect within the origin of `base_url` is followed (as `gh`
    /// and browsers do, see [`follow_redirects`]); one elsewhere is an
    /// error. The page's next link comes back with the run's secrets taken
    /// out, and resolved against where the page was found.
    ///
    /// A page fetched ahead comes with `ahead`: a connection or an answer
    /// that does not come in its time (or one a connection limit refuses)
    /// ends it with [`LeftToTheWalk`](crate::http::client::LeftToTheWalk),
    /// and it is dropped once the walk has ended.
    pub fn get_page(&self, url: &Url, ahead: Option<FetchAhead>) -> Result<RawPage> {
        let redactor = self.client.redactor();
        // (Its secrets are out already: a next link's when its page came.)
        let asked = follow(url, url.as_str(), &self.endpoint.origin)?;
        let (url, reply) = follow_redirects(
            asked.clone(),
            &self.endpoint.origin,
            &[301, 302, 303, 307, 308],
            redactor,
            (&format_args!("GET {asked}"), "base_url"),
            |url| self.get_authorized(url, ahead),
        )?;
        // A page redirected to a later page would be taken for the one
        // asked, the one asked lost. (To a page before it is a server that
        // clamps to its last page: the walk sees it repeat a page.)
        let page_of =
            |url: &Url| query_param(url, "page").map_or(Some(1), |p| p.parse::<u64>().ok());
        let (to, from) = (page_of(&url), page_of(&asked));
        if to != from && to.zip(from).is_none_or(|(to, from)| to >= from) {
            return Err(api_error(format!(
                "GET {asked}: redirected to {url}, another page; check base_url"
            )));
        }
        if url.path() != asked.path() && url.query() == asked.query() {
            let mut moved = self.endpoint.clone();
            moved.accounts = url.clone();
            moved.accounts.set_query(None);
            let _ = self.moved.set(moved);
        }
        let context = format!("GET {url}");
        let answered = self.answered.load(Ordering::Relaxed);
        match reply.read_as() {
            200 => (parse_page(&url, &reply, answered, redactor))
                .map_err(|e| cgi_status(&context, &reply, redactor).unwrap_or(e))
                .map(|page| {
                    self.answered.store(true, Ordering::Relaxed);
                    let token = token_length(&reply.authorization);
                    self.answered_token.fetch_max(token, Ordering::Relaxed);
                    let moved_to = (url != asked).then_some(&url);
                    let accounts = &self.moved.get().unwrap_or(&self.endpoint).accounts;
                    if url.path() != accounts.path() {
                        self.answered_elsewhere.store(true, Ordering::Relaxed);
                    }
                    redact_next(page, redactor, moved_to, accounts)
                }),
            403 if wants_http2(&reply.body) => {
                Err(unexpected(&context, &reply, "base_url", redactor))
            }
            401 | 403 => Err(self.refused(&url, &reply, redactor)),
            404 => Err(self.not_found(&url, &asked, to, &reply, redactor)),
            // base_url answered a page: it is not what to check.
            status @ (405 | 406) if answered => Err(api_error(format!(
                "GET {url}: {}; {}, but base_url answered the first page: the API's next link, or a gateway in front of the API, led elsewhere",
                describe(&reply, redactor),
                match status {
                    405 => "the URL takes no GET",
                    _ => "the server there cannot answer in application/json (the type asked for)",
                },
            ))),
            // A 431 after a page answered with a token as long (a renewed one may
            // be longer): the token fits, the long link does not.
            431 if answered && self.took(&reply) && url_length(&context) >= LONG_URL => {
                let link = link_too_large(&context, &reply);
                Err(api_error(format!(
                    "{context}: {}{link}",
                    describe(&reply, redactor)
                )))
            }
            _ => Err(unexpected_page(&context, &reply, redactor, answered)),
        }
    }

    /// Whether a page was answered with an access token as long as that of `reply`.
    fn took(&self, reply: &Reply) -> bool {
        token_length(&reply.authorization) <= self.answered_token.load(Ordering::Relaxed)
    }

    /// The error of a 404 for the page at `url` (`asked` before redirects;
    /// `to`: its page number).
    fn not_found(
        &self,
        url: &Url,
        asked: &Url,
        to: Option<u64>,
        reply: &Reply,
        redactor: &Redactor,
    ) -> anyhow::Error {
        // Where a redirect led: its `Location`, not base_url nor a link.
        if url != asked {
            return api_error(format!(
                "GET {asked} (redirected to {url}): {}; {}",
                describe(reply, redactor),
                self.redirect_hint(url, to)
            ));
        }
        // Out of base_url's path, or under more: a reverse proxy that
        // passes the API's links on as they are, not a page too many.
        if let Some(hint) = self.link_path_hint(asked) {
            return api_error(format!("GET {url}: {}; {hint}", describe(reply, redactor)));
        }
        let answered = self.answered.load(Ordering::Relaxed);
        match () {
            // Mojolicious answers 404 to a request line over its 8 KiB
            // (its page, not a JSON error of a server that read the URL).
            _ if answered
                && url.as_str().len() >= 8000
                && error_said(reply, redactor).is_none() =>
            {
                api_error(format!(
                    "GET {url}: {}; the server may refuse URLs this long (this one is {} bytes; Mojolicious answers 404 past 8 KiB): if so, {NEXT_LINK_TOO_LONG}",
                    describe(reply, redactor),
                    url.as_str().len()
                ))
            }
            // A page after the first (`to`: the page of the URL that
            // answered): a 404 there may be no such page ([`no_page`]).
            _ if to.is_some_and(|n| n > 1) => api_error(format!(
                "GET {url}: {}; {}",
                describe(reply, redactor),
                no_page(to.unwrap_or_default(), answered)
            )),
            // Any other link after an answered page (Prism's dynamic mock's).
            _ if answered => api_error(format!(
                "GET {url}: {}; the API's next link leads to no page, where base_url answered the first: the API or a gateway in front of it sent a wrong link",
                describe(reply, redactor)
            )),
            _ => unexpected_page(&format!("GET {url}"), reply, redactor, answered),
        }
    }

    /// The error of a 401 or 403 for a page, with what to check; a token
    /// refused for a missing scope is forgotten.
    fn refused(&self, url: &Url, reply: &Reply, redactor: &Redactor) -> anyhow::Error {
        // A page of markup after answered pages (django-ratelimit's,
        // mod_evasive's 403) is that refusal too, not a proxy to set.
        let later = "earlier pages were answered with the same token, so no scope is missing: something in front of the API (a proxy, a firewall or a rate limiter) may be refusing; try again later";
        let answered = self.answered.load(Ordering::Relaxed);
        // A 403 for a missing scope: the token was granted without
        // it, and a token's scopes are fixed when it is issued. It
        // is not kept for the next run, which would send it again
        // once the scope is added. A spent quota's keeps it, and so does
        // a page of markup (a WAF's ban), and API Gateway's 403 for a URL it
        // has no route for ([`no_route`]): not the API's word on a token.
        let quota = spent(reply).or_else(|| rate_limited(reply));
        let route = no_route(&reply.body).then(|| no_route_hint("base_url", answered));
        let not_the_tokens = is_html(&reply.body) || route.is_some();
        if reply.status == 403 && !answered && quota.is_none() && !not_the_tokens {
            self.bearer.forget(&reply.authorization);
        }
        // Varnish told to cache every GET serves the 401 it stored for an
        // earlier token to the one just granted.
        let cached = reply.age.filter(|_| reply.status == 401).map(|age| {
            format!("this 401 came from a cache in front of the API, which stored it {age} s before (Age: {age}), not for the token just granted: have the cache store no 401 (nor any answer to a request with Authorization), or try again once it expires")
        });
        // Microsoft Graph challenges a token it refuses with no `error`, and
        // says what was wrong with it in the body: that token reached it.
        let tokenless = reply.status == 401 && reply.tokenless && !names_a_bad_token(&reply.body);
        let tokenless = (tokenless.then(|| tokenless_hint(reply, redactor)))
            .or_else(|| not_authenticated(reply).then(|| not_authenticated_hint(reply, redactor)));
        let basic = reply.status == 401 && (reply.asks_basic || reply.asks_digest);
        // Its body, or with none (Spring Security's) or a page of markup
        // (express's own error page), its challenge's words: the API's.
        let challenge = reply
            .challenge
            .as_deref()
            .filter(|_| says_nothing(reply.status, &reply.body));
        let said_of_the_token = challenge.map_or(&reply.body[..], str::as_bytes);
        let hint = match reply.status == 403 && answered {
            _ if cached.is_some() => cached.as_deref().unwrap_or_default(),
            _ if reply.status == 403 && route.is_some() => route.as_deref().unwrap_or_default(),
            true if is_html(&reply.body) => {
                &format!("the answer is an HTML page, not the API's; {later}")
            }
            _ if is_blocked_host(&reply.body) => &format!("check base_url{BLOCKED_HOST}"),
            // oxide-auth's 401 (a page of markup with it) says why in its challenge alone.
            _ if !answered && reply.wanted_scope.is_some() => {
                &scope_hint(&redactor.redact_shown(reply.wanted_scope.as_deref().unwrap_or("")))
            }
            // nginx's `auth_basic` page too: its challenge says more.
            _ if is_html(&reply.body) && !basic && challenge.is_none() => {
                &markup_refusal(self.client.proxied(url), "the API")
            }
            true => later,
            // A 401 for the renewed token too (get_authorized).
            false if answered => {
                "earlier pages were answered with a token of these credentials, and the token endpoint granted a new one, refused here too: the API or something in front of it refuses this page, not the credentials (as a load balancer does that spreads requests over servers that do not share their tokens: ask whoever runs it); try again later"
            }
            false if tokenless.is_some() => tokenless.as_deref().unwrap_or_default(),
            // webfs `-b user:pass`, nginx's `auth_basic`: no OAuth token's refusal.
            false if basic => &format!(
                "its WWW-Authenticate asks for HTTP {}, a user name and password, which this tool does not send to the API (it sends the token): a password-protected site or a gateway in front of the API ({}) asks for them; check base_url; otherwise {}",
                if reply.asks_basic { "Basic" } else { "Digest" },
                match reply.asks_basic {
                    true => "nginx's auth_basic",
                    false => "libsoup's SoupAuthDomainDigest, Apache's mod_auth_digest",
                },
                hint(401, "base_url").unwrap_or_default()
            ),
            // A fresh token, and its renewal, refused as expired: not the credentials.
            false if reply.status == 401 && says_expired(said_of_the_token) => {
                "the token endpoint had just granted that token, so the credentials work: the API's clock runs ahead of the token endpoint's, or its tokens expire sooner than the expires_in it sends; have whoever runs them set the clocks right (NTP)"
            }
            // Or as not valid yet (its `iat` or `nbf` after the API's clock).
            false if reply.status == 401 && says_not_yet_valid(said_of_the_token) => {
                "the token endpoint had just granted that token, so the credentials work: the API's clock runs behind the token endpoint's, which dates its tokens after the API's time; have whoever runs them set the clocks right (NTP)"
            }
            false if reply.status == 401 && is_prism_unauthorized(&reply.body) => PRISM_SCHEME,
            false => hint(reply.status, "base_url").unwrap_or_default(),
        };
        let hint = quota.as_deref().unwrap_or(hint);
        auth_error(format!("GET {url}: {}; {hint}", describe(reply, redactor)))
    }

    /// A 403 for a token the API took before (pages were answered with
    /// it, or it came from the cache): revoked, or expired by the server's
    /// clock, as django-oauth-toolkit answers one; not a spent quota, an
    /// HTTP/2-only server's refusal of HTTP/1.1, nor an HTML page (a ban's,
    /// mod_evasive's: the API says nothing of the token there), nor
    /// API Gateway's 403 for a URL it has no route for ([`no_route`]).
    fn stale(&self, reply: &Reply) -> bool {
        let took =
            || self.answered.load(Ordering::Relaxed) || self.bearer.cached(&reply.authorization);
        let theirs = !wants_http2(&reply.body) && !is_html(&reply.body) && !no_route(&reply.body);
        reply.status == 403 && took() && spent(reply).is_none() && theirs
    }

    /// What a 404 where a redirect led (`url`, of page `to`) says of it:
    /// out of base_url's path (a proxy that strips it passed on the API's
    /// relative `Location`, Django's APPEND_SLASH), a page after the first
    /// that there may be none of (within the path, where page 1 may have
    /// been redirected and answered), or a wrong one.
    fn redirect_hint(&self, url: &Url, to: Option<u64>) -> String {
        let prefix = (self.endpoint.accounts.path())
            .strip_suffix(walk::ACCOUNTS_PATH)
            .unwrap_or_default();
        match to.filter(|&n| n > 1) {
            _ if !prefix.is_empty() && !url.path().starts_with(&format!("{prefix}/")) => format!(
                "the redirect led out of base_url's path {prefix}/: a reverse proxy in front of the API may pass its redirects on unrewritten; have it rewrite them (nginx: proxy_redirect), else check base_url"
            ),
            Some(n) => no_page(n, self.answered.load(Ordering::Relaxed)),
            None => "the server redirects the page to a URL that has none (the API, or a gateway in front of it); check base_url, else ask whoever runs it".to_string(),
        }
    }

    /// What a 404 for the next link `url` says of its path: out of
    /// base_url's (`…/td`, a proxy that strips it), or with more before
    /// the accounts path (`/api`, the API's own, which Traefik's
    /// `addPrefix` adds again), passed on unrewritten.
    fn link_path_hint(&self, url: &Url) -> Option<String> {
        let rewrite = "may pass its links on unrewritten; have it rewrite them";
        let accounts = &self.moved.get().unwrap_or(&self.endpoint).accounts;
        // The path of base_url (where a redirect moved the pages, if one
        // did), when it has one and `url` is outside it.
        let prefix = accounts.path().strip_suffix(walk::ACCOUNTS_PATH);
        let prefix = prefix.unwrap_or_default();
        if !prefix.is_empty() && !url.path().starts_with(&format!("{prefix}/")) {
            return Some(format!(
                "the API's next link led out of base_url's path {prefix}/: a reverse proxy in front of the API {rewrite} (nginx: sub_filter), else check base_url"
            ));
        }
        let Some(added) = url.path().strip_suffix(accounts.path()) else {
            // Another path (a typo in the API's link, Sinatra's 404 for it),
            // unless the API's links led to one that answered.
            let answered = self.answered.load(Ordering::Relaxed)
                && !self.answered_elsewhere.load(Ordering::Relaxed);
            return answered.then(|| format!(
                "the API's next link leads to {}, not to the accounts path that answered the first page ({}): the API or a gateway in front of it sent a wrong link",
                url.path(),
                accounts.path()
            ));
        };
        (!added.is_empty()).then(|| format!(
            "the API's next link puts {added} before the accounts path base_url leads to ({}): a gateway in front of the API that adds it (Traefik: addPrefix) {rewrite}, or route the API's own path through it and put that in base_url",
            accounts.path()
        ))
    }

    /// The page the walk goes to next, if it goes anywhere: the answer
    /// `fetched` has for its URL and page number (one fetched ahead), else
    /// one fetched now; taken into the walk, which says on stderr when it
    /// ends short of what the API claimed. Both drivers walk by this.
    fn next_page(
        &self,
        walk: &mut Walk,
        fetched: impl FnOnce(&Url, u64) -> Option<Result<RawPage>>,
    ) -> Option<Result<Page>> {
        let next = walk.next_request()?;
        Some(next.and_then(|(url, expected)| {
            let raw = fetched(&url, expected).unwrap_or_else(|| self.get_page(&url, None))?;
            if let Some(moved) = self.moved.get() {
                walk.move_to(moved);
            }
            let step = walk.accept(url, expected, raw)?;
            if let Some(warning) = &step.warning {
                self.client.warn(warning);
            }
            Ok(step.page)
        }))
    }

    /// GETs `url` with the run's token; a 401 (or a [`stale`](Self::stale)
    /// 403) gets one new token and one more try.
    fn get_authorized(&self, url: &Url, ahead: Option<FetchAhead>) -> Result<Reply> {
        let get = || {
            self.client.send(&Request {
                url,
                authorization: Authorization::Bearer(self.bearer),
                form: None,
                issues_token: false,
                ahead,
                proven: self.answered.load(Ordering::Relaxed),
                meanwhile: None,
            })
        };
        let reply = get()?;
        if reply.status != 401 && !self.stale(&reply) {
            return Ok(reply);
        }
        self.bearer.reject(&reply.authorization)?;
        let reply = get()?;
        if reply.status == 401 {
            self.bearer.forget(&reply.authorization);
        }
        Ok(reply)
    }
}

/// The hint for a gateway's 403 for a spent quota, the token kept: with a
/// Retry-After (Azure API Management's), or Tyk's `{"error": "Quota
/// exceeded"}` without one.
fn spent(reply: &Reply) -> Option<String> {
    (reply.status == 403 && (reply.keep_away.is_some() || says(reply, "quota exceeded")))
        .then(|| spent_quota(reply.keep_away))
}

/// The hint for a 403 whose body says `rate limit exceeded`, without a
/// Retry-After ([`spent`] has those): @fastify/rate-limit's `ban` with its
/// headers turned off, GitHub's rate limit. A limiter's, not the API's
/// word on the token's scope.
fn rate_limited(reply: &Reply) -> Option<String> {
    (reply.status == 403 && says(reply, "rate limit exceeded")).then(|| {
        "a rate limiter in front of the API refuses, no scope is missing: try again later".into()
    })
}

/// Whether the body of `reply` holds `words` (lowercase), in any case.
fn says(reply: &Reply, words: &str) -> bool {
    (String::from_utf8_lossy(&reply.body).to_ascii_lowercase()).contains(words)
}

/// [`unexpected`] for a page; where a page of the walk was `answered` at
/// base_url, its hint to check base_url is not what to check. That hint
/// ends the message (`; check base_url`, with one of `unexpected`'s tails):
/// the server's words before it (a body, a Location) may say the same, and
/// a status with another hint keeps it.
fn unexpected_page(
    context: &str,
    reply: &Reply,
    redactor: &Redactor,
    answered: bool,
) -> anyhow::Error {
    // A refusal of the URL as too long: a 414 (before any page was
    // answered, the URL is base_url's own, no link followed yet), or a
    // `400` with no body, or `Bad Request` alone (thin's), to a URL of
    // [`LONG_URL`] bytes or more (puma's past 8 KiB of path), which says
    // the server may refuse it; or a `400` with Netty's cause for a request
    // line over its `maxInitialLineLength`, or ASP.NET's page for a URL over
    // its `maxUrlLength` or `maxQueryStringLength`, which says it does.
    let length = url_length(context);
    let bare_400 = reply.status == 400 && says_bad_request_alone(reply);
    let netty = says(reply, "an http line is larger than ");
    let limit = |s: &&str| says(reply, &format!("exceeds the configured max{s}length value"));
    let aspnet = ["url", "querystring"].iter().any(limit);
    let refuses = match reply.status {
        414 => Some("refuses"),
        400 if netty || aspnet => Some("refuses"),
        _ if bare_400 && length >= LONG_URL => Some("may refuse"),
        _ => None,
    };
    let length = match bare_400 {
        true => format!(" (this one is {length} bytes): if so,"),
        false => ":".into(),
    };
    // Returned as it is: the server's words in it are not rewritten below.
    if let Some(refuses) = refuses {
        let whose = if answered {
            NEXT_LINK_TOO_LONG
        } else {
            BASE_URL_TOO_LONG
        };
        return api_error(format!(
            "{context}: {}; the server {refuses} URLs this long{length} {whose}",
            describe(reply, redactor)
        ));
    }
    let e = unexpected(context, reply, "base_url", redactor);
    let said = e.to_string();
    // A refusal of request headers too large (a 431) that blames the URL:
    // before any page was answered, no link was followed.
    if !answered && said.contains(NEXT_LINK_TOO_LONG) {
        return api_error(said.replace(NEXT_LINK_TOO_LONG, BASE_URL_TOO_LONG));
    }
    // Next links keep to base_url's origin: a later page's Host answered page 1
    // (through any gateway, which passed that request on readable).
    let tails = [
        "",
        " and any proxy",
        " (its scheme and port)",
        " (its host name)",
        NO_VIRTUAL_HOST,
        NO_PREFIX,
        DISALLOWED_HOST,
        UNTRUSTED_HOST,
        NO_ACTION,
    ];
    let hint = (said.rsplit_once("; check base_url")).or(said.rsplit_once("; else check base_url"));
    match hint.filter(|(_, tail)| answered && tails.contains(tail)) {
        Some((head, _)) => api_error(format!(
            "{}; base_url answered the first page, so the API or a gateway in front of it sent this; try again later",
            head.split("; not the API's answer").next().unwrap_or(head)
        )),
        None => e,
    }
}

/// What a 404 for page `n` after the first says: there may be none; one a
/// walk's answered page named is not base_url's to blame.
fn no_page(n: u64, answered: bool) -> String {
    format!(
        "there may be no page {n} (past the last one{}",
        match answered {
            true =>
                ", accounts removed during the walk), else the API or a gateway in front of it sent this, as base_url answered the first page; try again later",
            false => "), else check base_url",
        }
    )
}

/// What it says of the first page's, before any page was answered.
const BASE_URL_TOO_LONG: &str = "the one formed from base_url (with /express/accounts and the query appended) is too long for it, or for a proxy in between; check base_url";

/// What a paging number in a string says, of the first page and of a later
/// one: every try gets it alike (Perl's JSON modules write a query parameter
/// the app echoes as read so).
const NUMBER_IN_STRING: [&str; 2] = [
    "the API sent a malformed page: it sends a paging number (count, page, per_page, total or total_pages) in a string, where the Talkdesk API sends an integer, as Perl's JSON modules write a query parameter echoed as read; have whoever runs the API send integers",
    "earlier pages were read from the same base_url, so the API sent a malformed page: it sends a paging number (count, page, per_page, total or total_pages) in a string, where the Talkdesk API sends an integer, as Perl's JSON modules write a query parameter echoed as read; have whoever runs the API send integers",
];

/// Whether a page's error is a paging number of digits in a string (`"10"`).
fn number_in_string(e: &str) -> bool {
    let digits = (e.strip_prefix("invalid type: string \"")).and_then(|rest| rest.split_once('"'));
    digits.is_some_and(|(n, rest)| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && rest.starts_with(", expected a whole number")
    })
}

/// Parses a 200 body; a page without its accounts is malformed unless it
/// says it is empty.
/// `answered`: an earlier page was read, so `base_url` is right and a
/// malformed page is the API's doing.
fn parse_page(url: &Url, reply: &Reply, answered: bool, redactor: &Redactor) -> Result<RawPage> {
    const LATER: &str = "earlier pages were read from the same base_url, so the API sent a malformed page; try again later";
    let body = without_bom(&reply.body);
    // A file a static server sends as it is, saved as UTF-16 or compressed.
    if let Some((what, hint)) = crate::text::foreign_body(body, "base_url") {
        return Err(api_error(format!(
            "GET {url}: the answer is not a page of accounts ({what}); {hint}"
        )));
    }
    // The page, `_embedded`, `accounts` and the account around a value.
    if let Some(deep) = crate::text::too_deep(body, 4) {
        return Err(api_error(format!(
            "GET {url}: the answer is not a page of accounts ({deep}); no page of accounts nests so deep: check base_url, or report the page to whoever runs the API"
        )));
    }
    // Checked as UTF-8 once, as a whole, rather than account by account.
    let page: RawPage = std::str::from_utf8(body)
        .map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to()))
        .and_then(|text| match is_json_array(body) {
            true => Err("a JSON array, expected a page: an object with _embedded.accounts".into()),
            false => serde_json::from_str(text).map_err(|e| plain_types(&e.to_string())),
        })
        .map_err(|e| if body.trim_ascii().is_empty() { "an empty body".to_string() } else { e })
        .map_err(|e| {
            // JSON that stops before its object ends.
            let short = e.starts_with("EOF while parsing") && body.trim_ascii_start().starts_with(b"{");
            let declared = declared_charset(reply, answered, redactor);
            // PHP's warnings with the page: their words, not the page's.
            let php = format!("the server at base_url prints it with the page: {DISPLAY_ERRORS}");
            let among = json_among_text::<IgnoredAny>(body).filter(|(at, ..)| has_accounts(&body[at.clone()]));
            let appended = crate::text::page_after_json(body);
            // A login or error page of a proxy or gateway in between.
            let (e, hint) = match is_markup(body) {
                _ if among.is_some() => (format!("other text {} the page's JSON", among.as_ref().map_or("", |(_, place, _)| place)), php.as_str()),
                _ if appended.is_some() => (format!("an HTML page after {} bytes of its JSON", appended.unwrap_or_default()), APPENDED),
                true => markup_page(body, answered),
                // Framed short: a Content-Length counted in characters (Node's
                // `body.length`), the same on every try.
                false if short => (e, "its JSON stops where the server ended the answer (its Content-Length): the server at base_url sends fewer bytes than its JSON has (a Content-Length counted in characters, not bytes, falls short of accented text)"),
                // The same bytes on every try (a `charset=iso-8859-1`).
                // Earlier pages of ASCII alone read the same in either.
                false if e.starts_with("not UTF-8") && declared.is_some() => (e, declared.as_deref().unwrap_or_default()),
                false if e.starts_with("not UTF-8") && answered => (e, "JSON is UTF-8 (RFC 8259), and the server at base_url sends another encoding; base_url answered the first page, so have whoever runs the API send UTF-8"),
                // Perl's `to_json` printed unencoded: the API's page, in Latin-1.
                false if e.starts_with("not UTF-8") && has_accounts(body.iter().map(|&b| char::from(b)).collect::<String>().as_bytes()) => (e, "JSON is UTF-8 (RFC 8259), and the server at base_url sends another encoding: read as Latin-1 it is a page of accounts, so have whoever runs the API send UTF-8"),
                false if e.starts_with("not UTF-8") => (e, "JSON is UTF-8 (RFC 8259), and the server at base_url sends another encoding; check base_url"),
                false if e.starts_with("_links.next") => (e, "check base_url: the server there does not send links as the Talkdesk API does"),
                false if number_in_string(&e) => (e, NUMBER_IN_STRING[usize::from(answered)]),
                false if answered => (e, LATER),
                // A page of accounts, from the right place, with one bad.
                // An account's key is quoted ("id"), a page's own in backticks.
                false if e.starts_with("duplicate field \"") => (e, "an account names that field twice, so which value holds is unknown: the API sent a malformed page; try again later"),
                false if e.starts_with("duplicate field") => (e, "the page names that field twice, so which value holds is unknown: the API sent a malformed page; try again later"),
                false if e.starts_with("an account") || has_accounts(body) => (e, "the API sent a malformed page; try again later"),
                false => (e, "check base_url"),
            };
            let says = page_says(reply, body, among.map(|(.., other)| other).or(appended.map(|at| &body[at..])), redactor);
            api_error(format!(
                "GET {url}: the answer is not a page of accounts ({e}); {hint}{says}"
            ))
        })?;
    let says_empty = page.count == Some(0) || page.total == Some(0);
    if page.accounts().is_none() && !says_empty {
        // A gateway's own error sent with a 200 (its words, as a page's).
        let said = error_said(reply, redactor);
        let hint = match (answered, &said) {
            (true, Some(_)) => {
                "base_url answered the first page, so the API or a gateway in front of it sent this error in place of a page; try again later"
            }
            (true, None) => LATER,
            (false, _) => "check base_url",
        };
        let says = said.map_or(String::new(), |said| format!(" ({said})"));
        return Err(api_error(format!(
            "GET {url}: the answer has no _embedded.accounts; {hint}{says}"
        )));
    }
    Ok(page)
}

/// What an HTML page after a page's JSON (whole or not) says to do.
const APPENDED: &str = "the server at base_url began the page, then sent an error page after it, as ASP.NET does when a handler fails after Response.Flush(): it fails while making the page; try again later, else have whoever runs it fix the error it names";

/// What a page of markup is, an HTML page (a proxy's or a gateway's) or
/// an XML document (Grape's `format :xml`), and what to check.
fn markup_page(body: &[u8], answered: bool) -> (String, &'static str) {
    let xml = is_xml(body);
    let hint = match (answered, xml) {
        (true, _) => {
            "base_url answered the first page, so a proxy in between or a gateway in front of the API sent this one; try again later"
        }
        (false, true) => {
            "check base_url: the server there answers in XML, not the JSON this tool asks for (Accept: application/json), as Grape's `format :xml` does"
        }
        (false, false) => "check base_url, or a proxy in between",
    };
    let what = if xml {
        "an XML document"
    } else {
        "an HTML page"
    };
    (what.to_string(), hint)
}

/// What to say of a page not in UTF-8 from a server whose `Content-Type`
/// names another charset (Jetty 9.4's ISO-8859-1, for a writer given
/// none): its own doing, whatever base_url.
fn declared_charset(reply: &Reply, answered: bool, redactor: &Redactor) -> Option<String> {
    let charset = (reply.charset.as_deref()).filter(|c| !["utf-8", "utf8"].contains(c))?;
    let charset = crate::text::shorten(&redactor.redact_shown(charset), 40);
    let so = if answered {
        "base_url answered the first page, so "
    } else {
        ""
    };
    Some(format!(
        "JSON is UTF-8 (RFC 8259), and the server at base_url sends another encoding: its Content-Type says charset={charset}; {so}have whoever runs the API send UTF-8"
    ))
}

/// What a body that is no page of accounts says: the `other` text printed
/// with the page (PHP's warning), else its words when it is markup (a
/// proxy's login prompt) or text that is no JSON (Mockoon's "Error while
/// serving the file content: ENOENT: …").
fn page_says(reply: &Reply, body: &[u8], other: Option<&[u8]>, redactor: &Redactor) -> String {
    let text = std::str::from_utf8(body).map(str::trim_ascii_start);
    let words = text.is_ok_and(|t| !t.is_empty() && !t.starts_with(['{', '[']));
    match other {
        Some(other) => format!(" ({})", describe_part(reply, other, redactor)),
        None if is_markup(body) || words => format!(" ({})", describe(reply, redactor)),
        None => String::new(),
    }
}

/// Whether `body` holds `_embedded.accounts`, an array: a page of
/// accounts, however malformed the rest (numbers are skipped, not read).
fn has_accounts(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Embedded {
        #[serde(rename = "accounts")]
        _accounts: Vec<serde::de::IgnoredAny>,
    }
    #[derive(serde::Deserialize)]
    struct Shape {
        _embedded: Embedded,
    }
    serde_json::from_slice::<Shape>(body).is_ok()
}

/// `page` with the run's secrets taken out of its next link before the
/// walk follows it, or shows it in an error: redacted before it is
/// shortened, so no cut leaves part of a secret behind. A page found after
/// a redirect (`moved_to`) has its link made absolute against where it was
/// found, as the walk resolves links against the URL it asked for. The
/// API's own address at its start (`accounts`, as `base_url` gave it) is
/// kept: a short secret that is a word of it (a port, a path) is no
/// secret the server sent, and a link without it would be another page.
fn redact_next(
    mut page: RawPage,
    redactor: &Redactor,
    moved_to: Option<&Url>,
    accounts: &Url,
) -> RawPage {
    let next = page.links.as_mut().and_then(|l| l.next.as_mut());
    if let Some(href) = next.and_then(|n| n.href.as_mut()) {
        // Tabs and line breaks are no part of a URL (WHATWG removes them):
        // taken out before the link is looked at, not made spaces.
        href.retain(|c| !matches!(c, '\t' | '\n' | '\r'));
        let kept = [accounts.as_str(), accounts.path()]
            .into_iter()
            .find(|own| href.starts_with(own))
            .map_or(0, str::len);
        let rest = &href[kept..];
        // A link with what a terminal does not draw is shown without it,
        // which could join a secret split by it: such a link (no server
        // writes one) is taken as shown, its secrets out.
        let rest = match terminal_safe(rest) == rest {
            true => redactor.redact(rest),
            false => redactor.redact_shown(rest),
        };
        *href = format!("{}{rest}", &href[..kept]);
        if let Some(Ok(resolved)) = moved_to.map(|url| url.join(href)) {
            *href = resolved.to_string();
        }
    }
    page
}

/// Whether an error body says what was wrong with a token it got (`Access
/// token has expired`, `Invalid audience`, `jwt expired`, `Invalid issuer`): the token
/// reached the server, whatever its challenge says.
fn names_a_bad_token(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    let faults = ["expired", "invalid", "revoked", "malformed"];
    // So does a JWT's signature or claim named alone, or a token not valid
    // yet (PyJWT's `Signature has expired`, `Audience doesn't match`,
    // `Invalid issuer`, `The token is not yet valid`, as FastAPI shows them).
    let of_a_jwt = ["signature", "audience", "issuer"];
    (text.contains("token") || text.contains("jwt")) && faults.iter().any(|f| text.contains(f))
        || of_a_jwt.iter().any(|w| text.contains(w))
        || says_not_yet_valid(body)
}

/// Whether an error body says the token it got has expired (`jwt expired`,
/// flask-jwt-extended's `Token has expired`, PyJWT's `Signature has expired`),
/// not that it may have (`Invalid or expired token`, Kong's `The access
/// token is invalid or has expired`, RFC 6750 §3.1's `expired, revoked,
/// malformed, or invalid`, as Authlib sends it).
fn says_expired(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    let or = [
        " or expired",
        " or has expired",
        " or is expired",
        "expired or ",
        "expired, revoked",
    ];
    let either = or.iter().any(|w| text.contains(w));
    jose_claim_failed(&text, "exp")
        || text.contains("expired")
            && !either
            && ["token", "jwt", "signature"]
                .iter()
                .any(|w| text.contains(w))
}

/// Whether an error body says the token it got is not valid yet (node
/// jsonwebtoken's `jwt not active`, PyJWT's `The token is not yet valid`).
fn says_not_yet_valid(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    ["not yet valid", "jwt not active"]
        .iter()
        .any(|w| text.contains(w))
        || jose_claim_failed(&text, "nbf")
}

/// Whether a lowercased body holds jose's (express-oauth2-jwt-bearer's)
/// `"exp" claim timestamp check failed` for `claim`, quoted either way
/// (and escaped in JSON).
fn jose_claim_failed(text: &str, claim: &str) -> bool {
    text.replace(['"', '\'', '\\'], "")
        .contains(&format!("{claim} claim timestamp check failed"))
}

/// What to do about a refusal whose challenge says `insufficient_scope`
/// and asks for `wanted` (RFC 6750 §3.1; empty: no scope named).
fn scope_hint(wanted: &str) -> String {
    let said = "its WWW-Authenticate says insufficient_scope";
    if wanted.split_whitespace().all(|scope| scope == SCOPE) {
        let needs = hint(403, "base_url").unwrap_or_default();
        format!("{said}: {needs} (a newly added scope can take minutes to work)")
    } else {
        format!(
            "{said} and asks for the scope {wanted}, where this tool asks for {SCOPE} alone: base_url may lead to another API than the accounts one; check base_url"
        )
    }
}

/// The hint of a 401 whose challenge says the request carried no token
/// (RFC 6750 §3.1), though it was sent with one: something in front may
/// drop `Authorization` (squid's `cache_peer` without `login=PASS`), the
/// proxies it came through named by its `Via`.
fn tokenless_hint(reply: &Reply, redactor: &Redactor) -> String {
    format!(
        "no token reached the server, by its WWW-Authenticate (Bearer with no error, RFC 6750 §3.1, or Authlib's missing_authorization): {}; otherwise {}",
        drops_authorization(reply, redactor),
        hint(401, "base_url").unwrap_or_default()
    )
}

/// That a proxy in front may drop `Authorization`, the proxies the reply
/// came through named by its `Via`.
fn drops_authorization(reply: &Reply, redactor: &Redactor) -> String {
    let proxy = match &reply.via {
        Some(via) => format!(
            "a proxy in front (Via: {})",
            crate::text::shorten(&redactor.redact_shown(via), 120)
        ),
        None => "a proxy or gateway in front".to_owned(),
    };
    format!(
        "{proxy} may drop the Authorization header (squid: cache_peer without login=PASS; nginx: proxy_set_header Authorization \"\"), so have it pass Authorization on"
    )
}

/// Django REST framework's `NotAuthenticated` as a 403, which it sends
/// where its first authentication class has no challenge
/// (`SessionAuthentication`): it found no credentials it knows, none or a
/// token django-oauth-toolkit does not know, which it reads as none.
fn not_authenticated(reply: &Reply) -> bool {
    let value = serde_json::from_slice::<serde_json::Value>(&reply.body).unwrap_or_default();
    reply.status == 403 && value["detail"] == "Authentication credentials were not provided."
}

/// The hint of [`not_authenticated`]'s 403.
fn not_authenticated_hint(reply: &Reply, redactor: &Redactor) -> String {
    format!(
        "the server found no credentials it knows in the request (Django REST framework's answer, a 403 where its first authentication class sends no challenge): {}; or it knows no token of this token_url (django-oauth-toolkit reads a token it does not know as none): check that token_url and base_url belong to the same deployment",
        drops_authorization(reply, redactor)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::client::test_reply as reply;

    fn page_linking_to(href: &str) -> RawPage {
        let text = serde_json::json!({ "_links": { "next": { "href": href } } }).to_string();
        serde_json::from_str(&text).unwrap()
    }

    fn next_of(page: RawPage) -> String {
        page.links.unwrap().next.unwrap().href.unwrap()
    }

    /// What a page's `status` with `body` says, asked at a URL of `bytes`
    /// bytes, after an answered page or before any.
    fn page_error(status: u16, body: &str, bytes: usize, answered: bool) -> String {
        let url = "http://h/express/accounts?page=2&per_page=20&c=";
        let url = format!("{url}{}", "a".repeat(bytes - url.len()));
        let context = format!("GET {url}");
        unexpected_page(
            &context,
            &reply(status, body),
            &Redactor::default(),
            answered,
        )
        .to_string()
    }

    /// A bare 400 (no body, or thin's `Bad Request` alone) to a URL of
    /// LONG_URL bytes or more may be a refusal of its length; a 400 with a
    /// body that says more, a bare 502, or a shorter URL is not one.
    #[test]
    fn only_a_bare_400_to_a_long_url_may_be_a_url_too_long() {
        let long = page_error(400, " \n", LONG_URL, true);
        assert!(
            long.contains(&format!(
                "the server may refuse URLs this long (this one is {LONG_URL} bytes): if so, {NEXT_LINK_TOO_LONG}"
            )),
            "{long}"
        );
        let first = page_error(400, "", LONG_URL, false);
        assert!(first.ends_with(BASE_URL_TOO_LONG), "{first}");
        let thin = page_error(400, "Bad Request", LONG_URL, true);
        assert!(thin.contains("may refuse URLs this long"), "{thin}");
        for (status, body, bytes) in [
            (400, "", LONG_URL - 1),
            (400, "bad request: page", LONG_URL),
            (502, "", LONG_URL),
        ] {
            let said = page_error(status, body, bytes, true);
            assert!(
                !said.contains("URLs this long"),
                "{status} {body:?} {bytes}: {said}"
            );
        }
    }

    /// A 414 before any page was answered blames base_url, and the
    /// server's own words are shown as it sent them, not rewritten.
    #[test]
    fn a_414_before_any_page_blames_base_url_and_keeps_the_servers_words() {
        let said = page_error(414, NEXT_LINK_TOO_LONG, 100, false);
        assert!(said.contains(NEXT_LINK_TOO_LONG), "{said}");
        assert!(
            said.ends_with(&format!(
                "the server refuses URLs this long: {BASE_URL_TOO_LONG}"
            )),
            "{said}"
        );
    }

    /// A 431 to a long URL blames the next link once a page was answered,
    /// base_url before.
    #[test]
    fn a_431_to_a_long_url_blames_the_next_link_only_after_an_answered_page() {
        let later = page_error(431, "", LONG_URL, true);
        assert!(later.ends_with(NEXT_LINK_TOO_LONG), "{later}");
        let first = page_error(431, "", LONG_URL, false);
        assert!(first.ends_with(BASE_URL_TOO_LONG), "{first}");
        assert!(!first.contains(NEXT_LINK_TOO_LONG), "{first}");
    }

    /// "Check base_url" is no advice once base_url answered a page; before,
    /// it is.
    #[test]
    fn check_base_url_is_said_only_before_base_url_answered_a_page() {
        for status in [304, 600] {
            let first = page_error(status, "", 100, false);
            assert!(first.contains("; check base_url"), "{first}");
            assert!(!first.contains("answered the first page"), "{first}");
            let later = page_error(status, "", 100, true);
            assert!(!later.contains("check base_url"), "{later}");
            assert!(
                later.contains("; base_url answered the first page"),
                "{later}"
            );
        }
    }

    /// A 415 after an answered page says that the API or a gateway in front
    /// of it sent it, not also that the API refuses no request's type.
    #[test]
    fn a_415_after_an_answered_page_does_not_say_the_api_never_sends_one() {
        let later = page_error(415, "", 100, true);
        assert!(
            later.contains("the API or a gateway in front of it sent this"),
            "{later}"
        );
        assert!(!later.contains("as the API does not"), "{later}");
        let first = page_error(415, "", 100, false);
        assert!(
            first.ends_with("refuses the request's type; check base_url"),
            "{first}"
        );
    }

    /// What parse_page says of a 200 with `body`: its error, or "a page".
    fn said(body: &[u8], answered: bool) -> String {
        let mut reply = reply(200, "");
        reply.body = body.to_vec();
        let url = Url::parse("http://h/express/accounts?page=2").unwrap();
        match parse_page(&url, &reply, answered, &Redactor::default()) {
            Ok(_) => "a page".to_string(),
            Err(e) => e.to_string(),
        }
    }

    /// What a 200 that is no page of accounts is blamed on, by what its
    /// body is and whether an earlier page was answered.
    #[test]
    fn a_body_that_is_no_page_is_blamed_by_what_it_is() {
        let html = b"<html><body>Sign in</body></html>";
        let accounts = br#"{"_embedded": {"accounts": [1]}, "count": "two"}"#;
        for (body, answered, hint) in [
            (
                &html[..],
                true,
                "a proxy in between or a gateway in front of the API sent this one",
            ),
            (html, false, "check base_url, or a proxy in between"),
            (
                br#"{"_embedded": {"accounts": ["#,
                true,
                "not bytes, falls short of accented text)",
            ),
            (
                br#"{"_embedded": {"accounts": ["#,
                false,
                "not bytes, falls short of accented text)",
            ),
            (
                b"{\"count\": \"\xfc\"}",
                true,
                "have whoever runs the API send UTF-8",
            ),
            (
                b"{\"count\": \"\xfc\"}",
                false,
                "another encoding; check base_url",
            ),
            (
                br#"{"_links": {"next": []}}"#,
                true,
                "links as the Talkdesk API does",
            ),
            (
                br#"{"_links": {"next": []}}"#,
                false,
                "links as the Talkdesk API does",
            ),
            (
                br#"{"count": "two"}"#,
                true,
                "same base_url, so the API sent a malformed page; try again later",
            ),
            (
                br#"{"count": 1, "count": 1}"#,
                false,
                "the page names that field twice, so which value holds is unknown: the API sent a malformed page; try again later",
            ),
            (
                br#"{"_embedded": {"accounts": [{"id": "a", "id": "b"}]}}"#,
                false,
                "an account names that field twice, so which value holds is unknown: the API sent a malformed page; try again later",
            ),
            (
                accounts,
                false,
                "; the API sent a malformed page; try again later",
            ),
            (br#"{"count": "two"}"#, false, "; check base_url"),
            (br#"{"count": "2"}"#, true, "send integers"),
            (br#"{"count": "2"}"#, false, "send integers"),
            (b"{}", false, "has no _embedded.accounts; check base_url"),
            (br#"{"count": 0}"#, false, "a page"),
            (br#"{"total": 0}"#, false, "a page"),
        ] {
            let said = said(body, answered);
            // (A page of markup ends with what it says.)
            assert!(
                said.ends_with(hint) || body == html && said.contains(hint),
                "{answered} {:?}: {said}",
                String::from_utf8_lossy(body)
            );
        }
    }

    /// A body names a bad token with a token (or a JWT) and a fault both, or
    /// a fault of a JWT's claims or signature alone: a fault alone is
    /// otherwise no word on the token.
    #[test]
    fn a_body_names_a_bad_token_with_a_token_and_its_fault() {
        assert!(names_a_bad_token(b"Access token has expired"));
        assert!(names_a_bad_token(b"jwt malformed"));
        assert!(names_a_bad_token(br#"{"detail":"Audience doesn't match"}"#));
        assert!(!names_a_bad_token(b"Invalid request"));
        assert!(!names_a_bad_token(b"token required"));
    }

    #[test]
    fn a_relative_next_link_belongs_to_where_a_redirect_found_the_page() {
        let found = Url::parse("https://api.example/v2/express/accounts?page=1").unwrap();
        let redactor = Redactor::default();
        let own = Url::parse("https://api.example/express/accounts").unwrap();
        let next = |href: &str, found: Option<&Url>| {
            next_of(redact_next(page_linking_to(href), &redactor, found, &own))
        };
        let moved = next("accounts?page=2", Some(&found));
        assert_eq!(moved, "https://api.example/v2/express/accounts?page=2");
        assert_eq!(next("accounts?page=2", None), "accounts?page=2");
        // A short secret that is a word of the API's address (a client
        // secret `express`) rewrote every link, and the first page's URL.
        redactor.add("express");
        for link in [
            "https://api.example/express/accounts?page=2",
            "/express/accounts?page=2",
        ] {
            assert_eq!(next(link, None), link);
        }
        assert_eq!(
            next(
                "https://api.example/express/accounts?page=2&k=express",
                None
            ),
            "https://api.example/express/accounts?page=2&k=<redacted>"
        );
        // A secret split by what a terminal drops is whole as shown.
        redactor.add("s3cretvalue");
        assert_eq!(
            next("/express/accounts?page=2&k=s3cret\u{7}value", None),
            "/express/accounts?page=2&k=<redacted>"
        );
        // A tab or line break in a link was made a space (`%20`), where
        // WHATWG takes it out: another page, a 404.
        assert_eq!(
            next("/express/accounts?page=2&cur\tsor=a\nb", None),
            "/express/accounts?page=2&cursor=ab"
        );
    }
}
