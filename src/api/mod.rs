//! Talking to the Get Accounts endpoint: the HTTP client, retries, error
//! bodies, origin checks, and the page walker.

pub mod client;
pub mod concurrent;
pub mod errors;
pub mod pacer;
pub mod pages;
pub mod proxy;
pub mod retry;
pub mod throttle;
pub mod url;
pub mod warm;

use anyhow::Result;
use serde::Deserialize;

use crate::account::Account;
use crate::auth::Auth;
use crate::error::{api_error, auth_error, config_error};
use client::{Client, Reply, Request};
use errors::{describe, hint, unexpected};
use url::Url;

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
    auth: &'a Auth<'a>,
    base: Url,
    accounts: Url,
    per_page: u32,
}

impl<'a> Api<'a> {
    pub fn new(client: &'a Client, auth: &'a Auth<'a>, base: Url, per_page: u32) -> Api<'a> {
        let accounts = base.join_path(ACCOUNTS_PATH);
        Api {
            client,
            auth,
            base,
            accounts,
            per_page,
        }
    }

    /// `…/express/accounts?page=N&per_page=P`.
    pub fn page_url(&self, page: u64) -> Url {
        let text = format!("{}?page={page}&per_page={}", self.accounts, self.per_page);
        Url::parse(&text).unwrap_or_else(|_| self.accounts.clone())
    }

    /// The run's token source (`auth check` reports on its token).
    pub fn auth(&self) -> &Auth<'a> {
        self.auth
    }

    /// The `per_page` asked for.
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// The run's HTTP client.
    pub fn client(&self) -> &Client {
        self.client
    }

    /// The accounts endpoint, for resolving relative links.
    pub fn accounts_url(&self) -> &Url {
        &self.accounts
    }

    /// May the token go to `url`? Plain http to a host that is not
    /// loopback is exit 3; another origin than `base_url`'s is exit 5.
    pub fn check_link(&self, url: &Url) -> Result<()> {
        url.check_secure()
            .map_err(|e| config_error(format!("the API's next link {url}: {e}")))?;
        if url.origin() != self.base.origin() {
            return Err(api_error(format!(
                "refusing to follow the link {url}: it leaves {} and the token is sent only there; check base_url",
                self.base.origin()
            )));
        }
        Ok(())
    }

    /// GETs one page with the bearer token. Plain http to a host that is
    /// not loopback is refused (exit 3), and the token goes only to the
    /// origin of `base_url` (another origin is exit 5), both before any
    /// request; a 401 gets one new token and one more try.
    pub fn get_page(&self, url: &Url) -> Result<RawPage> {
        self.check_link(url)?;
        let mut token = self.auth.token()?;
        let mut reply = self.get(url, &token)?;
        if reply.status == 401 {
            token = self.auth.renew(&token)?;
            reply = self.get(url, &token)?;
        }
        match reply.status {
            200 => parse_page(url, &reply),
            401 | 403 => Err(auth_error(format!(
                "GET {url}: {}; {}",
                describe(&reply),
                hint(reply.status).unwrap_or_default()
            ))),
            _ => Err(unexpected(&format!("GET {url}"), &reply, "base_url")),
        }
    }

    fn get(&self, url: &Url, token: &crate::auth::Token) -> Result<Reply> {
        let bearer = token.bearer();
        self.client.send(&Request {
            method: "GET",
            url,
            authorization: Some(&bearer),
            form: None,
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
