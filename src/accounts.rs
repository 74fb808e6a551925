//! The stream of accounts every command reads: ids seen before dropped,
//! the `--status` filter, `--limit` (and the page flow it implies), and the
//! check of the count against the API's `total`. The walk (`api`) hands it
//! [`Page`]s and asks it for the [`Flow`] after each.

use std::hash::{BuildHasher, RandomState};

use crate::account::{Account, Status};
use crate::text::counted;

/// One page of accounts, as the walk hands it to the stream.
#[derive(Debug)]
pub struct Page {
    pub number: u64,
    pub accounts: Vec<Account>,
    /// `total` and `total_pages` as this page reported them.
    pub total: Option<u64>,
    pub total_pages: Option<u64>,
}

/// What the stream wants after a page: the walk's next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Continue, but at most this many more accounts can be used (a
    /// `--limit` with no filter): a concurrent walk starts no page beyond
    /// what they can fill.
    AtMost(u64),
    Stop,
}

/// Feeds pages into a consumer: drops ids seen before, filters, honours a
/// limit (asking for no page after the one that completes it), and warns
/// when the count differs from the API's `total`.
#[derive(Default)]
pub struct Collector {
    /// The statuses to keep (empty: all).
    keep: Vec<Status>,
    limit: Option<u64>,
    /// The ids taken so far, each as one 64-bit hash of its exact JSON
    /// text (so that `"12"` and `12` differ), keyed with random keys for
    /// the run, so no server can choose ids that collide: an 8-byte key per
    /// account seen (in a [`KeySet`] at most half full). Two different ids
    /// share a key with odds of about n²/2⁶⁵ (3·10⁻⁸ for a million; keys 0
    /// and 1 count as one, which adds 2⁻⁶³), and a lost account would still
    /// show in the count warning.
    seen: KeySet,
    keys: RandomState,
    matched: u64,
    /// `total` and `total_pages` as the first page reported them, once
    /// it came.
    first: Option<(Option<u64>, Option<u64>)>,
    /// The first page whose `total` differs from the first page's, and
    /// that total (`total_pages`, when the first page had no `total`):
    /// the accounts changed during the walk.
    moved: Option<(u64, u64)>,
    /// The last page so far, when it was empty before the `total_pages`
    /// it claimed: the walk ended there, short.
    short: Option<(u64, u64)>,
    /// The first page that repeated an id of a page before (dropped).
    repeated: Option<u64>,
    /// The number of the last page taken (0 before the first).
    last_page: u64,
    /// The first page the walk went to past the one after the page before
    /// it (a next link that skips pages), with that page before it.
    skipped: Option<(u64, u64)>,
    /// The pages with accounts and a `total`, and whether one's `total`
    /// was other than its own number of accounts.
    totals: (u64, bool),
}

impl Collector {
    pub fn new(keep: Vec<Status>, limit: Option<u64>) -> Collector {
        Collector {
            keep,
            limit,
            ..Collector::default()
        }
    }

    /// The matching accounts of a page, in order.
    pub fn take(&mut self, page: Page) -> Vec<Account> {
        if self.first.is_none() {
            self.first = Some((page.total, page.total_pages));
            // Room for every id the API announced, once, rather than growing
            // (and holding the old table beside the new one) along the way;
            // a total no real organization has is not believed.
            let announced = page.total.unwrap_or(0).min(MAX_RESERVED_IDS);
            self.seen.reserve(usize::try_from(announced).unwrap_or(0));
        }
        if self.last_page > 0 && page.number > self.last_page + 1 {
            self.skipped.get_or_insert((self.last_page, page.number));
        }
        self.last_page = page.number;
        if let Some(total) = page.total.filter(|_| !page.accounts.is_empty()) {
            let other = total != page.accounts.len() as u64;
            self.totals = (self.totals.0 + 1, self.totals.1 || other);
        }
        self.short = (page.total_pages)
            .filter(|&claimed| page.accounts.is_empty() && page.number < claimed)
            .map(|claimed| (page.number, claimed));
        // An empty page (past the end) may say `total: 0` of itself (any
        // other is the accounts'). Without a `total`, `total_pages` moves.
        let first_total = self.first.and_then(|(total, _)| total);
        let (first, total) = match first_total {
            Some(first) => (Some(first), page.total),
            None => (self.first.and_then(|(_, pages)| pages), page.total_pages),
        };
        let total = total.filter(|&t| t > 0 || !page.accounts.is_empty());
        if let (None, Some(first), Some(total)) = (self.moved, first, total) {
            self.moved = (total != first).then_some((page.number, total));
        }
        let key_of = |account: &Account| self.keys.hash_one(account.id_text());
        let keys: Vec<u64> = page.accounts.iter().map(key_of).collect();
        self.seen.prepare(&keys);
        // Kept in place: an account that stays is not moved.
        let mut kept = page.accounts;
        let mut keys = keys.into_iter();
        // Without a total, an id of a page before is the sign the pages
        // shifted (one twice in a page is not): this page's are told apart.
        let mut this_page = first_total.is_none().then(std::collections::HashSet::new);
        kept.retain(|account| {
            let key = keys.next().unwrap_or_default();
            if self.done() {
                return false;
            }
            if !self.seen.insert(key) {
                if this_page.as_ref().is_some_and(|ours| !ours.contains(&key)) {
                    self.repeated.get_or_insert(page.number);
                }
                return false;
            }
            if let Some(ours) = this_page.as_mut() {
                ours.insert(key);
            }
            if !self.keep.is_empty() && !self.keep.contains(&account.status()) {
                return false;
            }
            self.matched += 1;
            true
        });
        kept
    }

    /// True once `--limit` matching accounts were taken.
    pub fn done(&self) -> bool {
        self.limit.is_some_and(|l| self.matched >= l)
    }

    /// What the walk should do after a page: stop once the limit is
    /// reached; with a limit and no filter, fetch no more accounts than the
    /// limit still needs.
    pub fn flow(&self) -> Flow {
        match self.limit {
            Some(limit) if self.matched >= limit => Flow::Stop,
            Some(limit) if self.keep.is_empty() => Flow::AtMost(limit - self.matched),
            _ => Flow::Continue,
        }
    }

    pub fn matched(&self) -> u64 {
        self.matched
    }

    /// After a complete walk: why it may not be the exact list (the API's
    /// total, or an empty page before its last), for a caller that records
    /// or compares only an exact one.
    pub fn inexact(&self) -> Option<String> {
        self.total_mismatch().or_else(|| {
            // It ended on an empty page before the last claimed (the walk said so).
            let (page, claimed) = self.short?;
            Some(format!(
                "page {page} was empty, before the last page the API claimed ({claimed})"
            ))
        })
    }

    /// `total_pages` as the first page received reported it.
    pub fn total_pages(&self) -> Option<u64> {
        self.first.and_then(|(_, pages)| pages)
    }

    /// The API's `total` (from the first page) when no account came at all.
    pub fn none_of(&self) -> Option<u64> {
        let total = self.first.and_then(|(total, _)| total);
        total.filter(|&total| total > 0 && self.seen.len == 0)
    }

    /// After a complete walk: why the list may not be exact (the caller
    /// says what to do), when the distinct accounts seen
    /// differ from the first page's `total`, or a later page's `total`
    /// differs from it (accounts added or removed meanwhile shift the
    /// pages, so that one may be missed although the count adds up).
    pub fn total_mismatch(&self) -> Option<String> {
        // Without a total to count against, a repeated id is the sign, or
        // `total_pages` that moved.
        let Some(total) = self.first?.0 else {
            if let (Some((page, moved)), Some(pages)) = (self.moved, self.first?.1) {
                return Some(format!(
                    "the API's total_pages went from {pages} on the first page to {moved} on page {page}: accounts changed during the walk, so one may be missing"
                ));
            }
            return self.repeated.map(|page| format!(
                "page {page} repeated an account of a page before, and the API reported no total: accounts changed during the walk, so one may be missing"
            ));
        };
        let seen = self.seen.len as u64;
        let collected = counted(seen, "distinct account", "distinct accounts");
        // A `--limit` met leaves the rest uncounted; a total that moved still says.
        let short = seen != total && !self.done();
        if self.own_totals() {
            return Some(format!(
                "collected {collected} but the API's total was each page's own number of accounts ({total} on the first page), not all pages': no count can be checked against it; have the API send the total of all its pages"
            ));
        }
        match self.moved {
            Some((page, moved)) if short => Some(format!(
                "collected {collected} but the API reported a total of {total} on the first page and {moved} on page {page}: accounts changed during the walk"
            )),
            Some((page, moved)) => Some(format!(
                "the API's total went from {total} on the first page to {moved} on page {page}: accounts changed during the walk, so one may be missing although the count adds up"
            )),
            None if short => {
                let why = self.links_skipped().map_or_else(
                    || "accounts may have changed during the walk".to_string(),
                    |(from, to)| {
                        let past = match to - from {
                            2 => format!("page {}", from + 1),
                            _ => format!("pages {} to {}", from + 1, to - 1),
                        };
                        format!("page {from}'s next link led to page {to}, past {past}, whose accounts are missing: the API's next links skip pages")
                    },
                );
                Some(format!(
                    "collected {collected} but the API reported a total of {total}; {why}"
                ))
            }
            None => None,
        }
    }

    /// The pages a next link skipped (the page before it, the page it led
    /// to), when the walk came out short of the API's `total`, which did
    /// not move: what fell short, which another run gives again.
    fn links_skipped(&self) -> Option<(u64, u64)> {
        let total = self.first?.0?;
        let short = (self.seen.len as u64) < total && !self.done();
        self.skipped.filter(|_| short && self.moved.is_none())
    }

    /// Whether every page (two or more) with accounts said its own number
    /// of them as the `total` (a server that counts the page, not all),
    /// and the walk came out short of the first page's.
    fn own_totals(&self) -> bool {
        let total = self.first.and_then(|(total, _)| total);
        let short = total.is_some_and(|t| self.seen.len as u64 != t && !self.done());
        short && self.totals.0 >= 2 && !self.totals.1
    }

    /// Whether running again may give the exact list: not when the API's
    /// next links skipped pages, or its totals are the pages' own counts
    /// (the same in every run).
    pub fn run_again_helps(&self) -> bool {
        self.links_skipped().is_none() && !self.own_totals()
    }
}

/// The most ids room is made for up front from the first page's `total`.
const MAX_RESERVED_IDS: u64 = 1 << 22;

/// A set of id keys (see `Collector::seen`): one table of keys, probed from the slot the
/// key's low bits name (the keys are random already), `0` marking a free
/// slot. A million ids take 16 MiB. Looking an id up costs a read from
/// memory far from the last one, so a page's keys are first read all
/// together ([`KeySet::prepare`]), their reads overlapping, before they
/// are inserted one by one.
#[derive(Debug, Default)]
struct KeySet {
    slots: Vec<u64>,
    len: usize,
}

impl KeySet {
    /// Room for `n` keys without growing: the keys are moved to a table at
    /// most half full.
    fn reserve(&mut self, n: usize) {
        if n * 2 > self.slots.len() || self.slots.is_empty() {
            let size = (n * 2).next_power_of_two().max(16);
            let old = std::mem::replace(&mut self.slots, vec![0; size]);
            self.len = 0;
            for key in old.into_iter().filter(|&k| k != 0) {
                self.insert(key);
            }
        }
    }

    /// Brings the slots `keys` start from into the cache, all at once.
    fn prepare(&mut self, keys: &[u64]) {
        self.reserve(self.len + keys.len());
        let mask = self.slots.len() - 1;
        let slot = |&key: &u64| self.slots[key as usize & mask];
        std::hint::black_box(keys.iter().map(slot).fold(0, |acc, s| acc ^ s));
    }

    /// False when the key was there already.
    fn insert(&mut self, key: u64) -> bool {
        self.reserve(self.len + 1);
        let key = key.max(1);
        let mask = self.slots.len() - 1;
        // A key is a random 64-bit value: its low bits name its first slot.
        let mut i = key as usize & mask;
        loop {
            match self.slots[i] {
                0 => break,
                k if k == key => return false,
                _ => i = (i + 1) & mask,
            }
        }
        self.slots[i] = key;
        self.len += 1;
        true
    }

    #[cfg(test)]
    fn capacity(&self) -> usize {
        self.slots.len() / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(number: u64, accounts: &[(&str, &str)], total: Option<u64>) -> Page {
        Page {
            number,
            accounts: accounts
                .iter()
                .map(|(id, status)| serde_json::from_value(json!({"id": id, "status": status})))
                .collect::<Result<_, _>>()
                .unwrap(),
            total,
            total_pages: Some(2),
        }
    }

    fn ids(accounts: &[Account]) -> Vec<String> {
        accounts.iter().map(Account::id).collect()
    }

    #[test]
    fn ids_seen_on_an_earlier_page_are_dropped() {
        let mut c = Collector::new(Vec::new(), None);
        let first = c.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], Some(3)));
        let second = c.take(page(2, &[("b", "ACTIVE"), ("c", "CHURNED")], Some(3)));
        assert_eq!(
            (ids(&first), ids(&second)),
            (vec!["a".into(), "b".into()], vec!["c".into()])
        );
        assert_eq!(c.matched(), 3);
        assert_eq!(c.total_mismatch(), None);
    }

    #[test]
    fn the_filter_keeps_only_the_statuses_asked_for() {
        let mut c = Collector::new(vec![Status::Churned, Status::Churned], None);
        let kept = c.take(page(1, &[("a", "ACTIVE"), ("b", "churned")], Some(2)));
        assert_eq!(ids(&kept), ["b"]);
        assert_eq!(c.flow(), Flow::Continue);
    }

    #[test]
    fn a_limit_bounds_the_walk_and_then_stops_it() {
        let mut c = Collector::new(Vec::new(), Some(3));
        assert_eq!(c.flow(), Flow::AtMost(3));
        c.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], None));
        assert_eq!(c.flow(), Flow::AtMost(1));
        let kept = c.take(page(2, &[("c", "ACTIVE"), ("d", "ACTIVE")], None));
        assert_eq!(ids(&kept), ["c"]);
        assert!(c.done());
        assert_eq!(c.flow(), Flow::Stop);
    }

    #[test]
    fn only_the_first_page_says_what_the_total_is() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page(1, &[("a", "ACTIVE")], None));
        c.take(page(2, &[("b", "ACTIVE")], Some(5)));
        assert_eq!(c.total_mismatch(), None, "page 1 gave no total");
        // Nor can a count: a repeated id (the pages shifted) is the sign;
        // one twice in a page is not.
        c.take(page(3, &[("c", "ACTIVE"), ("c", "ACTIVE")], None));
        assert_eq!(c.total_mismatch(), None, "twice in one page");
        c.take(page(4, &[("a", "ACTIVE"), ("d", "ACTIVE")], None));
        let warning = c.total_mismatch().unwrap();
        assert!(
            warning.starts_with("page 4 repeated an account"),
            "{warning}"
        );
    }

    #[test]
    fn a_count_that_differs_from_the_first_total_is_a_warning() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page(1, &[("a", "ACTIVE")], Some(2)));
        c.take(page(2, &[("a", "ACTIVE")], Some(2)));
        let warning = c.total_mismatch().unwrap();
        assert!(
            warning.contains("collected 1 distinct account but the API reported a total of 2"),
            "{warning}"
        );
        // Pages one after the other: no next link skipped one.
        assert!(
            warning.ends_with("; accounts may have changed during the walk"),
            "{warning}"
        );
        assert!(c.run_again_helps());
        assert_eq!(c.total_pages(), Some(2));
    }

    /// A `--limit` met leaves the rest uncounted: pages whose `total` is
    /// their own count are not named then, as no count falls short.
    #[test]
    fn a_limit_met_says_nothing_of_totals_that_are_each_pages_own_count() {
        let mut c = Collector::new(Vec::new(), Some(3));
        c.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], Some(2)));
        c.take(page(2, &[("c", "ACTIVE"), ("d", "ACTIVE")], Some(2)));
        assert!(c.done());
        assert_eq!(c.total_mismatch(), None);
        assert!(c.run_again_helps());
    }

    /// A next link that skipped pages is named as what fell short, once
    /// the count falls short; when it adds up, nothing is said.
    #[test]
    fn a_skip_in_the_page_numbers_is_named_when_the_count_falls_short() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page(1, &[("a", "ACTIVE")], Some(3)));
        c.take(page(3, &[("c", "ACTIVE")], Some(3)));
        let warning = c.total_mismatch().unwrap();
        assert!(
            warning.ends_with("page 1's next link led to page 3, past page 2, whose accounts are missing: the API's next links skip pages"),
            "{warning}"
        );
        assert!(!c.run_again_helps());
        c.take(page(4, &[("b", "ACTIVE")], Some(3)));
        assert_eq!(c.total_mismatch(), None);
        assert!(c.run_again_helps());
    }

    /// A skip in the page numbers with more accounts than the total (a
    /// total that lags): no accounts are said to be missing.
    #[test]
    fn a_skip_with_more_accounts_than_the_total_names_none_missing() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], Some(3)));
        c.take(page(3, &[("c", "ACTIVE"), ("d", "ACTIVE")], Some(3)));
        let warning = c.total_mismatch().unwrap();
        assert!(
            warning.starts_with("collected 4 distinct accounts"),
            "{warning}"
        );
        assert!(!warning.contains("missing"), "{warning}");
        assert!(c.run_again_helps());
    }

    /// A `total` that was each page's own count, on every page, is named
    /// so; one page that counts otherwise is a change, as before.
    #[test]
    fn totals_that_are_each_pages_own_count_are_named_so() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], Some(2)));
        c.take(page(2, &[("c", "ACTIVE")], Some(1)));
        let warning = c.total_mismatch().unwrap();
        assert!(warning.contains("each page's own number"), "{warning}");
        assert!(!c.run_again_helps());
        let mut moved = Collector::new(Vec::new(), None);
        moved.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], Some(2)));
        moved.take(page(2, &[("c", "ACTIVE")], Some(3)));
        let warning = moved.total_mismatch().unwrap();
        assert!(warning.contains("changed during the walk"), "{warning}");
        assert!(moved.run_again_helps());
    }

    /// An account moved to the front while an account was added: page 2
    /// repeats one of page 1 and says 4, one is missed, and the count
    /// still matched page 1's total (exit 0, and a snapshot recorded the
    /// missed account as removed).
    #[test]
    fn a_total_that_changes_between_pages_is_a_warning() {
        let mut c = Collector::new(Vec::new(), None);
        // a, b, c; then c moved to the front and d added: c, a, b, d.
        c.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], Some(3)));
        c.take(page(2, &[("b", "ACTIVE"), ("d", "ACTIVE")], Some(4)));
        let warning = c.total_mismatch().unwrap();
        // An empty page past the end that says `total: 0` is no change.
        let mut past = Collector::new(Vec::new(), None);
        past.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], Some(2)));
        past.take(page(2, &[], Some(0)));
        assert_eq!(past.total_mismatch(), None);
        assert!(
            warning.contains("the API's total went from 3 on the first page to 4 on page 2"),
            "{warning}"
        );
    }

    /// A walk that ended on an empty page 2 of a claimed 3, with no total
    /// to count against: `snapshot` recorded it as the whole.
    #[test]
    fn an_empty_last_page_before_the_claimed_last_is_a_short_walk() {
        let mut c = Collector::new(Vec::new(), None);
        let claimed = |number, accounts: &[(&str, &str)]| Page {
            total_pages: Some(3),
            ..page(number, accounts, None)
        };
        c.take(claimed(1, &[("a", "ACTIVE")]));
        c.take(claimed(2, &[]));
        let why = c.inexact().unwrap();
        assert!(why.contains("page 2 was empty, before the last page the API claimed (3)"));
        c.take(claimed(3, &[("b", "ACTIVE")]));
        assert_eq!(c.inexact(), None, "an empty page the walk went past");
    }

    fn page_of_ids(total: Option<u64>, ids: &[serde_json::Value]) -> Page {
        Page {
            number: 1,
            accounts: ids
                .iter()
                .map(|id| serde_json::from_value(json!({"id": id, "status": "ACTIVE"})).unwrap())
                .collect(),
            total,
            total_pages: None,
        }
    }

    #[test]
    fn a_numeric_id_and_the_same_digits_as_text_are_different_ids() {
        let mut c = Collector::new(Vec::new(), None);
        let kept = c.take(page_of_ids(
            None,
            &[json!(12), json!("12"), json!(12), json!("12")],
        ));
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn an_absurd_total_reserves_no_more_than_the_cap() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page_of_ids(Some(u64::MAX), &[json!("a")]));
        assert!(c.seen.capacity() >= MAX_RESERVED_IDS as usize);
        assert!(c.seen.capacity() < 2 * (MAX_RESERVED_IDS as usize));
    }

    #[test]
    fn the_key_set_keeps_every_key_through_growth_and_finds_each_again() {
        let mut set = KeySet::default();
        set.prepare(&[]);
        // Keys that share their low bits probe the same slots.
        let keys: Vec<u64> = (0..5000u64)
            .map(|i| i << 40 | 7)
            .chain([0, 1, u64::MAX])
            .collect();
        set.prepare(&keys[..10]);
        for &k in &keys[..5000] {
            assert!(set.insert(k), "{k} is new");
        }
        assert!(set.insert(0));
        assert!(!set.insert(1), "0 and 1 are one key");
        assert!(set.insert(u64::MAX));
        assert_eq!(set.len, 5002);
        assert!(set.capacity() >= 5002);
        for &k in &keys {
            assert!(!set.insert(k), "{k} was seen");
        }
        assert_eq!(set.len, 5002);
    }

    /// The table stays at most half full after each insert, and a page
    /// prepared has its room made before its keys come.
    #[test]
    fn the_key_set_is_never_more_than_half_full_and_prepare_makes_room() {
        let mut set = KeySet::default();
        for key in 1..=100u64 {
            set.insert(key << 40);
            assert!(
                set.len <= set.capacity(),
                "{} keys in {}",
                set.len,
                set.capacity()
            );
        }
        let mut prepared = KeySet::default();
        let keys: Vec<u64> = (1..=100).collect();
        prepared.prepare(&keys);
        assert!(prepared.capacity() >= 100, "{}", prepared.capacity());
    }

    /// Only an empty page is a walk that ended short: the last page taken
    /// so far, with accounts, before the last claimed, says nothing yet.
    #[test]
    fn a_page_with_accounts_before_the_claimed_last_is_no_short_walk() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(Page {
            total_pages: Some(3),
            ..page(1, &[("a", "ACTIVE")], None)
        });
        assert_eq!(c.inexact(), None);
    }

    #[test]
    fn none_of_is_the_first_total_when_no_account_came_at_all() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page(1, &[], Some(3)));
        assert_eq!(c.none_of(), Some(3));
        // One that came, even filtered out, is an account.
        let mut filtered = Collector::new(vec![Status::Churned], None);
        filtered.take(page(1, &[("a", "ACTIVE")], Some(3)));
        assert_eq!(filtered.none_of(), None);
        let mut zero = Collector::new(Vec::new(), None);
        zero.take(page(1, &[], Some(0)));
        assert_eq!(zero.none_of(), None, "a total of 0 is no account missing");
    }

    #[test]
    fn a_total_that_changed_and_a_count_that_differs_say_both() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page(1, &[("a", "ACTIVE")], Some(3)));
        c.take(page(2, &[("b", "ACTIVE")], Some(4)));
        let warning = c.total_mismatch().unwrap();
        assert!(
            warning.starts_with(
                "collected 2 distinct accounts but the API reported a total of 3 on the first page and 4 on page 2"
            ),
            "{warning}"
        );
    }

    /// The last claimed page, empty, is the end, not a short walk.
    #[test]
    fn an_empty_last_claimed_page_is_no_short_walk() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page(1, &[("a", "ACTIVE")], None));
        c.take(page(2, &[], None));
        assert_eq!(c.inexact(), None);
    }

    /// Only `total: 0` on an empty page is read as no total.
    #[test]
    fn an_empty_page_whose_total_moved_is_a_warning() {
        let mut c = Collector::new(Vec::new(), None);
        c.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], Some(2)));
        c.take(page(2, &[], Some(5)));
        let warning = c.total_mismatch().unwrap();
        assert!(
            warning.contains("the API's total went from 2 on the first page to 5 on page 2"),
            "{warning}"
        );
    }

    #[test]
    fn a_limit_with_a_filter_bounds_no_page() {
        let c = Collector::new(vec![Status::Active], Some(3));
        assert_eq!(c.flow(), Flow::Continue);
    }
}
