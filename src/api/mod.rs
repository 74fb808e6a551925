//! The Get Accounts endpoint: page requests with the run's bearer token,
//! and the page walker (sequential and concurrent) on top of them. The
//! HTTP itself is [`crate::http`]'s.

pub mod concurrent;
pub mod pages;

use anyhow::Result;
use serde::Deserialize;

use crate::account::Account;
use crate::error::{api_error, auth_error, config_error};
use crate::http::Bearer;
use crate::http::client::{Client, Reply, Request};
use crate::http::errors::{describe, hint, unexpected};
use crate::http::url::{self, Refusal, Url};

/// The path of the endpoint, appended to `base_url`.
pub const ACCOUNTS_PATH: &str = "/express/accounts";

/// One page as the API sends it.
#[derive(Debug, Deserialize)]
pub struct RawPage {
    pub count: Option<u64>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    pub total: Option<u64>,
    pub total_pages: Option<u64>,
    #[serde(rename = "_embedded")]
    pub embedded: Option<Embedded>,
    #[serde(rename = "_links")]
    pub links: Option<Links>,
}

#[derive(Debug, Deserialize)]
pub struct Embedded {
    pub accounts: Option<Vec<Account>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Links {
    pub next: Option<Link>,
}

#[derive(Debug, Deserialize)]
pub struct Link {
    pub href: Option<String>,
}

/// The accounts endpoint of one `base_url`, with the run's token.
pub struct Api<'a> {
    client: &'a Client,
    bearer: &'a dyn Bearer,
    base: Url,
    accounts: Url,
    per_page: u32,
}

impl<'a> Api<'a> {
    pub fn new(client: &'a Client, bearer: &'a dyn Bearer, base: Url, per_page: u32) -> Api<'a> {
        let accounts = url::join_path(&base, ACCOUNTS_PATH);
        Api {
            client,
            bearer,
            base,
            accounts,
            per_page,
        }
    }

    /// `…/express/accounts?page=N&per_page=P`.
    pub fn page_url(&self, page: u64) -> Url {
        let mut url = self.accounts.clone();
        url.query_pairs_mut()
            .append_pair("page", &page.to_string())
            .append_pair("per_page", &self.per_page.to_string());
        url
    }

    /// The `per_page` asked for.
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// The run's HTTP client.
    pub fn client(&self) -> &Client {
        self.client
    }

    /// The accounts endpoint.
    pub fn accounts_url(&self) -> &Url {
        &self.accounts
    }

    /// The next link `href` of the page at `page`, resolved and checked
    /// (see [`url::follow`]): plain http outside loopback is exit 3, any
    /// other refused link exit 5.
    pub fn follow(&self, page: &Url, href: &str) -> Result<Url> {
        let href = self.client.redactor().redact(href);
        url::follow(page, &href, &self.base).map_err(|refusal| match refusal {
            Refusal::Insecure(message) => config_error(message),
            Refusal::Elsewhere(message) => api_error(message),
        })
    }

    /// GETs one page with the bearer token, after checking once more that
    /// the token may go to `url`; a 401 gets one new token and one more
    /// try.
    pub fn get_page(&self, url: &Url) -> Result<RawPage> {
        let url = &self.follow(url, url.as_str())?;
        let mut bearer = self.bearer.authorization()?;
        let mut reply = self.get(url, &bearer)?;
        if reply.status == 401 {
            bearer = self.bearer.renew(&bearer)?;
            reply = self.get(url, &bearer)?;
        }
        let redactor = self.client.redactor();
        match reply.status {
            200 => parse_page(url, &reply),
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
    let page: RawPage = serde_json::from_slice(&reply.body).map_err(|e| {
        api_error(format!(
            "GET {url}: the answer is not a page of accounts ({e}); check base_url"
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
