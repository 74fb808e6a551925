//! `list`: walk the pages, drop duplicates, filter by status, stop at
//! `--limit`, and hand the accounts to the chosen output.

use std::path::Path;

use anyhow::Result;

use super::progress::Progress;
use super::sort::sort_by_field;
use super::{Context, WalkPlan};
use crate::account::Account;
use crate::accounts::{Collector, Flow};
use crate::api::pages::{Page, Pages};
use crate::cli::{ListArgs, OutputFormat};
use crate::config::Settings;
use crate::error::usage_error;
use crate::output::destination::Destination;
use crate::output::jq::{self, JqFailed, JqFilter, JqSink, RowsJq};
use crate::output::{Layout, Sink, sink_for};
use crate::text::{counted, shown_path, visible};

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
            visible(&given.join(","))
        )));
    }
    Ok(Some(columns))
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

/// Warns, before the walk, about a table written to a file named for
/// another format (`accounts.csv`), and the options of a format the
/// output is not in (`--bom` with `-o jsonl`), and `--concurrency` with
/// `--page`: they do nothing there.
fn warn_of_mismatches(ctx: &Context, args: &ListArgs, output_file: Option<&Path>) {
    // (With `--jq` neither: it was refused with table and csv.)
    let table = args.format.output == OutputFormat::Table;
    let csv = args.format.output == OutputFormat::Csv;
    let promised = (output_file.filter(|_| table && !args.output_given)).and_then(format_named_by);
    if let (Some(path), Some((flag, name))) = (output_file, promised) {
        ctx.warn(&format!(
            "writing a table to {}, as -o defaults to table; pass -o {flag} for {name}",
            shown_path(&path)
        ));
    }
    let options = [
        (args.bom, "--bom", csv, "csv"),
        (args.no_formula_guard, "--no-formula-guard", csv, "csv"),
        (args.no_header, "--no-header", table || csv, "table and csv"),
    ];
    for (given, option, applies, formats) in options {
        if given && !applies {
            ctx.warn(&format!(
                "{option} applies to {formats} output only, so it does nothing here"
            ));
        }
    }
    if args.page.is_some() && args.stream.concurrency.is_some() {
        ctx.warn("--concurrency does nothing with --page, which fetches one page");
    }
}

/// Runs `list`.
pub fn run(ctx: &Context, args: &ListArgs) -> Result<()> {
    let named = columns(args)?;
    // json and jsonl print every field unless --columns names some.
    let json = matches!(args.format.output, OutputFormat::Json | OutputFormat::Jsonl);
    let projection = named.clone().filter(|_| json);
    let mut unseen = named.clone().unwrap_or_default();
    let columns = named.unwrap_or_else(|| DEFAULT_COLUMNS.iter().map(|c| c.to_string()).collect());
    // `--jq`: per account with jsonl, once on the array with json.
    let jq = jq::for_rows(args.format.jq.as_deref(), args.format.output, &ctx.secrets)?;
    let through_jq = jq.is_some();
    let settings = ctx.settings(&args.api, args.stream.concurrency)?;
    // `-` is stdout.
    let output_file = args.output_file.as_deref().filter(|p| *p != Path::new("-"));
    if let Some(path) = output_file {
        super::not_in_use(&settings, "--output-file", path)?;
    }
    let mut destination = Destination::open(output_file)?;
    let mut sink = sink(ctx, args, jq, columns, &destination, output_file);
    let mut collector = Collector::new(args.stream.status.clone(), args.limit);

    let sort = sort_field(args)?;
    // With --sort the accounts are held until the walk is complete.
    let mut held: Vec<Account> = Vec::new();
    let streams = sink.streams();
    let stopped = stopped_after(&destination, streams && sort.is_none(), through_jq);
    let mut take = |accounts: Vec<Account>, destination: &mut Destination| {
        // The named columns none of the accounts so far has.
        unseen.retain(|c| !accounts.iter().any(|a| a.field(c).is_some()));
        if sort.is_some() {
            held.extend(accounts);
            return Ok(());
        }
        write_batch(sink.as_mut(), destination, &accounts, &projection)
    };
    match &args.at {
        Some(at) => recorded(ctx, &settings, at, &mut collector, &stopped, |accounts| {
            take(accounts, &mut destination)
        })?,
        None => {
            let each = |accounts, progress: &mut Progress| {
                // Streamed rows about to reach the terminal: wipe the line first.
                if sort.is_none() && streams && destination.is_terminal() {
                    progress.clear();
                }
                take(accounts, &mut destination)
            };
            let plan = walk_plan(args, &settings);
            ctx.walk_accounts(&settings, &args.api, plan, &mut collector, each)?;
        }
    }
    // The accounts held, sorted and written.
    if let Some(field) = sort.filter(|_| !held.is_empty()) {
        if !sort_by_field(&mut held, field) {
            ctx.warn(&unsorted(&held, field));
        }
        write_batch(sink.as_mut(), &mut destination, &held, &projection)?;
    }
    (sink.finish(&mut destination)).map_err(|e| written(e, &destination))?;
    // The file names itself; stdout is said as above.
    (destination.commit()).map_err(|e| match output_file {
        None => e.context("writing the accounts"),
        Some(_) => e,
    })?;
    if collector.matched() == 0 && args.format.output == OutputFormat::Table {
        ctx.note("0 accounts");
    }
    warn_of_noops(ctx, args, &collector, &unseen);
    Ok(())
}

/// Why `--sort FIELD` left the accounts in the API's order: no account
/// has the field (a name to check), or none has a value for it (`null`).
fn unsorted(accounts: &[Account], field: &str) -> String {
    let shown = visible(field);
    match accounts.iter().any(|a| a.field(field).is_some()) {
        true => {
            format!(
                "`{shown}` is null or missing in every account, so --sort left them in the API's order"
            )
        }
        false => format!(
            "no account has a field `{shown}`, so --sort left them in the API's order; check the field name"
        ),
    }
}

/// Where the accounts go: to `--jq`, or as the format writes them.
fn sink(
    ctx: &Context,
    args: &ListArgs,
    jq: Option<(JqFilter, RowsJq)>,
    columns: Vec<String>,
    destination: &Destination,
    output_file: Option<&Path>,
) -> Box<dyn Sink> {
    warn_of_mismatches(ctx, args, output_file);
    // A column named by a secret (pasted as `--columns`), a field no
    // account has: its header is not shown.
    let hidden = |c: String| match ctx.secrets.holds(&c) {
        true => "<redacted>".to_string(),
        false => c,
    };
    let columns = columns.into_iter().map(hidden).collect();
    match jq {
        Some((filter, how)) => Box::new(JqSink::new(filter, how)),
        None => {
            // Drawn as a report table is: fitted to a terminal, coloured
            // (on stdout only).
            let style = ctx.report_style(destination.is_terminal());
            let layout = Layout {
                columns,
                header: !args.no_header,
                formula_guard: !args.no_formula_guard,
                bom: args.bom,
                width: style.width,
                color: output_file.is_none() && style.color,
            };
            sink_for(args.format.output, layout)
        }
    }
}

/// What had reached the output of `list` when the reading stopped
/// part-way (a damaged store), said of the number of accounts handed to
/// it: streamed rows were printed (or written to the device or pipe
/// named), or passed to `--jq`, which prints what it makes of them; a held
/// format prints nothing, and a file is written whole or not at all.
fn stopped_after(
    destination: &Destination,
    streamed: bool,
    jq: bool,
) -> impl Fn(u64) -> String + use<> {
    let file = matches!(destination, Destination::File { .. });
    let name = destination.file_name();
    move |shown| {
        let done = (name.as_ref()).map_or("printed".to_string(), |n| format!("written to {n}"));
        match &name {
            Some(name) if file => format!("nothing was written: {name} is left as it was"),
            _ if !streamed => format!("nothing was {done}"),
            _ if jq => super::stopped_after(shown, ("account", "accounts"), "passed to --jq"),
            _ => super::stopped_after(shown, ("account", "accounts"), &done),
        }
    }
}

/// `list --at WHEN`: the accounts of the snapshot in force at WHEN, from
/// the history store, through the same filter as a walk's pages, to
/// `take` a batch at a time (a `--limit` met stops the reading); damage
/// found part-way says what reached the output, as `stopped` words it.
fn recorded(
    ctx: &Context,
    settings: &Settings,
    at: &str,
    collector: &mut Collector,
    stopped: &dyn Fn(u64) -> String,
    mut take: impl FnMut(Vec<Account>) -> Result<()>,
) -> Result<()> {
    use crate::history::{Access, show_time, when};
    /// Accounts read from the store between two writes.
    const BATCH: usize = 256;
    let at = super::parse_when_arg("--at", at, when::now())?;
    let org = ctx.organization(settings)?;
    let store = ctx.history_store(settings, Access::Read)?;
    let snapshot = store.snapshot_at(&org, at).map_err(|e| store.damaged(e))?;
    ctx.note(&format!(
        "from the snapshot of {} ({}) in {}",
        show_time(snapshot.time),
        counted(snapshot.accounts, "account", "accounts"),
        shown_path(&store.path())
    ));
    let mut batch = Vec::with_capacity(BATCH);
    let mut pass = |batch: &mut Vec<Account>, collector: &mut Collector| {
        take(collector.take(Page {
            number: 1,
            accounts: std::mem::take(batch),
            total: None,
            total_pages: None,
        }))?;
        anyhow::Ok(collector.flow() != Flow::Stop)
    };
    let read = store.accounts_at(&org, snapshot.time, |account| {
        batch.push(account);
        match batch.len() < BATCH {
            true => Ok(true),
            false => pass(&mut batch, collector),
        }
    });
    read.map_err(|e| store.damaged_after(e, &stopped(collector.matched())))?;
    if !batch.is_empty() {
        pass(&mut batch, collector)?;
    }
    Ok(())
}

/// Which pages `list` walks, and how many at once.
fn walk_plan(args: &ListArgs, settings: &Settings) -> WalkPlan {
    // `--limit` fetches no page beyond the one that completes it (§2). With
    // a status filter nobody knows in advance which page that is, so such a
    // walk goes one page at a time; without one, Collector::flow bounds it.
    let concurrency = match args.limit.is_some() && !args.stream.status.is_empty() {
        true => 1,
        false => settings.concurrency.value,
    };
    WalkPlan {
        pages: args.page.map_or(Pages::All, Pages::Only),
        concurrency,
        exact: false,
    }
}

/// The format a file's name promises (`.csv`, `.json`, `.jsonl`,
/// `.ndjson`): its `-o` value and its name.
fn format_named_by(path: &Path) -> Option<(&'static str, &'static str)> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "csv" => Some(("csv", "CSV")),
        "json" => Some(("json", "JSON")),
        "jsonl" | "ndjson" => Some(("jsonl", "JSON Lines")),
        _ => None,
    }
}

/// Flags that did nothing are said so: a `--columns` field no account
/// has (as `--sort` does), a `--page` past the last one.
fn warn_of_noops(ctx: &Context, args: &ListArgs, collector: &Collector, unseen: &[String]) {
    if collector.matched() > 0 {
        let done = match args.format.output {
            OutputFormat::Json | OutputFormat::Jsonl => "left it out",
            _ => "printed it empty",
        };
        for column in unseen {
            ctx.warn(&format!(
                "no account has a field `{}`, so --columns {done}; check the field name",
                visible(column)
            ));
        }
    }
    let past_the_last = (args.page.zip(collector.total_pages())).filter(|(page, last)| page > last);
    if let Some((page, last)) = past_the_last {
        ctx.warn(&format!(
            "page {page} is past the last page: the API reported {}",
            counted(last, "page", "pages")
        ));
    } else if let Some((page, total)) = args.page.zip(collector.none_of()) {
        // No `total_pages` to tell by: an empty page of a list that has some.
        ctx.warn(&format!(
            "page {page} is past the last page: it holds no account of the {total} the API reported"
        ));
    }
}

/// Hands a batch to the sink, with only the `projection` fields when set.
fn write_batch(
    sink: &mut dyn Sink,
    destination: &mut Destination,
    accounts: &[Account],
    projection: &Option<Vec<String>>,
) -> Result<()> {
    let projected: Option<Vec<Account>> =
        (projection.as_ref()).map(|fields| accounts.iter().map(|a| a.only(fields)).collect());
    (sink.write_batch(destination, projected.as_deref().unwrap_or(accounts)))
        .map_err(|e| written(e, destination))?;
    if sink.streams() {
        (destination.flush_streamed()).map_err(|e| written(e.into(), destination))?;
    }
    Ok(())
}

/// A failed write, said as one of the file of `--output-file` (as its
/// last flush is), or as the other commands say theirs to stdout
/// (`writing the accounts: writing to stdout: …`); a failed `--jq` says all.
fn written(err: anyhow::Error, destination: &Destination) -> anyhow::Error {
    match destination.file_name() {
        Some(file) if !err.is::<JqFailed>() => err.context(format!("writing {file}")),
        Some(_) => err,
        None => super::writing("the accounts", err),
    }
}
