//! The Get Accounts endpoint: page requests with the run's bearer token,
//! and the page walker on top of them: the walk's decisions as a pure state
//! machine ([`walk`]), driven one page after the other ([`pages`]) or a few
//! pages at a time ([`concurrent`]). The HTTP itself is [`crate::http`]'s.

pub mod concurrent;
pub mod pages;
pub mod walk;

use anyhow::Result;

use crate::error::{api_error, auth_error};
use crate::http::Bearer;
use crate::http::client::{Client, Reply, Request};
use crate::http::errors::{describe, hint, unexpected};
use crate::http::redact::Redactor;
use crate::http::url::Url;
use walk::{Endpoint, Page, RawPage, Walk};

/// The accounts endpoint of one `base_url`, with the run's token.
pub struct Api<'a> {
    client: &'a Client,
    bearer: &'a dyn Bearer,
    endpoint: Endpoint,
}

impl<'a> Api<'a> {
    pub fn new(client: &'a Client, bearer: &'a dyn Bearer, base: Url, per_page: u32) -> Api<'a> {
        Api {
            client,
            bearer,
            endpoint: Endpoint::new(base, per_page),
        }
    }

    /// `…/express/accounts?page=N&per_page=P`.
    pub fn page_url(&self, page: u64) -> Url {
        self.endpoint.page_url(page)
    }

    /// Where the pages are, for a walk.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The run's HTTP client.
    pub fn client(&self) -> &Client {
        self.client
    }

    /// GETs one page with the bearer token, after checking once more that
    /// the token may go to `url`; a 401 gets one new token and one more
    /// try. Its next link comes back with the run's secrets taken out.
    pub fn get_page(&self, url: &Url) -> Result<RawPage> {
        let redactor = self.client.redactor();
        let url = &self.endpoint.follow(url, &redactor.redact(url.as_str()))?;
        let mut bearer = self.bearer.authorization()?;
        let mut reply = self.get(url, &bearer)?;
        if reply.status == 401 {
            bearer = self.bearer.renew(&bearer)?;
            reply = self.get(url, &bearer)?;
        }
        match reply.status {
            200 => parse_page(url, &reply).map(|page| redact_next(page, redactor)),
            401 | 403 => Err(auth_error(format!(
                "GET {url}: {}; {}",
                describe(&reply, redactor),
                hint(reply.status).unwrap_or_default()
            ))),
            _ => Err(unexpected(
                &format!("GET {url}"),
                &reply,
                "base_url",
                redactor,
            )),
        }
    }

    /// Takes a fetched page into `walk`, saying on stderr when the walk
    /// ends short of what the API claimed.
    fn accept(&self, walk: &mut Walk, url: Url, expected: u64, raw: RawPage) -> Result<Page> {
        let step = walk.accept(url, expected, raw)?;
        if let Some(warning) = &step.warning {
            self.client.warn(warning);
        }
        Ok(step.page)
    }

    fn get(&self, url: &Url, bearer: &str) -> Result<Reply> {
        self.client.send(&Request {
            method: "GET",
            url,
            authorization: Some(bearer),
            form: None,
            issues_token: false,
        })
    }
}

/// Parses a 200 body; a page without its accounts is malformed unless it
/// says it is empty.
fn parse_page(url: &Url, reply: &Reply) -> Result<RawPage> {
    // A byte order mark is not JSON, but RFC 8259 lets a reader ignore it.
    let body = reply
        .body
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&reply.body);
    // Checked as UTF-8 once, as a whole, rather than account by account.
    let page: RawPage = std::str::from_utf8(body)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(text).map_err(|e| e.to_string()))
        .map_err(|e| {
            // A login or error page of a proxy or gateway in between.
            let (e, hint) = match body.trim_ascii_start().starts_with(b"<") {
                true => ("an HTML page".to_string(), ", or a proxy in between"),
                false => (e, ""),
            };
            api_error(format!(
                "GET {url}: the answer is not a page of accounts ({e}); check base_url{hint}"
            ))
        })?;
    let has_accounts = page.embedded.as_ref().is_some_and(|e| e.accounts.is_some());
    let says_empty = page.count == Some(0) || page.total == Some(0);
    if !has_accounts && !says_empty {
        return Err(api_error(format!(
            "GET {url}: the answer has no _embedded.accounts; check base_url"
        )));
    }
    Ok(page)
}

/// `page` with the run's secrets taken out of its next link before the
/// walk follows it, or shows it in an error: redacted before it is
/// shortened, so no cut leaves part of a secret behind.
fn redact_next(mut page: RawPage, redactor: &Redactor) -> RawPage {
    if let Some(href) = page
        .links
        .as_mut()
        .and_then(|l| l.next.as_mut())
        .and_then(|n| n.href.as_mut())
    {
        *href = redactor.redact(href);
    }
    page
}
