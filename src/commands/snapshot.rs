//! `snapshot`: walk every page exactly as `list` does and record the
//! whole organization in the history store, in one transaction after the
//! walk is complete; or record a saved export (`--import FILE --at TIME`).
//! Then report what changed since the snapshot before.

use std::collections::HashMap;

use anyhow::Result;
use serde_json::{Value, json};

use super::{Context, ReportOutput, WalkPlan, parse_optional_when};
use crate::account::Account;
use crate::accounts::Collector;
use crate::cli::{ReportFormat, SnapshotArgs};
use crate::config::Settings;
use crate::error::{api_error, usage_error};
use crate::history::record::{Summary, Taken};
use crate::history::{Access, show_time, when};
use crate::output::report::{ReportCell, ReportJson};
use crate::text::{counted, shown_path, spoken_duration};

/// Runs `snapshot`.
pub fn run(ctx: &Context, args: &SnapshotArgs) -> Result<()> {
    if !args.status.is_empty() {
        return Err(usage_error(
            "snapshot records the whole organization, so --status is not allowed; filter when reading, e.g. `list --at now --status ACTIVE`",
        ));
    }
    // Compiled first: a bad expression fails before anything is recorded.
    let how = ctx.report_output(&args.format)?;
    let settings = ctx.settings(&args.api, args.concurrency)?;
    if args.import.is_none() {
        // Said as `list` says it: every missing setting, and what to run.
        settings.require_credentials()?;
    }
    let org = ctx.organization(&settings)?;
    let now = when::now();
    if args.import.is_none() && now >= when::last_snapshot_time() {
        return Err(anyhow::anyhow!(
            "this machine's clock is past {}, the last time the history can hold; nothing was recorded; set the clock right (NTP)",
            show_time(when::last_snapshot_time())
        ));
    }
    // `now` reads as the latest state: here it is this moment.
    let at = parse_optional_when("--at", args.at.as_deref(), now)?;
    let at = at.map(|at| if at == when::LATEST { now } else { at });
    if let Some(at) = at.filter(|&at| at > now) {
        return Err(usage_error(format!(
            "--at: {} is in the future; give the time the export was saved",
            show_time(at)
        )));
    }
    // A bad export is refused before the store is opened (and made).
    let import = match (&args.import, at) {
        (Some(file), Some(at)) => Some((file, at, read_import(file)?)),
        _ => None,
    };
    // Opened first: a foreign, newer or read-only store fails before any
    // request is made.
    let mut store = ctx.history_store(&settings, Access::Write)?;
    let (taken, accounts, source) = match import {
        Some((file, at, accounts)) => (
            Taken::At(at),
            accounts,
            // Recorded in the store: the name as it is (a message escapes it).
            format!("import {}", file.display()),
        ),
        None => {
            let (accounts, at) = walk(ctx, &settings, args)?;
            (Taken::Now(at), accounts, "api".to_string())
        }
    };
    let summary =
        (store.record(&org, taken, accounts, &source)).map_err(|e| store.write_error(e))?;
    // A snapshot after the clock now: only a clock set back (or wrong now)
    // takes a live snapshot before it, and `list --at now` and `trend` would
    // not show this one. (One recorded while this run waited for the store
    // is no such snapshot.)
    let ahead = summary.next.filter(|&next| next > when::now());
    if let (Taken::Now(_), Some(next)) = (taken, ahead) {
        ctx.warn(&format!(
            "this machine's clock says {}, before the snapshot of {} in the history: the state just read is recorded at that time, and `list --at now` shows the later one; if the clock is wrong, set it right",
            show_time(summary.time),
            show_time(next)
        ));
    }
    ctx.note(&format!(
        "recorded {} at {} in {}{}",
        counted(summary.accounts, "account", "accounts"),
        show_time(summary.time),
        shown_path(&store.path()),
        match (summary.previous, summary.next) {
            (Some(p), _) => format!("; changes since the snapshot of {}", show_time(p)),
            (None, Some(n)) => format!(
                "; the earliest snapshot of this organization, before the one of {}",
                show_time(n)
            ),
            (None, None) => "; the first snapshot of this organization".to_string(),
        }
    ));
    print(ctx, &how, &summary)
}

/// Walks every page as `list` does and keeps each account as recorded,
/// with the time to record them at (µs). A walk whose count differs from
/// the API's total is not exact, so it is not recorded; nor is one by a
/// clock far from the API's when the time is taken.
fn walk(ctx: &Context, settings: &Settings, args: &SnapshotArgs) -> Result<(Vec<Account>, i64)> {
    let mut collector = Collector::new(Vec::new(), None);
    let mut accounts = Vec::new();
    let plan = WalkPlan::all(settings, true);
    let dating = ctx.walk_accounts(settings, &args.api, plan, &mut collector, |page, _| {
        accounts.extend(page);
        Ok(())
    })?;
    super::diff::refuse_inexact(&collector, "nothing was recorded", "snapshot")?;
    // Recorded at a wrong time, a snapshot misdates every change after it
    // (a year ahead, each night's `changes --since 1d` reported changes a
    // year ahead, and no command takes a snapshot out); so does a cache's
    // old copy (whose `Date` is when it was made, not a wrong clock).
    if let Some(age) = (dating.cached_for).filter(|a| *a as f64 > MAX_CLOCK_SKEW_SECS) {
        return Err(api_error(format!(
            "the API's answers came from a cache, one of them {} old (its Age header, or the Date of a copy it marked stale), and a snapshot of them misdates every change after it: nothing was recorded; run snapshot again when the cache (a proxy in HTTPS_PROXY or a gateway in front of the API) passes fresh answers",
            spoken_duration(age)
        )));
    }
    // The API's clock now, not at the last answer's head: a clock stepped
    // while its body arrived was recorded an hour ahead with no word.
    let now = std::time::SystemTime::now();
    let ahead = dating.clock_ahead_at(now);
    if let Some(ahead) = ahead.filter(|a| a.abs() > MAX_CLOCK_SKEW_SECS) {
        let way = if ahead > 0.0 { "ahead of" } else { "behind" };
        // To the nearest unit said, days from 2 days on (a wait is rounded
        // up; a distance of 2 days and 10 min was "3 days").
        let in_days = ahead.abs() >= 2.0 * 86_400.0;
        let unit = if in_days { 86_400.0 } else { 60.0 };
        return Err(anyhow::anyhow!(
            "this machine's clock is {} {way} the API's (by the Date of its answers), and a snapshot at a wrong time misdates every change after it: nothing was recorded; set the clock right (NTP) and run snapshot again",
            spoken_duration(((ahead.abs() / unit).round() * unit) as u64)
        ));
    }
    Ok((accounts, when::timestamp_of(now).as_microsecond()))
}

/// How far this machine's clock may be from the API's for a snapshot, in
/// seconds (AWS refuses requests past the same skew).
const MAX_CLOCK_SKEW_SECS: f64 = 15.0 * 60.0;

/// Reads an export as `diff` does (exit 2 naming the file and line); an
/// id twice is an error too, and so is an empty file.
fn read_import(path: &std::path::Path) -> Result<Vec<Account>> {
    let text = super::diff::read_text(path, "snapshot --import - --at …")?;
    let name = shown_path(super::diff::shown(path));
    // `diff` reads an empty file as no account, as `-o jsonl` writes it;
    // here it would record every account as removed, and an export that
    // failed (`list -o jsonl > file`) leaves just such a file.
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(usage_error(format!(
            "{name} is empty, as a failed export leaves it; nothing was recorded. If the organization had no account then, import a file holding []"
        )));
    }
    let records =
        super::diff::parse_export(&text).map_err(|e| usage_error(format!("{name}{e}")))?;
    let mut seen = HashMap::with_capacity(records.len());
    for (place, account) in &records {
        if let Some(first) = seen.insert(account.id_text(), place) {
            return Err(usage_error(format!(
                "{name}, {place}: id `{}` appears twice (also at {first}); an export holds each account once, nothing was recorded",
                account.id()
            )));
        }
    }
    Ok(records.into_iter().map(|(_, account)| account).collect())
}

/// The counts as json: the one place `snapshot -o json` is made.
pub fn to_json(summary: &Summary) -> Value {
    json!({
        "time": show_time(summary.time),
        "accounts": summary.accounts,
        "previous": summary.previous.map(show_time),
        "added": summary.counts.added,
        "removed": summary.counts.removed,
        "status": summary.counts.status,
        "other": summary.counts.other,
    })
}

fn rows(summary: &Summary) -> Vec<Vec<ReportCell>> {
    let c = &summary.counts;
    let counts = [c.added, c.removed, c.status, c.other];
    let names = ["added", "removed", "status", "other"];
    (names.into_iter().zip(counts))
        .map(|(change, n)| vec![ReportCell::new(change), ReportCell::number(n)])
        .collect()
}

fn print(ctx: &Context, how: &ReportOutput, summary: &Summary) -> Result<()> {
    if ctx.log.quiet && how.format == ReportFormat::Table {
        return Ok(());
    }
    let what = "the snapshot's counts (the snapshot is recorded)";
    let json = || Ok(ReportJson::Object(to_json(summary)));
    let table = || rows(summary);
    super::report("the counts (the snapshot is recorded)", |out| {
        ctx.write_report(out, how, what, json, &["change", "count"], table)?;
        Ok(())
    })
}
