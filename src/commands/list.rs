//! `list`: walk the pages, drop duplicates, filter by status, stop at
//! `--limit`, and hand the accounts to the chosen output.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

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
    /// The ids taken so far, as [`id_key`]s.
    seen: HashSet<u128>,
    matched: u64,
    first_total: Option<u64>,
}

impl Collector {
    pub fn new(filter: StatusFilter, limit: Option<u64>) -> Collector {
        Collector {
            filter,
            limit,
            seen: HashSet::new(),
            matched: 0,
            first_total: None,
        }
    }

    /// The matching accounts of a page, in order.
    pub fn take(&mut self, page: Page) -> Vec<Account> {
        if self.first_total.is_none() {
            self.first_total = page.total;
        }
        let mut kept = Vec::with_capacity(page.accounts.len());
        for account in page.accounts {
            if self.done() {
                break;
            }
            if !self.seen.insert(id_key(&account.id())) {
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
    if let Some(at) = &args.at {
        return run_at(ctx, args, &settings, columns, at);
    }
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

/// `list --at WHEN`: the accounts of the snapshot in force at WHEN, from
/// the history store, through the same filter, sort and outputs as a walk.
fn run_at(
    ctx: &Context,
    args: &ListArgs,
    settings: &crate::config::Settings,
    columns: Vec<String>,
    at: &str,
) -> Result<()> {
    use crate::history::{Access, show_time, when};
    let at = super::parse_when_arg("--at", at, when::now())?;
    let org = ctx.organization(settings)?;
    let sort = sort_field(args)?;
    let mut destination = Destination::open(args.output_file.as_deref())?;
    let store = ctx.history_store(settings, Access::Read)?;
    let snapshot = store.snapshot_at(&org, at)?;
    let bodies = store.accounts_at(&org, snapshot.time)?;
    ctx.log.note(&format!(
        "from the snapshot of {} ({} accounts) in {}",
        show_time(snapshot.time),
        snapshot.accounts,
        store.path().display()
    ));
    let accounts = bodies
        .iter()
        .map(|b| serde_json::from_str::<Account>(b))
        .collect::<Result<Vec<Account>, _>>()
        .with_context(|| format!("reading the history store {}", store.path().display()))?;
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
    let mut kept = collector.take(Page {
        number: 1,
        accounts,
        total: None,
        total_pages: None,
    });
    if let Some(field) = sort {
        if !sort_by_field(&mut kept, field) && !kept.is_empty() {
            ctx.log.warn(&format!(
                "no account has a field `{field}`, so --sort left them in the recorded order; check the field name"
            ));
        }
    }
    write_batch(sink.as_mut(), &mut destination, &kept)?;
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
