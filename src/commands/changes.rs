//! `changes`: every change between consecutive snapshots in a time range,
//! from the history store, without the network.

use std::io::Write as _;

use anyhow::{Context as _, Result};
use serde_json::{Value, json};

use super::{Context, parse_optional_when};
use crate::account::{Account, Status, lenient};
use crate::cli::{ChangesArgs, OutputFormat};
use crate::error::usage_error;
use crate::history::query::{Change, Kind, Version, Window};
use crate::history::{Access, Org, Store, changed_fields, show_time, when};
use crate::output::destination::Destination;
use crate::output::jq::{self, RowsJq};
use crate::output::report::{ReportCell, write_csv_header, write_csv_row, write_json_rows};
use crate::output::table::TableSink;

/// The columns of every format.
pub const COLUMNS: [&str; 6] = ["time", "id", "name", "kind", "before", "after"];

/// Runs `changes`.
pub fn run(ctx: &Context, args: &ChangesArgs) -> Result<()> {
    let jq = jq::for_rows(args.format.jq.as_deref(), args.format.output, &ctx.secrets)?;
    // A bad `--since` or `--until` is said before the settings are read.
    let now = when::now();
    let since = parse_optional_when("--since", args.since.as_deref(), now)?;
    let until = parse_optional_when("--until", args.until.as_deref(), now)?;
    let settings = ctx.settings(&Default::default(), None)?;
    let org = ctx.organization(&settings)?;
    let store = ctx.history_store(&settings, Access::Read)?;
    // Looked up first (the organization, in snapshot_at, and the account):
    // an error before anything is printed (csv printed its header).
    let newest = (store.snapshot_at(&org, when::LATEST)).map_err(|e| store.damaged(e))?;
    let window = in_order(args, (since, until), newest.time)?;
    let id = (args.id.as_deref())
        // An id or name the history never had is an error, not "0 changes".
        .map(|key| store.find_account(&org, key).map(|(_, key)| key))
        .transpose()
        .map_err(|e| store.damaged(e))?;
    let format = args.format.output;
    let mut out = Destination::open(None)?;
    // A write error says what it was writing; the store's say their own.
    let wrote = |e: anyhow::Error| super::writing("the changes", e);
    if format == OutputFormat::Csv {
        write_csv_header(&mut out, &COLUMNS).map_err(wrote)?;
    }
    // jsonl, csv and `--jq` on each row are written as the changes are
    // read: a year of a large organization's history never sits in memory.
    // json (whole, or to `--jq`) and the table are written at the end:
    // what is kept is their text and cells, not the versions' bodies.
    let (mut items, mut cells, mut shown) = (Vec::new(), Vec::new(), 0);
    // (`--jq` runs on each row with jsonl alone, and csv takes none.)
    let streamed = matches!(format, OutputFormat::Jsonl | OutputFormat::Csv);
    let read = store.changes(&org, window, id.as_deref(), |c| {
        if !keeps(&c, args.status_from.as_ref(), args.status_to.as_ref()) {
            return Ok(());
        }
        shown += 1;
        match (&jq, format) {
            (Some((filter, RowsJq::PerRow)), _) => {
                // The change as a run-time error names it.
                let named = format!("the change of account {} at {}", c.id, show_time(c.time));
                (filter.apply_text(&change_json(&c), &named, &mut out)).map_err(wrote)?
            }
            (None, OutputFormat::Jsonl) => {
                writeln!(out, "{}", change_json(&c)).map_err(|e| wrote(e.into()))?
            }
            (None, OutputFormat::Csv) => write_csv_row(&mut out, &row(&c)).map_err(wrote)?,
            (None, OutputFormat::Table) => cells.push(row(&c)),
            _ => items.push(change_json(&c)),
        }
        Ok(())
    });
    // Damage found part-way: what was streamed is out (flushed as `out` goes).
    let done = jq.as_ref().map_or("printed", |_| "passed to --jq");
    let stopped = match streamed {
        true => super::stopped_after(shown, ("change", "changes"), done),
        false => "nothing was printed".to_string(),
    };
    read.map_err(|e| store.damaged_after(e, &stopped))?;
    // What was streamed kept no item; csv was all streamed.
    if format != OutputFormat::Csv {
        let written = write_json_rows(
            &mut out,
            format,
            jq.as_ref(),
            "the changes",
            || items,
            |_| String::new(),
        );
        if !written.map_err(wrote)? {
            (ctx.write_rows(&mut out, false, &COLUMNS, &cells)).map_err(wrote)?;
        }
    }
    out.commit().context("writing the changes")?;
    if cells.is_empty() && format == OutputFormat::Table {
        ctx.note(&no_change(&store, &org, window)?);
    }
    Ok(())
}

/// "0 changes", and why when the window holds no snapshot: the history
/// knows nothing of that time, no quiet week.
fn no_change(store: &Store, org: &Org, (since, until): Window) -> Result<String> {
    let snapshots = store.snapshots(org).map_err(|e| store.damaged(e))?;
    let times: Vec<i64> = snapshots.iter().map(|s| s.time).collect();
    let at = times.partition_point(|&t| since.is_some_and(|since| t < since));
    let (before, next) = (at.checked_sub(1).map(|k| times[k]), times.get(at).copied());
    let why = match (before, next, since, until) {
        (_, Some(next), _, until) if until.is_none_or(|until| next <= until) => {
            return Ok("0 changes".into());
        }
        (Some(last), None, Some(since), _) => format!(
            "the history ends with the snapshot of {}, before --since {}",
            show_time(last),
            show_time(since)
        ),
        (None, Some(first), _, Some(until)) => format!(
            "the history starts with the snapshot of {}, after --until {}",
            show_time(first),
            show_time(until)
        ),
        (Some(_), Some(next), Some(since), Some(until)) => format!(
            "no snapshot was taken from --since {} to --until {}; what changed then is at the snapshot of {}",
            show_time(since),
            show_time(until),
            show_time(next)
        ),
        _ => return Ok("0 changes".into()),
    };
    Ok(format!("0 changes: {why}"))
}

/// The window in order, `now` read as the latest state: the clock's time,
/// or the `newest` snapshot's when the clock was set back since. (Read as
/// the clock, `--since` the newest snapshot `--until now` was "swap them",
/// and `--since now` left that snapshot out.)
fn in_order(args: &ChangesArgs, (since, until): Window, newest: i64) -> Result<Window> {
    let latest = when::now().max(newest);
    let at = |t: i64| if t == when::LATEST { latest } else { t };
    let since = since.map(at);
    // Nothing lies between: "0 changes" would read as a quiet week.
    match (&args.since, &args.until, since, until) {
        (Some(from), Some(to), Some(s), Some(u)) if s > at(u) => Err(usage_error(format!(
            "--since {from} is after --until {to}; swap them"
        ))),
        _ => Ok((since, until)),
    }
}

/// `--status-from` / `--status-to`: only changes of status, additions
/// and removals, with the account's status before / after as asked
/// (matched without case, so a status only respelt is kept by neither).
fn keeps(change: &Change, from: Option<&Status>, to: Option<&Status>) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    if change.kind == Kind::Other {
        return false;
    }
    // A status only respelt (`ACTIVE` to `active`) neither left nor reached
    // its status, as `list --status` and `trend` match it.
    let [before, after] = statuses(change).map(|s| s.map(Status::parse));
    before != after
        && from.is_none_or(|s| before.as_ref() == Some(s))
        && to.is_none_or(|s| after.as_ref() == Some(s))
}

/// The account's status before and after the change (none when added,
/// removed).
fn statuses(change: &Change) -> [Option<&str>; 2] {
    [&change.before, &change.after].map(|v| v.as_ref().map(|v| v.status.as_str()))
}

/// Each field that changed, with its JSON text as recorded (none when a
/// side lacks it), before and after.
type Sides = [Vec<(String, Option<String>)>; 2];

/// For an `other` change: the fields that changed, before and after.
fn changed_values(change: &Change) -> Option<Sides> {
    let (Kind::Other, Some(b), Some(a)) = (change.kind, &change.before, &change.after) else {
        return None;
    };
    let names = changed_fields(&b.body, &a.body);
    Some([b, a].map(|v| {
        let account = Account::from_text(&v.body).ok();
        let found = account.as_ref().and_then(|a| a.raw_fields(&names));
        let found = found.unwrap_or_else(|| vec![None; names.len()]);
        let texts = found.into_iter().map(|raw| raw.map(str::to_string));
        names.iter().cloned().zip(texts).collect()
    }))
}

/// A side's value as a cell: strings as they are, missing as `(none)`,
/// anything else its JSON text; its JSON text when the other side's value,
/// though it differs, would show alike (`"7"` and `7`).
fn side_text(value: &Option<String>, other: &Option<String>) -> String {
    let [shown, other] = [value, other].map(|v| match v.as_deref() {
        None => "(none)".into(),
        Some(text) if text.starts_with('"') => lenient(text).unwrap_or_default(),
        Some(text) => text.to_string(),
    });
    match shown == other {
        true => value.clone().unwrap_or(shown),
        false => shown,
    }
}

/// One change as a table or csv row.
fn row(c: &Change) -> Vec<ReportCell> {
    // The `before` and `after` cells: the statuses (coloured), or for an
    // `other` change the fields that changed as `field: value` joined by `; `.
    let [before, after] = match changed_values(c) {
        Some([b, a]) => [(&b, &a), (&a, &b)].map(|(fields, others)| {
            let shown: Vec<String> = (fields.iter().zip(others))
                .map(|((n, v), (_, o))| format!("{n}: {}", side_text(v, o)))
                .collect();
            ReportCell::new(shown.join("; "))
        }),
        // Statuses that differ but show alike (`5`, `"5"`) as JSON text.
        None => {
            let shown = statuses(c).map(Option::unwrap_or_default);
            let alike = c.kind == Kind::Status && shown[0] == shown[1];
            [(shown[0], &c.before), (shown[1], &c.after)].map(|(s, v)| match v {
                Some(v) if alike => ReportCell::new(status_json(v)),
                _ => ReportCell::new(s).colored(TableSink::status_color(s)),
            })
        }
    };
    vec![
        ReportCell::new(show_time(c.time)),
        ReportCell::new(c.id.clone()),
        ReportCell::new(c.name().unwrap_or_default()),
        ReportCell::new(c.kind.as_str()),
        before,
        after,
    ]
}

/// One change as compact json text: `id` as the API spelt it, `before` /
/// `after` statuses (null when absent), or for `other` objects of the
/// fields that changed (a side that lacks one leaves it out), each value
/// the text it was recorded as.
pub fn change_json(change: &Change) -> String {
    let version = change.after.as_ref().or(change.before.as_ref());
    let account = version.and_then(|v| Account::from_text(&v.body).ok());
    let id = match &account {
        Some(account) => account.id_text().to_string(),
        None => Value::from(change.id.as_str()).to_string(),
    };
    let [before, after] = match changed_values(change) {
        Some(sides) => sides.map(|fields| {
            let fields: Vec<String> = (fields.iter())
                .filter_map(|(n, v)| Some(format!("{}:{}", json!(n), v.as_deref()?)))
                .collect();
            format!("{{{}}}", fields.join(","))
        }),
        None => {
            [&change.before, &change.after].map(|v| v.as_ref().map_or("null".into(), status_json))
        }
    };
    // The name is the version's whose account this is.
    let name = (change.name()).map_or("null".into(), |name| {
        as_written(name, raw_field(account.as_ref(), "name"))
    });
    format!(
        "{{\"time\":{},\"id\":{id},\"name\":{name},\"kind\":\"{}\",\"before\":{before},\"after\":{after}}}",
        json!(show_time(change.time)),
        change.kind.as_str(),
    )
}

/// The JSON text of `field` as `account` has it.
fn raw_field<'a>(account: Option<&'a Account>, field: &str) -> Option<&'a str> {
    account?.raw_fields(&[field])?.pop()?
}

/// A version's status as JSON: null when the account had none (not the
/// empty text it is recorded as), a number as written.
pub fn status_json(v: &Version) -> String {
    let account = Account::from_text(&v.body).ok();
    match raw_field(account.as_ref(), "status") {
        None | Some("null") => "null".into(),
        raw => as_written(&v.status, raw),
    }
}

/// `text`, recorded from a field whose JSON text is `raw`, as JSON: as the
/// API wrote it when recording lost something (a lone surrogate `\ud800`
/// is U+FFFD in the text recorded for tables), or when it is no string (a
/// name `6` was printed `"6"`).
fn as_written(text: &str, raw: Option<&str>) -> String {
    match raw {
        Some(raw) if !raw.starts_with('"') || text.contains(char::REPLACEMENT_CHARACTER) => {
            raw.to_string()
        }
        _ => json!(text).to_string(),
    }
}
