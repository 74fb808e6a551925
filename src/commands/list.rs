//! `list`: walk the pages, drop duplicates, filter by status, stop at
//! `--limit`, and hand the accounts to the chosen output.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

use anyhow::{Context as _, Result};

use super::sort::sort_by_field;
use super::{Context, WalkPlan};
use crate::account::{Account, Status};
use crate::api::pages::{Flow, Page, Pages};
use crate::cli::{ListArgs, OutputFormat};
use crate::error::usage_error;
use crate::output::destination::Destination;
use crate::output::{Layout, Sink, sink_for};

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
    /// The ids taken so far, as [`IdKeys`].
    seen: HashSet<u64, BuildHasherDefault<KeyHasher>>,
    keys: IdKeys,
    matched: u64,
    first_total: Option<u64>,
}

impl Collector {
    pub fn new(filter: StatusFilter, limit: Option<u64>) -> Collector {
        Collector {
            filter,
            limit,
            seen: HashSet::default(),
            keys: IdKeys::default(),
            matched: 0,
            first_total: None,
        }
    }

    /// The matching accounts of a page, in order.
    pub fn take(&mut self, page: Page) -> Vec<Account> {
        if self.first_total.is_none() {
            self.first_total = page.total;
            // Room for every id the API announced, once, rather than growing
            // (and holding the old table beside the new one) along the way;
            // a total no real organization has is not believed.
            let announced = page.total.unwrap_or(0).min(MAX_RESERVED_IDS);
            self.seen.reserve(usize::try_from(announced).unwrap_or(0));
        }
        let mut kept = Vec::with_capacity(page.accounts.len());
        for account in page.accounts {
            if self.done() {
                break;
            }
            if !self.seen.insert(self.keys.key(&account)) {
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

/// The most ids room is made for up front from the first page's `total`.
const MAX_RESERVED_IDS: u64 = 1 << 22;

/// An id as one 64-bit hash of its exact JSON text (so that `"12"` and
/// `12` differ), keyed with random keys for the run, so no server can
/// choose ids that collide: 8 bytes per account seen, a million accounts
/// in 16 MiB. Two different ids share a key with odds of about n²/2⁶⁵
/// (3·10⁻⁸ for a million), and a lost account would still show in the
/// count warning.
#[derive(Debug, Default)]
struct IdKeys(RandomState);

impl IdKeys {
    fn key(&self, account: &Account) -> u64 {
        let mut hasher = self.0.build_hasher();
        hasher.write(account.id_text().as_bytes());
        hasher.finish()
    }
}

/// The set's hasher: its keys are hashes already, so it takes them as
/// they are instead of hashing a second time.
#[derive(Debug, Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Validates `--columns`.
fn columns(args: &ListArgs) -> Result<Vec<String>> {
    let columns: Vec<String> = args.columns.iter().map(|c| c.trim().to_string()).collect();
    if columns.iter().any(String::is_empty) {
        return Err(usage_error(format!(
            "--columns `{}` has an empty name; list field names separated by commas, e.g. id,name,status",
            args.columns.join(",")
        )));
    }
    Ok(columns)
}

/// Validates `--sort`.
fn sort_field(args: &ListArgs) -> Result<Option<&str>> {
    match args.sort.as_deref().map(str::trim) {
        Some("") => Err(usage_error(
            "--sort needs a field name, e.g. --sort company_name",
        )),
        other => Ok(other),
    }
}

/// Runs `list`.
pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
    let columns = columns(args)?;
    let settings = ctx.settings(&args.api, args.concurrency.map(|c| c as usize))?;
    let mut destination = Destination::open(args.output_file.as_deref())?;
    let width = if destination.is_terminal() {
        terminal_size::terminal_size().map(|(w, _)| w.0)
    } else {
        None
    };
    let layout = Layout {
        columns,
        header: !args.no_header,
        formula_guard: !args.no_formula_guard,
        bom: args.bom,
        width,
        color: args.output_file.is_none() && ctx.color_stdout(),
    };
    let mut sink = sink_for(args.output, layout);
    let filter = StatusFilter::new(args.status.iter().map(|s| Status::from(*s)));
    let mut collector = Collector::new(filter, args.limit);

    let pages = match args.page {
        Some(n) => Pages::Only(n),
        None => Pages::All,
    };
    let sort = sort_field(args)?;
    // With --sort the accounts are held until the walk is complete.
    let mut held: Vec<Account> = Vec::new();
    // `--limit` fetches no page beyond the one that completes it (§2). With
    // a status filter nobody knows in advance which page that is, so such a
    // walk goes one page at a time; without one, Collector::flow bounds it.
    let concurrency = if args.limit.is_some() && !args.status.is_empty() {
        1
    } else {
        settings.concurrency.value
    };
    let walk = WalkPlan { pages, concurrency };
    ctx.walk_accounts(
        &settings,
        &args.api,
        walk,
        &mut collector,
        |accounts, progress| {
            if sort.is_some() {
                held.extend(accounts);
                return Ok(());
            }
            // Streamed rows about to reach the terminal: wipe the line first.
            if sink.streams() && destination.is_terminal() {
                progress.clear();
            }
            write_batch(sink.as_mut(), &mut destination, &accounts)
        },
    )?;
    if let Some(field) = sort {
        if !sort_by_field(&mut held, field) && !held.is_empty() {
            ctx.log.warn(&format!(
                "no account has a field `{field}`, so --sort left them in the API's order; check the field name"
            ));
        }
        write_batch(sink.as_mut(), &mut destination, &held)?;
        drop(held);
    }

    sink.finish(&mut destination)
        .context("writing the output")?;
    destination.commit()?;
    if collector.matched() == 0 && args.output == OutputFormat::Table {
        ctx.log.note("0 accounts");
    }
    Ok(())
}

fn write_batch(
    sink: &mut dyn Sink,
    destination: &mut Destination,
    accounts: &[Account],
) -> Result<()> {
    sink.write_batch(destination, accounts)
        .context("writing the output")?;
    if sink.streams() {
        destination.flush_streamed().context("writing the output")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn page(total: Option<u64>, ids: &[Value]) -> Page {
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

    fn ids(accounts: &[Account]) -> Vec<String> {
        accounts.iter().map(Account::id).collect()
    }

    #[test]
    fn duplicates_across_pages_are_dropped_and_the_first_kept() {
        let mut c = Collector::new(StatusFilter::default(), None);
        let first = c.take(page(Some(4), &[json!("a"), json!("b"), json!("a")]));
        assert_eq!(ids(&first), ["a", "b"]);
        let second = c.take(page(Some(4), &[json!("b"), json!("c")]));
        assert_eq!(ids(&second), ["c"]);
        assert!(c.total_mismatch().unwrap().contains("collected 3 distinct"));
    }

    #[test]
    fn a_numeric_id_and_the_same_digits_as_text_are_different_ids() {
        let mut c = Collector::new(StatusFilter::default(), None);
        let kept = c.take(page(
            None,
            &[json!(12), json!("12"), json!(12), json!("12")],
        ));
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn an_absurd_total_reserves_no_more_than_the_cap() {
        let mut c = Collector::new(StatusFilter::default(), None);
        c.take(page(Some(u64::MAX), &[json!("a")]));
        assert!(c.seen.capacity() >= MAX_RESERVED_IDS as usize);
        assert!(c.seen.capacity() < 2 * (MAX_RESERVED_IDS as usize));
    }
}
