//! `summary`: how many accounts are in each status. Counts while walking
//! (no account is kept), drops duplicate ids like `list`, and prints the
//! documented statuses in the API reference's order (zeros included), then
//! any other status in the order first seen; table and csv add a TOTAL row.

use std::collections::HashMap;

use anyhow::Result;
use serde_json::{Value, json};

use super::progress::Progress;
use super::{Context, WalkPlan};
use crate::account::{Account, Status};
use crate::accounts::Collector;
use crate::cli::SummaryArgs;
use crate::output::report::{ReportCell, ReportJson};
use crate::output::table::TableSink;

/// The label of the last table/csv row.
const TOTAL: &str = "TOTAL";

/// Accounts counted per status: the documented statuses first, in the
/// API reference's order (zeros included), then any other status in the
/// order first seen.
///
/// Each found by an index, not by a look along them: an API with a status
/// per account (none of them documented) made a count quadratic.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StatusCounts(Vec<(Status, u64)>, HashMap<Status, usize>);

impl Default for StatusCounts {
    fn default() -> StatusCounts {
        let documented = Status::DOCUMENTED.iter().cloned();
        let counts = documented.clone().map(|status| (status, 0)).collect();
        StatusCounts(counts, documented.zip(0..).collect())
    }
}

impl StatusCounts {
    /// Counts one account of this status.
    fn add(&mut self, status: &Status) {
        match self.1.get(status) {
            Some(&at) => self.0[at].1 += 1,
            None => {
                self.1.insert(status.clone(), self.0.len());
                self.0.push((status.clone(), 1));
            }
        }
    }

    /// The rows to print: with no filter, every status counted; with a
    /// filter (of documented statuses), exactly the statuses asked for, in
    /// the documented order.
    fn rows(&self, only: &[Status]) -> Vec<(String, u64)> {
        self.0
            .iter()
            .filter(|(s, _)| only.is_empty() || only.contains(s))
            .map(|(s, n)| (s.as_str().to_string(), *n))
            .collect()
    }

    /// Every account counted.
    fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

/// The json report's items: `{"status": S, "count": N}`. An account
/// without a status is counted under `"status": null`.
fn items(rows: &[(String, u64)]) -> Vec<Value> {
    rows.iter()
        .map(|(status, count)| {
            let status = (!status.is_empty()).then_some(status);
            json!({"status": status, "count": count})
        })
        .collect()
}

/// The table and csv rows: each status, then TOTAL.
fn report_rows(rows: &[(String, u64)], total: u64) -> Vec<Vec<ReportCell>> {
    rows.iter()
        .map(|(status, count)| {
            vec![
                ReportCell::new(status.clone()).colored(TableSink::status_color(status)),
                ReportCell::number(*count),
            ]
        })
        .chain([vec![ReportCell::new(TOTAL), ReportCell::number(total)]])
        .collect()
}

/// Runs `summary`.
pub fn run(ctx: &Context, args: &SummaryArgs) -> Result<()> {
    let how = ctx.report_output(&args.format)?;
    let settings = ctx.settings(&args.api, args.stream.concurrency)?;
    let mut collector = Collector::new(args.stream.status.clone(), None);
    let mut counts = StatusCounts::default();
    let count = |accounts: Vec<Account>, _: &mut Progress| {
        accounts.iter().for_each(|a| counts.add(&a.status()));
        Ok(())
    };
    let plan = WalkPlan::all(&settings, false);
    ctx.walk_accounts(&settings, &args.api, plan, &mut collector, count)?;

    let rows = counts.rows(&args.stream.status);
    let json = || Ok(ReportJson::Items(items(&rows)));
    let table = || report_rows(&rows, counts.total());
    super::report("the summary", |out| {
        ctx.write_report(out, &how, "the summary", json, &["status", "count"], table)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::json::write_json_lines;

    fn counted(statuses: &[&str]) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for s in statuses {
            counts.add(&Status::parse(s));
        }
        counts
    }

    #[test]
    fn documented_statuses_come_first_in_order_with_zeros() {
        let counts = counted(&["OTHER", "ACTIVE", "active", "TRIAL_LOST"]);
        assert_eq!(
            counts.rows(&[]),
            vec![
                ("ACTIVE".to_string(), 2),
                ("CHURNED".to_string(), 0),
                ("IN_TRIAL".to_string(), 0),
                ("INACTIVE".to_string(), 0),
                ("PROSPECT".to_string(), 0),
                ("TRIAL_LOST".to_string(), 1),
                ("OTHER".to_string(), 1),
            ]
        );
        assert_eq!(counts.total(), 4);
    }

    #[test]
    fn unknown_statuses_follow_in_order_of_first_appearance() {
        let counts = counted(&["SUSPENDED", "ACTIVE", "ARCHIVED", "SUSPENDED", ""]);
        let rows = counts.rows(&[]);
        assert_eq!(rows.len(), 10);
        assert_eq!(
            rows[7..],
            [
                ("SUSPENDED".to_string(), 2),
                ("ARCHIVED".to_string(), 1),
                (String::new(), 1)
            ]
        );
        assert_eq!(counts.total(), 5);
    }

    #[test]
    fn a_filter_shows_exactly_the_statuses_asked_for_in_documented_order() {
        let counts = counted(&["ACTIVE", "CHURNED", "SUSPENDED"]);
        let rows = counts.rows(&[Status::Prospect, Status::Active]);
        assert_eq!(
            rows,
            vec![("ACTIVE".to_string(), 1), ("PROSPECT".to_string(), 0)]
        );
    }

    #[test]
    fn json_is_an_array_of_status_and_count() {
        let mut text = Vec::new();
        write_json_lines(
            &mut text,
            &items(&[("ACTIVE".into(), 3), (String::new(), 1)]),
        )
        .unwrap();
        let parsed: Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(
            parsed,
            json!([{"status": "ACTIVE", "count": 3}, {"status": null, "count": 1}])
        );
    }

    #[test]
    fn table_and_csv_rows_end_with_the_total() {
        let rows = report_rows(&[("ACTIVE".into(), 3), ("X".into(), 2)], 5);
        let last = rows.last().unwrap();
        assert_eq!(
            (last[0].text.as_str(), last[1].text.as_str()),
            ("TOTAL", "5")
        );
    }
}
