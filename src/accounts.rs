//! The stream of accounts every command reads: ids seen before dropped,
//! the `--status` filter, `--limit` (and the page flow it implies), and the
//! check of the count against the API's `total`.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::account::{Account, Status};
use crate::api::pages::{Flow, Page};

/// Which statuses to keep (empty: all).
#[derive(Debug, Clone, Default)]
pub struct StatusFilter {
    keep: Vec<Status>,
}

impl StatusFilter {
    pub fn new(statuses: impl IntoIterator<Item = Status>) -> StatusFilter {
        let mut keep: Vec<Status> = Vec::new();
        for s in statuses {
            if !keep.contains(&s) {
                keep.push(s);
            }
        }
        StatusFilter { keep }
    }

    pub fn matches(&self, account: &Account) -> bool {
        self.keep.is_empty() || self.keep.contains(&account.status())
    }

    /// True when every account passes.
    pub fn keeps_all(&self) -> bool {
        self.keep.is_empty()
    }
}

/// Feeds pages into a consumer: drops ids seen before, filters, honours a
/// limit (asking for no page after the one that completes it), and warns
/// when the count differs from the API's `total`.
pub struct Collector {
    filter: StatusFilter,
    limit: Option<u64>,
    /// The ids taken so far, as [`id_key`]s.
    seen: HashSet<u128>,
    matched: u64,
    first_total: Option<u64>,
    first_total_pages: Option<u64>,
}

impl Collector {
    pub fn new(filter: StatusFilter, limit: Option<u64>) -> Collector {
        Collector {
            filter,
            limit,
            seen: HashSet::new(),
            matched: 0,
            first_total: None,
            first_total_pages: None,
        }
    }

    /// The matching accounts of a page, in order.
    pub fn take(&mut self, page: Page) -> Vec<Account> {
        if self.first_total.is_none() {
            self.first_total = page.total;
            self.first_total_pages = page.total_pages;
        }
        let mut kept = Vec::with_capacity(page.accounts.len());
        for account in page.accounts {
            if self.done() {
                break;
            }
            if !self.seen.insert(id_key(&account.id_key())) {
                continue;
            }
            if self.filter.matches(&account) {
                self.matched += 1;
                kept.push(account);
            }
        }
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
            Some(limit) if self.filter.keeps_all() => Flow::AtMost(limit - self.matched),
            _ => Flow::Continue,
        }
    }

    pub fn matched(&self) -> u64 {
        self.matched
    }

    /// `total_pages` as the first page received reported it.
    pub fn total_pages(&self) -> Option<u64> {
        self.first_total_pages
    }

    /// After a complete walk: a warning when the distinct accounts seen
    /// differ from the first page's `total`.
    pub fn total_mismatch(&self) -> Option<String> {
        let total = self.first_total?;
        let seen = self.seen.len() as u64;
        (seen != total).then(|| {
            format!(
                "collected {seen} distinct accounts but the API reported a total of {total}; accounts may have changed during the walk, run again for an exact list"
            )
        })
    }
}

/// An id as a 128-bit hash: 16 bytes per account seen instead of a string,
/// so 100,000 accounts cost about 2 MiB. Two different ids share a key with
/// odds of about n²/2¹²⁹, never in practice (and a lost account would still
/// show in the count warning).
fn id_key(id: &str) -> u128 {
    let half = |salt: u8| {
        let mut hasher = DefaultHasher::new();
        salt.hash(&mut hasher);
        id.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
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
        let mut c = Collector::new(StatusFilter::default(), None);
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
        let filter = StatusFilter::new([Status::Churned, Status::Churned]);
        let mut c = Collector::new(filter, None);
        let kept = c.take(page(1, &[("a", "ACTIVE"), ("b", "churned")], Some(2)));
        assert_eq!(ids(&kept), ["b"]);
        assert_eq!(c.flow(), Flow::Continue);
    }

    #[test]
    fn a_limit_bounds_the_walk_and_then_stops_it() {
        let mut c = Collector::new(StatusFilter::default(), Some(3));
        assert_eq!(c.flow(), Flow::AtMost(3));
        c.take(page(1, &[("a", "ACTIVE"), ("b", "ACTIVE")], None));
        assert_eq!(c.flow(), Flow::AtMost(1));
        let kept = c.take(page(2, &[("c", "ACTIVE"), ("d", "ACTIVE")], None));
        assert_eq!(ids(&kept), ["c"]);
        assert!(c.done());
        assert_eq!(c.flow(), Flow::Stop);
    }

    #[test]
    fn a_count_that_differs_from_the_first_total_is_a_warning() {
        let mut c = Collector::new(StatusFilter::default(), None);
        c.take(page(1, &[("a", "ACTIVE")], Some(2)));
        c.take(page(2, &[("a", "ACTIVE")], Some(1)));
        let warning = c.total_mismatch().unwrap();
        assert!(
            warning.contains("collected 1 distinct accounts but the API reported a total of 2")
        );
        assert_eq!(c.total_pages(), Some(2));
    }
}
