//! `list`: walk the pages, drop duplicates, filter by status, stop at
//! `--limit`, and hand the accounts to the chosen output.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use anyhow::{Context as _, Result};

use super::sort::sort_by_field;
use super::{Context, WalkPlan};
use crate::account::{Account, Status};
use crate::api::pages::{Flow, Page, Pages};
use crate::cli::{ListArgs, OutputFormat};
use crate::error::usage_error;
use crate::output::destination::Destination;
use crate::output::jq::{JqFailed, JqFilter, JqSink, not_json};
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

/// The columns of table and csv when `--columns` is not given.
const DEFAULT_COLUMNS: [&str; 4] = ["id", "name", "company_name", "status"];

/// Validates `--columns`; `None` when not given.
fn columns(args: &ListArgs) -> Result<Option<Vec<String>>> {
    let Some(given) = &args.columns else {
        return Ok(None);
    };
    let columns: Vec<String> = given.iter().map(|c| c.trim().to_string()).collect();
    if columns.iter().any(String::is_empty) {
        return Err(usage_error(format!(
            "--columns `{}` has an empty name; list field names separated by commas, e.g. id,name,status",
            given.join(",")
        )));
    }
    Ok(Some(columns))
}

/// The named columns that no account seen so far has.
struct UnseenColumns(Vec<String>);

impl UnseenColumns {
    fn record(&mut self, accounts: &[Account]) {
        self.0
            .retain(|c| !accounts.iter().any(|a| a.get(c).is_some()));
    }
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

/// The `--jq` sink, if asked for: per account with jsonl, once on the
/// array with json; table and csv are not JSON.
fn jq_sink(args: &ListArgs) -> Result<Option<JqSink>> {
    let whole_list = match (&args.jq.jq, args.output) {
        (None, _) => return Ok(None),
        (Some(_), OutputFormat::Jsonl) => false,
        (Some(_), OutputFormat::Json) => true,
        (Some(_), OutputFormat::Table) => return Err(not_json("table", "-o jsonl or -o json")),
        (Some(_), OutputFormat::Csv) => return Err(not_json("csv", "-o jsonl or -o json")),
    };
    let Some(filter) = JqFilter::from_args(&args.jq)? else {
        return Ok(None);
    };
    Ok(Some(if whole_list {
        JqSink::whole_list(filter)
    } else {
        JqSink::per_account(filter)
    }))
}

/// Runs `list`.
pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
    let named = columns(args)?;
    // json and jsonl print every field unless --columns names some.
    let projection = match args.output {
        OutputFormat::Json | OutputFormat::Jsonl => named.clone(),
        OutputFormat::Table | OutputFormat::Csv => None,
    };
    let mut unseen = UnseenColumns(named.clone().unwrap_or_default());
    let columns = named.unwrap_or_else(|| DEFAULT_COLUMNS.iter().map(|c| c.to_string()).collect());
    let jq = jq_sink(args)?;
    let settings = ctx.settings(&args.api, args.concurrency.map(|c| c as usize))?;
    // `-` is stdout.
    let output_file = args.output_file.as_deref().filter(|p| *p != Path::new("-"));
    let mut destination = Destination::open(output_file)?;
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
        color: output_file.is_none() && ctx.color_stdout(),
    };
    let mut sink: Box<dyn Sink> = match jq {
        Some(jq) => Box::new(jq),
        None => sink_for(args.output, layout),
    };
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
            unseen.record(&accounts);
            if sort.is_some() {
                held.extend(accounts);
                return Ok(());
            }
            // Streamed rows about to reach the terminal: wipe the line first.
            if sink.streams() && destination.is_terminal() {
                progress.clear();
            }
            write_batch(sink.as_mut(), &mut destination, &accounts, &projection)
        },
    )?;
    if let Some(field) = sort {
        if !sort_by_field(&mut held, field) && !held.is_empty() {
            ctx.log.warn(&format!(
                "no account has a field `{field}`, so --sort left them in the API's order; check the field name"
            ));
        }
        write_batch(sink.as_mut(), &mut destination, &held, &projection)?;
        drop(held);
    }

    sink.finish(&mut destination).map_err(writing)?;
    destination.commit()?;
    if collector.matched() == 0 && args.output == OutputFormat::Table {
        ctx.log.note("0 accounts");
    }
    warn_of_noops(ctx, args, &collector, &unseen);
    Ok(())
}

/// Flags that did nothing are said so: a `--columns` field no account
/// has (as `--sort` does), a `--page` past the last one.
fn warn_of_noops(ctx: &Context, args: &ListArgs, collector: &Collector, unseen: &UnseenColumns) {
    if collector.matched() > 0 {
        for column in &unseen.0 {
            ctx.log.warn(&format!(
                "no account has a field `{column}`, so --columns printed it empty; check the field name"
            ));
        }
    }
    if let (Some(page), Some(last)) = (args.page, collector.total_pages()) {
        if page > last {
            ctx.log.warn(&format!(
                "page {page} is past the last page: the API reported {last} {}",
                if last == 1 { "page" } else { "pages" }
            ));
        }
    }
}

/// Hands a batch to the sink, with only the `projection` fields when set.
fn write_batch(
    sink: &mut dyn Sink,
    destination: &mut Destination,
    accounts: &[Account],
    projection: &Option<Vec<String>>,
) -> Result<()> {
    match projection {
        Some(fields) => {
            let projected: Vec<Account> = accounts.iter().map(|a| a.only(fields)).collect();
            sink.write_batch(destination, &projected)
        }
        None => sink.write_batch(destination, accounts),
    }
    .map_err(writing)?;
    if sink.streams() {
        destination.flush_streamed().context("writing the output")?;
    }
    Ok(())
}

/// A sink's error, said to be about writing the output unless it is a
/// failed `--jq` expression (whose message says all).
fn writing(err: anyhow::Error) -> anyhow::Error {
    if err.is::<JqFailed>() {
        err
    } else {
        err.context("writing the output")
    }
}
