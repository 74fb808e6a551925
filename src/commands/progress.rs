//! The progress line on stderr during a walk of more than one page
//! (`page 3/9, 150 accounts`, SPEC §6): shown only when stderr is a
//! terminal and `-q` was not given, redrawn in place with `\r`, and wiped
//! before anything else reaches the terminal (`log` wipes it before each of
//! its lines). While the walk is paced to a
//! rate limit it says so (`, 1.9 requests/s`), and while a request waits
//! for its turn, `, waiting for the rate limit`.

use std::io::IsTerminal;

use crate::api::pages::{Page, Pages};
use crate::log::Log;
use crate::text::counted;

/// The progress line of one walk (by default: off, nothing counted yet).
#[derive(Debug, Default)]
pub struct Progress {
    enabled: bool,
    page: u64,
    total_pages: Option<u64>,
    accounts: u64,
    /// The pace of the requests, requests a second, if any.
    rate: Option<f64>,
    /// A request is waiting for the rate limit.
    waiting: bool,
    /// The most characters a line may have: one less than the terminal's
    /// width. A line that wraps is redrawn on its last row alone, and
    /// leaves a row behind at every redraw.
    columns: usize,
}

impl Progress {
    /// A progress line for a walk over `pages`: only a full walk, with
    /// stderr a terminal and without `-q`, ever shows one.
    /// `width` is the terminal's, if known.
    pub fn new(log: Log, pages: Pages, width: Option<u16>) -> Progress {
        let enabled = !log.quiet && pages == Pages::All && std::io::stderr().is_terminal();
        Progress {
            enabled,
            columns: width.map_or(usize::MAX, |w| usize::from(w).saturating_sub(1).max(1)),
            ..Progress::default()
        }
    }

    /// Counts a page that arrived (call before handing it on).
    pub fn record(&mut self, page: &Page) {
        self.page = page.number;
        self.total_pages = page.total_pages.or(self.total_pages);
        self.accounts += page.accounts.len() as u64;
    }

    /// True when the line is drawn at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The line to show now, or `None` while the walk is known to be a
    /// single page (or nothing arrived yet and nothing waits).
    pub fn line(&self) -> Option<String> {
        let pace = match (self.waiting, self.rate) {
            (true, Some(rate)) => format!("waiting for the rate limit ({rate:.2} requests/s)"),
            (true, None) => "waiting for the rate limit".to_string(),
            (false, Some(rate)) => format!("{rate:.2} requests/s"),
            (false, None) => String::new(),
        };
        if self.page == 0 {
            return self.waiting.then_some(pace);
        }
        // A walk of one page, as far as is known, shows nothing.
        if self.total_pages.is_none_or(|t| t <= 1) && self.page <= 1 {
            return None;
        }
        let pages = match self.total_pages {
            Some(total) if total >= self.page => format!("page {}/{total}", self.page),
            _ => format!("page {}", self.page),
        };
        let parts = [pages, counted(self.accounts, "account", "accounts"), pace];
        let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        Some(parts.join(", "))
    }

    /// Notes the pace of the requests and whether one is waiting for it,
    /// and draws the line over the previous one.
    pub fn draw(&mut self, rate: Option<f64>, waiting: bool) {
        self.rate = rate;
        self.waiting = waiting;
        if let Some(line) = self.enabled.then(|| self.line()).flatten() {
            let line: String = line.chars().take(self.columns).collect();
            crate::log::draw_progress(Some(&line));
        }
    }

    /// The walk stops here (a `--limit` is met): the line is wiped and no
    /// longer drawn, so a walk that stops on its first page shows none.
    pub fn end(&mut self) {
        self.clear();
        self.enabled = false;
    }

    /// Wipes the line, leaving the cursor at the start of an empty line
    /// (writes nothing when none is shown: never while disabled).
    pub fn clear(&mut self) {
        crate::log::draw_progress(None);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(number: u64, total_pages: Option<u64>, accounts: usize) -> Page {
        let accounts = (0..accounts)
            .map(|i| serde_json::from_value(serde_json::json!({"id": format!("{number}-{i}")})))
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        Page {
            number,
            accounts,
            total: None,
            total_pages,
        }
    }

    #[test]
    fn counts_pages_and_accounts() {
        let mut p = Progress::default();
        p.record(&page(1, Some(9), 50));
        assert_eq!(p.line().as_deref(), Some("page 1/9, 50 accounts"));
        p.record(&page(2, Some(9), 50));
        p.record(&page(3, Some(9), 50));
        assert_eq!(p.line().as_deref(), Some("page 3/9, 150 accounts"));
    }

    #[test]
    fn the_pace_and_a_wait_for_the_rate_limit_are_shown() {
        let mut p = Progress::default();
        p.draw(None, true);
        assert_eq!(p.line().as_deref(), Some("waiting for the rate limit"));
        p.record(&page(1, Some(9), 50));
        p.draw(Some(1.94), false);
        assert_eq!(
            p.line().as_deref(),
            Some("page 1/9, 50 accounts, 1.94 requests/s")
        );
        p.draw(Some(1.94), true);
        assert_eq!(
            p.line().as_deref(),
            Some("page 1/9, 50 accounts, waiting for the rate limit (1.94 requests/s)")
        );
    }

    #[test]
    fn a_single_page_walk_shows_nothing() {
        let mut p = Progress::default();
        assert_eq!(p.line(), None);
        p.record(&page(1, Some(1), 3));
        assert_eq!(p.line(), None);
    }

    #[test]
    fn without_totals_the_page_number_alone_is_shown() {
        let mut p = Progress::default();
        p.record(&page(1, None, 1));
        assert_eq!(p.line(), None, "one page is not yet a multi-page walk");
        p.record(&page(2, None, 0));
        assert_eq!(p.line().as_deref(), Some("page 2, 1 account"));
    }

    /// A page past the last the API reported is shown alone, not as
    /// `page 4/3`.
    #[test]
    fn a_page_past_the_reported_total_is_shown_without_it() {
        let mut p = Progress::default();
        p.record(&page(3, Some(3), 5));
        p.record(&page(4, Some(3), 5));
        assert_eq!(p.line().as_deref(), Some("page 4, 10 accounts"));
    }
}
