//! The page walker: follows `_links.next.href` (absolute or relative),
//! falls back to page numbers when links are absent, never fetches a page
//! twice, and stops when the consumer stops asking.

use std::collections::HashSet;

use anyhow::Result;

use super::{Api, RawPage, concurrent};
use crate::account::Account;
use crate::error::api_error;
use crate::http::url::{Url, query_param};

/// One page of accounts.
#[derive(Debug)]
pub struct Page {
    pub number: u64,
    pub accounts: Vec<Account>,
    /// `total` and `total_pages` as this page reported them.
    pub total: Option<u64>,
    pub total_pages: Option<u64>,
}

/// Walks the pages lazily: each `next()` fetches one page.
pub struct Walk<'a> {
    api: &'a Api<'a>,
    next: Option<(Url, u64)>,
    single: bool,
    seen_pages: HashSet<u64>,
    seen_urls: HashSet<String>,
}

impl<'a> Walk<'a> {
    /// Every page from page 1.
    pub fn all(api: &'a Api<'a>) -> Walk<'a> {
        Walk::from_page(api, 1, false)
    }

    /// Page `n` alone.
    pub fn only(api: &'a Api<'a>, n: u64) -> Walk<'a> {
        Walk::from_page(api, n, true)
    }

    fn from_page(api: &'a Api<'a>, n: u64, single: bool) -> Walk<'a> {
        Walk {
            api,
            next: Some((api.page_url(n), n)),
            single,
            seen_pages: HashSet::new(),
            seen_urls: HashSet::new(),
        }
    }

    fn fetch(&mut self, url: Url, expected: u64) -> Result<Page> {
        let raw = self.api.get_page(&url)?;
        self.accept(url, expected, raw)
    }

    /// Where the walk goes next: the URL and the page number it expects
    /// there. The caller fetches it and hands the answer to [`Walk::accept`].
    pub(super) fn next_request(&mut self) -> Option<(Url, u64)> {
        self.next.take()
    }

    /// True while the walk has somewhere to go.
    pub(super) fn has_next(&self) -> bool {
        self.next.is_some()
    }

    /// Takes the answer to `url` into the walk: checks it for loops and
    /// decides where to go after it.
    pub(super) fn accept(&mut self, url: Url, expected: u64, raw: RawPage) -> Result<Page> {
        self.seen_urls.insert(url.to_string());
        let number = raw.page.unwrap_or(expected);
        if !self.seen_pages.insert(number) {
            return Err(api_error(format!(
                "the API sent page {number} twice ({url}); its next links go in a loop, so the walk stops here"
            )));
        }
        if !self.single {
            self.next = self.next_after(&url, &raw, number)?;
        }
        let accounts = raw.embedded.and_then(|e| e.accounts).unwrap_or_default();
        Ok(Page {
            number,
            accounts,
            total: raw.total,
            total_pages: raw.total_pages,
        })
    }

    /// Where to go after page `number` (fetched from `url`): its next
    /// link, else the next page number while `page < total_pages` and the
    /// page had accounts, else nowhere.
    fn next_after(&self, url: &Url, raw: &RawPage, number: u64) -> Result<Option<(Url, u64)>> {
        let is_empty = raw
            .embedded
            .as_ref()
            .and_then(|e| e.accounts.as_ref())
            .is_none_or(Vec::is_empty);
        let past_the_end = raw.total_pages.is_some_and(|t| number >= t);
        if is_empty && past_the_end {
            return Ok(None);
        }
        let href = raw
            .links
            .as_ref()
            .and_then(|l| l.next.as_ref())
            .and_then(|n| n.href.as_deref())
            .filter(|h| !h.trim().is_empty());
        if let Some(href) = href {
            // Refused here, when the page arrives, rather than when the link
            // is fetched: no page is fetched ahead past a link that is bad.
            let next = self.api.follow(url, href.trim())?;
            let linked_page = query_param(&next, "page").and_then(|p| p.parse::<u64>().ok());
            let goes_back =
                linked_page.is_some_and(|p| p <= number || self.seen_pages.contains(&p));
            if goes_back || self.seen_urls.contains(next.as_str()) {
                return Err(api_error(format!(
                    "page {number}: its next link {next} goes back to a page already fetched; the walk stops here rather than loop"
                )));
            }
            return Ok(Some((next, linked_page.unwrap_or(number + 1))));
        }
        match raw.total_pages {
            Some(claimed) if is_empty => {
                self.api.client().warn(&format!(
                    "page {number} is empty and has no next link, but the API claimed {claimed} pages ({} accounts in all); the walk ends here",
                    raw.total.map_or_else(|| "no total".to_string(), |t| t.to_string())
                ));
                Ok(None)
            }
            Some(total_pages) if number < total_pages => {
                Ok(Some((self.api.page_url(number + 1), number + 1)))
            }
            _ => Ok(None),
        }
    }
}

impl Iterator for Walk<'_> {
    type Item = Result<Page>;

    fn next(&mut self) -> Option<Result<Page>> {
        let (url, expected) = self.next.take()?;
        Some(self.fetch(url, expected))
    }
}

/// Which pages a walk covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    /// Every page, from page 1.
    All,
    /// Page N alone.
    Only(u64),
}

/// What the consumer wants after a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Continue, but at most this many more accounts can be used (a
    /// `--limit` with no filter): a concurrent walk starts no page beyond
    /// what they can fill.
    AtMost(u64),
    Stop,
}

/// Hands every page, in page order, to `consume` until it says stop.
/// This is the one entry point commands use to walk; `concurrency` is how
/// many pages may be in flight once the page count is known.
///
/// The first page is fetched alone. When it gives `total_pages` and
/// `concurrency` is above one, the rest are fetched that many at a time
/// (see [`concurrent`](super::concurrent)); otherwise, and for `--page N`,
/// the walk goes one page after the other. No more pages are fetched
/// ahead than the first page's `total` supports, whatever its
/// `total_pages` claims.
pub fn for_each_page(
    api: &Api,
    pages: Pages,
    concurrency: usize,
    mut consume: impl FnMut(Page) -> Result<Flow>,
) -> Result<()> {
    let mut walk = match pages {
        Pages::All => Walk::all(api),
        Pages::Only(n) => Walk::only(api, n),
    };
    let Some(first) = walk.next() else {
        return Ok(());
    };
    let first = first?;
    let ahead = match (pages, first.total_pages) {
        (Pages::All, Some(claimed)) if concurrency > 1 && claimed > first.number => {
            let per_page = first.accounts.len() as u64;
            let supported = first.total.map_or(claimed, |t| t.div_ceil(per_page.max(1)));
            Some(concurrent::Ahead {
                after: first.number,
                last: claimed.min(supported),
                per_page,
            })
        }
        _ => None,
    };
    let flow = consume(first)?;
    if flow == Flow::Stop {
        return Ok(());
    }
    if let Some(ahead) = ahead.filter(|a| a.last > a.after && walk.has_next()) {
        return concurrent::walk_rest(api, walk, ahead, concurrency, flow, consume);
    }
    for page in walk {
        if consume(page?)? == Flow::Stop {
            break;
        }
    }
    Ok(())
}
