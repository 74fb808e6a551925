//! The walk as a pure state machine: told each page as it arrives, it says
//! where the walk goes next. It follows `_links.next.href` (absolute or
//! relative) and falls back to page numbers when links are absent; it
//! refuses a link that leaves the API's origin or goes back to a page
//! already fetched; it ends on a page that is empty without a next link,
//! whatever `total_pages` claimed (saying so); and it bounds how far pages
//! may be fetched ahead (by `total` and by `--limit`).
//!
//! No I/O, no clock, no HTTP client: the drivers (sequential in
//! [`pages`](super::pages), concurrent in [`concurrent`](super::concurrent))
//! send the requests and feed the answers here, so both walk the same way.
//! This module also holds the page as the API sends it ([`RawPage`]), the
//! walk's input.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use serde::Deserialize;

use crate::account::FromPage;
pub use crate::accounts::{Flow, Page};
use crate::error::api_error;
use crate::http::url::{self, RequestKey, Url, query_param};

/// The path of the endpoint, appended to `base_url`.
pub const ACCOUNTS_PATH: &str = "/express/accounts";

/// One page as the API sends it.
#[derive(Debug, Deserialize)]
#[serde(expecting = "a page: an object with _embedded.accounts")]
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
#[serde(expecting = "an _embedded object with accounts")]
pub struct Embedded {
    /// Read in one pass from the page's text ([`FromPage`]): a page is
    /// parsed from text held in memory. `"_embedded": []` (PHP's empty
    /// map) has none.
    #[serde(default)]
    pub accounts: Option<Vec<FromPage>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a _links object")]
pub struct Links {
    /// `default` lets `"_links": []` read as no links: PHP's `json_encode`
    /// writes an empty map so.
    #[serde(default, deserialize_with = "one_link")]
    pub next: Option<Link>,
}

/// `_links.next` as the API sends it: one link (or null), not an array of
/// them (HAL's), which the derived [`Link`] read as its fields.
fn one_link<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Link>, D::Error> {
    use serde::de::{self, value::MapAccessDeserializer};
    struct OneLink;
    impl<'de> de::Visitor<'de> for OneLink {
        type Value = Option<Link>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a link: an object with an href")
        }
        fn visit_unit<E>(self) -> Result<Option<Link>, E> {
            Ok(None)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Option<Link>, A::Error> {
            Link::deserialize(MapAccessDeserializer::new(map)).map(Some)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Option<Link>, A::Error> {
            Err(de::Error::custom(
                "_links.next is an array of links, where the Talkdesk API sends one: an object with an href",
            ))
        }
    }
    d.deserialize_any(OneLink)
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "a link: an object with an href")]
pub struct Link {
    pub href: Option<String>,
}

impl RawPage {
    /// Its `_embedded.accounts`, when it has them.
    pub fn accounts(&self) -> Option<&Vec<FromPage>> {
        self.embedded.as_ref()?.accounts.as_ref()
    }

    /// A hash of how many accounts it has and its first and last ids (how
    /// a page sent again is known: ids are unique, so two pages of a walk
    /// share neither); `None` for a page without accounts.
    fn ids_hash(&self) -> Option<u64> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let accounts = self.accounts()?;
        let (FromPage(first), FromPage(last)) = (accounts.first()?, accounts.last()?);
        let ids = (accounts.len(), first.id_text(), last.id_text());
        Some(BuildHasherDefault::<DefaultHasher>::default().hash_one(ids))
    }

    /// Its next link, when it has one that is not blank.
    fn next_href(&self) -> Option<&str> {
        let href = self.links.as_ref()?.next.as_ref()?.href.as_deref()?.trim();
        (!href.is_empty()).then_some(href)
    }
}

/// Where the pages are: the accounts endpoint of one `base_url`, the
/// origin every next link must keep, and the page size asked for.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub accounts: Url,
    pub origin: Url,
    pub per_page: u32,
}

impl Endpoint {
    /// The endpoint of `base_url`.
    pub fn new(base: Url, per_page: u32) -> Endpoint {
        Endpoint {
            accounts: url::join_path(&base, ACCOUNTS_PATH),
            origin: base,
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
}

/// Which pages a walk covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    /// Every page, from page 1.
    All,
    /// Page N alone.
    Only(u64),
}

/// A page taken into the walk, with the warning to show when the walk
/// ends there earlier than the page claimed.
#[derive(Debug)]
pub struct Step {
    pub page: Page,
    pub warning: Option<String>,
}

/// The state of one walk: where it goes next and what it has seen.
#[derive(Debug)]
pub struct Walk {
    endpoint: Endpoint,
    next: Option<(Url, u64)>,
    single: bool,
    /// The page numbers handed on.
    seen_pages: HashSet<u64>,
    /// The pages' `page` fields.
    fields: HashSet<u64>,
    /// The accounts of each page (a hash of their ids), with its number.
    contents: HashMap<u64, u64>,
    /// A wrong `page` field has been warned about.
    misnumbered: bool,
    seen_urls: HashSet<RequestKey>,
    /// The accounts of the pages so far, repeats included.
    received: u64,
    /// The page coming next is asked for by number, not by a next link.
    by_number: bool,
    /// Why the walk cannot go on after the last page (a next link
    /// refused): an error only when it is asked to (`--limit` may be met).
    refused: Option<anyhow::Error>,
    /// `total` and `total_pages` as the last page that sent them said.
    claimed: (Option<u64>, Option<u64>),
}

impl Walk {
    /// A walk over `pages` of `endpoint`.
    pub fn new(endpoint: Endpoint, pages: Pages) -> Walk {
        let (first, single) = match pages {
            Pages::All => (1, false),
            Pages::Only(n) => (n, true),
        };
        Walk {
            next: Some((endpoint.page_url(first), first)),
            endpoint,
            single,
            seen_pages: HashSet::new(),
            fields: HashSet::new(),
            contents: HashMap::new(),
            misnumbered: false,
            seen_urls: HashSet::new(),
            received: 0,
            by_number: true,
            refused: None,
            claimed: (None, None),
        }
    }

    /// Where the walk goes next: the URL and the page number it expects
    /// there. The caller fetches it and hands the answer to [`Walk::accept`].
    /// An error when the last page's next link was refused.
    pub fn next_request(&mut self) -> Option<Result<(Url, u64)>> {
        let refused = self.refused.take().map(Err);
        refused.or_else(|| self.next.take().map(Ok))
    }

    /// Pages asked for by number from now on are those of `endpoint`:
    /// where a redirect showed the pages to be (the rest are asked there,
    /// not redirected each, and fetched ahead as without the redirect).
    /// Called for every page once moved: copied the first time only.
    pub fn move_to(&mut self, endpoint: &Endpoint) {
        if self.endpoint.accounts != endpoint.accounts {
            self.endpoint = endpoint.clone();
        }
    }

    /// Where the walk goes next, without going there.
    pub fn peek(&self) -> Option<&(Url, u64)> {
        self.next.as_ref()
    }

    /// True while the walk has somewhere to go (or a refusal to say).
    pub fn has_next(&self) -> bool {
        self.next.is_some() || self.refused.is_some()
    }

    /// Takes the answer to `url` into the walk: checks it for loops and
    /// decides where to go after it. The page is the one asked for
    /// (`number`), whatever its `page` field says: a field counted from
    /// 0, or one that always says 1, is the server's own numbering.
    pub fn accept(&mut self, url: Url, number: u64, mut raw: RawPage) -> Result<Step> {
        self.seen_urls.insert(RequestKey::of(&url));
        // A page that leaves out `total` or `total_pages` keeps what the
        // pages before said (a server that sends them with the first only).
        let total_before = self.claimed.0;
        raw.total = raw.total.or(total_before);
        raw.total_pages = raw.total_pages.or(self.claimed.1);
        self.claimed = (raw.total, raw.total_pages);
        // The accounts of a page before, sent again: see `repeated`.
        if let Some(before) = raw.ids_hash().and_then(|h| self.contents.insert(h, number)) {
            return self.repeated(&url, number, before, total_before, &raw);
        }
        // A `page` field repeated (over other accounts: the same ones are a
        // loop, above) is wrong, one that always says 1: said once.
        let mut warning = None;
        if let Some(field) = raw.page {
            let repeated = !self.fields.insert(field) && field != number;
            if repeated && !std::mem::replace(&mut self.misnumbered, true) {
                warning = Some(format!(
                    "the API numbered page {number} as page {field}, which it sent before with other accounts; its `page` field is ignored"
                ));
            }
        }
        self.seen_pages.insert(number);
        self.received += raw.accounts().map_or(0, |a| a.len() as u64);
        self.far_past_the_claims(number, &raw)?;
        if !self.single {
            // A bad link fails the walk only if it goes on: the accounts
            // `--limit` wants may all be on this page.
            match self.next_after(&url, &raw, number) {
                Ok(short) => {
                    let both = warning.into_iter().chain(short);
                    warning = both.reduce(|numbered, why| format!("{numbered}; {why}"));
                }
                Err(refused) => self.refused = Some(refused),
            }
        } else if let Some(other) = not_the_page_asked(&url, &raw, number) {
            // Past the last page claimed, a server's clamp (as the walk's
            // repeat there): page N holds none, and `list` says it is past.
            match raw.total_pages.is_some_and(|last| number > last) {
                true => raw.embedded = None,
                false => return Err(other),
            }
        }
        let accounts = raw.embedded.and_then(|e| e.accounts).unwrap_or_default();
        let page = Page {
            number,
            accounts: accounts.into_iter().map(|FromPage(a)| a).collect(),
            total: raw.total,
            total_pages: raw.total_pages,
        };
        Ok(Step { page, warning })
    }

    /// An error when the walk has gone far past what the API claimed: more
    /// than twice its `total_pages` walked (and 10 more) and more than
    /// twice its `total` received (and 50 more): a server linking on
    /// without end with new accounts (accounts added during a walk come
    /// nowhere near that; a server that only misnumbers its pages, or
    /// undercounts them, sends no more accounts than its total).
    fn far_past_the_claims(&self, number: u64, raw: &RawPage) -> Result<()> {
        let (Some(total), Some(claimed)) = (raw.total, raw.total_pages) else {
            return Ok(());
        };
        let walked = self.seen_pages.len() as u64;
        let pages_past = walked > claimed.saturating_mul(2).saturating_add(10);
        let accounts_past = self.received > total.saturating_mul(2).saturating_add(50);
        if !pages_past || !accounts_past {
            return Ok(());
        }
        Err(api_error(format!(
            "the API linked on to page {number}, {} accounts in all, though it claimed {total} in {claimed} pages; the walk stops here rather than go on without end",
            self.received
        )))
    }

    /// Page `number` holds the accounts of page `before`, sent again under
    /// another number or link (a server that clamps to its last page, or
    /// ignores the page asked for): its next links would go on for ever.
    /// Past the last page claimed, the walk ends there, as on an empty page.
    fn repeated(
        &mut self,
        url: &Url,
        number: u64,
        before: u64,
        total_before: Option<u64>,
        raw: &RawPage,
    ) -> Result<Step> {
        // Without `total_pages`, a page after the first sent again for
        // the next number ends the walk too (the server's `total` is
        // then checked by the caller); page 1 sent again is a server
        // that ignores the page asked for.
        let past_the_end = match raw.total_pages {
            Some(claimed) if number > claimed => {
                format!("past the last page the API claimed ({claimed})")
            }
            // Page 1 again, with no total ever said: a server that
            // does not page, and sent them all.
            None if self.by_number && (before > 1 || raw.total.is_none()) => {
                format!("so the API has no page after {before}")
            }
            _ => {
                // A link that asks for a page number (forward: see
                // `follow_link`) was asked for by number too.
                let asked = self.by_number || query_param(url, "page").is_some();
                let why = match (total_before.zip(raw.total), asked) {
                    (Some((was, now)), _) if was != now => &format!(
                        "accounts were added or removed during the walk (its total went from {was} to {now}) and shifted the pages, so the walk stops here; run again"
                    ),
                    (_, true) => "it ignores the page asked for, so the walk stops here",
                    (_, false) => "its next links go in a loop, so the walk stops here",
                };
                return Err(api_error(format!(
                    "the API sent page {before} twice (again as page {number}, {url}); {why}"
                )));
            }
        };
        self.next = None;
        let page = Page {
            number,
            accounts: Vec::new(),
            total: raw.total,
            total_pages: raw.total_pages,
        };
        let link = (raw.next_href()).map_or("", |_| ", without following its next link");
        let warning = Some(format!(
            "page {number} repeats page {before}, {past_the_end}; the walk ends there{link}"
        ));
        Ok(Step { page, warning })
    }

    /// Sets where to go after page `number` (fetched from `url`): nowhere
    /// when it is empty and at or past `total_pages`; else its next link;
    /// else the next page number while `page < total_pages` and the page
    /// had accounts (without `total_pages`: while fewer accounts than
    /// `total` have come); else nowhere. When it goes nowhere although the
    /// page claimed more, the warning that says so. A refused link leaves
    /// the walk nowhere to go.
    fn next_after(&mut self, url: &Url, raw: &RawPage, number: u64) -> Result<Option<String>> {
        (self.next, self.by_number) = (None, false);
        let is_empty = raw.accounts().is_none_or(Vec::is_empty);
        let past_the_end = raw.total_pages.is_some_and(|t| number >= t);
        if is_empty && past_the_end {
            return Ok(None);
        }
        if let Some(href) = raw.next_href() {
            // Refused here, when the page arrives, rather than when the link
            // is fetched: no page is fetched ahead past a link that is bad.
            self.next = Some(self.follow_link(url, href, number)?);
            return Ok(None);
        }
        let n = match raw.total_pages {
            Some(claimed) if is_empty => {
                return Ok(Some(format!(
                    "page {number} is empty and has no next link, but the API claimed {claimed} pages ({} accounts in all); the walk ends here",
                    raw.total.map_or("no total".into(), |t| t.to_string())
                )));
            }
            Some(total_pages) if number < total_pages => number + 1,
            None if !is_empty && raw.total.is_some_and(|t| self.received < t) => {
                page_after(number)?
            }
            // Neither a total nor a next link: a page as full as asked may
            // have more after it, and the next number says (empty, or the
            // same page again from a server that ignores the number).
            None if raw.total.is_none() && self.full(raw) => page_after(number)?,
            _ => return Ok(None),
        };
        (self.next, self.by_number) = (Some((self.number_url(url, raw, n), n)), true);
        Ok(None)
    }

    /// Page `n` by number after page `url`, of the size the server uses:
    /// the number it sent when fewer than asked (a cap), as its `per_page`
    /// says (or it says none), and its totals count pages of that size,
    /// else that of `url` when it is a page of the endpoint (a link carries
    /// the capped size). A server that counts offsets with the size asked
    /// for sends another slice for another size: the size is learned from
    /// page 1 (its offset is 0 at any size) or a page asked for without a
    /// size (a link without `per_page`: the server chose it).
    fn number_url(&self, url: &Url, raw: &RawPage, n: u64) -> Url {
        let mut next = self.endpoint.page_url(n);
        let asked = query_param(url, "per_page").filter(|_| url.path() == next.path());
        let asked_size = asked.as_deref().and_then(|s| s.parse().ok());
        let below = |p: &u64| *p < asked_size.unwrap_or(u64::from(self.endpoint.per_page));
        let told =
            |p: &u64| (raw.total.zip(raw.total_pages)).is_some_and(|(t, n)| t.div_ceil(*p) == n);
        let sent = raw.accounts().map_or(0, |a| a.len() as u64);
        let capped = Some(sent).filter(|p| {
            (n == 2 || asked.is_none())
                && *p > 0
                && raw.per_page.is_none_or(|said| said == *p)
                && below(p)
                && told(p)
        });
        if let Some(size) = capped.map(|p| p.to_string()).or(asked) {
            let page = n.to_string();
            let pairs = [("page", page.as_str()), ("per_page", &size)];
            next.query_pairs_mut().clear().extend_pairs(pairs);
        }
        next
    }

    /// True when `raw` holds as many accounts as a page holds: its own
    /// `per_page` (a server may hold fewer than asked), else (or when it
    /// says 0) the number asked for. More than that is a server that does
    /// not page.
    fn full(&self, raw: &RawPage) -> bool {
        let said = raw.per_page.filter(|p| *p > 0);
        let size = said.unwrap_or(u64::from(self.endpoint.per_page));
        raw.accounts().map_or(0, |a| a.len() as u64) == size
    }

    /// The next link `href` of page `number`, resolved, checked, and
    /// refused when it goes back to a page already fetched; with the page
    /// number it names (else the one after `number`).
    fn follow_link(&self, url: &Url, href: &str, number: u64) -> Result<(Url, u64)> {
        let next = url::follow(url, href, &self.endpoint.origin)?;
        let linked_page = query_param(&next, "page").and_then(|p| p.parse::<u64>().ok());
        let goes_back = linked_page.is_some_and(|p| p <= number || self.seen_pages.contains(&p));
        if goes_back || self.seen_urls.contains(&RequestKey::of(&next)) {
            return Err(api_error(format!(
                "page {number}: its next link {next} goes back to a page already fetched; the walk stops here rather than loop"
            )));
        }
        Ok((next, linked_page.map_or_else(|| page_after(number), Ok)?))
    }

    /// How far pages may be fetched ahead once `first` (the first page)
    /// has arrived, with `concurrency` pages in flight: up to its
    /// `total_pages`, or fewer when its `total` supports fewer. `None` when
    /// the walk goes one page after the other: `--page N`, a concurrency
    /// of one, no `total_pages`, or nothing after the first page.
    pub fn ahead(&self, first: &Page, concurrency: usize) -> Option<Ahead> {
        let claimed = first.total_pages?;
        if self.single || concurrency <= 1 || !self.has_next() {
            return None;
        }
        let per_page = first.accounts.len() as u64;
        let supported = first.total.map_or(claimed, |t| t.div_ceil(per_page.max(1)));
        let ahead = Ahead {
            after: first.number,
            last: claimed.min(supported),
            per_page,
        };
        (ahead.last > ahead.after).then_some(ahead)
    }
}

/// What the first page said about the rest of the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ahead {
    /// The first page's number.
    pub after: u64,
    /// The last page fetched ahead: its `total_pages`, or fewer when its
    /// `total` supports fewer.
    pub last: u64,
    /// Its number of accounts: how many a page holds.
    pub per_page: u64,
}

/// The last page worth starting after page `number`, given the flow.
pub fn bound_after(number: u64, flow: Flow, per_page: u64) -> u64 {
    match flow {
        Flow::AtMost(more) => number.saturating_add(more.div_ceil(per_page)),
        Flow::Continue | Flow::Stop => u64::MAX,
    }
}

/// `--page N` (N > 1) answered by a page whose next link asks for page N
/// or one before: not page N, but a server that ignores the page asked
/// for (the walk finds it as a page sent twice).
fn not_the_page_asked(url: &Url, raw: &RawPage, number: u64) -> Option<anyhow::Error> {
    let next = url.join(raw.next_href()?).ok()?;
    let linked = query_param(&next, "page")?.parse::<u64>().ok();
    let linked = linked.filter(|p| number > 1 && *p <= number)?;
    Some(api_error(format!(
        "page {number} ({url}): its next link asks for page {linked}, so it is not page {number}: the API ignores the page asked for (a saved page served as a file, or a mock that answers every page alike); check base_url"
    )))
}

/// The number after page `number`: none after the largest a page number
/// can be (a server's link went there).
fn page_after(number: u64) -> Result<u64> {
    number.checked_add(1).ok_or_else(|| {
        api_error(format!(
            "page {number} is the largest page number there can be, yet the API's answer says more accounts follow; the walk stops here"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Exit, exit_code_for};
    use serde_json::{Value, json};

    const BASE: &str = "http://127.0.0.1:5000";

    /// `--page N` answered by a page whose next link asks for page N or
    /// one before is another page (a server that ignores the query sends
    /// page 1); page 1 linking to itself is still page 1.
    #[test]
    fn a_single_page_linking_back_to_it_is_not_the_page_asked() {
        let mut walk = Walk::new(endpoint(), Pages::Only(2));
        let step = feed(&mut walk, raw(2, json!({"_links": next_link("?page=2")})));
        let message = step.unwrap_err().to_string();
        assert!(
            message.contains("not page 2: the API ignores the page asked for"),
            "{message}"
        );
        let mut walk = Walk::new(endpoint(), Pages::Only(1));
        let step = feed(&mut walk, raw(2, json!({"_links": next_link("?page=1")})));
        assert_eq!(step.unwrap().page.number, 1);
    }

    #[test]
    fn empty_links_written_as_an_array_are_no_links() {
        let page: RawPage =
            serde_json::from_str(r#"{"total": 1, "_embedded": {"accounts": []}, "_links": []}"#)
                .unwrap();
        assert!(page.links.unwrap().next.is_none());
        let empty: RawPage = serde_json::from_str(r#"{"total": 0, "_embedded": []}"#).unwrap();
        assert!(empty.embedded.unwrap().accounts.is_none());
    }

    fn endpoint() -> Endpoint {
        Endpoint::new(url::parse(BASE).unwrap(), 2)
    }

    fn page_url(n: u64) -> Url {
        endpoint().page_url(n)
    }

    /// A page of `accounts` accounts (ids no other page has), with the
    /// other fields merged in.
    fn raw(accounts: usize, fields: Value) -> RawPage {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT_ID: AtomicUsize = AtomicUsize::new(0);
        let first = NEXT_ID.fetch_add(accounts, Ordering::SeqCst);
        let accounts: Vec<Value> = (first..first + accounts)
            .map(|i| json!({"id": i}))
            .collect();
        let mut page = json!({"_embedded": {"accounts": accounts}});
        for (key, value) in fields.as_object().unwrap() {
            page[key] = value.clone();
        }
        serde_json::from_str(&page.to_string()).unwrap()
    }

    fn next_link(href: &str) -> Value {
        json!({"next": {"href": href}})
    }

    /// Feeds the walk's own next request with `page`; a next link refused
    /// is the error of the walk going on.
    fn feed(walk: &mut Walk, page: RawPage) -> Result<Step> {
        let (url, expected) = walk.next_request().expect("a next request")?;
        let step = walk.accept(url, expected, page)?;
        match walk.refused.take() {
            Some(refused) => Err(refused),
            None => Ok(step),
        }
    }

    /// Where the walk goes next, as text.
    fn next_of(walk: &Walk) -> Option<(String, u64)> {
        walk.next.as_ref().map(|(url, n)| (url.to_string(), *n))
    }

    fn kind(result: Result<Step>) -> (Exit, String) {
        let err = result.unwrap_err();
        (exit_code_for(&err), err.to_string())
    }

    #[test]
    fn starts_at_page_one_or_at_the_page_asked_for() {
        let all = Walk::new(endpoint(), Pages::All);
        assert_eq!(
            next_of(&all),
            Some((format!("{BASE}/express/accounts?page=1&per_page=2"), 1))
        );
        let only = Walk::new(endpoint(), Pages::Only(7));
        assert_eq!(next_of(&only), Some((page_url(7).to_string(), 7)));
    }

    #[test]
    fn follows_next_links_absolute_and_relative() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let step = feed(
            &mut walk,
            raw(2, json!({"_links": next_link("?page=2&per_page=2")})),
        );
        assert_eq!(step.unwrap().page.accounts.len(), 2);
        assert_eq!(next_of(&walk), Some((page_url(2).to_string(), 2)));
        let absolute = format!("{BASE}/express/accounts?cursor=abc");
        feed(&mut walk, raw(2, json!({"_links": next_link(&absolute)}))).unwrap();
        assert_eq!(
            next_of(&walk),
            Some((absolute, 3)),
            "no page number: the one after"
        );
    }

    #[test]
    fn without_links_goes_by_page_number_while_below_total_pages() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({"total_pages": 2}))).unwrap();
        assert_eq!(next_of(&walk), Some((page_url(2).to_string(), 2)));
        let step = feed(&mut walk, raw(1, json!({"total_pages": 2}))).unwrap();
        assert!(step.warning.is_none());
        assert!(!walk.has_next(), "the last page ends the walk");
    }

    /// A server that says its totals on the first page only: the walk
    /// stopped at page 2, three pages short, with a warning that accounts
    /// may have changed.
    #[test]
    fn totals_said_once_hold_for_the_pages_after() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({"total": 5, "total_pages": 3}))).unwrap();
        let step = feed(&mut walk, raw(2, json!({}))).unwrap();
        assert_eq!((step.page.total, step.page.total_pages), (Some(5), Some(3)));
        assert_eq!(next_of(&walk), Some((page_url(3).to_string(), 3)));
        feed(&mut walk, raw(1, json!({}))).unwrap();
        assert!(!walk.has_next(), "the last page claimed ends the walk");
    }

    /// One account per page, and one added before page 2 while it was
    /// read: page 2 holds page 1's account again, said to be a server
    /// whose links loop.
    #[test]
    fn a_page_repeated_after_the_total_moved_is_said_to_be_a_shift() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let page = |total: u64| {
            let text = format!(
                r#"{{"total": {total}, "total_pages": {total}, "_embedded": {{"accounts": [{{"id": "a"}}]}}}}"#
            );
            serde_json::from_str::<RawPage>(&text).unwrap()
        };
        feed(&mut walk, page(5)).unwrap();
        let (exit, message) = kind(feed(&mut walk, page(6)));
        assert_eq!(exit, Exit::Api);
        assert!(
            message.contains(
                "accounts were added or removed during the walk (its total went from 5 to 6)"
            ),
            "{message}"
        );
    }

    /// The page size is the server's when it says it (a server holding 2
    /// when 3 were asked was cut at page 1); more than asked is a server
    /// that does not page, and page 1 again for page 2, with no total ever
    /// said, is the end (it was exit 5).
    #[test]
    fn without_links_or_totals_the_servers_page_size_counts() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(1, json!({"per_page": 1}))).unwrap();
        assert_eq!(next_of(&walk), Some((page_url(2).to_string(), 2)));
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(3, json!({}))).unwrap();
        assert!(!walk.has_next(), "more than asked: not paged");
        let untold = || RawPage {
            total: None,
            ..page_of(0..2, 0)
        };
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, untold()).unwrap();
        let step = feed(&mut walk, untold()).unwrap();
        assert!(!walk.has_next() && step.page.accounts.is_empty());
        assert!(
            step.warning
                .unwrap()
                .contains("so the API has no page after 1")
        );
    }

    #[test]
    fn without_links_total_pages_or_total_a_short_page_is_the_last() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(1, json!({"per_page": 2}))).unwrap();
        assert!(!walk.has_next());
    }

    /// A full page that says nothing of more ended the walk there: 5 of
    /// 23 accounts, exit 0, and a snapshot recorded them as the whole.
    #[test]
    fn without_links_or_totals_a_full_page_is_followed_by_the_next_number() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({}))).unwrap();
        assert_eq!(next_of(&walk), Some((page_url(2).to_string(), 2)));
        feed(&mut walk, raw(2, json!({}))).unwrap();
        assert_eq!(next_of(&walk), Some((page_url(3).to_string(), 3)));
        let step = feed(&mut walk, raw(0, json!({}))).unwrap();
        assert!(step.warning.is_none() && !walk.has_next());
    }

    #[test]
    fn a_single_page_walk_ignores_its_links() {
        let mut walk = Walk::new(endpoint(), Pages::Only(3));
        let step = feed(
            &mut walk,
            raw(2, json!({"total_pages": 9, "_links": next_link("?page=4")})),
        );
        assert_eq!(step.unwrap().page.number, 3);
        assert!(!walk.has_next());
    }

    /// The page is the one asked for, whatever its `page` field says: a
    /// field counted from 0 made the walk ask for its last page again, and
    /// fail as a loop, after every account had arrived.
    #[test]
    fn the_page_number_is_the_one_asked_for_whatever_the_page_says() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let step = feed(&mut walk, raw(2, json!({"page": 5, "total_pages": 9}))).unwrap();
        assert_eq!((step.page.number, step.warning), (1, None));
        assert_eq!(next_of(&walk), Some((page_url(2).to_string(), 2)));
        let mut walk = Walk::new(endpoint(), Pages::All);
        for field in 0..3 {
            let step = feed(&mut walk, raw(2, json!({"page": field, "total_pages": 3}))).unwrap();
            assert_eq!((step.page.number, step.warning), (field + 1, None));
        }
        assert!(
            !walk.has_next(),
            "counted from 0, the walk ends at its third page"
        );
    }

    #[test]
    fn a_link_to_another_origin_is_refused_with_exit_5() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let (exit, message) = kind(feed(
            &mut walk,
            raw(
                2,
                json!({"_links": next_link("http://127.0.0.1:5001/express/accounts?page=2")}),
            ),
        ));
        assert_eq!(exit, Exit::Api);
        assert!(
            message.contains("leaves http://127.0.0.1:5000"),
            "{message}"
        );
    }

    #[test]
    fn a_plain_http_link_off_loopback_is_refused_with_exit_5() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let (exit, message) = kind(feed(
            &mut walk,
            raw(
                2,
                json!({"_links": next_link("http://api.example.com/x?page=2")}),
            ),
        ));
        assert_eq!(exit, Exit::Api);
        assert!(message.contains("(to http://api.example.com)"), "{message}");
    }

    #[test]
    fn a_link_back_to_an_earlier_page_is_a_loop() {
        for href in ["?page=1&per_page=2", "?page=2&per_page=2"] {
            let mut walk = Walk::new(endpoint(), Pages::All);
            feed(
                &mut walk,
                raw(2, json!({"_links": next_link("?page=2&per_page=2")})),
            )
            .unwrap();
            let (exit, message) = kind(feed(&mut walk, raw(2, json!({"_links": next_link(href)}))));
            assert_eq!(exit, Exit::Api, "{href}");
            assert!(
                message.contains("goes back to a page already fetched"),
                "{message}"
            );
        }
    }

    /// A link to a page number below its own is refused, fetched or not
    /// (page 1 linking to page 3, page 3 back to page 2).
    #[test]
    fn a_link_back_to_a_page_skipped_is_refused() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let skip = json!({"_links": next_link("?page=3&per_page=2")});
        feed(&mut walk, raw(2, skip)).unwrap();
        let back = json!({"_links": next_link("?page=2&per_page=2")});
        let (exit, message) = kind(feed(&mut walk, raw(2, back)));
        assert_eq!(exit, Exit::Api);
        assert!(message.contains("goes back"), "{message}");
    }

    /// Once a panic ("internal error", exit 1): page u64::MAX + 1.
    #[test]
    fn no_page_after_the_largest_page_number() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let last = format!("?page={}&per_page=2", u64::MAX);
        feed(&mut walk, raw(2, json!({"_links": next_link(&last)}))).unwrap();
        let (exit, message) = kind(feed(&mut walk, raw(2, json!({"total": 100}))));
        assert_eq!(exit, Exit::Api);
        assert!(message.contains("largest page number"), "{message}");
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({"_links": next_link(&last)}))).unwrap();
        let (exit, _) = kind(feed(
            &mut walk,
            raw(2, json!({"_links": next_link("?cursor=z")})),
        ));
        assert_eq!(exit, Exit::Api, "a link without a number after it");
    }

    #[test]
    fn a_link_back_to_a_url_already_fetched_is_a_loop() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({"_links": next_link("?cursor=a")}))).unwrap();
        let (exit, message) = kind(feed(
            &mut walk,
            raw(2, json!({"_links": next_link("?cursor=a")})),
        ));
        assert_eq!(exit, Exit::Api);
        assert!(
            message.contains("goes back to a page already fetched"),
            "{message}"
        );
    }

    /// A link to a page already fetched, spelled otherwise (a fragment,
    /// an escape, its parameters in another order), asks for the same page:
    /// it was fetched a second time before the loop was seen.
    #[test]
    fn a_link_back_spelled_otherwise_is_a_loop_before_it_is_fetched() {
        for again in [
            "?cursor=a&x=1#more",
            "?cursor=%61&x=1",
            "?x=1&cursor=a",
            "?cursor=a&%78=%31",
        ] {
            let mut walk = Walk::new(endpoint(), Pages::All);
            feed(
                &mut walk,
                raw(2, json!({"_links": next_link("?cursor=a&x=1")})),
            )
            .unwrap();
            let (exit, message) =
                kind(feed(&mut walk, raw(2, json!({"_links": next_link(again)}))));
            assert_eq!(exit, Exit::Api, "{again}");
            assert!(
                message.contains("goes back to a page already fetched"),
                "{again}: {message}"
            );
        }
        // Another page is no loop: another parameter, or other bytes that
        // are no UTF-8 (Latin-1 ü and ö).
        for (first, second) in [
            ("?cursor=a", "?cursor=a%26"),
            ("?c=M%FCller", "?c=M%F6ller"),
        ] {
            let mut walk = Walk::new(endpoint(), Pages::All);
            feed(&mut walk, raw(2, json!({"_links": next_link(first)}))).unwrap();
            feed(&mut walk, raw(2, json!({"_links": next_link(second)}))).unwrap();
        }
    }

    /// The same accounts again, whatever the page's number or link says,
    /// are a page sent twice: a server that clamps a page past its last to
    /// the last, or ignores the page asked for. Its forward links went on
    /// for ever before.
    #[test]
    fn the_same_page_again_is_a_loop_whatever_its_number() {
        let same = json!({"_embedded": {"accounts": [{"id": "a"}, {"id": "b"}]}});
        let page = |fields: Value| {
            let mut page = same.clone();
            for (key, value) in fields.as_object().unwrap() {
                page[key] = value.clone();
            }
            serde_json::from_str::<RawPage>(&page.to_string()).unwrap()
        };
        for (first, again) in [
            (
                json!({"page": 1, "_links": next_link("?cursor=b")}),
                json!({"page": 1}),
            ),
            (
                json!({"_links": next_link("?page=2")}),
                json!({"page": 2, "_links": next_link("?page=3")}),
            ),
            (
                json!({"_links": next_link("?cursor=c")}),
                json!({"_links": next_link("?cursor=d")}),
            ),
        ] {
            let mut walk = Walk::new(endpoint(), Pages::All);
            feed(&mut walk, page(first)).unwrap();
            let (exit, message) = kind(feed(&mut walk, page(again)));
            assert_eq!(exit, Exit::Api);
            assert!(
                message.contains("sent page 1 twice (again as page 2"),
                "{message}"
            );
        }
    }

    /// A `page` field that always says 1, over other accounts each time, is
    /// wrong, not a loop: the page counts as the one asked for, and the
    /// walk goes on (warning once). It stopped as a loop before.
    #[test]
    fn a_page_number_repeated_over_other_accounts_is_the_page_asked_for() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let page = |first: usize| {
            let ids: Vec<Value> = (first..first + 2).map(|i| json!({"id": i})).collect();
            let page = json!({"page": 1, "total_pages": 3, "_embedded": {"accounts": ids}});
            serde_json::from_str::<RawPage>(&page.to_string()).unwrap()
        };
        assert_eq!(feed(&mut walk, page(0)).unwrap().page.number, 1);
        let second = feed(&mut walk, page(2)).unwrap();
        assert_eq!(second.page.number, 2);
        let warning = second.warning.unwrap();
        assert!(warning.contains("numbered page 2 as page 1"), "{warning}");
        let third = feed(&mut walk, page(4)).unwrap();
        assert_eq!((third.page.number, third.warning), (3, None));
        assert!(!walk.has_next());
    }

    /// A server linking on past its own `total_pages`, with new accounts
    /// on every page, was walked without end (300 pages in 15 s).
    #[test]
    fn links_on_far_past_the_claimed_total_end_the_walk() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let mut n = 1;
        let err = loop {
            let fields = json!({"total": 23, "total_pages": 5, "_links": next_link(&format!("?page={}", n + 1))});
            match feed(&mut walk, raw(5, fields)) {
                Ok(_) => n += 1,
                Err(e) => break e,
            }
            assert!(n < 100, "no end");
        };
        assert!((10..=25).contains(&n), "{n}");
        let err = err.to_string();
        assert!(
            err.contains("the walk stops here rather than go on without end"),
            "{err}"
        );
        // A server that undercounts its pages, or numbers its links as
        // offsets, but sends no more accounts than its total, is walked
        // to its end (5873c1b stopped these at page 13).
        for (total_pages, step) in [(1, 1), (0, 50)] {
            let mut walk = Walk::new(endpoint(), Pages::All);
            for n in 0..15u64 {
                let mut fields = json!({"total": 75, "total_pages": total_pages});
                if n < 14 {
                    fields["_links"] = next_link(&format!("?page={}", 1 + (n + 1) * step));
                }
                feed(&mut walk, raw(5, fields)).unwrap();
            }
            assert!(!walk.has_next());
        }
    }

    /// A walk linking on stops at the first page past both bounds: more
    /// than twice `total_pages` and 10 pages walked, more than twice
    /// `total` and 50 accounts received (pages of 5, each linking on).
    #[test]
    fn the_walk_stops_at_the_first_page_past_both_bounds() {
        let stops_at = |total: u64| {
            let mut walk = Walk::new(endpoint(), Pages::All);
            (1..100u64)
                .find(|n| {
                    let link = next_link(&format!("?page={}", n + 1));
                    let fields = json!({"total": total, "total_pages": 1, "_links": link});
                    feed(&mut walk, raw(5, fields)).is_err()
                })
                .unwrap()
        };
        assert_eq!(stops_at(1), 13, "12 pages walked are not past 2 * 1 + 10");
        assert_eq!(stops_at(20), 19, "90 accounts are not past 2 * 20 + 50");
    }

    /// Page 1 sent again as the last page claimed is no page past the
    /// end: a server that ignores the page asked for (exit 5, not a walk
    /// ended there with half the accounts).
    #[test]
    fn the_first_page_again_as_the_last_claimed_is_an_error() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let mut first = page_of(0..2, 4);
        first.total_pages = Some(2);
        feed(&mut walk, first).unwrap();
        let (exit, message) = kind(feed(&mut walk, page_of(0..2, 4)));
        assert_eq!(exit, Exit::Api);
        assert!(message.contains("ignores the page asked for"), "{message}");
    }

    #[test]
    fn an_empty_page_past_total_pages_ends_the_walk_despite_a_next_link() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({"total_pages": 2}))).unwrap();
        let step = feed(
            &mut walk,
            raw(0, json!({"total_pages": 2, "_links": next_link("?page=3")})),
        );
        assert!(step.unwrap().warning.is_none());
        assert!(!walk.has_next());
    }

    #[test]
    fn an_empty_page_without_a_next_link_ends_the_walk_whatever_total_pages_claims() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({"total_pages": 9, "total": 18}))).unwrap();
        let step = feed(&mut walk, raw(0, json!({"total_pages": 9, "total": 18}))).unwrap();
        assert!(!walk.has_next());
        assert_eq!(
            step.warning.as_deref(),
            Some(
                "page 2 is empty and has no next link, but the API claimed 9 pages (18 accounts in all); the walk ends here"
            )
        );
    }

    #[test]
    fn without_total_pages_or_links_page_numbers_go_on_until_the_total_has_come() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({"total": 5}))).unwrap();
        assert_eq!(next_of(&walk).map(|(_, n)| n), Some(2));
        feed(&mut walk, raw(2, json!({"total": 5}))).unwrap();
        assert_eq!(next_of(&walk).map(|(_, n)| n), Some(3));
        feed(&mut walk, raw(1, json!({"total": 5}))).unwrap();
        assert!(!walk.has_next(), "5 of 5 have come");
        // A total that lies: the empty page after ends the walk.
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({"total": 9}))).unwrap();
        feed(&mut walk, raw(0, json!({"total": 9}))).unwrap();
        assert!(!walk.has_next());
    }

    /// A page of the accounts `ids`, with `total` and nothing else.
    fn page_of(ids: std::ops::Range<u32>, total: u64) -> RawPage {
        let accounts: Vec<Value> = ids.map(|i| json!({"id": format!("r{i}")})).collect();
        let page = json!({"total": total, "_embedded": {"accounts": accounts}});
        serde_json::from_str(&page.to_string()).unwrap()
    }

    #[test]
    fn without_total_pages_a_page_sent_again_for_the_next_number_ends_the_walk() {
        // A server that clamps past its last page, its total one too many.
        let mut walk = Walk::new(endpoint(), Pages::All);
        for ids in [0..2, 2..4, 4..5] {
            feed(&mut walk, page_of(ids, 6)).unwrap();
        }
        let step = feed(&mut walk, page_of(4..5, 6)).unwrap();
        assert!(!walk.has_next());
        assert!(step.page.accounts.is_empty());
        assert_eq!(
            step.warning.as_deref(),
            Some(
                // No next link to leave unfollowed: it was said to be.
                "page 4 repeats page 3, so the API has no page after 3; the walk ends there"
            )
        );
        // Page 1 sent again: the server ignores the page asked for.
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, page_of(0..2, 6)).unwrap();
        let (exit, message) = kind(feed(&mut walk, page_of(0..2, 6)));
        assert_eq!(exit, Exit::Api);
        assert!(
            message.contains("it ignores the page asked for"),
            "{message}"
        );
    }

    #[test]
    fn an_empty_page_with_a_next_link_before_the_end_goes_on() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let step = feed(
            &mut walk,
            raw(0, json!({"total_pages": 3, "_links": next_link("?page=2")})),
        );
        assert!(step.unwrap().warning.is_none());
        assert_eq!(next_of(&walk).map(|(_, n)| n), Some(2));
    }

    fn first(accounts: usize, fields: Value) -> (Walk, Page) {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let page = feed(&mut walk, raw(accounts, fields)).unwrap().page;
        (walk, page)
    }

    #[test]
    fn pages_ahead_go_to_total_pages_or_what_total_supports() {
        let (walk, page) = first(2, json!({"total_pages": 5, "total": 10}));
        let ahead = Ahead {
            after: 1,
            last: 5,
            per_page: 2,
        };
        assert_eq!(walk.ahead(&page, 4), Some(ahead));
        let (walk, page) = first(2, json!({"total_pages": 500, "total": 5}));
        assert_eq!(
            walk.ahead(&page, 4).map(|a| a.last),
            Some(3),
            "a lying total_pages"
        );
    }

    #[test]
    fn no_pages_ahead_when_the_walk_must_go_one_by_one() {
        let (walk, page) = first(2, json!({"total_pages": 5}));
        assert_eq!(walk.ahead(&page, 1), None, "concurrency 1");
        let (walk, page) = first(2, json!({}));
        assert_eq!(walk.ahead(&page, 4), None, "no total_pages");
        let (walk, page) = first(2, json!({"total_pages": 1}));
        assert_eq!(walk.ahead(&page, 4), None, "a single page");
        let (walk, page) = first(2, json!({"total_pages": 5, "total": 2}));
        assert_eq!(walk.ahead(&page, 4), None, "total fits the first page");
        let mut only = Walk::new(endpoint(), Pages::Only(1));
        let page = feed(&mut only, raw(2, json!({"total_pages": 5})))
            .unwrap()
            .page;
        assert_eq!(only.ahead(&page, 4), None, "--page N");
    }

    /// A first page that ended the walk (empty, no next link, 5 pages
    /// claimed) has no pages fetched ahead after it.
    #[test]
    fn no_pages_ahead_after_a_first_page_that_ended_the_walk() {
        let (walk, page) = first(0, json!({"total_pages": 5}));
        assert_eq!(walk.ahead(&page, 4), None);
    }

    #[test]
    fn a_limit_bounds_the_pages_started() {
        assert_eq!(bound_after(1, Flow::AtMost(70), 50), 3);
        assert_eq!(bound_after(2, Flow::AtMost(20), 50), 3);
        assert_eq!(bound_after(1, Flow::AtMost(49), 50), 2);
        assert_eq!(bound_after(1, Flow::AtMost(50), 50), 2);
        assert_eq!(bound_after(1, Flow::AtMost(51), 50), 3);
        assert_eq!(bound_after(4, Flow::Continue, 50), u64::MAX);
        assert_eq!(bound_after(u64::MAX - 1, Flow::AtMost(500), 1), u64::MAX);
    }

    /// A `per_page` of 0 is no page size: a page as full as asked, without
    /// totals or links, ended the walk (50 accounts of 150, exit 0, nothing
    /// said).
    #[test]
    fn a_per_page_of_zero_is_no_page_size() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, raw(2, json!({"per_page": 0}))).unwrap();
        assert_eq!(next_of(&walk).map(|(_, n)| n), Some(2));
    }

    /// The server's page size is learned from the first page alone: a
    /// later page of fewer than asked (a short last page under a
    /// `total_pages` one too many, its `per_page` the number it holds or
    /// none) had the next page asked for with that size, at an offset a
    /// page asked for before already covered (exit 5, "the API sent page 2
    /// twice", or a list short by the pages skipped).
    #[test]
    fn the_servers_page_size_is_learned_from_the_first_page_alone() {
        for said in [json!({"per_page": 1}), json!({})] {
            let mut walk = Walk::new(endpoint(), Pages::All);
            feed(&mut walk, raw(2, json!({"total": 3, "total_pages": 3}))).unwrap();
            let mut fields = json!({"total": 3, "total_pages": 3});
            fields
                .as_object_mut()
                .unwrap()
                .extend(said.as_object().unwrap().clone());
            feed(&mut walk, raw(1, fields)).unwrap();
            let next = next_of(&walk).map(|(url, _)| url);
            assert_eq!(
                next.as_deref(),
                Some("http://127.0.0.1:5000/express/accounts?page=3&per_page=2"),
                "{said}"
            );
        }
        // Page 2 by a link without a size was sent at the server's size.
        let mut walk = Walk::new(endpoint(), Pages::All);
        let linked = json!({"total": 3, "total_pages": 2, "_links": next_link("?page=2")});
        feed(&mut walk, raw(2, linked)).unwrap();
        let fields = json!({"per_page": 1, "total": 3, "total_pages": 3});
        feed(&mut walk, raw(1, fields)).unwrap();
        let next = next_of(&walk).map(|(url, _)| url);
        assert_eq!(
            next.as_deref(),
            Some("http://127.0.0.1:5000/express/accounts?page=3&per_page=1")
        );
    }

    /// A page fetched from a link off the endpoint's path: the page after
    /// it by number is asked for at the endpoint with the size the walk
    /// asks for, not with the `per_page` of that other path.
    #[test]
    fn a_page_by_number_after_a_link_elsewhere_keeps_the_size_asked() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let moved = json!({"_links": next_link("/moved/accounts?page=2&per_page=7")});
        feed(&mut walk, raw(2, moved)).unwrap();
        feed(&mut walk, raw(2, json!({"total_pages": 3}))).unwrap();
        assert_eq!(next_of(&walk), Some((page_url(3).to_string(), 3)));
    }

    /// `_links.next` as anything but one link or null is an error that
    /// says what was expected; an array of links (HAL's) says so itself.
    #[test]
    fn a_next_link_of_another_shape_is_an_error_saying_what_was_expected() {
        let read = |next: &str| {
            let text =
                format!(r#"{{"_embedded": {{"accounts": []}}, "_links": {{"next": {next}}}}}"#);
            serde_json::from_str::<RawPage>(&text)
                .unwrap_err()
                .to_string()
        };
        let number = read("5");
        assert!(
            number.contains("expected a link: an object with an href"),
            "{number}"
        );
        let array = read(r#"[{"href": "?page=2"}]"#);
        assert!(
            array.contains("_links.next is an array of links"),
            "{array}"
        );
    }

    #[test]
    fn peek_shows_the_next_request_without_taking_it() {
        let walk = Walk::new(endpoint(), Pages::Only(3));
        assert_eq!(walk.peek(), Some(&(page_url(3), 3)));
        assert!(walk.has_next());
    }

    /// After a redirect moved the pages, the next page by number is asked
    /// for where they moved to.
    #[test]
    fn pages_by_number_after_a_move_are_asked_where_they_moved() {
        let mut walk = Walk::new(endpoint(), Pages::All);
        let moved = Endpoint::new(url::parse("http://127.0.0.1:5001/v2").unwrap(), 2);
        walk.move_to(&moved);
        feed(&mut walk, raw(2, json!({"total_pages": 3}))).unwrap();
        assert_eq!(next_of(&walk), Some((moved.page_url(2).to_string(), 2)));
    }

    /// A server that clamps past its last page and links on: the page
    /// after the last claimed, the last one again, ends the walk there
    /// with a warning (not an error, as page 1 again would be).
    #[test]
    fn a_page_sent_again_past_the_last_claimed_ends_the_walk_with_a_warning() {
        let linked = |ids: std::ops::Range<u32>, next: &str| RawPage {
            total_pages: Some(2),
            links: Some(Links {
                next: Some(Link {
                    href: Some(next.into()),
                }),
            }),
            ..page_of(ids, 3)
        };
        let mut walk = Walk::new(endpoint(), Pages::All);
        feed(&mut walk, linked(0..2, "?page=2")).unwrap();
        feed(&mut walk, linked(2..3, "?page=3")).unwrap();
        let step = feed(&mut walk, linked(2..3, "?page=4")).unwrap();
        assert!(!walk.has_next() && step.page.accounts.is_empty());
        assert_eq!(
            step.warning.as_deref(),
            Some(
                "page 3 repeats page 2, past the last page the API claimed (2); the walk ends there, without following its next link"
            )
        );
    }

    /// An empty page never gives its size (0) to the next page's URL: the
    /// totals of 0 accounts a page would divide by 0. (`next_after` asks
    /// for no page by number after an empty page with totals; this pins
    /// the guard should it ever.)
    #[test]
    fn an_empty_page_gives_no_size_to_the_next_page() {
        let walk = Walk::new(endpoint(), Pages::All);
        let empty = raw(0, json!({"total": 4, "total_pages": 2}));
        let next = walk.number_url(&endpoint().page_url(1), &empty, 2);
        assert_eq!(next, endpoint().page_url(2));
    }
}
